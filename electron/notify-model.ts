/**
 * Which finished jobs deserve a desktop notification: failures (the user must act) and runs
 * caught up after the machine was asleep (the user may wonder why the disk is busy). Routine
 * successes stay quiet.
 */
import type { Job } from '../engine/api/contract';

export interface Notice {
  title: string;
  body: string;
}

export function noticeFor(job: Job, sourceName: (id: string | null) => string): Notice | null {
  const what = job.sourceId ? `${job.kind} of ${sourceName(job.sourceId)}` : job.kind;
  if (job.status === 'failed') {
    return { title: `Strata: ${what} failed`, body: `${job.error?.message ?? 'unknown error'}. Open Strata to see the details and retry.` };
  }
  if (job.status === 'succeeded' && job.trigger === 'catch-up') {
    return { title: 'Strata caught up', body: `A missed scheduled ${what} ran after the machine woke.` };
  }
  return null;
}
