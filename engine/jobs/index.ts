/**
 * Jobs and the engine host: everything behind the UI.
 *
 * - Engine host: the process (dist/engine-worker.mjs) that runs the engine, the catalog, the
 *   scheduler and the jobs, and serves the API on one message channel (protocol.ts).
 * - API implementation: `createApi`, the one implementation of the contract's `StrataApi`;
 *   `callApi` checks every argument first (validate.ts).
 * - Job: long work (snapshot, restore, rollback, check, delete) with a status, progress and
 *   cancel, run one at a time by the `JobManager` and kept in the catalog's history.
 * - Front: Electron main or the web host; it talks to the host through a `HostClient`.
 */
export { createApi, callApi } from './api-impl';
export { HostClient, type HostChannel } from './host-client';
export { forkEngineHost } from './fork-host';
export { JobManager } from './job-manager';
export { validateRequest } from './validate';
export type { FrontMessage, HostMessage, SignalUpdate } from './protocol';
