import { xxh64 } from '../core/native';
import { StrataError } from '../core/errors';
import type { KeyDomain } from '../crypto/domain';
import type { MasterIndex } from '../pack/master-index';
import type { Repository } from '../repo/repository';
import type { SnapshotRecord, SourceRecord } from '../repo/records';
import { LEAF_BLOCKS, LeafBuilder, type Leaf } from '../repo/tree';
import { TreeBuilder, walkLeaves } from '../repo/tree-io';
import { READS_AHEAD, type BlockReader } from '../source/block-reader';
import type { BlobSink } from './blob-sink';
import type { BlockJob, BlockProcessor, ProcessedBatch } from './block-processor';
import type { ProgressMeter } from './progress';
import type { RateGate } from './throttle';

/** How many chunks may be read and planned ahead of the oldest one still being processed. */
const PIPELINE_DEPTH = 4;
/** Chunk buffers a snapshot needs: those in the pipeline, the one being planned, the reads ahead. */
export const RING_CHUNKS = PIPELINE_DEPTH + 1 + READS_AHEAD;

/** A block's fate: zero, unchanged (its entry copied from the parent's leaf), or a job. */
type Step = { zero: true } | { same: Leaf; pos: number } | { fp: bigint; job: number };

const ZERO: Step = { zero: true };
const NOTHING: ProcessedBatch = { blocks: [], release: () => undefined };

interface Pending {
  chunk: Buffer;
  steps: Step[];
  processed: Promise<ProcessedBatch>;
}

export interface CopyContext {
  repo: Repository;
  domain: KeyDomain;
  /** The domain's index as loaded for this snapshot: where the parent's manifest nodes are. */
  index: MasterIndex;
  source: SourceRecord;
  reader: BlockReader;
  sink: BlobSink;
  parent: SnapshotRecord | null;
  processor: BlockProcessor;
  gate: RateGate;
  meter: ProgressMeter;
  signal?: AbortSignal;
}

/**
 * Reads the source and builds the snapshot's manifest tree. Each chunk is planned on this
 * thread (zero check, then a fingerprint compared with the parent's), its changed blocks are
 * handed to the processor, and the next chunks are read and planned while earlier ones are
 * still being processed; results are applied strictly in order, so the tree is the same as
 * with inline processing.
 */
export async function copyBlocks(ctx: CopyContext): Promise<{ root: string; height: number }> {
  const { repo, domain, index } = ctx;
  let parentLeaves: AsyncGenerator<{ leaf: Leaf }> | null = null;
  try {
    if (ctx.parent) {
      const ref = repo.openTree(domain, ctx.parent);
      parentLeaves = walkLeaves(Buffer.from(ref.root, 'hex'), ref.height, (nodeId) => repo.readBlob(domain, index, nodeId));
    }
    return await pipeline(ctx, parentLeaves);
  } finally {
    await parentLeaves?.return(undefined);
  }
}

async function pipeline(ctx: CopyContext, parentLeaves: AsyncGenerator<{ leaf: Leaf }> | null): Promise<{ root: string; height: number }> {
  const { sink, processor } = ctx;
  const plan = planner(ctx.source.blockSize, parentLeaves);
  const tree = new TreeBuilder((bytes) => sink.putTree(bytes));
  let leaf = new LeafBuilder();
  const apply = async ({ chunk, steps, processed }: Pending): Promise<void> => {
    const results = await processed;
    try {
      for (const step of steps) {
        if ('zero' in step) leaf.addZero();
        else if ('same' in step) leaf.addSame(step.same, step.pos);
        else {
          const p = results.blocks[step.job]!;
          // The sink puts the record in its pack: the batch's memory is free after the loop.
          if (p.record) await sink.addRecord(p.id, p.record);
          leaf.add(step.fp, p.id);
        }
        if (leaf.count === LEAF_BLOCKS) {
          await tree.addLeaf(await sink.putTree(leaf.encode()));
          leaf = new LeafBuilder();
        }
      }
    } finally {
      results.release();
      // The batch's records are in packs now (an inline processor encodes them from the chunk
      // there): the chunk's buffer can take the next read.
      ctx.reader.release(chunk);
    }
  };
  const pending: Pending[] = [];
  let done = 0;
  let blocks = 0;
  for (;;) {
    if (ctx.signal?.aborted) throw new StrataError('E_CANCELLED', 'the snapshot was cancelled; nothing was kept');
    const chunk = await ctx.reader.next();
    if (!chunk) break;
    const bytes = chunk.length;
    const { steps, jobs } = await plan(chunk);
    blocks += steps.length;
    // The processor may take the chunk's memory from here on; only `steps` is kept.
    const processed = jobs.length > 0 ? processor.process(jobs, sink.isKnown) : Promise.resolve(NOTHING);
    processed.catch(() => undefined);
    pending.push({ chunk, steps, processed });
    if (pending.length >= PIPELINE_DEPTH) await apply(pending.shift()!);
    done += bytes;
    ctx.meter.update(done);
    await ctx.gate.consumed(bytes, ctx.signal);
  }
  while (pending.length > 0) await apply(pending.shift()!);
  if (leaf.count > 0 || blocks === 0) await tree.addLeaf(await sink.putTree(leaf.encode()));
  ctx.meter.update(done, true);
  const { root, height } = await tree.finish();
  return { root: root.toString('hex'), height };
}

/**
 * Decides each block of a chunk: zero (a zero check and nothing else), unchanged (same
 * fingerprint as the parent's block at that position) or changed (a job for the processor).
 */
function planner(bs: number, parentLeaves: AsyncGenerator<{ leaf: Leaf }> | null) {
  let zero = Buffer.alloc(bs);
  let parentLeaf: Leaf | null = null;
  let block = 0;
  return async (chunk: Buffer): Promise<{ steps: Step[]; jobs: BlockJob[] }> => {
    const steps: Step[] = [];
    const jobs: BlockJob[] = [];
    // Holes and zeroed regions: one comparison for the whole chunk instead of one per block.
    if (zero.length < chunk.length) zero = Buffer.alloc(chunk.length);
    const allZero = chunk.equals(zero.subarray(0, chunk.length));
    const zeroBlock = zero.subarray(0, bs);
    for (let off = 0; off < chunk.length; off += bs, block++) {
      const pos = block % LEAF_BLOCKS;
      if (pos === 0 && parentLeaves) parentLeaf = (await parentLeaves.next()).value?.leaf ?? null;
      if (allZero) {
        steps.push(ZERO);
        continue;
      }
      const data = chunk.subarray(off, Math.min(off + bs, chunk.length));
      if (data.length === bs ? data.equals(zeroBlock) : data.equals(zero.subarray(0, data.length))) {
        steps.push(ZERO);
        continue;
      }
      const fp = xxh64(data);
      if (parentLeaf && pos < parentLeaf.count && parentLeaf.hasFingerprint(pos, fp)) {
        // The parent's leaf stays alive while the step does; the new leaf copies its entry.
        steps.push({ same: parentLeaf, pos });
      } else {
        steps.push({ fp, job: jobs.length });
        jobs.push({ data });
      }
    }
    return { steps, jobs };
  };
}
