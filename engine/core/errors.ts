/**
 * Errors carry a stable `code` so that callers in other processes (the CLI, the app's worker,
 * the web host) can match on it; the message says what was expected and what came.
 */
export type ErrorCode =
  | 'E_USAGE'
  | 'E_INVALID'
  | 'E_NOT_FOUND'
  | 'E_AMBIGUOUS'
  | 'E_EXISTS'
  | 'E_SOURCE'
  | 'E_SOURCE_CHANGED'
  | 'E_BUSY'
  | 'E_LOCKED'
  | 'E_MOUNTED'
  | 'E_CANCELLED'
  | 'E_INTERRUPTED'
  | 'E_CORRUPT'
  | 'E_PASSPHRASE'
  | 'E_NEEDS_KEY'
  | 'E_ENCRYPTION'
  | 'E_CONFIRM'
  | 'E_NO_SPACE'
  | 'E_READ_ONLY'
  | 'E_IO'
  | 'E_FORMAT';

export class StrataError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StrataError';
    this.code = code;
    this.details = options?.details;
  }
}

export function isStrataError(err: unknown, code?: ErrorCode): err is StrataError {
  return err instanceof StrataError && (code === undefined || err.code === code);
}

/** True for an error the OS reported for a system call (Node sets its `code` and `syscall`). */
export function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  return typeof (err as NodeJS.ErrnoException | undefined)?.code === 'string' && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}

/** Turns an OS error from a repository write into the error a user can act on. */
export function fromFsError(err: unknown, what: string): StrataError {
  if (err instanceof StrataError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const msg = (err as Error | undefined)?.message ?? String(err);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new StrataError('E_NO_SPACE', `${what}: the disk is full (${code}); free some space and try again`, { cause: err });
    case 'EROFS':
      return new StrataError('E_READ_ONLY', `${what}: the file system is read-only`, { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new StrataError('E_IO', `${what}: permission denied`, { cause: err });
    case 'ENOENT':
      return new StrataError('E_NOT_FOUND', `${what}: not found`, { cause: err });
    default:
      return new StrataError('E_IO', `${what}: ${msg}`, { cause: err });
  }
}

/** A plain, serialisable form for crossing process boundaries. */
export interface ErrorInfo {
  code: ErrorCode | 'E_INTERNAL';
  message: string;
  details?: Record<string, unknown>;
}

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof StrataError) {
    return err.details ? { code: err.code, message: err.message, details: err.details } : { code: err.code, message: err.message };
  }
  return { code: 'E_INTERNAL', message: (err as Error | undefined)?.message ?? String(err) };
}

export function fromErrorInfo(info: ErrorInfo): Error {
  if (info.code === 'E_INTERNAL') return new Error(info.message);
  return new StrataError(info.code, info.message, info.details ? { details: info.details } : undefined);
}
