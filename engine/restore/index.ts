/**
 * Restore: writing a snapshot back. `restoreSnapshot` writes a new image (sparse) or a device;
 * `rollbackSource` rewrites a source in place, only where it differs. Every block is verified
 * before it is written.
 */
export * from './restore';
export * from './rollback';
export * from './target';
