import { createRequire } from 'node:module';

/**
 * The native hash modules, loaded with `require`. They are CommonJS: importing them from an ES
 * module makes Node first parse their source for the names they export, which took 5–10 ms per
 * module here, in every process and every worker thread that starts.
 */
const require = createRequire(import.meta.url);

const { blake3UrlSafeBase64 } = require('@napi-rs/blake-hash') as typeof import('@napi-rs/blake-hash');
export const { xxh64 } = require('@node-rs/xxhash') as typeof import('@node-rs/xxhash');

/**
 * BLAKE3 of `input`, 32 bytes. Taken from the binding as a base64 string and decoded: making
 * the binding's own Buffer result costs ≈ 1.2 µs, the string ≈ 0.1 µs and decoding it (into
 * Node's pool of small buffers) ≈ 0.2 µs, so a 16 KiB block hashes in 3.2 µs instead of 4.3.
 */
export function blake3(input: Uint8Array): Buffer {
  const digest = Buffer.from(blake3UrlSafeBase64(input), 'base64url');
  if (digest.length !== 32) throw new Error(`BLAKE3 gave ${digest.length} bytes, not 32`);
  return digest;
}

/** Writes BLAKE3 of `input` into `dest` at `offset` (32 bytes), allocating nothing. */
export function blake3Into(input: Uint8Array, dest: Buffer, offset: number): void {
  const n = dest.write(blake3UrlSafeBase64(input), offset, 'base64url');
  if (n !== 32) throw new Error(`BLAKE3 gave ${n} bytes, not 32`);
}

/**
 * Argon2id, loaded on first use: only commands that open a key slot need it.
 *
 * The binding's allocator (mimalloc) asks for transparent huge pages for the derivation's 64 MiB.
 * With the page cache full, as on a machine that has been reading disks, finding and zeroing
 * those 2 MiB pages made a derivation take 55–135 ms here, up to 0.2 s of it system time,
 * against a steady 43–50 ms on 4 KiB pages (alternating runs, the cache emptied and refilled
 * before each). With `MIMALLOC_ALLOW_THP=0`, read when the binding loads, mimalloc turns
 * huge pages off for the whole process (`prctl(PR_SET_THP_DISABLE)`); restores measured the same
 * either way. A value the user set is kept.
 */
export function argon2(): typeof import('@node-rs/argon2') {
  process.env.MIMALLOC_ALLOW_THP ??= '0';
  return require('@node-rs/argon2') as typeof import('@node-rs/argon2');
}
