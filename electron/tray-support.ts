/**
 * Whether a tray icon will be seen. Electron creates a Tray even where nothing shows it: on
 * Linux the icon needs a StatusNotifier host on the session bus, which stock GNOME lacks. There
 * the app keeps its window (closing it quits) and says why. STRATA_TRAY=1 or 0 overrides.
 */
export function trayExpected(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): { ok: boolean; why: string | null } {
  if (env.STRATA_TRAY === '1') return { ok: true, why: null };
  if (env.STRATA_TRAY === '0') return { ok: false, why: 'the tray is turned off (STRATA_TRAY=0)' };
  if (platform !== 'linux') return { ok: true, why: null };
  if (!env.DBUS_SESSION_BUS_ADDRESS) return { ok: false, why: 'there is no desktop session bus, so no system tray' };
  const desktop = (env.XDG_CURRENT_DESKTOP ?? '').toUpperCase();
  if (desktop.split(':').includes('GNOME')) {
    return { ok: false, why: 'GNOME shows no tray icons without the AppIndicator extension (set STRATA_TRAY=1 if you have it)' };
  }
  return { ok: true, why: null };
}
