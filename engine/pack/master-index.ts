import type { BlobTypeCode } from './record';

export interface IndexEntry {
  /** Pack file id (32 hex digits). */
  pack: string;
  offset: number;
  /** Whole record length: header + payload. This is the blob's stored size. */
  length: number;
  rawLength: number;
  type: BlobTypeCode;
}

/** Content ids as map keys: the 32 bytes as a latin1 string (compact, exact). */
export function idKey(id: Buffer): string {
  return id.toString('latin1');
}

export function keyToId(key: string): Buffer {
  return Buffer.from(key, 'latin1');
}

const ID = 32;
const FIRST_CAPACITY = 1024;

/**
 * Where every blob of one key domain lives. Memory grows with the number of unique stored
 * blobs, not with the size of the disks.
 *
 * The entries live in a few typed arrays (ids back to back, one column per field) under an
 * open-addressing hash table, not as one object per blob: a repository holds millions of blobs,
 * and a map of objects made every garbage collection walk all of them — during a restore, which
 * passes gigabytes of buffers through the heap, that was a third of the main thread's time.
 */
export class MasterIndex {
  private ids = new Uint8Array(FIRST_CAPACITY * ID);
  private packOf = new Uint32Array(FIRST_CAPACITY);
  private offsets = new Uint32Array(FIRST_CAPACITY);
  private lengths = new Uint32Array(FIRST_CAPACITY);
  private rawLengths = new Uint32Array(FIRST_CAPACITY);
  private types = new Uint8Array(FIRST_CAPACITY);
  /** Slot → entry number, -1 when free; twice the capacity, so at most half full. */
  private table = new Int32Array(FIRST_CAPACITY * 2).fill(-1);
  private readonly packNames: string[] = [];
  private readonly packNumbers = new Map<string, number>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(id: Uint8Array): boolean {
    return this.find(id, 0) >= 0;
  }

  /** Like `has`, for the id at `at` in `bytes`. */
  hasAt(bytes: Uint8Array, at: number): boolean {
    return this.find(bytes, at) >= 0;
  }

  get(id: Uint8Array): IndexEntry | undefined {
    const e = this.find(id, 0);
    return e >= 0 ? this.entry(e) : undefined;
  }

  getByKey(key: string): IndexEntry | undefined {
    return this.get(keyToId(key));
  }

  /** Adds an entry; a blob already present keeps its first location. */
  add(id: Uint8Array, entry: IndexEntry): void {
    this.addAt(id, 0, this.packNumber(entry.pack), entry.offset, entry.length, entry.rawLength, entry.type);
  }

  /** Like `add`, with the id at `idAt` in `bytes` and the pack by its number (see `packNumber`). */
  addAt(bytes: Uint8Array, idAt: number, pack: number, offset: number, length: number, rawLength: number, type: number): void {
    if (this.count === this.packOf.length) this.grow();
    // One probe finds the id or the free slot it goes in (loading an index adds ~100,000 ids).
    const slot = this.slotFor(bytes, idAt);
    if (this.table[slot]! >= 0) return;
    const e = this.count++;
    const ids = this.ids;
    for (let i = 0, base = e * ID; i < ID; i++) ids[base + i] = bytes[idAt + i]!;
    this.packOf[e] = pack;
    this.offsets[e] = offset;
    this.lengths[e] = length;
    this.rawLengths[e] = rawLength;
    this.types[e] = type;
    this.table[slot] = e;
  }

  /** Makes room for `entries` in all without growing again (one rehash instead of one per doubling). */
  reserve(entries: number): void {
    let cap = this.packOf.length;
    while (cap < entries) cap *= 2;
    if (cap > this.packOf.length) this.grow(cap);
  }

  /** A small number standing for a pack id, for `addAt`. */
  packNumber(pack: string): number {
    let n = this.packNumbers.get(pack);
    if (n === undefined) {
      n = this.packNames.length;
      this.packNames.push(pack);
      this.packNumbers.set(pack, n);
    }
    return n;
  }

  *[Symbol.iterator](): IterableIterator<[string, IndexEntry]> {
    for (let e = 0; e < this.count; e++) yield [Buffer.from(this.ids.buffer, this.ids.byteOffset + e * ID, ID).toString('latin1'), this.entry(e)];
  }

  /**
   * Calls `fn` for every entry in the order added, its id the 32 bytes at `idAt` in `ids`: no
   * buffer and no object per entry (an index file of a full snapshot holds tens of thousands).
   */
  forEachEntry(fn: (ids: Uint8Array, idAt: number, pack: string, offset: number, length: number, rawLength: number, type: number) => void): void {
    for (let e = 0; e < this.count; e++) {
      fn(this.ids, e * ID, this.packNames[this.packOf[e]!]!, this.offsets[e]!, this.lengths[e]!, this.rawLengths[e]!, this.types[e]!);
    }
  }

  /** Adds every entry of `other` (a blob already here keeps its first location). */
  addAll(other: MasterIndex): void {
    this.reserve(this.size + other.size);
    other.forEachEntry((ids, idAt, pack, offset, length, rawLength, type) => this.addAt(ids, idAt, this.packNumber(pack), offset, length, rawLength, type));
  }

  packs(): Set<string> {
    const out = new Set<string>();
    for (let e = 0; e < this.count; e++) out.add(this.packNames[this.packOf[e]!]!);
    return out;
  }

  private entry(e: number): IndexEntry {
    return { pack: this.packNames[this.packOf[e]!]!, offset: this.offsets[e]!, length: this.lengths[e]!, rawLength: this.rawLengths[e]!, type: this.types[e]! as BlobTypeCode };
  }

  /** Ids are uniform hashes, so their first four bytes spread entries over the table. */
  private slotOf(bytes: Uint8Array, at: number): number {
    return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) & (this.table.length - 1);
  }

  /** The entry number holding the id at `at` in `bytes`, or -1. */
  private find(bytes: Uint8Array, at: number): number {
    return this.table[this.slotFor(bytes, at)]!;
  }

  /** The slot holding the id at `at` in `bytes`, or the free slot where it would go. */
  private slotFor(bytes: Uint8Array, at: number): number {
    const mask = this.table.length - 1;
    let slot = this.slotOf(bytes, at);
    for (let e = this.table[slot]!; e >= 0 && !this.sameId(e, bytes, at); e = this.table[slot]!) slot = (slot + 1) & mask;
    return slot;
  }

  private sameId(e: number, bytes: Uint8Array, at: number): boolean {
    const ids = this.ids;
    const base = e * ID;
    for (let i = 0; i < ID; i++) if (ids[base + i] !== bytes[at + i]) return false;
    return true;
  }

  private insert(e: number): void {
    const mask = this.table.length - 1;
    let slot = this.slotOf(this.ids, e * ID);
    while (this.table[slot]! >= 0) slot = (slot + 1) & mask;
    this.table[slot] = e;
  }

  private grow(cap = this.packOf.length * 2): void {
    const widen = <T extends Uint8Array | Uint32Array>(a: T, make: (n: number) => T, per = 1): T => {
      const b = make(cap * per);
      b.set(a);
      return b;
    };
    this.ids = widen(this.ids, (n) => new Uint8Array(n), ID);
    this.packOf = widen(this.packOf, (n) => new Uint32Array(n));
    this.offsets = widen(this.offsets, (n) => new Uint32Array(n));
    this.lengths = widen(this.lengths, (n) => new Uint32Array(n));
    this.rawLengths = widen(this.rawLengths, (n) => new Uint32Array(n));
    this.types = widen(this.types, (n) => new Uint8Array(n));
    this.table = new Int32Array(cap * 2).fill(-1);
    for (let e = 0; e < this.count; e++) this.insert(e);
  }
}
