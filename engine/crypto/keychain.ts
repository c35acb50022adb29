import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { StrataError } from '../core/errors';

/**
 * Something that can protect a string with a key the OS keeps for the logged-in user.
 * Electron's `safeStorage` has exactly this shape. On Linux, the desktop must report
 * `isAvailable() === false` when safeStorage falls back to its "basic_text" backend (a
 * hard-coded key), or the passphrase would be kept in effect in the clear.
 */
export interface SecretProtector {
  isAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

interface KeychainFile {
  format: 1;
  /** base64 of what the protector returned; never the passphrase itself. */
  protected: string;
}

export const KEYCHAIN_FILE = 'keychain.json';

/**
 * Remembers the repository passphrase for unattended snapshots on the desktop, protected by the
 * OS keychain, in HOME/keychain.json (mode 600, written atomically). Nothing is stored when the
 * keychain is unavailable; anything unreadable is treated as "not remembered" so a damaged
 * file or a changed OS key only brings the prompt back.
 */
export class Keychain {
  readonly file: string;

  constructor(home: string, private readonly protector: SecretProtector) {
    this.file = join(home, KEYCHAIN_FILE);
  }

  available(): boolean {
    return this.protector.isAvailable();
  }

  remember(passphrase: string): void {
    if (passphrase === '') throw new StrataError('E_INVALID', 'Expected a non-empty passphrase to remember');
    if (!this.available()) throw new StrataError('E_ENCRYPTION', 'the OS keychain is not available: the passphrase was not remembered (it is never stored in the clear)');
    const body: KeychainFile = { format: 1, protected: this.protector.encryptString(passphrase).toString('base64') };
    writeAtomic(this.file, Buffer.from(JSON.stringify(body)));
  }

  recall(): string | null {
    if (!this.available()) return null;
    let body: KeychainFile;
    try {
      body = JSON.parse(readFileSync(this.file, 'utf8')) as KeychainFile;
    } catch {
      return null;
    }
    if (body.format !== 1 || typeof body.protected !== 'string') return null;
    try {
      const plain = this.protector.decryptString(Buffer.from(body.protected, 'base64'));
      return plain === '' ? null : plain;
    } catch {
      return null;
    }
  }

  forget(): void {
    rmSync(this.file, { force: true });
  }
}

function writeAtomic(file: string, data: Buffer): void {
  const tmp = `${file}.tmp-${randomBytes(6).toString('hex')}`;
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    for (let off = 0; off < data.length; ) off += writeSync(fd, data, off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new StrataError('E_IO', `cannot write ${file}: ${(err as Error).message}`, { cause: err });
  }
}
