import type { GcResult } from '../core/types';
import type { KeyDomain } from '../crypto/domain';
import { packDir, packPath, parsePackPath } from '../pack/layout';
import { MasterIndex, keyToId, type IndexEntry } from '../pack/master-index';
import { PackWriter } from '../pack/pack-writer';
import { readHeader } from '../pack/record';
import type { Repository } from '../repo/repository';
import { computeRefs } from './refs';
import { snapshotsInDomain } from './domain-snapshots';

export interface GcOptions {
  onProgress?: (done: number, total: number) => void;
  /**
   * The blobs the domain's snapshots reference, when the caller has just walked them under the
   * same exclusive lock (a delete); otherwise every snapshot's manifest is walked here.
   */
  live?: Set<string>;
}

/**
 * Removes every stored byte of a domain that no snapshot references, now:
 * packs with no live blob are deleted, packs with some are rewritten with only their live
 * records (copied verbatim, so no key is needed for data), and the domain's index is rewritten
 * as one file. Order makes every step crash-safe: new packs, new index, then old index files,
 * then old packs. The caller holds the exclusive lock.
 */
export async function collectGarbage(repo: Repository, domain: KeyDomain, opts: GcOptions = {}): Promise<GcResult> {
  const { onProgress } = opts;
  const index = await repo.loadIndex(domain);
  const live = opts.live ?? (await computeRefs(repo, domain, index, await snapshotsInDomain(repo, domain))).live;
  const oldIndexFiles = await repo.indexFiles(domain.name);

  const byPack = new Map<string, { key: string; e: IndexEntry; live: boolean }[]>();
  for (const [key, e] of index) {
    const list = byPack.get(e.pack) ?? [];
    list.push({ key, e, live: live.has(key) });
    byPack.set(e.pack, list);
  }
  const writer = new PackWriter(repo.store, domain.name);
  const keep = new MasterIndex();
  const dropPacks: string[] = [];
  let freedBytes = 0;
  let packsRewritten = 0;
  let done = 0;
  for (const [pack, blobs] of byPack) {
    const live = blobs.filter((b) => b.live).sort((a, b) => a.e.offset - b.e.offset);
    const dead = blobs.length - live.length;
    if (dead === 0) {
      for (const b of live) keep.add(keyToId(b.key), b.e);
    } else {
      dropPacks.push(pack);
      freedBytes += blobs.filter((b) => !b.live).reduce((n, b) => n + b.e.length, 0);
      if (live.length > 0) {
        packsRewritten++;
        const file = packPath(domain.name, pack);
        for (const b of live) {
          const record = await repo.store.readRange(file, b.e.offset, b.e.length);
          readHeader(record, `${file}@${b.e.offset}`);
          await writer.add(record);
        }
      }
    }
    onProgress?.(++done, byPack.size);
  }
  keep.addAll(await writer.finish());
  const onDisk = (await repo.store.list(packDir(domain.name))).filter((n) => parsePackPath(n));
  const indexed = new Set([...byPack.keys()]);
  const orphans = onDisk.filter((n) => !indexed.has(parsePackPath(n)!.packId) && !writer.packsWritten.includes(parsePackPath(n)!.packId));

  if (dropPacks.length > 0 || oldIndexFiles.length > 1) {
    if (keep.size > 0) await repo.writeIndexFile(domain, keep);
    for (const f of oldIndexFiles) await repo.store.remove(f);
  }
  for (const pack of dropPacks) await repo.store.remove(packPath(domain.name, pack));
  for (const name of orphans) {
    freedBytes += await repo.store.size(name).catch(() => 0);
    await repo.store.remove(name);
  }
  for (const name of await repo.store.list('inflight')) {
    if (name.includes('/.tmp-')) await repo.store.remove(name);
  }
  return { packsDeleted: dropPacks.length - packsRewritten + orphans.length, packsRewritten, freedBytes };
}
