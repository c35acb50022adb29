import { StrataError } from '../core/errors';
import type { GfsRules, OffPeakConditions, Policy } from '../core/types';
import type { PolicyInput } from '../api/contract';
import { resolveRef } from '../api/resolve';

/** Bounds of a policy's fields; the messages quote them. */
export const POLICY_LIMITS = {
  maxNameLength: 100,
  maxRetentionDays: 65_535,
  maxGfsCount: 65_535,
  maxIdleMinutes: 24 * 60,
  maxDeadlineMinutes: 7 * 24 * 60,
} as const;

export const KEEP_FOREVER = -1;

export const DEFAULT_OFF_PEAK: OffPeakConditions = { requireAcPower: false, idleMinutes: 0, deadlineMinutes: 0 };

const GFS_KEYS = ['keepLast', 'keepHourly', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly'] as const;

/** The fields of a policy a user sets, checked and in canonical form (sorted, no duplicates). */
export type PolicyFields = Pick<Policy, 'name' | 'enabled' | 'timePoints' | 'repeatWeekdays' | 'retentionDays' | 'gfs' | 'offPeak' | 'ioBudget'>;

const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const shown = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));

/** Every problem with the fields of `input`, as messages saying what was expected and what came. */
export function policyProblems(input: PolicyInput): string[] {
  const out: string[] = [];
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '' || name.length > POLICY_LIMITS.maxNameLength || /[\u0000-\u001f]/.test(name)) {
    out.push(`Expected a policy name of 1 to ${POLICY_LIMITS.maxNameLength} printable characters, got ${shown(input.name)}`);
  }
  const hours = Array.isArray(input.timePoints) ? input.timePoints : [];
  if (hours.length === 0) out.push('Expected at least one time point (an hour from 0 to 23), got none');
  for (const h of hours.filter((x) => !isInt(x, 0, 23))) out.push(`Expected time points as whole hours from 0 to 23, got ${shown(h)}`);
  const days = Array.isArray(input.repeatWeekdays) ? input.repeatWeekdays : [];
  if (days.length === 0) out.push('Expected at least one weekday from 1 (Monday) to 7 (Sunday), got none');
  for (const d of days.filter((x) => !isInt(x, 1, 7))) out.push(`Expected weekdays from 1 (Monday) to 7 (Sunday), got ${shown(d)}`);
  if (input.retentionDays !== KEEP_FOREVER && !isInt(input.retentionDays, 1, POLICY_LIMITS.maxRetentionDays)) {
    out.push(`Expected retention days from 1 to ${POLICY_LIMITS.maxRetentionDays}, or -1 to keep until deleted, got ${shown(input.retentionDays)}`);
  }
  for (const key of GFS_KEYS) {
    const v = input.gfs?.[key];
    if (v !== undefined && !isInt(v, 0, POLICY_LIMITS.maxGfsCount)) out.push(`Expected ${key} as a whole number from 0 to ${POLICY_LIMITS.maxGfsCount}, got ${shown(v)}`);
  }
  out.push(...offPeakProblems(input.offPeak ?? {}));
  if (input.ioBudget !== undefined && !isInt(input.ioBudget, 0, Number.MAX_SAFE_INTEGER)) {
    out.push(`Expected an I/O budget in bytes per second (0 = adaptive), got ${shown(input.ioBudget)}`);
  }
  if (input.enabled !== undefined && typeof input.enabled !== 'boolean') out.push(`Expected enabled as true or false, got ${shown(input.enabled)}`);
  return out;
}

function offPeakProblems(op: Partial<OffPeakConditions>): string[] {
  const out: string[] = [];
  if (op.requireAcPower !== undefined && typeof op.requireAcPower !== 'boolean') out.push(`Expected requireAcPower as true or false, got ${shown(op.requireAcPower)}`);
  if (op.idleMinutes !== undefined && !isInt(op.idleMinutes, 0, POLICY_LIMITS.maxIdleMinutes)) {
    out.push(`Expected idle minutes from 0 to ${POLICY_LIMITS.maxIdleMinutes}, got ${shown(op.idleMinutes)}`);
  }
  if (op.deadlineMinutes !== undefined && !isInt(op.deadlineMinutes, 0, POLICY_LIMITS.maxDeadlineMinutes)) {
    out.push(`Expected deadline minutes from 0 (no deadline) to ${POLICY_LIMITS.maxDeadlineMinutes}, got ${shown(op.deadlineMinutes)}`);
  }
  return out;
}

/** Checks `input` and returns its fields in canonical form; E_INVALID lists every problem. */
export function validatePolicyFields(input: PolicyInput): PolicyFields {
  const problems = policyProblems(input);
  if (problems.length > 0) {
    throw new StrataError('E_INVALID', problems.length === 1 ? problems[0]! : `the policy has ${problems.length} problems:\n- ${problems.join('\n- ')}`, { details: { problems } });
  }
  const gfs: GfsRules = {};
  for (const key of GFS_KEYS) if (input.gfs?.[key]) gfs[key] = input.gfs[key];
  return {
    name: input.name.trim(),
    enabled: input.enabled ?? true,
    timePoints: [...new Set(input.timePoints)].sort((a, b) => a - b),
    repeatWeekdays: [...new Set(input.repeatWeekdays)].sort((a, b) => a - b),
    retentionDays: input.retentionDays,
    gfs: Object.keys(gfs).length > 0 ? gfs : null,
    offPeak: { ...DEFAULT_OFF_PEAK, ...input.offPeak },
    ioBudget: input.ioBudget ?? 0,
  };
}

/** Policy names are unique (case-insensitive), so the CLI can name a policy by its name. */
export function assertUniqueName(name: string, policies: Policy[], selfId?: string): void {
  const other = policies.find((p) => p.id !== selfId && p.name.toLowerCase() === name.trim().toLowerCase());
  if (other) throw new StrataError('E_EXISTS', `a policy named "${other.name}" exists already (${other.id}); choose another name`);
}

/** Resolves source references (id, id prefix or name) to ids; an unknown one is refused by name. */
export function resolveSourceIds(refs: string[], sources: { id: string; name: string }[]): string[] {
  const ids = refs.map((ref) => {
    try {
      return resolveRef(sources, ref, 'source').id;
    } catch (err) {
      if (err instanceof StrataError && err.code === 'E_NOT_FOUND') {
        throw new StrataError('E_NOT_FOUND', `unknown source "${ref}": no source has this id or name ("strata source list" shows them)`, { cause: err });
      }
      throw err;
    }
  });
  return [...new Set(ids)];
}

/**
 * A source carries at most one policy (as a cloud disk does): two policies on one disk would
 * run twice at shared hours and disagree on what to keep. See docs/policies.md.
 */
export function assertOnePolicyPerSource(policyId: string, sourceIds: string[], policies: Policy[], names: Map<string, string>): void {
  for (const id of sourceIds) {
    const holder = policies.find((p) => p.id !== policyId && p.sourceIds.includes(id));
    if (holder) {
      throw new StrataError('E_EXISTS', `source "${names.get(id) ?? id}" already carries policy "${holder.name}"; a source carries one policy: unapply that one first`);
    }
  }
}
