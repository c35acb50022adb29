/**
 * A key domain says how blobs of a chain are identified and sealed. Plaintext chains share one
 * domain (so equal blocks dedup across sources); each encrypted chain has its own domain with
 * its own keys, so encrypted and plaintext chains never share a block.
 */
export interface KeyDomain {
  /** "plain", or the id of the encrypted chain's source. */
  readonly name: string;
  readonly encrypted: boolean;
  /** 32-byte content id: BLAKE3 of the bytes (plain) or a keyed PRF of them (encrypted). */
  contentId(raw: Buffer): Buffer;
  /** A fresh sealing context (its own subkey and nonce counter). Plain domains return null. */
  newSealer(): Sealer | null;
  /** Opens what a sealer sealed; tampering or a wrong key MUST raise E_CORRUPT. */
  open(sealed: Buffer, aad: Buffer): Buffer;
  /**
   * Opens into `dest` (room for the sealed length less the seal's overhead: the sealed data's
   * own body, or memory apart from it) and returns the opened length. The same checks as `open`;
   * after a failure `dest` holds no opened byte.
   */
  openInto(sealed: Buffer, aad: Buffer, dest: Buffer): number;
  /** What a worker thread needs to rebuild this domain (holds key material: never log it). */
  spec(): DomainSpec;
}

export type DomainSpec = { kind: 'plain' } | { kind: 'chain'; name: string; secret: Uint8Array };

export interface Sealer {
  seal(plain: Buffer, aad: Buffer): Buffer;
  /**
   * Seals `plain` into `dest` (room for its length plus the seal's overhead; it may be the memory
   * `plain` lies in) and returns the sealed length.
   */
  sealInto(plain: Buffer, aad: Buffer, dest: Buffer): number;
}

export const PLAIN_DOMAIN_NAME = 'plain';
