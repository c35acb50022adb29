import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { aeadChoice, disagreement, nodeAead, type Aead } from '../../engine/crypto/aead';
import { ChainDomain, SEAL_OVERHEAD } from '../../engine/crypto/chain-domain';
import { BlobType, RecordEncoder, decodeRecord } from '../../engine/pack/record';
import { isStrataError } from '../../engine/core/errors';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli';

/**
 * The two AES-256-GCM implementations of encrypted chains: the binding (where it is built) and
 * Node's cipher API. They must write the same bytes, open each other's, and refuse and wipe
 * whatever was changed.
 */
const choice = aeadChoice();
const binding: Aead | null = choice.aead.name === 'openssl' ? choice.aead : null;
const skipBinding = binding ? false : `the binding is not in use here: ${choice.reason}`;
const both: Aead[] = binding ? [binding, nodeAead] : [nodeAead];

const LENGTHS = [0, 1, 15, 16, 17, 1000, 16 * 1024, 64 * 1024 + 3];

/** Node's own AES-256-GCM, written out: the reference both implementations must match. */
function reference(key: Buffer, nonce: Buffer, aad: Buffer, plain: Buffer): { body: Buffer; tag: Buffer } {
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  const body = Buffer.concat([c.update(plain), c.final()]);
  return { body, tag: c.getAuthTag() };
}

test('the binding, where built, passes the check it is chosen by', { skip: skipBinding }, () => {
  assert.equal(disagreement(binding!), null);
});

test('where the binding is built, Node processes use it', { skip: process.env.STRATA_AES_GCM === 'node' && 'STRATA_AES_GCM=node' }, () => {
  const built = ['dist/native/aes_gcm.node', 'engine/crypto/native/build/Release/aes_gcm.node'].filter((p) => existsSync(join(ROOT, p)));
  if (built.length === 0) {
    assert.equal(choice.aead.name, 'node');
    assert.match(choice.reason, /not built/);
    return;
  }
  assert.equal(choice.aead.name, 'openssl', `${built.join(', ')} exists, but: ${choice.reason}`);
});

test('a binding that seals wrongly or accepts a changed tag fails the check', () => {
  const flips: Aead = { ...nodeAead, name: 'openssl', seal: (k, n, a, p, d, t) => { nodeAead.seal(k, n, a, p, d, t); d[0]! ^= 1; } };
  assert.match(disagreement(flips) ?? '', /ciphertext differs/);
  const trusting: Aead = { ...nodeAead, name: 'openssl', open: (k, n, a, b, t, d) => { nodeAead.open(k, n, a, b, t, d); return true; } };
  assert.match(disagreement(trusting) ?? '', /accepts a changed tag/);
});

for (const aead of both) {
  test(`${aead.name}: seals as Node's AES-256-GCM does and opens it back, in other memory and in place`, () => {
    for (const n of LENGTHS) {
      const key = randomBytes(32);
      const nonce = randomBytes(12);
      const aad = randomBytes(56);
      const plain = randomBytes(n);
      const want = reference(key, nonce, aad, plain);
      const body = Buffer.alloc(n);
      const tag = Buffer.alloc(16);
      aead.seal(key, nonce, aad, plain, body, tag);
      assert.ok(body.equals(want.body) && tag.equals(want.tag), `${n} bytes: sealed as Node does`);
      const inPlace = Buffer.from(plain);
      aead.seal(key, nonce, aad, inPlace, inPlace, tag);
      assert.ok(inPlace.equals(want.body), `${n} bytes: sealed in place`);
      const out = Buffer.alloc(n + 7);
      assert.ok(aead.open(key, nonce, aad, body, tag, out), `${n} bytes: opened`);
      assert.ok(out.subarray(0, n).equals(plain));
      assert.ok(aead.open(key, nonce, aad, inPlace, tag, inPlace), `${n} bytes: opened in place`);
      assert.ok(inPlace.equals(plain));
    }
  });

  test(`${aead.name}: a changed byte of the body, tag, associated data, nonce or key fails to open and leaves nothing decrypted`, () => {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const aad = randomBytes(56);
    const plain = randomBytes(16 * 1024);
    const { body, tag } = reference(key, nonce, aad, plain);
    const flipped = (b: Buffer, at: number) => {
      const c = Buffer.from(b);
      c[at]! ^= 0x10;
      return c;
    };
    const cases: [string, Parameters<Aead['open']>][] = [
      ['body', [key, nonce, aad, flipped(body, 9000), tag, Buffer.alloc(plain.length)]],
      ['tag', [key, nonce, aad, body, flipped(tag, 15), Buffer.alloc(plain.length)]],
      ['associated data', [key, nonce, flipped(aad, 0), body, tag, Buffer.alloc(plain.length)]],
      ['nonce', [key, flipped(nonce, 11), aad, body, tag, Buffer.alloc(plain.length)]],
      ['key', [flipped(key, 31), nonce, aad, body, tag, Buffer.alloc(plain.length)]],
    ];
    for (const [what, args] of cases) {
      assert.equal(aead.open(...args), false, `a changed ${what} was accepted`);
      assert.ok(args[5].every((x) => x === 0), `a failed open (changed ${what}) left bytes in dest`);
    }
    const again = Buffer.alloc(plain.length);
    assert.ok(aead.open(key, nonce, aad, body, tag, again) && again.equals(plain), 'the same key opens a sound message after failures');
    const inPlace = Buffer.from(body);
    assert.equal(aead.open(key, nonce, aad, inPlace, flipped(tag, 0), inPlace), false);
    assert.ok(!inPlace.equals(plain) && (aead.name === 'node' ? inPlace.equals(body) : inPlace.every((x) => x === 0)), 'no plaintext is left in place');
  });
}

test('the binding refuses arguments of the wrong kind or size and memory that partly overlaps', { skip: skipBinding }, () => {
  const b = binding!;
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const aad = randomBytes(8);
  const tag = Buffer.alloc(16);
  const plain = randomBytes(100);
  assert.throws(() => b.seal(randomBytes(16), nonce, aad, plain, Buffer.alloc(100), tag), RangeError);
  assert.throws(() => b.seal(key, randomBytes(16), aad, plain, Buffer.alloc(100), tag), RangeError);
  assert.throws(() => b.seal(key, nonce, aad, plain, Buffer.alloc(99), tag), RangeError);
  assert.throws(() => b.seal(key, nonce, aad, plain, Buffer.alloc(100), Buffer.alloc(15)), RangeError);
  assert.throws(() => b.seal(key, nonce, aad, 'text' as unknown as Buffer, Buffer.alloc(4), tag), TypeError);
  assert.throws(() => b.seal(key, nonce, aad, new Uint16Array(50) as unknown as Buffer, Buffer.alloc(100), tag), TypeError);
  const mem = Buffer.alloc(200);
  assert.throws(() => b.seal(key, nonce, aad, mem.subarray(0, 100), mem.subarray(28, 128), tag), RangeError);
  assert.throws(() => b.seal(key, nonce, aad, mem.subarray(0, 100), mem.subarray(100, 200), mem.subarray(90, 106)), RangeError);
  const { body, tag: good } = reference(key, nonce, aad, plain);
  assert.throws(() => b.open(key, nonce, aad, body, good, Buffer.alloc(99)), RangeError);
  const shifted = Buffer.alloc(200);
  body.copy(shifted, 10);
  assert.throws(() => b.open(key, nonce, aad, shifted.subarray(10, 110), good, shifted.subarray(0, 100)), RangeError);
});

test('chains sealed through either implementation open through the other, records included', () => {
  const secret = randomBytes(32);
  const other = new ChainDomain('src-aead', secret, nodeAead);
  const text = Buffer.alloc(16 * 1024);
  for (let i = 0; i < text.length; i++) text[i] = 'strata block '.charCodeAt(i % 13);
  const blocks = [randomBytes(16 * 1024), text, randomBytes(5)];
  for (const aead of both) {
    const d = new ChainDomain('src-aead', secret, aead);
    for (const [from, to, label] of [[d, other, `${aead.name} to node`], [other, d, `node to ${aead.name}`]] as const) {
      const sealed = from.newSealer()!.seal(Buffer.from('a manifest reference'), Buffer.from('snap-1'));
      assert.equal(to.open(sealed, Buffer.from('snap-1')).toString(), 'a manifest reference');
      const encoder = new RecordEncoder(from, from.newSealer(), 'lz4');
      for (const raw of blocks) {
        const id = from.contentId(raw);
        const record = encoder.encode(BlobType.data, id, raw);
        const into = Buffer.alloc(raw.length);
        const got = decodeRecord(record, to, id, 'test', into).raw;
        assert.ok(got.equals(raw), `${label}: a ${raw.length}-byte block`);
      }
    }
  }
  // The text block is stored compressed, sealed in the memory it was compressed into.
  const record = new RecordEncoder(other, other.newSealer(), 'lz4').encode(BlobType.data, other.contentId(text), text);
  assert.ok(record.length < text.length / 2 + SEAL_OVERHEAD, 'the text block was compressed before sealing');
});

test('a damaged sealed record fails with E_CORRUPT and leaves no decrypted byte in the caller\'s memory', () => {
  const secret = randomBytes(32);
  for (const aead of both) {
    const d = new ChainDomain('src-aead', secret, aead);
    const raw = randomBytes(16 * 1024);
    const id = d.contentId(raw);
    const record = new RecordEncoder(d, d.newSealer(), 'lz4').encode(BlobType.data, id, raw);
    record[record.length - 1]! ^= 1;
    const into = Buffer.alloc(raw.length);
    assert.throws(() => decodeRecord(record, d, id, 'pack@0', into), (err) => isStrataError(err) && err.code === 'E_CORRUPT' && /pack@0: authentication failed/.test(err.message));
    assert.ok(into.every((x) => x === 0), `${aead.name}: decrypted bytes were left behind`);
  }
});

test('openInto refuses memory that partly overlaps the sealed data', () => {
  const d = new ChainDomain('src-aead', randomBytes(32));
  const sealed = d.newSealer()!.seal(randomBytes(100), Buffer.from('x'));
  assert.throws(() => d.openInto(sealed, Buffer.from('x'), sealed.subarray(0, 100)), /partly overlaps/);
  const body = sealed.subarray(28, 128);
  assert.equal(d.openInto(sealed, Buffer.from('x'), body), 100, 'opening in place is allowed');
});
