import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createImage, mutateImage, sha256File } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';
import { restoreSnapshot } from '../../engine/restore/restore';

const MiB = 1024 * 1024;

/**
 * Restore decodes a leaf into reused aligned memory and writes from there when a leaf fits in
 * 16 MiB (blocks up to 16 KiB), and through copies otherwise; both, inline and on workers, after
 * an incremental (blocks from several packs) and with a source that ends in a partial block.
 */
for (const blockSize of [4096, 16384, 65536, MiB]) {
  test(`restores byte-identical with ${blockSize / 1024} KiB blocks, inline and on workers`, async () => {
    await withTempDir(async (dir) => {
      const img = join(dir, 'disk.img');
      await createImage(img, 20 * MiB + 5000, blockSize);
      const svc = await openService(join(dir, 'home'));
      try {
        await svc.addSource({ path: img, name: 'disk', blockSize, encrypted: false });
        await svc.createSnapshot('disk');
        await mutateImage(img, 200, 7);
        const incr = await svc.createSnapshot('disk');
        const want = await sha256File(img);
        const snap = await svc.snapshotRecord(incr.id);
        for (const parallel of [false, true]) {
          const out = join(dir, `out-${parallel}.img`);
          await restoreSnapshot(svc.repo, await svc.sourceRecord(snap.sourceId), snap, out, { parallel });
          assert.equal(await sha256File(out), want, `parallel=${parallel}`);
        }
      } finally {
        await svc.close();
      }
    });
  });
}
