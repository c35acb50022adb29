/**
 * What the tray shows, as a pure function of the app's state: the icon state, its tooltip and
 * the menu. Electron only draws it (tray.ts), so all of this is tested in Node.
 */
import type { Job, SchedulerState } from '../engine/api/contract';

export type TrayIconState = 'idle' | 'running' | 'error';
export type TrayAction = 'open' | 'snapshot-all' | 'pause-1h' | 'pause-tomorrow' | 'resume' | 'quit';

export type TrayMenuItem =
  | { kind: 'action'; label: string; action: TrayAction; enabled: boolean }
  | { kind: 'info'; label: string }
  | { kind: 'separator' }
  | { kind: 'submenu'; label: string; items: TrayMenuItem[] };

export interface TrayInput {
  scheduler: SchedulerState | null;
  /** Queued and running jobs. */
  active: Job[];
  /** The newest finished job that failed since the user last looked, if any. */
  lastFailure: Job | null;
  sourceCount: number;
  now: number;
}

export interface TrayModel {
  icon: TrayIconState;
  /** 0–100 while running, else null. */
  percent: number | null;
  tooltip: string;
  menu: TrayMenuItem[];
}

/** A short local time for the menu: "14:00" today, "Thu 02:00" within a week, else the date. */
export function whenLabel(iso: string, now: number): string {
  const at = new Date(iso);
  const time = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  const sameDay = new Date(now).toDateString() === at.toDateString();
  if (sameDay) return time;
  if (at.getTime() - now < 6 * 86_400_000) return `${at.toLocaleDateString('en-GB', { weekday: 'short' })} ${time}`;
  return `${at.toISOString().slice(0, 10)} ${time}`;
}

function runningPercent(active: Job[]): number | null {
  const running = active.filter((j) => j.status === 'running');
  if (running.length === 0) return null;
  return Math.floor(running.reduce((sum, j) => sum + (j.progress?.percent ?? 0), 0) / running.length);
}

function scheduleItems(s: SchedulerState | null, now: number): TrayMenuItem[] {
  const paused = s?.pausedUntil != null && Date.parse(s.pausedUntil) > now;
  const next = !s?.nextRun ? 'Next run: none scheduled' : paused ? `Next run: paused until ${whenLabel(s.pausedUntil!, now)}` : `Next run: ${whenLabel(s.nextRun.at, now)}`;
  return [
    { kind: 'info', label: next },
    {
      kind: 'submenu',
      label: 'Pause schedules',
      items: [
        { kind: 'action', label: 'For 1 hour', action: 'pause-1h', enabled: true },
        { kind: 'action', label: 'Until tomorrow', action: 'pause-tomorrow', enabled: true },
        { kind: 'action', label: 'Resume', action: 'resume', enabled: paused },
      ],
    },
  ];
}

export function trayModel(input: TrayInput): TrayModel {
  const percent = runningPercent(input.active);
  const queued = input.active.length;
  const icon: TrayIconState = percent !== null ? 'running' : input.lastFailure ? 'error' : 'idle';
  const tooltip =
    icon === 'running' ? `Strata: ${queued} job${queued === 1 ? '' : 's'}, ${percent}%`
    : icon === 'error' ? `Strata: ${input.lastFailure!.kind} failed: ${input.lastFailure!.error?.message ?? 'unknown error'}`
    : 'Strata: idle';
  return {
    icon, percent, tooltip,
    menu: [
      { kind: 'action', label: 'Open Strata', action: 'open', enabled: true },
      { kind: 'action', label: 'Snapshot all now', action: 'snapshot-all', enabled: input.sourceCount > 0 },
      { kind: 'separator' },
      ...scheduleItems(input.scheduler, input.now),
      { kind: 'separator' },
      { kind: 'action', label: 'Quit Strata', action: 'quit', enabled: true },
    ],
  };
}

/** When "pause" ends: an hour from now, or tomorrow at 00:00 local time. */
export function pauseUntil(action: 'pause-1h' | 'pause-tomorrow', now: number): string {
  if (action === 'pause-1h') return new Date(now + 3_600_000).toISOString();
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).toISOString();
}
