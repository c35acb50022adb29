import { randomBytes } from 'node:crypto';
import { StrataError, isStrataError } from '../core/errors';
import { newId } from '../core/ids';
import { byCreation } from '../core/order';
import type { RepoStore } from '../storage/store';
import { checkKdf, defaultKdf, deriveKey, unwrapSecret, wrapSecret, type KdfCost, type KdfParams } from './wrap';

export { unwrapSecret, wrapSecret, defaultKdf, describeKdf, type KdfParams } from './wrap';

/**
 * Key slots: the repository master key (32 random bytes) wrapped under each passphrase through
 * Argon2id (scrypt in slots made before it), one file per slot in keys/. Adding, changing or
 * removing a passphrase writes or removes one small slot file and re-encrypts no data. Chain
 * secrets are wrapped by the master key (see wrapSecret), so they never depend on a passphrase.
 */
export interface KeySlotFile {
  format: 1;
  id: string;
  label: string;
  createdAt: string;
  kdf: KdfParams;
  /** base64 of nonce | wrapped master key | tag (AES-256-GCM under the passphrase-derived key). */
  wrappedKey: string;
}

export interface KeySlotInfo {
  id: string;
  label: string;
  createdAt: string;
  kdf: KdfCost;
}

const SLOT_DIR = 'keys';
/**
 * The id of the slot that creates a repository's master key. Fixed, so that two processes
 * creating the master key at once cannot both succeed: the slot file is created exclusively,
 * and the second finds it there (two master keys would leave one of them unopenable, and every
 * chain wrapped by it unreadable).
 */
const FIRST_SLOT_ID = 'key-0000000000000000';
const slotAad = (id: string) => `strata key slot ${id}`;

function info(slot: KeySlotFile): KeySlotInfo {
  const { salt: _salt, ...kdf } = slot.kdf;
  return { id: slot.id, label: slot.label, createdAt: slot.createdAt, kdf };
}

export class Keyring {
  constructor(private readonly store: RepoStore) {}

  async slots(): Promise<KeySlotFile[]> {
    const out: KeySlotFile[] = [];
    for (const name of (await this.store.list(SLOT_DIR)).filter((x) => x.endsWith('.json'))) {
      let text: string;
      try {
        text = (await this.store.read(name)).toString('utf8');
      } catch (err) {
        // Another process removed the slot between our list and our read: it is simply gone.
        if (isStrataError(err, 'E_NOT_FOUND')) continue;
        throw err;
      }
      out.push(parseSlot(text, name));
    }
    return out.sort(byCreation);
  }

  async list(): Promise<KeySlotInfo[]> {
    return (await this.slots()).map(info);
  }

  async hasKeys(): Promise<boolean> {
    return (await this.slots()).length > 0;
  }

  /** Creates the master key and its first slot. Refuses if the repository has keys already. */
  async init(passphrase: string, now: Date, label = 'initial'): Promise<Buffer> {
    if (await this.hasKeys()) throw new StrataError('E_EXISTS', 'this repository already has a master key');
    const master = randomBytes(32);
    await this.addSlot(master, passphrase, label, now, FIRST_SLOT_ID);
    return master;
  }

  /** Opens the master key with a passphrase, trying every slot. Wrong passphrase → E_PASSPHRASE. */
  async unlock(passphrase: string): Promise<Buffer> {
    return (await this.unlockSlot(passphrase)).master;
  }

  /** Like unlock, and says which slot the passphrase opened. */
  async unlockSlot(passphrase: string, except?: string): Promise<{ master: Buffer; slot: KeySlotFile }> {
    const slots = await this.slots();
    if (slots.length === 0) throw new StrataError('E_NEEDS_KEY', 'this repository has no encryption key yet');
    const tried = slots.filter((s) => s.id !== except);
    for (const slot of tried) {
      const master = unwrapSecret(await deriveKey(passphrase, slot.kdf), slot.wrappedKey, slotAad(slot.id));
      if (master) return { master, slot };
    }
    const which = except ? ` other than ${except}` : '';
    throw new StrataError('E_PASSPHRASE', `wrong passphrase: it opens none of the ${tried.length} key slot(s)${which}`);
  }

  /** Adds a slot for `master`; with `first`, the slot that creates it, created only if absent. */
  async addSlot(master: Buffer, passphrase: string, label: string, now: Date, first?: typeof FIRST_SLOT_ID): Promise<KeySlotInfo> {
    if (passphrase.length < 1) throw new StrataError('E_INVALID', 'Expected a non-empty passphrase');
    if (/[\u0000-\u001f]/.test(label) || label.length > 100) throw new StrataError('E_INVALID', 'Expected a key label of at most 100 printable characters');
    const id = first ?? newId('key');
    const kdf: KdfParams = { ...defaultKdf(), salt: randomBytes(16).toString('base64') };
    const key = await deriveKey(passphrase, kdf);
    const slot: KeySlotFile = { format: 1, id, label, createdAt: now.toISOString(), kdf, wrappedKey: wrapSecret(key, master, slotAad(id)) };
    const file = `${SLOT_DIR}/${id}.json`;
    const data = Buffer.from(JSON.stringify(slot, null, 2));
    if (!first) await this.store.write(file, data);
    else if (!(await this.store.createExclusive(file, data))) throw new StrataError('E_EXISTS', 'this repository already has a master key (made by another process just now)');
    return info(slot);
  }

  /**
   * Adds a passphrase, proven by a current one (asked first). On a repository without keys the
   * new passphrase creates the master key instead, and no current one is asked.
   */
  async addPassphrase(current: () => Promise<string>, next: () => Promise<string>, label: string, now: Date): Promise<KeySlotInfo> {
    if (!(await this.hasKeys())) {
      await this.init(await next(), now, label);
      return (await this.list())[0]!;
    }
    const { master } = await this.unlockSlot(await current());
    return this.addSlot(master, await next(), label, now);
  }

  /**
   * Replaces the passphrase that opens a slot: adds the new slot first, then removes the old
   * one, so a crash in between leaves both passphrases working, never neither.
   */
  async changePassphrase(current: string, next: () => Promise<string>, now: Date): Promise<{ added: KeySlotInfo; removed: KeySlotInfo }> {
    const { master, slot } = await this.unlockSlot(current);
    const added = await this.addSlot(master, await next(), slot.label, now);
    await this.store.remove(`${SLOT_DIR}/${slot.id}.json`);
    return { added, removed: info(slot) };
  }

  /**
   * Removes a slot. The passphrase given must open another slot, so whoever removes a key still
   * holds one that works; the last slot is never removed (every encrypted chain would be lost).
   */
  async removeSlot(id: string, passphrase: string): Promise<KeySlotInfo> {
    const slots = await this.slots();
    const slot = slots.find((s) => s.id === id);
    if (!slot) throw new StrataError('E_NOT_FOUND', `no key slot "${id}" (run "strata key list")`);
    if (slots.length === 1) throw new StrataError('E_INVALID', 'refusing to remove the last key slot: encrypted chains would become unreadable');
    await this.unlockSlot(passphrase, id).catch((err: unknown) => {
      if (!isStrataError(err, 'E_PASSPHRASE')) throw err;
      throw new StrataError('E_PASSPHRASE', `the passphrase given opens no key slot that would remain; give the passphrase of another slot to remove ${id}`, { cause: err });
    });
    await this.store.remove(`${SLOT_DIR}/${id}.json`);
    return info(slot);
  }
}

function parseSlot(text: string, name: string): KeySlotFile {
  let slot: KeySlotFile;
  try {
    slot = JSON.parse(text) as KeySlotFile;
  } catch (err) {
    throw new StrataError('E_CORRUPT', `key slot ${name} is not valid JSON (damaged file)`, { cause: err, details: { file: name } });
  }
  const kdfName = slot.kdf?.name;
  if (slot.format !== 1 || (kdfName !== 'argon2id' && kdfName !== 'scrypt') || typeof slot.wrappedKey !== 'string') {
    throw new StrataError('E_FORMAT', `key slot ${name}: expected format 1 with argon2id or scrypt, got format ${String(slot.format)} with ${String(kdfName)}`, { details: { file: name } });
  }
  checkKdf(slot.kdf, name);
  return slot;
}
