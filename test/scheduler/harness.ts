import { FakeClock } from '../../engine/core/clock';
import { Scheduler } from '../../engine/scheduler/scheduler';
import { FixedSignals } from '../../engine/scheduler/signals';
import { FakeEngine, MemoryCatalog, memoryLog } from './fakes';

export const BERLIN = 'Europe/Berlin';

/** A scheduler on a fake clock over an in-memory engine and catalog, with a driver for time. */
export function createScheduler(start: string, opts: { sources?: string[]; tickMs?: number } = {}) {
  const clock = new FakeClock(new Date(start));
  const engine = FakeEngine.withSources(clock, opts.sources ?? ['web']);
  const catalog = new MemoryCatalog(clock);
  const signals = new FixedSignals();
  const log = memoryLog();
  const scheduler = new Scheduler({ clock, catalog, service: engine, executor: engine, signals, log, timeZone: BERLIN, tickMs: opts.tickMs ?? 15 * 60_000 });

  /** Lets simulated time pass to `until`, stopping wherever the scheduler wants to look. */
  async function runUntil(until: string | number): Promise<void> {
    const target = typeof until === 'number' ? until : Date.parse(until);
    await scheduler.whenIdle();
    while (clock.now() < target) {
      clock.set(Math.min(target, scheduler.nextWakeAt()));
      await scheduler.whenIdle();
    }
  }

  /** Jumps to `until` in one step, as a machine that slept through it. */
  async function sleepUntil(until: string): Promise<void> {
    await scheduler.whenIdle();
    signals.emit('suspend');
    clock.set(new Date(until));
    signals.emit('resume');
    await scheduler.whenIdle();
  }

  const snapshotJobs = () => catalog.jobs.filter((j) => j.kind === 'snapshot');
  return { clock, engine, catalog, signals, log, scheduler, runUntil, sleepUntil, snapshotJobs };
}
