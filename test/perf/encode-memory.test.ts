import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { withTempDir } from '../helpers/home';
import { ChainDomain } from '../../engine/crypto/chain-domain';
import { plainDomain } from '../../engine/crypto/plain-domain';
import { packPath } from '../../engine/pack/layout';
import { PackWriter } from '../../engine/pack/pack-writer';
import { BlobType, RecordEncoder, decodeRecord, readHeader } from '../../engine/pack/record';
import { PooledProcessor } from '../../engine/snapshot/pool';
import type { ProcessedBatch, ProcessedBlock } from '../../engine/snapshot/block-processor';
import { alignedMemory, isPageAligned } from '../../engine/storage/direct-writer';
import { LocalStore } from '../../engine/storage/local-store';

const KiB = 1024;
const MiB = 1024 * KiB;

function text(bytes: number, seed: number): Buffer {
  const words = ['block', 'image', 'snapshot', 'disk', 'chain', 'pack', 'restore', 'volume'];
  let s = '';
  for (let i = seed; s.length < bytes; i = (i * 1103515245 + 12345) >>> 0) s += `${words[i % words.length]} `;
  return Buffer.from(s.slice(0, bytes));
}

test('a pack writer copies each record: the caller may reuse its buffer at once, packs hold every byte', async () => {
  await withTempDir(async (dir) => {
    const store = new LocalStore(join(dir, 'repo'));
    const writer = new PackWriter(store, plainDomain.name, 256 * KiB);
    const encoder = new RecordEncoder(plainDomain, null);
    const raws: Buffer[] = [];
    // Text, random, and one record larger than a pack's memory (packBytes + 1 MiB of slack).
    for (let i = 0; i < 60; i++) raws.push(i % 3 === 0 ? text(16 * KiB, i) : randomBytes(16 * KiB));
    raws.splice(30, 0, randomBytes(2 * MiB));
    for (const raw of raws) {
      const record = encoder.encode(BlobType.data, plainDomain.contentId(raw), raw);
      await writer.add(record);
      record.fill(0xee); // as a caller reusing its memory would
    }
    const entries = await writer.finish();
    assert.ok(writer.packsWritten.length >= 4, `${writer.packsWritten.length} packs`);
    const packs = new Map<string, Buffer>();
    for (const raw of raws) {
      const id = plainDomain.contentId(raw);
      const e = entries.get(id)!;
      assert.ok(e, 'every record has an entry');
      const pack = packs.get(e.pack) ?? (await fsp.readFile(join(dir, 'repo', packPath(plainDomain.name, e.pack))));
      packs.set(e.pack, pack);
      const { raw: back } = decodeRecord(pack.subarray(e.offset, e.offset + e.length), plainDomain, id, 'test');
      assert.ok(back.equals(raw), 'the record reads back byte-identical');
    }
  });
});

test('after a block that compressed well the next is tried whole: a random one is still stored raw', () => {
  const encoder = new RecordEncoder(plainDomain, null);
  const dest = Buffer.alloc(64 * KiB);
  const kinds: [string, Buffer][] = [
    ['text', text(16 * KiB, 1)],
    ['random', randomBytes(16 * KiB)],
    ['random', randomBytes(16 * KiB)],
    ['text', text(16 * KiB, 2)],
  ];
  for (const [kind, raw] of kinds) {
    const id = plainDomain.contentId(raw);
    const n = encoder.encodeInto(BlobType.data, id, raw, dest);
    const h = readHeader(dest, kind);
    if (kind === 'text') assert.ok(h.codec === 'lz4' && h.payloadLength < raw.length / 2, 'text is compressed');
    else assert.ok(h.codec === 'none' && h.payloadLength === raw.length, 'random data is stored as it is');
    assert.ok(decodeRecord(dest.subarray(0, n), plainDomain, id, kind).raw.equals(raw));
  }
});

test('a block of text with a random 4 KiB write at its start is still compressed (the sample is spread over the block)', () => {
  for (const rest of [text(12 * KiB, 5), Buffer.alloc(12 * KiB)]) {
    const encoder = new RecordEncoder(plainDomain, null);
    const raw = Buffer.concat([randomBytes(4 * KiB), rest]);
    const dest = Buffer.alloc(64 * KiB);
    const n = encoder.encodeInto(BlobType.data, plainDomain.contentId(raw), raw, dest);
    const h = readHeader(dest, 'block');
    assert.ok(h.codec === 'lz4' && h.payloadLength < 10 * KiB, `stored ${h.payloadLength} bytes of 16 KiB`);
    assert.ok(decodeRecord(dest.subarray(0, n), plainDomain, h.id, 'block').raw.equals(raw));
  }
});

test('a sealer seals into memory that holds the plaintext itself, and the encrypted record opens', () => {
  const domain = new ChainDomain('src-test', randomBytes(32));
  const sealer = domain.newSealer()!;
  const plain = text(10 * KiB, 3);
  const aad = Buffer.from('header');
  const dest = Buffer.alloc(plain.length + 64);
  plain.copy(dest);
  const n = sealer.sealInto(dest.subarray(0, plain.length), aad, dest);
  assert.ok(domain.open(dest.subarray(0, n), aad).equals(plain));
  // A record: the compressed bytes lie where the sealed payload goes.
  const encoder = new RecordEncoder(domain, domain.newSealer());
  const out = Buffer.alloc(64 * KiB);
  for (const raw of [text(16 * KiB, 4), randomBytes(16 * KiB)]) {
    const id = domain.contentId(raw);
    const len = encoder.encodeInto(BlobType.data, id, raw, out);
    assert.equal(readHeader(out, 'record').sealed, true);
    assert.ok(decodeRecord(out.subarray(0, len), domain, id, 'record').raw.equals(raw));
  }
});

test('workers write records into shared memory the pool reuses, and a larger batch gets a larger slot', async () => {
  const processor = new PooledProcessor(plainDomain);
  try {
    const batch = (jobs: number) => {
      const ring = Buffer.from(new SharedArrayBuffer(jobs * 16 * KiB));
      for (let i = 0; i < jobs; i++) (i % 2 ? text(16 * KiB, i) : randomBytes(16 * KiB)).copy(ring, i * 16 * KiB);
      const datas = Array.from({ length: jobs }, (_, i) => Buffer.from(ring.subarray(i * 16 * KiB, (i + 1) * 16 * KiB)));
      return { jobs: Array.from({ length: jobs }, (_, i) => ({ data: ring.subarray(i * 16 * KiB, (i + 1) * 16 * KiB) })), datas };
    };
    // Records the workers made are in shared memory; inline ones are written where the pack wants them.
    const bytesOf = (record: ProcessedBlock['record']): Buffer => {
      if (!record || Buffer.isBuffer(record)) return record!;
      const dest = Buffer.alloc(record.maxBytes);
      return dest.subarray(0, record.writeInto(dest));
    };
    const memoryOf = (b: ProcessedBlock) => (Buffer.isBuffer(b.record) ? b.record.buffer : null);
    const verify = (done: ProcessedBatch, datas: Buffer[]) => {
      assert.equal(done.blocks.length, datas.length);
      done.blocks.forEach((b, i) => assert.ok(decodeRecord(bytesOf(b.record), plainDomain, b.id, `block ${i}`).raw.equals(datas[i]!)));
    };
    // The first batches run on this thread while the workers start.
    let first: ProcessedBatch | null = null;
    for (let tries = 0; tries < 200 && !first; tries++) {
      const { jobs, datas } = batch(40);
      const done = await processor.process(jobs, () => false);
      verify(done, datas);
      if (memoryOf(done.blocks[0]!) instanceof SharedArrayBuffer) first = done;
      else {
        done.release();
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    assert.ok(first, 'the workers took a batch');
    const slots = new Set(first.blocks.map(memoryOf));
    first.release();
    const again = batch(40);
    const second = await processor.process(again.jobs, () => false);
    verify(second, again.datas);
    assert.ok(second.blocks.every((b) => slots.has(memoryOf(b))), 'released memory is used again');
    second.release();
    const big = batch(256);
    const third = await processor.process(big.jobs, () => false);
    verify(third, big.datas);
    assert.ok(third.blocks.every((b) => !slots.has(memoryOf(b))), 'a batch that does not fit gets new memory');
    third.release();
  } finally {
    await processor.close();
  }
});

test('memory from alignedMemory is known to start on a page; other buffers are not', () => {
  const m = alignedMemory(64 * KiB);
  assert.equal(isPageAligned(m), true);
  assert.equal(isPageAligned(m.subarray(4096)), true);
  assert.equal(isPageAligned(m.subarray(512)), false);
  assert.equal(isPageAligned(Buffer.alloc(64 * KiB)), false);
});
