/**
 * Repository: sources, snapshots and their manifests on top of packs and the index.
 *
 * - Source record: a source and its chain's fixed settings, in `sources/`.
 * - Snapshot record: written last and atomically; its presence is the commit of a snapshot.
 * - Manifest: a tree of leaves (1024 blocks each: fingerprint and blob id per block) under
 *   interior nodes; unchanged regions encode to the same nodes and are stored once.
 * - Lock: shared for work that only adds or reads, exclusive for work that removes.
 */
export * from './repository';
export * from './records';
export * from './tree';
export * from './tree-io';
export * from './lock';
