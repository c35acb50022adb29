import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join, relative } from 'node:path';
import { randomBytesSeeded, rng } from '../helpers/images';
import { listFiles } from '../helpers/files';

export { listFiles };
import { RECORD_HEADER_BYTES, readHeader } from '../../engine/pack/record';

/** The passphrase openService(home) uses. */
export const PASS = 'correct horse battery staple';
export const MiB = 1024 * 1024;

/** A fingerprint of a whole tree: every directory and file, with mode, size and content hash. */
export async function hashTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await fsp.readdir(dir, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name);
    const st = await fsp.stat(p);
    const what = e.isFile() ? createHash('sha256').update(await fsp.readFile(p)).digest('hex') : 'dir';
    out.set(relative(dir, p), `${st.mode.toString(8)} ${st.size} ${what}`);
  }
  return out;
}

/**
 * An image of random (incompressible) 64 KiB regions, with `marker` written at several places.
 * zstd stores such blocks literally, so a plaintext chain holds the marker as it is.
 */
export async function markerImage(path: string, size: number, marker: string, seed = 5): Promise<void> {
  const next = rng(seed);
  const buf = randomBytesSeeded(size, next);
  for (let off = 4096 + 100; off + marker.length < size; off += 256 * 1024) buf.write(marker, off, 'latin1');
  await fsp.writeFile(path, buf);
}

export interface SealedMessage {
  where: string;
  salt: string;
  counter: bigint;
}

/** The salt and nonce counter of every sealed message in a chain: records, index files, tree refs. */
export async function sealedMessages(repoDir: string, domain: string): Promise<SealedMessage[]> {
  const out: SealedMessage[] = [];
  const take = (where: string, sealed: Buffer) => out.push({ where, salt: sealed.subarray(0, 16).toString('hex'), counter: sealed.readBigUInt64BE(20) });
  for (const f of await listFiles(join(repoDir, 'packs', domain))) {
    const pack = await fsp.readFile(join(repoDir, 'packs', domain, f));
    for (let o = 0; o < pack.length; ) {
      const h = readHeader(pack.subarray(o, o + RECORD_HEADER_BYTES), f);
      take(`${f}@${o}`, pack.subarray(o + RECORD_HEADER_BYTES, o + RECORD_HEADER_BYTES + h.payloadLength));
      o += RECORD_HEADER_BYTES + h.payloadLength;
    }
  }
  for (const f of await listFiles(join(repoDir, 'index', domain))) take(`index ${f}`, (await fsp.readFile(join(repoDir, 'index', domain, f))).subarray(6));
  for (const f of await listFiles(join(repoDir, 'snapshots', domain))) {
    const rec = JSON.parse(await fsp.readFile(join(repoDir, 'snapshots', domain, f), 'utf8')) as { sealedTree: string };
    take(`snapshot ${f}`, Buffer.from(rec.sealedTree, 'base64'));
  }
  return out;
}

/** Flips one bit of a file in place. */
export async function flipBit(path: string, offset: number, bit = 0): Promise<void> {
  const buf = await fsp.readFile(path);
  buf[offset]! ^= 1 << bit;
  await fsp.writeFile(path, buf);
}
