import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createImage, mutateImage, sha256File } from '../helpers/images';
import { withTempDir } from '../helpers/home';
import { runCli } from '../helpers/cli';

const MiB = 1024 * 1024;

test('the CLI contract: add, snapshot, list, chain, delete --dry-run, restore, rollback, check, all with --json', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'vm.img');
    await createImage(img, 8 * MiB, 21);
    const cli = (...args: string[]) => runCli(['--home', join(dir, 'home'), '--json', ...args]);

    const added = await cli('source', 'add', img, '--name', 'vm', '--block-size', '8K');
    assert.equal(added.code, 0, added.stderr);
    const source = added.json as { id: string; blockSize: number; encrypted: boolean; kind: string };
    assert.match(source.id, /^src-/);
    assert.equal(source.blockSize, 8192);
    assert.equal(source.kind, 'image');

    const first = await cli('snapshot', 'create', 'vm', '--name', 'first');
    assert.equal(first.code, 0, first.stderr);
    const s1 = first.json as { id: string; status: string; sourceId: string; name: string };
    assert.equal(s1.status, 'accomplished');
    assert.equal(s1.sourceId, source.id);
    assert.equal(s1.name, 'first');
    const hash1 = await sha256File(img);

    await mutateImage(img, 30, 9);
    const second = await cli('snapshot', 'create', source.id, '--io-limit', '100M');
    assert.equal(second.code, 0, second.stderr);
    const s2 = second.json as { id: string; parentId: string };
    assert.equal(s2.parentId, s1.id);

    const list = await cli('snapshot', 'list', 'vm');
    assert.ok(Array.isArray(list.json));
    assert.deepEqual((list.json as { id: string }[]).map((s) => s.id), [s1.id, s2.id]);

    const chain = await cli('chain', 'vm');
    const c = chain.json as { snapshotCount: number; totalBytes: number; sourceBytes: number; snapshots: unknown[] };
    assert.equal(c.snapshotCount, 2);
    assert.equal(c.sourceBytes, 8 * MiB);
    assert.ok(c.totalBytes > 0);

    const dry = await cli('snapshot', 'delete', s1.id, '--dry-run');
    assert.equal(dry.code, 0);
    assert.equal(typeof (dry.json as { freedBytes: number }).freedBytes, 'number');

    const out = join(dir, 'restored.img');
    const restored = await cli('restore', s1.id, '--to', out);
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal(await sha256File(out), hash1);
    const again = await cli('restore', s1.id, '--to', out);
    assert.notEqual(again.code, 0, 'an existing target needs --force');
    assert.match(again.stderr, /--force/);
    assert.equal((await cli('restore', s1.id, '--to', out, '--force')).code, 0);

    const refused = await cli('rollback', 'vm', s1.id);
    assert.notEqual(refused.code, 0, 'rollback without --force only reports');
    assert.match(refused.stderr, /would rewrite \d+ block/);
    assert.notEqual(await sha256File(img), hash1, 'nothing was written');
    const rolled = await cli('rollback', 'vm', s1.id, '--force');
    assert.equal(rolled.code, 0, rolled.stderr);
    assert.equal(await sha256File(img), hash1);
    const r = rolled.json as { blocksWritten: number; safetySnapshotId: string };
    assert.ok(r.blocksWritten > 0 && r.blocksWritten <= 30 * 2, `only differing blocks rewritten (${r.blocksWritten})`);
    assert.match(r.safetySnapshotId, /^snap-/, 'a safety snapshot makes the rollback undoable');

    const check = await cli('check', '--read-data');
    assert.equal(check.code, 0, check.stdout);
    assert.equal((check.json as { ok: boolean }).ok, true);
  });
});

test('errors go to stderr as JSON with a code and a non-zero exit', async () => {
  await withTempDir(async (dir) => {
    const home = join(dir, 'home');
    const cases: { name: string; args: string[]; code: string; pattern: RegExp }[] = [
      { name: 'missing path', args: ['source', 'add', join(dir, 'nope.img')], code: 'E_SOURCE', pattern: /does not exist/ },
      { name: 'a directory', args: ['source', 'add', dir], code: 'E_SOURCE', pattern: /is a directory/ },
      { name: 'unknown source', args: ['snapshot', 'create', 'ghost'], code: 'E_NOT_FOUND', pattern: /no source "ghost"/ },
      { name: 'unknown snapshot', args: ['restore', 'snap-00000000', '--to', join(dir, 'x.img')], code: 'E_NOT_FOUND', pattern: /no snapshot/ },
      { name: 'bad block size', args: ['source', 'add', dir, '--block-size', '3K'], code: 'E_SOURCE', pattern: /directory/ },
      { name: 'unknown command', args: ['frobnicate'], code: 'E_USAGE', pattern: /unknown command/ },
      { name: 'unknown flag', args: ['snapshot', 'list', '--bogus'], code: 'E_USAGE', pattern: /bogus/ },
    ];
    for (const c of cases) {
      const r = await runCli(['--home', home, '--json', ...c.args]);
      assert.notEqual(r.code, 0, c.name);
      assert.equal(r.stdout, '', `${c.name}: nothing on stdout`);
      const err = JSON.parse(r.stderr) as { error: { code: string; message: string } };
      assert.equal(err.error.code, c.code, `${c.name}: ${r.stderr}`);
      assert.match(err.error.message, c.pattern, c.name);
    }
  });
});

test('a FIFO and a second add of the same image are refused with clear messages', async () => {
  await withTempDir(async (dir) => {
    const home = join(dir, 'home');
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const r1 = await runCli(['--home', home, 'source', 'add', fifo]);
    assert.notEqual(r1.code, 0);
    assert.match(r1.stderr, /FIFO/);
    const img = join(dir, 'a.img');
    await createImage(img, 1 * MiB, 3);
    assert.equal((await runCli(['--home', home, 'source', 'add', img])).code, 0);
    const link = join(dir, 'alias.img');
    await fsp.symlink(img, link);
    const r2 = await runCli(['--home', home, 'source', 'add', link, '--encrypted'], { env: { STRATA_PASSPHRASE: 'pw' } });
    assert.notEqual(r2.code, 0);
    assert.match(r2.stderr, /already protected/);
    assert.match(r2.stderr, /can never be added/);
  });
});
