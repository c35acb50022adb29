import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkRing } from '../../engine/source/block-reader';

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
