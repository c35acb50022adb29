import { createRequire } from 'node:module';

/**
 * The native hash modules, loaded with `require`. They are CommonJS: importing them from an ES
 * module makes Node first parse their source for the names they export, which took 5–10 ms per
 * module here, in every process and every worker thread that starts.
 */
const require = createRequire(import.meta.url);

export const { blake3 } = require('@napi-rs/blake-hash') as typeof import('@napi-rs/blake-hash');
export const { xxh64 } = require('@node-rs/xxhash') as typeof import('@node-rs/xxhash');

/** Argon2id, loaded on first use: only commands that open a key slot need it. */
export function argon2(): typeof import('@node-rs/argon2') {
  return require('@node-rs/argon2') as typeof import('@node-rs/argon2');
}
