import type { PolicyInput, PolicyPreview } from '../api/contract';
import { nextRuns } from './schedule';
import { applyRetention, type RetentionSnapshot } from './retention';
import { KEEP_FOREVER, validatePolicyFields } from './validate';

export interface PreviewInput {
  /** A saved policy (with its id) or one being edited in the UI (without). */
  policy: PolicyInput & { id?: string };
  /** Snapshots of the policy's sources, as the repository lists them. */
  snapshots: RetentionSnapshot[];
  now: Date;
  timeZone: string;
  /** How many runs to look ahead. */
  count: number;
  quota: number;
}

const UNSAVED = 'pol-unsaved';
const DAY = 86_400_000;
const MAX_COUNT = 500;

/**
 * What a policy will do next: its next runs (none when disabled), and the snapshots retention
 * would delete at each, with the reason. Pure. It plays the runs forward: each run adds a
 * snapshot per source and then applies retention, as the scheduler does, so GFS and quota
 * outcomes show at the run where they happen.
 */
export function previewPolicy(input: PreviewInput): PolicyPreview {
  const fields = validatePolicyFields(input.policy);
  const policy = { ...fields, id: input.policy.id ?? UNSAVED };
  const sourceIds = input.policy.sourceIds ?? [];
  const runs = fields.enabled ? nextRuns(fields, input.now, input.timeZone, Math.max(0, Math.min(input.count, MAX_COUNT))) : [];
  const real = new Set(input.snapshots.map((s) => s.id));
  let present: RetentionSnapshot[] = input.snapshots.filter((s) => sourceIds.includes(s.sourceId));
  const deletions: PolicyPreview['deletions'] = [];
  runs.forEach((run, i) => {
    const at = run.toISOString();
    const retainUntil = fields.retentionDays === KEEP_FOREVER ? null : new Date(run.getTime() + fields.retentionDays * DAY).toISOString();
    for (const sourceId of sourceIds) {
      present.push({ id: `next-${i}-${sourceId}`, sourceId, name: `run at ${at}`, type: 'auto', status: 'accomplished', createdAt: at, retainUntil, policyId: policy.id });
    }
    const gone = new Set<string>();
    for (const d of applyRetention(present, policy, run, { quota: input.quota, timeZone: input.timeZone })) {
      if (d.keep) continue;
      gone.add(d.snapshotId);
      if (real.has(d.snapshotId)) deletions.push({ snapshotId: d.snapshotId, sourceId: d.sourceId, name: d.name, createdAt: d.createdAt, reason: d.reasons[0]!, at });
    }
    present = present.filter((s) => !gone.has(s.id));
  });
  return { nextRuns: runs.map((r) => ({ at: r.toISOString(), sourceIds })), deletions };
}
