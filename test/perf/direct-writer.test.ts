import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { withTempDir } from '../helpers/home';
import { DIRECT_ALIGN, DirectWriter, directWritesAvailable } from '../../engine/storage/direct-writer';
import { LocalStore } from '../../engine/storage/local-store';

const MiB = 1024 * 1024;

/** File systems known to take O_DIRECT, where the writer must not fall back. */
function takesDirect(dir: string): boolean {
  if (!directWritesAvailable()) return false;
  const fs = execFileSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' }).trim();
  return ['ext2/ext3', 'ext4', 'xfs', 'btrfs'].includes(fs);
}

/** Splits `data` into parts of awkward sizes, as records of a pack would be. */
function parts(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = Math.min(data.length - at, [7, 60, 16_384, 3 * MiB + 5, 100_001][i % 5]!);
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}

const cases = [
  { name: 'less than one aligned block', bytes: 1000, at: 0 },
  { name: 'an aligned length', bytes: 8 * DIRECT_ALIGN, at: 0 },
  { name: 'an unaligned tail', bytes: 5 * MiB + 123, at: 0 },
  { name: 'more than one staging buffer', bytes: 37 * MiB + 4097, at: 0 },
  { name: 'an aligned position inside the file', bytes: 2 * MiB + 1, at: 3 * DIRECT_ALIGN },
  { name: 'an unaligned position', bytes: 2 * MiB, at: 1234 },
];

for (const c of cases) {
  test(`direct writer stores every byte: ${c.name}`, async () => {
    await withTempDir(async (dir) => {
      const data = randomBytes(c.bytes);
      const path = join(dir, 'out.bin');
      const w = await DirectWriter.open(path, 'wx', 0o600, 'a test file');
      try {
        await w.writeAt(parts(data), c.at);
        await w.sync();
        if (takesDirect(dir)) assert.equal(w.isDirect, true, 'ext4/xfs/btrfs take direct writes');
      } finally {
        await w.close();
      }
      const back = await fsp.readFile(path);
      assert.equal(back.length, c.at + c.bytes);
      assert.ok(back.subarray(0, c.at).every((b) => b === 0), 'nothing is written before the position');
      assert.ok(back.subarray(c.at).equals(data), 'the bytes read back are the bytes written');
    });
  });
}

test('a file system that refuses a direct write mid-file gets the rest through the cache', async () => {
  await withTempDir(async (dir) => {
    const data = randomBytes(40 * MiB + 77);
    const path = join(dir, 'out.bin');
    const w = await DirectWriter.open(path, 'wx', 0o600, 'a test file');
    const direct = (w as unknown as { direct: { write: (...a: unknown[]) => Promise<unknown> } | null }).direct;
    if (takesDirect(dir)) assert.ok(direct, 'this file system takes direct writes, so the refusal below is exercised');
    if (direct) {
      const real = direct.write.bind(direct);
      let calls = 0;
      direct.write = async (...a: unknown[]) => {
        if (++calls === 2) throw Object.assign(new Error('EINVAL: invalid argument'), { code: 'EINVAL' });
        return real(...a);
      };
    }
    try {
      await w.writeAt([data], 0);
      assert.equal(w.isDirect, false, 'after a refusal the writer stops trying');
      await w.writeAt([data.subarray(0, 5000)], 40 * MiB + 77);
      await w.sync();
    } finally {
      await w.close();
    }
    const back = await fsp.readFile(path);
    assert.ok(back.equals(Buffer.concat([data, data.subarray(0, 5000)])));
  });
});

test('a repository store writes packs of every size intact, direct or not', async () => {
  await withTempDir(async (dir) => {
    for (const env of ['1', '0']) {
      process.env.STRATA_DIRECT_IO = env;
      try {
        const store = new LocalStore(join(dir, `repo-${env}`));
        for (const bytes of [10, MiB - 1, MiB, 16 * MiB + 333]) {
          const data = randomBytes(bytes);
          await store.write(`packs/${bytes}`, parts(data));
          assert.ok((await store.read(`packs/${bytes}`)).equals(data), `${bytes} bytes with STRATA_DIRECT_IO=${env}`);
        }
        assert.deepEqual((await fsp.readdir(join(dir, `repo-${env}`, 'packs'))).filter((n) => n.startsWith('.tmp-')), [], 'no temp files left');
      } finally {
        delete process.env.STRATA_DIRECT_IO;
      }
    }
  });
});

test('a writer that defers small writes holds them until sync (or until 32 MiB are held) and loses none, close included', async () => {
  await withTempDir(async (dir) => {
    // Lone writes of 16, 4 and 12 KiB and 1,000 bytes every 32 KiB, then a 4 MiB run and a short
    // tail: 42 MiB of small writes, more than a writer holds at once. Mixed sizes, so
    // that a write that no longer fits is followed by smaller ones that would.
    const sizes = [16 * 1024, 4096, 12 * 1024, 1000];
    const size = 164 * MiB + 700;
    const expected = Buffer.alloc(size);
    const writes: { at: number; data: Buffer }[] = [];
    for (let at = 0, k = 0; at < 160 * MiB; at += 32 * 1024, k++) writes.push({ at, data: randomBytes(sizes[k % sizes.length]!) });
    writes.push({ at: 160 * MiB, data: randomBytes(4 * MiB) });
    writes.push({ at: 164 * MiB, data: randomBytes(700) });
    for (const w of writes) w.data.copy(expected, w.at);
    for (const ending of ['sync', 'close'] as const) {
      const path = join(dir, `out-${ending}.bin`);
      const w = await DirectWriter.open(path, 'wx', 0o600, 'a test file', { deferSmall: true });
      let wentOut = false;
      try {
        await w.fh.truncate(size);
        // Eight at a time, as a restore writes: the write that fills the held memory waits for
        // it to go out while the others keep coming.
        for (let i = 0; i < writes.length; i += 8) await Promise.all(writes.slice(i, i + 8).map(({ at, data }) => w.writeAt([data], at)));
        if (w.isDirect) {
          const before = await fsp.readFile(path);
          wentOut = before.subarray(0, 32 * MiB).equals(expected.subarray(0, 32 * MiB));
          assert.ok(before.subarray(164 * MiB).every((b) => b === 0), 'the last small write is still held before sync');
        }
        if (ending === 'sync') await w.sync();
      } finally {
        await w.close();
      }
      if (takesDirect(dir)) assert.ok(wentOut, 'small writes went out before sync once 32 MiB of them were held');
      assert.ok((await fsp.readFile(path)).equals(expected), `every byte is in place after ${ending}`);
    }
  });
});

test('abandoning a writer drops the small writes it holds and writes nothing more; closing writes them', async () => {
  await withTempDir(async (dir) => {
    const small = randomBytes(4096);
    const large = Buffer.alloc(DIRECT_ALIGN * 256, 7);
    for (const ending of ['abandon', 'close'] as const) {
      const path = join(dir, `out-${ending}.bin`);
      const w = await DirectWriter.open(path, 'wx', 0o600, 'a test file', { deferSmall: true });
      await w.fh.truncate(2 * MiB);
      await w.writeAt([large], 0);
      await w.writeAt([small], MiB);
      const direct = w.isDirect;
      if (ending === 'abandon') await w.abandon();
      else await w.close();
      const bytes = await fsp.readFile(path);
      assert.ok(bytes.subarray(0, large.length).equals(large), `${ending}: the large write is in place`);
      const tail = bytes.subarray(MiB, MiB + small.length);
      // Held only where writes go around the cache; elsewhere a small write goes out at once.
      if (ending === 'close' || !direct) assert.ok(tail.equals(small), `${ending}: the small write is in place`);
      else assert.ok(tail.every((b) => b === 0), 'abandon: the held small write never reached the file');
    }
  });
});
