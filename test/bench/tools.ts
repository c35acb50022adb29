import { promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, timed, type Sample } from './measure';

/**
 * The backup tools the benchmark compares, each driven as a user would from a shell, in a child
 * process, so start-up and the cost of the command line count for everyone alike.
 */
export interface Tool {
  name: string;
  /** Creates an empty repository under `dir`. Not timed. */
  init(): Promise<void>;
  backup(image: string, label: string): Promise<Sample>;
  /** Restores the latest backup of `image`; returns the timing and where the image landed. */
  restore(image: string, into: string): Promise<{ sample: Sample; path: string }>;
  check(): Promise<Sample>;
  readonly repo: string;
  /** Everything the tool keeps between commands: the repository and any local cache or state. */
  readonly state: string[];
  /**
   * A command that does no work but load the tool (its executable, libraries and modules), run
   * untimed before each warm step so that the program's files are cached like its inputs.
   */
  readonly warmUp: [string, string[]];
}

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const STRATA_BIN = join(ROOT, 'build/bin/strata.mjs');

/**
 * Strata with its defaults (LZ4), encrypted or not, or with `--compression zstd`; `nodeCipher`
 * makes an encrypted chain use Node's cipher API instead of the AES-GCM binding.
 */
export function strata(dir: string, encrypted: boolean, compression?: 'zstd', nodeCipher = false): Tool {
  const home = join(dir, 'home');
  const env: Record<string, string> = { STRATA_PASSPHRASE: 'bench passphrase', ...(nodeCipher ? { STRATA_AES_GCM: 'node' } : {}) };
  const cli = (args: string[]) => timed(process.execPath, [STRATA_BIN, '--home', home, '--json', ...args], { env });
  let last = '';
  return {
    name: encrypted ? (nodeCipher ? "strata (encrypted, Node's cipher)" : 'strata (encrypted)') : compression ? `strata (${compression})` : 'strata',
    repo: join(home, 'repository'),
    state: [home],
    warmUp: [process.execPath, [STRATA_BIN, '--help']],
    async init() {
      await fsp.mkdir(home, { recursive: true });
    },
    async backup(image, label) {
      if (!last) await cli(['source', 'add', image, '--name', 'bench', ...(encrypted ? ['--encrypted'] : []), ...(compression ? ['--compression', compression] : [])]);
      const s = await cli(['snapshot', 'create', 'bench', '--name', label]);
      last = (JSON.parse(s.stdout) as { id: string }).id;
      return s;
    },
    async restore(_image, into) {
      const path = join(into, 'restored.img');
      return { sample: await cli(['restore', last, '--to', path]), path };
    },
    check: () => cli(['check']),
  };
}

export function restic(dir: string): Tool {
  const repo = join(dir, 'restic-repo');
  const env = { RESTIC_PASSWORD: 'bench passphrase', RESTIC_CACHE_DIR: join(dir, 'restic-cache') };
  const cli = (args: string[]) => timed('restic', ['-r', repo, '--quiet', ...args], { env });
  return {
    name: 'restic',
    repo,
    state: [repo, env.RESTIC_CACHE_DIR],
    warmUp: ['restic', ['version']],
    async init() {
      const r = await run('restic', ['-r', repo, 'init'], { env });
      if (r.code !== 0) throw new Error(`restic init failed: ${r.stderr}`);
    },
    backup: (image, label) => cli(['backup', '--tag', label, image]),
    async restore(image, into) {
      return { sample: await cli(['restore', 'latest', '--target', into]), path: join(into, image) };
    },
    check: () => cli(['check']),
  };
}

export function borg(dir: string): Tool {
  const repo = join(dir, 'borg-repo');
  const env = {
    BORG_BASE_DIR: join(dir, 'borg-base'),
    BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes',
    BORG_RELOCATED_REPO_ACCESS_IS_OK: 'yes',
  };
  let last = '';
  return {
    name: 'borg',
    repo,
    state: [repo, env.BORG_BASE_DIR],
    warmUp: ['borg', ['--version']],
    async init() {
      const r = await run('borg', ['init', '--encryption', 'none', repo], { env });
      if (r.code !== 0) throw new Error(`borg init failed: ${r.stderr}`);
    },
    async backup(image, label) {
      last = label;
      return timed('borg', ['create', `${repo}::${label}`, image], { env });
    },
    async restore(image, into) {
      const sample = await timed('borg', ['extract', `${repo}::${last}`], { env, cwd: into });
      return { sample, path: join(into, image) };
    },
    check: () => timed('borg', ['check', repo], { env }),
  };
}
