import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packSpans } from '../../engine/snapshot/pipeline-protocol';

const unshared = (): number => {
  throw new Error('these blocks are not in shared memory');
};

test('a batch moves a chunk it owns instead of copying it', () => {
  const chunk = Buffer.allocUnsafe(1024 * 1024).fill(7);
  const blocks = [chunk.subarray(0, 4096), chunk.subarray(8192, 12288)];
  const { request, transfer } = packSpans(1, 'encode', blocks, unshared);
  assert.equal(transfer[0], chunk.buffer);
  assert.deepEqual(request.offsets, [chunk.byteOffset, chunk.byteOffset + 8192]);
  assert.deepEqual(request.lengths, [4096, 4096]);
});

test("a batch of small pooled buffers is copied, so Node's shared buffer pool is never detached", () => {
  const a = Buffer.from('hello world');
  const b = Buffer.from('second block');
  assert.ok(a.buffer.byteLength <= Buffer.poolSize, 'the test needs buffers from the shared pool');
  const { request, transfer } = packSpans(2, 'decode', [a, b], unshared, Buffer.alloc(64, 1), ['x', 'y']);
  assert.notEqual(transfer[0], a.buffer);
  const structured = structuredClone(request, { transfer });
  assert.equal(a.toString(), 'hello world', 'the caller’s buffer must stay usable');
  const view = (i: number) => Buffer.from(structured.buf!.buffer, structured.buf!.byteOffset + structured.offsets[i]!, structured.lengths[i]!).toString();
  assert.deepEqual([view(0), view(1)], ['hello world', 'second block']);
  assert.equal(structured.ids!.byteLength, 64);
  assert.deepEqual(structured.where, ['x', 'y']);
});

test('blocks in shared memory are named by the id their memory was registered under, neither moved nor copied', () => {
  const memory = new SharedArrayBuffer(64 * 1024);
  const chunk = Buffer.from(memory);
  const seen: SharedArrayBuffer[] = [];
  const { request, transfer } = packSpans(3, 'encode', [chunk.subarray(4096, 8192), chunk.subarray(16384, 20480)], (m) => (seen.push(m), 7));
  assert.deepEqual(seen, [memory]);
  assert.equal(request.buf, null);
  assert.equal(request.shared, 7);
  assert.deepEqual(request.offsets, [4096, 16384]);
  assert.deepEqual(transfer, []);
});
