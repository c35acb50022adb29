import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';

/** A small deterministic PRNG (xorshift32), so test images are the same on every run. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

export function randomBytesSeeded(n: number, next: () => number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i + 4 <= n; i += 4) b.writeUInt32LE((next() * 0x100000000) >>> 0, i);
  for (let i = n - (n % 4); i < n; i++) b[i] = (next() * 256) | 0;
  return b;
}

const WORDS = 'disk block snapshot chain restore image sector volume backup policy the of and a to in is'.split(' ');

export function textBytes(n: number, next: () => number): Buffer {
  let s = '';
  while (s.length < n) s += WORDS[(next() * WORDS.length) | 0] + (next() < 0.1 ? '\n' : ' ');
  return Buffer.from(s.slice(0, n));
}

/**
 * Writes an image of `size` bytes in 64 KiB regions: about 40% random, 20% text, 40% zeros
 * (holes), chosen from `seed`.
 */
export async function createImage(path: string, size: number, seed = 1): Promise<void> {
  const next = rng(seed);
  const fh = await fsp.open(path, 'w');
  try {
    await fh.truncate(size);
    const region = 64 * 1024;
    for (let off = 0; off < size; off += region) {
      const len = Math.min(region, size - off);
      const r = next();
      if (r < 0.4) await fh.write(randomBytesSeeded(len, next), 0, len, off);
      else if (r < 0.6) await fh.write(textBytes(len, next), 0, len, off);
    }
  } finally {
    await fh.close();
  }
}

/** Overwrites `count` scattered 4 KiB blocks with random data; returns their offsets. */
export async function mutateImage(path: string, count: number, seed = 2): Promise<number[]> {
  const next = rng(seed);
  const size = (await fsp.stat(path)).size;
  const fh = await fsp.open(path, 'r+');
  const offsets: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const off = Math.floor(next() * Math.floor(size / 4096)) * 4096;
      await fh.write(randomBytesSeeded(4096, next), 0, 4096, off);
      offsets.push(off);
    }
  } finally {
    await fh.close();
  }
  return offsets;
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  const fh = await fsp.open(path, 'r');
  try {
    for await (const chunk of fh.createReadStream()) h.update(chunk as Buffer);
  } finally {
    await fh.close().catch(() => undefined);
  }
  return h.digest('hex');
}

/** SHA-256 of the first `length` bytes of a file or device. */
export async function sha256Prefix(path: string, length: number): Promise<string> {
  const h = createHash('sha256');
  const fh = await fsp.open(path, 'r');
  try {
    const buf = Buffer.alloc(1024 * 1024);
    for (let off = 0; off < length; ) {
      const n = Math.min(buf.length, length - off);
      const { bytesRead } = await fh.read(buf, 0, n, off);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      off += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return h.digest('hex');
}
