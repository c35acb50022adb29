import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { KeyDomain } from '../crypto/domain';
import { maxRecordBytes } from '../pack/record';
import type { Compression } from '../core/types';
import { InlineProcessor, type BlockJob, type BlockProcessor, type ProcessedBatch, type ProcessedBlock } from './block-processor';
import { READY_SEQ, packSpans, splitByLengths, type DomainMessage, type EncodeReply, type ShareMessage, type WorkerReply, type WorkerRequest } from './pipeline-protocol';

/**
 * A chunk with at least this many changed blocks starts the workers. Starting a worker costs
 * ≈ 0.1 s of CPU (it loads its modules), more than an incremental of scattered small changes
 * (a few changed blocks per 4 MiB chunk) spends encoding them, so such a snapshot never starts
 * one; a source's first snapshot starts them before it reads (`warm`). Blocks stay on the
 * calling thread until the workers are ready, and from then on every batch, however small, goes
 * to them: the calling thread only reads, plans and writes.
 */
const START_BATCH_JOBS = 32;
/** Batches smaller than twice this go whole to one worker. */
const SPLIT_MIN_JOBS = 32;
/** Record memory is handed out in multiples of this, so slightly different batches share slots. */
const SLOT_ROUND = 1024 * 1024;

/**
 * A worker's young generation. Every sealed block leaves a cipher object and its output buffer
 * behind (Node's cipher API cannot write into memory it is given), and the buffers' memory is
 * returned only when V8 collects the young generation: V8 lets it grow to tens of MiB per isolate
 * first, so tens of MiB of dead buffers pile up per worker. 2 MiB keeps the encrypted full
 * snapshot of the reference image ≈ 20 MiB (at 8 MiB) and ≈ 40 MiB (at V8's default) lower at
 * peak; the workers' time in the collector stayed the same (≈ 0.13 s each).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 2 };

function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('./pipeline-worker.ts', here) : new URL('./pipeline-worker.mjs', here);
}

/**
 * Starts a worker on `url`. Run from source (tests, under tsx), the worker is TypeScript too,
 * which Node's worker entry refuses by extension and whose loader hooks a worker does not
 * inherit: the worker registers tsx itself, then imports the module.
 */
function startWorker(url: URL, workerData: unknown): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(fileURLToPath(url), { workerData, resourceLimits: WORKER_LIMITS });
  const code = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { eval: true, workerData, resourceLimits: WORKER_LIMITS });
}

function sharedOf(b: Buffer): SharedArrayBuffer {
  if (!(b.buffer instanceof SharedArrayBuffer)) throw new Error('a worker is asked to write into memory that is not shared');
  return b.buffer;
}

/** Where a decode batch puts its blocks: offsets into shared memory, each with `room` bytes. */
export interface SharedOutput {
  memory: Buffer;
  offsets: number[];
  room: number;
}

/** What a batch carries besides its blocks. */
export interface RunOptions {
  /** decode: the expected content ids, back to back. */
  ids?: Uint8Array;
  /** decode: where each record comes from, for error messages. */
  where?: string[];
  /** decode: shared memory to put the blocks in. */
  out?: SharedOutput;
  /** encode: shared memory to write the records into, back to back (see `maxRecordBytes`). */
  into?: Buffer;
}

export interface PoolOptions {
  size?: number;
  /** How new records are compressed (default: LZ4). */
  compression?: Compression;
  /** Run the workers at the lowest CPU priority (background jobs). */
  background?: boolean;
}

/**
 * Worker threads, one per core, that encode (snapshot) or decode (restore) batches of blocks
 * of one key domain. Each batch goes whole to the least busy worker, its memory moved rather
 * than copied, so callers can keep several batches in flight.
 */
export class WorkerPool {
  private readonly workers: { w: Worker; busy: number }[];
  private seq = 0;
  private failure: unknown = null;
  private readyCount = 0;
  private readonly waiting = new Map<number, { resolve: (v: WorkerReply) => void; reject: (e: unknown) => void }>();
  private readonly sharedIds = new Map<SharedArrayBuffer, number>();
  private nextShareId = 0;

  /** Until a domain given as a promise is known and sent to the workers. */
  private keyed: Promise<void> | null = null;

  /**
   * `domain` may still be coming (an encrypted chain's key is derived from the passphrase in
   * 0.1–0.2 s): the workers load their modules meanwhile and learn the domain before any batch.
   */
  constructor(domain: KeyDomain | Promise<KeyDomain>, opts: PoolOptions = {}) {
    const size = opts.size ?? Math.max(1, Math.min(4, availableParallelism()));
    const url = workerUrl();
    const spec = domain instanceof Promise ? undefined : domain.spec();
    this.workers = Array.from({ length: size }, () => {
      const w = startWorker(url, { spec, compression: opts.compression, background: opts.background ?? false });
      w.on('message', (m: WorkerReply) => {
        if (m.seq === READY_SEQ) {
          this.readyCount++;
          return;
        }
        const p = this.waiting.get(m.seq);
        this.waiting.delete(m.seq);
        p?.resolve(m);
      });
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => {
        if (code !== 0 && this.failure === null) this.fail(new Error(`a block worker exited with code ${code}`));
      });
      return { w, busy: 0 };
    });
    if (domain instanceof Promise) {
      this.keyed = domain.then(
        (d) => {
          const m: DomainMessage = { kind: 'domain', spec: d.spec() };
          for (const { w } of this.workers) w.postMessage(m);
          this.keyed = null;
        },
        (err: unknown) => this.fail(err),
      );
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** True once every worker has loaded its modules and takes batches without delay. */
  get ready(): boolean {
    return this.readyCount === this.workers.length;
  }

  /** Throws the failure of a worker, if one failed (or the pool was closed). */
  assertHealthy(): void {
    if (this.failure !== null) throw this.failure;
  }

  private fail(err: unknown): void {
    this.failure = err;
    for (const p of this.waiting.values()) p.reject(err);
    this.waiting.clear();
  }

  /** Sends one batch of views into a buffer; the buffer may be moved (see `packSpans`). */
  async run<R extends WorkerReply>(kind: WorkerRequest['kind'], blocks: Uint8Array[], opts: RunOptions = {}): Promise<R> {
    if (this.keyed) await this.keyed;
    this.assertHealthy();
    const { out, into } = opts;
    const { request, transfer } = packSpans(this.seq++, kind, blocks, this.shareId, opts.ids, opts.where);
    if (out) {
      request.out = { shared: this.shareId(sharedOf(out.memory)), offsets: out.offsets.map((o) => out.memory.byteOffset + o), room: out.room };
    }
    if (into) request.into = { shared: this.shareId(sharedOf(into)), offset: into.byteOffset, room: into.length };
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    slot.busy++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.waiting.set(request.seq, { resolve, reject });
      slot.w.postMessage(request, transfer);
    }).finally(() => slot.busy--) as Promise<R>;
  }

  /** The id under which every worker knows `memory`, registering it on first use. */
  private shareId = (memory: SharedArrayBuffer): number => {
    let id = this.sharedIds.get(memory);
    if (id === undefined) {
      id = this.nextShareId++;
      this.sharedIds.set(memory, id);
      const m: ShareMessage = { kind: 'share', id, memory };
      // Messages on a port arrive in order, so the worker knows the memory before any request naming it.
      for (const { w } of this.workers) w.postMessage(m);
    }
    return id;
  };

  /** Tells the workers to drop registered shared memory no request will name again. */
  forget(memory: SharedArrayBuffer): void {
    const id = this.sharedIds.get(memory);
    if (id === undefined) return;
    this.sharedIds.delete(memory);
    const m: ShareMessage = { kind: 'forget', id };
    for (const { w } of this.workers) w.postMessage(m);
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the block worker pool is closed');
    await Promise.all(this.workers.map(({ w }) => w.terminate()));
  }
}

/**
 * The snapshot's block processor on worker threads: content ids, compression and sealing run
 * in parallel while the caller reads ahead. Until a busy chunk starts them, and while they start,
 * blocks are encoded on the calling thread (see START_BATCH_JOBS).
 */
export class PooledProcessor implements BlockProcessor {
  private pool: WorkerPool | null = null;
  private readonly inline: Promise<InlineProcessor>;
  /** Shared memory the workers write records into, reused from batch to batch. */
  private readonly free: Buffer[] = [];

  /** `domain` may still be coming: see `WorkerPool`. */
  constructor(private readonly domain: KeyDomain | Promise<KeyDomain>, private readonly opts: PoolOptions = {}) {
    this.inline = Promise.resolve(domain).then((d) => new InlineProcessor(d, opts.compression));
    this.inline.catch(() => undefined);
  }

  private workers(): WorkerPool {
    return (this.pool ??= new WorkerPool(this.domain, this.opts));
  }

  /** Starts the workers now instead of on the first busy chunk. */
  warm(): void {
    this.workers();
  }

  /** Takes ownership of the jobs' memory: callers must not read job data after this call. */
  async process(jobs: BlockJob[], isKnown: (id: Buffer) => boolean): Promise<ProcessedBatch> {
    const pool = this.pool ?? (jobs.length >= START_BATCH_JOBS ? this.workers() : null);
    pool?.assertHealthy();
    if (!pool?.ready) return (await this.inline).process(jobs, isKnown);
    // A chunk is split over the workers: results are applied in order, so a chunk of slow
    // (compressible) blocks on one worker would otherwise hold up the next chunks while the
    // other worker runs dry.
    const parts = Math.min(pool.size, Math.ceil(jobs.length / SPLIT_MIN_JOBS));
    const per = Math.ceil(jobs.length / parts);
    const slices = Array.from({ length: parts }, (_, k) => jobs.slice(k * per, (k + 1) * per));
    const slots: Buffer[] = [];
    try {
      const done = await Promise.all(
        slices.map((slice) => {
          const slot = this.takeSlot(slice.reduce((n, j) => n + maxRecordBytes(j.data.length), 0));
          slots.push(slot);
          return this.encodeOn(pool, slice, slot, isKnown);
        }),
      );
      return { blocks: done.flat(), release: () => this.free.push(...slots.splice(0)) };
    } catch (err) {
      this.free.push(...slots);
      throw err;
    }
  }

  /**
   * Shared memory for at least `bytes` of records. Every batch of a snapshot needs about the
   * same room (one chunk's blocks at most), so a handful of slots serve the whole run; one too
   * small for a larger batch is dropped, and the workers forget it.
   */
  private takeSlot(bytes: number): Buffer {
    for (let slot = this.free.pop(); slot; slot = this.free.pop()) {
      if (slot.length >= bytes) return slot;
      this.pool?.forget(slot.buffer as SharedArrayBuffer);
    }
    return Buffer.from(new SharedArrayBuffer(Math.ceil(bytes / SLOT_ROUND) * SLOT_ROUND));
  }

  private async encodeOn(pool: WorkerPool, jobs: BlockJob[], slot: Buffer, isKnown: (id: Buffer) => boolean): Promise<ProcessedBlock[]> {
    const reply = await pool.run<EncodeReply>('encode', jobs.map((j) => j.data), { into: slot });
    const ids = Buffer.from(reply.ids.buffer, reply.ids.byteOffset, reply.ids.byteLength);
    const idBytes = ids.length / jobs.length;
    const records = splitByLengths(slot, reply.recordLengths);
    const out: ProcessedBlock[] = [];
    for (let i = 0; i < jobs.length; i++) {
      const id = ids.subarray(i * idBytes, (i + 1) * idBytes);
      out.push({ id, record: isKnown(id) ? null : records[i]! });
    }
    return out;
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

/** The processor for snapshots; `background` (scheduled jobs) runs it at the lowest CPU priority. */
export function createPool(domain: KeyDomain | Promise<KeyDomain>, opts: { background?: boolean; compression?: Compression } = {}): BlockProcessor {
  return new PooledProcessor(domain, { background: opts.background ?? false, compression: opts.compression });
}
