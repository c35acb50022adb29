import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { repositoryDir } from '../../engine/api/home';
import type { ErrorCode } from '../../engine/core/errors';
import { FaultStore, type FaultOp, type FaultRule } from '../../engine/storage/fault-store';
import { LocalStore } from '../../engine/storage/local-store';
import { sweepRepository } from '../../engine/maintenance/sweep';
import { openService, withTempDir } from '../helpers/home';
import { createImage, mutateImage, sha256File } from '../helpers/images';
import { listFiles } from '../helpers/files';

const MiB = 1024 * 1024;
type Action = 'snapshot' | 'delete' | 'restore';

interface Row {
  name: string;
  op: FaultOp;
  rule: FaultRule;
  action: Action;
  code: ErrorCode;
  message: RegExp;
}

const packs = /^packs\//;
const index = /^index\//;
const snapshots = /^snapshots\//;

const ROWS: Row[] = [
  { name: 'disk full while writing a pack', op: 'write', rule: { match: packs, error: 'ENOSPC' }, action: 'snapshot', code: 'E_NO_SPACE', message: /the disk is full/ },
  { name: 'disk full while writing the index', op: 'write', rule: { match: index, error: 'ENOSPC' }, action: 'snapshot', code: 'E_NO_SPACE', message: /the disk is full/ },
  { name: 'I/O error writing the snapshot record', op: 'write', rule: { match: snapshots, error: 'EIO' }, action: 'snapshot', code: 'E_IO', message: /EIO/ },
  { name: 'short write of a pack', op: 'write', rule: { match: packs, error: 'short-write' }, action: 'snapshot', code: 'E_IO', message: /short write/ },
  { name: 'short write of the index', op: 'write', rule: { match: index, error: 'short-write' }, action: 'snapshot', code: 'E_IO', message: /short write/ },
  { name: 'short write of the in-flight record', op: 'write', rule: { match: /^inflight\//, error: 'short-write' }, action: 'snapshot', code: 'E_IO', message: /short write/ },
  // A pack's memory is taken for the next pack once its bytes are written: a failure to make it
  // durable afterwards must still fail the snapshot.
  { name: 'fsync failure of a pack', op: 'write', rule: { match: packs, error: 'fsync' }, action: 'snapshot', code: 'E_IO', message: /fsync failed/ },
  { name: 'rename failure of a pack', op: 'write', rule: { match: packs, error: 'rename' }, action: 'snapshot', code: 'E_IO', message: /rename/ },
  { name: 'fsync failure of the index', op: 'write', rule: { match: index, error: 'fsync' }, action: 'snapshot', code: 'E_IO', message: /fsync failed/ },
  { name: 'rename failure of the snapshot record', op: 'write', rule: { match: snapshots, error: 'rename' }, action: 'snapshot', code: 'E_IO', message: /rename/ },
  { name: 'folder fsync failure after the index landed', op: 'write', rule: { match: index, error: 'dir-fsync' }, action: 'snapshot', code: 'E_IO', message: /fsync of the folder/ },
  { name: 'folder fsync failure after the snapshot record landed', op: 'write', rule: { match: snapshots, error: 'dir-fsync' }, action: 'snapshot', code: 'E_IO', message: /fsync of the folder/ },
  { name: 'disk full while gc writes the new index', op: 'write', rule: { match: index, error: 'ENOSPC' }, action: 'delete', code: 'E_NO_SPACE', message: /the disk is full/ },
  { name: 'I/O error removing an old pack in gc', op: 'remove', rule: { match: packs, error: 'EIO' }, action: 'delete', code: 'E_IO', message: /EIO/ },
  { name: 'I/O error reading a pack during restore', op: 'readRange', rule: { match: packs, error: 'EIO' }, action: 'restore', code: 'E_IO', message: /EIO/ },
  { name: 'read-only file system under the snapshot', op: 'write', rule: { match: packs, error: 'EROFS' }, action: 'snapshot', code: 'E_READ_ONLY', message: /read-only/ },
];

for (const row of ROWS) {
  test(`fault: ${row.name} fails clearly and keeps the repository consistent`, async () => {
    await withTempDir(async (dir) => {
      const img = join(dir, 'disk.img');
      const home = join(dir, 'home');
      await createImage(img, 4 * MiB, 5);
      const faults = new FaultStore(new LocalStore(repositoryDir(home)));
      const svc = await openService(home, { store: faults });
      try {
        await svc.addSource({ path: img, name: 'disk', blockSize: 16 * 1024 });
        const first = await svc.createSnapshot('disk');
        const firstHash = await sha256File(img);
        await mutateImage(img, 20, 9);
        const second = await svc.createSnapshot('disk');
        const secondHash = await sha256File(img);
        await mutateImage(img, 20, 10);
        faults.fail(row.op, row.rule);
        const attempt =
          row.action === 'snapshot' ? svc.createSnapshot('disk')
          : row.action === 'delete' ? svc.deleteSnapshot(first.id)
          : svc.restore(second.id, join(dir, 'out.img'));
        await assert.rejects(attempt, (err: { code?: string; message?: string }) => {
          assert.equal(err.code, row.code, err.message);
          assert.match(err.message ?? '', row.message);
          return true;
        });
        assert.equal(faults.fired.length, 1, 'the fault fired once');
        const temps = (await listFiles(repositoryDir(home))).filter((f) => basename(f).startsWith('.tmp-') && !basename(f).startsWith('.tmp-fault-'));
        assert.deepEqual(temps, [], 'no temporary file of the failed work is left behind (a fault leaves its own)');
        faults.heal();

        const report = await svc.check({ readData: true });
        assert.deepEqual(report.problems, [], 'the repository is consistent after the fault');
        await sweepRepository(svc.repo);
        assert.deepEqual((await svc.check()).notices.filter((n) => n.kind !== 'interrupted-snapshot'), [], 'gc cleans what the fault left');
        const kept = (await svc.listSnapshots('disk')).filter((s) => s.status === 'accomplished');
        const expected = new Map([[first.id, firstHash], [second.id, secondHash]]);
        for (const snap of kept.filter((s) => expected.has(s.id))) {
          await svc.restore(snap.id, join(dir, 'check.img'), { force: true });
          assert.equal(await sha256File(join(dir, 'check.img')), expected.get(snap.id), `${snap.id} restores byte-identical`);
        }
        assert.ok(kept.some((s) => s.id === second.id), 'the latest snapshot survives');
        const after = await svc.createSnapshot('disk');
        await svc.restore(after.id, join(dir, 'after.img'));
        assert.equal(await sha256File(join(dir, 'after.img')), await sha256File(img), 'a new snapshot works once the fault is gone');
      } finally {
        await svc.close();
      }
    });
  });
}

test('FaultStore counts matching calls and rejects nonsense rules', async () => {
  await withTempDir(async (dir) => {
    const store = new FaultStore(new LocalStore(dir)).fail('write', { nth: 2, times: 2, error: 'EIO', match: /^a/ });
    await store.write('a1', Buffer.from('x'));
    await store.write('b1', Buffer.from('x'));
    await assert.rejects(store.write('a2', Buffer.from('x')), { code: 'E_IO' });
    await assert.rejects(store.write('a3', Buffer.from('x')), { code: 'E_IO' });
    await store.write('a4', Buffer.from('x'));
    assert.deepEqual(await store.list(''), ['a1', 'a4', 'b1']);
    assert.throws(() => store.fail('read', { error: 'short-write' }), { code: 'E_INVALID' });
    assert.throws(() => store.fail('write', { nth: 0, error: 'EIO' }), { code: 'E_INVALID' });
  });
});
