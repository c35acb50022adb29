// Bundles the CLI, the engine worker and the Electron shell with esbuild, and the renderer with Vite.
// Native modules stay external: they are loaded from node_modules (unpacked from asar when packaged).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
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
