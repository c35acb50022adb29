import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { Catalog, INTERRUPTED_MESSAGE } from '../../engine/catalog/catalog';
import { FakeClock } from '../../engine/core/clock';
import type { Job } from '../../engine/core/types';
import { newJob } from '../../engine/scheduler/executor';
import { createImage } from '../helpers/images';
import { openService, withTempDir } from '../helpers/home';

const MiB = 1024 * 1024;
const nightly = { name: 'nightly', timePoints: [2, 14], repeatWeekdays: [1, 2, 3, 4, 5, 6, 7], retentionDays: 30 };

/** A home with two image sources, a service and a catalog on a fake clock. */
async function withCatalog(fn: (c: { home: string; catalog: Catalog; clock: FakeClock }) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const home = join(dir, 'home');
    const service = await openService(home);
    try {
      for (const name of ['web', 'db']) {
        await createImage(join(dir, `${name}.img`), MiB, name.length);
        await service.addSource({ path: join(dir, `${name}.img`), name });
      }
      const clock = new FakeClock(new Date('2026-11-25T12:00:00Z'));
      const catalog = await Catalog.open(home, { clock, service });
      try {
        await fn({ home, catalog, clock });
      } finally {
        await catalog.close();
      }
    } finally {
      await service.close();
    }
  });
}

test('catalog: create, apply, unapply and delete a policy; deleting unbinds and keeps nothing else', async () => {
  await withCatalog(async ({ catalog }) => {
    const p = await catalog.createPolicy({ ...nightly, sourceIds: ['web'] });
    assert.match(p.id, /^pol-/);
    assert.equal(p.createdAt, '2026-11-25T12:00:00.000Z');
    assert.equal(p.sourceIds.length, 1);
    const both = await catalog.applyPolicy('nightly', ['db']);
    assert.equal(both.sourceIds.length, 2);
    const one = await catalog.unapplyPolicy(p.id, ['web']);
    assert.equal(one.sourceIds.length, 1);
    const changed = await catalog.updatePolicy('nightly', { retentionDays: 7, offPeak: { requireAcPower: true } });
    assert.equal(changed.retentionDays, 7);
    assert.deepEqual((await catalog.schedulerRecord()).lastRuns, {}, 'the schedule did not change');
    await catalog.updatePolicy('nightly', { timePoints: [1, 9] });
    assert.deepEqual((await catalog.schedulerRecord()).lastRuns, { [p.id]: '2026-11-25T12:00:00.000Z' }, 'a new schedule counts from now');
    assert.deepEqual(changed.offPeak, { requireAcPower: true, idleMinutes: 0, deadlineMinutes: 0 });
    assert.equal((await catalog.getPolicy(p.id)).retentionDays, 7);
    await catalog.deletePolicy('nightly');
    assert.deepEqual(await catalog.listPolicies(), []);
  });
});

test('catalog: a duplicate name, an unknown source and a second policy on a source are refused', async () => {
  await withCatalog(async ({ catalog }) => {
    await catalog.createPolicy({ ...nightly, sourceIds: ['web'] });
    await assert.rejects(catalog.createPolicy({ ...nightly, name: 'NIGHTLY' }), /a policy named "nightly" exists already/);
    await assert.rejects(catalog.createPolicy({ ...nightly, name: 'other', sourceIds: ['nope'] }), /unknown source "nope"/);
    await assert.rejects(catalog.createPolicy({ ...nightly, name: 'other', sourceIds: ['web'] }), /source "web" already carries policy "nightly"/);
    await assert.rejects(catalog.createPolicy({ ...nightly, name: 'bad', timePoints: [24] }), /got 24/);
    assert.equal((await catalog.listPolicies()).length, 1);
  });
});

test('catalog: settings default to a quota of 1000 and refuse nonsense', async () => {
  await withCatalog(async ({ catalog }) => {
    assert.equal((await catalog.getSettings()).autoSnapshotQuota, 1000);
    assert.equal((await catalog.updateSettings({ autoSnapshotQuota: 50 })).autoSnapshotQuota, 50);
    await assert.rejects(catalog.updateSettings({ autoSnapshotQuota: 0 }), /quota as a whole number from 1/);
    await assert.rejects(catalog.updateSettings({ colour: 'red' } as never), /Expected a setting among/);
  });
});

test('catalog: jobs are inserted or updated by id and listed newest first', async () => {
  await withCatalog(async ({ catalog, clock }) => {
    const a = newJob(clock, { kind: 'snapshot', trigger: 'schedule', sourceId: null, policyId: null });
    clock.advance(1000);
    const b = newJob(clock, { kind: 'delete', trigger: 'schedule', sourceId: null, policyId: null });
    await catalog.recordJob(a);
    await catalog.recordJob(b);
    await catalog.recordJob({ ...a, status: 'succeeded' });
    const jobs = await catalog.listJobs();
    assert.deepEqual(jobs.map((j: Job) => [j.id, j.status]), [[b.id, 'queued'], [a.id, 'succeeded']]);
    assert.equal((await catalog.listJobs(1)).length, 1);
  });
});

test('catalog: jobs left queued or running by a process that is gone are marked failed, interrupted; finished ones stay', async () => {
  await withCatalog(async ({ catalog, clock }) => {
    const job = (status: Job['status']) => newJob(clock, { kind: 'snapshot', trigger: 'schedule', sourceId: null, policyId: null, status });
    const [running, queued, done, failed] = [job('running'), job('queued'), job('succeeded'), job('failed')];
    for (const j of [running, queued, done, failed]) await catalog.recordJob(j);
    clock.advance(60_000);
    const marked = await catalog.failInterruptedJobs();
    assert.deepEqual(marked.map((j) => j.id).sort(), [running.id, queued.id].sort());
    const byId = new Map((await catalog.listJobs()).map((j) => [j.id, j]));
    for (const id of [running.id, queued.id]) {
      const j = byId.get(id)!;
      assert.equal(j.status, 'failed');
      assert.equal(j.message, INTERRUPTED_MESSAGE);
      assert.deepEqual(j.error, { code: 'E_INTERRUPTED', message: 'interrupted: the process running it stopped' });
      assert.equal(j.finishedAt, '2026-11-25T12:01:00.000Z');
    }
    assert.deepEqual(byId.get(done.id), done);
    assert.deepEqual(byId.get(failed.id), failed);
    assert.deepEqual(await catalog.failInterruptedJobs(), [], 'nothing is left open the second time');
  });
});

test('catalog: a lost state file is rebuilt from the repository with its policies and settings', async () => {
  await withCatalog(async ({ home, catalog, clock }) => {
    const p = await catalog.createPolicy({ ...nightly, sourceIds: ['web', 'db'] });
    await catalog.updateSettings({ autoSnapshotQuota: 12 });
    await fsp.rm(join(home, 'state.json'));
    const again = await Catalog.open(home, { clock });
    try {
      assert.deepEqual(await again.listPolicies(), [p]);
      assert.equal((await again.getSettings()).autoSnapshotQuota, 12);
      assert.equal(again.recovery?.reason, 'missing');
      const state = JSON.parse(await fsp.readFile(join(home, 'state.json'), 'utf8'));
      assert.deepEqual(state.sources.map((s: { name: string }) => s.name).sort(), ['db', 'web']);
    } finally {
      await again.close();
    }
  });
});

test('catalog: a corrupt state file is moved aside, never overwritten, and the state rebuilt', async () => {
  await withCatalog(async ({ home, catalog, clock }) => {
    const p = await catalog.createPolicy({ ...nightly, sourceIds: ['web'] });
    const garbage = '{"format":1,"policies":[{"id": trunc';
    await fsp.writeFile(join(home, 'state.json'), garbage);
    clock.advance(60_000);
    assert.deepEqual(await catalog.listPolicies(), [p]);
    const aside = (await fsp.readdir(home)).filter((n) => n.startsWith('state.json.corrupt-'));
    assert.deepEqual(aside, ['state.json.corrupt-2026-11-25T12-01-00-000Z']);
    assert.equal(await fsp.readFile(join(home, aside[0]!), 'utf8'), garbage);
    assert.equal(catalog.recovery?.reason, 'corrupt');
    assert.match(catalog.recovery!.message, /moved to .*state\.json\.corrupt-/);
  });
});

test('catalog: two catalogs on one home (two processes) never lose each other\'s changes', async () => {
  await withCatalog(async ({ home, catalog, clock }) => {
    const other = await Catalog.open(home, { clock });
    try {
      const jobs = Array.from({ length: 20 }, () => newJob(clock, { kind: 'snapshot', trigger: 'schedule', sourceId: null, policyId: null }));
      await Promise.all(jobs.map((j, i) => (i % 2 ? catalog : other).recordJob(j)));
      assert.equal((await catalog.listJobs()).length, 20);
      const files = await fsp.readdir(home);
      assert.ok(!files.includes('state.json.lock'), 'the lock is released');
    } finally {
      await other.close();
    }
  });
});
