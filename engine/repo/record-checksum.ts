import { createHash } from 'node:crypto';
import type { SnapshotRecord } from './records';

/**
 * A snapshot record's checksum: SHA-256 (hex) of its canonical JSON without the `checksum`
 * field — keys sorted at every level, no whitespace, absent (undefined) fields left out. It
 * catches a flipped byte that leaves the JSON valid (in a name or a size), which parsing cannot.
 */
export function snapshotChecksum(rec: SnapshotRecord): string {
  const { checksum: _ignored, ...rest } = rec;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/** The record as written: its checksum computed afresh (a record read back carries an old one). */
export function withChecksum(rec: SnapshotRecord): SnapshotRecord {
  return { ...rec, checksum: snapshotChecksum(rec) };
}

/**
 * Why a record's checksum does not match, or null when it does. A record without the field
 * (written before it existed) is accepted.
 */
export function checksumMismatch(rec: SnapshotRecord): string | null {
  if (rec.checksum === undefined) return null;
  const actual = snapshotChecksum(rec);
  return rec.checksum === actual ? null : `its checksum is ${rec.checksum}, but its content hashes to ${actual}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
