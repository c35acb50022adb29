import type { Policy, Snapshot } from '../core/types';
import { byCreation } from '../core/order';
import { selectGfs } from './gfs';
import { KEEP_FOREVER } from './validate';

/** What retention looks at in a snapshot. */
export type RetentionSnapshot = Pick<Snapshot, 'id' | 'sourceId' | 'name' | 'type' | 'status' | 'createdAt' | 'retainUntil' | 'policyId'>;
export type RetentionPolicy = Pick<Policy, 'id' | 'retentionDays' | 'gfs'>;

/** The rule that decided a snapshot's fate. */
export type RetentionRule = 'manual' | 'not-accomplished' | 'other-policy' | 'keep-forever' | 'retention-days' | 'gfs' | 'expired' | 'quota';

export interface RetentionDecision {
  snapshotId: string;
  sourceId: string;
  name: string;
  createdAt: string;
  keep: boolean;
  rule: RetentionRule;
  /** Every reason that applies, in words, the deciding one first. */
  reasons: string[];
}

export interface RetentionOptions {
  /** Automatic snapshots kept per source before the oldest goes (the catalog's setting). */
  quota?: number;
  /** Calendar of the GFS periods; UTC when absent. */
  timeZone?: string;
}

export const DEFAULT_QUOTA = 1000;
const DAY = 86_400_000;

/**
 * Decides, for every snapshot, whether `policy`'s retention keeps it and why. Pure. Rules:
 * - manual snapshots are never deleted by a policy; snapshots not yet accomplished are not judged;
 * - an automatic snapshot of this policy is kept until both its own `retainUntil` and the
 *   policy's current retention days have passed (so editing a policy never shortens a promise),
 *   or while a GFS rule selects it; -1 retention days keeps it until deleted by hand;
 * - then, per source, if more automatic snapshots (of any policy) are kept than `quota`, the
 *   oldest go until the quota holds.
 * Decisions come out sorted by source, then oldest first.
 */
export function applyRetention(snapshots: RetentionSnapshot[], policy: RetentionPolicy, now: Date, opts: RetentionOptions = {}): RetentionDecision[] {
  const bySource = new Map<string, RetentionSnapshot[]>();
  for (const s of snapshots) bySource.set(s.sourceId, [...(bySource.get(s.sourceId) ?? []), s]);
  const out: RetentionDecision[] = [];
  for (const sourceId of [...bySource.keys()].sort()) {
    const list = bySource.get(sourceId)!.sort(byCreation);
    out.push(...enforceQuota(judgeSource(list, policy, now, opts.timeZone ?? 'UTC'), list, opts.quota ?? DEFAULT_QUOTA));
  }
  return out;
}

function judgeSource(list: RetentionSnapshot[], policy: RetentionPolicy, now: Date, timeZone: string): RetentionDecision[] {
  const own = list.filter((s) => s.type === 'auto' && s.status === 'accomplished' && s.policyId === policy.id);
  const gfs = policy.gfs ? selectGfs([...own].reverse(), policy.gfs, timeZone) : new Map<string, string[]>();
  return list.map((s) => {
    const decide = (keep: boolean, rule: RetentionRule, reasons: string[]): RetentionDecision => ({
      snapshotId: s.id, sourceId: s.sourceId, name: s.name, createdAt: s.createdAt, keep, rule, reasons,
    });
    if (s.type === 'manual') return decide(true, 'manual', ['manual snapshot: a policy never deletes it']);
    if (s.status !== 'accomplished') return decide(true, 'not-accomplished', [`${s.status}: only accomplished snapshots are judged`]);
    if (s.policyId !== policy.id) {
      return decide(true, 'other-policy', [s.policyId ? `taken by another policy (${s.policyId}); only the quota applies` : 'taken by no policy; only the quota applies']);
    }
    const byGfs = gfs.get(s.id) ?? [];
    const until = expiry(s, policy);
    if (until === null) return decide(true, 'keep-forever', ['kept until deleted (retention -1, or taken under it)', ...byGfs]);
    if (until > now.getTime()) return decide(true, 'retention-days', [`within retention: kept until ${new Date(until).toISOString()}`, ...byGfs]);
    if (byGfs.length > 0) return decide(true, 'gfs', byGfs);
    const why = `expired: retention ended ${new Date(until).toISOString()}`;
    return decide(false, 'expired', policy.gfs ? [why, 'no GFS rule keeps it'] : [why]);
  });
}

/** When an own snapshot may go: the later of its promise and the policy's rule; null = never. */
function expiry(s: RetentionSnapshot, policy: RetentionPolicy): number | null {
  if (policy.retentionDays === KEEP_FOREVER || s.retainUntil === null) return null;
  return Math.max(Date.parse(s.createdAt) + policy.retentionDays * DAY, Date.parse(s.retainUntil));
}

function enforceQuota(decisions: RetentionDecision[], list: RetentionSnapshot[], quota: number): RetentionDecision[] {
  const counted = new Set(list.filter((s) => s.type === 'auto' && s.status === 'accomplished').map((s) => s.id));
  const kept = decisions.filter((d) => d.keep && counted.has(d.snapshotId));
  const excess = kept.length - quota;
  if (excess <= 0) return decisions;
  const dropped = new Set(kept.slice(0, excess).map((d) => d.snapshotId));
  const why = `over the quota of ${quota} automatic snapshots per source: the oldest goes`;
  return decisions.map((d) => (dropped.has(d.snapshotId) ? { ...d, keep: false, rule: 'quota', reasons: [why, ...d.reasons] } : d));
}
