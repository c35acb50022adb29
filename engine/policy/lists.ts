import { StrataError } from '../core/errors';

const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * Parses a list as people type it: "2,14", "0-23", "1-5,7", and for weekdays also "mon-fri,sun".
 * Range checks are validation's job; this only says when the text is not a list at all.
 */
export function parseNumberList(text: string, what: string, names: string[] = []): number[] {
  const out: number[] = [];
  const value = (part: string): number => {
    const named = names.indexOf(part.toLowerCase().slice(0, 3));
    if (named >= 0 && /^[a-z]+$/i.test(part)) return named + 1;
    if (!/^\d+$/.test(part)) throw new StrataError('E_INVALID', `Expected ${what} as numbers or ranges like "1-5,7", got "${text}"`);
    return Number(part);
  };
  for (const raw of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [from, to, extra] = raw.split('-');
    if (extra !== undefined) throw new StrataError('E_INVALID', `Expected ${what} as numbers or ranges like "1-5,7", got "${text}"`);
    const a = value(from!);
    const b = to === undefined ? a : value(to);
    if (b < a) throw new StrataError('E_INVALID', `Expected the range "${raw}" in ${what} to go upwards`);
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

export const parseHours = (text: string) => parseNumberList(text, 'hours');
export const parseWeekdays = (text: string) => parseNumberList(text, 'weekdays', WEEKDAY_NAMES);

/** "Mon, Wed–Fri" for 1,3,4,5; "every day" for 1–7. */
export function describeWeekdays(days: number[]): string {
  if (days.length === 7) return 'every day';
  const label = (d: number) => WEEKDAY_NAMES[d - 1]!.replace(/^./, (c) => c.toUpperCase());
  const runs: string[] = [];
  for (let i = 0; i < days.length; i++) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j]! + 1) j++;
    runs.push(j - i >= 2 ? `${label(days[i]!)}–${label(days[j]!)}` : days.slice(i, j + 1).map(label).join(', '));
    i = j;
  }
  return runs.join(', ');
}

/** "02:00, 14:00". */
export const describeHours = (hours: number[]) => hours.map((h) => `${String(h).padStart(2, '0')}:00`).join(', ');
