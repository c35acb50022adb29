/**
 * The one typed API contract between the UI and the back ends (Electron main over IPC, the web
 * host over HTTP/WebSocket). Types and names only: no runtime dependencies, so the renderer
 * imports it with `import type` and pulls in no engine code.
 */
import type {
  Chain, CheckReport, Compression, DeleteResult, Job, Policy, Progress, RepositoryInfo, Snapshot, Source, GfsRules, OffPeakConditions,
} from '../core/types';

export type { Chain, CheckReport, Compression, DeleteResult, Job, Policy, Progress, RepositoryInfo, Snapshot, Source, GfsRules, OffPeakConditions };

export interface AddSourceRequest {
  /** A path the user chose in a file dialog (desktop) or typed (web host). */
  path: string;
  name?: string;
  blockSize?: number;
  /** How new snapshots compress blocks (default LZ4). */
  compression?: Compression;
  encrypted: boolean;
  /** Needed when the repository has no key yet or is locked. */
  passphrase?: string;
}

export interface PolicyInput {
  name: string;
  enabled?: boolean;
  timePoints: number[];
  repeatWeekdays: number[];
  retentionDays: number;
  gfs?: GfsRules | null;
  offPeak?: Partial<OffPeakConditions>;
  ioBudget?: number;
  sourceIds?: string[];
}

export interface PolicyPreview {
  nextRuns: { at: string; sourceIds: string[] }[];
  /** Snapshots retention would delete next, with the reason. */
  deletions: { snapshotId: string; sourceId: string; name: string; createdAt: string; reason: string; at: string }[];
}

export interface Settings {
  startAtLogin: boolean;
  closeToTray: boolean;
  /** Automatic snapshots kept per source before the oldest goes. */
  autoSnapshotQuota: number;
  notifications: boolean;
}

export interface SchedulerState {
  running: boolean;
  /** ISO time until which schedules are paused, or null. */
  pausedUntil: string | null;
  nextRun: { at: string; policyId: string; sourceIds: string[] } | null;
  activeJobs: number;
  lastError: string | null;
}

export interface AppState {
  /** Which back end serves the UI. */
  host: 'electron' | 'web';
  version: string;
  repositoryPath: string;
  locked: boolean;
  hasKeys: boolean;
  trayAvailable: boolean;
}

/** Every call the UI can make. Each takes one JSON-serialisable argument (or none). */
export interface StrataApi {
  getAppState(): Promise<AppState>;
  unlock(req: { passphrase: string; remember: boolean }): Promise<AppState>;

  listSources(): Promise<Source[]>;
  addSource(req: AddSourceRequest): Promise<Source>;
  removeSource(req: { sourceId: string; deleteSnapshots: boolean }): Promise<{ freedBytes: number }>;
  /** Desktop: a native open dialog. Web host: null (the UI asks for a typed path). */
  pickSourcePath(): Promise<string | null>;
  pickRestoreTarget(): Promise<string | null>;

  listSnapshots(req: { sourceId?: string }): Promise<Snapshot[]>;
  chain(req: { sourceId: string }): Promise<Chain>;
  createSnapshot(req: { sourceId: string; name?: string }): Promise<Job>;
  deleteSnapshot(req: { snapshotId: string; dryRun: boolean }): Promise<DeleteResult>;
  restore(req: { snapshotId: string; target: string; force: boolean }): Promise<Job>;
  /** dryRun: how many blocks would change; otherwise a job (a safety snapshot is taken first). */
  rollback(req: { sourceId: string; snapshotId: string; dryRun: boolean }): Promise<Job | { blocksDiffering: number }>;

  listJobs(req: { limit?: number }): Promise<Job[]>;
  cancelJob(req: { jobId: string }): Promise<void>;
  check(req: { readData: boolean }): Promise<Job>;
  lastCheck(): Promise<CheckReport | null>;
  repositoryInfo(): Promise<RepositoryInfo>;

  listPolicies(): Promise<Policy[]>;
  createPolicy(req: PolicyInput): Promise<Policy>;
  updatePolicy(req: { policyId: string; changes: Partial<PolicyInput> }): Promise<Policy>;
  deletePolicy(req: { policyId: string }): Promise<void>;
  applyPolicy(req: { policyId: string; sourceIds: string[] }): Promise<Policy>;
  unapplyPolicy(req: { policyId: string; sourceIds: string[] }): Promise<Policy>;
  previewPolicy(req: { policy: PolicyInput; count?: number }): Promise<PolicyPreview>;

  getSettings(): Promise<Settings>;
  updateSettings(req: Partial<Settings>): Promise<Settings>;
  schedulerState(): Promise<SchedulerState>;
  pauseSchedules(req: { until: string | null }): Promise<SchedulerState>;
  snapshotAllNow(): Promise<Job[]>;
}

export type ApiMethod = keyof StrataApi;
export type ApiRequest<M extends ApiMethod> = Parameters<StrataApi[M]>[0];
export type ApiResponse<M extends ApiMethod> = Awaited<ReturnType<StrataApi[M]>>;

/** Events pushed to the UI. */
export interface StrataEvents {
  /** A job started, progressed or finished. */
  job: Job;
  /** Sources, snapshots or policies changed: reload what is shown. */
  catalogChanged: { what: 'sources' | 'snapshots' | 'policies' | 'settings' };
  scheduler: SchedulerState;
}

export type EventName = keyof StrataEvents;

/** IPC channel names: `strata:<area>:<verb>` for calls, `strata:event:<name>` for events. */
export const CHANNEL_PREFIX = 'strata:';
export const callChannel = (method: ApiMethod) => `${CHANNEL_PREFIX}call:${method}` as const;
export const eventChannel = (name: EventName) => `${CHANNEL_PREFIX}event:${name}` as const;

export const API_METHODS: readonly ApiMethod[] = [
  'getAppState', 'unlock', 'listSources', 'addSource', 'removeSource', 'pickSourcePath', 'pickRestoreTarget',
  'listSnapshots', 'chain', 'createSnapshot', 'deleteSnapshot', 'restore', 'rollback', 'listJobs', 'cancelJob', 'check',
  'lastCheck', 'repositoryInfo', 'listPolicies', 'createPolicy', 'updatePolicy', 'deletePolicy', 'applyPolicy',
  'unapplyPolicy', 'previewPolicy', 'getSettings', 'updateSettings', 'schedulerState', 'pauseSchedules', 'snapshotAllNow',
] as const;
export const EVENT_NAMES: readonly EventName[] = ['job', 'catalogChanged', 'scheduler'] as const;

/** Errors cross the boundary as { code, message }; the UI shows the message and matches on code. */
export interface ApiError {
  code: string;
  message: string;
}

/**
 * The web host (`strata serve`) speaks the same API over HTTP on 127.0.0.1:
 * - `POST ${WEB_API_PREFIX}<method>` with the request as the JSON body (empty for none) and the header
 *   `Authorization: Bearer <token>`; 200 answers with the result as JSON (`null` for none), errors
 *   answer 4xx/5xx with `{ error: ApiError }` (401 without the token).
 * - `GET ${WEB_EVENTS_PATH}?token=<token>` upgrades to a WebSocket that pushes `WebEventMessage`s.
 * The token comes in the page's URL (`/?token=…`), printed by `strata serve` on its first line.
 */
export const WEB_API_PREFIX = '/api/';
export const WEB_EVENTS_PATH = '/events';

export type WebEventMessage = { [E in EventName]: { event: E; payload: StrataEvents[E] } }[EventName];
