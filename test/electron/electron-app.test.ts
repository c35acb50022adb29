import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { _electron } from 'playwright-core';
import { API_METHODS } from '../../engine/api/contract';
import { ROOT } from '../helpers/cli';
import { withTempDir } from '../helpers/home';

/** The Electron executable from node_modules/electron, if its binary was ever downloaded. */
function electronBinary(): string | null {
  try {
    const p = createRequire(join(ROOT, 'package.json'))('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

test('the desktop app opens on the Disks screen; the page has window.strata and no Node', async (t) => {
  const bin = electronBinary();
  if (!bin) {
    t.skip('no Electron binary: node_modules/electron has none (its download host is unreachable here); run `node node_modules/electron/install.js` where it is reachable');
    return;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    t.skip('no display for Electron: run under xvfb-run');
    return;
  }
  await withTempDir(async (home) => {
    const app = await _electron.launch({ executablePath: bin, args: [ROOT], env: { ...process.env, STRATA_HOME: home, STRATA_TRAY: '0' } });
    try {
      const win = await app.firstWindow();
      await win.getByRole('heading', { name: 'Disks' }).waitFor({ timeout: 30_000 });
      const globals = await win.evaluate(() => {
        const w = window as unknown as Record<string, unknown>;
        return { strata: typeof w.strata, require: typeof w.require, process: typeof w.process, keys: Object.keys((w.strata as object) ?? {}).sort() };
      });
      assert.deepEqual(globals, { strata: 'object', require: 'undefined', process: 'undefined', keys: [...API_METHODS, 'on'].sort() });
      const state = await win.evaluate(() => window.strata!.getAppState());
      assert.equal(state.host, 'electron');
      const refused = await win.evaluate(() => window.strata!.createSnapshot({ sourceId: 42 } as never).then(() => null, (e: { code: string }) => e.code));
      assert.equal(refused, 'E_INVALID');
      const notPicked = await win.evaluate(() => window.strata!.addSource({ path: '/etc/passwd', encrypted: false }).then(() => null, (e: { message: string }) => e.message));
      assert.match(notPicked ?? '', /chosen in the "choose a disk" dialog/);
    } finally {
      await app.close();
    }
  });
});
