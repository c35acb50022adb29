import { join } from 'node:path';
import { StrataError } from '../../core/errors';
import { systemClock, type Clock } from '../../core/clock';
import { StrataService } from '../../api/strata';
import { Catalog } from '../../catalog/catalog';
import { createPool } from '../../snapshot/pool';
import { Scheduler, DEFAULT_TICK_MS } from '../../scheduler/scheduler';
import { ServiceExecutor } from '../../scheduler/executor';
import { acquireSchedulerLock, failJobsOfGoneHolder } from '../../scheduler/instance-lock';
import { fileLog, type SchedulerLog } from '../../scheduler/log';
import { osSignals, type PowerSetting } from '../../scheduler/signals';
import { ScaledClock } from '../../scheduler/scaled-clock';
import { noExtra, parse } from '../args';
import type { Command } from '../context';

const USAGE = 'strata daemon [--tick 60s] [--power auto|ac|battery] [--stop-grace 60s]';
const DAEMON_LOG = join('logs', 'daemon.log');

/** "90s", "2m", "500ms", "1h" → ms. */
function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new StrataError('E_INVALID', `Expected --${flag} as a duration like 30s, 5m or 500ms, got "${text}"`);
  return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h']);
}

/**
 * The daemon's clock: the system's, or for tests a sped-up one (STRATA_CLOCK_START = an ISO
 * time to start at, STRATA_CLOCK_SPEED = how many times faster than real time it runs).
 */
function daemonClock(): Clock {
  const start = process.env.STRATA_CLOCK_START;
  const speed = process.env.STRATA_CLOCK_SPEED;
  if (!start && !speed) return systemClock;
  const t = start ? Date.parse(start) : systemClock.now();
  const s = speed ? Number(speed) : 1;
  if (!Number.isFinite(t) || !(s > 0)) throw new StrataError('E_INVALID', `Expected STRATA_CLOCK_START as an ISO time and STRATA_CLOCK_SPEED as a positive number, got "${start}" and "${speed}"`);
  return new ScaledClock(t, s);
}

/**
 * Resolves once SIGTERM or SIGINT stopped the scheduler. After the first, a running snapshot may
 * finish within `graceMs`, then it is cancelled cleanly; a second signal cancels it at once.
 * SIGUSR1 takes a snapshot of every policy's sources now.
 */
function stopOnSignal(scheduler: Scheduler, log: SchedulerLog, graceMs: number, early: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let signals = 0;
    const onSignal = (name: string) => {
      signals++;
      if (signals > 1) {
        log.warn(`${name} again: cancelling the running snapshot`);
        scheduler.cancelRunning();
        return;
      }
      log.info(`${name}: stopping; a running snapshot may finish within ${Math.round(graceMs / 1000)} s, then it is cancelled (send the signal again to cancel now)`);
      const grace = new AbortController();
      void systemClock.sleep(graceMs, grace.signal).then(() => {
        log.warn('the grace time is over: cancelling the running snapshot');
        scheduler.cancelRunning();
      }, () => undefined);
      void scheduler.stop().then(() => {
        grace.abort();
        detach();
        resolve();
      });
    };
    const onTerm = () => onSignal('SIGTERM');
    const onInt = () => onSignal('SIGINT');
    const onUsr1 = () => void scheduler.runAllNow();
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
    process.on('SIGUSR1', onUsr1);
    const detach = () => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      process.off('SIGUSR1', onUsr1);
    };
    // A signal during start-up reached only the CLI's own handler, which aborted `early`.
    if (early.aborted) onSignal('a signal during start-up');
  });
}

/** `strata daemon`: the scheduler, headless, until SIGTERM. */
export const daemonCommand: Command = async (ctx) => {
  const { values, positionals } = parse(ctx.args, { tick: { type: 'string' }, power: { type: 'string' }, 'stop-grace': { type: 'string' } }, USAGE);
  noExtra(positionals, 0, USAGE);
  const power = (values.power ?? 'auto') as PowerSetting;
  if (!['auto', 'ac', 'battery'].includes(power)) throw new StrataError('E_INVALID', `Expected --power auto, ac or battery, got "${values.power}"`);
  const tickMs = values.tick ? parseDuration(values.tick, 'tick') : DEFAULT_TICK_MS;
  const graceMs = parseDuration(values['stop-grace'] ?? '60s', 'stop-grace');
  const clock = daemonClock();
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const lock = await acquireSchedulerLock(ctx.home, { owner: 'strata daemon', clock });
  const log = fileLog(join(ctx.home, DAEMON_LOG), clock, timeZone, (line) => process.stdout.write(line));
  const service = await StrataService.open({ home: ctx.home, clock, passphrase: ctx.passphrase, processor: createPool });
  try {
    const catalog = await Catalog.open(ctx.home, { clock, service, timeZone });
    try {
      if (catalog.recovery) log.warn(catalog.recovery.message);
      await failJobsOfGoneHolder(catalog, log);
      const executor = new ServiceExecutor(service, clock, { history: catalog });
      const scheduler = new Scheduler({ clock, catalog, service, executor, signals: osSignals(power), log, timeZone, tickMs });
      const stopped = stopOnSignal(scheduler, log, graceMs, ctx.signal);
      log.info(`strata daemon ${process.pid} on ${ctx.home}: ${(await catalog.listPolicies()).length} polic(ies); time zone ${timeZone}; power ${power}; a look every ${tickMs / 1000} s`);
      await scheduler.start();
      await stopped;
      log.info('strata daemon stopped');
      return 0;
    } finally {
      await catalog.close();
    }
  } finally {
    await service.close();
    await lock.release();
  }
};
