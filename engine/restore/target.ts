import { promises as fsp } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StrataError } from '../core/errors';
import { assertNotMounted, deviceSize } from '../source/inspect';

export interface RestoreTarget {
  path: string;
  kind: 'new-image' | 'image' | 'device';
  /** Current size of an existing target. */
  size: number;
}

/**
 * Decides whether a restore may write to `target`: refuses a folder, a mounted device, a
 * device too small, the source itself, and an existing file or device without `force`.
 */
export async function checkTarget(target: string, sourcePath: string, needBytes: number, force: boolean): Promise<RestoreTarget> {
  if (typeof target !== 'string' || target.trim() === '') throw new StrataError('E_INVALID', 'Expected a restore target path, got an empty one');
  const path = resolve(target);
  const st = await fsp.stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw new StrataError('E_INVALID', `${path} cannot be used as a restore target: ${err.message}`, { cause: err });
  });
  if (!st) {
    const parent = await fsp.stat(dirname(path)).catch(() => null);
    if (!parent?.isDirectory()) throw new StrataError('E_INVALID', `cannot restore to ${path}: the folder ${dirname(path)} does not exist`);
    return { path, kind: 'new-image', size: 0 };
  }
  const src = await fsp.stat(sourcePath).catch(() => null);
  const real = await fsp.realpath(path);
  const srcReal = await fsp.realpath(sourcePath).catch(() => sourcePath);
  if (real === srcReal || (src && ((st.isBlockDevice() && st.rdev === src.rdev) || (st.isFile() && st.dev === src.dev && st.ino === src.ino)))) {
    throw new StrataError('E_INVALID', `${path} is the source of this snapshot; use "strata rollback" to return a source to a snapshot`);
  }
  if (st.isDirectory()) throw new StrataError('E_INVALID', `${path} is a directory; give a file name for the restored image`);
  if (st.isBlockDevice()) {
    await assertNotMounted(real);
    const size = await deviceSize(real);
    if (size < needBytes) throw new StrataError('E_INVALID', `${path} holds ${size} bytes but the snapshot needs ${needBytes}`);
    if (!force) throw new StrataError('E_CONFIRM', `${path} is a device whose contents would be overwritten; add --force to restore onto it`);
    return { path: real, kind: 'device', size };
  }
  if (!st.isFile()) throw new StrataError('E_INVALID', `${path} is neither a regular file nor a block device`);
  if (!force) throw new StrataError('E_CONFIRM', `${path} exists; add --force to replace it`);
  return { path, kind: 'image', size: st.size };
}
