import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoginItems } from './settings';

/** A desktop-entry Exec argument: quoted when it holds anything the spec reserves. */
function quote(arg: string): string {
  return /^[\w./+,:@%-]+$/.test(arg) ? arg : `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

/**
 * Start at login on Linux, where Electron's setLoginItemSettings does nothing: an XDG autostart
 * entry in ~/.config/autostart (honoured by GNOME, KDE, Xfce and the rest). `command` is what
 * starts Strata: the AppImage file when run from one (its mount point changes every start).
 */
export function linuxAutostart(configDir: string, command: string[]): LoginItems {
  const file = join(configDir, 'autostart', 'strata.desktop');
  return {
    setLoginItemSettings: ({ openAtLogin, args = [] }) => {
      if (!openAtLogin) return rmSync(file, { force: true });
      mkdirSync(join(configDir, 'autostart'), { recursive: true });
      const exec = [...command, ...args].map(quote).join(' ');
      writeFileSync(file, ['[Desktop Entry]', 'Type=Application', 'Name=Strata', 'Comment=Disk snapshots on a schedule', `Exec=${exec}`, 'X-GNOME-Autostart-enabled=true', ''].join('\n'));
    },
  };
}
