import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { StrataService } from '../../engine/api/strata';
import { sweepRepository } from '../../engine/maintenance/sweep';
import { openService } from '../helpers/home';
import { createImage, mutateImage, rng, sha256File } from '../helpers/images';
import { runChild } from './crash-child';
import { runCli } from '../helpers/cli';

export const CRASH_OPS = ['snapshot-full', 'snapshot-incremental', 'delete-gc', 'restore', 'rollback', 'key-change', 'catalog-write'] as const;
export type CrashOp = (typeof CRASH_OPS)[number];

export interface CrashFigures {
  /** SIGKILLs that hit a running operation, per operation. */
  kills: Record<string, number>;
  /** Runs that finished before the kill instant (they still go through every verification). */
  finishedFirst: number;
  restoresVerified: number;
  checksPassed: number;
  snapshotsAfterKill: number;
}

interface State {
  dir: string;
  home: string;
  /** sha256 of the source image each accomplished snapshot was taken from. */
  hashes: Map<string, string>;
  next: () => number;
  figures: CrashFigures;
  /** The passphrase that opens the repository now (key change replaces it). */
  passphrase: string;
  passphraseCount: number;
}

const MiB = 1024 * 1024;
const KEEP = 2;
const ENV = { STRATA_TEST_FAST_KDF: '1' };

/**
 * Kills the CLI with SIGKILL at seeded random instants during each operation, then checks what
 * a user relies on: check passes, every accomplished snapshot restores byte-identical, gc cleans
 * the leftovers, the lock is recovered and a new snapshot succeeds.
 */
export async function runCrashHarness(dir: string, opts: { killsPerOp: number; seed: number; ops?: readonly CrashOp[]; log?: (line: string) => void }): Promise<CrashFigures> {
  const s: State = { dir, home: join(dir, 'home'), hashes: new Map(), next: rng(opts.seed), figures: { kills: {}, finishedFirst: 0, restoresVerified: 0, checksPassed: 0, snapshotsAfterKill: 0 }, passphrase: 'pass-0', passphraseCount: 0 };
  await createImage(join(dir, 'disk.img'), 4 * MiB, opts.seed);
  await createImage(join(dir, 'full.img'), 4 * MiB, opts.seed + 1);
  await createImage(join(dir, 'secret.img'), MiB, opts.seed + 2);
  await withService(s, async (svc) => {
    await svc.addSource({ path: join(dir, 'disk.img'), name: 'disk', blockSize: 16 * 1024 });
    await svc.addSource({ path: join(dir, 'full.img'), name: 'full', blockSize: 16 * 1024 });
    await svc.addSource({ path: join(dir, 'secret.img'), name: 'secret', blockSize: 16 * 1024, encrypted: true });
    await snapshotNow(s, svc, 'secret');
    await snapshotNow(s, svc, 'disk');
  });
  for (const op of opts.ops ?? CRASH_OPS) {
    const calibration = await runOp(s, op, null);
    const workMs = Math.max(calibration.workMs, 5);
    await verify(s);
    s.figures.kills[op] = 0;
    for (let attempt = 0; s.figures.kills[op]! < opts.killsPerOp && attempt < opts.killsPerOp * 4; attempt++) {
      const run = await runOp(s, op, s.next() * workMs * 1.1);
      if (run.killed) s.figures.kills[op]!++;
      else s.figures.finishedFirst++;
      await verify(s);
      if (run.killed && s.figures.kills[op]! % 50 === 0) opts.log?.(`${op}: ${s.figures.kills[op]} kills so far (restores verified ${s.figures.restoresVerified})`);
    }
    opts.log?.(`${op}: ${s.figures.kills[op]} kills (work ≈ ${workMs.toFixed(0)} ms); so far ${JSON.stringify(s.figures)}`);
  }
  return s.figures;
}

async function withService<T>(s: State, fn: (svc: StrataService) => Promise<T>): Promise<T> {
  const svc = await openService(s.home, { lockWaitMs: 5000, passphrase: async () => s.passphrase });
  try {
    return await fn(svc);
  } finally {
    await svc.close();
  }
}

async function snapshotNow(s: State, svc: StrataService, source: 'disk' | 'full' | 'secret'): Promise<void> {
  const hash = await sha256File(join(s.dir, `${source}.img`));
  const snap = await svc.createSnapshot(source);
  s.hashes.set(snap.id, hash);
}

/** Prepares and runs one operation in a child; snapshots it commits get the image hash from before. */
async function runOp(s: State, op: CrashOp, killAfterMs: number | null) {
  const args = await withService(s, async (svc) => {
    const snaps = (await svc.listSnapshots()).filter((x) => x.status === 'accomplished');
    const diskId = (await svc.sourceRecord('disk')).id;
    const fullId = (await svc.sourceRecord('full')).id;
    const disk = snaps.filter((x) => x.sourceId === diskId);
    const pick = <T>(list: T[]): T => list[Math.floor(s.next() * list.length)]!;
    switch (op) {
      case 'snapshot-full':
        for (const x of snaps.filter((y) => y.sourceId === fullId)) await svc.deleteSnapshot(x.id);
        await mutateImage(join(s.dir, 'full.img'), 8, Math.floor(s.next() * 1e9));
        return ['snapshot', 'create', 'full'];
      case 'snapshot-incremental':
        await mutateImage(join(s.dir, 'disk.img'), 16, Math.floor(s.next() * 1e9));
        return ['snapshot', 'create', 'disk'];
      case 'delete-gc':
        return ['snapshot', 'delete', pick(disk.length > 1 ? disk.slice(0, -1) : disk).id];
      case 'restore':
        return ['restore', pick(snaps).id, '--to', join(s.dir, 'restored.img'), '--force'];
      case 'rollback':
        await mutateImage(join(s.dir, 'disk.img'), 16, Math.floor(s.next() * 1e9));
        return ['rollback', 'disk', pick(disk).id, '--force'];
      case 'key-change':
        return ['key', 'change'];
      case 'catalog-write':
        return ['policy', 'create', `policy-${s.passphraseCount}`, '--hours', '2,14', '--weekdays', '1-7', '--retention-days', '30'];
    }
  });
  const next = `pass-${++s.passphraseCount}`;
  const before = { disk: await sha256File(join(s.dir, 'disk.img')), full: await sha256File(join(s.dir, 'full.img')) };
  const env = { ...ENV, STRATA_PASSPHRASE: s.passphrase, STRATA_NEW_PASSPHRASE: next };
  const run = await runChild(['--home', s.home, '--json', ...args], env, killAfterMs);
  if (!run.killed) assert.equal(run.code, 0, `strata ${args.join(' ')} failed without a kill: ${run.stderr}`);
  if (op === 'key-change') await adoptPassphrase(s, next);
  if (op === 'catalog-write') await verifyCatalog(s, args[2]!, run.killed);
  await withService(s, async (svc) => {
    const diskId = (await svc.sourceRecord('disk')).id;
    for (const snap of await svc.listSnapshots()) {
      if (snap.status === 'accomplished' && !s.hashes.has(snap.id)) s.hashes.set(snap.id, snap.sourceId === diskId ? before.disk : before.full);
    }
  });
  return run;
}

/** After a key change (finished or killed), the new passphrase or else the old one must open the keys. */
async function adoptPassphrase(s: State, next: string): Promise<void> {
  const opens = async (p: string) => {
    const svc = await openService(s.home, { passphrase: async () => p });
    try {
      await svc.repo.unlock();
      return true;
    } catch {
      return false;
    } finally {
      await svc.close();
    }
  };
  if (await opens(next)) s.passphrase = next;
  else assert.ok(await opens(s.passphrase), 'after a killed key change, the old passphrase still opens the repository');
}

/** The app state survives a kill mid-write: readable without recovery, holding the policy if it finished. */
async function verifyCatalog(s: State, policy: string, killed: boolean): Promise<void> {
  const r = await runCli(['--home', s.home, '--json', 'policy', 'list']);
  assert.equal(r.code, 0, `policy list after a killed catalog write: ${r.stderr}`);
  const names = (r.json as { name: string }[]).map((p) => p.name);
  if (!killed) assert.ok(names.includes(policy), `a finished policy create is kept (${names.join(', ')})`);
  const aside = (await readdir(s.home)).filter((n) => n.includes('.corrupt-'));
  assert.deepEqual(aside, [], 'the state file was never left damaged (nothing was moved aside)');
}

/** What must hold after every kill. */
async function verify(s: State): Promise<void> {
  await withService(s, async (svc) => {
    const report = await svc.check({ readData: true });
    assert.deepEqual(report.problems, [], 'check after a kill finds no problem');
    s.figures.checksPassed++;
    // Before any gc: the repository must work as the kill left it.
    await snapshotNow(s, svc, 'disk');
    s.figures.snapshotsAfterKill++;
    await sweepRepository(svc.repo);
    for (const x of (await svc.listSnapshots()).filter((y) => y.status === 'failed')) await svc.deleteSnapshot(x.id);
    const clean = await svc.check();
    assert.deepEqual(clean.notices, [], 'gc leaves no garbage');
    assert.deepEqual(await svc.repo.store.list('locks'), [], 'no lock is left behind');
    for (const snap of (await svc.listSnapshots()).filter((x) => x.status === 'accomplished')) {
      const out = join(s.dir, 'verify.img');
      await svc.restore(snap.id, out, { force: true });
      assert.equal(await sha256File(out), s.hashes.get(snap.id), `snapshot ${snap.id} restores byte-identical`);
      s.figures.restoresVerified++;
    }
    const disk = (await svc.listSnapshots('disk')).filter((x) => x.status === 'accomplished');
    for (const old of disk.slice(0, Math.max(0, disk.length - KEEP))) await svc.deleteSnapshot(old.id);
  });
}
