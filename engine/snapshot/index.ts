/**
 * Snapshot: reading a source and committing a snapshot.
 *
 * - Fingerprint: xxh64 of a block, compared with the parent's to skip unchanged blocks.
 * - Block processor: content-ids, compresses and seals changed blocks (a worker pool by default).
 * - Blob sink: stores only blobs the repository does not hold yet.
 * - Pipeline: chunks are read and planned (zero check, fingerprint) while earlier ones are still
 *   being processed on worker threads; results are applied in order (`copy-blocks.ts`, `pool.ts`).
 * - Rate gate: a fixed byte-rate limit, or the adaptive throttle that backs off while other
 *   processes use the source's device (default for automatic snapshots, with idle I/O priority).
 */
export * from './create';
export * from './block-processor';
export * from './progress';
export * from './throttle';
export * from './adaptive-throttle';
export * from './pool';
