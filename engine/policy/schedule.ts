import type { Policy } from '../core/types';
import { addDays, instantAt, localDay } from './time-zone';

/** What a schedule needs of a policy. */
export type Schedule = Pick<Policy, 'timePoints' | 'repeatWeekdays'>;

/**
 * The first run of `policy` strictly after `after`, in the local time of `timeZone`; null when
 * the schedule has no time point or no weekday. Pure: the caller supplies "now".
 *
 * Change days (see docs/policies.md): a time point in an hour the clocks skip runs once, at the
 * jump; a time point in an hour that happens twice runs once, at its first occurrence. Two time
 * points that land on the same instant that way are one run.
 */
export function nextRunAt(policy: Schedule, after: Date, timeZone: string): Date | null {
  const hours = [...new Set(policy.timePoints)].sort((a, b) => a - b);
  const weekdays = new Set(policy.repeatWeekdays);
  if (hours.length === 0 || weekdays.size === 0) return null;
  const t = after.getTime();
  // Start a day early: the instant of an hour in a skipped gap may fall on the day before's reading.
  const first = addDays(localDay(t, timeZone), -1);
  for (let offset = 0; offset <= 8; offset++) {
    const day = addDays(first, offset);
    if (!weekdays.has(day.weekday)) continue;
    let best = Infinity;
    for (const h of hours) {
      const at = instantAt(day, h, timeZone);
      if (at > t && at < best) best = at;
    }
    if (best !== Infinity) return new Date(best);
  }
  return null;
}

/** The next `count` runs after `after`. */
export function nextRuns(policy: Schedule, after: Date, timeZone: string, count: number): Date[] {
  const out: Date[] = [];
  let cursor: Date | null = after;
  while (out.length < count && (cursor = nextRunAt(policy, cursor, timeZone))) out.push(cursor);
  return out;
}

/**
 * The latest run in (`since`, `now`], or null when none fell in that span. The scheduler uses it
 * to run once for any number of missed runs. Only the last 8 days are walked: a weekly schedule
 * repeats within them, so a machine off for a year costs no more than one off for a night.
 */
export function latestRunIn(policy: Schedule, since: Date, now: Date, timeZone: string): Date | null {
  let cursor: Date | null = new Date(Math.max(since.getTime(), now.getTime() - 8 * 86_400_000));
  let last: Date | null = null;
  while ((cursor = nextRunAt(policy, cursor, timeZone)) && cursor.getTime() <= now.getTime()) last = cursor;
  return last;
}
