import type { GfsRules } from '../core/types';
import { wallTime } from './time-zone';

/**
 * Grandfather-father-son selection: for each rule "keep N per period", walk the snapshots newest
 * first and keep the newest one of each of the last N periods that have a snapshot (as restic's
 * `forget --keep-daily` does). Periods are read on the local calendar of the time zone.
 */

type Period = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly';

const RULES: { key: keyof GfsRules; period: Period | 'last'; label: string }[] = [
  { key: 'keepLast', period: 'last', label: 'keep-last' },
  { key: 'keepHourly', period: 'hourly', label: 'keep-hourly' },
  { key: 'keepDaily', period: 'daily', label: 'keep-daily' },
  { key: 'keepWeekly', period: 'weekly', label: 'keep-weekly' },
  { key: 'keepMonthly', period: 'monthly', label: 'keep-monthly' },
  { key: 'keepYearly', period: 'yearly', label: 'keep-yearly' },
];

/** The period an instant falls in, as a readable key ("2026-11-24", "2026-W48"). */
export function periodKey(instant: number, period: Period, timeZone: string): string {
  const iso = new Date(wallTime(instant, timeZone)).toISOString();
  switch (period) {
    case 'hourly':
      return `${iso.slice(0, 10)} ${iso.slice(11, 13)}h`;
    case 'daily':
      return iso.slice(0, 10);
    case 'weekly':
      return isoWeek(iso.slice(0, 10));
    case 'monthly':
      return iso.slice(0, 7);
    case 'yearly':
      return iso.slice(0, 4);
  }
}

/** ISO 8601 week of a calendar date: weeks start on Monday; week 1 holds the year's first Thursday. */
function isoWeek(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  const weekday = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
  const thursday = new Date(d.getTime() + (4 - weekday) * 86_400_000);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / (7 * 86_400_000)) + 1;
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/**
 * Which snapshots the rules keep, each with the reasons ("keep-daily: newest of 2026-11-24").
 * `snapshots` must be sorted newest first.
 */
export function selectGfs(snapshots: { id: string; createdAt: string }[], rules: GfsRules, timeZone: string): Map<string, string[]> {
  const kept = new Map<string, string[]>();
  const add = (id: string, reason: string) => kept.set(id, [...(kept.get(id) ?? []), reason]);
  for (const rule of RULES) {
    const limit = rules[rule.key] ?? 0;
    let count = 0;
    let lastPeriod: string | null = null;
    for (const s of snapshots) {
      if (count >= limit) break;
      if (rule.period === 'last') {
        add(s.id, `${rule.label}: one of the newest ${limit}`);
        count++;
        continue;
      }
      const key = periodKey(Date.parse(s.createdAt), rule.period, timeZone);
      if (key === lastPeriod) continue;
      lastPeriod = key;
      add(s.id, `${rule.label}: newest of ${key}`);
      count++;
    }
  }
  return kept;
}
