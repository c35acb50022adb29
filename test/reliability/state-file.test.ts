import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { withTempDir } from '../helpers/home';
import { hashTree } from './tree-hash';

/** Ways the app's lowdb state file (HOME/state.json) can be found damaged. */
const DAMAGE: { name: string; bytes: (original: Buffer) => Buffer }[] = [
  { name: 'truncated mid-write', bytes: (b) => b.subarray(0, Math.floor(b.length / 3)) },
  { name: 'empty', bytes: () => Buffer.alloc(0) },
  { name: 'malformed JSON', bytes: () => Buffer.from('{"format": 1, "policies": [') },
  { name: 'valid JSON that is not a catalog', bytes: () => Buffer.from('[1, 2, 3]') },
  { name: 'a flipped byte', bytes: (b) => Buffer.from(b.map((x, i) => (i === 10 ? x ^ 0x20 : x))) },
  { name: 'huge (8 MiB of nonsense)', bytes: () => Buffer.alloc(8 * 1024 * 1024, '{'.charCodeAt(0)) },
];

for (const damage of DAMAGE) {
  test(`a state file that is ${damage.name} is set aside and rebuilt from the repository; nothing is lost`, async () => {
    await withTempDir(async (dir) => {
      const home = join(dir, 'home');
      const created = await runCli(['--home', home, '--json', 'policy', 'create', 'nightly', '--hours', '2', '--weekdays', '1-7', '--retention-days', '30']);
      assert.equal(created.code, 0, created.stderr);
      const state = join(home, 'state.json');
      const bad = damage.bytes(await fsp.readFile(state));
      await fsp.writeFile(state, bad);
      const repoBefore = await hashTree(join(home, 'repository'));
      const r = await runCli(['--home', home, '--json', 'policy', 'list']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual((r.json as { name: string }[]).map((p) => p.name), ['nightly'], 'the policy is recovered from the repository');
      const aside = (await fsp.readdir(home)).filter((n) => n.startsWith('state.json.corrupt-'));
      assert.equal(aside.length, 1, 'the damaged file is kept for a person to look at');
      assert.ok((await fsp.readFile(join(home, aside[0]!))).equals(bad), 'byte for byte');
      assert.equal(await hashTree(join(home, 'repository')), repoBefore, 'the repository is untouched');
    });
  });
}
