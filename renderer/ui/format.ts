/** Formatting for what the screens show. Pure, so it is tested without a browser. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Binary units, as the CLI prints them: 0 B, 512 B, 1.5 KiB, 64 MiB. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  let i = 0;
  let v = n;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return `${v} B`;
  const text = v >= 100 || Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1);
  return `${text.replace(/\.0$/, '')} ${UNITS[i]}`;
}

export function formatPercent(p: number): string {
  return `${Math.max(0, Math.min(100, Math.floor(p)))} %`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local date and time, minute precision, the same on every locale so screenshots stay stable. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatEta(seconds: number | null): string {
  if (seconds === null) return '';
  return seconds < 60 ? `${Math.ceil(seconds)} s left` : `${Math.ceil(seconds / 60)} min left`;
}

export function formatRatio(r: number): string {
  return Number.isFinite(r) && r > 0 ? `${r.toFixed(2)}×` : '—';
}

/** Retention as a user reads it: "30 days" or "until deleted". */
export function formatRetention(days: number): string {
  if (days < 0) return 'until deleted';
  return days === 1 ? '1 day' : `${days} days`;
}

/** "1 disk", "2 disks": counts in sentences. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
