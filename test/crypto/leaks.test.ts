import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { Keyring, unwrapSecret } from '../../engine/crypto/keyring';
import { LocalStore } from '../../engine/storage/local-store';
import { runCli } from '../helpers/cli';
import { sha256File } from '../helpers/images';
import { withTempDir } from '../helpers/home';
import { listFiles, markerImage, MiB } from './fixtures';

const MARKER = 'STRATA-LEAK-MARKER-7f3a9c41e2';
const PASSPHRASE = 'leak-test passphrase 9d2e';
const NEW_PASSPHRASE = 'second leak-test passphrase 44b1';

/** Every file under the home holding `needle` (utf8), or its base64 or hex form when asked. */
async function filesHolding(home: string, needles: Buffer[]): Promise<string[]> {
  const hits: string[] = [];
  for (const f of await listFiles(home)) {
    const bytes = await fsp.readFile(join(home, f));
    if (needles.some((n) => bytes.includes(n))) hits.push(f);
  }
  return hits;
}

const forms = (secret: Buffer) => [secret, Buffer.from(secret.toString('hex')), Buffer.from(secret.toString('base64'))];

/** Runs the life of one chain through the CLI: add, snapshots, list, check, restore, key add, delete. */
async function useChain(dir: string, home: string, encrypted: boolean): Promise<void> {
  const img = join(dir, 'disk.img');
  await markerImage(img, 4 * MiB, MARKER);
  const firstHash = await sha256File(img);
  const env = { STRATA_PASSPHRASE: PASSPHRASE, STRATA_NEW_PASSPHRASE: NEW_PASSPHRASE };
  const cli = async (...args: string[]) => {
    const r = await runCli(['--home', home, ...args], { env });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(!`${r.stdout}${r.stderr}`.includes(PASSPHRASE), `${args.join(' ')} printed the passphrase`);
    return r;
  };
  await cli('source', 'add', img, '--name', 'disk', ...(encrypted ? ['--encrypted'] : []));
  const first = (await cli('--json', 'snapshot', 'create', 'disk')).json as { id: string };
  const fh = await fsp.open(img, 'r+');
  await fh.write(Buffer.from(`${MARKER} again`), 0, undefined, 3 * MiB + 123);
  await fh.close();
  await cli('snapshot', 'create', 'disk');
  await cli('snapshot', 'list');
  await cli('chain', 'disk');
  await cli('check', '--read-data');
  await cli('info');
  await cli('restore', first.id, '--to', join(dir, 'restored.img'));
  assert.equal(await sha256File(join(dir, 'restored.img')), firstHash, 'the first snapshot restores byte-identical');
  if (encrypted) await cli('key', 'add', '--label', 'second');
  await cli('snapshot', 'delete', first.id);
}

test('a marker written into a plaintext chain is found under the Strata home', async () => {
  await withTempDir(async (dir) => {
    const home = join(dir, 'home');
    await useChain(dir, home, false);
    const hits = await filesHolding(home, [Buffer.from(MARKER, 'latin1')]);
    assert.ok(hits.some((f) => f.startsWith('repository/packs/plain/')), `found in: ${hits.join(', ')}`);
  });
});

test('a marker written into an encrypted chain, the passphrases and the keys are found nowhere under the Strata home', async () => {
  await withTempDir(async (dir) => {
    const home = join(dir, 'home');
    await useChain(dir, home, true);
    const files = await listFiles(home);
    assert.ok(files.filter((f) => f.includes('/packs/')).length > 0 && files.length > 8, `the home holds ${files.length} files`);
    assert.deepEqual(await filesHolding(home, [Buffer.from(MARKER, 'latin1')]), [], 'the marker leaked');
    for (const p of [PASSPHRASE, NEW_PASSPHRASE]) assert.deepEqual(await filesHolding(home, forms(Buffer.from(p))), [], 'a passphrase leaked');

    const store = new LocalStore(join(home, 'repository'));
    const master = await new Keyring(store).unlock(PASSPHRASE);
    const [srcFile] = await store.list('sources');
    const src = JSON.parse((await store.read(srcFile!)).toString('utf8')) as { id: string; wrappedSecret: string };
    const chainSecret = unwrapSecret(master, src.wrappedSecret, `strata chain ${src.id}`);
    assert.ok(chainSecret && chainSecret.length === 32);
    assert.deepEqual(await filesHolding(home, [...forms(master), ...forms(chainSecret)]), [], 'a key leaked');
  });
});
