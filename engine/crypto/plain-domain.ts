import { blake3 } from '../core/native';
import { StrataError } from '../core/errors';
import { PLAIN_DOMAIN_NAME, type KeyDomain } from './domain';

/** The shared domain of every plaintext chain: ids are BLAKE3 of the bytes, nothing is sealed. */
export const plainDomain: KeyDomain = {
  name: PLAIN_DOMAIN_NAME,
  encrypted: false,
  contentId: (raw) => blake3(raw),
  newSealer: () => null,
  spec: () => ({ kind: 'plain' }),
  open: () => nothingToOpen(),
  openInto: () => nothingToOpen(),
};

function nothingToOpen(): never {
  throw new StrataError('E_ENCRYPTION', 'a plaintext chain has nothing to decrypt');
}
