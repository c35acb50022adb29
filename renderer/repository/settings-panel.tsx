import type { SchedulerState, Settings } from '../../engine/api/contract';
import { api } from '../api/client';
import { useAppState } from '../ui/app-state';
import { formatDateTime } from '../ui/format';
import { useAction, useLoad } from '../ui/use-load';
import { ErrorBox, Loading, Section } from '../ui/widgets';

const HOUR_MS = 3600_000;

function schedulerText(s: SchedulerState): string {
  if (s.pausedUntil) return `Paused until ${formatDateTime(s.pausedUntil)}.`;
  if (!s.running) return 'Not running: schedules run while the app or `strata daemon` runs.';
  return s.nextRun ? `Next run ${formatDateTime(s.nextRun.at)}.` : 'No run scheduled: no enabled policy applies to a disk.';
}

/** App settings and the scheduler's pause switch (the tray menu offers the same). */
export function SettingsPanel() {
  const desktop = useAppState()?.host === 'electron';
  const settings = useLoad(() => api().getSettings(), []);
  const scheduler = useLoad(() => api().schedulerState(), [], ['scheduler']);
  const [error, run] = useAction();
  const update = (c: Partial<Settings>) => void run(() => api().updateSettings(c)).then((s) => s && settings.reload());
  const pause = (until: string | null) => void run(() => api().pauseSchedules({ until })).then((s) => s && scheduler.reload());
  const s = settings.data;
  return (
    <Section title="Settings">
      <ErrorBox error={settings.error ?? scheduler.error ?? error} />
      {!s && !settings.error && <Loading what="settings" />}
      {scheduler.data && (
        <div className="row wrap">
          <span data-testid="scheduler-state">{schedulerText(scheduler.data)}</span>
          {scheduler.data.pausedUntil ? (
            <button type="button" onClick={() => pause(null)}>
              Resume schedules
            </button>
          ) : (
            <button type="button" onClick={() => pause(new Date(Date.now() + HOUR_MS).toISOString())}>
              Pause for 1 hour
            </button>
          )}
        </div>
      )}
      {s && (
        <div className="form">
          <label className="field inline">
            Automatic snapshots kept per disk
            {/* Saved when the field is left, not on every keystroke of a number being typed. */}
            <input
              type="number"
              min={1}
              max={100000}
              key={s.autoSnapshotQuota}
              defaultValue={s.autoSnapshotQuota}
              onBlur={(e) => Number(e.target.value) !== s.autoSnapshotQuota && update({ autoSnapshotQuota: Number(e.target.value) })}
            />
          </label>
          <label className="check">
            <input type="checkbox" checked={s.notifications} onChange={(e) => update({ notifications: e.target.checked })} /> Notify when a scheduled run fails or catches up
          </label>
          <label className="check">
            <input type="checkbox" disabled={!desktop} checked={s.startAtLogin} onChange={(e) => update({ startAtLogin: e.target.checked })} /> Start Strata at login
          </label>
          <label className="check">
            <input type="checkbox" disabled={!desktop} checked={s.closeToTray} onChange={(e) => update({ closeToTray: e.target.checked })} /> Keep running in the tray when the window closes
          </label>
          {!desktop && <p className="hint">Login and tray settings apply to the desktop app.</p>}
        </div>
      )}
    </Section>
  );
}
