import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createImage, mutateImage, sha256File } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';
import { restoreSnapshot, writeRuns } from '../../engine/restore/restore';
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

test('a leaf\'s writes: neighbours merged, at most N in flight, and a failure reported only once every write issued has settled', async () => {
  const block = (offset: number) => ({ offset, data: Buffer.alloc(4096, offset / 4096) });
  // Runs at 0 (three blocks), 5, 7, 9, 11 (×2), 20: six writes.
  const blocks = [0, 1, 2, 5, 7, 9, 11, 12, 20].map((i) => block(i * 4096));
  const calls: { at: number; bytes: number }[] = [];
  let inFlight = 0;
  let most = 0;
  const slow = async (parts: readonly Buffer[], at: number) => {
    calls.push({ at, bytes: parts.reduce((n, p) => n + p.length, 0) });
    most = Math.max(most, ++inFlight);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
  };
  await writeRuns(slow, blocks, 3);
  assert.deepEqual(calls.map((c) => c.at / 4096), [0, 5, 7, 9, 11, 20]);
  assert.deepEqual(calls.map((c) => c.bytes / 4096), [3, 1, 1, 1, 2, 1]);
  assert.equal(most, 3, 'three writes at once, never more');
  assert.equal(inFlight, 0);

  calls.length = 0;
  let settled = 0;
  const failing = async (parts: readonly Buffer[], at: number) => {
    calls.push({ at, bytes: parts.length });
    inFlight++;
    await new Promise((r) => setTimeout(r, at === 5 * 4096 ? 1 : 20));
    inFlight--;
    settled++;
    if (at === 5 * 4096) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
  };
  await assert.rejects(writeRuns(failing, blocks, 2), { code: 'ENOSPC' });
  assert.equal(inFlight, 0, 'nothing is still writing into the memory when the caller hears of the failure');
  assert.equal(settled, calls.length);
  assert.ok(calls.length < 6, `no more writes are issued once one failed (${calls.length} issued)`);
});
