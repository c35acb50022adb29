import { createCipheriv, createDecipheriv } from 'node:crypto';
import { createRequire } from 'node:module';
import { copyBytes } from '../storage/copy-bytes';

/**
 * AES-256-GCM on the caller's memory: the one cipher of encrypted chains (docs/format.md §9.3),
 * in two implementations that produce the same bytes.
 *
 * - `openssl`: the binding in `native/aes-gcm.c`, built at install time, which calls the OpenSSL
 *   that Node links with one context per thread and writes where it is told: ≈ 2.7 µs to open
 *   a 12.6 KB record here against ≈ 7.5 µs through Node's API.
 * - `node`: Node's cipher API, which makes a cipher object and an output buffer per message.
 *   Used where the binding is not built (no compiler at install time), cannot load (Electron
 *   links BoringSSL and exports none of it), fails its check against Node's own cipher, or
 *   `STRATA_AES_GCM=node` asks for it.
 */
export interface Aead {
  readonly name: 'openssl' | 'node';
  /**
   * Encrypts `plain` into `dest` (the same length: `plain` itself or memory apart from it) and
   * writes the 16-byte tag into `tag`.
   */
  seal(key: Buffer, nonce: Buffer, aad: Buffer, plain: Buffer, dest: Buffer, tag: Buffer): void;
  /**
   * Decrypts `body` into `dest` (at least as long: `body` itself or memory apart from it). False
   * when authentication fails; no decrypted byte is left in `dest` then.
   */
  open(key: Buffer, nonce: Buffer, aad: Buffer, body: Buffer, tag: Buffer, dest: Buffer): boolean;
}

export const nodeAead: Aead = {
  name: 'node',
  seal(key, nonce, aad, plain, dest, tag) {
    if (dest.length !== plain.length) throw new RangeError('dest must be as long as plain');
    const c = createCipheriv('aes-256-gcm', key, nonce);
    c.setAAD(aad);
    // All of `plain` is read before `dest`, which may be the same memory, is written.
    const body = c.update(plain);
    c.final();
    copyBytes(body, dest);
    c.getAuthTag().copy(tag);
  },
  open(key, nonce, aad, body, tag, dest) {
    if (dest.length < body.length) throw new RangeError('dest is shorter than body');
    let plain: Buffer;
    try {
      const d = createDecipheriv('aes-256-gcm', key, nonce);
      d.setAAD(aad);
      d.setAuthTag(tag);
      plain = d.update(body);
      // GCM yields everything from update; final only checks the tag.
      d.final();
    } catch {
      return false;
    }
    copyBytes(plain, dest);
    return true;
  },
};

interface Binding {
  seal(key: Buffer, nonce: Buffer, aad: Buffer, plain: Buffer, dest: Buffer, tag: Buffer): number;
  open(key: Buffer, nonce: Buffer, aad: Buffer, body: Buffer, tag: Buffer, dest: Buffer): number;
}

/** Where the binding lies: beside the bundles (`dist/native/`), or where node-gyp built it. */
const BINDING_PATHS = ['./native/aes_gcm.node', './native/build/Release/aes_gcm.node'];

function fromBinding(b: Binding): Aead {
  return {
    name: 'openssl',
    seal(key, nonce, aad, plain, dest, tag) {
      b.seal(key, nonce, aad, plain, dest, tag);
    },
    open(key, nonce, aad, body, tag, dest) {
      return b.open(key, nonce, aad, body, tag, dest) === body.length;
    },
  };
}

/**
 * Seals and opens a known message with both implementations: the binding must give Node's
 * bytes and tag, open them in another buffer and in place, and refuse a changed tag and AAD,
 * wiping what it decrypted. Returns what went wrong, or null.
 */
export function disagreement(a: Aead, reference: Aead = nodeAead): string | null {
  const key = Buffer.alloc(32);
  const nonce = Buffer.alloc(12);
  const aad = Buffer.alloc(56);
  const plain = Buffer.alloc(1000);
  for (let i = 0; i < 32; i++) key[i] = (i * 7 + 1) & 0xff;
  for (let i = 0; i < 12; i++) nonce[i] = 0xa0 + i;
  for (let i = 0; i < 56; i++) aad[i] = (i * 13) & 0xff;
  for (let i = 0; i < plain.length; i++) plain[i] = (i * 31 + 5) & 0xff;
  const want = Buffer.alloc(plain.length);
  const wantTag = Buffer.alloc(16);
  reference.seal(key, nonce, aad, plain, want, wantTag);
  const got = Buffer.alloc(plain.length);
  const tag = Buffer.alloc(16);
  a.seal(key, nonce, aad, plain, got, tag);
  if (!got.equals(want) || !tag.equals(wantTag)) return 'its ciphertext differs from Node\'s';
  const out = Buffer.alloc(plain.length);
  if (!a.open(key, nonce, aad, got, tag, out) || !out.equals(plain)) return 'it does not open what it sealed';
  const inPlace = Buffer.from(got);
  if (!a.open(key, nonce, aad, inPlace, tag, inPlace) || !inPlace.equals(plain)) return 'it does not open in place';
  const bad = Buffer.from(tag);
  bad[0]! ^= 1;
  const wiped = Buffer.alloc(plain.length);
  if (a.open(key, nonce, aad, got, bad, wiped)) return 'it accepts a changed tag';
  if (wiped.some((x) => x !== 0)) return 'it leaves decrypted bytes behind a failed open';
  const otherAad = Buffer.from(aad);
  otherAad[55]! ^= 1;
  if (a.open(key, nonce, otherAad, got, tag, out)) return 'it accepts changed associated data';
  return null;
}

let chosen: { aead: Aead; reason: string } | undefined;

function choose(): { aead: Aead; reason: string } {
  if (process.env.STRATA_AES_GCM === 'node') return { aead: nodeAead, reason: 'STRATA_AES_GCM=node' };
  if (process.versions.electron) return { aead: nodeAead, reason: 'Electron links BoringSSL and does not export it' };
  const require = createRequire(import.meta.url);
  const errors: string[] = [];
  for (const path of BINDING_PATHS) {
    let binding: Binding;
    try {
      binding = require(path) as Binding;
    } catch (err) {
      errors.push((err as Error).message.split('\n')[0]!);
      continue;
    }
    const aead = fromBinding(binding);
    const wrong = disagreement(aead);
    if (wrong) return { aead: nodeAead, reason: `the AES-GCM binding failed its check: ${wrong}` };
    return { aead, reason: 'the AES-GCM binding is built and agrees with Node\'s cipher' };
  }
  return { aead: nodeAead, reason: `the AES-GCM binding is not built (${errors[errors.length - 1] ?? 'not found'})` };
}

/** The implementation this process uses, chosen once, and why. */
export function aeadChoice(): { aead: Aead; reason: string } {
  return (chosen ??= choose());
}
