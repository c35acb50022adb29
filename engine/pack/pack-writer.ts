import { newFileId } from '../core/ids';
import type { RepoStore } from '../storage/store';
import { packPath } from './layout';
import { MasterIndex } from './master-index';
import { readHeader } from './record';

export const DEFAULT_PACK_BYTES = 16 * 1024 * 1024;

/**
 * Collects encoded records into packs of about `packBytes` and writes each pack atomically.
 * One flush may run while the next pack fills; a second waits (bounded memory).
 * Entries become visible to other processes only when the caller writes an index file for them.
 */
export class PackWriter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private current = newFileId();
  private flushing: Promise<void> = Promise.resolve();
  /** Every record added: in packs written, being written or being filled. */
  private readonly entries = new MasterIndex();
  readonly packsWritten: string[] = [];
  bytesWritten = 0;

  constructor(private readonly store: RepoStore, private readonly domainName: string, private readonly packBytes = DEFAULT_PACK_BYTES) {}

  /** True if this writer already holds the blob (in a pack written or being filled). */
  has(id: Buffer): boolean {
    return this.entries.has(id);
  }

  /** Adds an encoded record. */
  async add(record: Buffer): Promise<void> {
    const h = readHeader(record, 'new record');
    this.entries.add(h.id, { pack: this.current, offset: this.partBytes, length: record.length, rawLength: h.rawLength, type: h.type });
    this.parts.push(record);
    this.partBytes += record.length;
    this.bytesWritten += record.length;
    if (this.partBytes >= this.packBytes) await this.rotate();
  }

  private async rotate(): Promise<void> {
    const parts = this.parts;
    const name = packPath(this.domainName, this.current);
    this.packsWritten.push(this.current);
    this.parts = [];
    this.partBytes = 0;
    this.current = newFileId();
    const previous = this.flushing;
    await previous;
    this.flushing = this.store.write(name, parts);
    // Surface a failed write at the next add or at finish, not as an unhandled rejection.
    this.flushing.catch(() => undefined);
  }

  /** Writes what is left and waits until every pack is durable. Returns all entries written. */
  async finish(): Promise<MasterIndex> {
    if (this.parts.length > 0) await this.rotate();
    await this.flushing;
    return this.entries;
  }

  /** Waits for in-flight writes, ignoring their errors (used before cleaning up). */
  async settle(): Promise<void> {
    await this.flushing.catch(() => undefined);
  }
}
