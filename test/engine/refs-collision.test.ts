import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { blake3, xxh64 } from '../../engine/core/native';
import { DEFAULT_BLOCK_SIZE } from '../../engine/core/units';
import { LEAF_BLOCKS, LeafBuilder } from '../../engine/repo/tree';
import { randomBytesSeeded, rng, sha256File } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';

const BS = DEFAULT_BLOCK_SIZE;
/** The second leaf: 460 blocks, 408 of them data. Its encoding is then exactly one block long (6 + 58 + 408 × 40 bytes). */
const TAIL_BLOCKS = 460;
const TAIL_DATA = 408;

/**
 * A plaintext image whose first block holds, byte for byte, the encoding of the manifest's second
 * leaf: in a plaintext chain that block and that leaf have one id. Anyone who writes to a disk can
 * arrange this (fingerprints and plaintext ids are computed from the data alone).
 */
function collidingImage(): Buffer {
  const next = rng(2026);
  const image = Buffer.alloc((LEAF_BLOCKS + TAIL_BLOCKS) * BS);
  randomBytesSeeded((LEAF_BLOCKS - 1) * BS, next).copy(image, BS);
  randomBytesSeeded(TAIL_DATA * BS, next).copy(image, LEAF_BLOCKS * BS);
  const leaf = new LeafBuilder();
  for (let i = 0; i < TAIL_BLOCKS; i++) {
    const block = image.subarray((LEAF_BLOCKS + i) * BS, (LEAF_BLOCKS + i + 1) * BS);
    if (i >= TAIL_DATA) leaf.addZero();
    else leaf.add(xxh64(block), blake3(block));
  }
  const encoded = leaf.encode();
  assert.equal(encoded.length, BS, 'the second leaf encodes to exactly one block');
  encoded.copy(image, 0);
  return image;
}

test('a block whose bytes are another manifest leaf does not hide that leaf\'s blocks from gc: deleting an older snapshot keeps the newer one whole', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'disk.img');
    const image = collidingImage();
    await fsp.writeFile(path, image);
    const svc = await openService(join(dir, 'home'));
    try {
      await svc.addSource({ path, name: 'disk' });
      const first = await svc.createSnapshot('disk');
      // A change in the first leaf only: the second leaf, and the block equal to it, stay.
      const fh = await fsp.open(path, 'r+');
      await fh.write(Buffer.alloc(BS, 0x5a), 0, BS, 5 * BS);
      await fh.close();
      const second = await svc.createSnapshot('disk');
      const dry = await svc.deleteSnapshot(first.id, { dryRun: true });
      assert.ok(dry.freedBytes < 256 * 1024, `deleting the first snapshot frees only what it alone holds (${dry.freedBytes} bytes)`);
      await svc.deleteSnapshot(first.id);
      const out = join(dir, 'out.img');
      await svc.restore(second.id, out);
      assert.equal(await sha256File(out), await sha256File(path), 'the newer snapshot restores byte-identical after gc');
      assert.equal((await svc.check({ readData: true })).ok, true);
    } finally {
      await svc.close();
    }
  });
});
