import type { Clock } from '../core/clock';
import { isStrataError, toErrorInfo } from '../core/errors';
import { newId } from '../core/ids';
import type { Job, JobStatus, JobTrigger } from '../core/types';
import type { StrataService } from '../api/strata';

export interface SnapshotRequest {
  sourceId: string;
  /** The policy the snapshot belongs to (an automatic snapshot), or null for a manual one. */
  policyId: string | null;
  retainUntil: string | null;
  /** Read-rate limit in bytes per second; 0 = none. */
  ioLimit: number;
  trigger: JobTrigger;
  /** Aborted when the scheduler stops with `cancelRunning`; the snapshot then leaves nothing. */
  signal?: AbortSignal;
}

/**
 * Takes the scheduler's snapshots. `runSnapshot` MUST resolve (not reject) with the finished job:
 * `succeeded`, `failed` with the error, `cancelled`, or `skipped` when the source was busy.
 * `isBusy` says whether this executor has a snapshot of the source queued or running.
 */
export interface SnapshotExecutor {
  runSnapshot(req: SnapshotRequest): Promise<Job>;
  isBusy(sourceId: string): boolean;
}

/** A job as the history shows it, created now. */
export function newJob(clock: Clock, fields: Pick<Job, 'kind' | 'trigger' | 'sourceId' | 'policyId'> & Partial<Job>): Job {
  return {
    id: newId('job'), status: 'queued', snapshotId: null, createdAt: new Date(clock.now()).toISOString(), startedAt: null, finishedAt: null,
    durationMs: null, progress: null, figures: {}, message: null, error: null, ...fields,
  };
}

/** Marks a job finished now. */
export function finishJob(clock: Clock, job: Job, status: JobStatus, extra: Partial<Job> = {}): Job {
  const now = clock.now();
  const started = job.startedAt ? Date.parse(job.startedAt) : now;
  return { ...job, status, finishedAt: new Date(now).toISOString(), durationMs: now - started, ...extra };
}

/**
 * The in-process executor over the engine, used by the daemon and the tests. The desktop app
 * supplies its own, which runs snapshots in its worker process.
 */
export interface ServiceExecutorOptions {
  /** Where a job is recorded as running when it starts (the catalog). */
  history?: { recordJob(job: Job): Promise<unknown> };
  /** Overrides the engine's default of yielding I/O to the user in automatic snapshots. */
  adaptiveIo?: boolean;
}

export class ServiceExecutor implements SnapshotExecutor {
  private readonly busy = new Set<string>();

  constructor(private readonly service: StrataService, private readonly clock: Clock, private readonly opts: ServiceExecutorOptions = {}) {}

  isBusy(sourceId: string): boolean {
    return this.busy.has(sourceId);
  }

  async runSnapshot(req: SnapshotRequest): Promise<Job> {
    let job = newJob(this.clock, { kind: 'snapshot', trigger: req.trigger, sourceId: req.sourceId, policyId: req.policyId, status: 'running' });
    job.startedAt = job.createdAt;
    this.busy.add(req.sourceId);
    try {
      await this.opts.history?.recordJob(job);
      const snap = await this.service.createSnapshot(req.sourceId, {
        type: req.policyId ? 'auto' : 'manual', policyId: req.policyId, retainUntil: req.retainUntil, ioLimit: req.ioLimit, signal: req.signal, adaptiveIo: this.opts.adaptiveIo,
        onStart: (id) => void (job = { ...job, snapshotId: id }),
      });
      return finishJob(this.clock, job, 'succeeded', {
        snapshotId: snap.id, figures: { sourceBytes: snap.sourceBytes, addedBytes: snap.addedBytes }, message: `snapshot ${snap.name} accomplished`,
      });
    } catch (err) {
      const status: JobStatus = isStrataError(err, 'E_CANCELLED') ? 'cancelled' : isStrataError(err, 'E_BUSY') ? 'skipped' : 'failed';
      const info = toErrorInfo(err);
      return finishJob(this.clock, job, status, { error: { code: info.code, message: info.message }, message: info.message });
    } finally {
      this.busy.delete(req.sourceId);
    }
  }
}
