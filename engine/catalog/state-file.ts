import { promises as fsp } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Adapter } from 'lowdb';
import { StrataError, fromFsError } from '../core/errors';
import type { Job, Policy, Source } from '../core/types';
import type { Settings } from '../api/contract';
import { LocalStore } from '../storage/local-store';

export const STATE_FORMAT = 1;

/** What the scheduler keeps between starts. */
export interface SchedulerRecord {
  /** ISO time until which schedules are paused, or null. */
  pausedUntil: string | null;
  /** Per policy id: the time point (ISO) of the last run it handled. */
  lastRuns: Record<string, string>;
}

/** The app's state file, `HOME/state.json`. */
export interface StateData {
  format: number;
  /** A cache of the repository's sources (the repository is the truth). */
  sources: Source[];
  policies: Policy[];
  settings: Settings;
  /** Oldest first, at most JOB_HISTORY_LIMIT. */
  jobs: Job[];
  scheduler: SchedulerRecord;
}

/**
 * The lowdb adapter for the state file. Writes are durable (temp file, fsync, rename, fsync of
 * the folder), which lowdb's own writer (steno) does not do. A file that is not a state document raises
 * E_CORRUPT rather than being read as empty, so it is never silently overwritten.
 */
export class StateFile implements Adapter<StateData> {
  constructor(readonly path: string) {}

  async read(): Promise<StateData | null> {
    let text: string;
    try {
      text = await fsp.readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw fromFsError(err, `reading ${this.path}`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new StrataError('E_CORRUPT', `${this.path} is not valid JSON (${(err as Error).message})`, { cause: err });
    }
    const problem = shapeProblem(data);
    if (problem) throw new StrataError('E_CORRUPT', `${this.path} is not a Strata state file: ${problem}`);
    return data as StateData;
  }

  /** Durable and atomic: the repository's local store writes temp, fsyncs, renames, fsyncs the folder. */
  async write(data: StateData): Promise<void> {
    await new LocalStore(dirname(this.path)).write(basename(this.path), Buffer.from(`${JSON.stringify(data, null, 2)}\n`));
  }
}

function shapeProblem(data: unknown): string | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'expected an object';
  const d = data as Partial<StateData>;
  if (d.format !== STATE_FORMAT) return `expected format ${STATE_FORMAT}, got ${JSON.stringify(d.format)}`;
  for (const key of ['sources', 'policies', 'jobs'] as const) if (!Array.isArray(d[key])) return `expected "${key}" as a list`;
  if (typeof d.settings !== 'object' || d.settings === null) return 'expected "settings" as an object';
  if (typeof d.scheduler !== 'object' || d.scheduler === null || typeof d.scheduler.lastRuns !== 'object') return 'expected "scheduler" as an object';
  return null;
}

/** Moves a damaged state file aside (never overwrites it); returns where it went. */
export async function moveAside(path: string, now: Date): Promise<string> {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let target = `${path}.corrupt-${stamp}`;
  for (let i = 2; await fsp.access(target).then(() => true, () => false); i++) target = `${path}.corrupt-${stamp}-${i}`;
  await fsp.rename(path, target).catch((err: unknown) => {
    throw fromFsError(err, `moving the damaged ${path} aside`);
  });
  return target;
}
