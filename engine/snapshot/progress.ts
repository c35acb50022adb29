import type { Clock } from '../core/clock';
import type { Progress } from '../core/types';

/** Turns byte counts into progress events: rate over a sliding window, ETA, at most every `everyMs`. */
export class ProgressMeter {
  private samples: { t: number; bytes: number }[] = [];
  private lastEmit = -Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly total: number,
    private readonly phase: string,
    private readonly emit: (p: Progress) => void,
    private readonly everyMs = 250,
  ) {}

  update(bytesDone: number, force = false): void {
    const t = this.clock.now();
    this.samples.push({ t, bytes: bytesDone });
    while (this.samples.length > 2 && t - this.samples[0]!.t > 3000) this.samples.shift();
    if (!force && t - this.lastEmit < this.everyMs) return;
    this.lastEmit = t;
    this.emit(this.snapshot(bytesDone));
  }

  snapshot(bytesDone: number): Progress {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const dt = first && last ? (last.t - first.t) / 1000 : 0;
    const rate = dt > 0 ? (last!.bytes - first!.bytes) / dt : 0;
    const left = Math.max(0, this.total - bytesDone);
    return {
      bytesDone,
      bytesTotal: this.total,
      rate,
      etaSeconds: rate > 0 ? left / rate : null,
      percent: this.total > 0 ? Math.min(100, (bytesDone / this.total) * 100) : 100,
      phase: this.phase,
    };
  }
}
