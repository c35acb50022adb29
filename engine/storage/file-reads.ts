import type { FileHandle } from 'node:fs/promises';

/**
 * Reads `length` bytes at `position` into the start of `buf`, with as many read calls as the
 * file takes, stopping early only at the file's end. Returns how many bytes were read: the
 * caller decides what a short read means (a damaged pack, a source that shrank, zeros).
 */
export async function readFully(fh: FileHandle, buf: Buffer, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}
