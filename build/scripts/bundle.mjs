// Bundles the CLI, the engine worker and the Electron shell with esbuild, and the renderer with Vite.
// Native modules stay external: they are loaded from node_modules (unpacked from asar when packaged).
// Builds the AES-GCM binding (engine/crypto/native) beside the bundles where a compiler is found.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const external = ['@node-rs/xxhash', '@node-rs/argon2', '@napi-rs/blake-hash', 'zstd-napi', 'electron', 'ws', 'lowdb', 'lowdb/node'];
const banner = { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" };

const targets = [
  { entry: 'engine/cli/main.ts', out: 'dist/cli.mjs', format: 'esm', banner },
  { entry: 'engine/jobs/worker-entry.ts', out: 'dist/engine-worker.mjs', format: 'esm', banner },
  { entry: 'engine/snapshot/pipeline-worker.ts', out: 'dist/pipeline-worker.mjs', format: 'esm', banner },
  { entry: 'electron/main.ts', out: 'dist/electron/main.cjs', format: 'cjs' },
  { entry: 'electron/preload.ts', out: 'dist/electron/preload.cjs', format: 'cjs' },
];

for (const t of targets) {
  if (!existsSync(join(root, t.entry))) continue;
  await build({
    entryPoints: [join(root, t.entry)],
    outfile: join(root, t.out),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: t.format,
    external,
    banner: t.banner,
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (existsSync(join(root, 'renderer', 'index.html')) && !process.argv.includes('--no-renderer')) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: join(root, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
}

/**
 * The AES-GCM binding, rebuilt when its source is newer than the build, and copied to
 * dist/native/ where the bundles look for it. It is optional: without a compiler (or node-gyp's
 * headers) the engine uses Node's cipher API, slower per record, with the same bytes on disk.
 */
function buildAesGcm() {
  const dir = join(root, 'engine', 'crypto', 'native');
  const built = join(dir, 'build', 'Release', 'aes_gcm.node');
  const dest = join(root, 'dist', 'native', 'aes_gcm.node');
  const newest = Math.max(...['aes-gcm.c', 'binding.gyp'].map((f) => statSync(join(dir, f)).mtimeMs));
  if (!existsSync(built) || statSync(built).mtimeMs < newest) {
    // `npm run` puts npm's own node-gyp on the PATH and passes npm's settings (such as nodedir).
    const r = spawnSync('npm', ['run', '--silent', 'build:native'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], shell: process.platform === 'win32', encoding: 'utf8' });
    if (r.status !== 0 || !existsSync(built)) {
      rmSync(dest, { force: true });
      const why = (r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' | ');
      console.warn(`strata: the AES-GCM binding was not built (${why || 'node-gyp failed'}); encrypted chains use Node's cipher API`);
      return;
    }
  }
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(built, dest);
}

buildAesGcm();
