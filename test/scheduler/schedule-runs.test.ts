import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localStamp } from '../../engine/scheduler/log';
import { BERLIN, createScheduler } from './harness';

test('scheduler: three weeks of time points on chosen weekdays, each run once, on time', async () => {
  const h = createScheduler('2026-11-01T23:00:00Z'); // Monday 00:00 in Berlin
  h.catalog.add({ name: 'mwf', timePoints: [2, 14], repeatWeekdays: [1, 3, 5], retentionDays: 30, sourceIds: ['src-web'] });
  await h.scheduler.start();
  await h.runUntil('2026-11-22T23:00:00Z');
  await h.scheduler.stop();
  const stamps = h.engine.requests.map((r) => localStamp(Date.parse(r.at), BERLIN));
  assert.equal(stamps.length, 18);
  const days = new Set(h.engine.requests.map((r) => new Date(r.at).toLocaleDateString('en-GB', { weekday: 'short', timeZone: BERLIN })));
  assert.deepEqual([...days].sort(), ['Fri', 'Mon', 'Wed']);
  assert.ok(stamps.every((s) => / (02|14):00:00 \+01:00$/.test(s)), stamps.join(', '));
  assert.ok(h.engine.requests.every((r) => r.trigger === 'schedule' && r.policyId === 'pol-1'));
  assert.ok(h.engine.requests.every((r) => r.retainUntil === new Date(Date.parse(r.at) + 30 * 86_400_000).toISOString()));
});

/** The instants at which a policy ran between `start` and `until`. */
async function runsOf(start: string, until: string, timePoints: number[]): Promise<string[]> {
  const h = createScheduler(start);
  h.catalog.add({ name: 'night', timePoints, repeatWeekdays: [1, 2, 3, 4, 5, 6, 7], retentionDays: 30, sourceIds: ['src-web'] });
  await h.scheduler.start();
  await h.runUntil(until);
  await h.scheduler.stop();
  return h.engine.requests.map((r) => r.at);
}

test('scheduler: DST change days in Europe/Berlin: no lost run in the skipped hour, no double run in the repeated one', async () => {
  assert.deepEqual(await runsOf('2027-03-27T00:00:00Z', '2027-03-29T12:00:00Z', [2, 3]), [
    '2027-03-27T01:00:00.000Z', '2027-03-27T02:00:00.000Z', // Saturday 02:00 and 03:00 CET
    '2027-03-28T01:00:00.000Z', // Sunday: 02:00 never happens; it runs at the jump, which is 03:00 CEST too
    '2027-03-29T00:00:00.000Z', '2027-03-29T01:00:00.000Z', // Monday 02:00 and 03:00 CEST
  ]);
  assert.deepEqual(await runsOf('2027-10-29T23:00:00Z', '2027-11-01T12:00:00Z', [2, 3]), [
    '2027-10-30T00:00:00.000Z', '2027-10-30T01:00:00.000Z',
    '2027-10-31T00:00:00.000Z', // Sunday 02:00 CEST; the second 02:00 (CET) does not run again
    '2027-10-31T02:00:00.000Z', // 03:00 CET
    '2027-11-01T01:00:00.000Z', '2027-11-01T02:00:00.000Z',
  ]);
});

test('scheduler: sleeping across time points gives one catch-up run on wake, not a burst', async () => {
  const h = createScheduler('2026-11-23T00:00:00Z');
  h.catalog.add({ name: 'twice', timePoints: [2, 14], repeatWeekdays: [1, 2, 3, 4, 5, 6, 7], retentionDays: 30, sourceIds: ['src-web'] });
  await h.scheduler.start();
  await h.runUntil('2026-11-23T09:00:00Z');
  assert.equal(h.engine.requests.length, 1);
  await h.sleepUntil('2026-11-26T09:30:00Z'); // asleep for three days: six time points passed
  assert.deepEqual(h.engine.requests.slice(1).map((r) => [r.at, r.trigger]), [['2026-11-26T09:30:00.000Z', 'catch-up']]);
  assert.ok(h.log.lines.some((l) => /the run at 2026-11-26 02:00:00 \+01:00 was missed .*catching up once/.test(l)), h.log.lines.join('\n'));
  await h.runUntil('2026-11-26T14:00:00Z');
  await h.scheduler.stop();
  assert.deepEqual(h.engine.requests.slice(2).map((r) => [r.at, r.trigger]), [['2026-11-26T13:00:00.000Z', 'schedule']]);
});

test('scheduler: a run whose source is still progressing is skipped and logged as a skipped job', async () => {
  const h = createScheduler('2026-11-22T23:30:00Z'); // Monday 00:30 in Berlin
  h.catalog.add({ name: 'hourly', timePoints: [1, 2, 3], repeatWeekdays: [1], retentionDays: 30, sourceIds: ['src-web'] });
  await h.scheduler.start();
  await h.scheduler.whenIdle();
  h.engine.holding = true;
  h.clock.set(Date.parse('2026-11-23T00:00:00Z')); // 01:00: the first run starts and stays progressing
  await until(() => h.engine.requests.length === 1);
  h.clock.set(Date.parse('2026-11-23T01:00:00Z')); // 02:00: the source is still busy
  await until(() => h.catalog.jobs.length === 1);
  h.engine.holding = false;
  h.engine.release();
  await h.runUntil('2026-11-23T03:00:00Z');
  await h.scheduler.stop();
  assert.deepEqual(h.snapshotJobs().map((j) => j.status), ['skipped', 'succeeded', 'succeeded']);
  const skipped = h.snapshotJobs()[0]!;
  assert.equal(skipped.createdAt, '2026-11-23T01:00:00.000Z');
  assert.match(skipped.message!, /the previous snapshot of web is still progressing; this run is skipped/);
  assert.ok(h.log.lines.some((l) => l.startsWith('warn policy "hourly" (schedule): the previous snapshot of web is still progressing')));
  assert.deepEqual(h.engine.requests.map((r) => r.at), ['2026-11-23T00:00:00.000Z', '2026-11-23T02:00:00.000Z']);
});

/** Waits (in real time, briefly) until `cond` holds: for states reached while a run is held. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  assert.ok(cond(), 'the awaited state was reached');
}

test('scheduler: pausing lets time points pass, and they are caught up once when the pause ends', async () => {
  const h = createScheduler('2026-11-23T00:00:00Z');
  h.catalog.add({ name: 'twice', timePoints: [2, 14], repeatWeekdays: [1, 2, 3, 4, 5, 6, 7], retentionDays: 30, sourceIds: ['src-web'] });
  await h.scheduler.start();
  const state = await h.scheduler.pause(new Date('2026-11-24T10:00:00Z'));
  assert.equal(state.pausedUntil, '2026-11-24T10:00:00.000Z');
  assert.equal(state.nextRun?.at, '2026-11-24T13:00:00.000Z');
  await h.runUntil('2026-11-24T12:00:00Z');
  await h.scheduler.stop();
  assert.deepEqual(h.engine.requests.map((r) => [r.at, r.trigger]), [['2026-11-24T10:00:00.000Z', 'catch-up']]);
  assert.equal(h.catalog.record.pausedUntil, null);
});
