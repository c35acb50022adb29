import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import { StrataError } from '../core/errors';
import { argon2 } from '../core/native';

/**
 * How a key slot turns a passphrase into the key that wraps the master key. The parameters are
 * stored in each slot, so they can change without a migration: slots made before Argon2id
 * (scrypt) keep opening.
 */
export type KdfParams = Argon2idParams | ScryptParams;

/** Argon2id (RFC 9106), version 0x13. */
export interface Argon2idParams {
  name: 'argon2id';
  /** Memory in KiB. */
  m: number;
  /** Passes over the memory. */
  t: number;
  /** Lanes. */
  p: number;
  /** base64 of 16 random bytes, new for every slot. */
  salt: string;
}

/** A slot's KDF and cost without its salt: what is shown of a slot. */
export type KdfCost = Omit<Argon2idParams, 'salt'> | Omit<ScryptParams, 'salt'>;

export interface ScryptParams {
  name: 'scrypt';
  N: number;
  r: number;
  p: number;
  /** base64 of 16 random bytes, new for every slot. */
  salt: string;
}

/**
 * New slots: Argon2id over 64 MiB, 3 passes, 4 lanes — RFC 9106's second recommended setting
 * (§4), the default of argon2-cffi, and more memory per guess than restic's scrypt (capped at
 * 60 MiB). ≈ 30 ms here, paid by every CLI command on an encrypted chain. Slots store their own
 * parameters: those made with 128 MiB, or with scrypt, keep them. Tests set
 * STRATA_TEST_FAST_KDF=1 for a token cost.
 */
export function defaultKdf(): Omit<Argon2idParams, 'salt'> {
  return process.env.STRATA_TEST_FAST_KDF === '1' ? { name: 'argon2id', m: 64, t: 1, p: 1 } : { name: 'argon2id', m: 2 ** 16, t: 3, p: 4 };
}

/** Algorithm.Argon2id and Version.V0x13 of the binding (const enums, which a bundler cannot inline). */
const ARGON2ID = 2;
const V0X13 = 1;

const int = (n: unknown, lo: number, hi: number): boolean => Number.isInteger(n) && (n as number) >= lo && (n as number) <= hi;

/**
 * Slot files are not authenticated before use, so their KDF cost is bounded: a damaged or
 * hostile slot must not make unlocking take gigabytes of memory or hours.
 */
export function checkKdf(kdf: KdfParams, where: string): void {
  const salt = Buffer.from(typeof kdf.salt === 'string' ? kdf.salt : '', 'base64').length >= 16;
  if (kdf.name === 'argon2id') {
    if (!salt || !int(kdf.m, 8 * kdf.p, 2 ** 20) || !int(kdf.t, 1, 16) || !int(kdf.p, 1, 16)) {
      throw new StrataError('E_FORMAT', `${where}: expected Argon2id memory 8·p KiB..1 GiB, 1..16 passes, 1..16 lanes and a 16-byte salt, got m=${kdf.m} t=${kdf.t} p=${kdf.p}`);
    }
    return;
  }
  const pow2 = Number.isInteger(Math.log2(kdf.N));
  const ok = pow2 && kdf.N >= 2 ** 10 && kdf.N <= 2 ** 20 && kdf.r >= 1 && kdf.r <= 32 && kdf.p >= 1 && kdf.p <= 16 && 128 * kdf.N * kdf.r <= 2 ** 30;
  if (!ok || !salt) {
    throw new StrataError('E_FORMAT', `${where}: expected scrypt N a power of two in 2^10..2^20, r 1..32, p 1..16 and a 16-byte salt, got N=${kdf.N} r=${kdf.r} p=${kdf.p}`);
  }
}

export async function deriveKey(passphrase: string, kdf: KdfParams): Promise<Buffer> {
  // NFC: the same passphrase typed on another OS or keyboard layout must open the same slot.
  const text = passphrase.normalize('NFC');
  const salt = Buffer.from(kdf.salt, 'base64');
  if (kdf.name === 'argon2id') {
    // Loaded on first use: commands on plaintext chains never derive a key.
    const { hashRaw } = argon2();
    return hashRaw(text, { algorithm: ARGON2ID, version: V0X13, memoryCost: kdf.m, timeCost: kdf.t, parallelism: kdf.p, salt, outputLen: 32 });
  }
  const opts: ScryptOptions = { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + 64 * 1024 * 1024 };
  return new Promise((resolve, reject) => scryptCb(text, salt, 32, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** The slot's KDF and its cost, as `strata key list` shows it. */
export function describeKdf(kdf: KdfCost): string {
  return kdf.name === 'argon2id' ? `argon2id m=${kdf.m / 1024} MiB t=${kdf.t} p=${kdf.p}` : `scrypt N=2^${Math.log2(kdf.N)} r=${kdf.r} p=${kdf.p}`;
}

/** AES-256-GCM with a random 96-bit nonce (one message per fresh key or rare rewraps). */
export function wrapSecret(key: Buffer, secret: Buffer, aad: string): string {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(Buffer.from(aad));
  const body = Buffer.concat([c.update(secret), c.final()]);
  return Buffer.concat([nonce, body, c.getAuthTag()]).toString('base64');
}

/** Returns null when the key does not open the wrapped secret (wrong key, or changed bytes). */
export function unwrapSecret(key: Buffer, wrapped: string, aad: string): Buffer | null {
  const buf = Buffer.from(wrapped, 'base64');
  if (buf.length < 28) return null;
  try {
    const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(buf.subarray(buf.length - 16));
    return Buffer.concat([d.update(buf.subarray(12, buf.length - 16)), d.final()]);
  } catch {
    return null;
  }
}
