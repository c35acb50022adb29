import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateRequest } from '../../engine/jobs/validate';
import { isStrataError } from '../../engine/core/errors';
import type { ApiMethod } from '../../engine/api/contract';

const refused: [string, ApiMethod, unknown, RegExp][] = [
  ['an unknown method', 'dropTables' as ApiMethod, {}, /one of the API's/],
  ['a relative source path', 'addSource', { path: 'disk.img', encrypted: false }, /absolute path/],
  ['a path with NUL', 'addSource', { path: '/tmp/a\u0000b', encrypted: false }, /absolute path/],
  ['a missing encrypted flag', 'addSource', { path: '/tmp/a.img' }, /addSource\.encrypted to be true or false/],
  ['a block size not a power of two', 'addSource', { path: '/tmp/a.img', encrypted: false, blockSize: 5000 }, /power of two/],
  ['a block size too large', 'addSource', { path: '/tmp/a.img', encrypted: false, blockSize: 4 * 1024 * 1024 }, /from 4096 to 1048576/],
  ['an unknown field', 'createSnapshot', { sourceId: 'src-0123456789abcdef', sourceID: 'x' }, /sourceID to be absent/],
  ['an id with a slash', 'chain', { sourceId: '../../etc' }, /to be an id/],
  ['a string for a boolean', 'deleteSnapshot', { snapshotId: 'snap-1', dryRun: 'false' }, /dryRun to be true or false/],
  ['an array for an object', 'restore', [1, 2], /restore to be an object/],
  ['an argument where none is taken', 'listSources', { all: true }, /no argument/],
  ['an hour 24', 'createPolicy', { name: 'p', timePoints: [24], repeatWeekdays: [1], retentionDays: 7 }, /timePoints\[0\]/],
  ['repeated weekdays', 'createPolicy', { name: 'p', timePoints: [2], repeatWeekdays: [1, 1], retentionDays: 7 }, /without repeats/],
  ['no weekday', 'createPolicy', { name: 'p', timePoints: [2], repeatWeekdays: [], retentionDays: 7 }, /1–7 items/],
  ['retention 0', 'createPolicy', { name: 'p', timePoints: [2], repeatWeekdays: [1], retentionDays: 0 }, /retentionDays/],
  ['a name too long', 'createSnapshot', { sourceId: 'src-1', name: 'x'.repeat(201) }, /1–200 printable/],
  ['a control character in a name', 'createSnapshot', { sourceId: 'src-1', name: 'a\nb' }, /printable/],
  ['a pause time that is not a date', 'pauseSchedules', { until: 'tomorrow' }, /ISO date-time/],
  ['an empty passphrase', 'unlock', { passphrase: '', remember: false }, /passphrase of 1–1024/],
  ['a quota of 0', 'updateSettings', { autoSnapshotQuota: 0 }, /from 1 to 100000/],
  ['a limit as text', 'listJobs', { limit: '10' }, /whole number/],
];

for (const [name, method, arg, message] of refused) {
  test(`refuses ${name}`, () => {
    assert.throws(() => validateRequest(method, arg), (err: unknown) => isStrataError(err, 'E_INVALID') && message.test((err as Error).message));
  });
}

test('accepts well-formed requests and keeps only known fields', () => {
  assert.deepEqual(validateRequest('addSource', { path: '/tmp/a.img', encrypted: true, blockSize: 65536, name: 'a' }), {
    path: '/tmp/a.img', encrypted: true, blockSize: 65536, name: 'a',
  });
  assert.deepEqual(validateRequest('listSnapshots', undefined), {});
  assert.equal(validateRequest('getAppState', {}), undefined);
  assert.deepEqual(validateRequest('pauseSchedules', { until: null }), { until: null });
  const policy = { name: 'nightly', timePoints: [2, 14], repeatWeekdays: [1, 2, 3, 4, 5, 6, 7], retentionDays: -1, gfs: { keepDaily: 7 }, offPeak: { requireAcPower: true } };
  assert.deepEqual(validateRequest('createPolicy', policy), policy);
  assert.deepEqual(validateRequest('updatePolicy', { policyId: 'pol-1', changes: { enabled: false } }), { policyId: 'pol-1', changes: { enabled: false } });
});
