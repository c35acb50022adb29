import type { SafeStorage } from 'electron';
import type { SecretProtector } from '../engine/crypto/keychain';

/**
 * Electron's safeStorage as the keychain's protector. On Linux without a desktop keyring it falls
 * back to a key compiled into Chromium ("basic_text"): that is no protection, so it counts as
 * unavailable and the passphrase is never remembered there.
 */
export function safeStorageProtector(safe: SafeStorage, platform: NodeJS.Platform = process.platform): SecretProtector {
  return {
    isAvailable: () => safe.isEncryptionAvailable() && !(platform === 'linux' && safe.getSelectedStorageBackend() === 'basic_text'),
    encryptString: (plain) => safe.encryptString(plain),
    decryptString: (encrypted) => safe.decryptString(encrypted),
  };
}
