import { promises as fsp } from 'node:fs';
import { StrataError } from '../core/errors';
import type { PassphraseRequest } from '../repo/repository';

/**
 * Where an unattended or interactive passphrase comes from, in order: STRATA_PASSPHRASE, a key
 * file (--key-file or STRATA_KEY_FILE, which must not be readable by group or others), or a
 * prompt on the terminal. Asked once per process. When the passphrase is about to create the
 * repository's key, the prompt asks twice: a typo there would lock the user out for good.
 */
export function passphraseProvider(keyFile?: string): (req?: PassphraseRequest) => Promise<string> {
  let cached: Promise<string> | null = null;
  return (req) => (cached ??= obtain(keyFile, req?.creating ?? false));
}

async function obtain(keyFile: string | undefined, creating: boolean): Promise<string> {
  const env = process.env.STRATA_PASSPHRASE;
  if (env !== undefined && env !== '') return env;
  const file = keyFile ?? process.env.STRATA_KEY_FILE;
  if (file) return readKeyFile(file);
  if (interactive()) return creating ? promptTwice('New passphrase for this repository: ') : prompt('Passphrase: ');
  throw new StrataError('E_NEEDS_KEY', 'this needs the passphrase: set STRATA_PASSPHRASE, give --key-file, or run in a terminal to be asked');
}

/** The new passphrase of `strata key add|change`: STRATA_NEW_PASSPHRASE, else asked twice. */
export async function newPassphrase(): Promise<string> {
  const env = process.env.STRATA_NEW_PASSPHRASE;
  if (env !== undefined && env !== '') return env;
  if (interactive()) return promptTwice('New passphrase: ');
  throw new StrataError('E_NEEDS_KEY', 'this needs a new passphrase: set STRATA_NEW_PASSPHRASE or run in a terminal to be asked');
}

function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

async function promptTwice(question: string): Promise<string> {
  const first = await prompt(question);
  if (first === '') throw new StrataError('E_INVALID', 'Expected a non-empty passphrase');
  if ((await prompt('Repeat it: ')) !== first) throw new StrataError('E_INVALID', 'the two passphrases differ; nothing was changed');
  return first;
}

export async function readKeyFile(file: string): Promise<string> {
  let st;
  try {
    st = await fsp.stat(file);
  } catch (err) {
    throw new StrataError('E_NEEDS_KEY', `key file ${file} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  if (!st.isFile()) throw new StrataError('E_NEEDS_KEY', `key file ${file} is not a regular file`);
  if ((st.mode & 0o077) !== 0) {
    throw new StrataError('E_NEEDS_KEY', `key file ${file} is open to group or others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 ${file}`);
  }
  const text = (await fsp.readFile(file, 'utf8')).replace(/\r?\n$/, '');
  if (text === '') throw new StrataError('E_NEEDS_KEY', `key file ${file} is empty`);
  return text;
}

/** Reads a line from the terminal without echoing it. */
export function prompt(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode?.(true);
    stdin.resume();
    let input = '';
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          done();
          return resolve(input);
        }
        if (ch === '\u0003') {
          done();
          return reject(new StrataError('E_CANCELLED', 'cancelled at the passphrase prompt'));
        }
        if (ch === '\u007f') input = input.slice(0, -1);
        else input += ch;
      }
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}
