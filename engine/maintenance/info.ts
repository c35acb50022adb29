import type { RepositoryInfo } from '../core/types';
import type { Repository } from '../repo/repository';
import { FORMAT_VERSION } from '../repo/repository';

/** Repository figures for the Repository screen: size on disk, logical size, dedup ratio. */
export async function repositoryInfo(repo: Repository): Promise<RepositoryInfo> {
  const files = await repo.store.list('');
  let sizeBytes = 0;
  let packBytes = 0;
  let packCount = 0;
  for (const f of files) {
    const n = await repo.store.size(f).catch(() => 0);
    sizeBytes += n;
    if (f.startsWith('packs/')) {
      packBytes += n;
      packCount++;
    }
  }
  const sources = await repo.listSources();
  const snapshots = await repo.listSnapshots();
  const logicalBytes = snapshots.reduce((n, s) => n + s.sourceBytes, 0);
  return {
    path: repo.path, formatVersion: FORMAT_VERSION, repositoryId: repo.config.id, sizeBytes, logicalBytes,
    dedupRatio: packBytes > 0 ? logicalBytes / packBytes : 0, sourceCount: sources.length, snapshotCount: snapshots.length,
    packCount, encryptedChains: sources.filter((s) => s.encrypted).length, keySlots: (await repo.keyring.list()).length,
  };
}
