import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Chain, Snapshot } from '../../engine/api/contract';
import { buildTimeline, MIN_VISIBLE_PERCENT } from '../../renderer/disk-detail/timeline-model';

function snap(id: string, exclusiveBytes: number, status: Snapshot['status'] = 'accomplished'): Snapshot {
  return {
    id, sourceId: 's', name: id, type: 'manual', status, progress: 100, createdAt: '2026-01-01T00:00:00Z', encrypted: false,
    sourceBytes: 1 << 24, exclusiveBytes, addedBytes: exclusiveBytes, retainUntil: null, policyId: null, parentId: null,
  };
}

function chain(totalBytes: number, snapshots: Snapshot[]): Chain {
  const source = { id: 's', name: 'disk', path: '/d.img', kind: 'image' as const, blockSize: 65536, encrypted: false, compression: 'lz4' as const, sizeBytes: 1 << 24, createdAt: '' };
  return { source, snapshotCount: snapshots.length, totalBytes, sourceBytes: 1 << 24, snapshots };
}

test('bars are each snapshot’s exclusive share of the chain total', () => {
  const t = buildTimeline(chain(1000, [snap('a', 600), snap('b', 100), snap('c', 100)]));
  assert.deepEqual(t.bars.map((b) => b.widthPercent), [60, 10, 10]);
  assert.equal(t.sharedBytes, 200);
  assert.equal(t.sharedPercent, 20);
  assert.equal(t.totalBytes, 1000);
});

test('a tiny snapshot stays visible and an empty one stays empty', () => {
  const t = buildTimeline(chain(1_000_000, [snap('a', 999_000), snap('b', 1), snap('c', 0)]));
  assert.equal(t.bars[1]!.widthPercent, MIN_VISIBLE_PERCENT);
  assert.equal(t.bars[2]!.widthPercent, 0);
});

test('snapshots still in progress or failed are not drawn', () => {
  const t = buildTimeline(chain(500, [snap('a', 500), snap('b', 0, 'progressing'), snap('c', 0, 'failed')]));
  assert.deepEqual(t.bars.map((b) => b.snapshotId), ['a']);
  assert.equal(t.sharedBytes, 0);
});

test('an empty chain has no bars and no division by zero', () => {
  const t = buildTimeline(chain(0, []));
  assert.equal(t.bars.length, 0);
  assert.equal(t.sharedPercent, 0);
});
