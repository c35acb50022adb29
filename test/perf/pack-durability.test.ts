import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
