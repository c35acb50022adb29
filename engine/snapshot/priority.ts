import { constants, setPriority } from 'node:os';
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';

/**
 * Background snapshots yield the machine to the user: CPU at the lowest priority and, where
 * the kernel and `ionice` allow, I/O in the idle class. Both are best effort; a system that
 * refuses them still gets a correct snapshot.
 */

/** Lowers the CPU priority of the calling thread (on Linux, priority is per thread). */
export function lowerThreadPriority(): void {
  try {
    setPriority(0, constants.priority.PRIORITY_LOW);
  } catch {
    // Not permitted here (some sandboxes); the byte-rate limit still protects the foreground.
  }
}

/**
 * Puts every thread of this process in the idle I/O class (`ionice -c3`; I/O priority is per
 * thread, and threads started later inherit it), which BFQ and mq-deadline honour: the snapshot
 * reads only when no one else does. Resolves false where `ionice` or /proc is missing.
 */
export function idleIoClass(): Promise<boolean> {
  return ionice('3');
}

/** Back to the default I/O class (none: best effort, following the CPU nice value). */
export function normalIoClass(): Promise<boolean> {
  return ionice('0');
}

async function ionice(ioClass: string): Promise<boolean> {
  const tids = await readdir('/proc/self/task').catch(() => [] as string[]);
  if (tids.length === 0) return false;
  return new Promise((resolve) => {
    const child = spawn('ionice', ['-c', ioClass, '-p', ...tids], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}
