import type { GfsRules, PolicyInput } from '../../engine/api/contract';

const GFS_FIELDS: { key: keyof GfsRules; label: string }[] = [
  { key: 'keepLast', label: 'Last' },
  { key: 'keepHourly', label: 'Hourly' },
  { key: 'keepDaily', label: 'Daily' },
  { key: 'keepWeekly', label: 'Weekly' },
  { key: 'keepMonthly', label: 'Monthly' },
  { key: 'keepYearly', label: 'Yearly' },
];

type Edit = (changes: Partial<PolicyInput>) => void;

/** Retention: days or keep until deleted, plus optional keep-last/hourly/… (GFS) rules. */
export function RetentionFields({ value, onChange }: { value: PolicyInput; onChange: Edit }) {
  const forever = value.retentionDays < 0;
  const gfs = value.gfs ?? null;
  const setGfs = (key: keyof GfsRules, n: number) => onChange({ gfs: { ...gfs, [key]: Number.isFinite(n) && n > 0 ? n : undefined } });
  return (
    <fieldset>
      <legend>Retention</legend>
      <div className="row wrap">
        <label className="field inline">
          Keep for (days)
          <input type="number" name="retentionDays" min={1} max={65535} disabled={forever} value={forever ? '' : value.retentionDays} onChange={(e) => onChange({ retentionDays: Number(e.target.value) })} />
        </label>
        <label className="check">
          <input type="checkbox" name="keepForever" checked={forever} onChange={(e) => onChange({ retentionDays: e.target.checked ? -1 : 30 })} /> Keep until deleted
        </label>
      </div>
      <label className="check">
        <input type="checkbox" name="useGfs" checked={gfs !== null} onChange={(e) => onChange({ gfs: e.target.checked ? { keepLast: 3, keepDaily: 7 } : null })} /> Also keep the newest
        snapshot of each of the last N periods (GFS); these outlive the day limit
      </label>
      {gfs && (
        <div className="gfs-grid">
          {GFS_FIELDS.map((f) => (
            <label key={f.key} className="field inline">
              {f.label}
              <input type="number" min={0} max={10000} name={f.key} value={gfs[f.key] ?? ''} onChange={(e) => setGfs(f.key, Number(e.target.value))} />
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}

/** Off-peak: run on AC power only, after idle minutes, and at the latest after a deadline. */
export function OffPeakFields({ value, onChange }: { value: PolicyInput; onChange: Edit }) {
  const op = { requireAcPower: true, idleMinutes: 0, deadlineMinutes: 120, ...value.offPeak };
  const set = (c: Partial<typeof op>) => onChange({ offPeak: { ...op, ...c } });
  return (
    <fieldset>
      <legend>Off-peak conditions</legend>
      <label className="check">
        <input type="checkbox" name="requireAcPower" checked={op.requireAcPower} onChange={(e) => set({ requireAcPower: e.target.checked })} /> Only on AC power
      </label>
      <div className="row wrap">
        <label className="field inline">
          Idle for (minutes, 0 = don’t wait)
          <input type="number" name="idleMinutes" min={0} max={1440} value={op.idleMinutes} onChange={(e) => set({ idleMinutes: Number(e.target.value) })} />
        </label>
        <label className="field inline">
          Run anyway after (minutes)
          <input type="number" name="deadlineMinutes" min={0} max={1440} value={op.deadlineMinutes} onChange={(e) => set({ deadlineMinutes: Number(e.target.value) })} />
        </label>
      </div>
    </fieldset>
  );
}
