import type { Clock } from '../core/clock';
import type { IoCounters, IoSampler } from './device-load';
import { Throttle, type RateGate } from './throttle';

const MiB = 1024 * 1024;

/** Named settings of the adaptive mode; see docs/benchmarks.md for how they were chosen. */
export interface AdaptiveSettings {
  /** Rate while nobody else uses the device; 0 = no ceiling. */
  ceiling: number;
  /** Rate it never goes under, so the snapshot always finishes. */
  floor: number;
  /** Rate it starts at, before it has seen the device. */
  start: number;
  /** How often it looks at the device. */
  windowMs: number;
  /** Other processes' device traffic above which the device counts as busy. */
  busyBytesPerSecond: number;
}

export const DEFAULT_ADAPTIVE: AdaptiveSettings = { ceiling: 0, floor: 8 * MiB, start: 32 * MiB, windowMs: 250, busyBytesPerSecond: 512 * 1024 };

/** Above this the rate counts as unlimited (no sleeping at all). */
const UNLIMITED = 4096 * MiB;

/**
 * A rate gate that backs off while other processes use the source's device and speeds up
 * again when they stop: each window it compares the device's traffic with this process's own;
 * if others moved more than `busyBytesPerSecond`, the rate halves (not under `floor`), else it
 * grows by half (up to `ceiling`). Without device statistics it keeps the start rate.
 */
export class AdaptiveThrottle implements RateGate {
  private readonly inner: Throttle;
  private rate: number;
  private last: IoCounters | null = null;
  private windowStart = -1;

  constructor(private readonly clock: Clock, private readonly sample: IoSampler, private readonly s: AdaptiveSettings = DEFAULT_ADAPTIVE) {
    this.rate = s.ceiling > 0 ? Math.min(s.start, s.ceiling) : s.start;
    this.inner = new Throttle(clock, this.rate);
  }

  /** The current rate in bytes/s (0 = unlimited). */
  get bytesPerSecond(): number {
    return this.rate >= UNLIMITED ? 0 : this.rate;
  }

  async consumed(bytes: number, signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    if (this.windowStart < 0) {
      this.windowStart = now;
      this.last = await this.sample();
    } else if (now - this.windowStart >= this.s.windowMs) {
      await this.adjust(now);
    }
    await this.inner.consumed(bytes, signal);
  }

  private async adjust(now: number): Promise<void> {
    const counters = await this.sample();
    const seconds = (now - this.windowStart) / 1000;
    this.windowStart = now;
    if (!counters || !this.last) return;
    const others = Math.max(0, counters.deviceBytes - this.last.deviceBytes - (counters.ownBytes - this.last.ownBytes));
    this.last = counters;
    const cap = this.s.ceiling > 0 ? this.s.ceiling : UNLIMITED;
    const next = others / seconds > this.s.busyBytesPerSecond ? Math.max(this.s.floor, Math.min(this.rate, cap) / 2) : Math.min(cap, this.rate * 1.5);
    if (next !== this.rate) {
      this.rate = next;
      this.inner.setRate(this.bytesPerSecond);
    }
  }
}
