import type { Snapshot, Source } from '../core/types';
import { compressionOf, type InflightRecord, type SnapshotRecord, type SourceRecord } from '../repo/records';
import { holderGone } from '../repo/lock';

/** What the API shows of a source: never its wrapped key. */
export function sourceView(rec: SourceRecord): Source {
  const { id, name, path, kind, blockSize, encrypted, sizeBytes, createdAt } = rec;
  return { id, name, path, kind, blockSize, encrypted, compression: compressionOf(rec), sizeBytes, createdAt };
}

export function snapshotView(rec: SnapshotRecord, exclusiveBytes: number): Snapshot {
  return {
    id: rec.id, sourceId: rec.sourceId, name: rec.name, type: rec.type, status: 'accomplished', progress: 100,
    createdAt: rec.createdAt, completedAt: rec.completedAt, encrypted: rec.encrypted, sourceBytes: rec.sourceBytes,
    exclusiveBytes, addedBytes: rec.addedBytes, retainUntil: rec.retainUntil, policyId: rec.policyId, parentId: rec.parentId,
  };
}

/**
 * An in-flight record as a snapshot: progressing while its process lives (or runs on another
 * host, where it cannot be seen), failed otherwise.
 */
export function inflightView(rec: InflightRecord): Snapshot {
  const alive = rec.status === 'progressing' && !holderGone(rec);
  return {
    id: rec.id, sourceId: rec.sourceId, name: rec.name, type: rec.type, status: alive ? 'progressing' : 'failed',
    progress: rec.progress, createdAt: rec.createdAt, encrypted: rec.encrypted, sourceBytes: rec.sourceBytes,
    exclusiveBytes: 0, addedBytes: 0, retainUntil: null, policyId: rec.policyId, parentId: null,
    ...(alive ? {} : { error: rec.error ?? 'interrupted (the process stopped before the snapshot was committed)' }),
  };
}
