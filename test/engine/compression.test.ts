import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { basename, join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Lz4 } from '../../engine/pack/lz4';
import { BlobType, RECORD_HEADER_BYTES, RecordEncoder, decodeRecord, maxRecordBytes, readHeader } from '../../engine/pack/record';
import { plainDomain } from '../../engine/crypto/plain-domain';
import { ChainDomain } from '../../engine/crypto/chain-domain';
import type { Compression } from '../../engine/core/types';
import { createImage, rng, sha256File, textBytes } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';
import { listFiles } from '../helpers/files';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * LZ4's block format decoded by a separate implementation written from the format's
 * description: sequences of a token (literal length, match length − 4), literals, a 2-byte
 * little-endian offset and extra length bytes of 255. The codec's output must read the same here.
 */
function referenceLz4Decode(src: Buffer, rawLength: number): Buffer {
  const out = Buffer.alloc(rawLength);
  let i = 0;
  let o = 0;
  const length = (base: number): number => {
    let n = base;
    if (base === 15) for (let b = 255; b === 255; n += b) b = src[i++]!;
    return n;
  };
  for (;;) {
    const token = src[i++]!;
    const literals = length(token >> 4);
    src.copy(out, o, i, i + literals);
    i += literals;
    o += literals;
    if (i >= src.length) break;
    const offset = src[i]! | (src[i + 1]! << 8);
    i += 2;
    const match = length(token & 15) + 4;
    for (let k = 0; k < match; k++, o++) out[o] = out[o - offset]!;
  }
  assert.equal(o, rawLength, 'the stream decodes to the raw length');
  return out;
}

function text(n: number, seed: number): Buffer {
  return textBytes(n, rng(seed));
}

test('LZ4: text, zeros, mixed and tiny inputs round-trip and decode the same with a separate decoder of the format', () => {
  const lz4 = new Lz4();
  const inputs: [string, Buffer][] = [
    ['one byte', Buffer.from([7])],
    ['100 bytes of text', text(100, 1)],
    ['16 KiB of text', text(16 * KiB, 2)],
    ['16 KiB of zeros', Buffer.alloc(16 * KiB)],
    ['1 MiB of text and random data', Buffer.concat([text(512 * KiB, 3), randomBytes(256 * KiB), text(256 * KiB, 4)])],
    ['4 MiB of text (the codec memory grows)', text(4 * MiB, 5)],
  ];
  for (const [what, raw] of inputs) {
    const dest = Buffer.alloc(raw.length + raw.length / 255 + 16);
    const n = lz4.compress(raw, dest);
    assert.ok(n > 0, `${what}: compressed`);
    if (raw.length >= 16 * KiB) assert.ok(n < raw.length * 0.8, `${what}: ${n} bytes of ${raw.length}`);
    const back = Buffer.alloc(raw.length);
    assert.equal(lz4.decompress(dest.subarray(0, n), back), raw.length, `${what}: raw length`);
    assert.ok(back.equals(raw), `${what}: same bytes`);
    assert.ok(referenceLz4Decode(dest.subarray(0, n), raw.length).equals(raw), `${what}: the reference decoder agrees`);
  }
});

test('LZ4: random data does not fit in its own length (0 is returned), and output never goes past the room given', () => {
  const lz4 = new Lz4();
  const raw = randomBytes(16 * KiB);
  const dest = Buffer.alloc(32 * KiB, 0xaa);
  assert.equal(lz4.compress(raw, dest.subarray(0, raw.length)), 0);
  assert.ok(dest.subarray(raw.length).every((b) => b === 0xaa), 'nothing written past the room');
});

test('LZ4: damaged or hostile input raises instead of writing past the destination', () => {
  const lz4 = new Lz4();
  const raw = text(16 * KiB, 6);
  const packed = Buffer.alloc(32 * KiB);
  const n = lz4.compress(raw, packed);
  const good = packed.subarray(0, n);
  const cases: [string, Buffer][] = [
    ['truncated', good.subarray(0, n - 7)],
    ['a match offset before the start', Buffer.from([0x1f, 0x41, 0xff, 0xff, 0x00])],
    ['an offset of zero', Buffer.from([0x1f, 0x41, 0x00, 0x00, 0x00])],
    ['a literal run longer than the input', Buffer.from([0xf0, 0xff, 0xff, 0x10])],
  ];
  for (const [what, bad] of cases) {
    const room = Buffer.alloc(20 * KiB, 0x55);
    assert.throws(() => lz4.decompress(bad, room.subarray(0, 16 * KiB)), RangeError, what);
    assert.ok(room.subarray(16 * KiB).every((b) => b === 0x55), `${what}: nothing written past the destination`);
  }
  // Longer than the block it claims to be: the destination bound holds.
  const short = Buffer.alloc(16 * KiB - 1);
  assert.throws(() => lz4.decompress(good, short), RangeError);
});

test('records: every compression encodes and decodes, plain and sealed, and says which it used', () => {
  const sealedDomain = new ChainDomain('src-compression', randomBytes(32));
  for (const domain of [plainDomain, sealedDomain]) {
    for (const compression of ['lz4', 'zstd', 'none'] as Compression[]) {
      const encoder = new RecordEncoder(domain, domain.newSealer(), compression);
      const inputs: [string, Buffer, boolean][] = [['text', text(16 * KiB, 7), true], ['random', randomBytes(16 * KiB), false], ['a repeated byte', Buffer.alloc(64 * KiB, 3), true]];
      for (const [what, raw, compressible] of inputs) {
        const id = domain.contentId(raw);
        const dest = Buffer.alloc(maxRecordBytes(raw.length));
        const len = encoder.encodeInto(BlobType.data, id, raw, dest);
        const h = readHeader(dest, 'record');
        assert.equal(h.codec, compressible ? compression : 'none', `${compression}, ${what}`);
        assert.ok(decodeRecord(dest.subarray(0, len), domain, id, 'record').raw.equals(raw), `${compression}, ${what}, ${domain.name}: decodes`);
      }
    }
  }
});

test('records: version 1 (zstd only) still reads; flags a version does not define are refused as an unknown format', () => {
  const raw = text(16 * KiB, 8);
  const id = plainDomain.contentId(raw);
  const rewrite = (rec: Buffer, version: number, flags: number): Buffer => {
    const copy = Buffer.from(rec);
    copy.writeUInt8(version, 2);
    copy.writeUInt8(flags, 4);
    copy.writeUInt32BE(crc32(copy.subarray(0, 56)), 56);
    return copy;
  };
  const encode = (compression: Compression): Buffer => {
    const dest = Buffer.alloc(maxRecordBytes(raw.length));
    return dest.subarray(0, new RecordEncoder(plainDomain, null, compression).encodeInto(BlobType.data, id, raw, dest));
  };
  const zstd = encode('zstd');
  assert.equal(zstd.readUInt8(4), 1);
  assert.ok(decodeRecord(rewrite(zstd, 1, 1), plainDomain, id, 'v1').raw.equals(raw), 'a version 1 zstd record');
  const lz4 = encode('lz4');
  assert.equal(lz4.readUInt8(2), 2);
  assert.throws(() => readHeader(rewrite(lz4, 1, 4), 'v1 lz4'), /E_FORMAT|not known in version 1/);
  assert.throws(() => readHeader(rewrite(lz4, 2, 4 | 8), 'unknown bit'), /not known in version 2/);
  assert.throws(() => readHeader(rewrite(lz4, 2, 4 | 1), 'both'), /two compressions/);
  // An LZ4 payload damaged under a valid header is corrupt, never returned.
  const damaged = Buffer.from(lz4);
  damaged[RECORD_HEADER_BYTES + 40] ^= 0xff;
  assert.throws(() => decodeRecord(damaged, plainDomain, id, 'pack@0'), /pack@0: (compressed data is damaged|content does not match)/);
});

async function packCodecs(home: string): Promise<Set<string>> {
  const codecs = new Set<string>();
  const root = join(home, 'repository', 'packs');
  for (const name of await listFiles(root)) {
    if (basename(name).startsWith('.tmp-')) continue;
    const pack = await fsp.readFile(join(root, name));
    for (let at = 0; at < pack.length; ) {
      const h = readHeader(pack.subarray(at, at + RECORD_HEADER_BYTES), `${name}@${at}`);
      if (h.type === BlobType.data) codecs.add(h.codec);
      at += RECORD_HEADER_BYTES + h.payloadLength;
    }
  }
  return codecs;
}

test('each source compresses as it was added, a source record from before the setting takes LZ4, and a chain mixing them restores byte-identical', async () => {
  await withTempDir(async (dir) => {
    const images: Record<Compression, string> = { lz4: join(dir, 'lz4.img'), zstd: join(dir, 'zstd.img'), none: join(dir, 'none.img') };
    const home = join(dir, 'home');
    const svc = await openService(home);
    try {
      for (const [i, c] of (['zstd', 'none', 'lz4'] as Compression[]).entries()) {
        await createImage(images[c], 8 * MiB, 40 + i);
        const src = await svc.addSource({ path: images[c], name: c, compression: c });
        assert.equal(src.compression, c);
      }
      await createImage(join(dir, 'default.img'), 4 * MiB, 49);
      assert.equal((await svc.addSource({ path: join(dir, 'default.img'), name: 'default' })).compression, 'lz4', 'LZ4 is the default');
      await assert.rejects(svc.addSource({ path: images.lz4, name: 'bad', compression: 'gzip' as Compression }), /E_INVALID|compression/);
      const zstdSnap = await svc.createSnapshot('zstd');
      assert.deepEqual([...(await packCodecs(home))].sort(), ['none', 'zstd'], 'the zstd source wrote zstd records (random data raw)');
      await svc.createSnapshot('none');
      assert.ok(!(await packCodecs(home)).has('lz4'));
      const lz4Snap = await svc.createSnapshot('lz4');
      assert.ok((await packCodecs(home)).has('lz4'));
      for (const [snap, image] of [[zstdSnap, images.zstd], [lz4Snap, images.lz4]] as const) {
        const out = join(dir, `${snap.id}.out`);
        await svc.restore(snap.id, out);
        assert.equal(await sha256File(out), await sha256File(image));
      }
    } finally {
      await svc.close();
    }
    // The zstd source's record as written before compression was a setting: its next snapshot
    // takes LZ4, on top of a parent stored with zstd.
    const recPath = join(home, 'repository', 'sources');
    for (const f of await fsp.readdir(recPath)) {
      const rec = JSON.parse(await fsp.readFile(join(recPath, f), 'utf8'));
      if (rec.name !== 'zstd') continue;
      delete rec.compression;
      await fsp.writeFile(join(recPath, f), JSON.stringify(rec, null, 2));
    }
    const fh = await fsp.open(images.zstd, 'r+');
    await fh.write(text(2 * MiB, 50), 0, 2 * MiB, 3 * MiB);
    await fh.close();
    const again = await openService(home);
    try {
      assert.equal((await again.listSources()).find((s) => s.name === 'zstd')!.compression, 'lz4');
      const mixed = await again.createSnapshot('zstd');
      const out = join(dir, 'mixed.out');
      await again.restore(mixed.id, out);
      assert.equal(await sha256File(out), await sha256File(images.zstd), 'zstd and LZ4 records in one snapshot restore byte-identical');
      assert.equal((await again.check({ readData: true })).ok, true);
    } finally {
      await again.close();
    }
  });
});

test('the committed LZ4 module was built from the committed sources (rebuild with build/scripts/build-lz4.mjs after changing them)', async () => {
  const root = join(import.meta.dirname, '..', '..');
  const generated = await fsp.readFile(join(root, 'engine', 'pack', 'lz4-wasm.ts'), 'utf8');
  const recorded = /Sources sha256 ([0-9a-f]{64})/.exec(generated)?.[1];
  const sources = createHash('sha256');
  for (const f of ['codec.c', 'lz4.c', 'lz4.h']) sources.update(await fsp.readFile(join(root, 'build', 'lz4', f)));
  assert.equal(recorded, sources.digest('hex'));
});
