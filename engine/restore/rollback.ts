import { promises as fsp } from 'node:fs';
import { xxh64 } from '../core/native';
import { StrataError, fromFsError, isSystemError } from '../core/errors';
import type { Progress, RollbackResult } from '../core/types';
import type { Repository } from '../repo/repository';
import type { SnapshotRecord, SourceRecord } from '../repo/records';
import { LEAF_BLOCKS, type Leaf } from '../repo/tree';
import { walkLeaves } from '../repo/tree-io';
import { assertNotMounted, inspectSource } from '../source/inspect';
import { acquireSourceLock } from '../snapshot/source-lock';
import { ProgressMeter } from '../snapshot/progress';
import { fetchLeafBlocks } from './block-fetcher';
import { WRITES_IN_FLIGHT, writeRuns } from './restore';
import { writeAll } from '../storage/file-writes';
import { readFully } from '../storage/file-reads';

export interface RollbackOptions {
  /** Only count what differs; write nothing. */
  dryRun?: boolean;
  /** Called before writing, after the differences are known: take the safety snapshot here. */
  beforeWrite?: (differing: number) => Promise<string | null>;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/**
 * Returns a source to a snapshot in place, rewriting only the blocks whose content differs
 * (by fingerprint; zero blocks by a zero check). Two passes: find the differences, then write.
 */
export async function rollbackSource(repo: Repository, source: SourceRecord, snap: SnapshotRecord, opts: RollbackOptions = {}): Promise<RollbackResult> {
  if (snap.sourceId !== source.id) throw new StrataError('E_INVALID', `snapshot ${snap.id} belongs to another source; restore it to a file instead`);
  const info = await inspectSource(source.path);
  if (info.kind === 'device') await assertNotMounted(info.realPath);
  if (info.kind === 'device' && info.size < snap.sourceBytes) {
    throw new StrataError('E_INVALID', `${source.path} holds ${info.size} bytes but the snapshot needs ${snap.sourceBytes}`);
  }
  const domain = await repo.domainFor(source);
  const index = await repo.loadIndex(domain);
  const ref = repo.openTree(domain, snap);
  const leaves = () => walkLeaves(Buffer.from(ref.root, 'hex'), ref.height, (id) => repo.readBlob(domain, index, id));
  const bs = snap.blockSize;
  const differing = await findDifferences(info.realPath, snap, leaves(), opts.signal);
  const count = differing.reduce((n, d) => n + d.size, 0) + (info.size !== snap.sourceBytes && info.kind === 'image' ? 1 : 0);
  if (opts.dryRun) {
    return { snapshotId: snap.id, target: source.path, bytesWritten: 0, blocksWritten: 0, zeroBlocks: 0, verified: false, blocksDiffering: count, safetySnapshotId: null, dryRun: true };
  }
  const safetySnapshotId = count > 0 && opts.beforeWrite ? await opts.beforeWrite(count) : null;
  const releaseSource = await acquireSourceLock(repo.store, source.id, source.name, `rollback-${snap.id}`);
  const lock = await repo.lock('shared', `rollback of ${source.name}`);
  const fh = await fsp.open(info.realPath, 'r+');
  const meter = new ProgressMeter(repo.clock, snap.sourceBytes, 'rolling back', (p) => opts.onProgress?.(p));
  let blocksWritten = 0;
  let bytesWritten = 0;
  let zeroBlocks = 0;
  try {
    if (info.kind === 'image' && info.size !== snap.sourceBytes) await fh.truncate(snap.sourceBytes);
    const zero = Buffer.alloc(bs);
    let leafNo = 0;
    for await (const { leaf } of leaves()) {
      const diff = differing[leafNo];
      if (diff && diff.size > 0) {
        const base = leafNo * LEAF_BLOCKS * bs;
        const blocks = await fetchLeafBlocks(repo, domain, index, leaf, { wanted: (pos) => diff.has(pos) });
        const zeros = [...diff].filter((pos) => leaf.isZero(pos));
        const writes = [
          ...blocks.map((b) => ({ offset: base + b.pos * bs, data: b.data })),
          ...zeros.map((pos) => ({ offset: base + pos * bs, data: zero.subarray(0, Math.min(bs, snap.sourceBytes - (base + pos * bs))) })),
        ].sort((a, b) => a.offset - b.offset);
        await writeRuns((parts, at) => writeAll(fh, parts, at, 'the source'), writes, WRITES_IN_FLIGHT);
        blocksWritten += writes.length;
        zeroBlocks += zeros.length;
        bytesWritten += writes.reduce((n, w) => n + w.data.length, 0);
      }
      leafNo++;
      meter.update(Math.min(snap.sourceBytes, leafNo * LEAF_BLOCKS * bs));
    }
    await fh.sync();
  } catch (err) {
    throw isSystemError(err) ? fromFsError(err, `rolling back ${source.path}`) : err;
  } finally {
    await fh.close();
    await lock.release();
    await releaseSource();
  }
  return { snapshotId: snap.id, target: source.path, bytesWritten, blocksWritten, zeroBlocks, verified: true, blocksDiffering: count, safetySnapshotId, dryRun: false };
}

/** Per leaf, the block positions whose current content differs from the snapshot. */
async function findDifferences(path: string, snap: SnapshotRecord, leaves: AsyncGenerator<{ leaf: Leaf }>, signal?: AbortSignal): Promise<Set<number>[]> {
  const bs = snap.blockSize;
  const fh = await fsp.open(path, 'r');
  const out: Set<number>[] = [];
  const zero = Buffer.alloc(bs);
  // Two leaf-sized buffers, reused: the next leaf's bytes are read while this one is compared.
  const spare = [Buffer.allocUnsafe(LEAF_BLOCKS * bs), Buffer.allocUnsafe(LEAF_BLOCKS * bs)];
  const readLeaf = async (leafNo: number, buf: Buffer): Promise<Buffer> => {
    const base = leafNo * LEAF_BLOCKS * bs;
    const len = Math.max(0, Math.min(LEAF_BLOCKS * bs, snap.sourceBytes - base));
    // Bytes past the current end of a shorter image count as zeros.
    buf.fill(0, await readFully(fh, buf, len, base), len);
    return buf.subarray(0, len);
  };
  let next: Promise<Buffer> | null = null;
  try {
    let leafNo = 0;
    for await (const { leaf } of leaves) {
      if (signal?.aborted) throw new StrataError('E_CANCELLED', 'the rollback was cancelled before anything was written');
      const buf = await (next ?? readLeaf(leafNo, spare[leafNo % 2]!));
      next = readLeaf(leafNo + 1, spare[(leafNo + 1) % 2]!);
      next.catch(() => undefined);
      const len = buf.length;
      const diff = new Set<number>();
      for (let pos = 0; pos < leaf.count; pos++) {
        const start = pos * bs;
        const end = Math.min(start + bs, len);
        const cur = buf.subarray(start, end);
        const isZero = cur.equals(zero.subarray(0, cur.length));
        if (leaf.isZero(pos) ? !isZero : isZero || xxh64(cur) !== leaf.fingerprint(pos)) diff.add(pos);
      }
      out.push(diff);
      leafNo++;
    }
  } finally {
    await next?.catch(() => undefined);
    await fh.close();
  }
  return out;
}
