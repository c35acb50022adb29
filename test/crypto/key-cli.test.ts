import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { createImage, sha256File } from '../helpers/images';
import { withTempDir } from '../helpers/home';
import { hashTree, MiB } from './fixtures';

interface Slot {
  id: string;
  label: string;
}

function strata(home: string) {
  return async (args: string[], env: Record<string, string> = {}) => runCli(['--home', home, '--json', ...args], { env: { STRATA_PASSPHRASE: '', STRATA_KEY_FILE: '', ...env } });
}

test('strata key add | list | change | remove manage passphrases without touching any data', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    await createImage(img, 4 * MiB, 9);
    const home = join(dir, 'home');
    const cli = strata(home);
    assert.equal((await cli(['source', 'add', img, '--name', 'disk', '--encrypted'], { STRATA_PASSPHRASE: 'one' })).code, 0);
    const snap = (await cli(['snapshot', 'create', 'disk'], { STRATA_PASSPHRASE: 'one' })).json as { id: string };
    const data = async () => new Map([...(await hashTree(join(home, 'repository'))).entries()].filter(([p]) => /^(packs|index|snapshots|sources)\//.test(p)));
    const before = await data();

    const added = await cli(['key', 'add', '--label', 'backup server'], { STRATA_PASSPHRASE: 'one', STRATA_NEW_PASSPHRASE: 'two' });
    assert.equal(added.code, 0, added.stderr);
    assert.equal((added.json as Slot).label, 'backup server');
    const noNew = await cli(['key', 'add'], { STRATA_PASSPHRASE: 'one' });
    assert.notEqual(noNew.code, 0);
    assert.match(noNew.stderr, /E_NEEDS_KEY.*STRATA_NEW_PASSPHRASE/);
    const wrong = await cli(['key', 'add'], { STRATA_PASSPHRASE: 'zero', STRATA_NEW_PASSPHRASE: 'x' });
    assert.match(wrong.stderr, /E_PASSPHRASE/);

    const changed = await cli(['key', 'change'], { STRATA_PASSPHRASE: 'two', STRATA_NEW_PASSPHRASE: 'three' });
    assert.equal(changed.code, 0, changed.stderr);
    const list = (await cli(['key', 'list'])).json as Slot[];
    assert.deepEqual(list.map((k) => k.label).sort(), ['backup server', 'initial']);
    assert.ok(!list.some((k) => k.id === (added.json as Slot).id), 'change removed the old slot');

    const removed = await cli(['key', 'remove', 'initial'], { STRATA_PASSPHRASE: 'three' });
    assert.equal(removed.code, 0, removed.stderr);
    const last = await cli(['key', 'remove', 'backup server'], { STRATA_PASSPHRASE: 'three' });
    assert.notEqual(last.code, 0);
    assert.match(last.stderr, /last key slot/);

    assert.deepEqual(await data(), before, 'no pack, index, snapshot or source file changed');
    const oldPass = await cli(['restore', snap.id, '--to', join(dir, 'no.img')], { STRATA_PASSPHRASE: 'one' });
    assert.match(oldPass.stderr, /E_PASSPHRASE/);
    const ok = await cli(['restore', snap.id, '--to', join(dir, 'out.img')], { STRATA_PASSPHRASE: 'three' });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(await sha256File(join(dir, 'out.img')), await sha256File(img));
  });
});

test('a key file works for unattended use only when no one but its owner can read it', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    await createImage(img, 2 * MiB, 10);
    const home = join(dir, 'home');
    const cli = strata(home);
    const keyFile = join(dir, 'key.txt');
    await fsp.writeFile(keyFile, 'from a file\n', { mode: 0o600 });
    await fsp.chmod(keyFile, 0o600);
    const add = await cli(['--key-file', keyFile, 'source', 'add', img, '--name', 'disk', '--encrypted']);
    assert.equal(add.code, 0, add.stderr);
    assert.equal((await cli(['snapshot', 'create', 'disk'], { STRATA_KEY_FILE: keyFile })).code, 0);
    assert.equal((await cli(['snapshot', 'create', 'disk'], { STRATA_PASSPHRASE: 'from a file' })).code, 0, 'the trailing newline is not part of the passphrase');

    for (const mode of [0o644, 0o640, 0o604]) {
      await fsp.chmod(keyFile, mode);
      const r = await cli(['--key-file', keyFile, 'snapshot', 'create', 'disk']);
      assert.notEqual(r.code, 0, `mode ${mode.toString(8)} was accepted`);
      assert.match(r.stderr, /E_NEEDS_KEY.*open to group or others.*chmod 600/);
    }
    const none = await cli(['snapshot', 'create', 'disk']);
    assert.match(none.stderr, /E_NEEDS_KEY/);
    const snaps = (await cli(['snapshot', 'list', 'disk'])).json as unknown[];
    assert.equal(snaps.filter((s) => (s as { status: string }).status === 'accomplished').length, 2);
  });
});
