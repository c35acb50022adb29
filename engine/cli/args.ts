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

export function positional(list: string[], i: number, name: string, usage: string): string {
  const v = list[i];
  if (v === undefined || v === '') throw new StrataError('E_USAGE', `missing ${name}\nusage: ${usage}`);
  return v;
}

export function noExtra(list: string[], count: number, usage: string): void {
  if (list.length > count) throw new StrataError('E_USAGE', `unexpected argument "${list[count]}"\nusage: ${usage}`);
}
