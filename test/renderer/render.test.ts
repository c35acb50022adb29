import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { Chain, Snapshot } from '../../engine/api/contract';
import { ChainTimeline } from '../../renderer/disk-detail/chain-timeline';
import { SnapshotTable } from '../../renderer/disk-detail/snapshot-table';
import { ScheduleGrid } from '../../renderer/policies/schedule-grid';
import { EncryptionBadge, ProgressBar } from '../../renderer/ui/widgets';

const MiB = 1024 * 1024;

function snap(id: string, exclusiveBytes: number, status: Snapshot['status'] = 'accomplished'): Snapshot {
  return {
    id, sourceId: 's', name: id, type: 'manual', status, progress: status === 'progressing' ? 40 : 100, createdAt: '2026-03-01T10:00:00Z',
    encrypted: true, sourceBytes: 16 * MiB, exclusiveBytes, addedBytes: exclusiveBytes, retainUntil: null, policyId: null, parentId: null,
  };
}

const chain: Chain = {
  source: { id: 's', name: 'laptop', path: '/img/laptop.img', kind: 'image', blockSize: 65536, encrypted: true, compression: 'lz4', sizeBytes: 16 * MiB, createdAt: '' },
  snapshotCount: 2,
  totalBytes: 10 * MiB,
  sourceBytes: 16 * MiB,
  snapshots: [snap('monday', 8 * MiB), snap('tuesday', MiB)],
};

test('the timeline draws one bar per snapshot, the shared rest and the chain total', () => {
  const html = renderToStaticMarkup(createElement(ChainTimeline, { chain }));
  assert.match(html, /data-testid="chain-total" data-bytes="10485760">10 MiB</);
  assert.equal(html.match(/data-testid="timeline-row"/g)?.length, 2);
  assert.match(html, /width:80%/);
  assert.match(html, /width:10%/);
  assert.match(html, /Shared.*1 MiB/);
});

test('the snapshot table shows newest first, live progress and disables actions while running', () => {
  const snapshots = [...chain.snapshots, snap('now', 0, 'progressing')];
  const html = renderToStaticMarkup(createElement(SnapshotTable, { snapshots, live: new Map([['now', 73]]), onDelete: () => undefined, onRestore: () => undefined }));
  const order = [...html.matchAll(/data-snapshot-id="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(order, ['now', 'tuesday', 'monday']);
  assert.match(html, /aria-valuenow="73"/);
  assert.match(html, /73 %/);
  assert.match(html, /<button type="button" disabled="" aria-label="Restore now">/);
  assert.match(html, /aria-label="Delete monday">/);
});

test('the grid marks exactly the cells of chosen hours on chosen days', () => {
  const html = renderToStaticMarkup(createElement(ScheduleGrid, { value: { timePoints: [2, 14], repeatWeekdays: [6, 7] }, onChange: () => undefined }));
  const on = [...html.matchAll(/aria-selected="true" aria-label="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(on, ['Sat 2:00', 'Sat 14:00', 'Sun 2:00', 'Sun 14:00']);
  assert.equal(html.match(/tabindex="0"/g)?.length, 1, 'the grid is a single Tab stop');
  assert.match(html, /At 02:00, 14:00 on Sat, Sun — 4 runs a week\./);
});

test('badges and progress bars say what they show', () => {
  assert.match(renderToStaticMarkup(createElement(EncryptionBadge, { encrypted: true })), /Encrypted/);
  assert.match(renderToStaticMarkup(createElement(EncryptionBadge, { encrypted: false })), /Plaintext/);
  const bar = renderToStaticMarkup(createElement(ProgressBar, { percent: 120, label: 'x' }));
  assert.match(bar, /aria-valuenow="100"/);
  assert.match(bar, /width:100%/);
});
