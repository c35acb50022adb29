/**
 * Electron main: one instance, the engine host in a utility process, then the shell (window,
 * tray, IPC). Bundled to dist/electron/main.cjs; everything it serves lives under dist/.
 */
import { app, dialog } from 'electron';
import { join } from 'node:path';
import { resolveHome } from '../engine/api/home';
import { registerAppScheme, serveAppScheme } from './app-protocol';
import { startEngineHost } from './engine-host';
import { HIDDEN_FLAG } from './settings';
import { Shell } from './shell';
import { trayExpected } from './tray-support';
import { lockDownSession } from './window';

const distDir = join(__dirname, '..');
let stopping = false;

async function boot(): Promise<Shell> {
  lockDownSession();
  serveAppScheme(join(distDir, 'renderer'));
  const home = resolveHome();
  const client = startEngineHost(join(distDir, 'engine-worker.mjs'), home);
  await client.ready;
  // The engine host should live as long as the app; if it dies, start over rather than leave
  // a window whose every call fails.
  client.onStop((reason) => {
    if (stopping) return;
    dialog.showErrorBox('Strata stopped unexpectedly', `${reason}. Strata will start again.`);
    app.relaunch();
    app.exit(1);
  });
  const shell = new Shell(client, home, distDir, trayExpected(process.platform, process.env));
  await shell.start(!process.argv.includes(HIDDEN_FLAG));
  return shell;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  app.setAppUserModelId('org.strata.desktop');
  let shell: Shell | null = null;
  app.on('second-instance', () => shell?.open());
  app.on('activate', () => shell?.open());
  // Close-to-tray hides the window rather than closing it; a window really closed means quit.
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (e) => {
    if (!shell || stopping) return;
    e.preventDefault();
    stopping = true;
    void shell.stop().finally(() => app.quit());
  });
  app.whenReady().then(async () => {
    shell = await boot();
  }).catch((err: Error) => {
    dialog.showErrorBox('Strata could not start', `${err.message}\n\nThe engine could not be started for ${resolveHome()}.`);
    app.exit(1);
  });
}
