import { StrataError } from '../core/errors';

/**
 * Wall-clock arithmetic in an IANA time zone, with nothing but `Intl`: what a UTC instant reads
 * as on a clock in the zone, and which instant a wall-clock hour on a calendar day is.
 */

/** A calendar day: month 1–12, day 1–31, ISO weekday 1–7 (Monday = 1). */
export interface LocalDay {
  year: number;
  month: number;
  day: number;
  weekday: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    } catch (err) {
      throw new StrataError('E_INVALID', `Expected an IANA time zone such as "Europe/Berlin", got "${timeZone}"`, { cause: err });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws E_INVALID unless `timeZone` names a zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

/** The wall-clock reading of `instant` in the zone, as if that reading were UTC (ms). */
export function wallTime(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const second = Math.floor(instant / 1000) * 1000;
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) + (instant - second);
}

/** The calendar day `instant` falls on in the zone. */
export function localDay(instant: number, timeZone: string): LocalDay {
  return dayOf(wallTime(instant, timeZone));
}

/** The calendar day `offset` days after `day` (pure calendar arithmetic, no zone involved). */
export function addDays(day: LocalDay, offset: number): LocalDay {
  return dayOf(Date.UTC(day.year, day.month - 1, day.day + offset));
}

function dayOf(wall: number): LocalDay {
  const d = new Date(wall);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() === 0 ? 7 : d.getUTCDay() };
}

/**
 * The instant at which the clocks of the zone show `hour`:00 on `day`. On change days:
 * - an hour that happens twice (clocks go back) gives its first occurrence;
 * - an hour that never happens (clocks go forward) gives the instant the clocks jump, i.e. the
 *   instant that hour would have been under the offset in force before the jump.
 */
export function instantAt(day: LocalDay, hour: number, timeZone: string): number {
  const wall = Date.UTC(day.year, day.month - 1, day.day, hour);
  const before = wallTime(wall - DAY, timeZone) - (wall - DAY);
  const after = wallTime(wall + DAY, timeZone) - (wall + DAY);
  const candidates = [wall - before, wall - after].filter((t) => wallTime(t, timeZone) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before;
}
