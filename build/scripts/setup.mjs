// First-run set-up shared by `npm start` and `npm test`: install dependencies when they are
// missing or older than the lockfile, with Electron's binary download turned off (it is fetched
// separately, on first start, where the network allows).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function ensureInstalled(root) {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const fresh = existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs);
  if (fresh) return;
  console.log('strata: installing dependencies (npm install)…');
  // `npm install`, not `npm ci`: the lockfile records only the native hash packages of the
  // platforms the registry had when it was written, and `npm ci` refuses a lockfile that lacks
  // an optional platform package; `npm install` honours the lockfile and skips those.
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  if (r.status !== 0) {
    console.error('strata: npm install failed');
    process.exit(r.status ?? 1);
  }
}

/** Browser tests use Debian's Chromium; install it when running as root on Debian. */
export function ensureChromium() {
  if (existsSync('/usr/bin/chromium')) return;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return;
  console.log('strata: installing Chromium for the browser tests (apt-get)…');
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
