import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { withTempDir } from '../helpers/home';
import { systemClock } from '../../engine/core/clock';
import { isStrataError } from '../../engine/core/errors';
import { inflightView } from '../../engine/api/views';
import { acquireLock, holderGone, processStamp, thisProcess } from '../../engine/repo/lock';
import { acquireSourceLock } from '../../engine/snapshot/source-lock';
import { tryPidLock } from '../../engine/catalog/pid-lock';
import { LocalStore } from '../../engine/storage/local-store';

const linux = process.platform === 'linux';

test('a process stamp tells this process from another one and from the same pid in another boot', { skip: !linux && 'stamps come from /proc (Linux)' }, async () => {
  const me = processStamp(process.pid);
  assert.ok(me && /^[0-9a-f-]{36}\/\d+$/.test(me), `stamp ${me}`);
  assert.equal(processStamp(process.pid), me, 'stable for a process');
  assert.equal(thisProcess().stamp, me);
  const child = spawn('sleep', ['5']);
  try {
    await new Promise((r) => child.once('spawn', r));
    const other = processStamp(child.pid!);
    assert.ok(other && other !== me, 'another process has another stamp');
  } finally {
    child.kill();
  }
  const here = hostname();
  assert.equal(holderGone({ pid: process.pid, host: here, stamp: me }), false, 'this very process is alive');
  assert.equal(holderGone({ pid: process.pid, host: here }), false, 'a live pid without a stamp (an older file) counts as alive');
  const otherBoot = `00000000-0000-0000-0000-000000000000/${me!.split('/')[1]}`;
  assert.equal(holderGone({ pid: process.pid, host: here, stamp: otherBoot }), true, 'same pid, another boot: gone');
  assert.equal(holderGone({ pid: process.pid, host: here, stamp: `${me!.split('/')[0]}/1` }), true, 'same pid, started at another time: gone');
  assert.equal(holderGone({ pid: process.pid, host: 'another-host', stamp: otherBoot }), false, 'another host cannot be seen');
});

test('locks left by a process whose pid now belongs to another are taken over; a live holder still blocks', { skip: !linux && 'stamps come from /proc (Linux)' }, async () => {
  await withTempDir(async (dir) => {
    const store = new LocalStore(join(dir, 'repo'));
    const me = thisProcess();
    // The stale holder: this process's pid (alive), stamped by an earlier boot.
    const reused = { ...me, stamp: `00000000-0000-0000-0000-000000000000/${me.stamp!.split('/')[1]}` };
    const lockFile = join(dir, 'repo', 'locks', 'exclusive');
    await fsp.mkdir(join(dir, 'repo', 'locks'), { recursive: true });

    await fsp.writeFile(lockFile, JSON.stringify({ ...reused, kind: 'exclusive', operation: 'delete', startedAt: '2026-01-01T00:00:00Z' }));
    const lock = await acquireLock(store, 'exclusive', { operation: 'gc', waitMs: 0, clock: systemClock });
    await lock.release();

    await fsp.writeFile(lockFile, JSON.stringify({ ...me, kind: 'exclusive', operation: 'delete', startedAt: '2026-01-01T00:00:00Z' }));
    await assert.rejects(acquireLock(store, 'exclusive', { operation: 'gc', waitMs: 0, clock: systemClock }), (e: unknown) => isStrataError(e, 'E_LOCKED'));
    await fsp.rm(lockFile);

    await fsp.writeFile(join(dir, 'repo', 'locks', 'source-src-1'), JSON.stringify({ ...reused, snapshotId: 'snap-old' }));
    const release = await acquireSourceLock(store, 'src-1', 'disk', 'snap-new');
    await release();

    const pidLock = join(dir, 'daemon.lock');
    await fsp.writeFile(pidLock, JSON.stringify({ ...reused, owner: 'strata daemon', since: '2026-01-01T00:00:00Z' }));
    const got = await tryPidLock(pidLock, 'strata daemon', new Date());
    assert.equal(got.held, true, 'the daemon lock of an earlier boot is taken over');
    if (got.held) await got.release();
  });
});

test('an in-flight snapshot shows as progressing while its process lives or cannot be seen, as interrupted once it is gone', () => {
  const me = thisProcess();
  const rec = {
    format: 1 as const, id: 'snap-1', sourceId: 'src-1', name: 'n', type: 'manual' as const, createdAt: '2026-01-01T00:00:00Z',
    encrypted: false, sourceBytes: 1, policyId: null, status: 'progressing' as const, progress: 10,
  };
  assert.equal(inflightView({ ...rec, ...me }).status, 'progressing');
  assert.equal(inflightView({ ...rec, pid: me.pid, host: 'another-host' }).status, 'progressing', 'a process on another host cannot be seen');
  assert.equal(inflightView({ ...rec, pid: 2 ** 22 + 1, host: me.host }).status, 'failed', 'a pid that is not alive');
  if (linux) {
    const gone = inflightView({ ...rec, pid: me.pid, host: me.host, stamp: `00000000-0000-0000-0000-000000000000/${me.stamp!.split('/')[1]}` });
    assert.equal(gone.status, 'failed', 'the pid went to another process');
    assert.match(gone.error ?? '', /interrupted/);
  }
});
