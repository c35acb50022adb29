import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { isStrataError } from '../../engine/core/errors';
import { createImage } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';
import { runCli } from '../helpers/cli';
import { hashTree, MiB } from './fixtures';

const code = (c: string, re?: RegExp) => (err: unknown) => isStrataError(err) && err.code === c && (!re || re.test(err.message));
const NO_CHANGE = /can never be changed/;

async function editSource(home: string, id: string, edit: (rec: Record<string, unknown>) => void): Promise<void> {
  const file = join(home, 'repository', 'sources', `${id}.json`);
  const rec = JSON.parse(await fsp.readFile(file, 'utf8')) as Record<string, unknown>;
  edit(rec);
  await fsp.writeFile(file, JSON.stringify(rec));
}

test('re-adding a protected path with the other encryption flag is refused, by the API and the CLI', async () => {
  await withTempDir(async (dir) => {
    const enc = join(dir, 'enc.img');
    const plain = join(dir, 'plain.img');
    await createImage(enc, 1 * MiB, 1);
    await createImage(plain, 1 * MiB, 2);
    await fsp.symlink(enc, join(dir, 'link.img'));
    const home = join(dir, 'home');
    const svc = await openService(home);
    try {
      await svc.addSource({ path: enc, name: 'enc', encrypted: true });
      await svc.addSource({ path: plain, name: 'plain' });
      await assert.rejects(svc.addSource({ path: enc, encrypted: false }), code('E_EXISTS', /encryption is fixed.*never be removed/));
      await assert.rejects(svc.addSource({ path: join(dir, 'link.img'), encrypted: false }), code('E_EXISTS', /never be removed/));
      await assert.rejects(svc.addSource({ path: plain, encrypted: true }), code('E_EXISTS', /never be added/));
    } finally {
      await svc.close();
    }
    const r = await runCli(['--home', home, 'source', 'add', plain, '--encrypted'], { env: { STRATA_PASSPHRASE: 'correct horse battery staple' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /already protected as source "plain".*can never be added/);
  });
});

test('an encrypted chain whose record was edited to say "not encrypted" is refused everywhere, and nothing is written', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    await createImage(img, 2 * MiB, 3);
    const home = join(dir, 'home');
    const svc = await openService(home);
    try {
      const src = await svc.addSource({ path: img, name: 'disk', encrypted: true });
      const snap = await svc.createSnapshot('disk');
      const cases: [string, (rec: Record<string, unknown>) => void][] = [
        ['flag only', (rec) => (rec.encrypted = false)],
        ['flag and chain key', (rec) => { rec.encrypted = false; delete rec.wrappedSecret; }],
      ];
      for (const [what, edit] of cases) {
        await editSource(home, src.id, (rec) => { rec.encrypted = true; edit(rec); });
        const before = await hashTree(home);
        await assert.rejects(svc.createSnapshot('disk'), code('E_ENCRYPTION', NO_CHANGE), what);
        await assert.rejects(svc.restore(snap.id, join(dir, 'out.img')), (e: unknown) => isStrataError(e, 'E_ENCRYPTION'), what);
        await assert.rejects(svc.deleteSnapshot(snap.id), (e: unknown) => isStrataError(e, 'E_ENCRYPTION'), what);
        assert.deepEqual(await hashTree(home), before, `${what}: nothing was written`);
        assert.ok(!existsSync(join(dir, 'out.img')));
      }
      // Even with its snapshot records edited too, the chain's own packs give it away.
      const snapFile = join(home, 'repository', 'snapshots', src.id, `${snap.id}.json`);
      await fsp.rm(snapFile);
      await assert.rejects(svc.createSnapshot('disk'), code('E_ENCRYPTION', /packs|index/));
    } finally {
      await svc.close();
    }
  });
});

test('a plaintext chain whose record was edited to say "encrypted" is refused, with or without a borrowed chain key', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    const other = join(dir, 'other.img');
    await createImage(img, 2 * MiB, 4);
    await createImage(other, 1 * MiB, 5);
    const home = join(dir, 'home');
    const svc = await openService(home);
    try {
      const src = await svc.addSource({ path: img, name: 'disk' });
      const enc = await svc.sourceRecord((await svc.addSource({ path: other, name: 'other', encrypted: true })).id);
      await svc.createSnapshot('disk');
      await editSource(home, src.id, (rec) => (rec.encrypted = true));
      const before = await hashTree(home);
      await assert.rejects(svc.createSnapshot('disk'), code('E_ENCRYPTION', /no chain key/));
      const flagged = (await svc.check()).problems.find((x) => x.file === `sources/${src.id}.json`);
      assert.match(flagged?.message ?? '', /can never be changed/, 'check names the altered record and goes on');
      await editSource(home, src.id, (rec) => (rec.wrappedSecret = enc.wrappedSecret));
      await assert.rejects(svc.createSnapshot('disk'), code('E_ENCRYPTION', /taken without encryption/));
      const report = await svc.check();
      const p = report.problems.find((x) => x.file === `sources/${src.id}.json`);
      assert.ok(p && /chain key/.test(p.message) && p.snapshots.length === 1, JSON.stringify(report.problems));
      const after = await hashTree(home);
      after.delete(`repository/sources/${src.id}.json`);
      before.delete(`repository/sources/${src.id}.json`);
      assert.deepEqual(after, before);
    } finally {
      await svc.close();
    }
  });
});

test('restoring an encrypted snapshot needs the key: none gives E_NEEDS_KEY, a wrong one E_PASSPHRASE, and nothing is written', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    await createImage(img, 2 * MiB, 6);
    const home = join(dir, 'home');
    const svc = await openService(home);
    let snapId: string;
    try {
      await svc.addSource({ path: img, name: 'disk', encrypted: true });
      snapId = (await svc.createSnapshot('disk')).id;
    } finally {
      await svc.close();
    }
    const before = await hashTree(home);
    const target = join(dir, 'out.img');
    for (const [passphrase, expected] of [[undefined, 'E_NEEDS_KEY'], [async () => 'wrong', 'E_PASSPHRASE']] as const) {
      const s = await openService(home, { passphrase });
      try {
        await assert.rejects(s.restore(snapId, target), (e: unknown) => isStrataError(e, expected));
        await assert.rejects(s.createSnapshot('disk'), (e: unknown) => isStrataError(e, expected));
      } finally {
        await s.close();
      }
      assert.ok(!existsSync(target), 'no restore target was created');
      assert.deepEqual((await fsp.readdir(dir)).sort(), ['disk.img', 'home']);
    }
    assert.deepEqual(await hashTree(home), before);
  });
});

test('a plaintext chain with temp files left in its own packs/ and index/ by a killed write is not taken for an encrypted one', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    await createImage(img, 2 * MiB, 7);
    const home = join(dir, 'home');
    const svc = await openService(home);
    try {
      const src = await svc.addSource({ path: img, name: 'disk' });
      await svc.createSnapshot('disk');
      const repo = join(home, 'repository');
      for (const sub of [join('packs', src.id, 'ab'), join('index', src.id)]) {
        await fsp.mkdir(join(repo, sub), { recursive: true });
        await fsp.writeFile(join(repo, sub, '.tmp-0123456789ab'), 'torn');
      }
      await svc.createSnapshot('disk');
      const report = await svc.check();
      assert.deepEqual(report.problems, [], JSON.stringify(report.problems));
      // A real file there still gives the record away.
      await fsp.writeFile(join(repo, 'index', src.id, '00ff'), 'data');
      await assert.rejects(svc.createSnapshot('disk'), code('E_ENCRYPTION', NO_CHANGE));
    } finally {
      await svc.close();
    }
  });
});
