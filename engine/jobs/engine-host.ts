import { join } from 'node:path';
import { systemClock, type Clock } from '../core/clock';
import { toErrorInfo } from '../core/errors';
import type { StrataApi } from '../api/contract';
import { StrataService } from '../api/strata';
import { Catalog } from '../catalog/catalog';
import { Scheduler } from '../scheduler/scheduler';
import { FixedSignals, osSignals } from '../scheduler/signals';
import { fileLog } from '../scheduler/log';
import { acquireSchedulerLock, failJobsOfGoneHolder, type SchedulerLock } from '../scheduler/instance-lock';
import { createPool } from '../snapshot/pool';
import { createApi } from './api-impl';
import { applySignals } from './host-signals';
import { JobExecutor } from './job-executor';
import { JobManager } from './job-manager';
import { PassphraseBox } from './passphrase-box';
import type { ApiDeps, Emit } from './ports';
import type { SignalUpdate } from './protocol';

export interface EngineHostOptions {
  home: string;
  host: 'electron' | 'web';
  version: string;
  emit: Emit;
  clock?: Clock;
}

export interface EngineHost {
  api: StrataApi;
  signals(update: SignalUpdate): void;
  close(): Promise<void>;
}

/**
 * Everything behind the UI in one process: the engine, the catalog, the job manager and the
 * scheduler, wired into the API. Only one scheduler may run per home (the daemon may have it);
 * without the lock the app still works, and the scheduler state says who runs the schedules.
 */
export async function openEngineHost(o: EngineHostOptions): Promise<EngineHost> {
  const clock = o.clock ?? systemClock;
  const keys = new PassphraseBox();
  const service = await StrataService.open({ home: o.home, clock, passphrase: keys.provider, processor: createPool });
  const catalog = await Catalog.open(o.home, { clock, service });
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const log = fileLog(join(o.home, 'logs', 'scheduler.log'), clock, timeZone);
  let trayAvailable = false;
  // The desktop reports power and idle itself; a web host asks the OS.
  const signals = o.host === 'electron' ? new FixedSignals(true, 0) : osSignals('auto');
  const jobs = new JobManager({ clock, history: catalog, onChange: (job) => o.emit('job', job), log: (m) => log.warn(m) });
  let lockError: string | null = null;
  const control = { state: () => ({ ...scheduler.state(), ...(lockError ? { lastError: lockError } : {}) }), pause: (u: string | null) => scheduler.pause(u), refresh: () => scheduler.refresh() };
  const deps: ApiDeps = { service, catalog, scheduler: control, jobs, keys, emit: o.emit, host: o.host, version: o.version, trayAvailable: () => trayAvailable };
  const scheduler = new Scheduler({ clock, catalog, service, executor: new JobExecutor(deps), signals, log, timeZone });
  scheduler.onState(() => o.emit('scheduler', control.state()));
  let lock: SchedulerLock | null = null;
  try {
    lock = await acquireSchedulerLock(o.home, { owner: o.host === 'electron' ? 'the Strata desktop app' : 'strata serve', clock });
    await failJobsOfGoneHolder(catalog, log);
    await scheduler.start();
  } catch (err) {
    lockError = toErrorInfo(err).message;
    log.warn(`schedules not run by this process: ${lockError}`);
  }
  return {
    api: createApi(deps),
    signals: (u) => {
      if (typeof u.trayAvailable === 'boolean') trayAvailable = u.trayAvailable;
      if (signals instanceof FixedSignals) applySignals(signals, u);
    },
    close: async () => {
      jobs.cancelAll();
      await scheduler.stop({ cancelRunning: true });
      await jobs.idle();
      await lock?.release();
      await catalog.close();
      await service.close();
    },
  };
}
