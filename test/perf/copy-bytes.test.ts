import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyBytes } from '../../engine/storage/copy-bytes';

/** A buffer over shared memory holding `bytes`, as the chunk ring and record memory are. */
function shared(bytes: Buffer): Buffer {
  const b = Buffer.from(new SharedArrayBuffer(bytes.length));
  bytes.copy(b);
  return b;
}

test('copyBytes copies a view at any offset between shared and plain memory, and nothing else', () => {
  const data = randomBytes(70_001);
  for (const [srcShared, destShared] of [[true, true], [true, false], [false, true], [false, false]]) {
    const src = srcShared ? shared(data) : Buffer.from(data);
    for (const [from, length, at] of [[3, 16_384, 5], [0, 70_001, 0], [4097, 1, 9999], [17, 40_000, 29_983]] as const) {
      const dest = destShared ? shared(Buffer.alloc(70_001, 0xee)) : Buffer.alloc(70_001, 0xee);
      assert.equal(copyBytes(src.subarray(from, from + length), dest, at), length);
      assert.deepEqual(dest.subarray(at, at + length), data.subarray(from, from + length));
      assert.ok(dest.subarray(0, at).every((b) => b === 0xee), 'bytes before the range are untouched');
      assert.ok(dest.subarray(at + length).every((b) => b === 0xee), 'bytes after the range are untouched');
    }
  }
});

test('copyBytes refuses a range that does not fit instead of copying part of it', () => {
  const dest = Buffer.alloc(10, 1);
  assert.throws(() => copyBytes(Buffer.alloc(4), dest, 7), RangeError);
  assert.throws(() => copyBytes(Buffer.alloc(1), dest, -1), RangeError);
  assert.deepEqual(dest, Buffer.alloc(10, 1));
  assert.equal(copyBytes(Buffer.alloc(0), dest, 10), 0);
});
