import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import { StrataError } from '../core/errors';

/** scrypt parameters, stored in each key slot so they can be raised later without a migration. */
export interface KdfParams {
  name: 'scrypt';
  N: number;
  r: number;
  p: number;
  /** base64 of 16 random bytes, new for every slot. */
  salt: string;
}

/** Production scrypt cost: 2^17 × 8 × 1 (≈128 MiB, ≈0.3 s). Tests set STRATA_TEST_FAST_KDF=1. */
export function defaultKdf(): Omit<KdfParams, 'salt'> {
  return process.env.STRATA_TEST_FAST_KDF === '1' ? { name: 'scrypt', N: 1024, r: 8, p: 1 } : { name: 'scrypt', N: 2 ** 17, r: 8, p: 1 };
}

/**
 * Slot files are not authenticated before use, so their KDF cost is bounded: a damaged or
 * hostile slot must not make unlocking take gigabytes of memory or hours.
 */
export function checkKdf(kdf: KdfParams, where: string): void {
  const pow2 = Number.isInteger(Math.log2(kdf.N));
  const ok = pow2 && kdf.N >= 2 ** 10 && kdf.N <= 2 ** 20 && kdf.r >= 1 && kdf.r <= 32 && kdf.p >= 1 && kdf.p <= 16 && 128 * kdf.N * kdf.r <= 2 ** 30;
  if (!ok || Buffer.from(kdf.salt ?? '', 'base64').length < 16) {
    throw new StrataError('E_FORMAT', `${where}: expected scrypt N a power of two in 2^10..2^20, r 1..32, p 1..16 and a 16-byte salt, got N=${kdf.N} r=${kdf.r} p=${kdf.p}`);
  }
}

export function deriveKey(passphrase: string, kdf: KdfParams): Promise<Buffer> {
  const opts: ScryptOptions = { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + 64 * 1024 * 1024 };
  // NFC: the same passphrase typed on another OS or keyboard layout must open the same slot.
  return new Promise((resolve, reject) =>
    scryptCb(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), 32, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
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
