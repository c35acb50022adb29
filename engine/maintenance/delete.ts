import { StrataError } from '../core/errors';
import type { DeleteResult } from '../core/types';
import type { Repository } from '../repo/repository';
import type { SnapshotRecord, SourceRecord } from '../repo/records';
import { collectGarbage } from './gc';
import { computeRefs } from './refs';
import { snapshotsInDomain } from './domain-snapshots';

/**
 * Deletes one snapshot (first, middle or last) and frees, in the same call, exactly the stored
 * bytes no other snapshot references. With `dryRun`, only says how many bytes that is.
 */
export async function deleteSnapshot(repo: Repository, source: SourceRecord, snap: SnapshotRecord, dryRun: boolean): Promise<DeleteResult> {
  const domain = await repo.domainFor(source);
  const lock = await repo.lock(dryRun ? 'shared' : 'exclusive', `delete of ${snap.name}`);
  try {
    const index = await repo.loadIndex(domain);
    const snapshots = await snapshotsInDomain(repo, domain);
    if (!snapshots.some((s) => s.id === snap.id)) throw new StrataError('E_NOT_FOUND', `snapshot ${snap.id} no longer exists`);
    const refs = await computeRefs(repo, domain, index, snapshots);
    const freedBytes = refs.exclusiveBytes.get(snap.id) ?? 0;
    if (dryRun) return { snapshotId: snap.id, dryRun, freedBytes };
    await repo.removeSnapshot(snap);
    // The exclusive lock keeps every other snapshot as walked above: no second walk.
    await collectGarbage(repo, domain, { live: refs.liveWithout(snap.id) });
    return { snapshotId: snap.id, dryRun, freedBytes };
  } finally {
    await lock.release();
  }
}

/** Removes a failed or interrupted snapshot's record; it holds no data. */
export async function deleteInflight(repo: Repository, id: string): Promise<DeleteResult> {
  await repo.removeInflight(id);
  return { snapshotId: id, dryRun: false, freedBytes: 0 };
}

export type { SnapshotRecord };
