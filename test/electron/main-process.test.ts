import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Module, { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_METHODS, callChannel } from '../../engine/api/contract';
import type { Job, Source } from '../../engine/api/contract';
import { ROOT } from '../helpers/cli';
import { createTempDir } from '../helpers/home';
import { createImage } from '../helpers/images';
import { fakeElectron } from './fake-electron';

// The real bundle (npm test builds it) with Electron injected, against a real engine host.
const MAIN = join(ROOT, 'dist', 'electron', 'main.cjs');
const tmp = createTempDir();
const image = join(tmp.dir, 'disk.img');
const fake = fakeElectron({ pick: image });
const PAGE = { senderFrame: { url: 'app://strata/index.html' } };
const call = (method: string, arg?: unknown, event: unknown = PAGE) => fake.rec.handlers.get(callChannel(method as never))!(event, arg) as Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const modules = Module as unknown as { _load: Loader };
const realLoad = modules._load;

before(async () => {
  await createImage(image, 2 * 1024 * 1024, 5);
  process.env.STRATA_HOME = join(tmp.dir, 'home');
  process.env.STRATA_TRAY = '1';
  process.env.XDG_CONFIG_HOME = join(tmp.dir, 'config');
  modules._load = (request, parent, isMain) => (request === 'electron' ? fake.electron : realLoad(request, parent, isMain));
  createRequire(import.meta.url)(MAIN);
  for (let i = 0; i < 300 && fake.rec.windows.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
});

after(async () => {
  modules._load = realLoad;
  const quit = { defaultPrevented: false, preventDefault() {} };
  fake.app.emit('before-quit', quit);
  for (let i = 0; i < 300 && fake.rec.quits === 0; i++) await new Promise((r) => setTimeout(r, 20));
  tmp.cleanup();
});

test('main boots: privileged app scheme, one hardened window on app://strata, one handler per API method', () => {
  assert.deepEqual(fake.rec.schemes, [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  assert.equal(fake.rec.windows.length, 1);
  const win = fake.rec.windows[0]!;
  assert.equal(win.url, 'app://strata/index.html');
  const prefs = win.options.webPreferences as Record<string, unknown>;
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.match(String(prefs.preload), /dist[/\\]electron[/\\]preload\.cjs$/);
  assert.deepEqual([...fake.rec.handlers.keys()].sort(), API_METHODS.map((m) => callChannel(m)).sort());
});

test('the app scheme answers with the CSP and refuses to climb out of the renderer folder', async () => {
  const handle = fake.rec.protocolHandlers.get('app')!;
  const page = await handle(new Request('app://strata/index.html'));
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'.*connect-src 'none'/);
  assert.equal((await handle(new Request('app://other/index.html'))).status, 404);
});

test('IPC: the page calls through to the engine host; malformed input and foreign frames are refused', async () => {
  assert.deepEqual(await call('listSources'), { ok: true, value: [] });
  const bad = await call('createSnapshot', { sourceId: { $gt: '' } });
  assert.equal(bad.ok, false);
  assert.equal(bad.error?.code, 'E_INVALID');
  const foreign = await call('listSources', undefined, { senderFrame: { url: 'https://evil.example/' } });
  assert.equal(foreign.error?.code, 'E_INVALID');
  const notPicked = await call('addSource', { path: image, encrypted: false });
  assert.match(notPicked.error?.message ?? '', /choose a disk/);
  const picked = await call('pickSourcePath');
  assert.equal(picked.value, image);
  const added = await call('addSource', { path: image, encrypted: false });
  assert.equal(added.ok, true, JSON.stringify(added.error));
  const state = await call('getAppState');
  assert.equal((state.value as { host: string }).host, 'electron');
});

test('events reach the window and the tray: a snapshot job runs to success and the tray menu is drawn', async () => {
  const src = ((await call('listSources')).value as Source[])[0]!;
  const job = (await call('createSnapshot', { sourceId: src.id })).value as Job;
  let done: Job | undefined;
  for (let i = 0; i < 300 && !done; i++) {
    await new Promise((r) => setTimeout(r, 20));
    done = fake.rec.sent.map((s) => s.payload as Job).find((p) => p?.id === job.id && p.status === 'succeeded');
  }
  assert.ok(done, 'a succeeded job event was sent to the window');
  assert.ok(fake.rec.sent.some((s) => s.channel === 'strata:event:catalogChanged'));
  const menu = fake.rec.trayMenus.at(-1) as { label?: string; type?: string }[];
  assert.deepEqual(menu.filter((i) => i.label).map((i) => i.label).slice(0, 2), ['Open Strata', 'Snapshot all now']);
  assert.ok(fake.rec.tooltips.length > 0);
});

test('start at login: the setting writes or removes the autostart entry (Linux) or tells the OS', async () => {
  const entry = join(tmp.dir, 'config', 'autostart', 'strata.desktop');
  const linux = process.platform === 'linux';
  assert.equal((await call('updateSettings', { startAtLogin: true })).ok, true);
  if (linux) assert.match(readFileSync(entry, 'utf8'), /^Exec=.* "\/opt\/strata app" --hidden$/m);
  else assert.deepEqual(fake.rec.loginItems.at(-1), { openAtLogin: true, args: ['--hidden'] });
  assert.equal((await call('updateSettings', { startAtLogin: false })).ok, true);
  if (linux) assert.equal(existsSync(entry), false);
  else assert.deepEqual(fake.rec.loginItems.at(-1), { openAtLogin: false, args: ['--hidden'] });
});
