import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../core/clock';
import { wallTime } from '../policy/time-zone';

/** Where the scheduler tells what it does. Implementations MUST NOT throw. */
export interface SchedulerLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A log that drops everything (tests, and hosts that log elsewhere). */
export const silentLog: SchedulerLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** "2026-11-25 14:00:03 +01:00": the local time with its offset, for people reading a log. */
export function localStamp(instant: number, timeZone: string): string {
  const offsetMin = Math.round((wallTime(instant, timeZone) - instant) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${new Date(wallTime(instant, timeZone)).toISOString().slice(0, 19).replace('T', ' ')} ${offset}`;
}

/**
 * A log of one line per event, appended to `path` (and echoed to `echo`, e.g. stdout for the
 * journal): "2026-11-25 14:00:03 +01:00 info  policy "nightly": …". Appends are synchronous so
 * the last lines before a stop are never lost; a failing write is dropped, never thrown.
 */
export function fileLog(path: string, clock: Clock, timeZone: string, echo?: (line: string) => void): SchedulerLog {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch {
    // The append below will fail too, and be dropped; the scheduler runs on regardless.
  }
  const write = (level: string, message: string) => {
    const line = `${localStamp(clock.now(), timeZone)} ${level.padEnd(5)} ${message}\n`;
    try {
      appendFileSync(path, line);
    } catch {
      // A full or read-only disk must not stop the schedules.
    }
    echo?.(line);
  };
  return { info: (m) => write('info', m), warn: (m) => write('warn', m), error: (m) => write('error', m) };
}
