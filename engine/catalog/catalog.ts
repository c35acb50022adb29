import { join } from 'node:path';
import { Low } from 'lowdb';
import { systemClock, type Clock } from '../core/clock';
import { isStrataError } from '../core/errors';
import type { Job, Policy } from '../core/types';
import type { PolicyInput, PolicyPreview, Settings } from '../api/contract';
import { StrataService } from '../api/strata';
import { resolveRef } from '../api/resolve';
import { previewPolicy } from '../policy/preview';
import { DEFAULT_SETTINGS, validateSettings } from './settings';
import { StateFile, moveAside, STATE_FORMAT, type SchedulerRecord, type StateData } from './state-file';
import { readMirror, writeMirror } from './mirror';
import { acquireStateLock } from './state-lock';
import { applyPolicy, createPolicy, deletePolicy, unapplyPolicy, updatePolicy } from './policy-book';

export interface CatalogOptions {
  clock?: Clock;
  /** The engine, for sources and the repository mirror; opened on `home` when absent. */
  service?: StrataService;
  /** Time zone of previews; the system's when absent. */
  timeZone?: string;
}

/** What happened when the state file was found missing or damaged. */
export interface CatalogRecovery {
  reason: 'missing' | 'corrupt';
  /** Where the damaged file was moved (corrupt only). */
  movedTo: string | null;
  at: string;
  message: string;
}

export const STATE_FILE = 'state.json';
/** What a job left unfinished by a process that is gone says. */
export const INTERRUPTED_MESSAGE = 'interrupted: the process running it stopped';
/** Finished jobs kept in the history; older ones drop off. */
export const JOB_HISTORY_LIMIT = 1000;

/**
 * The app's state in lowdb under the Strata home: a cache of the sources, the policies, the
 * settings, the job history and the scheduler's memory. Every change is made under a lock shared
 * with other processes (the daemon, the CLI, the desktop app) on a fresh read of the file, and
 * written durably. A missing file is rebuilt from the repository; a damaged one is moved aside
 * first. Policies and settings are mirrored into the repository so a rebuild loses nothing.
 */
export class Catalog {
  readonly path: string;
  /** The last recovery this catalog made, if any (for the log). */
  recovery: CatalogRecovery | null = null;
  private readonly file: StateFile;
  private readonly db: Low<StateData>;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly home: string, readonly clock: Clock, private svc: StrataService | null, private readonly ownsService: boolean, private readonly timeZone: string) {
    this.path = join(home, STATE_FILE);
    this.file = new StateFile(this.path);
    this.db = new Low(this.file, emptyState());
  }

  static async open(home: string, opts: CatalogOptions = {}): Promise<Catalog> {
    const tz = opts.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    const catalog = new Catalog(home, opts.clock ?? systemClock, opts.service ?? null, !opts.service, tz);
    await catalog.read();
    return catalog;
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.ownsService) await this.svc?.close();
  }

  async service(): Promise<StrataService> {
    return (this.svc ??= await StrataService.open({ home: this.home, clock: this.clock }));
  }

  // ---- policies ----

  async listPolicies(): Promise<Policy[]> {
    return (await this.read()).policies;
  }

  /** A policy by id, unique id prefix or name. */
  async getPolicy(ref: string): Promise<Policy> {
    return resolveRef((await this.read()).policies, ref, 'policy');
  }

  async createPolicy(input: PolicyInput): Promise<Policy> {
    const sources = await (await this.service()).listSources();
    return this.changePolicies((d) => createPolicy(d, input, sources, new Date(this.clock.now())));
  }

  async updatePolicy(ref: string, changes: Partial<PolicyInput>): Promise<Policy> {
    const sources = await (await this.service()).listSources();
    return this.changePolicies((d) => updatePolicy(d, ref, changes, sources, new Date(this.clock.now())));
  }

  /** Deletes a policy: its sources are unbound, its snapshots stay. */
  async deletePolicy(ref: string): Promise<Policy> {
    return this.changePolicies((d) => deletePolicy(d, ref));
  }

  async applyPolicy(ref: string, sourceRefs: string[]): Promise<Policy> {
    const sources = await (await this.service()).listSources();
    return this.changePolicies((d) => applyPolicy(d, ref, sourceRefs, sources));
  }

  async unapplyPolicy(ref: string, sourceRefs: string[]): Promise<Policy> {
    const sources = await (await this.service()).listSources();
    return this.changePolicies((d) => unapplyPolicy(d, ref, sourceRefs, sources));
  }

  /** The next `count` runs of a policy (saved or being edited) and what retention would delete. */
  async previewPolicy(policy: PolicyInput & { id?: string }, count = 10): Promise<PolicyPreview> {
    const svc = await this.service();
    const snapshots = (await Promise.all((policy.sourceIds ?? []).map((id) => svc.listSnapshots(id).catch(() => [])))).flat();
    const { autoSnapshotQuota } = await this.getSettings();
    return previewPolicy({ policy, snapshots, now: new Date(this.clock.now()), timeZone: this.timeZone, count, quota: autoSnapshotQuota });
  }

  // ---- settings ----

  async getSettings(): Promise<Settings> {
    return (await this.read()).settings;
  }

  async updateSettings(changes: Partial<Settings>): Promise<Settings> {
    const valid = validateSettings(changes);
    return this.changePolicies((d) => (d.settings = { ...d.settings, ...valid }));
  }

  // ---- jobs ----

  /** Inserts a job or updates it by id. */
  async recordJob(job: Job): Promise<Job> {
    return this.mutate((d) => {
      const i = d.jobs.findIndex((j) => j.id === job.id);
      if (i >= 0) d.jobs[i] = job;
      else d.jobs.push(job);
      if (d.jobs.length > JOB_HISTORY_LIMIT) d.jobs.splice(0, d.jobs.length - JOB_HISTORY_LIMIT);
      return job;
    });
  }

  /**
   * Marks the jobs left `queued` or `running` in the history as failed, interrupted; returns them.
   * Jobs carry no pid, so call this only just after taking the scheduler lock: only its holder
   * records unfinished jobs, and a holder that let go finished them first, so any still open
   * were left by a holder that is gone (killed with -9, crashed, powered off).
   */
  async failInterruptedJobs(): Promise<Job[]> {
    const open = (j: Job) => j.status === 'running' || j.status === 'queued';
    if (!(await this.read()).jobs.some(open)) return [];
    const at = new Date(this.clock.now()).toISOString();
    return this.mutate((d) => {
      const failed: Job[] = [];
      d.jobs = d.jobs.map((j) => {
        if (!open(j)) return j;
        const job: Job = { ...j, status: 'failed', finishedAt: at, durationMs: null, message: INTERRUPTED_MESSAGE, error: { code: 'E_INTERRUPTED', message: INTERRUPTED_MESSAGE } };
        failed.push(job);
        return job;
      });
      return failed;
    });
  }

  /** The job history, newest first. */
  async listJobs(limit = 100): Promise<Job[]> {
    return [...(await this.read()).jobs].reverse().slice(0, Math.max(0, limit));
  }

  // ---- what the scheduler keeps ----

  async schedulerRecord(): Promise<SchedulerRecord> {
    return (await this.read()).scheduler;
  }

  async setPausedUntil(until: string | null): Promise<void> {
    await this.mutate((d) => void (d.scheduler.pausedUntil = until));
  }

  async setLastRun(policyId: string, at: string): Promise<void> {
    await this.mutate((d) => void (d.scheduler.lastRuns[policyId] = at));
  }

  /** Refreshes the cached sources from the repository (after a source was added or removed). */
  async refreshSources(): Promise<void> {
    const sources = await (await this.service()).listSources();
    await this.mutate((d) => void (d.sources = sources));
  }

  // ---- the file ----

  /** The state as on disk now; a missing or damaged file is recovered first. */
  private async read(): Promise<StateData> {
    try {
      const data = await this.file.read();
      if (data) return data;
    } catch (err) {
      if (!isStrataError(err, 'E_CORRUPT')) throw err;
    }
    return this.mutate((d) => d);
  }

  /** A policy or settings change: also mirrored into the repository. */
  private async changePolicies<T>(fn: (d: StateData) => T): Promise<T> {
    return this.mutate(async (d) => {
      const out = fn(d);
      await writeMirror((await this.service()).repo.store, d.policies, d.settings, new Date(this.clock.now()));
      return out;
    });
  }

  /** Runs `fn` on a fresh read under the lock (one change at a time in this process too), then writes. */
  private mutate<T>(fn: (d: StateData) => T | Promise<T>): Promise<T> {
    const run = async () => {
      const release = await acquireStateLock(this.path, this.clock);
      try {
        this.db.data = await this.loadOrRecover();
        const out = await fn(this.db.data);
        await this.db.write();
        return out;
      } finally {
        await release();
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async loadOrRecover(): Promise<StateData> {
    try {
      return (await this.file.read()) ?? (await this.rebuild('missing', null));
    } catch (err) {
      if (!isStrataError(err, 'E_CORRUPT')) throw err;
      const movedTo = await moveAside(this.path, new Date(this.clock.now()));
      return this.rebuild('corrupt', movedTo, err.message);
    }
  }

  /** A state rebuilt from the repository: its sources, and the mirrored policies and settings. */
  private async rebuild(reason: CatalogRecovery['reason'], movedTo: string | null, why?: string): Promise<StateData> {
    const svc = await this.service();
    const sources = await svc.listSources();
    const mirror = await readMirror(svc.repo.store);
    const data: StateData = { ...emptyState(), sources, policies: mirror?.policies ?? [], settings: { ...DEFAULT_SETTINGS, ...mirror?.settings } };
    if (reason === 'corrupt' || sources.length > 0 || mirror) {
      const n = data.policies.length;
      const what = `${sources.length} source(s) and ${n} polic${n === 1 ? 'y' : 'ies'}`;
      const message = reason === 'corrupt'
        ? `the state file was damaged (${why}); it was moved to ${movedTo} and the state rebuilt from the repository: ${what}`
        : `the state file was missing; rebuilt from the repository: ${what}`;
      this.recovery = { reason, movedTo, at: new Date(this.clock.now()).toISOString(), message };
    }
    return data;
  }
}

function emptyState(): StateData {
  return { format: STATE_FORMAT, sources: [], policies: [], settings: { ...DEFAULT_SETTINGS }, jobs: [], scheduler: { pausedUntil: null, lastRuns: {} } };
}
