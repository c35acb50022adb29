import { createCipheriv, createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';

/**
 * The reference workload of DESIGN.md, deterministic from a seed: an image of 1 MiB regions in
 * runs of 1–32, about 40 % random, 20 % text-like (~3× compressible) and 40 % zeros (holes), and
 * a "day of writes" that overwrites 1 % of its 4 KiB blocks, scattered or clustered.
 */

const MiB = 1024 * 1024;
const SMALL = 4096;

/** A deterministic byte stream: AES-256-CTR of zeros under a key derived from the seed. */
export class SeededStream {
  private readonly cipher;
  private readonly zeros = Buffer.alloc(MiB);

  constructor(seed: string) {
    const key = createHash('sha256').update(`strata-bench:${seed}`).digest();
    this.cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  }

  bytes(n: number): Buffer {
    const parts: Buffer[] = [];
    for (let left = n; left > 0; left -= MiB) parts.push(this.cipher.update(this.zeros.subarray(0, Math.min(MiB, left))));
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return this.bytes(4).readUInt32LE(0) % n;
  }
}

const WORDS = buildWords();

function buildWords(): Buffer[] {
  const s = new SeededStream('words');
  const letters = 'etaoinshrdlucmfwypvbgkqjxz';
  return Array.from({ length: 256 }, () => {
    const len = 2 + s.int(8);
    const w = Array.from(s.bytes(len), (b) => letters[b % letters.length]).join('');
    return Buffer.from(`${w} `);
  });
}

/** Text-like bytes: words picked by the stream, so each region is different but compressible. */
export function textRegion(stream: SeededStream, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  const picks = stream.bytes(Math.ceil(n / 2));
  let at = 0;
  for (let i = 0; at < n; i++) at += WORDS[picks[i]!]!.copy(out, at);
  return out;
}

export type RegionKind = 'random' | 'text' | 'zero';

/** The layout of the image: one kind per 1 MiB region, in runs of 1–32 regions. */
export function layout(size: number, seed: string): RegionKind[] {
  const s = new SeededStream(`${seed}:layout`);
  const regions = Math.ceil(size / MiB);
  const out: RegionKind[] = [];
  while (out.length < regions) {
    const r = s.int(100);
    const kind: RegionKind = r < 40 ? 'random' : r < 60 ? 'text' : 'zero';
    const run = 1 + s.int(32);
    for (let i = 0; i < run && out.length < regions; i++) out.push(kind);
  }
  return out;
}

/** Writes the image; zero regions stay holes. Returns the count of each kind. */
export async function writeImage(path: string, size: number, seed: string): Promise<Record<RegionKind, number>> {
  const kinds = layout(size, seed);
  const s = new SeededStream(`${seed}:data`);
  const counts: Record<RegionKind, number> = { random: 0, text: 0, zero: 0 };
  const fh = await fsp.open(path, 'w');
  try {
    await fh.truncate(size);
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[i]!;
      counts[kind]++;
      const len = Math.min(MiB, size - i * MiB);
      if (kind === 'zero') continue;
      const data = kind === 'random' ? s.bytes(len) : textRegion(s, len);
      await fh.write(data, 0, len, i * MiB);
    }
  } finally {
    await fh.close();
  }
  return counts;
}

/** Offsets of a day of writes: 1 % of the 4 KiB blocks, scattered or in runs of 64 KiB–1 MiB. */
export function dayOfWrites(size: number, seed: string, clustered: boolean, fraction = 0.01): { offset: number; length: number }[] {
  const s = new SeededStream(`${seed}:writes:${clustered ? 'clustered' : 'scattered'}`);
  const blocks = Math.floor(size / SMALL);
  const goal = Math.max(1, Math.round(blocks * fraction));
  const out: { offset: number; length: number }[] = [];
  for (let done = 0; done < goal; ) {
    const run = clustered ? Math.min(goal - done, 16 + s.int(256 - 16 + 1)) : 1;
    const first = s.int(blocks - run + 1);
    out.push({ offset: first * SMALL, length: run * SMALL });
    done += run;
  }
  return out;
}

/** Applies a day of writes with fresh random data; returns the bytes written. */
export async function applyWrites(path: string, writes: { offset: number; length: number }[], seed: string): Promise<number> {
  const s = new SeededStream(`${seed}:payload`);
  const fh = await fsp.open(path, 'r+');
  let total = 0;
  try {
    for (const w of writes) {
      await fh.write(s.bytes(w.length), 0, w.length, w.offset);
      total += w.length;
    }
  } finally {
    await fh.close();
  }
  return total;
}
