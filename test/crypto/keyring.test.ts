import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { Keyring, wrapSecret } from '../../engine/crypto/keyring';
import { defaultKdf, deriveKey, type KdfParams } from '../../engine/crypto/wrap';
import { LocalStore } from '../../engine/storage/local-store';
import { isStrataError } from '../../engine/core/errors';
import { createImage, sha256File } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';
import { hashTree, MiB, PASS } from './fixtures';

const NOW = new Date('2026-01-01T00:00:00Z');
const code = (c: string) => (err: unknown) => isStrataError(err) && err.code === c;
const ask = (p: string) => async () => p;

test('passphrases are added, changed and removed as slots; the master key stays the same', async () => {
  await withTempDir(async (dir) => {
    const ring = new Keyring(new LocalStore(dir));
    const master = await ring.init('first', NOW);
    const second = await ring.addPassphrase(ask('first'), ask('second'), 'laptop', NOW);
    assert.deepEqual((await ring.unlock('second')).toString('hex'), master.toString('hex'));
    await assert.rejects(ring.addPassphrase(ask('nope'), ask('third'), 'x', NOW), code('E_PASSPHRASE'));

    const { added, removed } = await ring.changePassphrase('second', ask('third'), NOW);
    assert.equal(removed.id, second.id);
    assert.equal(added.label, 'laptop', 'a changed passphrase keeps its label');
    await assert.rejects(ring.unlock('second'), code('E_PASSPHRASE'));
    assert.equal((await ring.unlock('third')).toString('hex'), master.toString('hex'));
    assert.deepEqual((await ring.list()).map((k) => k.label).sort(), ['initial', 'laptop']);
  });
});

test('a key slot is removed only with the passphrase of another slot, and never the last one', async () => {
  await withTempDir(async (dir) => {
    const ring = new Keyring(new LocalStore(dir));
    await ring.init('first', NOW);
    const [initial] = await ring.list();
    await assert.rejects(ring.removeSlot(initial!.id, 'first'), /last key slot/);
    const other = await ring.addPassphrase(ask('first'), ask('second'), 'other', NOW);
    await assert.rejects(ring.removeSlot(other.id, 'second'), /opens no key slot that would remain/);
    await assert.rejects(ring.removeSlot('key-ffffffffffffffff', 'first'), code('E_NOT_FOUND'));
    await ring.removeSlot(other.id, 'first');
    assert.deepEqual((await ring.list()).map((k) => k.id), [initial!.id]);
  });
});

test('a crash between adding the new slot and removing the old one leaves both passphrases working', async () => {
  await withTempDir(async (dir) => {
    const store = new LocalStore(dir);
    const ring = new Keyring(store);
    const master = await ring.init('old', NOW);
    // A store whose remove fails stands for the process dying right after the new slot is durable.
    const dying = Object.create(store, { remove: { value: async () => { throw new Error('power cut'); } } }) as LocalStore;
    await assert.rejects(new Keyring(dying).changePassphrase('old', ask('new'), NOW), /power cut/);
    assert.equal((await ring.unlock('old')).toString('hex'), master.toString('hex'));
    assert.equal((await ring.unlock('new')).toString('hex'), master.toString('hex'));
  });
});

test('Argon2id derives the reference implementation\'s answer (phc-winner-argon2 test vector)', async () => {
  const kdf: KdfParams = { name: 'argon2id', m: 65536, t: 2, p: 1, salt: Buffer.from('somesalt').toString('base64') };
  assert.equal((await deriveKey('password', kdf)).toString('hex'), '09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7');
  // NFC: a composed and a decomposed "é" are the same passphrase.
  assert.ok((await deriveKey('caf\u00e9', kdf)).equals(await deriveKey('cafe\u0301', kdf)));
});

test('new slots use Argon2id; a slot made with scrypt still opens, and only with its passphrase', async () => {
  const saved = process.env.STRATA_TEST_FAST_KDF;
  delete process.env.STRATA_TEST_FAST_KDF;
  assert.deepEqual(defaultKdf(), { name: 'argon2id', m: 2 ** 16, t: 3, p: 4 }, 'production cost: RFC 9106\'s second recommended setting, 64 MiB, 3 passes, 4 lanes');
  process.env.STRATA_TEST_FAST_KDF = saved;
  await withTempDir(async (dir) => {
    const ring = new Keyring(new LocalStore(dir));
    const master = await ring.init('new one', NOW);
    assert.deepEqual((await ring.list()).map((k) => k.kdf.name), ['argon2id']);
    // A slot as a repository made before Argon2id holds it.
    const id = 'key-0123456789abcdef';
    const kdf: KdfParams = { name: 'scrypt', N: 1024, r: 8, p: 1, salt: Buffer.alloc(16, 7).toString('base64') };
    const slot = { format: 1, id, label: 'old', createdAt: NOW.toISOString(), kdf, wrappedKey: wrapSecret(await deriveKey('old one', kdf), master, `strata key slot ${id}`) };
    await fsp.writeFile(join(dir, 'keys', `${id}.json`), JSON.stringify(slot));
    assert.equal((await ring.unlock('old one')).toString('hex'), master.toString('hex'));
    assert.equal((await ring.unlock('new one')).toString('hex'), master.toString('hex'));
    await assert.rejects(ring.unlock('old two'), code('E_PASSPHRASE'));
    assert.deepEqual((await ring.list()).map((k) => k.kdf.name).sort(), ['argon2id', 'scrypt']);
    // Changing the old passphrase moves it to Argon2id.
    await ring.changePassphrase('old one', ask('old two'), NOW);
    assert.deepEqual((await ring.list()).map((k) => k.kdf.name), ['argon2id', 'argon2id']);
    assert.equal((await ring.unlock('old two')).toString('hex'), master.toString('hex'));
    // A slot made with another Argon2id cost (as the 128 MiB slots of earlier versions) opens with its own.
    const other = 'key-fedcba9876543210';
    const cost: KdfParams = { name: 'argon2id', m: 256, t: 2, p: 2, salt: Buffer.alloc(16, 9).toString('base64') };
    const costly = { format: 1, id: other, label: 'earlier cost', createdAt: NOW.toISOString(), kdf: cost, wrappedKey: wrapSecret(await deriveKey('earlier', cost), master, `strata key slot ${other}`) };
    await fsp.writeFile(join(dir, 'keys', `${other}.json`), JSON.stringify(costly));
    assert.equal((await ring.unlock('earlier')).toString('hex'), master.toString('hex'));
  });
});

test('slot files with a hostile scrypt or Argon2id cost, an unknown KDF or damage are refused before any work', async () => {
  await withTempDir(async (dir) => {
    const ring = new Keyring(new LocalStore(dir));
    await ring.init('pw', NOW);
    const [slot] = await ring.slots();
    const file = join(dir, 'keys', `${slot!.id}.json`);
    await fsp.writeFile(file, JSON.stringify({ ...slot, kdf: { name: 'scrypt', N: 2 ** 30, r: 8, p: 1, salt: Buffer.alloc(16).toString('base64') } }));
    await assert.rejects(ring.unlock('pw'), (e: unknown) => code('E_FORMAT')(e) && /2\^10\.\.2\^20/.test((e as Error).message));
    await fsp.writeFile(file, JSON.stringify({ ...slot, kdf: { name: 'argon2id', m: 2 ** 30, t: 3, p: 4, salt: Buffer.alloc(16).toString('base64') } }));
    await assert.rejects(ring.unlock('pw'), (e: unknown) => code('E_FORMAT')(e) && /1 GiB/.test((e as Error).message));
    await fsp.writeFile(file, JSON.stringify({ ...slot, kdf: { name: 'pbkdf2', iterations: 1 } }));
    await assert.rejects(ring.unlock('pw'), (e: unknown) => code('E_FORMAT')(e) && /argon2id or scrypt/.test((e as Error).message));
    await fsp.writeFile(file, '{"format":1,');
    await assert.rejects(ring.unlock('pw'), (e: unknown) => code('E_CORRUPT')(e) && (e as Error).message.includes(slot!.id));
  });
});

test('adding, changing and removing passphrases leaves every pack, index and snapshot byte-identical', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    await createImage(img, 4 * MiB, 3);
    const home = join(dir, 'home');
    const svc = await openService(home);
    try {
      await svc.addSource({ path: img, name: 'disk', encrypted: true });
      const snap = await svc.createSnapshot('disk');
      const data = async () => new Map([...(await hashTree(join(home, 'repository'))).entries()].filter(([p]) => /^(packs|index|snapshots|sources)\//.test(p)));
      const before = await data();
      const ring = svc.repo.keyring;
      const added = await ring.addPassphrase(ask(PASS), ask('second one'), 'second', svc.repo.now());
      await ring.changePassphrase(PASS, ask('third one'), svc.repo.now());
      await ring.removeSlot(added.id, 'third one');
      assert.deepEqual(await data(), before);
      assert.equal((await ring.list()).length, 1);

      const again = await openService(home, { passphrase: async () => 'third one' });
      try {
        const out = join(dir, 'out.img');
        await again.restore(snap.id, out);
        assert.equal(await sha256File(out), await sha256File(img));
      } finally {
        await again.close();
      }
    } finally {
      await svc.close();
    }
  });
});

test('two processes creating the master key at once: one wins, the other is refused, and one slot exists', async () => {
  await withTempDir(async (dir) => {
    // Two keyrings on one folder stand for two processes: neither sees the other's slot before
    // it writes its own.
    const store = new LocalStore(dir);
    const results = await Promise.allSettled([new Keyring(store).init('one', NOW), new Keyring(new LocalStore(dir)).init('two', NOW)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1, 'exactly one master key was made');
    assert.ok(results.some((r) => r.status === 'rejected' && code('E_EXISTS')(r.reason)), 'the other init was refused');
    assert.equal((await new Keyring(store).list()).length, 1);
    const winner = (won[0] as PromiseFulfilledResult<Buffer>).value;
    const opened = await new Keyring(store).unlock('one').catch(() => new Keyring(store).unlock('two'));
    assert.equal(opened.toString('hex'), winner.toString('hex'));
  });
});

test('encrypted sources added at once to a repository without keys share one master key, and both chains restore', async () => {
  await withTempDir(async (dir) => {
    const home = join(dir, 'home');
    const imgs = [join(dir, 'a.img'), join(dir, 'b.img')];
    await createImage(imgs[0]!, 1 * MiB, 31);
    await createImage(imgs[1]!, 1 * MiB, 32);
    const svc = await openService(home);
    try {
      await Promise.all(imgs.map((path, i) => svc.addSource({ path, name: `disk-${i}`, encrypted: true })));
      const snaps = await Promise.all(imgs.map((_, i) => svc.createSnapshot(`disk-${i}`)));
      assert.equal((await svc.repo.keyring.list()).length, 1, 'one key slot');
      for (const [i, snap] of snaps.entries()) await svc.restore(snap.id, join(dir, `out-${i}.img`));
    } finally {
      await svc.close();
    }
    // A fresh process (another service) opens both chains with the passphrase.
    const again = await openService(home);
    try {
      for (const [i, path] of imgs.entries()) {
        const snap = (await again.listSnapshots(`disk-${i}`)).at(-1)!;
        await again.restore(snap.id, join(dir, `again-${i}.img`));
        assert.equal(await sha256File(join(dir, `again-${i}.img`)), await sha256File(path));
      }
    } finally {
      await again.close();
    }
  });
});
