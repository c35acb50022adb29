import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { acquireSchedulerLock } from '../../engine/scheduler/instance-lock';
import { withTempDir } from '../helpers/home';

test('one scheduler per home: a second one is refused, naming the holder; after release it may start', async () => {
  await withTempDir(async (home) => {
    const first = await acquireSchedulerLock(home, { owner: 'strata daemon' });
    await assert.rejects(acquireSchedulerLock(home, { owner: 'the Strata desktop app' }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'E_LOCKED');
      assert.match(err.message, new RegExp(`another scheduler runs on this home: strata daemon \\(pid ${process.pid} on `));
      return true;
    });
    await first.release();
    const second = await acquireSchedulerLock(home, { owner: 'the Strata desktop app' });
    assert.equal(second.info.owner, 'the Strata desktop app');
    await second.release();
    assert.deepEqual(await fsp.readdir(home), []);
  });
});

test('a lock left by a process that is gone is taken over', async () => {
  await withTempDir(async (home) => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    await fsp.writeFile(join(home, 'scheduler.lock'), JSON.stringify({ pid: Number(dead), host: hostname(), owner: 'strata daemon', since: '2026-01-01T00:00:00.000Z' }));
    const lock = await acquireSchedulerLock(home);
    assert.equal(lock.info.pid, process.pid);
    assert.equal(JSON.parse(await fsp.readFile(join(home, 'scheduler.lock'), 'utf8')).pid, process.pid);
    await lock.release();
  });
});
