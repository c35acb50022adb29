import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { createImage, mutateImage, sha256File } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';
import { createPool } from '../../engine/snapshot/pool';
import { InlineProcessor, type BlockProcessor } from '../../engine/snapshot/block-processor';
import type { KeyDomain } from '../../engine/crypto/domain';
import { restoreSnapshot } from '../../engine/restore/restore';
import type { StrataService } from '../../engine/api/strata';

const MiB = 1024 * 1024;

async function snapshotTwice(svc: StrataService, img: string, encrypted: boolean) {
  await svc.addSource({ path: img, name: 'disk', blockSize: 4096, encrypted });
  const full = await svc.createSnapshot('disk');
  const fullHash = await sha256File(img);
  await mutateImage(img, 300, 5);
  const incr = await svc.createSnapshot('disk');
  return { full, incr, fullHash, incrHash: await sha256File(img) };
}

async function restoreWith(svc: StrataService, snapId: string, out: string, parallel: boolean): Promise<string> {
  const snap = await svc.snapshotRecord(snapId);
  await restoreSnapshot(svc.repo, await svc.sourceRecord(snap.sourceId), snap, out, { parallel });
  return sha256File(out);
}

for (const encrypted of [false, true]) {
  test(`pooled snapshots store what inline ones store and restore byte-identical (${encrypted ? 'encrypted' : 'plain'})`, async () => {
    await withTempDir(async (dir) => {
      const base = join(dir, 'base.img');
      await createImage(base, 12 * MiB, 21);
      const results = [];
      for (const pooled of [false, true]) {
        const img = join(dir, `disk-${pooled}.img`);
        await fsp.copyFile(base, img);
        const svc = await openService(join(dir, `home-${pooled}`), pooled ? { processor: createPool } : {});
        try {
          const r = await snapshotTwice(svc, img, encrypted);
          for (const parallel of [false, true]) {
            assert.equal(await restoreWith(svc, r.full.id, join(dir, `f-${pooled}-${parallel}.img`), parallel), r.fullHash);
            assert.equal(await restoreWith(svc, r.incr.id, join(dir, `i-${pooled}-${parallel}.img`), parallel), r.incrHash);
          }
          results.push({ full: r.full.addedBytes, incr: r.incr.addedBytes, chain: (await svc.chain('disk')).totalBytes });
        } finally {
          await svc.close();
        }
      }
      assert.ok(results[0]!.full > 0);
      if (!encrypted) assert.deepEqual(results[1], results[0]);
      else assert.ok(Math.abs(results[1]!.full - results[0]!.full) < results[0]!.full * 0.01, `pooled ${results[1]!.full}, inline ${results[0]!.full}`);
    });
  });
}

test('a parallel restore refuses a damaged block with E_CORRUPT and leaves no image', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    await createImage(img, 8 * MiB, 9);
    const svc = await openService(join(dir, 'home'), { processor: createPool });
    try {
      await svc.addSource({ path: img, name: 'disk', blockSize: 4096 });
      const snap = await svc.createSnapshot('disk');
      const packs = (await fsp.readdir(join(dir, 'home', 'repository', 'packs'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
      const biggest = (await Promise.all(packs.map(async (e) => {
        const p = join(e.parentPath ?? e.path, e.name);
        return { p, size: (await fsp.stat(p)).size };
      }))).sort((a, b) => b.size - a.size)[0]!;
      const fh = await fsp.open(biggest.p, 'r+');
      await fh.write(Buffer.from([0xff, 0x00, 0xff, 0x00]), 0, 4, Math.floor(biggest.size / 2));
      await fh.close();
      const out = join(dir, 'out.img');
      await assert.rejects(restoreWith(svc, snap.id, out, true), (err: { code?: string }) => err.code === 'E_CORRUPT');
      await assert.rejects(fsp.access(out));
    } finally {
      await svc.close();
    }
  });
});

test("a source's first snapshot starts its workers before reading, later ones do not; the processor is closed even when a snapshot fails early", async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    await createImage(img, 4 * MiB, 3);
    const calls: string[] = [];
    const spy = (domain: KeyDomain): BlockProcessor => {
      const inner = new InlineProcessor(domain);
      calls.push('made');
      return {
        process: (jobs, isKnown) => {
          calls.push('process');
          return inner.process(jobs, isKnown);
        },
        warm: () => void calls.push('warm'),
        close: async () => void calls.push('close'),
      };
    };
    const svc = await openService(join(dir, 'home'), { processor: spy });
    try {
      await svc.addSource({ path: img, name: 'disk' });
      await svc.createSnapshot('disk');
      assert.deepEqual(calls.filter((c) => c !== 'process').slice(0, 2), ['made', 'warm'], 'warmed before any batch');
      assert.ok(calls.indexOf('warm') < calls.indexOf('process'));
      calls.length = 0;
      await mutateImage(img, 10, 4);
      await svc.createSnapshot('disk');
      assert.ok(!calls.includes('warm'), 'an incremental starts workers only for a busy chunk');
      assert.equal(calls.at(-1), 'close');
      calls.length = 0;
      await fsp.rm(img);
      await assert.rejects(svc.createSnapshot('disk'), (err: { code?: string }) => err.code === 'E_SOURCE');
      assert.deepEqual(calls, ['made', 'close'], 'a snapshot that fails before reading still closes its processor');
    } finally {
      await svc.close();
    }
  });
});
