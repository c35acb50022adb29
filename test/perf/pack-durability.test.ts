import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { listFiles } from '../helpers/files';
import { withTempDir } from '../helpers/home';
import { plainDomain } from '../../engine/crypto/plain-domain';
import { packPath } from '../../engine/pack/layout';
import { PackWriter } from '../../engine/pack/pack-writer';
import { BlobType, RecordEncoder, decodeRecord } from '../../engine/pack/record';
import { LocalStore } from '../../engine/storage/local-store';
import type { RepoStore } from '../../engine/storage/store';

const KiB = 1024;

/**
 * A store whose files become durable only when the test says so: each write's bytes land (and
 * the memory is released) at once, the promise waits for `durable()`.
 */
function gatedStore(inner: LocalStore) {
  const gates: (() => void)[] = [];
  let started = 0;
  const store: RepoStore = Object.create(inner);
  store.write = async (name, data, released) => {
    started++;
    await inner.write(name, data, released);
    await new Promise<void>((resolve) => gates.push(resolve));
  };
  return { store, started: () => started, durable: () => gates.splice(0).forEach((g) => g()) };
}

function records(count: number): { id: Buffer; raw: Buffer; record: Buffer }[] {
  const encoder = new RecordEncoder(plainDomain, null);
  return Array.from({ length: count }, () => {
    const raw = randomBytes(16 * KiB);
    const id = plainDomain.contentId(raw);
    return { id, raw, record: encoder.encode(BlobType.data, id, raw) };
  });
}

test('packs keep filling while earlier ones are made durable, at most two behind, and finish waits for all', async () => {
  await withTempDir(async (dir) => {
    const local = new LocalStore(join(dir, 'repo'));
    const gated = gatedStore(local);
    const writer = new PackWriter(gated.store, plainDomain.name, 64 * KiB);
    const all = records(40); // ≈ 10 packs of 64 KiB
    let added = 0;
    const adding = (async () => {
      for (const r of all) {
        await writer.add(r.record);
        added++;
      }
    })();
    await sleep(50);
    // Two packs written but not durable; the third, full, waits for the first to be durable.
    assert.equal(gated.started(), 2);
    assert.ok(added > 8 && added < 40, `${added} records added while nothing was durable`);
    let finished = false;
    const finishing = (async () => {
      await adding;
      const entries = await writer.finish();
      finished = true;
      return entries;
    })();
    for (let i = 0; i < 20 && !finished; i++) {
      gated.durable();
      await sleep(10);
    }
    const entries = await finishing;
    assert.ok(writer.packsWritten.length >= 8, `${writer.packsWritten.length} packs`);
    for (const r of all) {
      const e = entries.get(r.id)!;
      const pack = await fsp.readFile(join(dir, 'repo', packPath(plainDomain.name, e.pack)));
      assert.ok(decodeRecord(pack.subarray(e.offset, e.offset + e.length), plainDomain, r.id, 'test').raw.equals(r.raw));
    }
  });
});

test('a pack that fails to become durable after its memory was reused still fails the writer', async () => {
  await withTempDir(async (dir) => {
    const inner = new LocalStore(join(dir, 'repo'));
    const store: RepoStore = Object.create(inner);
    let writes = 0;
    store.write = async (name, data, released) => {
      if (++writes > 1) return inner.write(name, data, released);
      released?.();
      await sleep(20);
      throw new Error('fsync failed (EIO)');
    };
    const writer = new PackWriter(store, plainDomain.name, 64 * KiB);
    const run = async () => {
      for (const r of records(40)) await writer.add(r.record);
      await writer.finish();
    };
    await assert.rejects(run, /fsync failed/);
    assert.ok(writes >= 2, 'the next pack was written while the first was still being made durable');
  });
});

test('a prepared file is written in place of a new one; one never written is dropped by discard or close', async () => {
  await withTempDir(async (dir) => {
    const root = join(dir, 'repo');
    const store = new LocalStore(root);
    const temps = async () => (await listFiles(root)).filter((f) => basename(f).startsWith('.tmp-'));
    const data = randomBytes(3 * 1024 * KiB + 5);
    store.prepare('packs/p/aa/one');
    store.prepare('packs/p/bb/two');
    store.prepare('packs/p/cc/three');
    await sleep(20);
    assert.equal((await temps()).length, 3, 'the temporary files are made ahead');
    await store.write('packs/p/aa/one', [data]);
    assert.ok((await fsp.readFile(join(root, 'packs/p/aa/one'))).equals(data));
    await store.discard('packs/p/bb/two');
    assert.equal((await temps()).length, 1);
    await store.close();
    assert.deepEqual(await temps(), [], 'close drops what was prepared');
    assert.deepEqual(await listFiles(root), ['packs/p/aa/one'].map((f) => join(...f.split('/'))));
  });
});

test('a prepared file that cannot be made fails the write that needed it, and leaves nothing', async () => {
  await withTempDir(async (dir) => {
    const root = join(dir, 'repo');
    await fsp.mkdir(join(root, 'packs'), { recursive: true });
    await fsp.writeFile(join(root, 'packs', 'p'), 'a file where a folder should be');
    const store = new LocalStore(root);
    store.prepare('packs/p/aa/one');
    await assert.rejects(store.write('packs/p/aa/one', [randomBytes(2 * 1024 * KiB)]), (err: Error & { code?: string }) => {
      assert.ok(err.code, 'a StrataError with a code');
      assert.match(err.message, /packs\/p\/aa\/one/);
      return true;
    });
    assert.deepEqual(await listFiles(root), [join('packs', 'p')]);
  });
});

test('a writer given up on mid-pack (a failed or cancelled snapshot) leaves no temporary file', async () => {
  await withTempDir(async (dir) => {
    const root = join(dir, 'repo');
    const store = new LocalStore(root);
    const writer = new PackWriter(store, plainDomain.name, 64 * KiB);
    for (const r of records(10)) await writer.add(r.record); // two packs written, a third filling
    await writer.settle();
    const left = await listFiles(root);
    assert.deepEqual(left.filter((f) => basename(f).startsWith('.tmp-')), []);
    assert.equal(left.length, 2, 'the packs written stay (garbage for gc until an index names them)');
  });
});
