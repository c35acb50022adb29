/**
 * Crypto: key domains and keys.
 *
 * - Key domain: how blobs of a chain are named and sealed. All plaintext chains share one
 *   (ids = BLAKE3, so they dedup together); each encrypted chain has its own (keyed ids,
 *   AES-256-GCM), so encrypted and plaintext chains never share a block.
 * - Master key: 32 random bytes per repository, kept only wrapped in key slots.
 * - Key slot: the master key wrapped under one passphrase via scrypt.
 * - Chain secret: 32 random bytes per encrypted chain, wrapped by the master key, from which the
 *   id key and the data key are derived.
 */
export * from './domain';
export * from './plain-domain';
export * from './chain-domain';
export * from './keyring';
