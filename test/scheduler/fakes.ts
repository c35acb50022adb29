import type { Clock } from '../../engine/core/clock';
import type { DeleteResult, Job, Policy, Snapshot, Source } from '../../engine/core/types';
import type { Settings } from '../../engine/api/contract';
import type { SchedulerRecord } from '../../engine/catalog/state-file';
import { DEFAULT_SETTINGS } from '../../engine/catalog/settings';
import { validatePolicyFields } from '../../engine/policy/validate';
import type { PolicyInput } from '../../engine/api/contract';
import { finishJob, newJob, type SnapshotExecutor, type SnapshotRequest } from '../../engine/scheduler/executor';
import type { SchedulerCatalog, SchedulerService } from '../../engine/scheduler/ports';
import type { SchedulerLog } from '../../engine/scheduler/log';

/**
 * An engine in memory: sources, snapshots that appear at once (or stay progressing while held),
 * and deletes. It is both the scheduler's service and its executor, so tests see every run.
 */
export class FakeEngine implements SchedulerService, SnapshotExecutor {
  readonly snapshots: Snapshot[] = [];
  readonly requests: (SnapshotRequest & { at: string })[] = [];
  readonly deleted: string[] = [];
  /** While set, new snapshots stay progressing until `release()`. */
  holding = false;
  private held: (() => void)[] = [];
  private seq = 0;

  constructor(private readonly clock: Clock, readonly sources: Source[]) {}

  static withSources(clock: Clock, names: string[]): FakeEngine {
    return new FakeEngine(clock, names.map((name) => ({ id: `src-${name}`, name, path: `/dev/${name}`, kind: 'image', blockSize: 16384, encrypted: false, compression: 'lz4', sizeBytes: 1024, createdAt: '2026-01-01T00:00:00.000Z' })));
  }

  async listSources(): Promise<Source[]> {
    return this.sources;
  }

  async listSnapshots(sourceId?: string): Promise<Snapshot[]> {
    return this.snapshots.filter((s) => !sourceId || s.sourceId === sourceId);
  }

  async deleteSnapshot(ref: string): Promise<DeleteResult> {
    const i = this.snapshots.findIndex((s) => s.id === ref);
    if (i < 0) throw new Error(`no snapshot ${ref}`);
    this.snapshots.splice(i, 1);
    this.deleted.push(ref);
    return { snapshotId: ref, dryRun: false, freedBytes: 100 };
  }

  isBusy(): boolean {
    return false;
  }

  /** A manual snapshot taken now. */
  addManual(sourceId: string): Snapshot {
    const s = this.snapshot(sourceId, 'manual', null, null);
    this.snapshots.push(s);
    return s;
  }

  release(): void {
    for (const r of this.held.splice(0)) r();
  }

  async runSnapshot(req: SnapshotRequest): Promise<Job> {
    const at = new Date(this.clock.now()).toISOString();
    this.requests.push({ ...req, at });
    const job = { ...newJob(this.clock, { kind: 'snapshot', trigger: req.trigger, sourceId: req.sourceId, policyId: req.policyId }), startedAt: at };
    const snap = this.snapshot(req.sourceId, req.policyId ? 'auto' : 'manual', req.policyId, req.retainUntil);
    this.snapshots.push(snap);
    if (this.holding) {
      snap.status = 'progressing';
      const cancelled = await new Promise<boolean>((resolve) => {
        this.held.push(() => resolve(false));
        req.signal?.addEventListener('abort', () => resolve(true), { once: true });
      });
      if (cancelled) {
        this.snapshots.splice(this.snapshots.indexOf(snap), 1);
        return finishJob(this.clock, job, 'cancelled', { message: 'cancelled' });
      }
      snap.status = 'accomplished';
    }
    return finishJob(this.clock, job, 'succeeded', { snapshotId: snap.id, figures: { sourceBytes: 1024, addedBytes: 10 } });
  }

  private snapshot(sourceId: string, type: 'auto' | 'manual', policyId: string | null, retainUntil: string | null): Snapshot {
    const createdAt = new Date(this.clock.now()).toISOString();
    return {
      id: `snap-${String(++this.seq).padStart(4, '0')}`, sourceId, name: `${sourceId} ${createdAt}`, type, status: 'accomplished', progress: 100, createdAt,
      encrypted: false, sourceBytes: 1024, exclusiveBytes: 10, addedBytes: 10, retainUntil, policyId, parentId: null,
    };
  }
}

/** The scheduler's catalog in memory. */
export class MemoryCatalog implements SchedulerCatalog {
  policies: Policy[] = [];
  jobs: Job[] = [];
  settings: Settings = { ...DEFAULT_SETTINGS };
  record: SchedulerRecord = { pausedUntil: null, lastRuns: {} };

  constructor(private readonly clock: Clock) {}

  add(input: PolicyInput): Policy {
    const p: Policy = { id: `pol-${this.policies.length + 1}`, ...validatePolicyFields(input), sourceIds: input.sourceIds ?? [], createdAt: new Date(this.clock.now()).toISOString() };
    this.policies.push(p);
    return p;
  }

  async listPolicies(): Promise<Policy[]> {
    return this.policies;
  }

  async getSettings(): Promise<Settings> {
    return this.settings;
  }

  async recordJob(job: Job): Promise<void> {
    const i = this.jobs.findIndex((j) => j.id === job.id);
    if (i >= 0) this.jobs[i] = job;
    else this.jobs.push(job);
  }

  async schedulerRecord(): Promise<SchedulerRecord> {
    return this.record;
  }

  async setPausedUntil(until: string | null): Promise<void> {
    this.record.pausedUntil = until;
  }

  async setLastRun(policyId: string, at: string): Promise<void> {
    this.record.lastRuns[policyId] = at;
  }
}

/** A log kept in memory, to assert on what the scheduler said. */
export function memoryLog(): SchedulerLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}
