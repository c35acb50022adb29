import { newFileId } from '../core/ids';
import { alignedMemory } from '../storage/direct-writer';
import type { RepoStore } from '../storage/store';
import { packPath } from './layout';
import { MasterIndex } from './master-index';
import { readHeader, type RecordWriter } from './record';
import { copyBytes } from '../storage/copy-bytes';

export const DEFAULT_PACK_BYTES = 16 * 1024 * 1024;

/** Room past `packBytes` in a pack's memory: the record that fills a pack goes in whole. */
const PACK_SLACK = 1024 * 1024;

/**
 * Collects encoded records into packs of about `packBytes` and writes each pack atomically.
 * Each record is copied into the pack's memory as it is added (so the caller may reuse its own),
 * page-aligned so the store writes it around the page cache without another copy. One pack is
 * written while the next one fills, and its memory then takes the pack after; a second write
 * waits (bounded memory: two packs. A second write in flight, at a third pack's memory, measured
 * no faster on the reference image, which is bound by the CPU). Calls to `add` must not overlap.
 * Entries become visible to other processes only when the caller writes an index file for them.
 */
export class PackWriter {
  /** The pack being filled. */
  private filling: Buffer | null = null;
  private filled = 0;
  /** The last pack's write, and its memory once written, for the next pack. */
  private flushing: Promise<void> = Promise.resolve();
  private spare: Buffer | null = null;
  private current = newFileId();
  /** Every record added: in packs written, being written or being filled. */
  private readonly entries = new MasterIndex();
  readonly packsWritten: string[] = [];
  bytesWritten = 0;

  constructor(private readonly store: RepoStore, private readonly domainName: string, private readonly packBytes = DEFAULT_PACK_BYTES) {}

  /** True if this writer already holds the blob (in a pack written or being filled). */
  has(id: Buffer): boolean {
    return this.entries.has(id);
  }

  /**
   * Adds a record and returns its length: an encoded one is copied (the caller keeps its buffer),
   * one still to be written is encoded straight into the pack's memory (no copy of it is made).
   */
  async add(record: Buffer | RecordWriter): Promise<number> {
    const w = Buffer.isBuffer(record) ? { maxBytes: record.length, writeInto: (dest: Buffer) => copyBytes(record, dest) } : record;
    const pack = this.room(w.maxBytes);
    const length = w.writeInto(pack.subarray(this.filled, this.filled + w.maxBytes));
    const h = readHeader(pack.subarray(this.filled, this.filled + length), 'new record');
    this.entries.add(h.id, { pack: this.current, offset: this.filled, length, rawLength: h.rawLength, type: h.type });
    this.filled += length;
    this.bytesWritten += length;
    if (this.filled >= this.packBytes) await this.rotate();
    return length;
  }

  /** The current pack's memory, with room for `bytes` more. */
  private room(bytes: number): Buffer {
    const need = this.filled + bytes;
    if (!this.filling) {
      this.filling = this.spare ?? alignedMemory(this.packBytes + PACK_SLACK);
      this.spare = null;
    }
    let pack = this.filling;
    if (pack.length < need) {
      pack = alignedMemory(need + PACK_SLACK);
      this.filling.copy(pack, 0, 0, this.filled);
      this.filling = pack;
    }
    return pack;
  }

  private async rotate(): Promise<void> {
    const memory = this.filling!;
    const data = memory.subarray(0, this.filled);
    const name = packPath(this.domainName, this.current);
    this.packsWritten.push(this.current);
    this.filling = null;
    this.filled = 0;
    this.current = newFileId();
    // The previous pack is written first (a failed write surfaces here, or at finish).
    await this.flushing;
    this.flushing = this.store.write(name, [data]).then(() => {
      this.spare = memory;
    });
    // Not an unhandled rejection: the next rotate or finish awaits it.
    this.flushing.catch(() => undefined);
  }

  /** Writes what is left and waits until every pack is durable. Returns all entries written. */
  async finish(): Promise<MasterIndex> {
    if (this.filled > 0) await this.rotate();
    await this.flushing;
    return this.entries;
  }

  /** Waits for in-flight writes, ignoring their errors (used before cleaning up). */
  async settle(): Promise<void> {
    await this.flushing.catch(() => undefined);
  }
}
