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
 * Packs whose bytes are written but that are not yet durable. Each holds one of the file threads
 * (which the source's reads share) while it syncs, so the number is kept small.
 */
const DURABLE_BEHIND = 2;

/**
 * Collects encoded records into packs of about `packBytes` and writes each pack atomically.
 * Each record is copied into the pack's memory as it is added (so the caller may reuse its own),
 * page-aligned so the store writes it around the page cache without another copy. One pack is
 * written while the next one fills, and its memory takes the pack after as soon as its bytes are
 * in the file: making a pack durable (two fsyncs and a rename) goes on while the next ones fill,
 * up to `DURABLE_BEHIND` packs behind, and the pack's file is made while it fills (`prepare`), so
 * the next pack waits only for the disk to take the bytes (10–20 ms for 16 MiB here). Memory
 * stays at two packs. Calls to `add` must not overlap. Entries become visible to other processes
 * only when the caller writes an index file for them.
 */
export class PackWriter {
  /** The pack being filled. */
  private filling: Buffer | null = null;
  private filled = 0;
  /** Resolves when the last pack's bytes are written and its memory is `spare`. */
  private released: Promise<void> = Promise.resolve();
  private spare: Buffer | null = null;
  /** Writes of packs not yet durable, oldest first. */
  private readonly syncing: Promise<void>[] = [];
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
      // The pack's file is made while the pack fills, so its write starts at once (see prepare).
      this.store.prepare(packPath(this.domainName, this.current));
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
    // The previous pack's bytes are written first (a failed write surfaces here, or at finish).
    await this.released;
    while (this.syncing.length >= DURABLE_BEHIND) await this.syncing.shift();
    let write!: Promise<void>;
    this.released = new Promise<void>((resolve, reject) => {
      // Once only: the memory may already be filling again when the write completes.
      let freed = false;
      const free = (): void => {
        if (freed) return;
        freed = true;
        this.spare = memory;
        resolve();
      };
      write = this.store.write(name, [data], free);
      // A store that does not report the release frees the memory when the write is done; a
      // write that fails before its bytes are in the file fails `released` too.
      write.then(free, reject);
    });
    this.syncing.push(write);
    // Not unhandled rejections: the next rotate or finish awaits them.
    this.released.catch(() => undefined);
    write.catch(() => undefined);
  }

  /** Writes what is left and waits until every pack is durable. Returns all entries written. */
  async finish(): Promise<MasterIndex> {
    if (this.filled > 0) await this.rotate();
    await this.released;
    while (this.syncing.length > 0) await this.syncing.shift();
    return this.entries;
  }

  /** Waits for in-flight writes, ignoring their errors (used before cleaning up). */
  async settle(): Promise<void> {
    if (this.filling) await this.store.discard(packPath(this.domainName, this.current));
    await Promise.allSettled(this.syncing.splice(0));
  }
}
