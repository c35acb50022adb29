import { join } from 'node:path';
import { systemClock, type Clock } from '../core/clock';
import { StrataError } from '../core/errors';
import { tryPidLock, type PidLockInfo } from '../catalog/pid-lock';

export const SCHEDULER_LOCK_FILE = 'scheduler.lock';

export interface SchedulerLock {
  readonly info: PidLockInfo;
  release(): Promise<void>;
}

/**
 * One scheduler per Strata home, whoever runs it: `strata daemon` and the desktop app both take
 * `HOME/scheduler.lock` before starting theirs, so two schedulers never run the same policy.
 * A lock left by a process that is gone is taken over. A live holder raises E_LOCKED naming it.
 */
export async function acquireSchedulerLock(home: string, opts: { owner?: string; clock?: Clock } = {}): Promise<SchedulerLock> {
  const owner = opts.owner ?? 'strata daemon';
  const now = new Date((opts.clock ?? systemClock).now());
  const r = await tryPidLock(join(home, SCHEDULER_LOCK_FILE), owner, now);
  if (!r.held) {
    throw new StrataError('E_LOCKED', `another scheduler runs on this home: ${r.holder.owner} (pid ${r.holder.pid} on ${r.holder.host}, since ${r.holder.since}); stop it first`, {
      details: { holder: r.holder },
    });
  }
  return { info: r.info, release: r.release };
}
