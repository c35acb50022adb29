import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { createImage, mutateImage, sha256File } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';
import { WorkerPool, createPool } from '../../engine/snapshot/pool';
import { ChainDomain } from '../../engine/crypto/chain-domain';
import { maxRecordBytes } from '../../engine/pack/record';
import type { EncodeReply } from '../../engine/snapshot/pipeline-protocol';
import { StrataError, isStrataError } from '../../engine/core/errors';
import { hashTree } from '../reliability/tree-hash';
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
    const spy = (keyed: Promise<KeyDomain>): BlockProcessor => {
      const inner = keyed.then((domain) => new InlineProcessor(domain));
      calls.push('made');
      return {
        process: async (jobs, isKnown) => {
          calls.push('process');
          return (await inner).process(jobs, isKnown);
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

test('workers started before the key is derived take their domain when it comes; a key that fails fails their batches', async () => {
  const secret = Buffer.alloc(32, 7);
  const domain = new ChainDomain('chain', secret);
  const raw = () => Buffer.alloc(64 * 1024, 3);
  const expected = domain.contentId(raw());
  let give!: (d: KeyDomain) => void;
  const pool = new WorkerPool(new Promise<KeyDomain>((resolve) => (give = resolve)));
  try {
    // The batch's memory moves to a worker: each call gets its own.
    const reply = pool.run<EncodeReply>('encode', [raw()], { into: Buffer.from(new SharedArrayBuffer(maxRecordBytes(64 * 1024))) });
    give(domain);
    const { ids } = await reply;
    assert.ok(Buffer.from(ids).equals(expected), 'the batch was encoded with the domain that came later');
  } finally {
    await pool.close();
  }
  const failing = new WorkerPool(Promise.reject(new StrataError('E_PASSPHRASE', 'wrong passphrase')));
  try {
    await assert.rejects(failing.run('encode', [raw()], { into: Buffer.from(new SharedArrayBuffer(maxRecordBytes(64 * 1024))) }), (err: unknown) => isStrataError(err, 'E_PASSPHRASE'));
  } finally {
    await failing.close();
  }
});

test('a wrong passphrase fails a pooled snapshot and a parallel restore before anything is written, and their workers stop', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    await createImage(img, 8 * MiB, 12);
    const home = join(dir, 'home');
    const svc = await openService(home, { processor: createPool });
    let snapId: string;
    try {
      await svc.addSource({ path: img, name: 'disk', blockSize: 4096, encrypted: true });
      snapId = (await svc.createSnapshot('disk')).id;
    } finally {
      await svc.close();
    }
    const before = await hashTree(home);
    const wrong = await openService(home, { processor: createPool, passphrase: async () => 'wrong' });
    try {
      await assert.rejects(wrong.createSnapshot('disk'), (err: unknown) => isStrataError(err, 'E_PASSPHRASE'));
      await assert.rejects(restoreWith(wrong, snapId, join(dir, 'out.img'), true), (err: unknown) => isStrataError(err, 'E_PASSPHRASE'));
    } finally {
      await wrong.close();
    }
    assert.equal(await hashTree(home), before, 'no lock, in-flight record or pack left behind');
    assert.deepEqual((await fsp.readdir(dir)).sort(), ['disk.img', 'home']);
    // Both commands take their locks while the key is derived: the right passphrase finds them free.
    const right = await openService(home, { processor: createPool });
    try {
      const again = await right.createSnapshot('disk');
      assert.equal(await restoreWith(right, again.id, join(dir, 'out.img'), true), await sha256File(img));
    } finally {
      await right.close();
    }
  });
});
