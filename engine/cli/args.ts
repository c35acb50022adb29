import { parseArgs, type ParseArgsConfig } from 'node:util';
import { StrataError } from '../core/errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's own arguments; unknown flags and missing values are usage errors. */
export function parse<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new StrataError('E_USAGE', `${(err as Error).message}\nusage: ${usage}`);
  }
}

/**
 * Joins `--flag -1` into `--flag=-1` for the given flags: parseArgs takes a value that starts
 * with "-" for a flag of its own and refuses it, though a negative number is a value here.
 */
export function joinNegativeValues(args: string[], flags: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return [...out, ...args.slice(i)];
    const next = args[i + 1];
    if (flags.includes(a) && next !== undefined && /^-\d+$/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export function positional(list: string[], i: number, name: string, usage: string): string {
  const v = list[i];
  if (v === undefined || v === '') throw new StrataError('E_USAGE', `missing ${name}\nusage: ${usage}`);
  return v;
}

export function noExtra(list: string[], count: number, usage: string): void {
  if (list.length > count) throw new StrataError('E_USAGE', `unexpected argument "${list[count]}"\nusage: ${usage}`);
}
