import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { StrataError } from '../core/errors';
import { inspectSource, type SourceInfo } from './inspect';

export const READ_CHUNK = 4 * 1024 * 1024;

/**
 * Reads a source front to back in large chunks, keeping one read ahead in flight so that the
 * disk works while the caller hashes. Fails with E_SOURCE_CHANGED if the source grows or
 * shrinks while it is read.
 */
export class BlockReader {
  private fh: FileHandle | null = null;
  private offset = 0;
  private ahead: Promise<Buffer> | null = null;

  constructor(private readonly info: SourceInfo, private readonly chunkBytes = READ_CHUNK) {}

  get size(): number {
    return this.info.size;
  }

  async open(): Promise<void> {
    try {
      this.fh = await fsp.open(this.info.realPath, 'r');
    } catch (err) {
      throw new StrataError('E_SOURCE', `cannot open ${this.info.path}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The next chunk, or null at the end. The last chunk may be shorter. */
  async next(): Promise<Buffer | null> {
    const current = this.ahead ?? this.readAt(this.offset);
    const chunk = await current;
    if (chunk.length === 0) {
      this.ahead = null;
      return null;
    }
    this.offset += chunk.length;
    this.ahead = this.offset < this.info.size ? this.readAt(this.offset) : Promise.resolve(Buffer.alloc(0));
    this.ahead.catch(() => undefined);
    return chunk;
  }

  private async readAt(offset: number): Promise<Buffer> {
    const want = Math.min(this.chunkBytes, this.info.size - offset);
    if (want <= 0) return Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(want);
    let done = 0;
    while (done < want) {
      const { bytesRead } = await this.fh!.read(buf, done, want - done, offset + done);
      if (bytesRead === 0) {
        throw new StrataError('E_SOURCE_CHANGED', `${this.info.path} shrank while the snapshot was taken (ended at ${offset + done} of ${this.info.size} bytes); the snapshot was abandoned`);
      }
      done += bytesRead;
    }
    return buf;
  }

  /** Verifies the source still has the size it had at the start. */
  async assertUnchangedSize(): Promise<void> {
    const now = await inspectSource(this.info.path);
    if (now.size !== this.info.size) {
      throw new StrataError('E_SOURCE_CHANGED', `${this.info.path} changed size while the snapshot was taken (${this.info.size} → ${now.size} bytes); the snapshot was abandoned`);
    }
  }

  async close(): Promise<void> {
    await this.ahead?.catch(() => undefined);
    await this.fh?.close();
    this.fh = null;
  }
}
