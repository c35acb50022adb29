import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyRetention, type RetentionDecision } from '../../engine/policy/retention';
import { RETENTION_CASES } from './retention-cases';

const GOLDEN = join(import.meta.dirname, 'golden');

/** Decisions compared with golden/<case>.json; STRATA_UPDATE_GOLDEN=1 rewrites the files (review the diff). */
function decide(name: string): RetentionDecision[] {
  const c = RETENTION_CASES.find((x) => x.name === name)!;
  return applyRetention(c.snapshots, c.policy, new Date(c.now), { quota: c.quota, timeZone: c.timeZone });
}

for (const c of RETENTION_CASES) {
  test(`retention golden: ${c.name}`, () => {
    const file = join(GOLDEN, `retention-${c.name}.json`);
    const got = decide(c.name);
    if (process.env.STRATA_UPDATE_GOLDEN === '1') writeFileSync(file, `${JSON.stringify(got, null, 2)}\n`);
    assert.deepEqual(got, JSON.parse(readFileSync(file, 'utf8')));
  });
}

const kept = (list: RetentionDecision[]) => list.filter((d) => d.keep).map((d) => d.snapshotId);
const byId = (list: RetentionDecision[], id: string) => list.find((d) => d.snapshotId === id)!;

test('retention: snapshots past their days expire, manual snapshots never do', () => {
  const got = decide('expiry-keeps-manual');
  assert.deepEqual(kept(got), ['snap-manual-old', 'snap-004', 'snap-005', 'snap-006', 'snap-007', 'snap-008', 'snap-009', 'snap-manual-new']);
  assert.equal(byId(got, 'snap-manual-old').rule, 'manual');
  assert.match(byId(got, 'snap-000').reasons[0]!, /^expired: retention ended 2026-11-08T02:00:00.000Z$/);
});

test('retention: GFS keeps the newest of each day, week and month beyond the retention days', () => {
  const got = decide('gfs-daily-weekly-monthly');
  const gfs = got.filter((d) => d.rule === 'gfs');
  assert.ok(gfs.some((d) => d.reasons.some((r) => r.startsWith('keep-monthly: newest of 2026-10'))), 'October has its monthly keeper');
  assert.ok(gfs.some((d) => d.reasons.some((r) => /^keep-weekly: newest of 2026-W4\d$/.test(r))), 'a weekly keeper');
  assert.equal(got.filter((d) => d.rule === 'retention-days').length, 2, 'the last two days are within retention');
  assert.ok(got.filter((d) => !d.keep).every((d) => d.rule === 'expired'));
});

test('retention: past the quota the oldest automatic snapshots go, whichever policy took them, and manual ones stay', () => {
  const got = decide('quota-takes-the-oldest-automatic');
  assert.deepEqual(got.filter((d) => d.rule === 'quota').map((d) => d.snapshotId), ['snap-000-other', 'snap-000', 'snap-001', 'snap-002']);
  assert.equal(byId(got, 'snap-manual').keep, true);
  assert.equal(got.filter((d) => d.keep && d.rule !== 'manual').length, 5);
});

test('retention: a shortened policy keeps earlier promises; unfinished snapshots are not judged', () => {
  const got = decide('promises-outlive-a-shortened-policy');
  assert.deepEqual(got.filter((d) => !d.keep).map((d) => d.snapshotId), ['snap-expired']);
  assert.equal(byId(got, 'snap-000').rule, 'retention-days');
  assert.equal(byId(got, 'snap-kept-forever').rule, 'keep-forever');
  assert.equal(byId(got, 'snap-progressing').rule, 'not-accomplished');
});
