import { promises as fsp } from 'node:fs';

/** Bytes moved to and from a device so far, in total and by this process. */
export interface IoCounters {
  deviceBytes: number;
  ownBytes: number;
}

/** Reads the counters afresh each call; null when the system does not expose them. */
export type IoSampler = () => Promise<IoCounters | null>;

/** The sysfs statistics file of the device that holds `path` (or that `path` is). */
export async function deviceStatFile(path: string): Promise<string | null> {
  const st = await fsp.stat(path).catch(() => null);
  if (!st) return null;
  const dev = st.isBlockDevice() ? st.rdev : st.dev;
  const major = (dev >> 8) & 0xfff;
  const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
  const file = `/sys/dev/block/${major}:${minor}/stat`;
  return (await fsp.access(file).then(() => true, () => false)) ? file : null;
}

/**
 * Samples the device's sectors read and written (sysfs `stat`, fields 3 and 7) and this
 * process's own storage I/O (`/proc/self/io`), so the difference is what everyone else did.
 */
export async function deviceSampler(path: string): Promise<IoSampler> {
  const file = await deviceStatFile(path);
  if (!file) return async () => null;
  return async () => {
    const [dev, own] = await Promise.all([fsp.readFile(file, 'utf8'), fsp.readFile('/proc/self/io', 'utf8')]).catch(() => [null, null]);
    if (dev === null || own === null) return null;
    const f = dev.trim().split(/\s+/).map(Number);
    const io = new Map(own.split('\n').map((l) => l.split(': ')).map(([k, v]) => [k, Number(v)]));
    return { deviceBytes: ((f[2] ?? 0) + (f[6] ?? 0)) * 512, ownBytes: (io.get('read_bytes') ?? 0) + (io.get('write_bytes') ?? 0) };
  };
}
