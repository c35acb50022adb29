import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { createImage, mutateImage, sha256File } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';
import { bytesUnder } from '../helpers/files';

const MiB = 1024 * 1024;

const packBytes = (home: string) => bytesUnder(join(home, 'repository', 'packs'));

test('full and incremental snapshots restore byte-identical, and zero blocks become holes', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    await createImage(img, 24 * MiB, 7);
    const svc = await openService(join(dir, 'home'));
    try {
      await svc.addSource({ path: img, name: 'disk' });
      const full = await svc.createSnapshot('disk');
      const hashFull = await sha256File(img);
      await mutateImage(img, 50, 3);
      const incr = await svc.createSnapshot('disk');
      const hashIncr = await sha256File(img);
      assert.notEqual(hashFull, hashIncr);
      assert.equal(incr.parentId, full.id);
      assert.ok(incr.addedBytes < full.addedBytes / 4, `incremental added ${incr.addedBytes}, full ${full.addedBytes}`);

      const out1 = join(dir, 'r1.img');
      const out2 = join(dir, 'r2.img');
      await svc.restore(full.id, out1);
      await svc.restore(incr.id, out2);
      assert.equal(await sha256File(out1), hashFull);
      assert.equal(await sha256File(out2), hashIncr);
      const st = await fsp.stat(out1);
      assert.equal(st.size, 24 * MiB);
      assert.ok(st.blocks * 512 < st.size, 'restored image is sparse');
    } finally {
      await svc.close();
    }
  });
});

test('deleting the first, middle or last snapshot frees exactly what it reported and keeps the rest restorable', async () => {
  for (const which of [0, 1, 2]) {
    await withTempDir(async (dir) => {
      const img = join(dir, 'disk.img');
      await createImage(img, 16 * MiB, 11);
      const home = join(dir, 'home');
      const svc = await openService(home);
      try {
        await svc.addSource({ path: img, name: 'disk' });
        const hashes: string[] = [];
        const snaps = [];
        for (let i = 0; i < 3; i++) {
          if (i > 0) await mutateImage(img, 40, 100 + i);
          snaps.push(await svc.createSnapshot('disk'));
          hashes.push(await sha256File(img));
        }
        const victim = snaps[which]!;
        const dry = await svc.deleteSnapshot(victim.id, { dryRun: true });
        assert.ok(dry.freedBytes > 0, 'each snapshot holds blocks of its own');
        const listed = (await svc.listSnapshots('disk')).find((s) => s.id === victim.id)!;
        assert.equal(listed.exclusiveBytes, dry.freedBytes);
        const before = await packBytes(home);
        const real = await svc.deleteSnapshot(victim.id);
        const after = await packBytes(home);
        assert.equal(real.freedBytes, dry.freedBytes);
        assert.equal(before - after, real.freedBytes, 'pack bytes shrink by exactly the reported amount');
        for (let i = 0; i < 3; i++) {
          if (i === which) continue;
          const out = join(dir, `r${i}.img`);
          await svc.restore(snaps[i]!.id, out);
          assert.equal(await sha256File(out), hashes[i], `snapshot ${i} still restores after deleting ${which}`);
        }
        const chain = await svc.chain('disk');
        assert.equal(chain.snapshotCount, 2);
        assert.equal(chain.totalBytes, after, 'chain total equals the bytes stored for it');
        const report = await svc.check({ readData: true });
        assert.deepEqual(report.problems, []);
      } finally {
        await svc.close();
      }
    });
  }
});

test('a flipped byte in a pack is found by check --read-data, named with its snapshot, and restore refuses', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    await createImage(img, 8 * MiB, 5);
    const home = join(dir, 'home');
    const svc = await openService(home);
    try {
      await svc.addSource({ path: img, name: 'disk' });
      const snap = await svc.createSnapshot('disk');
      assert.equal((await svc.check({ readData: true })).ok, true);
      const packs = await fsp.readdir(join(home, 'repository', 'packs', 'plain'), { recursive: true, withFileTypes: true });
      const pack = packs.find((e) => e.isFile())!;
      const file = join(pack.parentPath, pack.name);
      const fh = await fsp.open(file, 'r+');
      const size = (await fh.stat()).size;
      const at = Math.floor(size / 3);
      const b = Buffer.alloc(1);
      await fh.read(b, 0, 1, at);
      b[0] = b[0]! ^ 0x40;
      await fh.write(b, 0, 1, at);
      await fh.close();
      assert.equal((await svc.check()).ok, true, 'structure alone does not read data');
      const report = await svc.check({ readData: true });
      assert.equal(report.ok, false);
      assert.ok(report.problems.some((p) => p.snapshots.includes(snap.id)), JSON.stringify(report.problems));
      await assert.rejects(svc.restore(snap.id, join(dir, 'out.img')), (err: Error & { code?: string }) => err.code === 'E_CORRUPT');
      await assert.rejects(fsp.stat(join(dir, 'out.img')), 'no partial image is left');
    } finally {
      await svc.close();
    }
  });
});

test('rollback returns an image to a snapshot byte-identical after it changed, shrank or grew, rewriting only what differs', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    const size = 40 * 1024 * 1024 + 5000;
    await createImage(img, size, 17);
    const want = await sha256File(img);
    const svc = await openService(join(dir, 'home'));
    try {
      await svc.addSource({ path: img, name: 'disk', blockSize: 16 * 1024 });
      const snap = await svc.createSnapshot('disk');
      const cases: [string, () => Promise<void>][] = [
        ['changed', async () => void (await mutateImage(img, 300, 5))],
        ['shrank', async () => { await mutateImage(img, 50, 6); await fsp.truncate(img, 12 * 1024 * 1024 + 123); }],
        ['grew', async () => {
          // Longer, with its last (partial) block changed too.
          await fsp.truncate(img, size + 9 * 1024 * 1024);
          await fsp.appendFile(img, Buffer.alloc(4096, 7));
          const fh = await fsp.open(img, 'r+');
          await fh.write(Buffer.alloc(100, 9), 0, 100, size - 50);
          await fh.close();
        }],
      ];
      for (const [what, change] of cases) {
        await change();
        assert.notEqual(await sha256File(img), want, `${what}: the image differs before the rollback`);
        const r = await svc.rollback('disk', snap.id, { force: true, safetySnapshot: false });
        assert.equal(await sha256File(img), want, `${what}: byte-identical after the rollback`);
        assert.equal((await fsp.stat(img)).size, size, `${what}: the snapshot's size`);
        assert.ok(r.blocksWritten > 0, `${what}: blocks rewritten (${r.blocksWritten})`);
        if (what !== 'shrank') assert.ok(r.blocksWritten <= 300, `${what}: only the blocks that differ (${r.blocksWritten})`);
      }
    } finally {
      await svc.close();
    }
  });
});
