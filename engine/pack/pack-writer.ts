import { newFileId } from '../core/ids';
import { alignedMemory } from '../storage/direct-writer';
import type { RepoStore } from '../storage/store';
import { packPath } from './layout';
import { MasterIndex } from './master-index';
import { readHeader } from './record';

export const DEFAULT_PACK_BYTES = 16 * 1024 * 1024;

/** Room past `packBytes` in a pack's memory: the record that fills a pack goes in whole. */
const PACK_SLACK = 1024 * 1024;
/**
 * Packs written while the next fills. Two in flight (a third pack's memory) measured no faster
 * on the reference image: the snapshot is bound by the CPU, not by waiting for the disk.
 */
const MAX_FLUSHES = 1;

/**
 * Collects encoded records into packs of about `packBytes` and writes each pack atomically.
 * Each record is copied into the pack's memory as it is added (so the caller may reuse its own),
 * page-aligned so the store writes it around the page cache without another copy. Up to
 * MAX_FLUSHES packs are written while the next one fills, and their memory is reused; one more
 * waits (bounded memory). Calls to `add` must not overlap. Entries become visible to other
 * processes only when the caller writes an index file for them.
 */
export class PackWriter {
  /** The pack being filled. */
  private filling: Buffer | null = null;
  private filled = 0;
  /** Memory of packs already written, for the next ones. */
  private readonly spare: Buffer[] = [];
  private readonly flushes: Promise<void>[] = [];
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

  /** Adds an encoded record (copied: the caller keeps its buffer). */
  async add(record: Buffer): Promise<void> {
    const h = readHeader(record, 'new record');
    const pack = this.room(record.length);
    this.entries.add(h.id, { pack: this.current, offset: this.filled, length: record.length, rawLength: h.rawLength, type: h.type });
    record.copy(pack, this.filled);
    this.filled += record.length;
    this.bytesWritten += record.length;
    if (this.filled >= this.packBytes) await this.rotate();
  }

  /** The current pack's memory, with room for `bytes` more. */
  private room(bytes: number): Buffer {
    const need = this.filled + bytes;
    let pack = (this.filling ??= this.spare.pop() ?? alignedMemory(this.packBytes + PACK_SLACK));
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
    // A failed write surfaces here (the oldest one is awaited first) or at finish.
    if (this.flushes.length >= MAX_FLUSHES) await this.flushes[0];
    const flush: Promise<void> = this.store.write(name, [data]).then(() => {
      this.flushes.splice(this.flushes.indexOf(flush), 1);
      this.spare.push(memory);
    });
    // Not an unhandled rejection: the next rotate or finish awaits it.
    flush.catch(() => undefined);
    this.flushes.push(flush);
  }

  /** Writes what is left and waits until every pack is durable. Returns all entries written. */
  async finish(): Promise<MasterIndex> {
    if (this.filled > 0) await this.rotate();
    await Promise.all(this.flushes);
    return this.entries;
  }

  /** Waits for in-flight writes, ignoring their errors (used before cleaning up). */
  async settle(): Promise<void> {
    await Promise.allSettled(this.flushes);
  }
}
