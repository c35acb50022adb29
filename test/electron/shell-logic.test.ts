import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gateRequest, trustedSender } from '../../electron/ipc-gate';
import { PathGrants } from '../../electron/path-grants';
import { noticeFor } from '../../electron/notify-model';
import { trayExpected } from '../../electron/tray-support';
import { ShellSettings } from '../../electron/settings';
import { iconPixels, toBgraPremultiplied } from '../../electron/tray-icon';
import { linuxAutostart } from '../../electron/linux-autostart';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStrataError } from '../../engine/core/errors';
import type { Job, Settings } from '../../engine/api/contract';

const PAGE = 'app://strata/index.html';

test('IPC: only our own page may call', () => {
  assert.ok(trustedSender(PAGE));
  for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/index.html', undefined, 'not a url']) assert.equal(trustedSender(url), false, String(url));
  assert.throws(() => gateRequest('listSources', undefined, new PathGrants(), 'https://evil.example/'), /from the Strata window/);
});

test('IPC: malformed payloads are refused before they leave main', () => {
  const grants = new PathGrants();
  for (const [method, arg] of [['createSnapshot', { sourceId: 42 }], ['deleteSnapshot', 'snap-1'], ['check', null], ['unlock', { passphrase: 'x' }]] as const) {
    assert.throws(() => gateRequest(method, arg, grants, PAGE), (e: unknown) => isStrataError(e, 'E_INVALID'), method);
  }
  assert.deepEqual(gateRequest('createSnapshot', { sourceId: 'src-1' }, grants, PAGE), { sourceId: 'src-1' });
});

test('IPC: a path reaches the engine only if the user picked it in the matching dialog', () => {
  const grants = new PathGrants();
  const add = { path: '/dev/sdb', encrypted: false };
  assert.throws(() => gateRequest('addSource', add, grants, PAGE), /chosen in the "choose a disk" dialog/);
  grants.grant('restore-target', '/dev/sdb');
  assert.throws(() => gateRequest('addSource', add, grants, PAGE), /chosen in/, 'a restore target does not grant a source');
  grants.grant('source', '/dev/sdb');
  assert.deepEqual(gateRequest('addSource', add, grants, PAGE), add);
  assert.throws(() => gateRequest('restore', { snapshotId: 'snap-1', target: '/home/u/.bashrc', force: true }, grants, PAGE), /"restore to" dialog/);
  grants.grant('restore-target', '/tmp/out.img');
  assert.ok(gateRequest('restore', { snapshotId: 'snap-1', target: '/tmp/out.img', force: false }, grants, PAGE));
});

test('notifications: failures and catch-up runs, not routine successes', () => {
  const base: Job = {
    id: 'job-1', kind: 'snapshot', status: 'succeeded', trigger: 'schedule', sourceId: 'src-1', snapshotId: null, policyId: 'pol-1',
    createdAt: '', startedAt: null, finishedAt: null, durationMs: null, progress: null, figures: {}, message: null, error: null,
  };
  const name = () => 'system disk';
  assert.equal(noticeFor(base, name), null);
  assert.deepEqual(noticeFor({ ...base, trigger: 'catch-up' }, name), { title: 'Strata caught up', body: 'A missed scheduled snapshot of system disk ran after the machine woke.' });
  const failed = noticeFor({ ...base, status: 'failed', error: { code: 'E_SOURCE', message: 'the disk is gone' } }, name);
  assert.equal(failed?.title, 'Strata: snapshot of system disk failed');
  assert.match(failed!.body, /the disk is gone/);
  assert.equal(noticeFor({ ...base, status: 'cancelled' }, name), null);
});

test('tray support: GNOME and bus-less sessions keep the window; overrides win', () => {
  assert.equal(trayExpected('linux', { DBUS_SESSION_BUS_ADDRESS: 'unix:x', XDG_CURRENT_DESKTOP: 'KDE' }).ok, true);
  assert.equal(trayExpected('linux', { DBUS_SESSION_BUS_ADDRESS: 'unix:x', XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' }).ok, false);
  assert.match(trayExpected('linux', {}).why ?? '', /no desktop session bus/);
  assert.equal(trayExpected('linux', { STRATA_TRAY: '1' }).ok, true);
  assert.equal(trayExpected('win32', {}).ok, true);
  assert.equal(trayExpected('darwin', { STRATA_TRAY: '0' }).ok, false);
});

test('settings: start at login goes to the OS once per change; close to tray needs a tray', () => {
  const calls: unknown[] = [];
  const login = { setLoginItemSettings: (s: unknown) => void calls.push(s) };
  const s: Settings = { startAtLogin: true, closeToTray: true, autoSnapshotQuota: 1000, notifications: true };
  const withTray = new ShellSettings(login, true);
  withTray.apply(s);
  withTray.apply({ ...s, notifications: false });
  assert.deepEqual(calls, [{ openAtLogin: true, args: ['--hidden'] }]);
  assert.equal(withTray.hideOnClose(), true);
  assert.equal(withTray.notifications(), false);
  withTray.apply({ ...s, closeToTray: false, startAtLogin: false });
  assert.equal(withTray.hideOnClose(), false);
  assert.equal(calls.length, 2);
  const noTray = new ShellSettings(login, false);
  noTray.apply(s);
  assert.equal(noTray.hideOnClose(), false);
});

test('tray icon: opaque centre in the state colour, transparent corners, premultiplied BGRA', () => {
  const px = (buf: Buffer, size: number, x: number, y: number) => [...buf.subarray((y * size + x) * 4, (y * size + x) * 4 + 4)];
  const idle = iconPixels(32, 'idle');
  assert.deepEqual(px(idle, 32, 0, 0), [0, 0, 0, 0]);
  assert.deepEqual(px(idle, 32, 16, 8), [59, 110, 165, 255]);
  assert.deepEqual(px(iconPixels(32, 'error'), 32, 6, 16), [192, 57, 43, 255]);
  const half = iconPixels(64, 'running', 50);
  assert.deepEqual(px(half, 64, 60, 32), [255, 255, 255, 255], 'the ring is filled on the right at 50%');
  assert.notDeepEqual(px(half, 64, 3, 32), [255, 255, 255, 255], 'and empty on the left');
  const bgra = toBgraPremultiplied(Buffer.from([200, 100, 50, 128]));
  assert.deepEqual([...bgra], [25, 50, 100, 128]);
});

test('linux autostart: an XDG entry with the command quoted as the spec asks, removed when turned off', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-autostart-'));
  try {
    const items = linuxAutostart(dir, ['/usr/bin/electron', '/home/me/my "apps"/strata']);
    items.setLoginItemSettings({ openAtLogin: true, args: ['--hidden'] });
    const text = readFileSync(join(dir, 'autostart', 'strata.desktop'), 'utf8');
    assert.match(text, /^\[Desktop Entry\]\nType=Application\n/);
    assert.match(text, /^Exec=\/usr\/bin\/electron "\/home\/me\/my \\"apps\\"\/strata" --hidden$/m);
    items.setLoginItemSettings({ openAtLogin: false });
    assert.equal(existsSync(join(dir, 'autostart', 'strata.desktop')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
