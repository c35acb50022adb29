import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createImage, mutateImage, sha256File } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';
import { createPool } from '../../engine/snapshot/pool';
import { deviceSampler } from '../../engine/snapshot/device-load';

const MiB = 1024 * 1024;

function ioClass(): string {
  try {
    return execFileSync('ionice', ['-p', String(process.pid)], { encoding: 'utf8' }).trim();
  } catch {
    return 'unavailable';
  }
}

test('automatic snapshots run adaptive and at idle priority, restore byte-identical, and give the priority back', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    await createImage(img, 8 * MiB, 13);
    const before = ioClass();
    const svc = await openService(join(dir, 'home'), { processor: createPool });
    try {
      await svc.addSource({ path: img, name: 'disk', blockSize: 4096 });
      const full = await svc.createSnapshot('disk', { type: 'auto' });
      const fullHash = await sha256File(img);
      await mutateImage(img, 100, 4);
      const incr = await svc.createSnapshot('disk', { type: 'manual', adaptiveIo: true, ioLimit: 64 * MiB });
      assert.equal(incr.parentId, full.id);
      await svc.restore(full.id, join(dir, 'full.img'));
      await svc.restore(incr.id, join(dir, 'incr.img'));
      assert.equal(await sha256File(join(dir, 'full.img')), fullHash);
      assert.equal(await sha256File(join(dir, 'incr.img')), await sha256File(img));
    } finally {
      await svc.close();
    }
    assert.equal(ioClass(), before);
  });
});

test('the device sampler sees the device that holds a file and counts its own reads', async () => {
  const sample = await deviceSampler(process.execPath);
  const first = await sample();
  if (first === null) return; // no sysfs here: the adaptive mode holds its start rate instead
  assert.ok(first.deviceBytes > 0, 'a mounted device has moved bytes since boot');
  assert.ok(first.ownBytes >= 0);
  const second = await sample();
  assert.ok(second !== null && second.deviceBytes >= first.deviceBytes);
});
