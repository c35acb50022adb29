import type { Clock } from '../core/clock';
import { toErrorInfo } from '../core/errors';
import { formatBytes } from '../core/units';
import type { Job, JobTrigger, Policy, Source } from '../core/types';
import { applyRetention, type RetentionDecision } from '../policy/retention';
import { KEEP_FOREVER } from '../policy/validate';
import { finishJob, newJob, type SnapshotExecutor } from './executor';
import type { SchedulerLog } from './log';
import type { SchedulerCatalog, SchedulerService } from './ports';

export interface RunnerDeps {
  clock: Clock;
  catalog: SchedulerCatalog;
  service: SchedulerService;
  executor: SnapshotExecutor;
  log: SchedulerLog;
  timeZone: string;
  /** Told whenever the number of active runs changes or a job is recorded. */
  onChange: (job?: Job) => void;
}

const DAY = 86_400_000;

/**
 * Runs a policy's snapshots one at a time, in order (they share disks and the repository), then
 * applies the policy's retention and the quota to each source that got a new snapshot. A source
 * whose previous snapshot is still queued or progressing is skipped, and the skip is a job in the
 * history. Every outcome is recorded and logged.
 */
export class Runner {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly held = new Set<string>();
  private abort = new AbortController();
  private stopping = false;
  private readonly inflight = new Set<Promise<Job[]>>();
  /** Snapshots queued or running. */
  active = 0;

  constructor(private readonly d: RunnerDeps) {}

  /** Snapshots every source of `policy`; resolves with each source's finished job. */
  run(policy: Policy, trigger: JobTrigger): Promise<Job[]> {
    const run = (async () => {
      const sources = new Map((await this.d.service.listSources()).map((s) => [s.id, s]));
      return Promise.all(policy.sourceIds.map((id) => this.runSource(policy, id, sources.get(id) ?? null, trigger)));
    })();
    this.inflight.add(run);
    const settle = () => {
      this.inflight.delete(run);
      this.d.onChange();
    };
    run.then(settle, settle);
    return run;
  }

  /** Whether any run is being started, queued or carried out. */
  busy(): boolean {
    return this.inflight.size > 0;
  }

  /** Accepts runs again (a scheduler started after a stop). */
  open(): void {
    this.stopping = false;
    if (this.abort.signal.aborted) this.abort = new AbortController();
  }

  /** Lets queued runs go without starting them; running ones finish unless `cancel` is called. */
  stop(): void {
    this.stopping = true;
  }

  /** Cancels running snapshots cleanly (the engine removes what they wrote). */
  cancel(): void {
    this.stopping = true;
    this.abort.abort();
  }

  /** Resolves once nothing is queued or running. */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private async runSource(policy: Policy, sourceId: string, source: Source | null, trigger: JobTrigger): Promise<Job> {
    if (!source) return this.skip(policy, sourceId, trigger, `source ${sourceId} no longer exists; unapply it from policy "${policy.name}"`);
    if (this.held.has(sourceId) || this.d.executor.isBusy(sourceId)) return this.skip(policy, sourceId, trigger, busyMessage(source));
    this.held.add(sourceId);
    this.active++;
    this.d.onChange();
    try {
      const done = this.tail.then(() => this.execute(policy, source, trigger));
      this.tail = done.catch(() => undefined);
      return await done;
    } finally {
      this.held.delete(sourceId);
      this.active--;
      this.d.onChange();
    }
  }

  private async execute(policy: Policy, source: Source, trigger: JobTrigger): Promise<Job> {
    if (this.stopping) return this.record(finishJob(this.d.clock, newJob(this.d.clock, { kind: 'snapshot', trigger, sourceId: source.id, policyId: policy.id }), 'cancelled', { message: 'the scheduler stopped before this run started' }));
    const progressing = (await this.d.service.listSnapshots(source.id)).some((s) => s.status === 'progressing');
    if (progressing) return this.skip(policy, source.id, trigger, busyMessage(source));
    const now = this.d.clock.now();
    const retainUntil = policy.retentionDays === KEEP_FOREVER ? null : new Date(now + policy.retentionDays * DAY).toISOString();
    const job = await this.d.executor.runSnapshot({ sourceId: source.id, policyId: policy.id, retainUntil, ioLimit: policy.ioBudget, trigger, signal: this.abort.signal });
    await this.record(job);
    const what = `policy "${policy.name}" (${trigger}): snapshot of ${source.name}`;
    if (job.status === 'succeeded') {
      this.d.log.info(`${what} accomplished in ${seconds(job.durationMs)}: ${formatBytes(job.figures.sourceBytes ?? 0)} read, ${formatBytes(job.figures.addedBytes ?? 0)} added (${job.snapshotId})`);
      await this.retain(policy, source, trigger);
    } else if (job.status === 'skipped') this.d.log.warn(`${what} skipped: ${job.message ?? ''}`);
    else this.d.log[job.status === 'cancelled' ? 'warn' : 'error'](`${what} ${job.status}: ${job.error?.message ?? job.message ?? ''}`);
    return job;
  }

  /** Applies the policy's retention and the quota to one source; expired snapshots are deleted. */
  private async retain(policy: Policy, source: Source, trigger: JobTrigger): Promise<void> {
    try {
      const snapshots = await this.d.service.listSnapshots(source.id);
      const { autoSnapshotQuota } = await this.d.catalog.getSettings();
      const decisions = applyRetention(snapshots, policy, new Date(this.d.clock.now()), { quota: autoSnapshotQuota, timeZone: this.d.timeZone });
      for (const d of decisions) if (!d.keep) await this.expire(policy, d, trigger);
    } catch (err) {
      this.d.log.error(`policy "${policy.name}": retention of ${source.name} could not run (${toErrorInfo(err).message}); it runs again after the next snapshot`);
    }
  }

  private async expire(policy: Policy, d: RetentionDecision, trigger: JobTrigger): Promise<void> {
    let job = newJob(this.d.clock, { kind: 'delete', trigger, sourceId: d.sourceId, policyId: policy.id, snapshotId: d.snapshotId, status: 'running' });
    job.startedAt = job.createdAt;
    try {
      const r = await this.d.service.deleteSnapshot(d.snapshotId);
      job = finishJob(this.d.clock, job, 'succeeded', { figures: { freedBytes: r.freedBytes }, message: `${d.name}: ${d.reasons[0]}` });
      this.d.log.info(`policy "${policy.name}": deleted ${d.name} (${d.snapshotId}), ${d.reasons[0]}; freed ${formatBytes(r.freedBytes)}`);
    } catch (err) {
      const info = toErrorInfo(err);
      job = finishJob(this.d.clock, job, 'failed', { error: { code: info.code, message: info.message }, message: `${d.name}: ${d.reasons[0]}` });
      this.d.log.error(`policy "${policy.name}": could not delete ${d.name} (${d.snapshotId}): ${info.message}`);
    }
    await this.record(job);
  }

  private async skip(policy: Policy, sourceId: string, trigger: JobTrigger, message: string): Promise<Job> {
    this.d.log.warn(`policy "${policy.name}" (${trigger}): ${message}`);
    return this.record(finishJob(this.d.clock, newJob(this.d.clock, { kind: 'snapshot', trigger, sourceId, policyId: policy.id }), 'skipped', { message }));
  }

  private async record(job: Job): Promise<Job> {
    try {
      await this.d.catalog.recordJob(job);
    } catch (err) {
      this.d.log.error(`could not record job ${job.id} in the history: ${toErrorInfo(err).message}`);
    }
    this.d.onChange(job);
    return job;
  }
}

const busyMessage = (source: Source) => `the previous snapshot of ${source.name} is still progressing; this run is skipped`;
const seconds = (ms: number | null) => `${((ms ?? 0) / 1000).toFixed(1)} s`;
