import { systemClock, type Clock } from '../core/clock';

/**
 * A clock that starts at `start` and runs `speed` times faster than the system's: the daemon's
 * end-to-end test lives through days in seconds with it (STRATA_CLOCK_START, STRATA_CLOCK_SPEED).
 */
export class ScaledClock implements Clock {
  private readonly realStart = systemClock.now();

  constructor(private readonly start: number, private readonly speed: number) {}

  now(): number {
    return Math.floor(this.start + (systemClock.now() - this.realStart) * this.speed);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms / this.speed, signal);
  }
}
