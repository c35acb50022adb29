import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latestRunIn, nextRunAt, nextRuns } from '../../engine/policy/schedule';

const BERLIN = 'Europe/Berlin';
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const iso = (list: Date[]) => list.map((d) => d.toISOString());

// Golden cases: each names a situation and the runs it must give (UTC instants).
const CASES: { name: string; timePoints: number[]; weekdays: number[]; after: string; zone: string; runs: string[] }[] = [
  {
    name: 'two time points a day, winter time (UTC+1)',
    timePoints: [2, 14], weekdays: EVERY_DAY, after: '2026-11-25T00:00:00Z', zone: BERLIN,
    runs: ['2026-11-25T01:00:00.000Z', '2026-11-25T13:00:00.000Z', '2026-11-26T01:00:00.000Z'],
  },
  {
    name: 'weekdays only: Friday 14:00 is followed by Monday 02:00',
    timePoints: [2, 14], weekdays: [1, 2, 3, 4, 5], after: '2026-11-27T12:00:00Z', zone: BERLIN,
    runs: ['2026-11-27T13:00:00.000Z', '2026-11-30T01:00:00.000Z', '2026-11-30T13:00:00.000Z'],
  },
  {
    name: 'a time point exactly at "after" is not the next run',
    timePoints: [14], weekdays: EVERY_DAY, after: '2026-11-25T13:00:00Z', zone: BERLIN,
    runs: ['2026-11-26T13:00:00.000Z'],
  },
  {
    name: 'spring forward (28 Mar 2027): 02:00 does not exist, it runs once at the jump, merged with 03:00',
    timePoints: [2, 3], weekdays: EVERY_DAY, after: '2027-03-27T12:00:00Z', zone: BERLIN,
    runs: ['2027-03-28T01:00:00.000Z', '2027-03-29T00:00:00.000Z', '2027-03-29T01:00:00.000Z'],
  },
  {
    name: 'spring forward: a lone 02:00 time point is not lost',
    timePoints: [2], weekdays: [7], after: '2027-03-27T12:00:00Z', zone: BERLIN,
    runs: ['2027-03-28T01:00:00.000Z', '2027-04-04T00:00:00.000Z'],
  },
  {
    name: 'fall back (31 Oct 2027): 02:00 happens twice, it runs once, at the first (CEST) one',
    timePoints: [2, 3], weekdays: EVERY_DAY, after: '2027-10-30T12:00:00Z', zone: BERLIN,
    runs: ['2027-10-31T00:00:00.000Z', '2027-10-31T02:00:00.000Z', '2027-11-01T01:00:00.000Z'],
  },
  {
    name: 'fall back with hourly points: 02:00 runs once, 03:00 comes two real hours later',
    timePoints: [0, 1, 2, 3], weekdays: [7], after: '2027-10-30T21:00:00Z', zone: BERLIN,
    runs: ['2027-10-30T22:00:00.000Z', '2027-10-30T23:00:00.000Z', '2027-10-31T00:00:00.000Z', '2027-10-31T02:00:00.000Z'],
  },
  {
    name: 'another zone: New York, Mondays at midnight and 23:00',
    timePoints: [0, 23], weekdays: [1], after: '2026-11-25T12:00:00Z', zone: 'America/New_York',
    runs: ['2026-11-30T05:00:00.000Z', '2026-12-01T04:00:00.000Z', '2026-12-07T05:00:00.000Z'],
  },
];

for (const c of CASES) {
  test(`nextRunAt: ${c.name}`, () => {
    assert.deepEqual(iso(nextRuns({ timePoints: c.timePoints, repeatWeekdays: c.weekdays }, new Date(c.after), c.zone, c.runs.length)), c.runs);
  });
}

test('nextRunAt: a schedule without time points or weekdays never runs', () => {
  assert.equal(nextRunAt({ timePoints: [], repeatWeekdays: EVERY_DAY }, new Date(), BERLIN), null);
  assert.equal(nextRunAt({ timePoints: [3], repeatWeekdays: [] }, new Date(), BERLIN), null);
});

test('nextRunAt: an unknown time zone is refused with a clear message', () => {
  assert.throws(() => nextRunAt({ timePoints: [3], repeatWeekdays: [1] }, new Date(), 'Mars/Olympus'), /Expected an IANA time zone .* got "Mars\/Olympus"/);
});

test('latestRunIn: after three missed days only the latest time point is due', () => {
  const p = { timePoints: [2, 14], repeatWeekdays: EVERY_DAY };
  const due = latestRunIn(p, new Date('2026-11-20T00:00:00Z'), new Date('2026-11-23T10:00:00Z'), BERLIN);
  assert.equal(due?.toISOString(), '2026-11-23T01:00:00.000Z');
  assert.equal(latestRunIn(p, new Date('2026-11-23T01:00:00Z'), new Date('2026-11-23T10:00:00Z'), BERLIN), null);
});

test('latestRunIn: a machine off for a year still finds the latest run', () => {
  const p = { timePoints: [9], repeatWeekdays: [3] };
  const due = latestRunIn(p, new Date('2025-01-01T00:00:00Z'), new Date('2026-11-26T00:00:00Z'), BERLIN);
  assert.equal(due?.toISOString(), '2026-11-25T08:00:00.000Z');
});
