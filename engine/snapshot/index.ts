/**
 * Snapshot: reading a source and committing a snapshot.
 *
 * - Fingerprint: xxh64 of a block, compared with the parent's to skip unchanged blocks.
 * - Block processor: content-ids, compresses and seals changed blocks (a worker pool by default).
 * - Blob sink: stores only blobs the repository does not hold yet.
 */
export * from './create';
export * from './block-processor';
export * from './progress';
export * from './throttle';
