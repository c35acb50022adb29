/** Choices and checks of the Add disk form, kept pure for tests. */
import type { Compression } from '../../engine/api/contract';

export const BLOCK_SIZES = [4, 16, 64, 256, 1024].map((k) => ({ bytes: k * 1024, label: k >= 1024 ? `${k / 1024} MiB` : `${k} KiB` }));
/** The engine's default: small enough that scattered writes store little (docs/benchmarks.md). */
export const DEFAULT_BLOCK_SIZE = 16 * 1024;

/** How snapshots compress blocks; the first is the engine's default. */
export const COMPRESSION_CHOICES: { value: Compression; label: string }[] = [
  { value: 'lz4', label: 'Fast (LZ4)' },
  { value: 'zstd', label: 'Compact (zstd)' },
  { value: 'none', label: 'None' },
];

/** The shortest passphrase accepted when creating the key; the key derivation slows guessing, it cannot save a short one. */
export const MIN_PASSPHRASE = 8;

/** 'none': the passphrase creates the repository key, so it is asked twice; 'locked': it unlocks it. */
export type KeyState = 'none' | 'locked' | 'unlocked';

export interface AddDiskForm {
  path: string;
  encrypted: boolean;
  passphrase: string;
  confirm: string;
  key: KeyState;
}

/** What stops the form from being sent, or null when it can go. */
export function validateAddDisk(f: AddDiskForm): string | null {
  if (!f.path.trim()) return 'Enter the path of a disk or an image file.';
  if (!f.path.trim().startsWith('/') && !/^[A-Za-z]:[\\/]/.test(f.path.trim())) return `Expected an absolute path, got "${f.path.trim()}".`;
  if (!f.encrypted) return null;
  if (f.key === 'locked' && !f.passphrase) return 'Enter the repository passphrase to add an encrypted disk.';
  if (f.key === 'none' && f.passphrase.length < MIN_PASSPHRASE) return `The passphrase needs at least ${MIN_PASSPHRASE} characters.`;
  if (f.key === 'none' && f.passphrase !== f.confirm) return 'The two passphrases differ.';
  return null;
}
