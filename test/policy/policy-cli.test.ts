import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Policy } from '../../engine/core/types';
import type { PolicyPreview } from '../../engine/api/contract';
import { createImage } from '../helpers/images';
import { withTempDir } from '../helpers/home';
import { runCli } from '../helpers/cli';

test('strata policy create | list | show | apply | unapply | delete, with --json, and clear refusals', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'vm.img');
    await createImage(img, 1024 * 1024, 3);
    const cli = (...args: string[]) => runCli(['--home', join(dir, 'home'), ...args], { env: { TZ: 'Europe/Berlin' } });
    assert.equal((await cli('source', 'add', img, '--name', 'vm')).code, 0);

    const created = await cli('--json', 'policy', 'create', 'nightly', '--hours', '2,14', '--weekdays', '1-5', '--retention-days', '30',
      '--keep-daily', '7', '--keep-weekly', '4', '--ac-only', '--idle-minutes', '10', '--deadline-minutes', '90', '--io-budget', '50M', '--apply', 'vm');
    assert.equal(created.code, 0, created.stderr);
    const p = created.json as Policy;
    assert.match(p.id, /^pol-/);
    assert.deepEqual([p.timePoints, p.repeatWeekdays, p.retentionDays], [[2, 14], [1, 2, 3, 4, 5], 30]);
    assert.deepEqual(p.gfs, { keepDaily: 7, keepWeekly: 4 });
    assert.deepEqual(p.offPeak, { requireAcPower: true, idleMinutes: 10, deadlineMinutes: 90 });
    assert.equal(p.ioBudget, 50 * 1024 * 1024);
    assert.equal(p.sourceIds.length, 1);

    const list = await cli('--json', 'policy', 'list');
    assert.deepEqual((list.json as Policy[]).map((x) => x.id), [p.id]);
    const human = await cli('policy', 'list');
    assert.match(human.stdout, /nightly\s+yes\s+02:00, 14:00\s+Mon–Fri\s+30 d\s+vm\s+\d{4}-\d\d-\d\d (02|14):00:00 \+01:00/);

    const shown = await cli('--json', 'policy', 'show', 'nightly', '--runs', '3');
    const { policy, preview } = shown.json as { policy: Policy; preview: PolicyPreview };
    assert.equal(policy.id, p.id);
    assert.equal(preview.nextRuns.length, 3);
    assert.ok(preview.nextRuns.every((r) => /T(01|13):00:00.000Z$/.test(r.at)), JSON.stringify(preview.nextRuns));

    const second = await cli('--json', 'policy', 'create', 'weekly', '--hours', '3', '--weekdays', 'sun', '--retention-days=-1');
    assert.equal(second.code, 0, second.stderr);
    const busy = await cli('policy', 'apply', 'weekly', 'vm');
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /source "vm" already carries policy "nightly"; a source carries one policy: unapply that one first/);
    assert.equal((await cli('policy', 'unapply', 'nightly', 'vm')).code, 0);
    const moved = await cli('--json', 'policy', 'apply', 'weekly', 'vm');
    assert.equal((moved.json as Policy).sourceIds.length, 1);

    const deleted = await cli('policy', 'delete', 'nightly');
    assert.match(deleted.stdout, /deleted policy nightly .*its snapshots stay/);
    assert.deepEqual(((await cli('--json', 'policy', 'list')).json as Policy[]).map((x) => x.name), ['weekly']);

    const mirror = JSON.parse(await fsp.readFile(join(dir, 'home', 'repository', 'catalog', 'policies.json'), 'utf8'));
    assert.deepEqual(mirror.policies.map((x: Policy) => x.name), ['weekly'], 'policies are mirrored into the repository');
  });
});

test('strata policy refuses hour 24, empty weekdays, retention 0, an unknown source and a duplicate name', async () => {
  await withTempDir(async (dir) => {
    const cli = (...args: string[]) => runCli(['--home', join(dir, 'home'), ...args]);
    const bad = await cli('policy', 'create', 'p', '--hours', '24', '--weekdays', '', '--retention-days', '0');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /got 24/);
    assert.match(bad.stderr, /Expected at least one weekday from 1 \(Monday\) to 7 \(Sunday\), got none/);
    assert.match(bad.stderr, /Expected retention days from 1 to 65535, or -1 to keep until deleted, got 0/);
    const unknown = await cli('--json', 'policy', 'create', 'p', '--hours', '2', '--retention-days', '3', '--apply', 'ghost');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stdout, '');
    assert.deepEqual(JSON.parse(unknown.stderr).error.code, 'E_NOT_FOUND');
    assert.match(JSON.parse(unknown.stderr).error.message, /unknown source "ghost"/);
    assert.equal((await cli('policy', 'create', 'p', '--hours', '2', '--retention-days', '3')).code, 0);
    const dup = await cli('policy', 'create', 'P', '--hours', '4', '--retention-days', '3');
    assert.match(dup.stderr, /a policy named "p" exists already/);
    const usage = await cli('policy', 'create', 'q', '--retention-days', '3');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /missing --hours/);
    assert.match((await cli('policy', 'create', 'q', '--hours', '2', '--retention-days', 'ten')).stderr, /Expected --retention-days as a whole number, got "ten"/);
    const jobs = await cli('--json', 'jobs');
    assert.deepEqual(jobs.json, []);
  });
});

test('strata policy create keeps forever with --retention-days -1 (a separate value), forever or keep; -2 is refused by the rules', async () => {
  await withTempDir(async (dir) => {
    const cli = (...args: string[]) => runCli(['--home', join(dir, 'home'), '--json', ...args]);
    const cases: [string, string[]][] = [
      ['separate -1', ['--retention-days', '-1']],
      ['-1 before other flags', ['--retention-days', '-1', '--weekdays', '1-5']],
      ['forever', ['--retention-days', 'forever']],
      ['keep', ['--retention-days', 'KEEP']],
      ['joined', ['--retention-days=-1']],
    ];
    for (const [i, [what, flags]] of cases.entries()) {
      const r = await cli('policy', 'create', `p${i}`, '--hours', '3', ...flags);
      assert.equal(r.code, 0, `${what}: ${r.stderr}`);
      assert.equal((r.json as Policy).retentionDays, -1, what);
    }
    const two = await cli('policy', 'create', 'q', '--hours', '3', '--retention-days', '-2');
    assert.equal(two.code, 1, two.stderr);
    assert.match(JSON.parse(two.stderr).error.message, /Expected retention days from 1 to 65535, or -1 to keep until deleted, got -2/);
    const human = await runCli(['--home', join(dir, 'home'), 'policy', 'list']);
    assert.equal(human.stdout.match(/ forever /g)?.length, cases.length);
  });
});
