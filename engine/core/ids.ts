import { randomBytes } from 'node:crypto';

/** Random ids: a short prefix saying what the id names, then 16 hex digits (64 random bits). */
export function newId(prefix: 'src' | 'snap' | 'pol' | 'job' | 'key'): string {
  return `${prefix}-${randomBytes(8).toString('hex')}`;
}

/** Pack and index file names: 32 hex digits (128 random bits), never reused. */
export function newFileId(): string {
  return randomBytes(16).toString('hex');
}
