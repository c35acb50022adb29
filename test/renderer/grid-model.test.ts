import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSchedule, isOn, moveCell, runsPerWeek, toggleCell, toggleDay, toggleHour, type Schedule } from '../../renderer/policies/grid-model';

const weekdays2am: Schedule = { timePoints: [2], repeatWeekdays: [1, 2, 3, 4, 5] };

test('a cell is on only when its hour and its day are both chosen', () => {
  assert.equal(isOn(weekdays2am, 1, 2), true);
  assert.equal(isOn(weekdays2am, 6, 2), false);
  assert.equal(isOn(weekdays2am, 1, 3), false);
});

test('toggling an hour switches a whole column, a day a whole row', () => {
  const more = toggleHour(weekdays2am, 14);
  assert.deepEqual(more.timePoints, [2, 14]);
  for (const d of [1, 2, 3, 4, 5]) assert.equal(isOn(more, d, 14), true);
  const less = toggleDay(more, 3);
  assert.deepEqual(less.repeatWeekdays, [1, 2, 4, 5]);
  assert.equal(isOn(less, 3, 2) || isOn(less, 3, 14), false);
});

test('a cell on a chosen day toggles its hour everywhere', () => {
  const off = toggleCell(weekdays2am, 4, 2);
  assert.deepEqual(off.timePoints, []);
  assert.deepEqual(off.repeatWeekdays, [1, 2, 3, 4, 5]);
});

test('a cell on an unchosen day turns the day on, and its hour if needed', () => {
  const sat = toggleCell(weekdays2am, 6, 2);
  assert.deepEqual(sat.repeatWeekdays, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(sat.timePoints, [2]);
  const sun5 = toggleCell(weekdays2am, 7, 5);
  assert.equal(isOn(sun5, 7, 5), true);
  assert.deepEqual(sun5.timePoints, [2, 5]);
});

test('runs a week and the summary line', () => {
  assert.equal(runsPerWeek(weekdays2am), 5);
  assert.equal(describeSchedule(weekdays2am), 'At 02:00 on Mon, Tue, Wed, Thu, Fri — 5 runs a week.');
  assert.match(describeSchedule({ timePoints: [2, 14], repeatWeekdays: [1, 2, 3, 4, 5, 6, 7] }), /every day — 14 runs/);
  assert.match(describeSchedule({ timePoints: [], repeatWeekdays: [1] }), /^Never runs/);
});

test('arrow keys move within the grid and stop at its edges', () => {
  assert.deepEqual(moveCell({ row: 0, col: 0 }, 'ArrowLeft'), { row: 0, col: 0 });
  assert.deepEqual(moveCell({ row: 0, col: 0 }, 'ArrowRight'), { row: 0, col: 1 });
  assert.deepEqual(moveCell({ row: 6, col: 5 }, 'ArrowDown'), { row: 6, col: 5 });
  assert.deepEqual(moveCell({ row: 3, col: 5 }, 'End'), { row: 3, col: 23 });
  assert.deepEqual(moveCell({ row: 3, col: 5 }, 'Home'), { row: 3, col: 0 });
  assert.equal(moveCell({ row: 3, col: 5 }, 'a'), null);
});
