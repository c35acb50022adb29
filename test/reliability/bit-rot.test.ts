import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { StrataService } from '../../engine/api/strata';
import { isStrataError } from '../../engine/core/errors';
import { repairIndex } from '../../engine/maintenance/repair';
import { BlobType, RECORD_HEADER_BYTES, decodeRecord, readHeader } from '../../engine/pack/record';
import { plainDomain } from '../../engine/crypto/plain-domain';
import { runCli } from '../helpers/cli';
import { openService, withTempDir } from '../helpers/home';
import { createImage, mutateImage, rng, sha256File } from '../helpers/images';

const MiB = 1024 * 1024;

interface Fixture {
  dir: string;
  home: string;
  repo: string;
  svc: StrataService;
  hashes: Map<string, string>;
}

/** Three snapshots of a 4 MiB image, each with a known hash. */
async function withFixture(fn: (f: Fixture) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    const home = join(dir, 'home');
    await createImage(img, 4 * MiB, 21);
    const svc = await openService(home);
    try {
      await svc.addSource({ path: img, name: 'disk', blockSize: 16 * 1024 });
      const hashes = new Map<string, string>();
      for (let i = 0; i < 3; i++) {
        if (i > 0) await mutateImage(img, 40, 100 + i);
        const snap = await svc.createSnapshot('disk');
        hashes.set(snap.id, await sha256File(img));
      }
      await fn({ dir, home, repo: join(home, 'repository'), svc, hashes });
    } finally {
      await svc.close();
    }
  });
}

async function files(root: string, under: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fsp.readdir(join(root, under), { recursive: true, withFileTypes: true })) if (e.isFile() && !e.name.startsWith('.tmp-')) out.push(join(e.parentPath, e.name));
  return out.sort();
}

async function flip(path: string, offset: number): Promise<void> {
  const buf = await fsp.readFile(path);
  buf[offset]! ^= 0x5a;
  await fsp.writeFile(path, buf);
}

/** Flips the lowest bit of one byte: a letter or digit stays one, so JSON stays valid. */
async function flip1(path: string, offset: number): Promise<void> {
  const buf = await fsp.readFile(path);
  buf[offset]! ^= 0x01;
  await fsp.writeFile(path, buf);
}

/** Restores every snapshot: the ids that fail with E_CORRUPT; the others must be byte-identical. */
async function restoreAll(f: Fixture): Promise<Set<string>> {
  const failed = new Set<string>();
  for (const [id, hash] of f.hashes) {
    const out = join(f.dir, `r-${id}.img`);
    try {
      await f.svc.restore(id, out, { force: true });
      assert.equal(await sha256File(out), hash, `unaffected snapshot ${id} restores byte-identical`);
    } catch (err) {
      if (!isStrataError(err, 'E_CORRUPT')) throw err;
      failed.add(id);
    }
  }
  return failed;
}

/** Every manifest node in the repository's (plaintext) packs, by id in hex: where it lies and its decoded bytes. */
async function treeRecords(repo: string): Promise<Map<string, { pack: string; offset: number; raw: Buffer }>> {
  const trees = new Map<string, { pack: string; offset: number; raw: Buffer }>();
  for (const pack of await files(repo, 'packs')) {
    const buf = await fsp.readFile(pack);
    for (let o = 0; o < buf.length; ) {
      const h = readHeader(buf.subarray(o, o + RECORD_HEADER_BYTES), pack);
      const record = buf.subarray(o, o + RECORD_HEADER_BYTES + h.payloadLength);
      if (h.type === BlobType.tree) trees.set(h.id.toString('hex'), { pack, offset: o, raw: decodeRecord(record, plainDomain, h.id, pack).raw });
      o += record.length;
    }
  }
  return trees;
}

function affected(report: { problems: { snapshots: string[] }[] }): Set<string> {
  return new Set(report.problems.flatMap((p) => p.snapshots));
}

for (const seed of [1, 2, 3, 4]) {
  test(`a flipped byte in a pack (seed ${seed}) is named by check with exactly the snapshots that cannot restore`, async () => {
    await withFixture(async (f) => {
      const next = rng(seed);
      const packs = await files(f.repo, 'packs');
      const pack = packs[Math.floor(next() * packs.length)]!;
      const size = (await fsp.stat(pack)).size;
      await flip(pack, Math.floor(next() * size));
      const report = await f.svc.check({ readData: true });
      assert.equal(report.ok, false, 'the flipped byte is found');
      assert.ok(report.problems.every((p) => p.file === undefined || pack.endsWith(p.file)), `problems name the damaged pack: ${JSON.stringify(report.problems)}`);
      const failed = await restoreAll(f);
      assert.deepEqual(affected(report), failed, 'check names exactly the snapshots that cannot restore');
      const repair = await repairIndex(f.svc.repo);
      assert.equal(repair.domains[0]!.damaged.length, 1, 'repair names the one damaged record');
      assert.ok(pack.endsWith(repair.domains[0]!.damaged[0]!.file));
      assert.deepEqual(new Set(repair.snapshots.filter((s) => !s.complete).map((s) => s.id)), failed, 'repair says which snapshots stay incomplete');
      assert.ok(repair.snapshots.filter((s) => !s.complete).every((s) => /damaged or lost|cannot be read/.test(s.reason ?? '')));
    });
  });
}

test('a damaged index file is named, and repair index rebuilds it from the packs', async () => {
  await withFixture(async (f) => {
    const [index] = await files(f.repo, 'index');
    await flip(index!, 40);
    const report = await f.svc.check();
    assert.ok(report.problems.some((p) => p.kind === 'corrupt-index' && index!.endsWith(p.file!)), JSON.stringify(report.problems));
    assert.ok(affected(report).size > 0, 'the snapshots that lost their index entries are named');
    const r = await runCli(['--home', f.home, '--json', 'repair', 'index']);
    assert.equal(r.code, 0, r.stderr);
    const out = r.json as { domains: { recordsRecovered: number; damaged: unknown[] }[]; snapshots: { complete: boolean }[] };
    assert.ok(out.domains[0]!.recordsRecovered > 0);
    assert.deepEqual(out.domains[0]!.damaged, []);
    assert.ok(out.snapshots.every((s) => s.complete));
    assert.deepEqual((await f.svc.check({ readData: true })).problems, []);
    assert.deepEqual(await restoreAll(f), new Set(), 'every snapshot restores after the rebuild');
  });
});

test('a damaged manifest node names its snapshot; the others restore', async () => {
  await withFixture(async (f) => {
    const last = [...f.hashes.keys()].at(-1)!;
    const target = (await treeRecords(f.repo)).get((await f.svc.snapshotRecord(last)).tree?.root ?? '');
    assert.ok(target, 'the root node of the last manifest is found');
    await flip(target.pack, target.offset + RECORD_HEADER_BYTES + 2);
    const report = await f.svc.check({ readData: true });
    assert.ok(report.problems.some((p) => p.kind === 'corrupt-manifest' && p.snapshots.includes(last)), JSON.stringify(report.problems));
    assert.deepEqual(affected(report), new Set([last]));
    assert.deepEqual(await restoreAll(f), new Set([last]));
  });
});

test('a damaged manifest leaf that two snapshots share names both, though check walks it once', async () => {
  await withTempDir(async (dir) => {
    // 32 MiB of 16 KiB blocks: two manifest leaves under one root. The second snapshot changes
    // only the first leaf's blocks, so it shares the second leaf with the first snapshot.
    const img = join(dir, 'disk.img');
    await createImage(img, 32 * MiB, 31);
    const svc = await openService(join(dir, 'home'));
    try {
      await svc.addSource({ path: img, name: 'disk', blockSize: 16 * 1024 });
      const first = await svc.createSnapshot('disk');
      const fh = await fsp.open(img, 'r+');
      await fh.write(Buffer.alloc(64 * 1024, 0x77), 0, 64 * 1024, 3 * MiB);
      await fh.close();
      const second = await svc.createSnapshot('disk');
      assert.equal((await svc.check()).ok, true, 'an undamaged repository checks clean');

      const trees = await treeRecords(join(dir, 'home', 'repository'));
      // Interior node: 'N' | version | level | count u32 | child ids; the second child is the shared leaf.
      const childOf = (root: string, i: number) => trees.get(root)!.raw.subarray(7 + 32 * i, 7 + 32 * (i + 1)).toString('hex');
      const [r1, r2] = [(await svc.snapshotRecord(first.id)).tree!.root, (await svc.snapshotRecord(second.id)).tree!.root];
      assert.notEqual(childOf(r1, 0), childOf(r2, 0), 'the first leaf changed');
      const shared = childOf(r1, 1);
      assert.equal(childOf(r2, 1), shared, 'the second leaf is shared');

      const at = trees.get(shared)!;
      await flip(at.pack, at.offset + RECORD_HEADER_BYTES + 2);
      const report = await svc.check();
      const damaged = report.problems.filter((p) => p.kind === 'corrupt-manifest').flatMap((p) => p.snapshots);
      assert.deepEqual(new Set(damaged), new Set([first.id, second.id]), JSON.stringify(report.problems));
    } finally {
      await svc.close();
    }
  });
});

test('a damaged snapshot record is named; the other snapshots restore', async () => {
  await withFixture(async (f) => {
    const first = [...f.hashes.keys()][0]!;
    const [file] = (await files(f.repo, 'snapshots')).filter((p) => p.endsWith(`${first}.json`));
    await fsp.writeFile(file!, (await fsp.readFile(file!)).subarray(0, 50));
    const report = await f.svc.check();
    assert.ok(report.problems.some((p) => p.kind === 'corrupt-snapshot' && p.snapshots.includes(first)), JSON.stringify(report.problems));
    await assert.rejects(f.svc.listSnapshots(), { code: 'E_CORRUPT' });
    f.hashes.delete(first);
    for (const [id, hash] of f.hashes) {
      await f.svc.restore(id, join(f.dir, 'x.img'), { force: true }).catch(() => assert.fail(`${id} must restore despite the damaged record of ${first}`));
      assert.equal(await sha256File(join(f.dir, 'x.img')), hash);
    }
  });
});

test('a flipped byte that leaves a snapshot record valid JSON is caught by its checksum; a record without one is accepted', async () => {
  await withFixture(async (f) => {
    const [first, second] = [...f.hashes.keys()];
    const fileOf = async (id: string) => (await files(f.repo, 'snapshots')).find((p) => p.endsWith(`${id}.json`))!;
    const firstFile = await fileOf(first!);
    const rec = JSON.parse(await fsp.readFile(firstFile, 'utf8')) as { name: string; checksum?: string };
    assert.match(rec.checksum ?? '', /^[0-9a-f]{64}$/, 'writeSnapshot records a checksum');
    assert.equal((await f.svc.check()).ok, true);

    const text = await fsp.readFile(firstFile);
    const at = text.indexOf(`"name": "${rec.name}"`) + '"name": "'.length;
    await flip1(firstFile, at);
    const damaged = JSON.parse(await fsp.readFile(firstFile, 'utf8')) as { name: string };
    assert.notEqual(damaged.name, rec.name, 'the name changed, and the JSON is still valid');

    // Lenient: a record written before checksums existed has none, and is not a problem.
    const secondFile = await fileOf(second!);
    const { checksum: _gone, ...legacy } = JSON.parse(await fsp.readFile(secondFile, 'utf8')) as Record<string, unknown>;
    await fsp.writeFile(secondFile, JSON.stringify(legacy, null, 2));

    const report = await f.svc.check();
    assert.equal(report.ok, false);
    const corrupt = report.problems.filter((p) => p.kind === 'corrupt-snapshot');
    assert.equal(corrupt.length, 1, JSON.stringify(report.problems));
    assert.deepEqual(corrupt[0]!.snapshots, [first]);
    assert.match(corrupt[0]!.message, new RegExp(`snapshot .*\\(${first}\\) is damaged: its checksum`));
    assert.ok(corrupt[0]!.file?.endsWith(`${first}.json`));
  });
});

test('repair index rebuilds an encrypted chain with the key, and says so when the key is missing', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'vault.img');
    const home = join(dir, 'home');
    await createImage(img, 2 * MiB, 22);
    const svc = await openService(home);
    let snapId: string;
    try {
      const src = await svc.addSource({ path: img, name: 'vault', blockSize: 16 * 1024, encrypted: true });
      snapId = (await svc.createSnapshot('vault')).id;
      for (const f of await files(join(home, 'repository'), join('index', src.id))) await fsp.rm(f);
    } finally {
      await svc.close();
    }
    const locked = await openService(home, { passphrase: undefined });
    try {
      const r = await repairIndex(locked.repo);
      assert.equal(r.domains.length, 0);
      assert.match(r.skipped[0]!.reason, /needs the passphrase/);
    } finally {
      await locked.close();
    }
    const open = await openService(home);
    try {
      const r = await repairIndex(open.repo);
      assert.ok(r.domains[0]!.recordsRecovered > 0);
      assert.deepEqual(r.snapshots.map((s) => [s.id, s.complete]), [[snapId, true]]);
      await open.restore(snapId, join(dir, 'out.img'));
      assert.equal(await sha256File(join(dir, 'out.img')), await sha256File(img));
    } finally {
      await open.close();
    }
  });
});
