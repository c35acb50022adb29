import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { createImage, sha256File } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';

const MiB = 1024 * 1024;

test('equal blocks are stored once across snapshots and across sources, and deleting one source keeps the other whole', async () => {
  await withTempDir(async (dir) => {
    const a = join(dir, 'a.img');
    const b = join(dir, 'b.img');
    await createImage(a, 8 * MiB, 31);
    await fsp.copyFile(a, b);
    const svc = await openService(join(dir, 'home'));
    try {
      await svc.addSource({ path: a, name: 'a' });
      await svc.addSource({ path: b, name: 'b' });
      const sa = await svc.createSnapshot('a');
      const sb = await svc.createSnapshot('b');
      assert.ok(sa.addedBytes > 1 * MiB);
      assert.ok(sb.addedBytes < 16 * 1024, `an identical disk adds only its manifest (${sb.addedBytes} bytes)`);
      const again = await svc.createSnapshot('a');
      assert.equal(again.addedBytes, 0, 'an unchanged disk adds nothing: same blocks, same manifest');
      assert.equal((await svc.deleteSnapshot(sb.id, { dryRun: true })).freedBytes, 0, 'shared blocks are not freed');
      await svc.removeSource('a', { deleteSnapshots: true });
      const out = join(dir, 'out.img');
      await svc.restore(sb.id, out);
      assert.equal(await sha256File(out), await sha256File(b));
      const chain = await svc.chain('b');
      assert.ok(chain.totalBytes >= sa.addedBytes - 16 * 1024, 'b now owns the blocks it shared');
      assert.equal((await svc.check({ readData: true })).ok, true);
    } finally {
      await svc.close();
    }
  });
});
