/**
 * The app catalog: the desktop app's and the daemon's state, in lowdb under the Strata home.
 * - state file (`HOME/state.json`): a cache of the sources, the policies, the settings, the job
 *   history and what the scheduler remembers (last run per policy, a pause). Written durably,
 *   under a lock file shared by every process on the home (state-file.ts, state-lock.ts).
 * - mirror (`repository/catalog/policies.json`): the policies and settings again, inside the
 *   repository, so that a lost state file is rebuilt with nothing missing (mirror.ts).
 * - recovery: a missing file is rebuilt from the repository; a damaged one is first moved aside
 *   to `state.json.corrupt-<time>`, never overwritten.
 */
export { Catalog, type CatalogRecovery, JOB_HISTORY_LIMIT, INTERRUPTED_MESSAGE } from './catalog';
export { DEFAULT_SETTINGS } from './settings';
