import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join, relative } from 'node:path';

/** One hash over every file below `root`: names, modes and contents. Empty folders do not count. */
export async function hashTree(root: string): Promise<string> {
  const h = createHash('sha256');
  const entries = await fsp.readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
  for (const f of files) {
    const st = await fsp.stat(f);
    h.update(`${relative(root, f)}\0${st.mode}\0`);
    h.update(await fsp.readFile(f));
  }
  return h.digest('hex');
}
