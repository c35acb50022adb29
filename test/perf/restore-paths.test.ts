import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createImage, mutateImage, sha256File } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';
import { restoreSnapshot } from '../../engine/restore/restore';
import { RangeMemory } from '../../engine/restore/block-fetcher';
import { LocalStore } from '../../engine/storage/local-store';

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

test('large pack ranges are read into reused shared memory, at most eight buffers of it; small ones into their own', async () => {
  await withTempDir(async (dir) => {
    const store = new LocalStore(join(dir, 'repo'));
    const data = randomBytes(3 * MiB);
    await store.write('packs/p/aa/one', data);
    const ranges = new RangeMemory();
    const memory = ranges.take(MiB)!;
    assert.ok(memory.buffer instanceof SharedArrayBuffer, 'shared, so workers read it in place');
    const got = await store.readRange('packs/p/aa/one', 12345, MiB, memory);
    assert.equal(got.buffer, memory.buffer, 'read into the memory given, not a new buffer');
    assert.deepEqual(got, data.subarray(12345, 12345 + MiB));
    await assert.rejects(store.readRange('packs/p/aa/one', 0, 2 * MiB, memory.subarray(0, MiB)), RangeError);
    ranges.give(memory);
    assert.equal(ranges.take(2 * MiB), memory, 'given back memory is taken again');
    assert.equal(ranges.take(64 * 1024), undefined, 'a small range gets a buffer of its own');
    const held = Array.from({ length: 7 }, () => ranges.take(4 * MiB));
    assert.ok(held.every((m) => m !== undefined), 'eight buffers in all');
    assert.equal(ranges.take(4 * MiB), undefined, 'no ninth: the memory kept stays bounded');
    ranges.give(held[0]!);
    assert.equal(ranges.take(4 * MiB), held[0]);
    await store.close();
  });
});
