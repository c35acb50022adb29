/**
 * Packs and the index.
 *
 * - Blob: one stored unit, a block of source data ("data") or a node of a snapshot manifest
 *   ("tree"), named by its 32-byte content id.
 * - Record: a blob as stored: a 60-byte self-describing header, then the payload (optionally
 *   zstd-compressed, then sealed with AES-256-GCM in encrypted chains).
 * - Pack: a file of records, written whole and atomically, never modified; gc writes new packs.
 * - Index file: where each blob lives (pack, offset, length), one file per commit per key domain.
 * - Master index: all index files of a domain, loaded into memory for dedup and restore.
 */
export * from './record';
export * from './pack-writer';
export * from './index-file';
export * from './master-index';
