import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import { StrataError } from '../core/errors';
import { newId } from '../core/ids';
import type { RepoStore } from '../storage/store';

/**
 * Key slots: the repository master key (32 random bytes) wrapped under each passphrase through
 * scrypt. Adding, changing or removing a passphrase rewrites one small slot file and
 * re-encrypts no data. Chain secrets are wrapped by the master key (see wrapSecret).
 */
export interface KdfParams {
  name: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
}

export interface KeySlotFile {
  format: 1;
  id: string;
  label: string;
  createdAt: string;
  kdf: KdfParams;
  /** base64 of nonce | wrapped master key | tag (AES-256-GCM under the scrypt-derived key). */
  wrappedKey: string;
}

export interface KeySlotInfo {
  id: string;
  label: string;
  createdAt: string;
}

/** Production scrypt cost: 2^17 × 8 × 1 (≈128 MiB, ≈0.3 s). Tests set STRATA_TEST_FAST_KDF=1. */
export function defaultKdf(): Omit<KdfParams, 'salt'> {
  return process.env.STRATA_TEST_FAST_KDF === '1' ? { name: 'scrypt', N: 1024, r: 8, p: 1 } : { name: 'scrypt', N: 2 ** 17, r: 8, p: 1 };
}

const SLOT_DIR = 'keys';

function deriveKey(passphrase: string, kdf: KdfParams): Promise<Buffer> {
  const opts: ScryptOptions = { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + 64 * 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCb(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), 32, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export function wrapSecret(key: Buffer, secret: Buffer, aad: string): string {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(Buffer.from(aad));
  const body = Buffer.concat([c.update(secret), c.final()]);
  return Buffer.concat([nonce, body, c.getAuthTag()]).toString('base64');
}

/** Returns null when the key does not open the wrapped secret. */
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

export class Keyring {
  constructor(private readonly store: RepoStore) {}

  async slots(): Promise<KeySlotFile[]> {
    const names = await this.store.list(SLOT_DIR);
    const out: KeySlotFile[] = [];
    for (const n of names.filter((x) => x.endsWith('.json'))) {
      out.push(JSON.parse((await this.store.read(n)).toString('utf8')) as KeySlotFile);
    }
    return out;
  }

  async list(): Promise<KeySlotInfo[]> {
    return (await this.slots()).map(({ id, label, createdAt }) => ({ id, label, createdAt }));
  }

  async hasKeys(): Promise<boolean> {
    return (await this.slots()).length > 0;
  }

  /** Creates the master key and its first slot. Refuses if the repository has keys already. */
  async init(passphrase: string, now: Date): Promise<Buffer> {
    if (await this.hasKeys()) throw new StrataError('E_EXISTS', 'this repository already has a master key');
    const master = randomBytes(32);
    await this.addSlot(master, passphrase, 'initial', now);
    return master;
  }

  /** Opens the master key with a passphrase, trying every slot. Wrong passphrase → E_PASSPHRASE. */
  async unlock(passphrase: string): Promise<Buffer> {
    const slots = await this.slots();
    if (slots.length === 0) throw new StrataError('E_NEEDS_KEY', 'this repository has no encryption key yet');
    for (const slot of slots) {
      const key = await deriveKey(passphrase, slot.kdf);
      const master = unwrapSecret(key, slot.wrappedKey, `strata key slot ${slot.id}`);
      if (master) return master;
    }
    throw new StrataError('E_PASSPHRASE', `wrong passphrase: it opens none of the ${slots.length} key slot(s)`);
  }

  async addSlot(master: Buffer, passphrase: string, label: string, now: Date): Promise<KeySlotInfo> {
    if (passphrase.length < 1) throw new StrataError('E_INVALID', 'Expected a non-empty passphrase');
    const id = newId('key');
    const kdf: KdfParams = { ...defaultKdf(), salt: randomBytes(16).toString('base64') };
    const key = await deriveKey(passphrase, kdf);
    const slot: KeySlotFile = { format: 1, id, label, createdAt: now.toISOString(), kdf, wrappedKey: wrapSecret(key, master, `strata key slot ${id}`) };
    await this.store.write(`${SLOT_DIR}/${id}.json`, Buffer.from(JSON.stringify(slot, null, 2)));
    return { id, label, createdAt: slot.createdAt };
  }

  /** Removes a slot; refuses to remove the last one (that would lose every encrypted chain). */
  async removeSlot(id: string): Promise<void> {
    const slots = await this.slots();
    if (!slots.some((s) => s.id === id)) throw new StrataError('E_NOT_FOUND', `no key slot "${id}"`);
    if (slots.length === 1) throw new StrataError('E_INVALID', 'refusing to remove the last key slot: encrypted chains would become unreadable');
    await this.store.remove(`${SLOT_DIR}/${id}.json`);
  }
}
