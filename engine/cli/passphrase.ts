import { promises as fsp } from 'node:fs';
import { StrataError } from '../core/errors';

/**
 * Where an unattended or interactive passphrase comes from, in order: STRATA_PASSPHRASE, a key
 * file (--key-file or STRATA_KEY_FILE, which must not be readable by group or others), or a
 * prompt on the terminal. Asked once per process.
 */
export function passphraseProvider(keyFile?: string): () => Promise<string> {
  let cached: Promise<string> | null = null;
  return () => (cached ??= obtain(keyFile));
}

async function obtain(keyFile?: string): Promise<string> {
  const env = process.env.STRATA_PASSPHRASE;
  if (env !== undefined && env !== '') return env;
  const file = keyFile ?? process.env.STRATA_KEY_FILE;
  if (file) return readKeyFile(file);
  if (process.stdin.isTTY && process.stderr.isTTY) return prompt('Passphrase: ');
  throw new StrataError('E_NEEDS_KEY', 'this needs the passphrase: set STRATA_PASSPHRASE, give --key-file, or run in a terminal to be asked');
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
    throw new StrataError('E_NEEDS_KEY', `key file ${file} is readable by others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 ${file}`);
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
