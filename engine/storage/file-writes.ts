import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { StrataError } from '../core/errors';

/**
 * Writes every byte of `parts` at `position` (or at the file's own offset when null). A vectored
 * write may take fewer bytes than it was given; the rest is written until nothing is left, and a
 * write that makes no progress at all is an error rather than an endless loop.
 */
export async function writeAll(fh: FileHandle, parts: readonly Buffer[], position: number | null, what: string): Promise<void> {
  let pending = parts.filter((b) => b.length > 0);
  let pos = position;
  while (pending.length > 0) {
    const { bytesWritten } = await fh.writev(pending, pos ?? undefined);
    if (bytesWritten === 0) throw new StrataError('E_IO', `short write to ${what}: the file system took no more bytes`);
    if (pos !== null) pos += bytesWritten;
    pending = skipBytes(pending, bytesWritten);
  }
}

function skipBytes(parts: Buffer[], n: number): Buffer[] {
  const out: Buffer[] = [];
  for (const b of parts) {
    if (n >= b.length) {
      n -= b.length;
      continue;
    }
    out.push(n > 0 ? b.subarray(n) : b);
    n = 0;
  }
  return out;
}

/** Makes a rename or a new name in `dir` durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
