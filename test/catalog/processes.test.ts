import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Policy } from '../../engine/core/types';
import { withTempDir } from '../helpers/home';
import { runCli } from '../helpers/cli';

test('catalog: four processes creating policies at once all land, in the state file and in the repository mirror', async () => {
  await withTempDir(async (dir) => {
    const home = join(dir, 'home');
    assert.equal((await runCli(['--home', home, 'policy', 'list'])).code, 0);
    const names = ['p1', 'p2', 'p3', 'p4'];
    const results = await Promise.all(names.map((n) => runCli(['--home', home, '--json', 'policy', 'create', n, '--hours', '3', '--retention-days', '7'])));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const list = (await runCli(['--home', home, '--json', 'policy', 'list'])).json as Policy[];
    assert.deepEqual(list.map((p) => p.name).sort(), names);
    const mirror = JSON.parse(await fsp.readFile(join(home, 'repository', 'catalog', 'policies.json'), 'utf8'));
    assert.deepEqual(mirror.policies.map((p: Policy) => p.name).sort(), names);
    assert.deepEqual((await fsp.readdir(home)).filter((f) => f.includes('lock') || f.includes('.tmp')), []);
  });
});
