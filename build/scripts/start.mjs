// `npm start`: installs what is missing, builds, and opens the desktop app. Where Electron's
// binary is missing and cannot be fetched (no network to its download host), or there is no
// display, it says so in one line and serves the same app to a browser instead (`strata serve`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { ensureInstalled } from './setup.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
process.chdir(root);
ensureInstalled(root);

const built = spawnSync(process.execPath, ['build/scripts/bundle.mjs'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

/** The Electron executable if it is installed, else null. */
function electronBinary() {
  try {
    const p = require('electron');
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

/** Electron's own installer fetches the binary; quietly, and not for ever. */
function fetchElectron() {
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  spawnSync(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], { env, stdio: 'ignore', timeout: 180_000 });
  return electronBinary();
}

function headless() {
  return process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
}

/** Runs a child with the terminal, passes Ctrl-C on, and exits with its code. */
function runAttached(cmd, args) {
  const child = spawn(cmd, args, { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

const electron = headless() ? null : (electronBinary() ?? fetchElectron());
if (electron) {
  // The folder, not main.cjs: Electron then reads package.json (app name, version, main).
  runAttached(electron, [root, ...process.argv.slice(2)]);
} else {
  const why = headless() ? 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)' : "Electron's binary is missing and could not be downloaded";
  console.log(`strata: ${why}; starting the web host instead, open the URL below in a browser`);
  runAttached(process.execPath, [join(root, 'build', 'bin', 'strata.mjs'), 'serve', ...process.argv.slice(2)]);
}
