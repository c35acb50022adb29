import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli';
import { openService, withTempDir } from '../helpers/home';
import { createImage, mutateImage, sha256File } from '../helpers/images';

const MiB = 1024 * 1024;
const WAITED_OR_REFUSED = new Set(['E_BUSY', 'E_LOCKED']);

function errorCode(r: CliResult): string | undefined {
  try {
    return (JSON.parse(r.stderr.trim().split('\n').at(-1)!) as { error: { code: string } }).error.code;
  } catch {
    return undefined;
  }
}

/** Every run either succeeded or was refused with a clear busy/locked error; anything else fails. */
function tally(r: CliResult, what: string, counts: { ok: number; refused: number }): boolean {
  if (r.code === 0) {
    counts.ok++;
    return true;
  }
  assert.ok(WAITED_OR_REFUSED.has(errorCode(r) ?? ''), `${what} failed with something other than busy/locked: ${r.stderr}`);
  counts.refused++;
  return false;
}

test('two CLIs snapshotting two sources and a third deleting, collecting and checking leave no corruption', async () => {
  await withTempDir(async (dir) => {
    const home = join(dir, 'home');
    const hashes = new Map<string, string>();
    const counts = { ok: 0, refused: 0 };
    for (const name of ['a', 'b']) await createImage(join(dir, `${name}.img`), 4 * MiB, name === 'a' ? 31 : 32);
    const svc = await openService(home);
    for (const name of ['a', 'b']) {
      await svc.addSource({ path: join(dir, `${name}.img`), name, blockSize: 16 * 1024 });
      hashes.set((await svc.createSnapshot(name)).id, await sha256File(join(dir, `${name}.img`)));
    }
    await svc.close();
    const cli = (args: string[]) => runCli(['--home', home, '--json', ...args]);

    const snapshotter = async (name: string) => {
      for (let i = 0; i < 4; i++) {
        await mutateImage(join(dir, `${name}.img`), 30, 1000 * i + name.charCodeAt(0));
        const hash = await sha256File(join(dir, `${name}.img`));
        const r = await cli(['snapshot', 'create', name]);
        if (tally(r, `snapshot of ${name}`, counts)) hashes.set((r.json as { id: string }).id, hash);
      }
    };
    const maintainer = async () => {
      for (let i = 0; i < 3; i++) {
        const list = (await cli(['snapshot', 'list'])).json as { id: string; status: string }[];
        const victim = list.filter((s) => s.status === 'accomplished')[0];
        if (victim) {
          const r = await cli(['snapshot', 'delete', victim.id]);
          if (tally(r, 'delete', counts)) hashes.delete(victim.id);
        }
        tally(await cli(['gc']), 'gc', counts);
        const check = await cli(['check']);
        if (check.code !== 0) tally(check, 'check', counts);
        else counts.ok++;
      }
    };
    await Promise.all([snapshotter('a'), snapshotter('b'), maintainer()]);

    assert.ok(counts.ok >= 12, `most work proceeded (ok ${counts.ok}, refused ${counts.refused})`);
    const after = await openService(home);
    try {
      assert.deepEqual((await after.check({ readData: true })).problems, [], 'no corruption');
      const left = (await after.listSnapshots()).filter((s) => s.status === 'accomplished');
      assert.deepEqual(new Set(left.map((s) => s.id)), new Set(hashes.keys()), 'exactly the snapshots reported taken and not deleted remain');
      for (const s of left) {
        await after.restore(s.id, join(dir, 'out.img'), { force: true });
        assert.equal(await sha256File(join(dir, 'out.img')), hashes.get(s.id), `${s.id} restores byte-identical`);
      }
    } finally {
      await after.close();
    }
  });
});

test('a second snapshot of a source that is being snapshotted is refused with E_BUSY', async () => {
  await withTempDir(async (dir) => {
    const home = join(dir, 'home');
    const img = join(dir, 'disk.img');
    await createImage(img, 8 * MiB, 33);
    const svc = await openService(home);
    await svc.addSource({ path: img, name: 'disk', blockSize: 16 * 1024 });
    await svc.close();
    const slow = runCli(['--home', home, '--json', 'snapshot', 'create', 'disk', '--io-limit', '4M']);
    const inflight = join(home, 'repository', 'inflight');
    for (let i = 0; i < 200 && (await fsp.readdir(inflight).catch(() => [])).filter((n) => n.endsWith('.json')).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const second = await runCli(['--home', home, '--json', 'snapshot', 'create', 'disk']);
    assert.equal(second.code, 1);
    assert.equal(errorCode(second), 'E_BUSY');
    assert.match(second.stderr, /already progressing/);
    const first = await slow;
    assert.equal(first.code, 0, first.stderr);
    const check = await runCli(['--home', home, '--json', 'check', '--read-data']);
    assert.equal(check.code, 0, check.stdout);
  });
});

test('an exclusive lock torn by a crash (empty file) is recovered, not mistaken for a live holder', async () => {
  await withTempDir(async (dir) => {
    const home = join(dir, 'home');
    await createImage(join(dir, 'disk.img'), MiB, 34);
    const svc = await openService(home);
    try {
      await svc.addSource({ path: join(dir, 'disk.img'), name: 'disk', blockSize: 16 * 1024 });
      const snap = await svc.createSnapshot('disk');
      await fsp.mkdir(join(home, 'repository', 'locks'), { recursive: true });
      await fsp.writeFile(join(home, 'repository', 'locks', 'exclusive'), '');
      const r = await svc.deleteSnapshot(snap.id);
      assert.equal(r.snapshotId, snap.id);
      assert.deepEqual(await fsp.readdir(join(home, 'repository', 'locks')), []);
    } finally {
      await svc.close();
    }
  });
});
