import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { createImage, sha256File } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';
import { listFiles } from '../helpers/files';

const MiB = 1024 * 1024;

test('progress events report bytes, total, rate and ETA, ending at 100 %', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'd.img');
    await createImage(img, 12 * MiB, 4);
    const svc = await openService(join(dir, 'home'));
    try {
      await svc.addSource({ path: img, name: 'd' });
      const events: { bytesDone: number; bytesTotal: number; percent: number; rate: number; etaSeconds: number | null }[] = [];
      await svc.createSnapshot('d', { onProgress: (p) => events.push(p) });
      assert.ok(events.length >= 1);
      const last = events.at(-1)!;
      assert.equal(last.bytesDone, 12 * MiB);
      assert.equal(last.bytesTotal, 12 * MiB);
      assert.equal(last.percent, 100);
      for (let i = 1; i < events.length; i++) assert.ok(events[i]!.bytesDone >= events[i - 1]!.bytesDone);
    } finally {
      await svc.close();
    }
  });
});

test('a cancelled snapshot leaves no pack, no index file and no record behind', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'd.img');
    await createImage(img, 32 * MiB, 8);
    const home = join(dir, 'home');
    const svc = await openService(home);
    try {
      await svc.addSource({ path: img, name: 'd' });
      const before = await listFiles(join(home, 'repository'));
      const ac = new AbortController();
      await assert.rejects(
        svc.createSnapshot('d', { signal: ac.signal, ioLimit: 16 * MiB, onProgress: (p) => p.bytesDone > 4 * MiB && ac.abort() }),
        (err: Error & { code?: string }) => err.code === 'E_CANCELLED',
      );
      const after = (await listFiles(join(home, 'repository'))).filter((f) => !f.startsWith('cache/'));
      assert.deepEqual(after, before.filter((f) => !f.startsWith('cache/')));
      assert.deepEqual(await svc.listSnapshots('d'), []);
      const snap = await svc.createSnapshot('d');
      assert.equal(snap.status, 'accomplished');
    } finally {
      await svc.close();
    }
  });
});

test('a source that grows while it is read fails that snapshot cleanly with a reason, and keeps nothing', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'd.img');
    await createImage(img, 16 * MiB, 12);
    const home = join(dir, 'home');
    const svc = await openService(home);
    try {
      await svc.addSource({ path: img, name: 'd' });
      let grown = false;
      await assert.rejects(
        svc.createSnapshot('d', {
          ioLimit: 32 * MiB,
          onProgress: (p) => {
            if (!grown && p.bytesDone > 2 * MiB) {
              grown = true;
              void fsp.truncate(img, 20 * MiB);
            }
          },
        }),
        (err: Error & { code?: string }) => err.code === 'E_SOURCE_CHANGED' && /changed size/.test(err.message),
      );
      const list = await svc.listSnapshots('d');
      assert.equal(list.length, 1);
      assert.equal(list[0]!.status, 'failed');
      assert.match(list[0]!.error ?? '', /changed size/);
      const packs = (await listFiles(join(home, 'repository', 'packs')).catch(() => [])).length;
      assert.equal(packs, 0, 'the failed snapshot wrote no pack that stays');
      const ok = await svc.createSnapshot('d');
      const out = join(dir, 'r.img');
      await svc.restore(ok.id, out);
      assert.equal(await sha256File(out), await sha256File(img));
      const del = await svc.deleteSnapshot(list[0]!.id);
      assert.equal(del.freedBytes, 0);
      assert.equal((await svc.listSnapshots('d')).length, 1);
    } finally {
      await svc.close();
    }
  });
});

test('two snapshots of one source at once: the second is refused clearly, nothing is corrupted', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'd.img');
    await createImage(img, 16 * MiB, 13);
    const svc = await openService(join(dir, 'home'));
    try {
      await svc.addSource({ path: img, name: 'd' });
      let second: Promise<Error & { code?: string }> | null = null;
      const first = svc.createSnapshot('d', {
        ioLimit: 32 * MiB,
        onProgress: () => {
          second ??= svc.createSnapshot('d').then(() => new Error('second snapshot was not refused'), (e: Error) => e);
        },
      });
      await first;
      const err = await second!;
      assert.equal(err.code, 'E_BUSY', err.message);
      assert.match(err.message, /already progressing/);
      assert.equal((await svc.check({ readData: true })).ok, true);
    } finally {
      await svc.close();
    }
  });
});

test("a check while a snapshot runs does not call the pack file it is filling a leftover; one left behind is reported", async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'd.img');
    await createImage(img, 40 * MiB, 6);
    const home = join(dir, 'home');
    const svc = await openService(home);
    try {
      await svc.addSource({ path: img, name: 'd' });
      let during: Promise<{ temps: string[]; notices: string[] }> | null = null;
      await svc.createSnapshot('d', {
        ioLimit: 16 * MiB,
        onProgress: (p) => {
          if (during || p.bytesDone < 28 * MiB) return;
          during = (async () => {
            const temps = (await listFiles(join(home, 'repository'))).filter((f) => f.includes('.tmp-'));
            const report = await svc.check();
            return { temps, notices: report.notices.map((n) => n.kind) };
          })();
        },
      });
      const seen = await during!;
      assert.ok(seen.temps.some((f) => f.startsWith('packs')), `a pack file was being filled: ${seen.temps.join(', ')}`);
      assert.ok(!seen.notices.includes('temp-file'), `no leftover reported while the snapshot ran: ${seen.notices.join(', ')}`);
      assert.deepEqual((await listFiles(join(home, 'repository'))).filter((f) => f.includes('.tmp-')), [], 'none left once it finished');
      await fsp.writeFile(join(home, 'repository', 'packs', '.tmp-left-behind'), 'torn');
      assert.ok((await svc.check()).notices.some((n) => n.kind === 'temp-file' && (n.file ?? '').endsWith('.tmp-left-behind')));
    } finally {
      await svc.close();
    }
  });
});
