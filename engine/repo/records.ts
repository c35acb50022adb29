import type { Compression, SnapshotType, Source } from '../core/types';
import { DEFAULT_COMPRESSION } from '../core/units';

/**
 * The JSON files that make the repository self-describing:
 * - sources/<sourceId>.json: a source and its chain's fixed settings (block size, encryption,
 *   the chain secret wrapped by the master key).
 * - snapshots/<sourceId>/<snapshotId>.json: a committed snapshot. Written last, atomically:
 *   its presence is the commit.
 * - inflight/<snapshotId>.json: a snapshot being taken (or one that failed), with progress.
 */
export interface SourceRecord extends Omit<Source, 'compression'> {
  format: 1;
  /** Absent in sources added before compression was a setting: they take the default. */
  compression?: Compression;
  /** Present for encrypted chains: the chain secret wrapped by the master key. */
  wrappedSecret?: string;
}

/** How a source's new snapshots compress blocks. */
export function compressionOf(source: SourceRecord): Compression {
  return source.compression ?? DEFAULT_COMPRESSION;
}

export interface TreeRef {
  /** Hex id of the manifest root. */
  root: string;
  height: number;
}

export interface SnapshotRecord {
  format: 1;
  id: string;
  sourceId: string;
  name: string;
  type: SnapshotType;
  createdAt: string;
  completedAt: string;
  encrypted: boolean;
  sourceBytes: number;
  blockSize: number;
  blockCount: number;
  addedBytes: number;
  retainUntil: string | null;
  policyId: string | null;
  parentId: string | null;
  /** Plain chains: where the manifest is. */
  tree?: TreeRef;
  /** Encrypted chains: the TreeRef sealed with the chain key (base64), AAD = the snapshot id. */
  sealedTree?: string;
  /** SHA-256 (hex) of the record's canonical JSON without this field (record-checksum.ts). */
  checksum?: string;
}

export interface InflightRecord {
  format: 1;
  id: string;
  sourceId: string;
  name: string;
  type: SnapshotType;
  createdAt: string;
  encrypted: boolean;
  sourceBytes: number;
  policyId: string | null;
  pid: number;
  host: string;
  /** The process's boot and start time (see processStamp in lock.ts); absent in older records. */
  stamp?: string;
  status: 'progressing' | 'failed';
  progress: number;
  error?: string;
}

export const SOURCES_DIR = 'sources';
export const SNAPSHOTS_DIR = 'snapshots';
export const INFLIGHT_DIR = 'inflight';

export const sourceFile = (id: string) => `${SOURCES_DIR}/${id}.json`;
export const snapshotFile = (sourceId: string, id: string) => `${SNAPSHOTS_DIR}/${sourceId}/${id}.json`;
export const inflightFile = (id: string) => `${INFLIGHT_DIR}/${id}.json`;
