import { promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fromFsError } from '../core/errors';
import { holderGone, thisProcess, type Holder } from '../repo/lock';

/** Who holds a lock file. */
export interface PidLockInfo extends Holder {
  /** What holds it, for messages ("strata daemon", "the desktop app", "a change of the app state"). */
  owner: string;
  since: string;
}

export type PidLockAttempt = { held: true; info: PidLockInfo; release: () => Promise<void> } | { held: false; holder: PidLockInfo };

/**
 * A lock file naming its process. It is created complete or not at all (written to a temp file,
 * then hard-linked to its name, which fails if the name exists), so a reader never sees half of
 * it. A lock whose process is gone on this host is stale and is taken over.
 */
export async function tryPidLock(path: string, owner: string, now: Date): Promise<PidLockAttempt> {
  const info: PidLockInfo = { ...thisProcess(), owner, since: now.toISOString() };
  const tmp = join(dirname(path), `.lock-${randomBytes(6).toString('hex')}`);
  try {
    await fsp.mkdir(dirname(path), { recursive: true });
    await fsp.writeFile(tmp, JSON.stringify(info), { mode: 0o644 });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await fsp.link(tmp, path);
        return { held: true, info, release: () => releaseIfOurs(path, info) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = await readHolder(path);
      if (holder && !isStale(holder)) return { held: false, holder };
      await fsp.rm(path, { force: true });
    }
    return { held: false, holder: (await readHolder(path)) ?? { pid: 0, host: '?', owner: 'another process', since: '?' } };
  } catch (err) {
    throw fromFsError(err, `taking the lock ${path}`);
  } finally {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
  }
}

async function readHolder(path: string): Promise<PidLockInfo | null> {
  try {
    return JSON.parse(await fsp.readFile(path, 'utf8')) as PidLockInfo;
  } catch {
    return null;
  }
}

/** Gone from this host, or unreadable (a lock is written whole, so unreadable means damaged). */
function isStale(holder: PidLockInfo | null): boolean {
  return !holder || holderGone(holder);
}

async function releaseIfOurs(path: string, info: PidLockInfo): Promise<void> {
  const holder = await readHolder(path);
  if (holder && holder.pid === info.pid && holder.host === info.host && holder.since === info.since && holder.owner === info.owner) {
    await fsp.rm(path, { force: true });
  }
}
