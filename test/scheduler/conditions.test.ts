import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScheduler } from './harness';

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

test('off-peak: on battery a run waits for AC power, and runs anyway at its deadline', async () => {
  const h = createScheduler('2026-11-23T00:00:00Z', { tickMs: 60_000 });
  h.catalog.add({ name: 'ac', timePoints: [2], repeatWeekdays: EVERY_DAY, retentionDays: 30, offPeak: { requireAcPower: true, deadlineMinutes: 60 }, sourceIds: ['src-web'] });
  h.signals.ac = false;
  await h.scheduler.start();
  await h.runUntil('2026-11-23T01:30:00Z'); // 02:30 local, still on battery
  assert.equal(h.engine.requests.length, 0);
  assert.ok(h.log.lines.some((l) => /run deferred while on battery power; .*until the deadline at 2026-11-23 03:00:00 \+01:00/.test(l)), h.log.lines.join('\n'));
  h.signals.ac = true; // plugged in
  await h.runUntil('2026-11-23T01:32:00Z');
  assert.deepEqual(h.engine.requests.map((r) => [r.at, r.trigger]), [['2026-11-23T01:31:00.000Z', 'schedule']]);
  h.signals.ac = false; // the next night stays on battery: the deadline wins
  await h.runUntil('2026-11-24T03:00:00Z');
  await h.scheduler.stop();
  assert.deepEqual(h.engine.requests.slice(1).map((r) => r.at), ['2026-11-24T02:00:00.000Z']);
  assert.ok(h.log.lines.some((l) => /deadline reached; running although on battery power/.test(l)));
});

test('off-peak: a run waits until the system has been idle long enough', async () => {
  const h = createScheduler('2026-11-23T00:00:00Z', { tickMs: 60_000 });
  h.catalog.add({ name: 'idle', timePoints: [2], repeatWeekdays: EVERY_DAY, retentionDays: 30, offPeak: { idleMinutes: 10 }, sourceIds: ['src-web'] });
  h.signals.idle = 60; // someone is working
  await h.scheduler.start();
  await h.runUntil('2026-11-23T03:00:00Z');
  assert.equal(h.engine.requests.length, 0, 'no deadline: it keeps waiting');
  h.signals.idle = 11 * 60;
  await h.runUntil('2026-11-23T03:05:00Z');
  await h.scheduler.stop();
  assert.deepEqual(h.engine.requests.map((r) => r.at), ['2026-11-23T03:01:00.000Z']);
});

test('retention after each run: over two weeks only the last days stay; the manual snapshot is never touched', async () => {
  const h = createScheduler('2026-11-01T00:00:00Z');
  const manual = h.engine.addManual('src-web');
  h.catalog.add({ name: 'short', timePoints: [3], repeatWeekdays: EVERY_DAY, retentionDays: 3, sourceIds: ['src-web'] });
  await h.scheduler.start();
  await h.runUntil('2026-11-15T12:00:00Z');
  await h.scheduler.stop();
  assert.equal(h.engine.requests.length, 15);
  const autos = h.engine.snapshots.filter((s) => s.type === 'auto').map((s) => s.createdAt);
  assert.deepEqual(autos, ['2026-11-13T02:00:00.000Z', '2026-11-14T02:00:00.000Z', '2026-11-15T02:00:00.000Z'], 'a snapshot goes at the first run at or after its retainUntil');
  assert.ok(h.engine.snapshots.some((s) => s.id === manual.id));
  const deletes = h.catalog.jobs.filter((j) => j.kind === 'delete');
  assert.equal(deletes.length, 12);
  assert.ok(deletes.every((j) => j.status === 'succeeded' && /expired: retention ended/.test(j.message!) && j.figures.freedBytes === 100));
});

test('quota: past N automatic snapshots per source the oldest goes, the manual one stays', async () => {
  const h = createScheduler('2026-11-01T00:00:00Z');
  h.catalog.settings.autoSnapshotQuota = 4;
  const manual = h.engine.addManual('src-web');
  h.catalog.add({ name: 'many', timePoints: [1, 7, 13, 19], repeatWeekdays: EVERY_DAY, retentionDays: 365, sourceIds: ['src-web'] });
  await h.scheduler.start();
  await h.runUntil('2026-11-03T00:00:00Z');
  await h.scheduler.stop();
  assert.equal(h.engine.requests.length, 8);
  const autos = h.engine.snapshots.filter((s) => s.type === 'auto');
  assert.equal(autos.length, 4);
  assert.deepEqual(autos.map((s) => s.createdAt), h.engine.requests.slice(4).map((r) => r.at));
  assert.ok(h.engine.snapshots.includes(manual));
  assert.ok(h.catalog.jobs.filter((j) => j.kind === 'delete').every((j) => /over the quota of 4/.test(j.message!)));
});

test('a policy created, applied or enabled late does not catch up time points from before', async () => {
  const h = createScheduler('2026-11-01T00:00:00Z');
  const p = h.catalog.add({ name: 'later', timePoints: [2], repeatWeekdays: EVERY_DAY, retentionDays: 3 });
  await h.scheduler.start();
  await h.runUntil('2026-11-04T12:00:00Z');
  p.sourceIds = ['src-web'];
  await h.runUntil('2026-11-05T12:00:00Z');
  await h.scheduler.stop();
  assert.deepEqual(h.engine.requests.map((r) => [r.at, r.trigger]), [['2026-11-05T01:00:00.000Z', 'schedule']]);
});

test('stop with cancelRunning cancels the running snapshot cleanly; "snapshot all now" runs every policy', async () => {
  const h = createScheduler('2026-11-23T00:00:00Z', { sources: ['web', 'db'] });
  h.catalog.add({ name: 'a', timePoints: [2], repeatWeekdays: EVERY_DAY, retentionDays: 3, sourceIds: ['src-web'] });
  h.catalog.add({ name: 'b', timePoints: [2], repeatWeekdays: EVERY_DAY, retentionDays: 3, sourceIds: ['src-db'] });
  await h.scheduler.start();
  const jobs = await h.scheduler.runAllNow();
  assert.deepEqual(jobs.map((j) => [j.sourceId, j.trigger, j.status]), [['src-web', 'manual', 'succeeded'], ['src-db', 'manual', 'succeeded']]);
  h.engine.holding = true;
  const running = h.scheduler.runAllNow();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(h.scheduler.state().activeJobs, 2);
  await h.scheduler.stop({ cancelRunning: true });
  assert.deepEqual((await running).map((j) => j.status), ['cancelled', 'cancelled']);
  assert.equal(h.engine.snapshots.filter((s) => s.status === 'progressing').length, 0);
  assert.equal(h.scheduler.state().running, false);
});
