import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ChainDomain } from '../../engine/crypto/chain-domain';
import { createImage, mutateImage } from '../helpers/images';
import { withTempDir } from '../helpers/home';
import { runCli } from '../helpers/cli';
import { MiB, sealedMessages, type SealedMessage } from './fixtures';

test('every sealer draws its own salt and counts its nonces up from zero; no (salt, nonce) pair repeats', () => {
  const domain = new ChainDomain('src-test', randomBytes(32));
  const seen = new Set<string>();
  const salts = new Set<string>();
  const aad = Buffer.from('aad');
  for (let s = 0; s < 200; s++) {
    const sealer = domain.newSealer()!;
    let salt = '';
    for (let i = 0; i < 50; i++) {
      const sealed = sealer.seal(Buffer.from('same plaintext every time'), aad);
      salt ||= sealed.subarray(0, 16).toString('hex');
      assert.equal(sealed.subarray(0, 16).toString('hex'), salt, 'a sealer keeps its salt');
      assert.equal(sealed.readBigUInt64BE(20), BigInt(i), 'the counter increments by one per message');
      assert.equal(sealed.readUInt32BE(16), 0, 'the top 32 bits of the nonce stay zero');
      const pair = sealed.subarray(0, 28).toString('hex');
      assert.ok(!seen.has(pair), `(salt, nonce) ${pair} was used twice`);
      seen.add(pair);
      assert.equal(domain.open(sealed, aad).toString(), 'same plaintext every time');
    }
    assert.ok(!salts.has(salt), 'two sealers shared a salt');
    salts.add(salt);
  }
  assert.equal(seen.size, 200 * 50);
});

function assertUnique(messages: SealedMessage[]): void {
  const pairs = new Map<string, string>();
  for (const m of messages) {
    const key = `${m.salt}/${m.counter}`;
    assert.ok(!pairs.has(key), `nonce reused: ${m.where} and ${pairs.get(key)} share salt ${m.salt} and counter ${m.counter}`);
    pairs.set(key, m.where);
  }
}

test('snapshots sealed by several worker threads never reuse a nonce across records, index files and manifests', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    await createImage(img, 16 * MiB, 21);
    const home = join(dir, 'home');
    // The built CLI runs the production worker pool: one sealing context per worker thread.
    const cli = async (...args: string[]) => {
      const r = await runCli(['--home', home, '--json', ...args], { env: { STRATA_PASSPHRASE: 'nonce test' } });
      assert.equal(r.code, 0, r.stderr);
      return r.json as { id: string };
    };
    {
      const src = await cli('source', 'add', img, '--name', 'disk', '--encrypted', '--block-size', '4K');
      await cli('snapshot', 'create', 'disk');
      const first = await sealedMessages(join(home, 'repository'), src.id);
      await mutateImage(img, 300, 4);
      await cli('snapshot', 'create', 'disk');
      const all = await sealedMessages(join(home, 'repository'), src.id);
      const firstWhere = new Set(first.map((m) => m.where));
      const second = all.filter((m) => !firstWhere.has(m.where));

      assert.ok(first.length > 1000 && second.length > 200, `sealed ${first.length} then ${second.length} messages`);
      assertUnique(all);
      // Each sealing context (every worker thread, the tree encoder, each index file and each
      // manifest reference) has its own random salt; a later run never meets an earlier salt.
      const saltsFirst = new Set(first.map((m) => m.salt));
      assert.ok(saltsFirst.size >= 4, `the full snapshot used ${saltsFirst.size} sealing contexts`);
      for (const m of second) assert.ok(!saltsFirst.has(m.salt), `${m.where} reused a salt of the earlier snapshot`);
      const perSalt = new Map<string, bigint[]>();
      for (const m of all) perSalt.set(m.salt, [...(perSalt.get(m.salt) ?? []), m.counter]);
      const busiest = Math.max(...[...perSalt.values()].map((c) => c.length));
      assert.ok(busiest > 100, `some context sealed ${busiest} messages with one salt, counting up`);
    }
  });
});
