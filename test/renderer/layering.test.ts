import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { ROOT } from '../helpers/cli';

const RENDERER = join(ROOT, 'renderer');
/** Build configuration runs in Node at build time; it is not part of the page. */
const BUILD_ONLY = new Set(['vite.config.ts']);
const ALLOWED_PACKAGES = new Set(['react', 'react-dom', 'react/jsx-runtime', 'react-dom/client']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every `import … from '…'` / `export … from '…'` / side-effect import, with whether it is type-only. */
function importsOf(text: string): { spec: string; typeOnly: boolean }[] {
  const out: { spec: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) out.push({ spec: m[3]!, typeOnly: Boolean(m[2]) });
  return out;
}

test('the renderer imports no Node module and no engine code, only contract types', () => {
  const files = sources(RENDERER).filter((f) => !BUILD_ONLY.has(relative(RENDERER, f)));
  assert.ok(files.length > 20, `expected the renderer's sources, found ${files.length}`);
  const node = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  const bad: string[] = [];
  for (const file of files) {
    for (const { spec, typeOnly } of importsOf(readFileSync(file, 'utf8'))) {
      const where = `${relative(ROOT, file)}: ${spec}`;
      if (node.has(spec) || spec.startsWith('node:')) bad.push(`${where} (Node module)`);
      else if (spec.includes('/engine/')) {
        if (!spec.endsWith('/engine/api/contract') || !typeOnly) bad.push(`${where} (engine code; only \`import type\` from the contract)`);
      } else if (!spec.startsWith('.') && !ALLOWED_PACKAGES.has(spec)) bad.push(`${where} (package not meant for the page)`);
      else if (spec.startsWith('.') && relative(RENDERER, join(file, '..', spec)).startsWith('..')) bad.push(`${where} (outside renderer/)`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the import scanner sees value and type imports apart', () => {
  const found = importsOf("import type { A } from '../../engine/api/contract';\nimport { b } from 'node:fs';\nimport './x.css';\n");
  assert.deepEqual(found, [
    { spec: '../../engine/api/contract', typeOnly: true },
    { spec: 'node:fs', typeOnly: false },
    { spec: './x.css', typeOnly: false },
  ]);
});
