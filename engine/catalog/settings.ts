import { StrataError } from '../core/errors';
import type { Settings } from '../api/contract';
import { DEFAULT_QUOTA } from '../policy/retention';

export const DEFAULT_SETTINGS: Settings = { startAtLogin: false, closeToTray: true, autoSnapshotQuota: DEFAULT_QUOTA, notifications: true };

export const MAX_QUOTA = 100_000;

/** Checks a partial settings change; unknown keys and wrong types are refused by name. */
export function validateSettings(changes: Partial<Settings>): Partial<Settings> {
  const out: Partial<Settings> = {};
  for (const [key, value] of Object.entries(changes ?? {})) {
    switch (key) {
      case 'startAtLogin':
      case 'closeToTray':
      case 'notifications':
        if (typeof value !== 'boolean') throw new StrataError('E_INVALID', `Expected ${key} as true or false, got ${JSON.stringify(value)}`);
        out[key] = value;
        break;
      case 'autoSnapshotQuota':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_QUOTA) {
          throw new StrataError('E_INVALID', `Expected the automatic snapshot quota as a whole number from 1 to ${MAX_QUOTA}, got ${JSON.stringify(value)}`);
        }
        out.autoSnapshotQuota = value;
        break;
      default:
        throw new StrataError('E_INVALID', `Expected a setting among ${Object.keys(DEFAULT_SETTINGS).join(', ')}, got "${key}"`);
    }
  }
  return out;
}
