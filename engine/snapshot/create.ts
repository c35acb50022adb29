import { hostname } from 'node:os';
import { xxh64 } from '@node-rs/xxhash';
import { StrataError, isStrataError } from '../core/errors';
import { newId } from '../core/ids';
import type { Progress, SnapshotType } from '../core/types';
import type { KeyDomain } from '../crypto/domain';
import { packPath } from '../pack/layout';
import type { Repository } from '../repo/repository';
import type { InflightRecord, SnapshotRecord, SourceRecord } from '../repo/records';
import { LEAF_BLOCKS, LeafBuilder, type Leaf } from '../repo/tree';
import { TreeBuilder, walkLeaves } from '../repo/tree-io';
import { BlockReader } from '../source/block-reader';
import { inspectSource } from '../source/inspect';
import { BlobSink } from './blob-sink';
import { InlineProcessor, type BlockJob, type BlockProcessor } from './block-processor';
import { ProgressMeter } from './progress';
import { acquireSourceLock } from './source-lock';
import { Throttle } from './throttle';

export interface CreateOptions {
  name?: string;
  type?: SnapshotType;
  policyId?: string | null;
  retainUntil?: string | null;
  /** Byte-rate limit for reading the source (bytes/s); 0 or absent = none. */
  ioLimit?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress, snapshotId: string) => void;
  /** Called once the snapshot id is known (before any data is read). */
  onStart?: (snapshotId: string) => void;
  /** Supplies the processor (the pooled one in production); defaults to inline. */
  processor?: (domain: KeyDomain) => BlockProcessor;
  packBytes?: number;
}

/**
 * Takes a snapshot of a source. Only blocks whose fingerprint differs from the parent's are
 * identified and stored; the snapshot record is written last, so the snapshot exists only once
 * everything it references is durable. On failure or cancel, the packs it wrote are removed and
 * nothing else is left (a failure leaves an in-flight record saying why).
 */
export async function createSnapshot(repo: Repository, source: SourceRecord, opts: CreateOptions = {}): Promise<SnapshotRecord> {
  const id = newId('snap');
  const createdAt = repo.now().toISOString();
  const name = opts.name?.trim() || `${source.name} ${createdAt.slice(0, 19).replace('T', ' ')}`;
  const domain = await repo.domainFor(source);
  const info = await inspectSource(source.path);
  const releaseSource = await acquireSourceLock(repo.store, source.id, source.name, id);
  let lock;
  try {
    lock = await repo.lock('shared', `snapshot of ${source.name}`);
  } catch (err) {
    await releaseSource();
    throw err;
  }
  const inflight: InflightRecord = {
    format: 1, id, sourceId: source.id, name, type: opts.type ?? 'manual', createdAt, encrypted: source.encrypted,
    sourceBytes: info.size, policyId: opts.policyId ?? null, pid: process.pid, host: hostname(), status: 'progressing', progress: 0,
  };
  opts.onStart?.(id);
  let sink: BlobSink | null = null;
  try {
    await repo.writeInflight(inflight);
    repo.invalidateIndex(domain.name);
    const index = await repo.loadIndex(domain);
    sink = new BlobSink(repo.store, domain, index, opts.packBytes);
    const parent = (await repo.listSnapshots(source.id)).filter((s) => s.blockSize === source.blockSize).at(-1) ?? null;
    const reader = new BlockReader(info);
    await reader.open();
    let tree;
    try {
      tree = await copyBlocks(repo, domain, source, reader, sink, parent, inflight, opts);
      await reader.assertUnchangedSize();
    } finally {
      await reader.close();
    }
    const entries = await sink.writer.finish();
    if (entries.length > 0) await repo.writeIndexFile(domain, entries);
    const record: SnapshotRecord = {
      format: 1, id, sourceId: source.id, name, type: inflight.type, createdAt, completedAt: repo.now().toISOString(),
      encrypted: source.encrypted, sourceBytes: info.size, blockSize: source.blockSize, blockCount: Math.ceil(info.size / source.blockSize),
      addedBytes: sink.addedBytes, retainUntil: opts.retainUntil ?? null, policyId: opts.policyId ?? null, parentId: parent?.id ?? null,
      ...repo.sealTree(domain, id, tree),
    };
    await repo.writeSnapshot(record);
    await repo.removeInflight(id);
    if (source.sizeBytes !== info.size) await repo.saveSource({ ...source, sizeBytes: info.size });
    return record;
  } catch (caught) {
    const err = opts.signal?.aborted && !isStrataError(caught, 'E_CANCELLED')
      ? new StrataError('E_CANCELLED', 'the snapshot was cancelled; nothing was kept', { cause: caught })
      : caught;
    await abandon(repo, domain, sink, inflight, err);
    throw err;
  } finally {
    await lock.release();
    await releaseSource();
  }
}

async function abandon(repo: Repository, domain: KeyDomain, sink: BlobSink | null, inflight: InflightRecord, err: unknown): Promise<void> {
  if (sink) {
    await sink.writer.settle();
    for (const pack of sink.writer.packsWritten) await repo.store.remove(packPath(domain.name, pack)).catch(() => undefined);
  }
  if (isStrataError(err, 'E_CANCELLED')) {
    await repo.removeInflight(inflight.id).catch(() => undefined);
  } else {
    const message = err instanceof Error ? err.message : String(err);
    await repo.writeInflight({ ...inflight, status: 'failed', error: message }).catch(() => undefined);
  }
}

async function copyBlocks(
  repo: Repository, domain: KeyDomain, source: SourceRecord, reader: BlockReader, sink: BlobSink,
  parent: SnapshotRecord | null, inflight: InflightRecord, opts: CreateOptions,
) {
  const bs = source.blockSize;
  const zero = Buffer.alloc(bs);
  const index = await repo.loadIndex(domain);
  const getNode = (nodeId: Buffer) => repo.readBlob(domain, index, nodeId);
  const parentLeaves = parent ? (() => {
    const ref = repo.openTree(domain, parent);
    return walkLeaves(Buffer.from(ref.root, 'hex'), ref.height, getNode);
  })() : null;
  const processor = opts.processor?.(domain) ?? new InlineProcessor(domain);
  const tree = new TreeBuilder((bytes) => sink.putTree(bytes));
  const throttle = new Throttle(repo.clock, opts.ioLimit ?? 0);
  let lastInflightWrite = repo.clock.now();
  const meter = new ProgressMeter(repo.clock, reader.size, 'reading', (p) => {
    opts.onProgress?.(p, inflight.id);
    if (repo.clock.now() - lastInflightWrite > 1000) {
      lastInflightWrite = repo.clock.now();
      void repo.writeInflight({ ...inflight, progress: Math.floor(p.percent) }).catch(() => undefined);
    }
  });
  let leaf = new LeafBuilder();
  let parentLeaf: Leaf | null = null;
  let block = 0;
  let done = 0;
  try {
    for (;;) {
      if (opts.signal?.aborted) throw new StrataError('E_CANCELLED', 'the snapshot was cancelled; nothing was kept');
      const chunk = await reader.next();
      if (!chunk) break;
      // Decide each block of the chunk: zero, unchanged (same fingerprint as the parent), or changed.
      const plan: ({ zero: true } | { fp: bigint; id: Buffer | null; job: number })[] = [];
      const jobs: BlockJob[] = [];
      for (let off = 0; off < chunk.length; off += bs) {
        const pos = (block + plan.length) % LEAF_BLOCKS;
        if (pos === 0 && parentLeaves) parentLeaf = (await parentLeaves.next()).value?.leaf ?? null;
        const data = chunk.subarray(off, Math.min(off + bs, chunk.length));
        if (data.equals(data.length === bs ? zero : zero.subarray(0, data.length))) {
          plan.push({ zero: true });
          continue;
        }
        const fp = xxh64(data);
        if (parentLeaf && pos < parentLeaf.count && !parentLeaf.isZero(pos) && parentLeaf.fingerprint(pos) === fp) {
          plan.push({ fp, id: Buffer.from(parentLeaf.id(pos)), job: -1 });
        } else {
          plan.push({ fp, id: null, job: jobs.length });
          jobs.push({ data });
        }
      }
      const processed = jobs.length > 0 ? await processor.process(jobs, sink.isKnown) : [];
      for (const step of plan) {
        if ('zero' in step) leaf.addZero();
        else {
          let blobId = step.id;
          if (!blobId) {
            const p = processed[step.job]!;
            if (p.record) await sink.addRecord(p.id, p.record);
            blobId = p.id;
          }
          leaf.add(step.fp, blobId);
        }
        block++;
        if (leaf.count === LEAF_BLOCKS) {
          await tree.addLeaf(await sink.putTree(leaf.encode()));
          leaf = new LeafBuilder();
        }
      }
      done += chunk.length;
      meter.update(done);
      await throttle.consumed(chunk.length, opts.signal);
    }
    if (leaf.count > 0 || block === 0) await tree.addLeaf(await sink.putTree(leaf.encode()));
    meter.update(done, true);
    const { root, height } = await tree.finish();
    return { root: root.toString('hex'), height };
  } finally {
    await processor.close();
    await parentLeaves?.return(undefined);
  }
}
