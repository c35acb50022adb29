import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { KeyDomain } from '../crypto/domain';
import { InlineProcessor, type BlockJob, type BlockProcessor, type ProcessedBlock } from './block-processor';

const MIN_PARALLEL_JOBS = 16;

function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('./pipeline-worker.ts', here) : new URL('./pipeline-worker.mjs', here);
}

/**
 * Spreads the CPU work of a snapshot (content ids, compression, encryption) over worker
 * threads, one per core, so hashing, compressing and sealing overlap with reading. Small
 * batches stay on the calling thread, where a round trip would cost more than it saves.
 */
export class WorkerPool implements BlockProcessor {
  private readonly workers: Worker[];
  private readonly inline: InlineProcessor;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (v: { ids: Uint8Array[]; records: Uint8Array[] }) => void; reject: (e: unknown) => void }>();

  constructor(domain: KeyDomain, size = Math.max(1, Math.min(4, availableParallelism())), compress = true) {
    this.inline = new InlineProcessor(domain, compress);
    const file = workerUrl();
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(fileURLToPath(file), { workerData: { spec: domain.spec(), compress } });
      w.on('message', (m: { seq: number; ids: Uint8Array[]; records: Uint8Array[] }) => {
        const p = this.waiting.get(m.seq);
        this.waiting.delete(m.seq);
        p?.resolve(m);
      });
      w.on('error', (err) => {
        for (const p of this.waiting.values()) p.reject(err);
        this.waiting.clear();
      });
      return w;
    });
  }

  async process(jobs: BlockJob[], isKnown: (id: Buffer) => boolean): Promise<ProcessedBlock[]> {
    if (jobs.length < MIN_PARALLEL_JOBS) return this.inline.process(jobs, isKnown);
    const per = Math.ceil(jobs.length / this.workers.length);
    const parts = this.workers.map((w, i) => {
      const slice = jobs.slice(i * per, (i + 1) * per);
      if (slice.length === 0) return Promise.resolve({ ids: [], records: [] });
      const seq = this.seq++;
      return new Promise<{ ids: Uint8Array[]; records: Uint8Array[] }>((resolve, reject) => {
        this.waiting.set(seq, { resolve, reject });
        w.postMessage({ seq, blocks: slice.map((j) => j.data) });
      });
    });
    const out: ProcessedBlock[] = [];
    for (const r of await Promise.all(parts)) {
      r.ids.forEach((id, i) => {
        const idBuf = Buffer.from(id.buffer, id.byteOffset, id.byteLength);
        const rec = r.records[i]!;
        out.push({ id: idBuf, record: isKnown(idBuf) ? null : Buffer.from(rec.buffer, rec.byteOffset, rec.byteLength) });
      });
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export function createPool(domain: KeyDomain): BlockProcessor {
  return new WorkerPool(domain);
}
