import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from '../helpers/cli';

/**
 * Engine layers import downward only (a module may import its own layer or a lower one), and the
 * engine never imports from electron/ or renderer/.
 */
const RANK: Record<string, number> = {
  core: 0, storage: 1, crypto: 1, source: 1, pack: 2, repo: 3, snapshot: 4, maintenance: 4,
  restore: 5, api: 6, policy: 6, catalog: 7, scheduler: 8, jobs: 9, web: 10, cli: 11,
};

function engineFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? engineFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

test('engine modules import only their own layer or the layers below, and nothing from the UI or Electron', () => {
  const engine = join(ROOT, 'engine');
  const violations: string[] = [];
  for (const file of engineFiles(engine)) {
    const layer = relative(engine, file).split('/')[0]!;
    assert.ok(layer in RANK, `engine/${layer} has no place in the layer order`);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s+'([^']+)'/g)) {
      const spec = m[1]!;
      if (/^(electron|react)/.test(spec)) violations.push(`${relative(ROOT, file)} imports ${spec}`);
      if (!spec.startsWith('.')) continue;
      const target = relative(engine, resolve(dirname(file), spec));
      if (target.startsWith('..')) {
        violations.push(`${relative(ROOT, file)} reaches outside engine/: ${spec}`);
        continue;
      }
      const to = target.split('/')[0]!;
      if (RANK[to]! > RANK[layer]!) violations.push(`${relative(ROOT, file)} (${layer}) imports ${to}: ${spec}`);
    }
  }
  assert.deepEqual(violations, []);
});
