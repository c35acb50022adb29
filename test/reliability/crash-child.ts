import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli';

const CHILD = join(ROOT, 'test', 'reliability', 'crash-child.mjs');

export interface ChildRun {
  /** True if the process was still running when SIGKILL hit it. */
  killed: boolean;
  code: number | null;
  stderr: string;
  /** Milliseconds from "ready" (bundle loaded) to exit. */
  workMs: number;
}

/**
 * Runs `strata ARGS` in a child process and, when `killAfterMs` is set, kills it with SIGKILL
 * that long after it is ready. Returns how it ended.
 */
export function runChild(args: string[], env: Record<string, string>, killAfterMs: number | null): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let readyAt = 0;
    let timer: NodeJS.Timeout | null = null;
    let exited = false;
    let killed = false;
    child.stderr!.on('data', (d) => (stderr += d));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', () => {
      readyAt = performance.now();
      if (killAfterMs === null) return;
      timer = setTimeout(() => {
        if (exited) return;
        killed = child.kill('SIGKILL');
      }, killAfterMs);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      exited = true;
      if (timer) clearTimeout(timer);
      resolve({ killed: killed && signal === 'SIGKILL', code, stderr, workMs: readyAt ? performance.now() - readyAt : 0 });
    });
  });
}
