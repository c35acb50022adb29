import type { Clock } from '../core/clock';
import { toErrorInfo } from '../core/errors';
import type { Job } from '../core/types';
import type { SchedulerState } from '../api/contract';
import type { SnapshotExecutor } from './executor';
import type { SchedulerLog } from './log';
import type { SchedulerCatalog, SchedulerService } from './ports';
import { Planner } from './planner';
import { Runner } from './runner';
import type { SystemSignals } from './signals';

export interface SchedulerOptions {
  clock: Clock;
  catalog: SchedulerCatalog;
  service: SchedulerService;
  executor: SnapshotExecutor;
  signals: SystemSignals;
  log: SchedulerLog;
  /** The zone whose wall clock the time points follow; the system's when absent. */
  timeZone?: string;
  /** The longest the scheduler sleeps between looks (ms): bounds how late a run starts after a wake. */
  tickMs?: number;
  /** A run found this long after its time point is a catch-up (ms). */
  lateMs?: number;
}

export const DEFAULT_TICK_MS = 60_000;
export const DEFAULT_LATE_MS = 5 * 60_000;
/** A gap between looks this long (or three ticks) is worth a line in the log. */
const SLEPT_MS = 30 * 60_000;

/**
 * Runs the enabled policies: looks at least every `tickMs` (and at once on resume), finds each
 * policy's due time point, checks its off-peak conditions and starts its snapshots. Missed time
 * points become one catch-up run. The decisions are the Planner's; the runs are the Runner's.
 */
export class Scheduler {
  private running = false;
  private pausedUntil: string | null = null;
  private lastError: string | null = null;
  private loopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  /** A wake asked for while the loop was not sleeping: the next sleep is skipped. */
  private poked = false;
  private wakeAt = 0;
  private ticking = false;
  private lastTickAt: number | null = null;
  private readonly stateListeners = new Set<(s: SchedulerState) => void>();
  private readonly jobListeners = new Set<(j: Job) => void>();
  private readonly idleWaiters: (() => void)[] = [];
  private lastEmitted = '';
  private readonly runner: Runner;
  private readonly planner: Planner;
  private readonly tickMs: number;

  constructor(private readonly o: SchedulerOptions) {
    const timeZone = o.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.tickMs = o.tickMs ?? DEFAULT_TICK_MS;
    this.runner = new Runner({ ...o, timeZone, onChange: (job) => this.changed(job) });
    this.planner = new Planner({ ...o, timeZone, lateMs: o.lateMs ?? DEFAULT_LATE_MS, runner: this.runner });
    o.signals.onResume(() => {
      o.log.info('the machine woke up; looking for missed runs');
      this.poke();
    });
    o.signals.onSuspend(() => o.log.info('the machine is going to sleep'));
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.pausedUntil = (await this.o.catalog.schedulerRecord()).pausedUntil;
    this.runner.open();
    this.running = true;
    this.o.log.info(`scheduler started${this.pausedUntil ? `; schedules paused until ${this.pausedUntil}` : ''}`);
    this.loopDone = this.loop();
    this.changed();
  }

  /**
   * Stops looking for runs. Running snapshots finish, unless `cancelRunning` (then they are
   * cancelled cleanly); queued ones do not start. Resolves when nothing runs any more.
   */
  async stop(opts: { cancelRunning?: boolean } = {}): Promise<void> {
    this.running = false;
    this.poke();
    if (opts.cancelRunning) this.runner.cancel();
    else this.runner.stop();
    await this.loopDone;
    await this.runner.drain();
    this.o.log.info('scheduler stopped');
    this.changed();
  }

  /** Cancels running snapshots cleanly (for a stop whose grace time ran out). */
  cancelRunning(): void {
    this.runner.cancel();
  }

  /**
   * Pauses schedules until `until` (null or a past time resumes them). Time points that pass
   * during a pause are caught up once when it ends, as after a sleep.
   */
  async pause(until: Date | string | null): Promise<SchedulerState> {
    const t = until === null ? null : new Date(until);
    this.pausedUntil = t && t.getTime() > this.o.clock.now() ? t.toISOString() : null;
    await this.o.catalog.setPausedUntil(this.pausedUntil);
    await this.planner.refreshNextRun(Math.max(this.o.clock.now(), t?.getTime() ?? 0));
    this.o.log.info(this.pausedUntil ? `schedules paused until ${this.pausedUntil}` : 'schedules resumed');
    this.poke();
    this.changed();
    return this.state();
  }

  /** Runs every enabled policy now for all its sources (off-peak conditions aside); resolves with the jobs. */
  async runAllNow(): Promise<Job[]> {
    const policies = (await this.o.catalog.listPolicies()).filter((p) => p.enabled && p.sourceIds.length > 0);
    this.o.log.info(`snapshot all now: ${policies.length} polic${policies.length === 1 ? 'y' : 'ies'}`);
    return (await Promise.all(policies.map((p) => this.runner.run(p, 'manual')))).flat();
  }

  state(): SchedulerState {
    return { running: this.running, pausedUntil: this.pausedUntil, nextRun: this.planner.nextRun, activeJobs: this.runner.active, lastError: this.lastError };
  }

  onState(cb: (s: SchedulerState) => void): () => void {
    this.stateListeners.add(cb);
    return () => this.stateListeners.delete(cb);
  }

  /** Every job the scheduler records (runs, skips, retention deletes). */
  onJob(cb: (j: Job) => void): () => void {
    this.jobListeners.add(cb);
    return () => this.jobListeners.delete(cb);
  }

  /**
   * Resolves when the scheduler waits for time to pass with nothing to do: its loop sleeps until
   * a later instant and no run is queued or running. Tests on a fake clock advance time, then
   * wait for this.
   */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.checkIdle();
    });
  }

  /** Looks again now: policies or settings changed (the app calls this after each edit). */
  refresh(): void {
    this.poke();
  }

  /** When the loop next looks on its own (for tests that step a fake clock). */
  nextWakeAt(): number {
    return this.wakeAt;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.ticking = true;
      try {
        await this.tick();
        this.lastError = null;
      } catch (err) {
        this.lastError = toErrorInfo(err).message;
        this.o.log.error(`scheduler: ${this.lastError}`);
      }
      this.ticking = false;
      this.changed();
      if (!this.running) break;
      await this.sleep(this.delay());
    }
  }

  private async tick(): Promise<void> {
    const now = this.o.clock.now();
    // A gap well past the tick means the process did not run: the machine slept (or was stopped).
    if (this.lastTickAt !== null && now - this.lastTickAt > Math.max(3 * this.tickMs, SLEPT_MS)) {
      this.o.log.info(`${Math.round((now - this.lastTickAt) / 60_000)} min passed since the last look (the machine slept or was busy)`);
    }
    this.lastTickAt = now;
    if (this.pausedUntil !== null && Date.parse(this.pausedUntil) <= now) await this.pause(null);
    await this.planner.plan(now, this.pausedUntil === null ? null : Date.parse(this.pausedUntil));
  }

  private delay(): number {
    const now = this.o.clock.now();
    const until = [now + this.tickMs, this.planner.wakeBy()];
    if (this.pausedUntil !== null) until.push(Date.parse(this.pausedUntil));
    return Math.max(1, Math.min(...until) - now);
  }

  private poke(): void {
    if (this.wake) this.wake();
    else this.poked = true;
  }

  private async sleep(ms: number): Promise<void> {
    if (this.poked) {
      this.poked = false;
      return;
    }
    const ac = new AbortController();
    const woken = new Promise<void>((resolve) => (this.wake = resolve));
    this.wakeAt = this.o.clock.now() + ms;
    this.checkIdle();
    await Promise.race([this.o.clock.sleep(ms, ac.signal).catch(() => undefined), woken]);
    ac.abort();
    this.wake = null;
    this.wakeAt = 0;
  }

  private changed(job?: Job): void {
    if (job) for (const cb of this.jobListeners) cb(job);
    const s = this.state();
    const key = JSON.stringify(s);
    if (key !== this.lastEmitted) {
      this.lastEmitted = key;
      for (const cb of this.stateListeners) cb(s);
    }
    this.checkIdle();
  }

  private checkIdle(): void {
    const idle = !this.ticking && !this.runner.busy() && (!this.running || this.o.clock.now() < this.wakeAt);
    if (!idle) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
