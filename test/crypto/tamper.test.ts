import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { isStrataError } from '../../engine/core/errors';
import type { CheckReport } from '../../engine/core/types';
import { RECORD_HEADER_BYTES, readHeader, BlobType } from '../../engine/pack/record';
import { runCli } from '../helpers/cli';
import { createImage, mutateImage } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';
import { flipBit, hashTree, listFiles, MiB, PASS } from './fixtures';

const WRONG = { STRATA_PASSPHRASE: 'not the passphrase' };

test('a wrong passphrase gives a clear error and writes nothing, whatever the command', async () => {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    await createImage(img, 2 * MiB, 31);
    await fsp.copyFile(img, join(dir, 'second.img'));
    const home = join(dir, 'home');
    const cli = (args: string[], env: Record<string, string>) => runCli(['--home', home, ...args], { env });
    assert.equal((await cli(['source', 'add', img, '--name', 'disk', '--encrypted'], { STRATA_PASSPHRASE: PASS })).code, 0);
    const snap = await cli(['--json', 'snapshot', 'create', 'disk'], { STRATA_PASSPHRASE: PASS });
    const snapId = (snap.json as { id: string }).id;
    const before = await hashTree(home);
    const commands = [
      ['snapshot', 'create', 'disk'],
      ['restore', snapId, '--to', join(dir, 'out.img')],
      ['rollback', 'disk', snapId, '--force'],
      ['snapshot', 'delete', snapId],
      ['check', '--read-data'],
      ['source', 'add', join(dir, 'second.img'), '--encrypted'],
      ['key', 'add'],
      ['key', 'change'],
    ];
    for (const args of commands) {
      const r = await cli(args, { ...WRONG, STRATA_NEW_PASSPHRASE: 'next' });
      assert.equal(r.code, 1, `${args.join(' ')} exited ${r.code}`);
      assert.match(r.stderr, /wrong passphrase: it opens none of the 1 key slot/, args.join(' '));
      assert.deepEqual(await hashTree(home), before, `${args.join(' ')} changed the home`);
    }
    assert.ok(!existsSync(join(dir, 'out.img')));
  });
});

interface Fixture {
  home: string;
  full: string;
  incr: string;
  /** Data and tree records of the full snapshot: [pack path, payload offset]. */
  data: [string, number][];
  trees: [string, number][];
}

async function records(repoDir: string, domain: string): Promise<{ data: [string, number][]; trees: [string, number][] }> {
  const data: [string, number][] = [];
  const trees: [string, number][] = [];
  for (const f of await listFiles(join(repoDir, 'packs', domain))) {
    const path = `packs/${domain}/${f}`;
    const pack = await fsp.readFile(join(repoDir, path));
    for (let o = 0; o < pack.length; ) {
      const h = readHeader(pack.subarray(o, o + RECORD_HEADER_BYTES), f);
      (h.type === BlobType.data ? data : trees).push([path, o + RECORD_HEADER_BYTES]);
      o += RECORD_HEADER_BYTES + h.payloadLength;
    }
  }
  return { data, trees };
}

async function withChain(fn: (fx: Fixture, dir: string) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const img = join(dir, 'disk.img');
    await createImage(img, 4 * MiB, 32);
    const home = join(dir, 'home');
    const svc = await openService(home);
    try {
      const src = await svc.addSource({ path: img, name: 'disk', encrypted: true });
      const full = (await svc.createSnapshot('disk')).id;
      const recs = await records(join(home, 'repository'), src.id);
      await mutateImage(img, 20, 33);
      const incr = (await svc.createSnapshot('disk')).id;
      await fn({ home, full, incr, ...recs }, dir);
    } finally {
      await svc.close();
    }
  });
}

async function checkAndRestore(home: string, dir: string, snapId: string): Promise<{ report: CheckReport; restoreError: unknown }> {
  const svc = await openService(home);
  try {
    const report = await svc.check({ readData: true });
    const restoreError = await svc.restore(snapId, join(dir, 'out.img')).then(() => null, (e: unknown) => e);
    assert.ok(!existsSync(join(dir, 'out.img')), 'a failed restore leaves no image');
    return { report, restoreError };
  } finally {
    await svc.close();
  }
}

function problem(report: CheckReport, kind: string): CheckReport['problems'][number] {
  const p = report.problems.find((x) => x.kind === kind);
  assert.ok(p, `expected a ${kind} problem, got ${JSON.stringify(report.problems)}`);
  return p;
}

test('a flipped bit in a sealed data block is found by check --read-data and by restore, naming the pack and snapshots', async () => {
  await withChain(async ({ home, full, data }, dir) => {
    const [pack, at] = data[data.length >> 1]!;
    await flipBit(join(home, 'repository', pack), at + 40, 3);
    const { report, restoreError } = await checkAndRestore(home, dir, full);
    const p = problem(report, 'corrupt-blob');
    assert.equal(p.file, pack);
    assert.match(p.message, /authentication failed/);
    assert.ok(p.snapshots.includes(full), `affected: ${p.snapshots.join(', ')}`);
    assert.ok(isStrataError(restoreError, 'E_CORRUPT') && restoreError.message.includes(pack), String(restoreError));
    const cli = await runCli(['--home', home, 'check', '--read-data'], { env: { STRATA_PASSPHRASE: PASS } });
    assert.equal(cli.code, 1, 'check exits 1 when it finds a problem');
  });
});

test('a flipped bit in a sealed manifest node is found by check and by restore', async () => {
  await withChain(async ({ home, full, trees }, dir) => {
    const [pack, at] = trees[0]!;
    await flipBit(join(home, 'repository', pack), at + 30, 0);
    const { report, restoreError } = await checkAndRestore(home, dir, full);
    const p = problem(report, 'corrupt-manifest');
    assert.ok(p.snapshots.includes(full));
    assert.equal(p.file, pack);
    assert.ok(isStrataError(restoreError, 'E_CORRUPT') && restoreError.message.includes(pack), String(restoreError));
  });
});

test('a flipped bit in a sealed index file is found by check and by restore, naming the index file', async () => {
  await withChain(async ({ home, full }, dir) => {
    const repo = join(home, 'repository');
    const domain = (await fsp.readdir(join(repo, 'index')))[0]!;
    const files = await listFiles(join(repo, 'index', domain));
    const file = `index/${domain}/${files[0]}`;
    await flipBit(join(repo, file), 40, 5);
    const { report, restoreError } = await checkAndRestore(home, dir, full);
    assert.equal(problem(report, 'corrupt-index').file, file);
    assert.ok(report.problems.some((p) => p.snapshots.length > 0), 'the snapshots that lost their blobs are named');
    assert.ok(isStrataError(restoreError, 'E_CORRUPT') && restoreError.message.includes(file), String(restoreError));
  });
});

test("a changed snapshot's sealed manifest reference is found by check and by restore, naming the snapshot", async () => {
  await withChain(async ({ home, incr }, dir) => {
    const repo = join(home, 'repository');
    const [srcDir] = await fsp.readdir(join(repo, 'snapshots'));
    const file = join(repo, 'snapshots', srcDir!, `${incr}.json`);
    const rec = JSON.parse(await fsp.readFile(file, 'utf8')) as { sealedTree: string };
    const sealed = Buffer.from(rec.sealedTree, 'base64');
    sealed[sealed.length - 20]! ^= 0x10;
    rec.sealedTree = sealed.toString('base64');
    await fsp.writeFile(file, JSON.stringify(rec));
    const { report, restoreError } = await checkAndRestore(home, dir, incr);
    const p = problem(report, 'corrupt-manifest');
    assert.deepEqual(p.snapshots, [incr]);
    assert.ok(isStrataError(restoreError, 'E_CORRUPT') && restoreError.message.includes(incr), String(restoreError));
  });
});
