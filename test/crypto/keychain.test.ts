import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { Keychain, type SecretProtector } from '../../engine/crypto/keychain';
import { withTempDir } from '../helpers/home';
import { listFiles } from './fixtures';

/** Stands in for Electron's safeStorage: AES-GCM under a key "the OS" holds. */
class FakeProtector implements SecretProtector {
  key = randomBytes(32);
  available = true;

  isAvailable(): boolean {
    return this.available;
  }

  encryptString(plain: string): Buffer {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([iv, body, c.getAuthTag()]);
  }

  decryptString(b: Buffer): string {
    const d = createDecipheriv('aes-256-gcm', this.key, b.subarray(0, 12));
    d.setAuthTag(b.subarray(b.length - 16));
    return Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]).toString('utf8');
  }
}

const SECRET = 'tr0ub4dor & 3 — ünïcode';

test('the keychain keeps the passphrase only in protected form, recalls it, and forgets it', async () => {
  await withTempDir(async (home) => {
    const os = new FakeProtector();
    const chain = new Keychain(home, os);
    assert.equal(chain.recall(), null, 'nothing remembered yet');
    chain.remember(SECRET);
    const raw = await fsp.readFile(join(home, 'keychain.json'));
    assert.ok(!raw.includes(SECRET), 'the passphrase is not in the file in the clear');
    assert.ok(!raw.includes(Buffer.from(SECRET).toString('base64')), 'nor as base64');
    assert.equal((await fsp.stat(join(home, 'keychain.json'))).mode & 0o777, 0o600);
    assert.equal(new Keychain(home, os).recall(), SECRET, 'another instance (next app start) recalls it');
    chain.forget();
    assert.equal(chain.recall(), null);
    assert.deepEqual(await listFiles(home), [], 'forget leaves no file, and no temp file was left');
  });
});

test('without an OS keychain nothing is stored, and an unreadable entry means "not remembered"', async () => {
  await withTempDir(async (home) => {
    const os = new FakeProtector();
    os.available = false;
    const chain = new Keychain(home, os);
    assert.throws(() => chain.remember(SECRET), /not available.*never stored in the clear/);
    assert.deepEqual(await listFiles(home), []);

    os.available = true;
    chain.remember(SECRET);
    os.key = randomBytes(32);
    assert.equal(chain.recall(), null, 'an OS key that changed brings the prompt back');
    await fsp.writeFile(chain.file, '{"format":1,"prot');
    assert.equal(chain.recall(), null, 'a damaged file brings the prompt back');
    assert.throws(() => chain.remember(''), /non-empty/);
  });
});
