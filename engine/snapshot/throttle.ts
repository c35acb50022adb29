import type { Clock } from '../core/clock';

/** Paces reading: called after each chunk, resolves when the next one may be read. */
export interface RateGate {
  consumed(bytes: number, signal?: AbortSignal): Promise<void>;
}

/**
 * A byte-rate limit for reading a source: after each chunk it sleeps long enough that the
 * average rate stays at or under `bytesPerSecond`. A limit of 0 means no limit.
 */
export class Throttle implements RateGate {
  private start = -1;
  private bytes = 0;

  constructor(private readonly clock: Clock, private bytesPerSecond: number) {}

  setRate(bytesPerSecond: number): void {
    this.bytesPerSecond = bytesPerSecond;
    this.start = -1;
    this.bytes = 0;
  }

  async consumed(n: number, signal?: AbortSignal): Promise<void> {
    if (this.bytesPerSecond <= 0) return;
    const now = this.clock.now();
    if (this.start < 0) this.start = now;
    this.bytes += n;
    const due = this.start + (this.bytes / this.bytesPerSecond) * 1000;
    if (due > now) await this.clock.sleep(due - now, signal);
  }
}
