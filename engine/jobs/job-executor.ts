import type { Job } from '../core/types';
import type { SnapshotExecutor, SnapshotRequest } from '../scheduler/executor';
import type { ApiDeps } from './ports';
import { snapshotJob } from './snapshot-calls';

/**
 * The scheduler's snapshots as jobs of the host's job manager: they queue with the user's own
 * jobs, show progress in the window and land in the same history.
 */
export class JobExecutor implements SnapshotExecutor {
  constructor(private readonly deps: ApiDeps, private readonly opts: { adaptiveIo?: boolean } = {}) {}

  isBusy(sourceId: string): boolean {
    return this.deps.jobs.active().some((j) => j.kind === 'snapshot' && j.sourceId === sourceId);
  }

  runSnapshot(req: SnapshotRequest): Promise<Job> {
    const { job, done } = snapshotJob(this.deps, req.sourceId, {
      trigger: req.trigger, policyId: req.policyId, retainUntil: req.retainUntil, ioLimit: req.ioLimit || undefined, type: req.policyId ? 'auto' : 'manual',
      adaptiveIo: this.opts.adaptiveIo,
    });
    const cancel = () => {
      // The job may have finished between the abort and this call; then there is nothing to cancel.
      if (this.deps.jobs.active().some((j) => j.id === job.id)) this.deps.jobs.cancel(job.id);
    };
    if (req.signal?.aborted) cancel();
    else req.signal?.addEventListener('abort', cancel, { once: true });
    return done.finally(() => req.signal?.removeEventListener('abort', cancel));
  }
}
