import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';

/** What one timed command cost. */
export interface Sample {
  seconds: number;
  /** Peak resident set of the command (all its threads), from `/usr/bin/time`. */
  peakRssBytes: number;
  stdout: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const TIME = '/usr/bin/time';

/**
 * Runs a command to completion under `/usr/bin/time -f %M` (peak RSS in KiB) and times it with
 * the monotonic clock. A non-zero exit fails the benchmark with the command's stderr.
 */
export async function timed(cmd: string, args: string[], opts: RunOptions = {}): Promise<Sample> {
  const rssFile = join(opts.cwd ?? '/tmp', `.bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const start = process.hrtime.bigint();
  const { stdout, stderr, code } = await run(TIME, ['-f', '%M', '-o', rssFile, cmd, ...args], opts);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rssText = await fsp.readFile(rssFile, 'utf8').catch(() => '0');
  await fsp.rm(rssFile, { force: true });
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${stderr.slice(-2000)}`);
  const kib = Number(rssText.trim().split('\n').at(-1));
  return { seconds, peakRssBytes: Number.isFinite(kib) ? kib * 1024 : 0, stdout };
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code: code ?? 1 }));
  });
}

/** Stored bytes of a repository: the sum of its files' sizes (repositories hold no sparse files). */
export async function diskBytes(dir: string): Promise<number> {
  let total = 0;
  const entries = await fsp.readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile()) continue;
    const st = await fsp.stat(join(e.parentPath ?? e.path, e.name));
    total += st.size;
  }
  return total;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function commandExists(cmd: string): Promise<boolean> {
  const r = await run('sh', ['-c', `command -v ${cmd}`]).catch(() => ({ code: 1 }));
  return r.code === 0;
}
