import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byCreation, compareText } from '../../engine/core/order';

test('records sort oldest first, then by id, by code units whatever the locale', () => {
  const at = (ms: number) => new Date(ms).toISOString();
  const recs = [
    { id: 'b', createdAt: at(Date.UTC(2026, 0, 2)) },
    { id: 'c', createdAt: at(Date.UTC(2025, 11, 31, 23, 59, 59, 999)) },
    { id: 'a', createdAt: at(Date.UTC(2026, 0, 2)) },
    { id: 'd', createdAt: at(Date.UTC(2026, 0, 1, 0, 0, 0, 1)) },
  ];
  assert.deepEqual([...recs].sort(byCreation).map((r) => r.id), ['c', 'd', 'a', 'b']);
  // A collator puts "a" before "B" and ignores case differences first; code units do not.
  assert.deepEqual(['b', 'a', 'B', 'A', '_'].sort(compareText), ['A', 'B', '_', 'a', 'b']);
  assert.equal(compareText('x', 'x'), 0);
});
