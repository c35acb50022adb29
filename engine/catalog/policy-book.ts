import { newId } from '../core/ids';
import type { Policy, Source } from '../core/types';
import type { PolicyInput } from '../api/contract';
import { resolveRef } from '../api/resolve';
import { assertOnePolicyPerSource, assertUniqueName, resolveSourceIds, validatePolicyFields } from '../policy/validate';
import type { StateData } from './state-file';

/**
 * The policy changes, applied to a state read under the catalog's lock. Each checks the whole
 * result (fields, a unique name, known sources, one policy per source) before changing anything.
 */

const names = (sources: Source[]) => new Map(sources.map((s) => [s.id, s.name]));

export function createPolicy(d: StateData, input: PolicyInput, sources: Source[], now: Date): Policy {
  const fields = validatePolicyFields(input);
  assertUniqueName(fields.name, d.policies);
  const policy: Policy = { id: newId('pol'), ...fields, sourceIds: resolveSourceIds(input.sourceIds ?? [], sources), createdAt: now.toISOString() };
  assertOnePolicyPerSource(policy.id, policy.sourceIds, d.policies, names(sources));
  d.policies.push(policy);
  d.sources = sources;
  return policy;
}

/**
 * Changes a policy. A new schedule counts from now: time points it would have had earlier today
 * are not caught up (the scheduler's last run for it moves to now).
 */
export function updatePolicy(d: StateData, ref: string, changes: Partial<PolicyInput>, sources: Source[], now: Date): Policy {
  const current = resolveRef(d.policies, ref, 'policy');
  const fields = validatePolicyFields({
    ...current,
    ...changes,
    gfs: changes.gfs !== undefined ? changes.gfs : current.gfs,
    offPeak: { ...current.offPeak, ...changes.offPeak },
  });
  assertUniqueName(fields.name, d.policies, current.id);
  const sourceIds = changes.sourceIds ? resolveSourceIds(changes.sourceIds, sources) : current.sourceIds;
  assertOnePolicyPerSource(current.id, sourceIds, d.policies, names(sources));
  const rescheduled = String(fields.timePoints) !== String(current.timePoints) || String(fields.repeatWeekdays) !== String(current.repeatWeekdays);
  if (rescheduled) d.scheduler.lastRuns[current.id] = now.toISOString();
  return replace(d, { ...current, ...fields, sourceIds });
}

/** Removes a policy; its sources are unbound and its snapshots stay where they are. */
export function deletePolicy(d: StateData, ref: string): Policy {
  const policy = resolveRef(d.policies, ref, 'policy');
  d.policies = d.policies.filter((p) => p.id !== policy.id);
  delete d.scheduler.lastRuns[policy.id];
  return policy;
}

export function applyPolicy(d: StateData, ref: string, sourceRefs: string[], sources: Source[]): Policy {
  const policy = resolveRef(d.policies, ref, 'policy');
  const added = resolveSourceIds(sourceRefs, sources);
  assertOnePolicyPerSource(policy.id, added, d.policies, names(sources));
  return replace(d, { ...policy, sourceIds: [...new Set([...policy.sourceIds, ...added])] });
}

/** Unbinds sources; a source the repository no longer has can still be named by its id. */
export function unapplyPolicy(d: StateData, ref: string, sourceRefs: string[], sources: Source[]): Policy {
  const policy = resolveRef(d.policies, ref, 'policy');
  const gone = policy.sourceIds.filter((id) => !sources.some((s) => s.id === id)).map((id) => ({ id, name: id }));
  const removed = new Set(resolveSourceIds(sourceRefs, [...sources, ...gone]));
  return replace(d, { ...policy, sourceIds: policy.sourceIds.filter((id) => !removed.has(id)) });
}

function replace(d: StateData, policy: Policy): Policy {
  d.policies = d.policies.map((p) => (p.id === policy.id ? policy : p));
  return policy;
}
