import type { RetentionPolicy, RetentionSnapshot } from '../../engine/policy/retention';

/** Named retention situations; their decisions are kept in golden/<name>.json. */
export interface RetentionCase {
  name: string;
  policy: RetentionPolicy;
  now: string;
  quota?: number;
  timeZone?: string;
  snapshots: RetentionSnapshot[];
}

const HOUR = 3_600_000;
const POLICY = 'pol-nightly';

/** Automatic snapshots of one source, every `everyHours` from `start`, with retainUntil set as the scheduler sets it. */
function series(start: string, count: number, everyHours: number, days: number | null, extra: Partial<RetentionSnapshot> = {}): RetentionSnapshot[] {
  return Array.from({ length: count }, (_, i) => {
    const at = new Date(Date.parse(start) + i * everyHours * HOUR);
    const id = `snap-${String(i).padStart(3, '0')}${extra.policyId && extra.policyId !== POLICY ? '-other' : ''}`;
    return {
      id, sourceId: 'src-web', name: `web ${at.toISOString().slice(0, 16)}`, type: 'auto', status: 'accomplished', createdAt: at.toISOString(),
      retainUntil: days === null ? null : new Date(at.getTime() + days * 24 * HOUR).toISOString(), policyId: POLICY, ...extra,
    };
  });
}

const manual = (id: string, at: string): RetentionSnapshot => ({
  id, sourceId: 'src-web', name: `manual ${at.slice(0, 10)}`, type: 'manual', status: 'accomplished', createdAt: at, retainUntil: null, policyId: null,
});

export const RETENTION_CASES: RetentionCase[] = [
  {
    name: 'expiry-keeps-manual',
    policy: { id: POLICY, retentionDays: 7, gfs: null },
    now: '2026-11-11T02:30:00.000Z',
    snapshots: [manual('snap-manual-old', '2026-01-01T10:00:00.000Z'), ...series('2026-11-01T02:00:00.000Z', 10, 24, 7), manual('snap-manual-new', '2026-11-10T10:00:00.000Z')],
  },
  {
    name: 'gfs-daily-weekly-monthly',
    policy: { id: POLICY, retentionDays: 2, gfs: { keepLast: 2, keepDaily: 4, keepWeekly: 3, keepMonthly: 2 } },
    now: '2026-11-30T23:00:00.000Z',
    timeZone: 'Europe/Berlin',
    snapshots: series('2026-10-01T01:00:00.000Z', 61, 24, 2).filter((_, i) => i % 2 === 0 || i > 50),
  },
  {
    name: 'quota-takes-the-oldest-automatic',
    policy: { id: POLICY, retentionDays: 30, gfs: null },
    now: '2026-11-09T03:00:00.000Z',
    quota: 5,
    snapshots: [
      manual('snap-manual', '2026-10-30T10:00:00.000Z'),
      ...series('2026-10-31T02:00:00.000Z', 1, 24, 30, { policyId: 'pol-deleted' }),
      ...series('2026-11-01T02:00:00.000Z', 8, 24, 30),
    ],
  },
  {
    name: 'promises-outlive-a-shortened-policy',
    policy: { id: POLICY, retentionDays: 3, gfs: null },
    now: '2026-11-20T00:00:00.000Z',
    snapshots: [
      ...series('2026-11-01T02:00:00.000Z', 1, 24, 30),
      ...series('2026-11-02T02:00:00.000Z', 1, 24, null).map((s) => ({ ...s, id: 'snap-kept-forever' })),
      ...series('2026-11-03T02:00:00.000Z', 1, 24, 3).map((s) => ({ ...s, id: 'snap-expired' })),
      ...series('2026-11-04T02:00:00.000Z', 1, 24, 3).map((s) => ({ ...s, id: 'snap-progressing', status: 'progressing' as const })),
      ...series('2026-11-05T02:00:00.000Z', 1, 24, 3).map((s) => ({ ...s, id: 'snap-failed', status: 'failed' as const })),
    ],
  },
  {
    name: 'keep-until-deleted',
    policy: { id: POLICY, retentionDays: -1, gfs: null },
    now: '2027-11-01T00:00:00.000Z',
    snapshots: series('2026-11-01T02:00:00.000Z', 3, 24 * 30, null),
  },
];
