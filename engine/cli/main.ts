import { StrataError, toErrorInfo } from '../core/errors';
import { StrataService } from '../api/strata';
import { resolveHome } from '../api/home';
import { COMMANDS, HELP } from './commands/index';
import type { CommandContext } from './context';
import { passphraseProvider } from './passphrase';
import { createPool } from '../snapshot/pool';

const EXIT_USAGE = 2;

interface Globals {
  home?: string;
  json: boolean;
  keyFile?: string;
  help: boolean;
  rest: string[];
}

/** Pulls the global flags out wherever they stand (before `--`). */
function globals(argv: string[]): Globals {
  const g: Globals = { json: false, help: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      g.rest.push(...argv.slice(i));
      break;
    }
    if (a === '--json') g.json = true;
    else if (a === '--help' || a === '-h') g.help = true;
    else if (a === '--home' || a === '--key-file') {
      const v = argv[++i];
      if (v === undefined) throw new StrataError('E_USAGE', `${a} needs a value`);
      if (a === '--home') g.home = v;
      else g.keyFile = v;
    } else if (a.startsWith('--home=')) g.home = a.slice(7);
    else if (a.startsWith('--key-file=')) g.keyFile = a.slice(11);
    else g.rest.push(a);
  }
  return g;
}

/** Runs the CLI; returns the exit code. Output goes to stdout, errors to stderr. */
export async function main(argv: string[]): Promise<number> {
  let json = argv.includes('--json');
  let service = null as StrataService | null;
  const abort = new AbortController();
  const onSignal = () => abort.abort(new StrataError('E_CANCELLED', 'interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const g = globals(argv);
    json = g.json;
    const [name, ...args] = g.rest;
    if (g.help || !name || name === 'help') {
      process.stdout.write(`${HELP}\n`);
      return name || g.help ? 0 : EXIT_USAGE;
    }
    const command = COMMANDS[name];
    if (!command) throw new StrataError('E_USAGE', `unknown command "${name}"; run "strata --help"`);
    const home = resolveHome(g.home);
    const passphrase = passphraseProvider(g.keyFile);
    const ctx: CommandContext = {
      args,
      json,
      home,
      out: (value, human) => process.stdout.write(`${json ? JSON.stringify(value, null, 2) : human()}\n`),
      progress: (line) => {
        if (!json && process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`);
      },
      service: async () => (service ??= await StrataService.open({ home, passphrase, processor: createPool })),
      passphrase,
      signal: abort.signal,
    };
    const code = await command(ctx);
    if (!json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    return code;
  } catch (err) {
    const info = toErrorInfo(err);
    if (!json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    process.stderr.write(json ? `${JSON.stringify({ error: info })}\n` : `strata: ${info.message}\n`);
    if (info.code === 'E_INTERNAL' && process.env.STRATA_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return info.code === 'E_USAGE' ? EXIT_USAGE : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await service?.close();
  }
}
