import type { KeyDomain } from '../crypto/domain';
import type { Repository } from '../repo/repository';
import type { SnapshotRecord, SourceRecord } from '../repo/records';

/** The snapshots whose blobs live in a domain: every plaintext chain, or one encrypted chain. */
export async function snapshotsInDomain(repo: Repository, domain: KeyDomain, sources?: SourceRecord[]): Promise<SnapshotRecord[]> {
  const all = sources ?? (await repo.listSources());
  const ids = new Set(all.filter((s) => (domain.encrypted ? s.id === domain.name : !s.encrypted)).map((s) => s.id));
  return (await repo.listSnapshots()).filter((s) => ids.has(s.sourceId));
}
