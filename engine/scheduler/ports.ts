import type { DeleteResult, Job, Policy, Snapshot, Source } from '../core/types';
import type { Settings } from '../api/contract';
import type { SchedulerRecord } from '../catalog/state-file';

/** What the scheduler uses of the engine (a `StrataService` fits). */
export interface SchedulerService {
  listSources(): Promise<Source[]>;
  /** Committed and in-flight snapshots of a source, oldest first. */
  listSnapshots(sourceId?: string): Promise<Snapshot[]>;
  deleteSnapshot(ref: string, opts?: { dryRun?: boolean }): Promise<DeleteResult>;
}

/** What the scheduler uses of the app catalog (a `Catalog` fits). */
export interface SchedulerCatalog {
  listPolicies(): Promise<Policy[]>;
  getSettings(): Promise<Settings>;
  recordJob(job: Job): Promise<unknown>;
  schedulerRecord(): Promise<SchedulerRecord>;
  setPausedUntil(until: string | null): Promise<unknown>;
  setLastRun(policyId: string, at: string): Promise<void>;
}
