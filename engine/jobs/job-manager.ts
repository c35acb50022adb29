import type { Clock } from '../core/clock';
import { StrataError, toErrorInfo } from '../core/errors';
import { newId } from '../core/ids';
import type { Job, JobKind, JobTrigger, Progress } from '../core/types';

/** Where finished jobs are kept (the catalog's job history). */
export interface JobHistory {
  recordJob(job: Job): Promise<unknown>;
  listJobs(limit: number): Promise<Job[]>;
}

export interface JobSpec {
  kind: JobKind;
  trigger: JobTrigger;
  sourceId?: string | null;
  snapshotId?: string | null;
  policyId?: string | null;
}

export interface JobContext {
  signal: AbortSignal;
  progress(p: Progress): void;
  /** The snapshot the job works on, once known (a new snapshot's id comes when it starts). */
  setSnapshot(id: string): void;
}

export interface JobOutcome {
  figures?: Record<string, number>;
  message?: string | null;
  snapshotId?: string;
  /** `skipped` when there was nothing to do. */
  status?: 'succeeded' | 'skipped';
}

export type JobWork = (ctx: JobContext) => Promise<JobOutcome>;

interface Entry {
  job: Job;
  abort: AbortController;
}

/**
 * Runs long work as jobs with a status, progress and cancel. Jobs run one at a time in the order
 * they were submitted, because they all read or write the same disks and repository: two at once
 * would each run at half speed and fight over locks. Every change is announced through
 * `onChange`; a finished job goes to the history.
 */
export class JobManager {
  private readonly live = new Map<string, Entry>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: { clock: Clock; history: JobHistory; onChange: (job: Job) => void; log?: (msg: string) => void }) {}

  /** Queues work; returns the job as queued and a promise of it finished. */
  submit(spec: JobSpec, work: JobWork): { job: Job; done: Promise<Job> } {
    const job: Job = {
      id: newId('job'), kind: spec.kind, status: 'queued', trigger: spec.trigger, sourceId: spec.sourceId ?? null,
      snapshotId: spec.snapshotId ?? null, policyId: spec.policyId ?? null, createdAt: this.iso(), startedAt: null,
      finishedAt: null, durationMs: null, progress: null, figures: {}, message: null, error: null,
    };
    const entry: Entry = { job, abort: new AbortController() };
    this.live.set(job.id, entry);
    this.changed(job);
    const done = this.tail.then(() => this.run(entry, work));
    this.tail = done;
    return { job: { ...job }, done };
  }

  /** Cancels a queued or running job; a finished or unknown job is E_NOT_FOUND. */
  cancel(jobId: string): void {
    const entry = this.live.get(jobId);
    if (!entry) throw new StrataError('E_NOT_FOUND', `no queued or running job "${jobId}" (it may have finished)`);
    entry.abort.abort(new StrataError('E_CANCELLED', 'cancelled by the user'));
  }

  cancelAll(): void {
    for (const e of this.live.values()) e.abort.abort(new StrataError('E_CANCELLED', 'cancelled: Strata is shutting down'));
  }

  active(): Job[] {
    return [...this.live.values()].map((e) => ({ ...e.job }));
  }

  /** Newest first: the queued and running jobs, then the history. */
  async list(limit: number): Promise<Job[]> {
    const active = this.active().reverse();
    const past = (await this.opts.history.listJobs(limit)).filter((j) => !this.live.has(j.id));
    return [...active, ...past].slice(0, limit);
  }

  /** Resolves when every submitted job has finished. */
  async idle(): Promise<void> {
    while (this.live.size > 0) await this.tail;
  }

  private async run(entry: Entry, work: JobWork): Promise<Job> {
    const { job, abort } = entry;
    if (!abort.signal.aborted) {
      job.status = 'running';
      job.startedAt = this.iso();
      this.changed(job);
      try {
        const out = await work(this.context(entry));
        if (abort.signal.aborted) throw abort.signal.reason;
        job.status = out.status ?? 'succeeded';
        job.figures = out.figures ?? {};
        job.message = out.message ?? null;
        if (out.snapshotId) job.snapshotId = out.snapshotId;
        if (job.progress) job.progress = { ...job.progress, percent: 100, etaSeconds: 0 };
      } catch (err) {
        job.error = toErrorInfo(abort.signal.aborted ? abort.signal.reason : err);
        job.status = abort.signal.aborted ? 'cancelled' : 'failed';
      }
    } else {
      job.status = 'cancelled';
      job.error = toErrorInfo(abort.signal.reason);
    }
    return this.finish(entry);
  }

  private async finish(entry: Entry): Promise<Job> {
    const { job } = entry;
    job.finishedAt = this.iso();
    job.durationMs = job.startedAt ? Date.parse(job.finishedAt) - Date.parse(job.startedAt) : 0;
    try {
      await this.opts.history.recordJob({ ...job });
    } catch (err) {
      this.opts.log?.(`could not record job ${job.id} in the history: ${(err as Error).message}`);
    }
    this.live.delete(job.id);
    this.changed(job);
    return { ...job };
  }

  private context(entry: Entry): JobContext {
    let lastPercent = -1;
    let lastPhase = '';
    return {
      signal: entry.abort.signal,
      setSnapshot: (id) => {
        entry.job.snapshotId = id;
        this.changed(entry.job);
      },
      progress: (p) => {
        entry.job.progress = p;
        // One event per whole percent or phase change: enough for a progress bar, few enough
        // that a fast job does not flood the window with messages.
        const pct = Math.floor(p.percent);
        if (pct === lastPercent && p.phase === lastPhase) return;
        lastPercent = pct;
        lastPhase = p.phase;
        this.changed(entry.job);
      },
    };
  }

  private changed(job: Job): void {
    this.opts.onChange({ ...job, progress: job.progress ? { ...job.progress } : null, figures: { ...job.figures } });
  }

  private iso(): string {
    return new Date(this.opts.clock.now()).toISOString();
  }
}
