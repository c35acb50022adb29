import type { ApiMethod } from '../../engine/api/contract';

/**
 * Every API method the web transport forwards. A record keyed by `ApiMethod` so the compiler
 * flags a method added to the contract but missing here (the contract is imported as types only).
 */
const METHOD_SET: Record<ApiMethod, true> = {
  getAppState: true, unlock: true, listSources: true, addSource: true, removeSource: true, pickSourcePath: true,
  pickRestoreTarget: true, listSnapshots: true, chain: true, createSnapshot: true, deleteSnapshot: true, restore: true,
  rollback: true, listJobs: true, cancelJob: true, check: true, lastCheck: true, repositoryInfo: true, listPolicies: true,
  createPolicy: true, updatePolicy: true, deletePolicy: true, applyPolicy: true, unapplyPolicy: true, previewPolicy: true,
  getSettings: true, updateSettings: true, schedulerState: true, pauseSchedules: true, snapshotAllNow: true,
};

export const API_METHODS = Object.keys(METHOD_SET) as ApiMethod[];
