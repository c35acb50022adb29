import type { Job, SchedulerState } from '../engine/api/contract';
import type { TrayInput } from './tray-model';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled', 'skipped']);

/**
 * What main knows of the engine, kept from the host's events: active jobs, the last failure
 * (cleared once the user opens the window), the scheduler state and the number of sources.
 */
export class AppStatus {
  private readonly active = new Map<string, Job>();
  private lastFailure: Job | null = null;
  private scheduler: SchedulerState | null = null;
  private sourceCount = 0;

  /** Takes a job event; returns the job if it just finished (for notifications). */
  job(job: Job): Job | null {
    if (!FINISHED.has(job.status)) {
      this.active.set(job.id, job);
      return null;
    }
    this.active.delete(job.id);
    if (job.status === 'failed') this.lastFailure = job;
    return job;
  }

  setScheduler(s: SchedulerState): void {
    this.scheduler = s;
  }

  setSourceCount(n: number): void {
    this.sourceCount = n;
  }

  /** The user has seen the window: the error state has been noticed. */
  acknowledge(): void {
    this.lastFailure = null;
  }

  trayInput(now: number): TrayInput {
    return { scheduler: this.scheduler, active: [...this.active.values()], lastFailure: this.lastFailure, sourceCount: this.sourceCount, now };
  }
}
