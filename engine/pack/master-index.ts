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

/**
 * Where every blob of one key domain lives. Memory grows with the number of unique stored
 * blobs, not with the size of the disks.
 */
export class MasterIndex {
  private readonly entries = new Map<string, IndexEntry>();

  get size(): number {
    return this.entries.size;
  }

  has(id: Buffer): boolean {
    return this.entries.has(idKey(id));
  }

  get(id: Buffer): IndexEntry | undefined {
    return this.entries.get(idKey(id));
  }

  getByKey(key: string): IndexEntry | undefined {
    return this.entries.get(key);
  }

  /** Adds an entry; a blob already present keeps its first location. */
  add(id: Buffer, entry: IndexEntry): void {
    const k = idKey(id);
    if (!this.entries.has(k)) this.entries.set(k, entry);
  }

  *[Symbol.iterator](): IterableIterator<[string, IndexEntry]> {
    yield* this.entries;
  }

  packs(): Set<string> {
    const out = new Set<string>();
    for (const e of this.entries.values()) out.add(e.pack);
    return out;
  }
}
