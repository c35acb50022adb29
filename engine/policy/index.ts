/**
 * Automatic snapshot policies, as pure functions (no clock, no I/O; "now" is an argument):
 * - time point: an hour 0–23 of local time on a chosen ISO weekday (Monday = 1) when a policy
 *   runs. `nextRunAt` (schedule.ts) finds the next one; time-zone.ts does the wall-clock
 *   arithmetic, change days included.
 * - retention: how long a policy's automatic snapshots stay: retention days (`retainUntil` is set
 *   when a snapshot is taken), GFS rules (gfs.ts) that keep the newest of each hour/day/week/
 *   month/year beyond that, and the per-source quota. `applyRetention` says for every snapshot
 *   whether it stays and why. Manual snapshots always stay.
 * - preview: the next runs of a policy and what its retention would delete next (preview.ts).
 * - validation: every field checked with a message naming what was expected (validate.ts).
 */
export { nextRunAt, nextRuns, latestRunIn } from './schedule';
export { applyRetention, DEFAULT_QUOTA, type RetentionDecision, type RetentionRule } from './retention';
export { previewPolicy } from './preview';
export { validatePolicyFields, policyProblems, KEEP_FOREVER, POLICY_LIMITS } from './validate';
