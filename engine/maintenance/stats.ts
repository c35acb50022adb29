import { createHash } from 'node:crypto';
import { isStrataError } from '../core/errors';
import type { KeyDomain } from '../crypto/domain';
import type { Repository } from '../repo/repository';
import type { SnapshotRecord } from '../repo/records';
import { computeRefs } from './refs';

export interface DomainStats {
  /** Hash of the snapshot ids the figures were computed for. */
  key: string;
  exclusiveBytes: Record<string, number>;
  chainBytes: Record<string, number>;
}

const statsFile = (domain: string) => `cache/stats-${domain}.json`;

function statsKey(snapshots: SnapshotRecord[]): string {
  return createHash('sha256').update(snapshots.map((s) => s.id).sort().join(',')).digest('hex');
}

/**
 * Chain and snapshot sizes of a domain. They change only when the set of snapshots changes, so
 * they are cached in the repository (cache/ is derived data, safe to delete) and recomputed when
 * the set differs. Without the key of an encrypted chain, the last cached figures are used.
 */
export async function domainStats(repo: Repository, domain: KeyDomain | null, domainName: string, snapshots: SnapshotRecord[]): Promise<DomainStats | null> {
  const key = statsKey(snapshots);
  let cached: DomainStats | null = null;
  try {
    cached = JSON.parse((await repo.store.read(statsFile(domainName))).toString('utf8')) as DomainStats;
  } catch {
    cached = null;
  }
  if (cached && cached.key === key) return cached;
  if (!domain) return cached;
  try {
    const index = await repo.loadIndex(domain);
    const refs = await computeRefs(repo, domain, index, snapshots);
    const stats: DomainStats = { key, exclusiveBytes: Object.fromEntries(refs.exclusiveBytes), chainBytes: Object.fromEntries(refs.chainBytes) };
    await repo.store.write(statsFile(domainName), Buffer.from(JSON.stringify(stats))).catch(() => undefined);
    return stats;
  } catch (err) {
    if (isStrataError(err, 'E_CORRUPT') || isStrataError(err, 'E_NOT_FOUND')) return cached;
    throw err;
  }
}
