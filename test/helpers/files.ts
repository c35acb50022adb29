import { promises as fsp } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under `dir`, as paths relative to it, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fsp.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)));
  }
  return out.sort();
}

/** Bytes of all files under `dir`. */
export async function bytesUnder(dir: string): Promise<number> {
  let n = 0;
  for (const f of await listFiles(dir)) n += (await fsp.stat(join(dir, f))).size;
  return n;
}
