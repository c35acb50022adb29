import type { StrataApi } from '../api/contract';
import type { ApiDeps } from './ports';

type PolicyCalls = Pick<StrataApi,
  'listPolicies' | 'createPolicy' | 'updatePolicy' | 'deletePolicy' | 'applyPolicy' | 'unapplyPolicy' | 'previewPolicy' |
  'getSettings' | 'updateSettings' | 'schedulerState' | 'pauseSchedules'>;

/** Policies, settings and the scheduler: each change is announced so every window reloads. */
export function policyCalls(d: ApiDeps): PolicyCalls {
  const changed = <T>(what: 'policies' | 'settings', value: T): T => {
    d.emit('catalogChanged', { what });
    // The scheduler announces its new plan itself once it has looked again.
    d.scheduler.refresh();
    return value;
  };
  /** Sources named by a policy must exist: a typo would otherwise never run. */
  const existing = async (ids: string[] | undefined): Promise<string[] | undefined> => {
    if (ids === undefined) return undefined;
    const out: string[] = [];
    for (const id of ids) out.push((await d.service.sourceRecord(id)).id);
    return out;
  };
  return {
    listPolicies: () => d.catalog.listPolicies(),
    createPolicy: async (input) => changed('policies', await d.catalog.createPolicy({ ...input, sourceIds: await existing(input.sourceIds) })),
    updatePolicy: async ({ policyId, changes }) => {
      const sourceIds = await existing(changes.sourceIds);
      return changed('policies', await d.catalog.updatePolicy(policyId, sourceIds ? { ...changes, sourceIds } : changes));
    },
    deletePolicy: async ({ policyId }) => {
      await d.catalog.deletePolicy(policyId);
      changed('policies', null);
    },
    applyPolicy: async ({ policyId, sourceIds }) => changed('policies', await d.catalog.applyPolicy(policyId, (await existing(sourceIds))!)),
    unapplyPolicy: async ({ policyId, sourceIds }) => changed('policies', await d.catalog.unapplyPolicy(policyId, sourceIds)),
    previewPolicy: ({ policy, count }) => d.catalog.previewPolicy(policy, count ?? 10),
    getSettings: () => d.catalog.getSettings(),
    updateSettings: async (changes) => changed('settings', await d.catalog.updateSettings(changes)),
    schedulerState: async () => d.scheduler.state(),
    pauseSchedules: async ({ until }) => {
      const state = await d.scheduler.pause(until);
      d.emit('scheduler', state);
      return state;
    },
  };
}
