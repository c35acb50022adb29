import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Job, Snapshot } from '../../engine/core/types';
import { systemClock } from '../../engine/core/clock';
import { createImage, mutateImage } from '../helpers/images';
import { withTempDir } from '../helpers/home';
import { CLI, runCli } from '../helpers/cli';

const HOUR = 3_600_000;

test('strata daemon on a sped-up clock takes real snapshots of a real image, expires them, refuses a second daemon and stops on SIGTERM', async () => {
  await withTempDir(async (dir) => {
    const home = join(dir, 'home');
    const img = join(dir, 'vm.img');
    await createImage(img, 4 * 1024 * 1024, 8);
    const cli = (...args: string[]) => runCli(['--home', home, '--json', ...args], { env: { TZ: 'UTC' } });
    assert.equal((await cli('source', 'add', img, '--name', 'vm')).code, 0);
    const manual = (await cli('snapshot', 'create', 'vm', '--name', 'by hand')).json as Snapshot;
    assert.equal((await cli('policy', 'create', 'twice-a-day', '--hours', '0,12', '--retention-days', '1', '--apply', 'vm')).code, 0);

    // Start a day ahead at 11:59 (the policy was created today), six hours of schedule per real second.
    // At that speed a busy machine makes some runs look late (catch-up); either kind counts here.
    const start = new Date(Math.floor((systemClock.now() + 24 * HOUR) / (12 * HOUR)) * 12 * HOUR + 12 * HOUR - 60_000);
    const env = { ...process.env, TZ: 'UTC', STRATA_TEST_FAST_KDF: '1', STRATA_CLOCK_START: start.toISOString(), STRATA_CLOCK_SPEED: '21600' };
    const daemon = spawn(process.execPath, [CLI, '--home', home, 'daemon', '--tick', '10m'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    daemon.stdout.on('data', (d) => (stdout += d));
    daemon.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => daemon.on('exit', (code) => resolve(code)));
    const logFile = join(home, 'logs', 'daemon.log');
    try {
      for (let i = 0; i < 300 && !/deleted .* expired/.test(await fsp.readFile(logFile, 'utf8').catch(() => '')); i++) {
        await mutateImage(img, 20, 1000 + i); // the disk keeps changing, so each snapshot owns some data
        await new Promise((r) => setTimeout(r, 200));
      }
      const second = await runCli(['--home', home, 'daemon'], { env: { STRATA_CLOCK_SPEED: '21600' } });
      assert.equal(second.code, 1);
      assert.match(second.stderr, /another scheduler runs on this home: strata daemon \(pid \d+ on /);
    } finally {
      daemon.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr);

    const log = await fsp.readFile(logFile, 'utf8');
    assert.match(log, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+00:00 info  strata daemon \d+ on /m);
    assert.match(log, /policy "twice-a-day" \((schedule|catch-up)\): snapshot of vm accomplished in [\d.]+ s: 4.00 MiB read/);
    assert.match(log, /policy "twice-a-day": deleted vm .* expired: retention ended .*; freed/);
    assert.match(log, /SIGTERM: stopping/);
    assert.match(log, /strata daemon stopped\n$/);
    assert.equal(stdout, log, 'stdout (the journal) carries the same lines as the log file');

    const jobs = (await cli('jobs', '--limit', '500')).json as Job[];
    const deletes = jobs.filter((j) => j.kind === 'delete');
    assert.ok(deletes.length >= 1 && deletes.every((j) => j.status === 'succeeded'), JSON.stringify(deletes));
    assert.ok(deletes.some((j) => j.figures.freedBytes! > 0), 'expiry really frees space');
    assert.ok(jobs.filter((j) => j.kind === 'snapshot' && j.status === 'succeeded').length >= 3);
    const snaps = (await cli('snapshot', 'list', 'vm')).json as Snapshot[];
    assert.ok(snaps.some((s) => s.id === manual.id), 'the manual snapshot stays');
    for (const d of deletes) assert.ok(!snaps.some((s) => s.id === d.snapshotId), `${d.snapshotId} is gone`);
    assert.equal(snaps.filter((s) => s.status === 'progressing').length, 0);
    const check = await cli('check');
    assert.equal(check.code, 0, check.stderr);
    await assert.rejects(fsp.access(join(home, 'scheduler.lock')), 'the single-instance lock is released');
  });
});

test('a snapshot job left running by a daemon killed with -9 is marked failed, interrupted, by the next daemon (not by the CLI)', async () => {
  await withTempDir(async (dir) => {
    const home = join(dir, 'home');
    const img = join(dir, 'vm.img');
    await createImage(img, 12 * 1024 * 1024, 9);
    const cli = (...args: string[]) => runCli(['--home', home, '--json', ...args], { env: { TZ: 'UTC' } });
    assert.equal((await cli('source', 'add', img, '--name', 'vm')).code, 0);
    // Every hour, read at 1 MiB/s: a day ahead, the first look catches up at once and the snapshot takes seconds.
    assert.equal((await cli('policy', 'create', 'hourly', '--hours', '0-23', '--retention-days', '1', '--io-budget', '1M', '--apply', 'vm')).code, 0);
    const env = { ...process.env, TZ: 'UTC', STRATA_TEST_FAST_KDF: '1', STRATA_CLOCK_START: new Date(systemClock.now() + 24 * HOUR).toISOString() };
    const start = () => {
      const child = spawn(process.execPath, [CLI, '--home', home, 'daemon', '--stop-grace', '1s'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
      return { child, exited };
    };
    const jobs = async () => ((await cli('jobs', '--limit', '500')).json as Job[]).filter((j) => j.kind === 'snapshot');
    const first = start();
    let running: Job | undefined;
    try {
      for (let i = 0; i < 300 && !running; i++) {
        await new Promise((r) => setTimeout(r, 100));
        running = (await jobs()).find((j) => j.status === 'running');
      }
      assert.ok(running, 'the daemon records its snapshot as running');
    } finally {
      first.child.kill('SIGKILL');
    }
    assert.equal(await first.exited, 'SIGKILL');
    assert.equal((await jobs()).find((j) => j.id === running!.id)?.status, 'running', 'the CLI does not hold the scheduler lock and leaves it');

    const logFile = join(home, 'logs', 'daemon.log');
    const second = start();
    try {
      // The first daemon's start is in the log too: wait for the second's.
      const starts = async () => (await fsp.readFile(logFile, 'utf8')).match(/scheduler started/g)?.length ?? 0;
      for (let i = 0; i < 300 && (await starts()) < 2; i++) await new Promise((r) => setTimeout(r, 100));
    } finally {
      second.child.kill('SIGTERM');
    }
    assert.equal(await second.exited, 0);
    const after = (await jobs()).find((j) => j.id === running!.id);
    assert.equal(after?.status, 'failed', JSON.stringify(after));
    assert.equal(after?.error?.message, 'interrupted: the process running it stopped');
    assert.match(await fsp.readFile(logFile, 'utf8'), new RegExp(`1 job\\(s\\) left running by a process that stopped are marked failed: ${running!.id}`));
  });
});
