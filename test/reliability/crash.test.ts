import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withTempDir } from '../helpers/home';
import { CRASH_OPS, runCrashHarness } from './crash-harness';

// The fast subset: a few SIGKILLs per operation. `npm run torture` runs hundreds.
test('SIGKILL at random instants of every operation loses no accomplished snapshot', async () => {
  await withTempDir(async (dir) => {
    const figures = await runCrashHarness(dir, { killsPerOp: 2, seed: 20261125 });
    for (const op of CRASH_OPS) assert.ok(figures.kills[op]! >= 1, `${op} was killed at least once (${figures.kills[op]})`);
    assert.ok(figures.restoresVerified >= CRASH_OPS.length * 2, `restores verified: ${figures.restoresVerified}`);
  });
});
