import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyInput } from '../../engine/api/contract';
import type { Policy } from '../../engine/core/types';
import { assertOnePolicyPerSource, assertUniqueName, resolveSourceIds, validatePolicyFields } from '../../engine/policy/validate';

const base: PolicyInput = { name: 'nightly', timePoints: [2, 14], repeatWeekdays: [1, 2, 3, 4, 5, 6, 7], retentionDays: 30 };

const BAD: { name: string; change: Partial<PolicyInput>; message: RegExp }[] = [
  { name: 'hour 24', change: { timePoints: [2, 24] }, message: /Expected time points as whole hours from 0 to 23, got 24/ },
  { name: 'no time point', change: { timePoints: [] }, message: /Expected at least one time point \(an hour from 0 to 23\), got none/ },
  { name: 'empty weekdays', change: { repeatWeekdays: [] }, message: /Expected at least one weekday from 1 \(Monday\) to 7 \(Sunday\), got none/ },
  { name: 'weekday 0', change: { repeatWeekdays: [0] }, message: /Expected weekdays from 1 \(Monday\) to 7 \(Sunday\), got 0/ },
  { name: 'retention 0', change: { retentionDays: 0 }, message: /Expected retention days from 1 to 65535, or -1 to keep until deleted, got 0/ },
  { name: 'retention 65536', change: { retentionDays: 65536 }, message: /got 65536/ },
  { name: 'a fractional hour', change: { timePoints: [1.5] }, message: /whole hours from 0 to 23, got 1.5/ },
  { name: 'negative GFS count', change: { gfs: { keepDaily: -1 } }, message: /Expected keepDaily as a whole number from 0 to 65535, got -1/ },
  { name: 'idle minutes past a day', change: { offPeak: { idleMinutes: 2000 } }, message: /Expected idle minutes from 0 to 1440, got 2000/ },
  { name: 'an empty name', change: { name: '  ' }, message: /Expected a policy name of 1 to 100 printable characters/ },
  { name: 'a negative I/O budget', change: { ioBudget: -5 }, message: /Expected an I\/O budget in bytes per second/ },
];

for (const c of BAD) {
  test(`validation refuses ${c.name}`, () => {
    assert.throws(() => validatePolicyFields({ ...base, ...c.change }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'E_INVALID');
      assert.match(err.message, c.message);
      return true;
    });
  });
}

test('validation lists every problem at once', () => {
  assert.throws(() => validatePolicyFields({ ...base, timePoints: [24], repeatWeekdays: [], retentionDays: 0 }), /the policy has 3 problems:\n- .*got 24\n- .*got none\n- .*got 0/);
});

test('valid fields come back canonical: sorted, no duplicates, defaults filled, zero GFS rules dropped', () => {
  const f = validatePolicyFields({ ...base, timePoints: [14, 2, 14], repeatWeekdays: [5, 1], retentionDays: -1, gfs: { keepDaily: 7, keepWeekly: 0 } });
  assert.deepEqual(f.timePoints, [2, 14]);
  assert.deepEqual(f.repeatWeekdays, [1, 5]);
  assert.equal(f.retentionDays, -1);
  assert.deepEqual(f.gfs, { keepDaily: 7 });
  assert.deepEqual(f.offPeak, { requireAcPower: false, idleMinutes: 0, deadlineMinutes: 0 });
  assert.equal(f.enabled, true);
});

const policy = (id: string, name: string, sourceIds: string[]): Policy => ({
  id, name, sourceIds, enabled: true, timePoints: [2], repeatWeekdays: [1], retentionDays: 7, gfs: null,
  offPeak: { requireAcPower: false, idleMinutes: 0, deadlineMinutes: 0 }, ioBudget: 0, createdAt: '2026-01-01T00:00:00.000Z',
});

test('a duplicate name is refused (case-insensitive), but a policy may keep its own', () => {
  const list = [policy('pol-1', 'Nightly', [])];
  assert.throws(() => assertUniqueName('nightly', list), /a policy named "Nightly" exists already \(pol-1\); choose another name/);
  assert.doesNotThrow(() => assertUniqueName('nightly', list, 'pol-1'));
});

test('an unknown source is refused by the name given', () => {
  const sources = [{ id: 'src-aaaa1111', name: 'web' }];
  assert.deepEqual(resolveSourceIds(['web', 'src-aaaa1111'], sources), ['src-aaaa1111']);
  assert.throws(() => resolveSourceIds(['db'], sources), /unknown source "db": no source has this id or name/);
});

test('a source carries one policy', () => {
  const list = [policy('pol-1', 'nightly', ['src-1'])];
  assert.throws(() => assertOnePolicyPerSource('pol-2', ['src-1'], list, new Map([['src-1', 'web']])), /source "web" already carries policy "nightly"/);
  assert.doesNotThrow(() => assertOnePolicyPerSource('pol-1', ['src-1'], list, new Map()));
});
