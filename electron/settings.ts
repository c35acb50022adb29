import type { Settings } from '../engine/api/contract';

export interface LoginItems {
  setLoginItemSettings(s: { openAtLogin: boolean; args?: string[] }): void;
}

/** Started at login, the app goes straight to the tray instead of opening its window. */
export const HIDDEN_FLAG = '--hidden';

/**
 * The settings main itself acts on. Start-at-login is the OS's; close-to-tray is read when the
 * window closes, and only counts where a tray exists.
 */
export class ShellSettings {
  private current: Settings | null = null;

  constructor(private readonly login: LoginItems, private readonly trayAvailable: boolean) {}

  apply(s: Settings): void {
    if (this.current?.startAtLogin !== s.startAtLogin) this.login.setLoginItemSettings({ openAtLogin: s.startAtLogin, args: [HIDDEN_FLAG] });
    this.current = s;
  }

  hideOnClose(): boolean {
    return this.trayAvailable && (this.current?.closeToTray ?? true);
  }

  notifications(): boolean {
    return this.current?.notifications ?? true;
  }
}
