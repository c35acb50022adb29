/**
 * What to do next when an API call fails. The engine's message says what happened; this adds the
 * action a user can take, keyed by the engine's stable error codes.
 */
const NEXT_STEPS: Record<string, string> = {
  E_PASSPHRASE: 'Check the passphrase (it is case-sensitive) and try again.',
  E_NEEDS_KEY: 'Unlock the repository with its passphrase first.',
  E_LOCKED: 'Another Strata process holds the repository. Wait for it to finish, then retry.',
  E_BUSY: 'A snapshot of this disk is already running. Wait for it or cancel it in the disk view.',
  E_MOUNTED: 'Unmount the disk (or use an image file) before writing to it.',
  E_NOT_FOUND: 'It may have been removed meanwhile. Reload the list and pick it again.',
  E_EXISTS: 'Pick another name or path, or remove the existing one first.',
  E_SOURCE: 'Check that the path exists and that Strata may read it.',
  E_SOURCE_CHANGED: 'The disk changed size or identity. Add it again as a new disk.',
  E_NO_SPACE: 'The repository disk is full. Delete old snapshots or free space, then retry.',
  E_READ_ONLY: 'The repository is on a read-only file system. Move it or remount it writable.',
  E_CORRUPT: 'Run a repository check with data verification to see what is affected.',
  E_IO: 'Check permissions and the disk, then retry.',
  E_INVALID: 'Correct the value the message names and try again.',
  E_USAGE: 'Correct the value and try again.',
  E_CONFIRM: 'Confirm the overwrite to continue.',
  E_CANCELLED: 'Nothing was changed. Start it again when you are ready.',
  E_ENCRYPTION: 'Encryption is fixed when a disk is added; a plaintext copy can only be made by restoring.',
  E_OFFLINE: 'Check that Strata is still running (the web host or the app), then reload the page.',
  E_AUTH: 'Open the address printed by `strata serve` again: it carries the access token.',
};

export function nextStep(code: string | undefined): string {
  return (code && NEXT_STEPS[code]) || 'Try again; if it keeps failing, run a repository check from the Repository screen.';
}

export interface ShownError {
  code: string;
  message: string;
  next: string;
}

export function describeError(err: unknown): ShownError {
  const { code, message: m } = (err ?? {}) as { code?: unknown; message?: unknown };
  const message = typeof m === 'string' ? m : String(err);
  const c = typeof code === 'string' ? code : 'E_UNKNOWN';
  return { code: c, message, next: nextStep(c) };
}
