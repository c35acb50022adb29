import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { blake3 } from '@napi-rs/blake-hash';
import { ChainDomain } from '../../engine/crypto/chain-domain';
import { plainDomain } from '../../engine/crypto/plain-domain';
import { blake3Into } from '../../engine/core/native';
import { idKey } from '../../engine/pack/master-index';
import { createImage } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';
import { listFiles, MiB } from './fixtures';

test('the same data gets unrelated ids in two encrypted chains and a plaintext one, and they share no block or pack', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'a.img');
    await createImage(img, 4 * MiB, 12);
    for (const n of ['b', 'c', 'd']) await fsp.copyFile(img, join(dir, `${n}.img`));
    const home = join(dir, 'home');
    const svc = await openService(home);
    try {
      const a = await svc.addSource({ path: img, name: 'enc-a', encrypted: true });
      const b = await svc.addSource({ path: join(dir, 'b.img'), name: 'enc-b', encrypted: true });
      await svc.addSource({ path: join(dir, 'c.img'), name: 'plain-c' });
      await svc.addSource({ path: join(dir, 'd.img'), name: 'plain-d' });
      for (const s of ['enc-a', 'enc-b', 'plain-c']) await svc.createSnapshot(s);
      const d = await svc.createSnapshot('plain-d');
      assert.equal(d.addedBytes, 0, 'plaintext chains dedup against each other');

      const domains = await Promise.all(['enc-a', 'enc-b', 'plain-c'].map(async (s) => svc.repo.domainFor(await svc.sourceRecord(s))));
      const block = (await fsp.readFile(img)).subarray(0, 16 * 1024);
      assert.ok(!block.equals(Buffer.alloc(block.length)), 'the first block holds data');
      const ids = domains.map((dom) => dom.contentId(block).toString('hex'));
      assert.equal(new Set(ids).size, 3, `ids: ${ids.join(' ')}`);
      assert.equal(ids[2], blake3(block).toString('hex'), 'plaintext ids are BLAKE3 of the bytes');
      for (const id of ids.slice(0, 2)) {
        assert.notEqual(id, createHash('sha256').update(block).digest('hex'), 'encrypted ids are not a plain hash');
      }

      const sets = await Promise.all(domains.map(async (dom) => new Set([...(await svc.repo.loadIndex(dom))].map(([k]) => k))));
      assert.ok(sets.every((s) => s.size === sets[0]!.size && s.size > 100), `blob counts: ${sets.map((s) => s.size).join(', ')}`);
      for (let i = 0; i < 3; i++) for (let j = i + 1; j < 3; j++) assert.ok(![...sets[i]!].some((k) => sets[j]!.has(k)), `domains ${i} and ${j} share a blob id`);
      assert.ok(sets[2]!.has(idKey(blake3(block))));

      const packs = await listFiles(join(home, 'repository', 'packs'));
      const top = new Set(packs.map((p) => p.split('/')[0]));
      assert.deepEqual([...top].sort(), [a.id, b.id, 'plain'].sort(), 'each encrypted chain has its own pack folder');
    } finally {
      await svc.close();
    }
  });
});

test('an encrypted chain content id is HMAC-SHA256 of the BLAKE3 under the chain id key, for any data', () => {
  const secret = randomBytes(32);
  const domain = new ChainDomain('src-test', secret);
  const idKey = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'strata content id v1', 32));
  for (const raw of [Buffer.alloc(0), Buffer.alloc(16384), randomBytes(1), randomBytes(4096), randomBytes(16384), randomBytes(1 << 20)]) {
    const want = createHmac('sha256', idKey).update(blake3(raw)).digest();
    assert.deepEqual(domain.contentId(raw), want);
    assert.deepEqual(domain.contentId(raw), want, 'the same id again (no state carried between calls)');
  }
});

test('plaintext ids are BLAKE3 of the bytes: the published digests, and the binding’s own result for every length tried', () => {
  assert.equal(plainDomain.contentId(Buffer.alloc(0)).toString('hex'), 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262');
  assert.equal(plainDomain.contentId(Buffer.from('abc')).toString('hex'), '6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85');
  for (const n of [1, 31, 32, 33, 1023, 1024, 1025, 4096, 16383, 16384, 65536, 1 << 20]) {
    const raw = randomBytes(n);
    const id = plainDomain.contentId(raw);
    assert.equal(id.length, 32);
    assert.deepEqual(id, blake3(raw), `${n} bytes`);
  }
  const dest = Buffer.alloc(40, 0xee);
  const raw = randomBytes(16384);
  blake3Into(raw, dest, 5);
  assert.deepEqual(dest.subarray(5, 37), blake3(raw));
  assert.ok(dest.subarray(0, 5).every((b) => b === 0xee) && dest.subarray(37).every((b) => b === 0xee), 'nothing written outside the 32 bytes');
});
