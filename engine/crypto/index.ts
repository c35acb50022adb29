/**
 * Crypto: keys, key domains and sealing (the format is in docs/format.md §9).
 *
 * - Master key: 32 random bytes per repository, stored only wrapped in key slots.
 * - Key slot: the master key wrapped under one passphrase through Argon2id (keys/<id>.json).
 * - Chain secret: 32 random bytes per encrypted source, wrapped by the master key; every key of
 *   the chain derives from it.
 * - Key domain: how a chain's blobs are named and sealed: "plain" (shared, BLAKE3 ids) or one
 *   encrypted chain (keyed ids, AES-256-GCM).
 * - Sealer: one sealing context: its own random salt, subkey and nonce counter.
 * - Keychain: the passphrase kept for unattended use, protected by the OS (desktop).
 */
export * from './domain';
export * from './plain-domain';
export * from './chain-domain';
export * from './domain-spec';
export * from './keyring';
export * from './keychain';
