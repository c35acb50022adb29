// `npm run torture`: hundreds of SIGKILLs per operation (default 200; TORTURE_KILLS=N to change),
// then the counts. TORTURE_OPS=a,b runs only those operations (to split a run across processes). The figures in docs/reliability.md come from here. The CLI under test is
// bundled privately first, so a rebuild of dist/ by someone else cannot change it mid-run.
import { build } from 'esbuild';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli';
import { createTempDir, withTempDir } from '../helpers/home';
import { CRASH_OPS, runCrashHarness, type CrashOp } from './crash-harness';

process.env.STRATA_TEST_FAST_KDF ??= '1';
const killsPerOp = Number(process.env.TORTURE_KILLS ?? 200);
const seed = Number(process.env.TORTURE_SEED ?? Date.now() % 1e9);
const ops = (process.env.TORTURE_OPS?.split(',') ?? [...CRASH_OPS]) as CrashOp[];
const unknown = ops.filter((op) => !(CRASH_OPS as readonly string[]).includes(op));
if (unknown.length > 0) throw new Error(`Expected TORTURE_OPS from ${CRASH_OPS.join(', ')}, got ${unknown.join(', ')}`);
const bundle = createTempDir();
symlinkSync(join(ROOT, 'node_modules'), join(bundle.dir, 'node_modules'));
const external = ['@node-rs/xxhash', '@napi-rs/blake-hash', 'zstd-napi', 'electron', 'ws', 'lowdb', 'lowdb/node'];
const banner = { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" };
for (const [entry, out] of [['engine/cli/main.ts', 'cli.mjs'], ['engine/snapshot/pipeline-worker.ts', 'pipeline-worker.mjs']] as const) {
  await build({ entryPoints: [join(ROOT, entry)], outfile: join(bundle.dir, out), bundle: true, platform: 'node', target: 'node20', format: 'esm', external, banner, logLevel: 'warning' });
}
process.env.STRATA_CRASH_CLI = join(bundle.dir, 'cli.mjs');

const started = performance.now();
try {
  const figures = await withTempDir((dir) => runCrashHarness(dir, { killsPerOp, seed, ops, log: (l) => console.log(l) }));
  const total = ops.reduce((n, op) => n + (figures.kills[op] ?? 0), 0);
  console.log(JSON.stringify({ seed, killsPerOp, totalKills: total, ...figures, minutes: +((performance.now() - started) / 60000).toFixed(1) }, null, 2));
} finally {
  bundle.cleanup();
}
