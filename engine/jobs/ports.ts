/**
 * What the API needs from the catalog (policies, settings, job history) and the scheduler, as
 * interfaces: the engine host wires the real ones, tests may wire their own.
 */
import type { Policy } from '../core/types';
import type { PolicyInput, PolicyPreview, SchedulerState, Settings, StrataEvents } from '../api/contract';
import type { StrataService } from '../api/strata';
import type { JobHistory, JobManager } from './job-manager';
import type { PassphraseBox } from './passphrase-box';

export interface PolicyCatalog extends JobHistory {
  listPolicies(): Promise<Policy[]>;
  createPolicy(input: PolicyInput): Promise<Policy>;
  updatePolicy(policyId: string, changes: Partial<PolicyInput>): Promise<Policy>;
  deletePolicy(policyId: string): Promise<unknown>;
  applyPolicy(policyId: string, sourceIds: string[]): Promise<Policy>;
  unapplyPolicy(policyId: string, sourceIds: string[]): Promise<Policy>;
  previewPolicy(policy: PolicyInput, count: number): Promise<PolicyPreview>;
  getSettings(): Promise<Settings>;
  updateSettings(changes: Partial<Settings>): Promise<Settings>;
}

export interface SchedulerControl {
  state(): SchedulerState;
  pause(until: string | null): Promise<SchedulerState> | SchedulerState;
  /** Policies or settings changed: plan again now rather than at the next tick. */
  refresh(): void;
}

export type Emit = <E extends keyof StrataEvents>(event: E, payload: StrataEvents[E]) => void;

export interface ApiDeps {
  service: StrataService;
  catalog: PolicyCatalog;
  scheduler: SchedulerControl;
  jobs: JobManager;
  keys: PassphraseBox;
  emit: Emit;
  host: 'electron' | 'web';
  version: string;
  /** Whether the desktop shows a tray icon (the front tells; the web host has none). */
  trayAvailable: () => boolean;
}
