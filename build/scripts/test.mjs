// `npm test`: installs what is missing, builds, type-checks, then runs every test with Node's
// test runner (unit, integration, loop-device and browser end-to-end tests).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';
import { ensureInstalled, ensureChromium } from './setup.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
process.chdir(root);
ensureInstalled(root);
ensureChromium();

const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run(process.execPath, ['build/scripts/bundle.mjs']);
run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json']);

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out.sort();
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : findTests(join(root, 'test'));
const env = { ...process.env, STRATA_TEST_FAST_KDF: '1' };
// Human-readable progress on stdout, TAP to a file whose totals are printed last, so the closing
// lines of the run state the counts plainly.
mkdirSync(join(root, 'test-results'), { recursive: true });
const tap = join(root, 'test-results', 'tests.tap');
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
  { stdio: 'inherit', cwd: root, env },
);
const totals = Object.fromEntries(
  [...readFileSync(tap, 'utf8').matchAll(/^# (tests|pass|fail|skipped|cancelled) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]),
);
for (const k of ['tests', 'pass', 'fail', 'cancelled', 'skipped']) console.log(`# ${k} ${totals[k] ?? 0}`);
console.log(`${totals.pass ?? 0} passed, ${(totals.fail ?? 0) + (totals.cancelled ?? 0)} failed, ${totals.skipped ?? 0} skipped`);
process.exit(result.status ?? 1);
