import type { FixedSignals } from '../scheduler/signals';
import type { SignalUpdate } from './protocol';

/** Applies what the front reports (Electron's powerMonitor) to the scheduler's signals. */
export function applySignals(signals: FixedSignals, update: SignalUpdate): void {
  if (typeof update.onAcPower === 'boolean') signals.ac = update.onAcPower;
  if (typeof update.idleSeconds === 'number' && update.idleSeconds >= 0) signals.idle = update.idleSeconds;
  if (update.power === 'suspend' || update.power === 'resume') signals.emit(update.power);
}
