import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { ChainDomain } from '../../engine/crypto/chain-domain';
import { plainDomain } from '../../engine/crypto/plain-domain';
import { decodeIndexFile, encodeIndexFile } from '../../engine/pack/index-file';
import { MasterIndex, idKey, type IndexEntry } from '../../engine/pack/master-index';
import { BlobType } from '../../engine/pack/record';

const idOf = (i: number) => createHash('sha256').update(`blob ${i}`).digest();
const packOf = (i: number) => (i % 7).toString(16).padStart(32, '0');
const entryOf = (i: number): IndexEntry => ({ pack: packOf(i), offset: i * 100, length: 60 + i, rawLength: 16384, type: i % 2 ? BlobType.data : BlobType.tree });

test('the master index finds every blob it holds, across growth, and none it does not', () => {
  const index = new MasterIndex();
  const n = 50_000;
  for (let i = 0; i < n; i++) index.add(idOf(i), entryOf(i));
  assert.equal(index.size, n);
  for (let i = 0; i < n; i += 97) {
    assert.deepEqual(index.get(idOf(i)), entryOf(i));
    assert.deepEqual(index.getByKey(idKey(idOf(i))), entryOf(i));
    assert.equal(index.has(idOf(i)), true);
  }
  for (let i = n; i < n + 1000; i++) assert.equal(index.has(idOf(i)), false, `blob ${i} was never added`);
  assert.deepEqual([...index.packs()].sort(), [0, 1, 2, 3, 4, 5, 6].map((i) => packOf(i)).sort());
});

test('room reserved ahead keeps the entries already held and takes the new ones', () => {
  const index = new MasterIndex();
  for (let i = 0; i < 1500; i++) index.add(idOf(i), entryOf(i));
  index.reserve(40_000);
  index.reserve(10); // less than held: nothing to do
  for (let i = 1500; i < 40_000; i++) index.add(idOf(i), entryOf(i));
  assert.equal(index.size, 40_000);
  for (let i = 0; i < 40_000; i += 61) assert.deepEqual(index.get(idOf(i)), entryOf(i));
  assert.equal(index.has(idOf(40_000)), false);
});

test('a blob added twice keeps its first location; ids that share their first bytes stay apart', () => {
  const index = new MasterIndex();
  const a = Buffer.alloc(32, 1);
  const b = Buffer.from(a);
  b[31] = 2; // same table slot as `a`: only the last byte differs
  index.add(a, entryOf(1));
  index.add(a, entryOf(2));
  index.add(b, entryOf(3));
  assert.equal(index.size, 2);
  assert.deepEqual(index.get(a), entryOf(1));
  assert.deepEqual(index.get(b), entryOf(3));
});

test('iteration gives every entry once, in the order added, with its id', () => {
  const index = new MasterIndex();
  for (let i = 0; i < 3000; i++) index.add(idOf(i), entryOf(i));
  const byKey = [...index];
  const byId: [Buffer, IndexEntry][] = [];
  index.forEachEntry((ids, at, pack, offset, length, rawLength, type) => {
    byId.push([Buffer.from(ids.subarray(at, at + 32)), { pack, offset, length, rawLength, type: type as IndexEntry['type'] }]);
  });
  assert.equal(byKey.length, 3000);
  assert.equal(byId.length, 3000);
  byKey.forEach(([k, e], i) => {
    assert.equal(k, idKey(idOf(i)));
    assert.deepEqual(e, entryOf(i));
    assert.ok(byId[i]![0].equals(idOf(i)));
    assert.deepEqual(byId[i]![1], entryOf(i));
  });
});

test('an index file gives back every entry, plain and sealed; a flipped byte is refused', () => {
  const index = new MasterIndex();
  for (let i = 0; i < 3000; i++) index.add(idOf(i), entryOf(Math.floor(i / 500)));
  for (const domain of [plainDomain, new ChainDomain('src-test', randomBytes(32))]) {
    const file = encodeIndexFile(index, domain);
    const back = new MasterIndex();
    assert.equal(decodeIndexFile(file, domain, 'test', back), 3000);
    assert.deepEqual([...back], [...index]);
    file[file.length - 40] ^= 1;
    assert.throws(() => decodeIndexFile(file, domain, 'test', new MasterIndex()), /checksum|damaged|tamper|authenticat/i);
  }
});

test('addAll takes every entry of another index; a blob already held keeps its first location', () => {
  const a = new MasterIndex();
  const b = new MasterIndex();
  for (let i = 0; i < 100; i++) a.add(idOf(i), entryOf(i));
  for (let i = 50; i < 2000; i++) b.add(idOf(i), { ...entryOf(i), offset: 1 });
  a.addAll(b);
  assert.equal(a.size, 2000);
  assert.deepEqual(a.get(idOf(60)), entryOf(60));
  assert.deepEqual(a.get(idOf(1500)), { ...entryOf(1500), offset: 1 });
});
