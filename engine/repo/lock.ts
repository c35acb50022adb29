import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { StrataError } from '../core/errors';
import type { Clock } from '../core/clock';
import type { RepoStore } from '../storage/store';

/**
 * Repository locks, as files under locks/:
 * - shared (`locks/shared-<pid>-<rand>`): work that only adds files (snapshot create) or only
 *   reads (restore, check). Many may be held at once.
 * - exclusive (`locks/exclusive`): work that removes files (delete, gc, repair, key removal).
 * A lock names its process (pid, host and, on Linux, a stamp of its boot and start time); a lock
 * whose process is gone (same host) is stale and is removed.
 * Taking exclusive: create the file (O_EXCL), then wait until no live shared lock remains.
 */
export type LockKind = 'shared' | 'exclusive';

export interface LockInfo extends Holder {
  kind: LockKind;
  operation: string;
  startedAt: string;
}

export interface Lock {
  readonly info: LockInfo;
  release(): Promise<void>;
}

const EXCLUSIVE = 'locks/exclusive';

/** Who holds a lock or runs a recorded operation. */
export interface Holder {
  pid: number;
  host: string;
  /** See processStamp; absent in files written before it, and off Linux. */
  stamp?: string;
}

/** This boot's id: the same for the whole life of the process, so read once. */
let bootId: string | undefined;

/**
 * What tells a process apart from a later one with the same pid (pids are reused, and start over
 * after a reboot): the boot's id and the process's start time in clock ticks since boot, from
 * /proc. Undefined where /proc does not give them.
 */
export function processStamp(pid: number): string | undefined {
  try {
    const boot = (bootId ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name, field 2, is in parentheses and may hold spaces: count fields after it.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return start ? `${boot}/${start}` : undefined;
  } catch {
    return undefined;
  }
}

let self: Holder | null = null;

/** This process, as a lock or record names it. */
export function thisProcess(): Holder {
  if (!self) {
    const stamp = processStamp(process.pid);
    self = { pid: process.pid, host: hostname(), ...(stamp ? { stamp } : {}) };
  }
  return { ...self };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLock(store: RepoStore, name: string): Promise<LockInfo | null> {
  try {
    return JSON.parse((await store.read(name)).toString('utf8')) as LockInfo;
  } catch {
    return null;
  }
}

/**
 * True when the process a lock or record names is gone: it ran on this host and its pid is no
 * longer alive, or is alive but with another stamp (a later process, after a crash or a reboot,
 * that got the same pid). A process on another host cannot be seen, so it counts as alive.
 */
export function holderGone(holder: Holder): boolean {
  if (holder.host !== hostname()) return false;
  if (!processAlive(holder.pid)) return true;
  if (!holder.stamp) return false;
  const now = processStamp(holder.pid);
  return now !== undefined && now !== holder.stamp;
}

/** A lock is stale if its process is gone, or if the file cannot be read at all. */
function isStale(info: LockInfo | null): boolean {
  return !info || holderGone(info);
}

export interface LockOptions {
  operation: string;
  /** How long to wait for other work before refusing, in ms. */
  waitMs: number;
  clock: Clock;
}

export async function acquireLock(store: RepoStore, kind: LockKind, opts: LockOptions): Promise<Lock> {
  const info: LockInfo = { ...thisProcess(), kind, operation: opts.operation, startedAt: new Date(opts.clock.now()).toISOString() };
  const deadline = opts.clock.now() + opts.waitMs;
  const body = Buffer.from(JSON.stringify(info));
  const sharedName = `locks/shared-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  for (let attempt = 0; ; attempt++) {
    const holder = await blocker(store, kind, kind === 'exclusive' ? EXCLUSIVE : sharedName, body);
    if (!holder) return { info, release: () => store.remove(kind === 'exclusive' ? EXCLUSIVE : sharedName) };
    if (opts.clock.now() >= deadline) {
      throw new StrataError('E_LOCKED', `the repository is busy: ${holder.operation} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}); try again when it finishes`, {
        details: { holder },
      });
    }
    await opts.clock.sleep(Math.min(50 * 2 ** Math.min(attempt, 4), 500));
  }
}

/** Tries once; returns the holder that blocks us, or null once our lock is held. */
async function blocker(store: RepoStore, kind: LockKind, name: string, body: Buffer): Promise<LockInfo | null> {
  const current = await readLock(store, EXCLUSIVE);
  if (current && isStale(current)) await store.remove(EXCLUSIVE);
  else if (current && kind === 'shared') return current;
  if (kind === 'shared') {
    await store.write(name, body);
    // Re-check: an exclusive taker may have arrived between our check and our write.
    const after = await readLock(store, EXCLUSIVE);
    if (after && !isStale(after)) {
      await store.remove(name);
      return after;
    }
    return null;
  }
  if (!(await store.createExclusive(EXCLUSIVE, body))) {
    const holder = await readLock(store, EXCLUSIVE);
    // Present but unreadable: torn by a crash (locks are written whole), so stale; retry after.
    if (!holder && (await store.exists(EXCLUSIVE))) await store.remove(EXCLUSIVE);
    return holder ?? { pid: 0, host: '?', kind: 'exclusive', operation: 'another operation', startedAt: '?' };
  }
  const shared = await liveShared(store);
  if (shared) {
    await store.remove(EXCLUSIVE);
    return shared;
  }
  return null;
}

async function liveShared(store: RepoStore): Promise<LockInfo | null> {
  for (const name of await store.list('locks')) {
    if (!name.startsWith('locks/shared-')) continue;
    const info = await readLock(store, name);
    if (isStale(info)) await store.remove(name);
    else return info;
  }
  return null;
}

/** Lists locks whose process is gone (for check's notices); they are removed when met. */
export async function staleLocks(store: RepoStore): Promise<string[]> {
  const out: string[] = [];
  for (const name of await store.list('locks')) if (isStale(await readLock(store, name))) out.push(name);
  return out;
}
