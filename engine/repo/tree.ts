import { StrataError } from '../core/errors';

/**
 * A snapshot manifest is a tree. Leaves each describe LEAF_BLOCKS consecutive blocks; interior
 * nodes list up to FANOUT children. The shape depends only on the block count, so an unchanged
 * region of the disk encodes to the same leaf bytes, hence the same id, and is stored once:
 * an incremental snapshot adds only the leaves and the path of nodes above what changed.
 *
 * Leaf:     'L' | version | count u32 | zero bitmap ⌈count/8⌉ | per non-zero block: xxh64 u64 | id 32
 * Interior: 'N' | version | level u8 | count u32 | child ids 32 each
 */
export const LEAF_BLOCKS = 1024;
export const FANOUT = 1024;
const VERSION = 1;
const ENTRY = 40;

export class Leaf {
  private readonly offsets: Int32Array;
  private readonly view: DataView;

  constructor(readonly count: number, private readonly buf: Buffer, bodyStart: number) {
    this.offsets = new Int32Array(count);
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    let o = bodyStart;
    for (let i = 0; i < count; i++) {
      if (this.isZero(i)) this.offsets[i] = -1;
      else {
        this.offsets[i] = o;
        o += ENTRY;
      }
    }
    if (o !== buf.length) throw new StrataError('E_CORRUPT', 'manifest leaf length does not match its entries');
  }

  isZero(i: number): boolean {
    return (this.buf[6 + (i >> 3)]! & (1 << (i & 7))) !== 0;
  }

  fingerprint(i: number): bigint {
    return this.buf.readBigUInt64BE(this.offsets[i]!);
  }

  /**
   * True if block `i` is not zero and has fingerprint `fp`. Called for every block of an
   * incremental snapshot: one DataView read, where `fingerprint` (Buffer's readBigUInt64BE)
   * builds the number from two 32-bit halves.
   */
  hasFingerprint(i: number, fp: bigint): boolean {
    const o = this.offsets[i]!;
    return o >= 0 && this.view.getBigUint64(o, false) === fp;
  }

  /** Copies block `i`'s entry (fingerprint and id, as stored) into `into` at `at`. */
  copyEntry(i: number, into: Uint8Array, at: number): void {
    const buf = this.buf;
    for (let k = 0, o = this.offsets[i]!; k < ENTRY; k++) into[at + k] = buf[o + k]!;
  }

  id(i: number): Buffer {
    const o = this.offsets[i]!;
    return this.buf.subarray(o + 8, o + ENTRY);
  }

  /** Calls `fn` with each non-zero block's id as the 32 bytes at `at` in `bytes`, in order: no buffer per id. */
  forEachId(fn: (bytes: Buffer, at: number) => void): void {
    for (let i = 0; i < this.count; i++) {
      const o = this.offsets[i]!;
      if (o >= 0) fn(this.buf, o + 8);
    }
  }

  /** Ids of the non-zero blocks, in order. */
  *ids(): IterableIterator<Buffer> {
    for (let i = 0; i < this.count; i++) if (this.offsets[i]! >= 0) yield this.id(i);
  }
}

export function decodeLeaf(buf: Buffer): Leaf {
  if (buf.length < 6 || buf[0] !== 0x4c || buf[1] !== VERSION) throw new StrataError('E_CORRUPT', 'not a manifest leaf');
  const count = buf.readUInt32BE(2);
  if (count > LEAF_BLOCKS) throw new StrataError('E_CORRUPT', `manifest leaf claims ${count} blocks`);
  return new Leaf(count, buf, 6 + Math.ceil(count / 8));
}

/** Accumulates one leaf's entries and encodes it; entries go into one preallocated buffer. */
export class LeafBuilder {
  private readonly bitmap: Buffer;
  private readonly entries: Buffer;
  private used = 0;
  count = 0;

  constructor(capacity = LEAF_BLOCKS) {
    this.bitmap = Buffer.alloc(Math.ceil(capacity / 8));
    this.entries = Buffer.allocUnsafe(capacity * ENTRY);
  }

  addZero(): void {
    this.bitmap[this.count >> 3]! |= 1 << (this.count & 7);
    this.count++;
  }

  add(fingerprint: bigint, id: Uint8Array): void {
    this.entries.writeBigUInt64BE(fingerprint, this.used);
    this.entries.set(id, this.used + 8);
    this.used += ENTRY;
    this.count++;
  }

  /** Adds non-zero block `i` of `parent` as it is there (an unchanged block). */
  addSame(parent: Leaf, i: number): void {
    parent.copyEntry(i, this.entries, this.used);
    this.used += ENTRY;
    this.count++;
  }

  encode(): Buffer {
    const head = Buffer.alloc(6);
    head[0] = 0x4c;
    head[1] = VERSION;
    head.writeUInt32BE(this.count, 2);
    return Buffer.concat([head, this.bitmap.subarray(0, Math.ceil(this.count / 8)), this.entries.subarray(0, this.used)]);
  }
}

export interface InteriorNode {
  level: number;
  children: Buffer[];
}

export function encodeInterior(level: number, children: Buffer[]): Buffer {
  const head = Buffer.alloc(7);
  head[0] = 0x4e;
  head[1] = VERSION;
  head[2] = level;
  head.writeUInt32BE(children.length, 3);
  return Buffer.concat([head, ...children]);
}

export function decodeInterior(buf: Buffer): InteriorNode {
  if (buf.length < 7 || buf[0] !== 0x4e || buf[1] !== VERSION) throw new StrataError('E_CORRUPT', 'not a manifest node');
  const count = buf.readUInt32BE(3);
  if (buf.length !== 7 + count * 32) throw new StrataError('E_CORRUPT', 'manifest node length does not match its children');
  const children: Buffer[] = [];
  for (let i = 0; i < count; i++) children.push(buf.subarray(7 + i * 32, 7 + (i + 1) * 32));
  return { level: buf[2]!, children };
}

export function isLeafBuffer(buf: Buffer): boolean {
  return buf[0] === 0x4c;
}

/** Tree height for a block count: 0 when a single leaf is the root. */
export function treeHeight(blockCount: number): number {
  let nodes = Math.max(1, Math.ceil(blockCount / LEAF_BLOCKS));
  let height = 0;
  while (nodes > 1) {
    nodes = Math.ceil(nodes / FANOUT);
    height++;
  }
  return height;
}
