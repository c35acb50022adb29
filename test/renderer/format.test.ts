import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDateTime, formatDuration, formatPercent, formatRatio, formatRetention, plural } from '../../renderer/ui/format';

test('formatBytes uses binary units like the CLI', () => {
  const cases: [number, string][] = [
    [0, '0 B'],
    [512, '512 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [64 * 1024 * 1024, '64 MiB'],
    [150 * 1024 * 1024, '150 MiB'],
    [3.25 * 1024 ** 3, '3.3 GiB'],
    [-1, '—'],
    [Number.NaN, '—'],
  ];
  for (const [n, want] of cases) assert.equal(formatBytes(n), want, `formatBytes(${n})`);
});

test('formatPercent clamps and floors so 100 % means done', () => {
  assert.equal(formatPercent(99.9), '99 %');
  assert.equal(formatPercent(100), '100 %');
  assert.equal(formatPercent(140), '100 %');
  assert.equal(formatPercent(-3), '0 %');
});

test('formatDateTime is stable and tolerates missing values', () => {
  const d = new Date(2026, 0, 2, 3, 4);
  assert.equal(formatDateTime(d.toISOString()), '2026-01-02 03:04');
  assert.equal(formatDateTime(null), '—');
  assert.equal(formatDateTime('not a date'), '—');
});

test('formatDuration, formatRatio and formatRetention', () => {
  assert.equal(formatDuration(250), '250 ms');
  assert.equal(formatDuration(2500), '2.5 s');
  assert.equal(formatDuration(125_000), '2 min 5 s');
  assert.equal(formatDuration(null), '—');
  assert.equal(formatRatio(2.345), '2.35×');
  assert.equal(formatRatio(0), '—');
  assert.equal(formatRetention(-1), 'until deleted');
  assert.equal(formatRetention(1), '1 day');
  assert.equal(formatRetention(30), '30 days');
  assert.equal(plural(1, 'disk'), '1 disk');
  assert.equal(plural(0, 'pack'), '0 packs');
});
