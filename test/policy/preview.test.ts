import { test } from 'node:test';
import assert from 'node:assert/strict';
import { previewPolicy } from '../../engine/policy/preview';
import type { RetentionSnapshot } from '../../engine/policy/retention';

const snap = (id: string, createdAt: string, extra: Partial<RetentionSnapshot> = {}): RetentionSnapshot => ({
  id, sourceId: 'src-web', name: id, type: 'auto', status: 'accomplished', createdAt, retainUntil: null, policyId: 'pol-1', ...extra,
});

test('preview: the next runs, and which snapshots retention deletes at which run, with the reason', () => {
  const preview = previewPolicy({
    policy: { id: 'pol-1', name: 'nightly', timePoints: [2], repeatWeekdays: [1, 2, 3, 4, 5, 6, 7], retentionDays: 2, sourceIds: ['src-web'] },
    snapshots: [
      snap('old', '2026-11-20T01:00:00.000Z', { retainUntil: '2026-11-22T01:00:00.000Z' }),
      snap('recent', '2026-11-24T01:00:00.000Z', { retainUntil: '2026-11-26T01:00:00.000Z' }),
      snap('mine', '2026-11-01T01:00:00.000Z', { type: 'manual', policyId: null }),
    ],
    now: new Date('2026-11-25T12:00:00Z'),
    timeZone: 'Europe/Berlin',
    count: 3,
    quota: 1000,
  });
  assert.deepEqual(preview.nextRuns, [
    { at: '2026-11-26T01:00:00.000Z', sourceIds: ['src-web'] },
    { at: '2026-11-27T01:00:00.000Z', sourceIds: ['src-web'] },
    { at: '2026-11-28T01:00:00.000Z', sourceIds: ['src-web'] },
  ]);
  assert.deepEqual(preview.deletions.map((d) => [d.snapshotId, d.at]), [['old', '2026-11-26T01:00:00.000Z'], ['recent', '2026-11-26T01:00:00.000Z']]);
  assert.match(preview.deletions[0]!.reason, /^expired: retention ended 2026-11-22T01:00:00.000Z$/);
});

test('preview: the quota shows where a new run pushes the oldest automatic snapshot out', () => {
  const preview = previewPolicy({
    policy: { name: 'new one', timePoints: [14], repeatWeekdays: [3], retentionDays: -1, sourceIds: ['src-web'] },
    snapshots: [snap('a', '2026-11-01T01:00:00.000Z', { policyId: null }), snap('b', '2026-11-02T01:00:00.000Z', { policyId: null })],
    now: new Date('2026-11-25T12:00:00Z'),
    timeZone: 'UTC',
    count: 2,
    quota: 2,
  });
  assert.deepEqual(preview.deletions.map((d) => [d.snapshotId, d.at]), [['a', '2026-11-25T14:00:00.000Z'], ['b', '2026-12-02T14:00:00.000Z']]);
  assert.match(preview.deletions[0]!.reason, /over the quota of 2/);
});

test('preview: a disabled policy has no next runs', () => {
  const preview = previewPolicy({
    policy: { name: 'off', enabled: false, timePoints: [2], repeatWeekdays: [1], retentionDays: 1, sourceIds: ['src-web'] },
    snapshots: [snap('a', '2020-01-01T00:00:00.000Z', { retainUntil: '2020-01-02T00:00:00.000Z' })],
    now: new Date('2026-11-25T12:00:00Z'), timeZone: 'UTC', count: 5, quota: 1000,
  });
  assert.deepEqual(preview, { nextRuns: [], deletions: [] });
});
