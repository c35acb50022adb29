import { BrowserWindow, session, shell } from 'electron';
import { APP_ORIGIN } from './ipc-gate';

export interface WindowOptions {
  preload: string;
  icon?: Electron.NativeImage;
  /** Asked when the user closes the window: true hides it to the tray instead. */
  hideOnClose: () => boolean;
}

/** Denies every permission the page might ask for (camera, notifications, geolocation…). */
export function lockDownSession(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, done) => done(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/**
 * The Strata window: isolated, sandboxed, no Node. It may not navigate away from the app or
 * open other windows; https links open in the user's browser instead.
 */
export function createMainWindow(opts: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280, height: 800, minWidth: 800, minHeight: 600, show: false, title: 'Strata', icon: opts.icon,
    webPreferences: {
      preload: opts.preload, contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false,
      webSecurity: true, allowRunningInsecureContent: false, spellcheck: false, webviewTag: false,
    },
  });
  win.webContents.on('will-navigate', (e, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.on('close', (e) => {
    if (opts.hideOnClose()) {
      e.preventDefault();
      win.hide();
    }
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}
