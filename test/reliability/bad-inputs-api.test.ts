import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryDir } from '../../engine/api/home';
import type { StrataService } from '../../engine/api/strata';
import { LocalStore } from '../../engine/storage/local-store';
import { ReadOnlyStore } from '../../engine/storage/readonly-store';
import { validateRequest } from '../../engine/jobs/validate';
import type { ApiMethod } from '../../engine/api/contract';
import { startWebHost } from '../../engine/web/server';
import { openService, withTempDir } from '../helpers/home';
import { createImage } from '../helpers/images';
import { hashTree } from './tree-hash';

const MiB = 1024 * 1024;

interface EngineRow {
  name: string;
  run: (svc: StrataService, dir: string) => Promise<unknown>;
  code: string;
  message: RegExp;
  /** A failed snapshot leaves its in-flight record saying why; nothing else may change. */
  leavesFailureRecord?: boolean;
  readOnly?: boolean;
}

async function resizeOnFirstProgress(svc: StrataService, dir: string, size: number): Promise<unknown> {
  let done = false;
  return svc.createSnapshot('disk', {
    ioLimit: 4 * MiB,
    onProgress: () => {
      if (done) return;
      done = true;
      // Synchronously, so the change lands before the snapshot reads on.
      truncateSync(join(dir, 'disk.img'), size);
    },
  });
}

const ENGINE_ROWS: EngineRow[] = [
  { name: 'the source shrinks mid-snapshot', run: (s, d) => resizeOnFirstProgress(s, d, 2 * MiB), code: 'E_SOURCE_CHANGED', message: /shrank|changed size/, leavesFailureRecord: true },
  { name: 'the source grows mid-snapshot', run: (s, d) => resizeOnFirstProgress(s, d, 12 * MiB), code: 'E_SOURCE_CHANGED', message: /changed size/, leavesFailureRecord: true },
  { name: 'a snapshot into a read-only repository', run: (s) => s.createSnapshot('disk'), code: 'E_READ_ONLY', message: /read-only/, readOnly: true },
  { name: 'a source added to a read-only repository', run: (s, d) => s.addSource({ path: join(d, 'spare.img') }), code: 'E_READ_ONLY', message: /read-only/, readOnly: true },
  { name: 'a delete in a read-only repository', run: async (s) => s.deleteSnapshot((await s.listSnapshots())[0]!.id), code: 'E_READ_ONLY', message: /read-only/, readOnly: true },
  { name: 'a source name of 300 characters', run: (s, d) => s.addSource({ path: join(d, 'spare.img'), name: 'x'.repeat(300) }), code: 'E_INVALID', message: /at most 200/ },
  { name: 'a source name with control characters', run: (s, d) => s.addSource({ path: join(d, 'spare.img'), name: 'a\u0007b' }), code: 'E_INVALID', message: /printable/ },
  { name: 'an empty source path', run: (s) => s.addSource({ path: '' }), code: 'E_SOURCE', message: /empty path/ },
  { name: 'an empty restore target', run: async (s) => s.restore((await s.listSnapshots())[0]!.id, ''), code: 'E_INVALID', message: /empty/ },
  { name: 'an empty snapshot reference', run: (s, d) => s.restore('', join(d, 'x.img')), code: 'E_INVALID', message: /empty value/ },
];

for (const row of ENGINE_ROWS) {
  test(`engine API: ${row.name} fails clearly and changes nothing it should not`, async () => {
    await withTempDir(async (dir) => {
      const home = join(dir, 'home');
      await createImage(join(dir, 'disk.img'), 8 * MiB, 8);
      await createImage(join(dir, 'spare.img'), MiB, 9);
      const setup = await openService(home);
      await setup.addSource({ path: join(dir, 'disk.img'), name: 'disk', blockSize: 16 * 1024 });
      await setup.createSnapshot('disk');
      // Listing works out the chain's sizes once and caches them (derived data), as a user's
      // first look at the chain would; the rows below then find them cached.
      await setup.listSnapshots();
      await setup.close();
      const repo = repositoryDir(home);
      const before = await hashTree(repo);
      const beforeOutsideInflight = await hashTree(join(repo, 'packs')) + (await hashTree(join(repo, 'snapshots'))) + (await hashTree(join(repo, 'index')));
      const svc = await openService(home, row.readOnly ? { store: new ReadOnlyStore(new LocalStore(repo)) } : {});
      try {
        await assert.rejects(row.run(svc, dir), (err: { code?: string; message?: string }) => {
          assert.equal(err.code, row.code, err.message);
          assert.match(err.message ?? '', row.message);
          return true;
        });
      } finally {
        await svc.close();
      }
      if (row.leavesFailureRecord) {
        const after = await hashTree(join(repo, 'packs')) + (await hashTree(join(repo, 'snapshots'))) + (await hashTree(join(repo, 'index')));
        assert.equal(after, beforeOutsideInflight, 'no pack, index or snapshot is left by the failed snapshot');
        const inflight = await fsp.readdir(join(repo, 'inflight'));
        assert.equal(inflight.length, 1, 'one in-flight record says why it failed');
        assert.match(await fsp.readFile(join(repo, 'inflight', inflight[0]!), 'utf8'), /"status":"failed"/);
      } else {
        assert.equal(await hashTree(repo), before, 'the repository is byte-for-byte unchanged');
      }
    });
  });
}

const API_ROWS: { name: string; method: string; arg: unknown; message: RegExp }[] = [
  { name: 'policy with hour 24', method: 'createPolicy', arg: { name: 'p', timePoints: [24], repeatWeekdays: [1], retentionDays: 7 }, message: /timePoints/ },
  { name: 'policy with empty weekdays', method: 'createPolicy', arg: { name: 'p', timePoints: [2], repeatWeekdays: [], retentionDays: 7 }, message: /repeatWeekdays/ },
  { name: 'policy with retention 0', method: 'createPolicy', arg: { name: 'p', timePoints: [2], repeatWeekdays: [1], retentionDays: 0 }, message: /retentionDays/ },
  { name: 'policy with weekday 8', method: 'createPolicy', arg: { name: 'p', timePoints: [2], repeatWeekdays: [8], retentionDays: 7 }, message: /repeatWeekdays/ },
  { name: 'policy with a repeated hour', method: 'createPolicy', arg: { name: 'p', timePoints: [2, 2], repeatWeekdays: [1], retentionDays: 7 }, message: /timePoints/ },
  { name: 'add source with a relative path', method: 'addSource', arg: { path: 'disk.img', encrypted: false }, message: /path/ },
  { name: 'add source with block size 3000', method: 'addSource', arg: { path: '/x.img', encrypted: false, blockSize: 3000 }, message: /blockSize/ },
  { name: 'add source with an unknown compression', method: 'addSource', arg: { path: '/x.img', encrypted: false, compression: 'gzip' }, message: /compression/ },
  { name: 'create snapshot with a numeric source id', method: 'createSnapshot', arg: { sourceId: 42 }, message: /sourceId/ },
  { name: 'restore with a relative target', method: 'restore', arg: { snapshotId: 'snap-1', target: 'out.img', force: false }, message: /target/ },
  { name: 'an array instead of an object', method: 'check', arg: [true], message: /check/ },
  { name: 'a method that does not exist', method: 'formatDisk', arg: {}, message: /Expected one of/ },
  { name: 'a quota of 0', method: 'updateSettings', arg: { autoSnapshotQuota: 0 }, message: /autoSnapshotQuota/ },
];

test(`${API_ROWS.length} malformed app-API requests are refused before they reach the engine`, () => {
  for (const row of API_ROWS) {
    assert.throws(() => validateRequest(row.method as ApiMethod, row.arg), (err: { code?: string; message?: string }) => {
      assert.equal(err.code, 'E_INVALID', `${row.name}: ${err.message}`);
      assert.match(err.message ?? '', row.message, row.name);
      return true;
    });
  }
});

test('the web API refuses malformed and huge JSON bodies without calling the engine', async () => {
  await withTempDir(async (dir) => {
    let calls = 0;
    const host = await startWebHost({ backend: { call: async () => void calls++, on: () => () => undefined } as never, rendererDir: dir, token: 't'.repeat(64) });
    try {
      const post = (body: string) => fetch(`http://127.0.0.1:${host.port}/api/check`, { method: 'POST', headers: { Authorization: `Bearer ${'t'.repeat(64)}`, 'Content-Type': 'application/json' }, body });
      const malformed = await post('{"readData": tru');
      assert.equal(malformed.status, 400);
      assert.match(((await malformed.json()) as { error: { message: string } }).error.message, /malformed JSON/);
      const huge = await post(' '.repeat(2 * MiB));
      assert.equal(huge.status, 413);
      assert.equal(calls, 0, 'nothing reached the engine');
    } finally {
      await host.close();
    }
  });
});
