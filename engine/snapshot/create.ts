import { StrataError, isStrataError } from '../core/errors';
import { newId } from '../core/ids';
import type { Compression, Progress, SnapshotType } from '../core/types';
import type { KeyDomain } from '../crypto/domain';
import { packPath } from '../pack/layout';
import type { Repository } from '../repo/repository';
import { compressionOf, type InflightRecord, type SnapshotRecord, type SourceRecord } from '../repo/records';
import { assertChainUnconverted } from '../repo/chain-guard';
import { thisProcess } from '../repo/lock';
import { BlockReader, ChunkRing, READ_CHUNK } from '../source/block-reader';
import { inspectSource } from '../source/inspect';
import { BlobSink } from './blob-sink';
import { InlineProcessor, type BlockProcessor } from './block-processor';
import { RING_CHUNKS, copyBlocks } from './copy-blocks';
import { ProgressMeter } from './progress';
import { acquireSourceLock } from './source-lock';
import { Throttle } from './throttle';
import { AdaptiveThrottle, DEFAULT_ADAPTIVE } from './adaptive-throttle';
import { deviceSampler } from './device-load';
import { idleIoClass, normalIoClass } from './priority';

export interface CreateOptions {
  name?: string;
  type?: SnapshotType;
  policyId?: string | null;
  retainUntil?: string | null;
  /** Byte-rate limit for reading the source (bytes/s); 0 or absent = none. */
  ioLimit?: number;
  /**
   * Yield to the user: back off while other processes use the source's device (never above
   * `ioLimit`), and run at the lowest CPU and I/O priority. Default: on for automatic
   * (scheduled) snapshots, off for manual ones.
   */
  adaptiveIo?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: Progress, snapshotId: string) => void;
  /** Called once the snapshot id is known (before any data is read). */
  onStart?: (snapshotId: string) => void;
  /**
   * Supplies the processor (the pooled one in production); defaults to inline. It is made while
   * the chain's key may still be being derived, so it gets the domain as a promise.
   */
  processor?: (domain: Promise<KeyDomain>, opts: { background: boolean; compression: Compression }) => BlockProcessor;
  packBytes?: number;
}

/**
 * Takes a snapshot of a source. Only blocks whose fingerprint differs from the parent's are
 * identified and stored; the snapshot record is written last, so the snapshot exists only once
 * everything it references is durable. On failure or cancel, the packs it wrote are removed and
 * nothing else is left (a failure leaves an in-flight record saying why).
 */
export async function createSnapshot(repo: Repository, source: SourceRecord, opts: CreateOptions = {}): Promise<SnapshotRecord> {
  const earlier = await repo.listSnapshots(source.id);
  await assertChainUnconverted(repo.store, source, earlier);
  // An encrypted chain's key is derived from the passphrase (0.1–0.2 s) while the workers
  // start and the locks are taken.
  const keyed = repo.domainFor(source);
  keyed.catch(() => undefined);
  const background = opts.adaptiveIo ?? (opts.type ?? 'manual') === 'auto';
  const compression = compressionOf(source);
  const supplied = opts.processor?.(keyed, { background, compression }) ?? null;
  // A source's first snapshot encodes nearly every block: its workers start now, while the
  // source, the locks and the index are opened, rather than on its first busy chunk.
  if (!earlier.some((s) => s.blockSize === source.blockSize)) supplied?.warm();
  try {
    return await snapshotWith(repo, source, keyed, supplied, background, opts);
  } finally {
    await supplied?.close();
  }
}

async function snapshotWith(
  repo: Repository,
  source: SourceRecord,
  keyed: Promise<KeyDomain>,
  supplied: BlockProcessor | null,
  background: boolean,
  opts: CreateOptions,
): Promise<SnapshotRecord> {
  const id = newId('snap');
  const createdAt = repo.now().toISOString();
  const name = opts.name?.trim() || `${source.name} ${createdAt.slice(0, 19).replace('T', ' ')}`;
  const info = await inspectSource(source.path);
  const releaseSource = await acquireSourceLock(repo.store, source.id, source.name, id);
  let lock;
  let domain: KeyDomain;
  try {
    lock = await repo.lock('shared', `snapshot of ${source.name}`);
    // A wrong passphrase fails here, before anything is written.
    domain = await keyed.catch(async (err: unknown) => {
      await lock!.release();
      throw err;
    });
  } catch (err) {
    await releaseSource();
    throw err;
  }
  const processor = supplied ?? new InlineProcessor(domain, compressionOf(source));
  const inflight: InflightRecord = {
    format: 1, id, sourceId: source.id, name, type: opts.type ?? 'manual', createdAt, encrypted: source.encrypted,
    sourceBytes: info.size, policyId: opts.policyId ?? null, ...thisProcess(), status: 'progressing', progress: 0,
  };
  opts.onStart?.(id);
  let sink: BlobSink | null = null;
  let committing = false;
  try {
    await repo.writeInflight(inflight);
    const index = await repo.loadIndex(domain);
    sink = new BlobSink(repo.store, domain, index, compressionOf(source), opts.packBytes);
    const parent = (await repo.listSnapshots(source.id)).filter((s) => s.blockSize === source.blockSize).at(-1) ?? null;
    const reader = new BlockReader(info, READ_CHUNK, new ChunkRing(READ_CHUNK, RING_CHUNKS));
    await reader.open();
    if (background) await idleIoClass();
    let tree;
    const meter = progressMeter(repo, reader.size, inflight, opts);
    try {
      const gate = background
        ? new AdaptiveThrottle(repo.clock, await deviceSampler(info.realPath), { ...DEFAULT_ADAPTIVE, ceiling: opts.ioLimit ?? 0 })
        : new Throttle(repo.clock, opts.ioLimit ?? 0);
      tree = await copyBlocks({ repo, domain, index, source, reader, sink, parent, processor, gate, meter, signal: opts.signal });
      await reader.assertUnchangedSize();
    } finally {
      await meter.settle();
      await reader.close();
      if (background) await normalIoClass();
    }
    const entries = await sink.writer.finish();
    // From here a failed write may still have landed: the packs are left to gc, never removed.
    committing = true;
    if (entries.size > 0) await repo.writeIndexFile(domain, entries);
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
    if (committing) await repo.removeSnapshot({ sourceId: source.id, id }).catch(() => undefined);
    await abandon(repo, domain, committing ? null : sink, inflight, err);
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

/**
 * Reports progress and, at most once a second, records it in the in-flight record. `settle` waits
 * for the last such write: one landing after the final record would bring back a "progressing"
 * record for a snapshot that has finished or failed.
 */
function progressMeter(repo: Repository, size: number, inflight: InflightRecord, opts: CreateOptions): ProgressMeter & { settle(): Promise<void> } {
  let lastInflightWrite = repo.clock.now();
  let pending: Promise<void> = Promise.resolve();
  const meter = new ProgressMeter(repo.clock, size, 'reading', (p) => {
    opts.onProgress?.(p, inflight.id);
    if (repo.clock.now() - lastInflightWrite > 1000) {
      lastInflightWrite = repo.clock.now();
      pending = pending.then(() => repo.writeInflight({ ...inflight, progress: Math.floor(p.percent) })).catch(() => undefined);
    }
  });
  return Object.assign(meter, { settle: () => pending });
}
