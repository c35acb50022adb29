import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { FANOUT, LEAF_BLOCKS, LeafBuilder, decodeLeaf, treeHeight } from '../../engine/repo/tree';
import { LEAVES_READ_AHEAD, TreeBuilder, visitTree, walkLeaves } from '../../engine/repo/tree-io';

function memoryNodes() {
  const nodes = new Map<string, Buffer>();
  const put = async (bytes: Buffer) => {
    const id = createHash('sha256').update(bytes).digest();
    nodes.set(id.toString('hex'), bytes);
    return id;
  };
  const get = async (id: Buffer) => {
    const b = nodes.get(id.toString('hex'));
    if (!b) throw new Error('missing node');
    return b;
  };
  return { nodes, put, get };
}

function leafFor(n: number): Buffer {
  const b = new LeafBuilder();
  b.addZero();
  b.add(BigInt(n), Buffer.alloc(32, n & 0xff));
  return b.encode();
}

/** A tree of 20 leaves under one interior node, its leaves' ids (hex) in order. */
async function twentyLeaves() {
  const { put, get } = memoryNodes();
  const builder = new TreeBuilder(put);
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const id = await put(leafFor(i));
    ids.push(id.toString('hex'));
    await builder.addLeaf(id);
  }
  return { get, ids, ...(await builder.finish()) };
}

const cases = [1, 2, FANOUT - 1, FANOUT, FANOUT + 1, 2 * FANOUT + 7];

for (const leaves of cases) {
  test(`a tree over ${leaves} leaves has the height the block count implies and yields every leaf in order`, async () => {
    const { put, get } = memoryNodes();
    const builder = new TreeBuilder(put);
    for (let i = 0; i < leaves; i++) await builder.addLeaf(await put(leafFor(i)));
    const { root, height } = await builder.finish();
    assert.equal(height, treeHeight(leaves * LEAF_BLOCKS));
    let i = 0;
    for await (const { leaf } of walkLeaves(root, height, get)) {
      assert.equal(leaf.fingerprint(1), BigInt(i));
      assert.equal(leaf.isZero(0), true);
      i++;
    }
    assert.equal(i, leaves);
  });
}

test('changing one leaf of a large tree adds only that leaf and the nodes above it', async () => {
  const leaves = 2 * FANOUT + 7;
  const a = memoryNodes();
  const build = async (changed: number | null) => {
    const tb = new TreeBuilder(a.put);
    for (let i = 0; i < leaves; i++) await tb.addLeaf(await a.put(leafFor(i === changed ? 999_999 : i)));
    return tb.finish();
  };
  await build(null);
  const before = a.nodes.size;
  const { height } = await build(1500);
  assert.equal(a.nodes.size - before, 1 + height, 'one new leaf plus one node per level');
});

test('a leaf round-trips zero flags, fingerprints and ids', () => {
  const b = new LeafBuilder();
  const ids: Buffer[] = [];
  for (let i = 0; i < LEAF_BLOCKS; i++) {
    if (i % 3 === 0) b.addZero();
    else {
      const id = createHash('sha256').update(String(i)).digest();
      ids.push(id);
      b.add(BigInt(i) * 7919n, id);
    }
  }
  const leaf = decodeLeaf(b.encode());
  assert.equal(leaf.count, LEAF_BLOCKS);
  let k = 0;
  for (let i = 0; i < LEAF_BLOCKS; i++) {
    assert.equal(leaf.isZero(i), i % 3 === 0);
    if (i % 3 !== 0) {
      assert.equal(leaf.fingerprint(i), BigInt(i) * 7919n);
      assert.ok(leaf.id(i).equals(ids[k++]!));
    }
  }
  assert.throws(() => decodeLeaf(b.encode().subarray(0, 100)), /length/);
});

test('a leaf tells whether a block kept its fingerprint, and an unchanged block copied from it encodes as it was', () => {
  const fps = [0n, 1n, 0xfedcba9876543210n, 2n ** 64n - 1n];
  const built = new LeafBuilder();
  fps.forEach((fp, i) => {
    built.add(fp, createHash('sha256').update(`block ${i}`).digest());
    built.addZero();
  });
  const parent = decodeLeaf(built.encode());
  fps.forEach((fp, i) => {
    assert.equal(parent.hasFingerprint(2 * i, fp), true, `block ${2 * i} has its own fingerprint`);
    assert.equal(parent.hasFingerprint(2 * i, fp ^ 1n), false, 'a fingerprint one bit off is not it');
    assert.equal(parent.hasFingerprint(2 * i + 1, 0n), false, 'a zero block has no fingerprint, not even 0');
  });
  const copy = new LeafBuilder();
  for (let i = 0; i < parent.count; i++) {
    if (parent.isZero(i)) copy.addZero();
    else copy.addSame(parent, i);
  }
  assert.ok(copy.encode().equals(built.encode()), 'the copied leaf is byte-identical: same id, stored once');
});

test('a walk reads a few leaves ahead, never more, and a failed read fails it only when its leaf is reached', async () => {
  const { get, ids, root, height } = await twentyLeaves();
  assert.equal(height, 1);
  const broken = ids[9]!;
  let leafReads = 0;
  const counting = async (id: Buffer) => {
    if (ids.includes(id.toString('hex'))) leafReads++;
    if (id.toString('hex') === broken) throw new Error('I/O error reading leaf 9');
    return get(id);
  };
  const seen: bigint[] = [];
  const walk = walkLeaves(root, height, counting);
  await assert.rejects(async () => {
    for await (const { leaf } of walk) {
      seen.push(leaf.fingerprint(1));
      if (seen.length === 1) assert.equal(leafReads, LEAVES_READ_AHEAD, 'the first leaf is used while the next ones are read');
      // While leaf k is used, at most the next LEAVES_READ_AHEAD - 1 after it have been asked for.
      assert.ok(leafReads <= seen.length + LEAVES_READ_AHEAD - 1, `${leafReads} leaves read when ${seen.length} were used`);
    }
  }, /leaf 9/);
  assert.deepEqual(seen, [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n], 'every leaf before the broken one, in order');
  assert.ok(LEAVES_READ_AHEAD > 1);

  // Left after two leaves: the reads already started settle without an unhandled rejection.
  const early = walkLeaves(root, height, async (id) => {
    if (ids.indexOf(id.toString('hex')) === 3) throw new Error('never awaited');
    return get(id);
  });
  let n = 0;
  for await (const _ of early) if (++n === 2) break;
  await new Promise((r) => setImmediate(r));
  assert.equal(n, 2);
});

test('a visit with read-ahead reads up to that many entered leaves at once, in order, skips what enter refuses, and fails at a broken leaf', async () => {
  const { get, ids, root, height } = await twentyLeaves();
  const visit = async (readAhead?: number) => {
    let inFlight = 0;
    let most = 0;
    const leafReads: number[] = [];
    const slow = async (id: Buffer) => {
      const n = ids.indexOf(id.toString('hex'));
      if (n >= 0) leafReads.push(n);
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      if (n === 9) throw new Error('I/O error reading leaf 9');
      return get(id);
    };
    const seen: bigint[] = [];
    // Leaf 4 was verified by an earlier walk: its subtree is skipped.
    const enter = (id: Buffer) => ids.indexOf(id.toString('hex')) !== 4;
    await assert.rejects(visitTree(root, height, slow, enter, (_id, leaf) => seen.push(leaf.fingerprint(1)), readAhead), /leaf 9/);
    assert.deepEqual(seen, [0n, 1n, 2n, 3n, 5n, 6n, 7n, 8n], 'every leaf before the broken one, in order, but the skipped one');
    assert.ok(!leafReads.includes(4), 'a leaf enter refused is never read');
    return { most, leafReads };
  };
  assert.equal((await visit()).most, 1, 'by default one node at a time');
  const ahead = await visit(LEAVES_READ_AHEAD);
  assert.equal(ahead.most, LEAVES_READ_AHEAD, 'leaves read together');
  assert.ok(Math.max(...ahead.leafReads) <= 9 + LEAVES_READ_AHEAD, 'no read past the window after the broken leaf');
});
