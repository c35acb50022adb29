import { StrataError } from './errors';
import type { Compression } from './types';

const UNITS: Record<string, number> = { '': 1, B: 1, K: 1024, KB: 1024, KIB: 1024, M: 1024 ** 2, MB: 1024 ** 2, MIB: 1024 ** 2, G: 1024 ** 3, GB: 1024 ** 3, GIB: 1024 ** 3, T: 1024 ** 4, TB: 1024 ** 4, TIB: 1024 ** 4 };

/** Parses "64K", "1M", "4096" into bytes (binary units). */
export function parseSize(text: string, what = 'size'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? UNITS[m[2]!.toUpperCase()] : undefined;
  if (!m || unit === undefined) {
    throw new StrataError('E_INVALID', `Expected ${what} as a number with an optional unit (K, M, G), got "${text}"`);
  }
  return Math.round(Number(m[1]) * unit);
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const s = i === 0 ? String(v) : v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0);
  return `${n < 0 ? '-' : ''}${s} ${units[i]}`;
}

export const MIN_BLOCK_SIZE = 4 * 1024;
export const MAX_BLOCK_SIZE = 1024 * 1024;
export const DEFAULT_BLOCK_SIZE = 16 * 1024;
export const COMPRESSIONS = ['lz4', 'zstd', 'none'] as const satisfies readonly Compression[];
export const DEFAULT_COMPRESSION: Compression = 'lz4';

/** Whether `value` names a compression setting (see `Compression`). */
export function isCompression(value: unknown): value is Compression {
  return COMPRESSIONS.some((c) => c === value);
}

/** `value` as a compression setting, or E_INVALID naming the choices. */
export function validateCompression(value: unknown): Compression {
  if (!isCompression(value)) throw new StrataError('E_INVALID', `Expected a compression of ${COMPRESSIONS.join(', ')}, got ${String(value)}`);
  return value;
}

export function validateBlockSize(size: number): number {
  if (!Number.isInteger(size) || size < MIN_BLOCK_SIZE || size > MAX_BLOCK_SIZE || (size & (size - 1)) !== 0) {
    throw new StrataError('E_INVALID', `Expected a block size that is a power of two from 4K to 1M, got ${size} bytes`);
  }
  return size;
}
