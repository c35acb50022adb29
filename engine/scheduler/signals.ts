import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the scheduler needs to know of the machine for off-peak conditions. The desktop app feeds
 * it from Electron's `powerMonitor`; the daemon from the OS (`osSignals`) or a setting.
 * Implementations MUST answer `onAcPower` and `idleSeconds` quickly and without throwing; a
 * machine that cannot tell says "on AC" and "idle" (a server: nobody at the keyboard, no battery).
 */
export interface SystemSignals {
  onAcPower(): boolean;
  /** Seconds since the last user input; `Infinity` when unknown. */
  idleSeconds(): number;
  /** Called when the machine is about to sleep. */
  onSuspend(cb: () => void): void;
  /** Called when the machine woke up; the scheduler then looks for missed runs at once. */
  onResume(cb: () => void): void;
}

/** Fixed answers, changeable by the caller (tests, and a daemon told by a setting). */
export class FixedSignals implements SystemSignals {
  private readonly suspend: (() => void)[] = [];
  private readonly resume: (() => void)[] = [];

  constructor(public ac = true, public idle = Infinity) {}

  onAcPower(): boolean {
    return this.ac;
  }

  idleSeconds(): number {
    return this.idle;
  }

  onSuspend(cb: () => void): void {
    this.suspend.push(cb);
  }

  onResume(cb: () => void): void {
    this.resume.push(cb);
  }

  /** Tells the listeners the machine sleeps, or woke. */
  emit(what: 'suspend' | 'resume'): void {
    for (const cb of what === 'suspend' ? this.suspend : this.resume) cb();
  }
}

export type PowerSetting = 'auto' | 'ac' | 'battery';

/**
 * The daemon's signals on Linux: AC power from `/sys/class/power_supply/<name>/online` of the
 * mains supplies (no mains supply listed, as on most servers, counts as AC); idle time unknown,
 * so treated as idle. `power` other than "auto" overrides what the OS says. Sleep is not
 * reported here: the scheduler notices a jump of its clock instead.
 */
export function osSignals(power: PowerSetting = 'auto', root = '/sys/class/power_supply'): SystemSignals {
  const signals = new FixedSignals(power !== 'battery', Infinity);
  if (power === 'auto') signals.onAcPower = () => readMainsOnline(root) ?? true;
  return signals;
}

function readMainsOnline(root: string): boolean | null {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return null;
  }
  let sawMains = false;
  for (const name of names) {
    const type = readText(join(root, name, 'type'));
    if (type !== 'Mains' && type !== 'USB') continue;
    sawMains = true;
    if (readText(join(root, name, 'online')) === '1') return true;
  }
  return sawMains ? false : null;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}
