import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlockReader, ChunkRing } from '../../engine/source/block-reader';
import { inspectSource } from '../../engine/source/inspect';

test('a chunk ring lends each buffer once, waits when all are out, and takes back views of its own memory only', async () => {
  const ring = new ChunkRing(1024, 2);
  const a = await ring.take();
  const b = await ring.take();
  assert.notEqual(a.buffer, b.buffer);
  assert.ok(a.buffer instanceof SharedArrayBuffer, 'shared memory: worker threads read it without a copy');
  let third: Buffer | null = null;
  const waiting = ring.take().then((c) => (third = c));
  await new Promise((r) => setImmediate(r));
  assert.equal(third, null, 'a third take waits while both buffers are lent');
  ring.release(Buffer.alloc(1024));
  await new Promise((r) => setImmediate(r));
  assert.equal(third, null, 'a foreign buffer does not count as a return');
  ring.release(a.subarray(0, 10));
  await waiting;
  assert.equal(third!.buffer, a.buffer, 'a view of a lent chunk returns the whole chunk');
  ring.release(b);
  ring.release(b);
  const d = await ring.take();
  assert.equal(d.buffer, b.buffer);
  let extra: Buffer | null = null;
  void ring.take().then((c) => (extra = c));
  await new Promise((r) => setImmediate(r));
  assert.equal(extra, null, 'releasing the same chunk twice does not lend it twice');
});

test('the block reader keeps several reads in flight and hands chunks out in order, each with its own bytes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'strata-reader-'));
  try {
    const path = join(dir, 'disk.img');
    const bytes = randomBytes(10 * 1024 + 300); // ten whole chunks and a short one
    await writeFile(path, bytes);
    const ring = new ChunkRing(1024, 4);
    const reader = new BlockReader(await inspectSource(path), 1024, ring, 3);
    await reader.open();
    const seen: Buffer[] = [];
    for (let chunk = await reader.next(); chunk; chunk = await reader.next()) {
      seen.push(Buffer.from(chunk));
      reader.release(chunk);
    }
    await reader.close();
    assert.equal(seen.length, 11);
    assert.ok(Buffer.concat(seen).equals(bytes), 'the chunks are the file, in order');
    assert.equal(seen[10]!.length, 300, 'the last chunk is short');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a source that shrinks while chunks are read ahead fails with E_SOURCE_CHANGED, not with a short chunk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'strata-reader-'));
  try {
    const path = join(dir, 'disk.img');
    await writeFile(path, randomBytes(8 * 1024));
    const reader = new BlockReader(await inspectSource(path), 1024, new ChunkRing(1024, 4), 3);
    await reader.open();
    assert.ok(await reader.next());
    await truncate(path, 2 * 1024);
    await assert.rejects(
      async () => {
        for (let chunk = await reader.next(); chunk; chunk = await reader.next()) reader.release(chunk);
      },
      (err: Error & { code?: string }) => err.code === 'E_SOURCE_CHANGED' && /shrank/.test(err.message),
    );
    await reader.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
