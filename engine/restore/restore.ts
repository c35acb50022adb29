import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { StrataError, fromFsError, isSystemError } from '../core/errors';
import type { Progress, RestoreResult } from '../core/types';
import type { Repository } from '../repo/repository';
import type { SnapshotRecord, SourceRecord } from '../repo/records';
import { LEAF_BLOCKS, type Leaf } from '../repo/tree';
import { walkLeaves } from '../repo/tree-io';
import { ProgressMeter } from '../snapshot/progress';
import { RangeMemory, fetchLeafBlocks, type FetchedBlock, type LeafSlot } from './block-fetcher';
import { inlineDecoder, pooledDecoder } from './record-decoder';
import { checkTarget } from './target';
import { syncDir } from '../storage/file-writes';
import { DirectWriter, alignedMemory } from '../storage/direct-writer';
import { boundedAll, settled } from '../storage/in-flight';

export interface RestoreOptions {
  force?: boolean;
  /** Decode on worker threads; by default only for sources of at least 64 MiB (start-up costs). */
  parallel?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

const PARALLEL_MIN_BYTES = 64 * 1024 * 1024;
/** How many leaves are fetched and decoded ahead of the one being written. */
const LEAVES_AHEAD = 3;
/**
 * Leaves whose writes may be in flight at once, and writes in flight per leaf. Waiting for each
 * write before the next left the disk idle between them: restoring the reference workload's
 * scattered incremental issues ≈ 1,900 writes, most of them small ones into the cache, each a
 * round trip through the event loop, while the disk waited for the next large one.
 */
const LEAVES_WRITING = 2;
export const WRITES_IN_FLIGHT = 8;
/**
 * Bytes written between background flushes when the target takes no direct writes. Without them
 * the kernel holds a whole restore in the page cache and the final sync writes it all at once;
 * flushing as we go lets the disk work while the next blocks are decoded.
 */
const FLUSH_EVERY = 128 * 1024 * 1024;
/** Leaves up to this size are decoded into reused, page-aligned memory and written from there. */
const MAX_SLOT_BYTES = 16 * 1024 * 1024;
/** Zeros written per write on a device, from one page-aligned buffer that is never written to. */
const ZERO_WRITE = 8 * 1024 * 1024;

/**
 * Restores a snapshot to an image file (sparse: zero blocks stay holes) or a block device.
 * An image is written under a temporary name and renamed into place only when complete and
 * durable, so an interrupted restore never leaves a half-written image under the target name.
 * Every block is verified before it is written; a corrupt block fails the restore.
 */
export async function restoreSnapshot(repo: Repository, source: SourceRecord, snap: SnapshotRecord, targetPath: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
  const target = await checkTarget(targetPath, source.path, snap.sourceBytes, opts.force ?? false);
  // An encrypted chain's key is derived from the passphrase (0.1–0.2 s) while the lock is
  // taken and the workers load their modules.
  const keyed = repo.domainFor(source);
  const parallel = opts.parallel ?? snap.sourceBytes >= PARALLEL_MIN_BYTES;
  const pooled = parallel ? pooledDecoder(keyed) : null;
  const [domainOr, lockOr] = await Promise.allSettled([keyed, repo.lock('shared', `restore of ${snap.name}`)]);
  if (domainOr.status === 'rejected' || lockOr.status === 'rejected') {
    await pooled?.close();
    if (lockOr.status === 'fulfilled') await lockOr.value.release();
    throw domainOr.status === 'rejected' ? domainOr.reason : (lockOr as PromiseRejectedResult).reason;
  }
  const domain = domainOr.value;
  const lock = lockOr.value;
  const decoder = pooled ?? inlineDecoder(domain);
  const writePath = target.kind === 'device' ? target.path : join(dirname(target.path), `.${basename(target.path)}.strata-${randomBytes(4).toString('hex')}`);
  let out: DirectWriter | null = null;
  try {
    const index = await repo.loadIndex(domain);
    const ref = repo.openTree(domain, snap);
    // A restored image is written once and read later, if at all: around the page cache.
    out = await DirectWriter.open(writePath, target.kind === 'device' ? 'r+' : 'wx', 0o600, 'the disk or image being written', { deferSmall: true });
    if (target.kind !== 'device') await out.fh.truncate(snap.sourceBytes);
    const meter = new ProgressMeter(repo.clock, snap.sourceBytes, 'restoring', (p) => opts.onProgress?.(p));
    const leaves = walkLeaves(Buffer.from(ref.root, 'hex'), ref.height, (id) => repo.readBlob(domain, index, id));
    const ranges = new RangeMemory();
    const fetch = (leaf: Leaf, slot?: LeafSlot) => fetchLeafBlocks(repo, domain, index, leaf, { decoder, slot, ranges });
    const { leafNo, blocksWritten, zeroBlocks, bytesWritten } = await writeLeaves(out, leaves, fetch, { snap, device: target.kind === 'device', meter, signal: opts.signal });
    if (leafNo * LEAF_BLOCKS < snap.blockCount) throw new StrataError('E_CORRUPT', `the manifest of ${snap.id} ends early`);
    await out.sync();
    await out.close();
    out = null;
    if (target.kind !== 'device') {
      await fsp.rename(writePath, target.path);
      await syncDir(dirname(target.path));
    }
    meter.update(snap.sourceBytes, true);
    return { snapshotId: snap.id, target: target.path, bytesWritten, blocksWritten, zeroBlocks, verified: true };
  } catch (err) {
    // Small writes still held are dropped: nothing more is written once the restore has failed.
    const unfinished = out;
    out = null;
    await unfinished?.abandon().catch(() => undefined);
    if (target.kind !== 'device') await fsp.rm(writePath, { force: true }).catch(() => undefined);
    // What the OS refused while writing the target (a full disk, a read-only file system).
    throw isSystemError(err) ? fromFsError(err, `restoring to ${target.path}`) : err;
  } finally {
    await decoder.close().catch(() => undefined);
    await out?.close().catch(() => undefined);
    await lock.release();
  }
}

interface LeafWriteContext {
  snap: SnapshotRecord;
  device: boolean;
  meter: ProgressMeter;
  signal?: AbortSignal;
}

/**
 * Writes the leaves in order while the next `LEAVES_AHEAD` are fetched and decoded, so reading
 * packs, verifying blocks (on worker threads when the decoder is pooled) and writing overlap;
 * a leaf's writes go on while the next leaf's start (`LEAVES_WRITING`). Returns once every write
 * is done; the first failure fails it, after the writes already issued have settled.
 */
async function writeLeaves(out: DirectWriter, leaves: AsyncGenerator<{ leaf: Leaf }>, fetch: (leaf: Leaf, slot?: LeafSlot) => Promise<FetchedBlock[]>, ctx: LeafWriteContext) {
  const { snap } = ctx;
  const bs = snap.blockSize;
  const zero = ctx.device ? alignedMemory(Math.max(ZERO_WRITE, bs)) : null;
  const slots = LEAF_BLOCKS * bs <= MAX_SLOT_BYTES ? new SlotPool(LEAF_BLOCKS * bs, bs) : null;
  const ahead: { leaf: Leaf; blocks: Promise<FetchedBlock[]>; slot?: LeafSlot }[] = [];
  let leafNo = 0;
  let blocksWritten = 0;
  let bytesWritten = 0;
  let zeroBlocks = 0;
  let unflushed = 0;
  let flushing: Promise<void> | null = null;
  /** Writes of the last leaves, oldest first. */
  const writing: Promise<void>[] = [];
  const writeOne = async ({ leaf, blocks: pending, slot }: (typeof ahead)[number]) => {
    const base = leafNo * LEAF_BLOCKS * bs;
    const blocks = await pending;
    // Blocks decoded into a slot lie there as on disk: a run of neighbours is one span of it,
    // page-aligned, which the writer writes without a copy.
    const write: WriteAt = (parts, at) => out.writeAt(slot ? [span(parts)] : parts, at);
    const data = writeRuns(write, blocks.map((b) => ({ offset: base + b.pos * bs, data: b.data })), WRITES_IN_FLIGHT);
    const zeros = zero ? writeZeros(out, leaf, base, bs, snap.sourceBytes, zero) : Promise.resolve();
    // The slot is free again once its writes are done, not before.
    const done = settled([data, zeros]).finally(() => slot && slots!.give(slot));
    done.catch(() => undefined);
    writing.push(done);
    if (writing.length >= LEAVES_WRITING) await writing.shift();
    const written = blocks.reduce((n, b) => n + b.data.length, 0);
    blocksWritten += blocks.length;
    bytesWritten += written;
    zeroBlocks += leaf.count - blocks.length;
    unflushed += written;
    if (unflushed >= FLUSH_EVERY && !flushing && !out.isDirect) {
      unflushed = 0;
      // One flush at a time, not awaited here; the caller's final sync makes the file durable.
      flushing = out.datasync().finally(() => (flushing = null));
      flushing.catch(() => undefined);
    }
    leafNo++;
    ctx.meter.update(Math.min(snap.sourceBytes, (leafNo * LEAF_BLOCKS) * bs));
  };
  try {
    for await (const { leaf } of leaves) {
      if (ctx.signal?.aborted) throw new StrataError('E_CANCELLED', 'the restore was cancelled');
      const slot = slots?.take();
      const blocks = fetch(leaf, slot);
      blocks.catch(() => undefined);
      ahead.push({ leaf, blocks, slot });
      if (ahead.length > LEAVES_AHEAD) await writeOne(ahead.shift()!);
    }
    while (ahead.length > 0) await writeOne(ahead.shift()!);
    while (writing.length > 0) await writing.shift();
  } finally {
    await Promise.allSettled([...ahead.map((a) => a.blocks), ...writing, flushing]);
  }
  return { leafNo, blocksWritten, bytesWritten, zeroBlocks };
}

/** Leaf-sized aligned shared memory, reused once a leaf is written. */
class SlotPool {
  private readonly free: LeafSlot[] = [];

  constructor(private readonly bytes: number, private readonly blockSize: number) {}

  take(): LeafSlot {
    return this.free.pop() ?? { memory: alignedMemory(this.bytes, true), blockSize: this.blockSize };
  }

  give(slot: LeafSlot): void {
    this.free.push(slot);
  }
}

/** The memory that neighbouring views `parts` cover together, as one view. */
function span(parts: readonly Buffer[]): Buffer {
  const last = parts[parts.length - 1]!;
  return Buffer.from(parts[0]!.buffer, parts[0]!.byteOffset, last.byteOffset + last.length - parts[0]!.byteOffset);
}

export type WriteAt = (parts: readonly Buffer[], position: number) => Promise<void>;

/**
 * Writes blocks, merging neighbours into one vectored write, with up to `inFlight` writes at
 * once (they never overlap). Resolves once all are done; the first failure rejects, after every
 * write issued has settled.
 */
export async function writeRuns(write: WriteAt, blocks: { offset: number; data: Buffer }[], inFlight = 1): Promise<void> {
  const runs: (() => Promise<void>)[] = [];
  for (let i = 0; i < blocks.length; ) {
    let j = i + 1;
    let end = blocks[i]!.offset + blocks[i]!.data.length;
    while (j < blocks.length && blocks[j]!.offset === end && j - i < 512) {
      end += blocks[j]!.data.length;
      j++;
    }
    const parts = blocks.slice(i, j).map((b) => b.data);
    const at = blocks[i]!.offset;
    runs.push(() => write(parts, at));
    i = j;
  }
  await boundedAll(runs, inFlight);
}

/**
 * On a device, zero blocks must be written: the device holds old data there. Runs of them are
 * written from `zero` (page-aligned, so without a copy), several at once.
 */
async function writeZeros(out: DirectWriter, leaf: { count: number; isZero(i: number): boolean }, base: number, bs: number, size: number, zero: Buffer): Promise<void> {
  const runs: (() => Promise<void>)[] = [];
  for (let pos = 0; pos < leaf.count; ) {
    if (!leaf.isZero(pos)) {
      pos++;
      continue;
    }
    let end = pos;
    while (end < leaf.count && leaf.isZero(end) && (end - pos + 1) * bs <= zero.length) end++;
    const offset = base + pos * bs;
    const len = Math.min((end - pos) * bs, size - offset);
    runs.push(() => out.writeFrom(zero.subarray(0, len), offset));
    pos = end;
  }
  await boundedAll(runs, WRITES_IN_FLIGHT);
}
