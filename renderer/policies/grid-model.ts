/**
 * The schedule grid. A policy runs at the same hours (`timePoints`) on each chosen weekday
 * (`repeatWeekdays`), so a cell (day, hour) is on exactly when its day and its hour are both
 * chosen. The grid edits those two sets: toggling an hour switches a whole column, toggling a day
 * a whole row. Pure, so it is tested without a browser.
 */

export const HOURS = Array.from({ length: 24 }, (_, h) => h);
/** ISO weekdays, Monday = 1. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
export const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export interface Schedule {
  timePoints: number[];
  repeatWeekdays: number[];
}

const toggle = (set: number[], v: number) => (set.includes(v) ? set.filter((x) => x !== v) : [...set, v].sort((a, b) => a - b));

export function isOn(s: Schedule, day: number, hour: number): boolean {
  return s.repeatWeekdays.includes(day) && s.timePoints.includes(hour);
}

export function toggleHour(s: Schedule, hour: number): Schedule {
  return { ...s, timePoints: toggle(s.timePoints, hour) };
}

export function toggleDay(s: Schedule, day: number): Schedule {
  return { ...s, repeatWeekdays: toggle(s.repeatWeekdays, day) };
}

/**
 * A cell on a day that is not chosen yet turns on its day (and its hour, if needed), since a
 * click on an empty cell asks for a run there; otherwise the cell toggles its hour on every
 * chosen day, which is all the model can express.
 */
export function toggleCell(s: Schedule, day: number, hour: number): Schedule {
  if (!s.repeatWeekdays.includes(day)) {
    const withDay = toggleDay(s, day);
    return s.timePoints.includes(hour) ? withDay : toggleHour(withDay, hour);
  }
  return toggleHour(s, hour);
}

/** Runs a week, for the summary line under the grid. */
export function runsPerWeek(s: Schedule): number {
  return s.timePoints.length * s.repeatWeekdays.length;
}

export interface Cell {
  row: number;
  col: number;
}

/** Arrow keys, Home and End move the focus cell; the grid stays one Tab stop. */
export function moveCell(c: Cell, key: string, rows = WEEKDAYS.length, cols = HOURS.length): Cell | null {
  switch (key) {
    case 'ArrowLeft':
      return { row: c.row, col: Math.max(0, c.col - 1) };
    case 'ArrowRight':
      return { row: c.row, col: Math.min(cols - 1, c.col + 1) };
    case 'ArrowUp':
      return { row: Math.max(0, c.row - 1), col: c.col };
    case 'ArrowDown':
      return { row: Math.min(rows - 1, c.row + 1), col: c.col };
    case 'Home':
      return { row: c.row, col: 0 };
    case 'End':
      return { row: c.row, col: cols - 1 };
    default:
      return null;
  }
}

/** "02:00, 14:00 on Mon–Fri" style summary. */
export function describeSchedule(s: Schedule): string {
  if (runsPerWeek(s) === 0) return 'Never runs: choose at least one hour and one day.';
  const hours = s.timePoints.map((h) => `${String(h).padStart(2, '0')}:00`).join(', ');
  const days = s.repeatWeekdays.length === 7 ? 'every day' : `on ${s.repeatWeekdays.map((d) => WEEKDAY_NAMES[d - 1]).join(', ')}`;
  return `At ${hours} ${days} — ${runsPerWeek(s)} run${runsPerWeek(s) === 1 ? '' : 's'} a week.`;
}
