/**
 * The product's public data types: what the CLI prints with --json, what the API returns, what
 * the UI shows. Plain JSON-serialisable objects only.
 */

export type SourceKind = 'image' | 'device';

/**
 * How a source's snapshots compress blocks: `lz4` (the default: fastest to take and to restore),
 * `zstd` (level 1: stores about a third less of compressible data, slower) or `none`.
 */
export type Compression = 'lz4' | 'zstd' | 'none';

export interface Source {
  id: string;
  name: string;
  /** Absolute path as the user chose it. */
  path: string;
  kind: SourceKind;
  /** Bytes, fixed per source when added. */
  blockSize: number;
  /** Fixed when the source is added; a chain never changes it. */
  encrypted: boolean;
  /** How new snapshots compress blocks (records say how they were compressed, so any mix reads). */
  compression: Compression;
  /** Size in bytes when last seen. */
  sizeBytes: number;
  createdAt: string;
}

export type SnapshotType = 'manual' | 'auto';
export type SnapshotStatus = 'progressing' | 'accomplished' | 'failed';

export interface Snapshot {
  id: string;
  sourceId: string;
  name: string;
  type: SnapshotType;
  status: SnapshotStatus;
  /** 0–100. */
  progress: number;
  createdAt: string;
  encrypted: boolean;
  /** Size of the source at snapshot time. */
  sourceBytes: number;
  /** Stored bytes only this snapshot references: what deleting it alone frees. */
  exclusiveBytes: number;
  /** Stored bytes this snapshot added to the repository when taken. */
  addedBytes: number;
  /** ISO time after which a policy may delete it, or null to keep. */
  retainUntil: string | null;
  policyId: string | null;
  /** Id of the snapshot it was taken against, or null for a full snapshot. */
  parentId: string | null;
  /** Why it failed (status `failed` only). */
  error?: string;
  completedAt?: string;
}

export interface Chain {
  source: Source;
  snapshotCount: number;
  /** Unique stored bytes the whole chain references. */
  totalBytes: number;
  /** Bytes of the source as of the newest snapshot. */
  sourceBytes: number;
  snapshots: Snapshot[];
}

export interface Progress {
  bytesDone: number;
  bytesTotal: number;
  /** Bytes per second over the recent window. */
  rate: number;
  /** Seconds left at the current rate, or null if unknown. */
  etaSeconds: number | null;
  percent: number;
  phase: string;
}

export interface CheckProblem {
  kind: 'missing-blob' | 'missing-pack' | 'corrupt-blob' | 'corrupt-pack' | 'corrupt-index' | 'corrupt-manifest' | 'corrupt-snapshot' | 'index-mismatch' | 'unreadable';
  message: string;
  /** Repository-relative file involved, if any. */
  file?: string;
  /** Snapshot ids this problem makes unrestorable (fully or in part). */
  snapshots: string[];
}

export interface CheckNotice {
  kind: 'unreferenced-pack' | 'unused-blobs' | 'interrupted-snapshot' | 'stale-lock' | 'temp-file' | 'skipped';
  message: string;
  file?: string;
}

export interface CheckReport {
  ok: boolean;
  readData: boolean;
  snapshotsChecked: number;
  packsChecked: number;
  blobsChecked: number;
  bytesRead: number;
  problems: CheckProblem[];
  /** Leftovers that are harmless (garbage from interrupted work); gc removes them. */
  notices: CheckNotice[];
}

export interface DeleteResult {
  snapshotId: string;
  dryRun: boolean;
  freedBytes: number;
}

export interface GcResult {
  packsDeleted: number;
  packsRewritten: number;
  freedBytes: number;
}

export interface RestoreResult {
  snapshotId: string;
  target: string;
  bytesWritten: number;
  blocksWritten: number;
  zeroBlocks: number;
  verified: boolean;
}

export interface RollbackResult extends RestoreResult {
  blocksDiffering: number;
  safetySnapshotId: string | null;
  dryRun: boolean;
}

export interface RepositoryInfo {
  path: string;
  formatVersion: number;
  repositoryId: string;
  /** Bytes of all files in the repository. */
  sizeBytes: number;
  /** Bytes all snapshots would take without block-level dedup and zero elision (sum of source sizes). */
  logicalBytes: number;
  /** logicalBytes / stored bytes. */
  dedupRatio: number;
  sourceCount: number;
  snapshotCount: number;
  packCount: number;
  encryptedChains: number;
  keySlots: number;
}

// ---- policies and jobs (see engine/policy) ----

/** Grandfather-father-son rules: keep the newest snapshot of each of the last N periods. */
export interface GfsRules {
  keepLast?: number;
  keepHourly?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
}

export interface OffPeakConditions {
  /** Run only on AC power. */
  requireAcPower: boolean;
  /** Run only after the system has been idle this many minutes (0 = no idle condition). */
  idleMinutes: number;
  /** After this many minutes past the time point, run anyway (conditions or not). */
  deadlineMinutes: number;
}

export interface Policy {
  id: string;
  name: string;
  enabled: boolean;
  /** Hours 0–23 at which to run. */
  timePoints: number[];
  /** ISO weekdays 1–7 (Monday = 1). */
  repeatWeekdays: number[];
  /** 1–65535, or -1 to keep until deleted. */
  retentionDays: number;
  gfs: GfsRules | null;
  offPeak: OffPeakConditions;
  /** Read-rate budget in bytes per second for its snapshots; 0 = the adaptive default. */
  ioBudget: number;
  /** Sources this policy applies to. */
  sourceIds: string[];
  createdAt: string;
}

export type JobKind = 'snapshot' | 'delete' | 'restore' | 'rollback' | 'check' | 'gc';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';
export type JobTrigger = 'manual' | 'schedule' | 'catch-up';

export interface Job {
  id: string;
  kind: JobKind;
  status: JobStatus;
  trigger: JobTrigger;
  sourceId: string | null;
  snapshotId: string | null;
  policyId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  progress: Progress | null;
  /** Figures of the result: bytes read, bytes added, bytes freed… */
  figures: Record<string, number>;
  message: string | null;
  error: { code: string; message: string } | null;
}
