/**
 * The shape of every API request, checked before anything reaches the engine. Used by the
 * engine host (for every front) and by Electron's IPC handlers (before a message leaves main).
 */
import { StrataError } from '../core/errors';
import { COMPRESSIONS, MAX_BLOCK_SIZE, MIN_BLOCK_SIZE, isCompression } from '../core/units';
import { API_METHODS, type ApiMethod, type ApiRequest, type Compression } from '../api/contract';
import { absolutePath, bool, fail, id, int, isoTime, list, none, nullable, object, optional, partial, secret, text, type Check } from './checks';

const blockSize: Check<number> = (v, at) => {
  const n = int(MIN_BLOCK_SIZE, MAX_BLOCK_SIZE)(v, at);
  return (n & (n - 1)) === 0 ? n : fail(at, 'a power of two', v);
};

const compression: Check<Compression> = (v, at) => (isCompression(v) ? v : fail(at, `one of ${COMPRESSIONS.join(', ')}`, v));

const retentionDays: Check<number> = (v, at) => (v === -1 ? -1 : int(1, 65535)(v, at));
const keep = optional(int(0, 100_000));
const gfs = nullable(object({ keepLast: keep, keepHourly: keep, keepDaily: keep, keepWeekly: keep, keepMonthly: keep, keepYearly: keep }));
const offPeak = partial({ requireAcPower: bool, idleMinutes: int(0, 1440), deadlineMinutes: int(0, 1440) });

const policyFields = {
  name: text(1, 100),
  enabled: optional(bool),
  timePoints: list(int(0, 23), 24, { unique: true }),
  repeatWeekdays: list(int(1, 7), 7, { unique: true, min: 1 }),
  retentionDays,
  gfs: optional(gfs),
  offPeak: optional(offPeak),
  ioBudget: optional(int(0, Number.MAX_SAFE_INTEGER)),
  sourceIds: optional(list(id, 1000, { unique: true })),
};
const policyInput = object(policyFields);
const sourceIds = list(id, 1000, { unique: true, min: 1 });

const RULES: { [M in ApiMethod]: Check<unknown> } = {
  getAppState: none,
  unlock: object({ passphrase: secret, remember: bool }),
  listSources: none,
  addSource: object({ path: absolutePath, name: optional(text(1, 200)), blockSize: optional(blockSize), compression: optional(compression), encrypted: bool, passphrase: optional(secret) }),
  removeSource: object({ sourceId: id, deleteSnapshots: bool }),
  pickSourcePath: none,
  pickRestoreTarget: none,
  listSnapshots: (v, at) => (v === undefined || v === null ? {} : object({ sourceId: optional(id) })(v, at)),
  chain: object({ sourceId: id }),
  createSnapshot: object({ sourceId: id, name: optional(text(1, 200)) }),
  deleteSnapshot: object({ snapshotId: id, dryRun: bool }),
  restore: object({ snapshotId: id, target: absolutePath, force: bool }),
  rollback: object({ sourceId: id, snapshotId: id, dryRun: bool }),
  listJobs: (v, at) => (v === undefined || v === null ? {} : object({ limit: optional(int(1, 1000)) })(v, at)),
  cancelJob: object({ jobId: id }),
  check: object({ readData: bool }),
  lastCheck: none,
  repositoryInfo: none,
  listPolicies: none,
  createPolicy: policyInput,
  updatePolicy: object({ policyId: id, changes: partial(policyFields) }),
  deletePolicy: object({ policyId: id }),
  applyPolicy: object({ policyId: id, sourceIds }),
  unapplyPolicy: object({ policyId: id, sourceIds }),
  previewPolicy: object({ policy: policyInput, count: optional(int(1, 100)) }),
  getSettings: none,
  updateSettings: partial({ startAtLogin: bool, closeToTray: bool, autoSnapshotQuota: int(1, 100_000), notifications: bool }),
  schedulerState: none,
  pauseSchedules: object({ until: nullable(isoTime) }),
  snapshotAllNow: none,
};

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && (API_METHODS as readonly string[]).includes(name);
}

/** Returns the request typed and stripped to known fields, or throws E_INVALID. */
export function validateRequest<M extends ApiMethod>(method: M, arg: unknown): ApiRequest<M> {
  if (!isApiMethod(method)) throw new StrataError('E_INVALID', `Expected one of the API's ${API_METHODS.length} methods, got ${JSON.stringify(String(method)).slice(0, 60)}`);
  return RULES[method](arg, method) as ApiRequest<M>;
}
