import { join } from 'node:path';
import { systemClock, type Clock } from '../core/clock';
import { StrataError, toErrorInfo } from '../core/errors';
import type { Job } from '../core/types';
import { tryPidLock, type PidLockInfo } from '../catalog/pid-lock';
import type { SchedulerLog } from './log';

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

/**
 * Marks failed the jobs a previous holder of the lock left open (it was killed or crashed). Call
 * it just after taking the lock, before any run starts: only the holder records unfinished jobs.
 * A failure is logged, never fatal: the schedules matter more than the history.
 */
export async function failJobsOfGoneHolder(catalog: { failInterruptedJobs(): Promise<Job[]> }, log: SchedulerLog): Promise<void> {
  try {
    const jobs = await catalog.failInterruptedJobs();
    if (jobs.length > 0) log.warn(`${jobs.length} job(s) left running by a process that stopped are marked failed: ${jobs.map((j) => j.id).join(', ')}`);
  } catch (err) {
    log.warn(`could not mark the jobs of a stopped process as failed: ${toErrorInfo(err).message}`);
  }
}
