import type { KeyDomain } from '../crypto/domain';
import { StrataError, isStrataError } from '../core/errors';
import { packPath } from '../pack/layout';
import type { IndexEntry, MasterIndex } from '../pack/master-index';
import type { Repository } from '../repo/repository';
import type { Leaf } from '../repo/tree';
import { inlineDecoder, type RecordDecoder } from './record-decoder';

const MAX_RANGE = 8 * 1024 * 1024;
/**
 * Records of one pack this close together are read in one range, the bytes between them read
 * and dropped: after incrementals a leaf's blocks come from several packs, and the records it
 * no longer uses (older versions of changed blocks) split the parent's packs into many short
 * ranges that each cost a read and a round trip to a worker.
 */
const MAX_GAP = 256 * 1024;

/**
 * Memory for a whole leaf (block `pos` at `pos × blockSize`), so that decoded blocks land where
 * they are written from: neighbours form one contiguous run, and nothing is allocated per batch.
 */
export interface LeafSlot {
  memory: Buffer;
  blockSize: number;
}

/** Ranges smaller than this are read into a buffer of their own: they fault in few pages. */
const POOLED_MIN = 1024 * 1024;
/**
 * Most range buffers a restore keeps (≈ the large ranges in flight when a dense image is
 * restored: three leaves ahead, one or two ranges each). More ranges in flight than this get
 * buffers of their own, so the memory kept stays bounded however many ranges a long chain makes.
 */
const POOLED_MAX = 8;

/**
 * Memory large pack ranges are read into, reused from range to range. A fresh buffer per range
 * cost the kernel a zeroed page per 4 KiB touched (107,000–134,000 page faults restoring the
 * reference image, ≈ 0.4 s of CPU; half of them are gone). Shared, so a pooled decoder's workers
 * read the records where they lie (and learn each buffer once: there are at most `POOLED_MAX`).
 */
export class RangeMemory {
  private readonly free: Buffer[] = [];
  private made = 0;

  /** Memory for a range of `bytes`, or undefined: the range is read into a buffer of its own. */
  take(bytes: number): Buffer | undefined {
    if (bytes < POOLED_MIN || bytes > MAX_RANGE) return undefined;
    const memory = this.free.pop();
    if (memory || this.made === POOLED_MAX) return memory;
    this.made++;
    return Buffer.from(new SharedArrayBuffer(MAX_RANGE));
  }

  give(memory: Buffer): void {
    this.free.push(memory);
  }
}

export interface FetchOptions {
  /** Only the blocks at these positions (default: every non-zero block). */
  wanted?: (pos: number) => boolean;
  decoder?: RecordDecoder;
  /** Where the leaf's blocks are decoded to (default: fresh buffers). */
  slot?: LeafSlot;
  /** Where its ranges are read to (default: a fresh buffer per range). */
  ranges?: RangeMemory;
}

export interface FetchedBlock {
  /** Block position within the leaf. */
  pos: number;
  data: Buffer;
}

/**
 * Reads the data blocks of a leaf, coalescing nearby records of one pack into a single read,
 * and verifies every block (authentication and content id) before handing it out. The ranges
 * are decoded concurrently by `decoder` (inline unless a pooled one is given).
 */
export async function fetchLeafBlocks(repo: Repository, domain: KeyDomain, index: MasterIndex, leaf: Leaf, opts: FetchOptions = {}): Promise<FetchedBlock[]> {
  const { wanted, decoder = inlineDecoder(domain) } = opts;
  const items: { pos: number; id: Buffer; e: IndexEntry }[] = [];
  for (let pos = 0; pos < leaf.count; pos++) {
    if (leaf.isZero(pos) || (wanted && !wanted(pos))) continue;
    const id = leaf.id(pos);
    const e = index.get(id);
    if (!e) {
      throw new StrataError('E_CORRUPT', `block ${pos} refers to blob ${id.toString('hex').slice(0, 16)} which is not in the index`, { details: { blob: id.toString('hex') } });
    }
    items.push({ pos, id: Buffer.from(id), e });
  }
  const order = [...items].sort((a, b) => (a.e.pack === b.e.pack ? a.e.offset - b.e.offset : a.e.pack < b.e.pack ? -1 : 1));
  const batches: Promise<FetchedBlock[]>[] = [];
  for (let i = 0; i < order.length; ) {
    let j = i + 1;
    let end = order[i]!.e.offset + order[i]!.e.length;
    while (j < order.length && order[j]!.e.pack === order[i]!.e.pack && order[j]!.e.offset <= end + MAX_GAP && order[j]!.e.offset + order[j]!.e.length - order[i]!.e.offset <= MAX_RANGE) {
      end = Math.max(end, order[j]!.e.offset + order[j]!.e.length);
      j++;
    }
    const batch = decodeRange(repo, domain, order.slice(i, j), end, decoder, opts);
    batch.catch(() => undefined);
    batches.push(batch);
    i = j;
  }
  const out = (await Promise.all(batches)).flat();
  return out.sort((a, b) => a.pos - b.pos);
}

/** Reads one coalesced range of a pack and decodes its records. */
async function decodeRange(
  repo: Repository, domain: KeyDomain, items: { pos: number; id: Buffer; e: IndexEntry }[], end: number, decoder: RecordDecoder, { slot, ranges }: FetchOptions,
): Promise<FetchedBlock[]> {
  const start = items[0]!.e.offset;
  const file = packPath(domain.name, items[0]!.e.pack);
  const memory = ranges?.take(end - start);
  try {
    const range = await repo.store.readRange(file, start, end - start, memory).catch((err: unknown) => {
      if (isStrataError(err, 'E_NOT_FOUND')) throw new StrataError('E_CORRUPT', `pack ${file} is missing`, { cause: err, details: { file } });
      throw err;
    });
    const records = items.map(({ e }) => range.subarray(e.offset - start, e.offset - start + e.length));
    const into = slot && { memory: slot.memory, offsets: items.map((it) => it.pos * slot.blockSize), room: slot.blockSize };
    const raws = await decoder.decode(records, items.map((it) => it.id), items.map(({ e }) => `${file}@${e.offset}`), into);
    return items.map((it, k) => ({ pos: it.pos, data: raws[k]! }));
  } catch (err) {
    if (isStrataError(err)) throw new StrataError(err.code, err.message, { cause: err, details: { file, blob: err.details?.blob ?? items[0]!.id.toString('hex') } });
    throw err;
  } finally {
    // The blocks are decoded into their own memory: the range's is free again.
    if (memory) ranges!.give(memory);
  }
}
