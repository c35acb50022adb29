import { promises as fsp, constants as fsc } from 'node:fs';
import { basename, resolve } from 'node:path';
import { StrataError } from '../core/errors';
import type { SourceKind } from '../core/types';

export interface SourceInfo {
  /** Absolute path as given (resolved against the working directory). */
  path: string;
  /** The path with symlinks resolved: what identifies the disk. */
  realPath: string;
  kind: SourceKind;
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
  rdev: number;
}

/**
 * Checks that a path is something Strata can protect and says why not otherwise: a regular
 * file (an image) or a block device, present, readable, and not empty.
 */
export async function inspectSource(input: string): Promise<SourceInfo> {
  if (typeof input !== 'string' || input.trim() === '') throw new StrataError('E_SOURCE', 'Expected a path to a disk image or block device, got an empty path');
  const path = resolve(input);
  let realPath: string;
  try {
    realPath = await fsp.realpath(path);
  } catch (err) {
    throw pathError(err, path);
  }
  const st = await fsp.stat(realPath).catch((err: unknown) => {
    throw pathError(err, path);
  });
  let kind: SourceKind;
  if (st.isFile()) kind = 'image';
  else if (st.isBlockDevice()) kind = 'device';
  else if (st.isDirectory()) throw new StrataError('E_SOURCE', `${path} is a directory; Strata protects disk images and block devices, not folders`);
  else if (st.isFIFO()) throw new StrataError('E_SOURCE', `${path} is a FIFO (named pipe); give a disk image file or a block device`);
  else if (st.isCharacterDevice()) throw new StrataError('E_SOURCE', `${path} is a character device; give a block device such as /dev/sdb`);
  else throw new StrataError('E_SOURCE', `${path} is not a disk image or block device`);
  try {
    await fsp.access(realPath, fsc.R_OK);
  } catch (err) {
    throw new StrataError('E_SOURCE', `${path} is not readable: permission denied (run as a user who can read it)`, { cause: err });
  }
  const size = kind === 'device' ? await deviceSize(realPath) : st.size;
  return { path, realPath, kind, size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino, rdev: st.rdev };
}

function pathError(err: unknown, path: string): StrataError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new StrataError('E_SOURCE', `${path} does not exist`, { cause: err });
  if (code === 'ELOOP') return new StrataError('E_SOURCE', `${path} is a symlink loop`, { cause: err });
  if (code === 'EACCES' || code === 'EPERM') return new StrataError('E_SOURCE', `${path} cannot be reached: permission denied`, { cause: err });
  if (code === 'ENOTDIR') return new StrataError('E_SOURCE', `${path} does not exist (a part of the path is not a folder)`, { cause: err });
  return new StrataError('E_SOURCE', `${path} cannot be opened: ${(err as Error).message}`, { cause: err });
}

/** A block device's size in bytes, from sysfs (fstat reports 0 for devices). */
export async function deviceSize(devPath: string): Promise<number> {
  const name = basename(devPath);
  try {
    const sectors = Number((await fsp.readFile(`/sys/class/block/${name}/size`, 'utf8')).trim());
    if (!Number.isFinite(sectors)) throw new Error('not a number');
    return sectors * 512;
  } catch (err) {
    throw new StrataError('E_SOURCE', `cannot read the size of ${devPath} from /sys/class/block/${name}/size`, { cause: err });
  }
}

/** Mount points of a block device or of any of its partitions, from /proc/self/mounts. */
export async function mountsOf(devPath: string): Promise<string[]> {
  const name = basename(devPath);
  let mounts: string;
  try {
    mounts = await fsp.readFile('/proc/self/mounts', 'utf8');
  } catch {
    return [];
  }
  const partitions = new Set([name]);
  try {
    for (const entry of await fsp.readdir(`/sys/class/block/${name}`)) if (entry.startsWith(name)) partitions.add(entry);
    for (const holder of await fsp.readdir(`/sys/class/block/${name}/holders`)) partitions.add(holder);
  } catch {
    // No sysfs entry: only the device itself is checked.
  }
  const out: string[] = [];
  for (const line of mounts.split('\n')) {
    const [dev, mnt] = line.split(' ');
    if (!dev || !mnt || !dev.startsWith('/dev/')) continue;
    let real = dev;
    try {
      real = await fsp.realpath(dev);
    } catch {
      // Keep the name as listed.
    }
    if (partitions.has(basename(real))) out.push(mnt.replace(/\\040/g, ' '));
  }
  return out;
}

/** Refuses to write to a mounted device. */
export async function assertNotMounted(devPath: string): Promise<void> {
  const mounts = await mountsOf(devPath);
  if (mounts.length > 0) {
    throw new StrataError('E_MOUNTED', `${devPath} is mounted at ${mounts.join(', ')}; unmount it first (writing under a mounted file system would corrupt it)`);
  }
}
