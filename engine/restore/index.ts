/**
 * Restore: writing a snapshot back. `restoreSnapshot` writes a new image (sparse) or a device;
 * `rollbackSource` rewrites a source in place, only where it differs. Every block is verified
 * before it is written; large restores decode (open, decompress, verify) on worker threads
 * while earlier leaves are written (`record-decoder.ts`).
 */
export * from './restore';
export * from './rollback';
export * from './target';
