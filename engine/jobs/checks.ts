/**
 * Small input checkers: each takes an unknown value and the name of where it came from, and
 * returns the value typed or throws E_INVALID saying what was expected and what came.
 */
import { isAbsolute } from 'node:path';
import { StrataError } from '../core/errors';

export type Check<T> = (value: unknown, at: string) => T;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

export function fail(at: string, expected: string, got: unknown): never {
  throw new StrataError('E_INVALID', `Expected ${at} to be ${expected}, got ${describe(got)}`);
}

export const bool: Check<boolean> = (v, at) => (typeof v === 'boolean' ? v : fail(at, 'true or false', v));

export function int(min: number, max: number): Check<number> {
  return (v, at) => (Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max ? (v as number) : fail(at, `a whole number from ${min} to ${max}`, v));
}

/** Printable text (no control characters) of a bounded length. */
export function text(min: number, max: number): Check<string> {
  return (v, at) => {
    if (typeof v !== 'string' || v.length < min || v.length > max || /[\u0000-\u001f\u007f]/.test(v)) {
      return fail(at, `text of ${min}–${max} printable characters`, v);
    }
    return v;
  };
}

/** A secret: any characters but NUL, bounded length. */
export const secret: Check<string> = (v, at) =>
  typeof v === 'string' && v.length >= 1 && v.length <= 1024 && !v.includes('\u0000') ? v : fail(at, 'a passphrase of 1–1024 characters', v);

/** Ids as the engine makes them (`src-…`, `snap-…`, `pol-…`, `job-…`). */
export const id: Check<string> = (v, at) => (typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(v) ? v : fail(at, 'an id', v));

export const absolutePath: Check<string> = (v, at) =>
  typeof v === 'string' && v.length <= 4096 && isAbsolute(v) && !v.includes('\u0000') ? v : fail(at, 'an absolute path', v);

export const isoTime: Check<string> = (v, at) =>
  typeof v === 'string' && v.length <= 40 && /^\d{4}-\d\d-\d\dT/.test(v) && !Number.isNaN(Date.parse(v)) ? v : fail(at, 'an ISO date-time', v);

export function optional<T>(c: Check<T>): Check<T | undefined> {
  return (v, at) => (v === undefined ? undefined : c(v, at));
}

export function nullable<T>(c: Check<T>): Check<T | null> {
  return (v, at) => (v === null ? null : c(v, at));
}

export function list<T>(c: Check<T>, max: number, opts: { unique?: boolean; min?: number } = {}): Check<T[]> {
  return (v, at) => {
    if (!Array.isArray(v) || v.length > max || v.length < (opts.min ?? 0)) return fail(at, `a list of ${opts.min ?? 0}–${max} items`, v);
    const out = v.map((x, i) => c(x, `${at}[${i}]`));
    if (opts.unique && new Set(out).size !== out.length) return fail(at, 'a list without repeats', v);
    return out;
  };
}

type Shape = Record<string, Check<unknown>>;
type Out<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };

/** An object with exactly these fields (unknown fields are refused, so typos do not pass silently). */
export function object<S extends Shape>(shape: S): Check<Out<S>> {
  return (v, at) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(at, 'an object', v);
    for (const key of Object.keys(v)) if (!Object.hasOwn(shape, key)) fail(`${at}.${key}`, 'absent (not a known field)', (v as Record<string, unknown>)[key]);
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      const value = check((v as Record<string, unknown>)[key], `${at}.${key}`);
      if (value !== undefined) out[key] = value;
    }
    return out as Out<S>;
  };
}

/** No argument at all (undefined, null or an empty object all mean none). */
export const none: Check<undefined> = (v, at) => {
  if (v === undefined || v === null || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0)) return undefined;
  return fail(at, 'no argument', v);
};

/** Every field optional: for partial updates. */
export function partial<S extends Shape>(shape: S): Check<Partial<Out<S>>> {
  const loose = Object.fromEntries(Object.entries(shape).map(([k, c]) => [k, optional(c)])) as Shape;
  return object(loose) as Check<Partial<Out<S>>>;
}
