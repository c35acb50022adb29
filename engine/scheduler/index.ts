/**
 * The scheduler: runs the enabled policies at their time points.
 * - look: the loop wakes at the next time point, at least every tick, and at once on resume;
 *   the Planner decides what is due, the Runner carries it out one snapshot at a time.
 * - catch-up: time points missed while the machine slept, was off or paused become one run.
 * - off-peak conditions: AC power and idle time (SystemSignals) defer a due run, up to its deadline.
 * - overlap: a source whose previous snapshot still progresses skips the run (a `skipped` job).
 * - retention: after each automatic snapshot, the policy's retention and the quota delete what
 *   expired, through the engine, so the space is freed at once.
 * - instance lock: one scheduler per home, shared by `strata daemon` and the desktop app.
 */
export { Scheduler, type SchedulerOptions, DEFAULT_TICK_MS } from './scheduler';
export { ServiceExecutor, type SnapshotExecutor, type SnapshotRequest } from './executor';
export { FixedSignals, osSignals, type SystemSignals } from './signals';
export { acquireSchedulerLock } from './instance-lock';
export { fileLog, silentLog, type SchedulerLog } from './log';
