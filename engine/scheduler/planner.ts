import type { Clock } from '../core/clock';
import { toErrorInfo } from '../core/errors';
import type { Policy } from '../core/types';
import type { SchedulerState } from '../api/contract';
import { latestRunIn, nextRunAt } from '../policy/schedule';
import { localStamp, type SchedulerLog } from './log';
import type { SchedulerCatalog, SchedulerService } from './ports';
import type { Runner } from './runner';
import type { SystemSignals } from './signals';

export interface PlannerDeps {
  clock: Clock;
  catalog: SchedulerCatalog;
  service: SchedulerService;
  signals: SystemSignals;
  log: SchedulerLog;
  timeZone: string;
  lateMs: number;
  runner: Runner;
}

/** A due run waiting for its off-peak conditions. */
interface Episode {
  trigger: 'schedule' | 'catch-up';
  /** When it runs whatever the conditions (ms; Infinity = no deadline). */
  deadline: number;
  noted: boolean;
}

/**
 * Decides, at each look, which policies run. A policy remembers the time point of its last run
 * (in the catalog); the latest time point since then that has passed is due, however many passed
 * (one catch-up, never a burst). A due run waits for its off-peak conditions until its deadline;
 * time points passing meanwhile join it. Disabled policies and policies without sources let
 * their time points pass, so enabling or applying one later does not trigger a catch-up.
 */
export class Planner {
  nextRun: SchedulerState['nextRun'] = null;
  private readonly episodes = new Map<string, Episode>();
  private readonly since = new Map<string, number>();

  constructor(private readonly d: PlannerDeps) {}

  /** One look at `now`; `pausedUntil` set means nothing starts before it. */
  async plan(now: number, pausedUntil: number | null): Promise<void> {
    const policies = await this.d.catalog.listPolicies();
    if (pausedUntil === null) {
      const { lastRuns } = await this.d.catalog.schedulerRecord();
      for (const p of policies) await this.consider(p, lastRuns[p.id], now);
    }
    for (const id of this.episodes.keys()) if (!policies.some((p) => p.id === id && p.enabled)) this.episodes.delete(id);
    const next = this.soonest(policies, new Date(Math.max(now, pausedUntil ?? now)));
    if (next && next.at !== this.nextRun?.at) {
      const p = policies.find((x) => x.id === next.policyId)!;
      this.d.log.info(`next run: policy "${p.name}" at ${this.stamp(Date.parse(next.at))} (${next.sourceIds.length} source(s))`);
    }
    this.nextRun = next;
  }

  /** Recomputes the next run without starting anything (after a pause changed). */
  async refreshNextRun(after: number): Promise<void> {
    this.nextRun = this.soonest(await this.d.catalog.listPolicies(), new Date(after));
  }

  /** The latest instant the loop should look again by (ms; Infinity = no need). */
  wakeBy(): number {
    const deadlines = [...this.episodes.values()].map((e) => e.deadline);
    return Math.min(this.nextRun ? Date.parse(this.nextRun.at) : Infinity, ...deadlines);
  }

  private async consider(p: Policy, lastRun: string | undefined, now: number): Promise<void> {
    const since = lastRun ? Date.parse(lastRun) : await this.firstSince(p);
    const due = latestRunIn(p, new Date(since), new Date(now), this.d.timeZone);
    if (!due) return;
    if (!p.enabled || p.sourceIds.length === 0) return this.d.catalog.setLastRun(p.id, due.toISOString());
    let ep = this.episodes.get(p.id);
    if (!ep) {
      const late = now - due.getTime() > this.d.lateMs;
      const grace = p.offPeak.deadlineMinutes > 0 ? p.offPeak.deadlineMinutes * 60_000 : Infinity;
      ep = { trigger: late ? 'catch-up' : 'schedule', deadline: (late ? now : due.getTime()) + grace, noted: false };
      this.episodes.set(p.id, ep);
      if (late) this.d.log.info(`policy "${p.name}": the run at ${this.stamp(due.getTime())} was missed (the machine slept, was off or schedules were paused); catching up once`);
    }
    const blockers = this.blockers(p);
    if (blockers.length > 0 && now < ep.deadline) {
      if (!ep.noted) {
        const until = Number.isFinite(ep.deadline) ? `, or until the deadline at ${this.stamp(ep.deadline)}` : '';
        this.d.log.info(`policy "${p.name}": run deferred while ${blockers.join(' and ')}; it waits for off-peak conditions${until}`);
      }
      ep.noted = true;
      return;
    }
    if (blockers.length > 0) this.d.log.info(`policy "${p.name}": deadline reached; running although ${blockers.join(' and ')}`);
    this.episodes.delete(p.id);
    await this.d.catalog.setLastRun(p.id, due.toISOString());
    this.d.runner.run(p, ep.trigger).catch((err: unknown) => this.d.log.error(`policy "${p.name}": the run failed to start: ${toErrorInfo(err).message}`));
  }

  /** Off-peak conditions that do not hold now, in words. */
  private blockers(p: Policy): string[] {
    const out: string[] = [];
    if (p.offPeak.requireAcPower && !this.d.signals.onAcPower()) out.push('on battery power');
    if (p.offPeak.idleMinutes > 0) {
      const idle = this.d.signals.idleSeconds();
      if (idle < p.offPeak.idleMinutes * 60) out.push(`the system is in use (idle ${Math.floor(idle / 60)} of ${p.offPeak.idleMinutes} min)`);
    }
    return out;
  }

  /**
   * Where to count time points from for a policy with no run on record (a new policy, or a
   * rebuilt state file): its creation, or its newest snapshot if later.
   */
  private async firstSince(p: Policy): Promise<number> {
    let t = this.since.get(p.id);
    if (t === undefined) {
      t = Date.parse(p.createdAt);
      for (const id of p.sourceIds) {
        const own = (await this.d.service.listSnapshots(id).catch(() => [])).filter((s) => s.policyId === p.id);
        for (const s of own) t = Math.max(t, Date.parse(s.createdAt));
      }
      this.since.set(p.id, t);
    }
    return t;
  }

  private soonest(policies: Policy[], after: Date): SchedulerState['nextRun'] {
    let best: SchedulerState['nextRun'] = null;
    for (const p of policies.filter((x) => x.enabled && x.sourceIds.length > 0)) {
      const at = nextRunAt(p, after, this.d.timeZone);
      if (at && (!best || at.toISOString() < best.at)) best = { at: at.toISOString(), policyId: p.id, sourceIds: p.sourceIds };
    }
    return best;
  }

  private stamp(t: number): string {
    return localStamp(t, this.d.timeZone);
  }
}
