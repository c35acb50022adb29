/** Small shared pieces: error box, progress bar, badges, empty states. */
import type { ReactNode } from 'react';
import type { ShownError } from './next-step';
import { formatPercent } from './format';

export function ErrorBox({ error, onDismiss }: { error: ShownError | null; onDismiss?: () => void }) {
  if (!error) return null;
  return (
    <div className="error-box" role="alert">
      <p>
        <strong>{error.message}</strong> <code className="code">{error.code}</code>
      </p>
      <p>{error.next}</p>
      {onDismiss && (
        <button type="button" className="link" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}

export function ProgressBar({ percent, label }: { percent: number; label: string }) {
  const p = Math.max(0, Math.min(100, percent));
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.floor(p)}>
      <div className="progress-fill" style={{ width: `${p}%` }} />
      <span className="progress-text">{formatPercent(p)}</span>
    </div>
  );
}

export function EncryptionBadge({ encrypted }: { encrypted: boolean }) {
  return encrypted ? (
    <span className="badge badge-enc" title="Encrypted chain: AES-256-GCM, fixed when the disk was added">
      <LockIcon />
      Encrypted
    </span>
  ) : (
    <span className="badge badge-plain" title="Plaintext chain: fixed when the disk was added">
      Plaintext
    </span>
  );
}

const STATUS_CLASS: Record<string, string> = {
  accomplished: 'ok', succeeded: 'ok', progressing: 'run', running: 'run', queued: 'run',
  failed: 'bad', cancelled: 'warn', skipped: 'warn',
};

/** Drawn inline: an emoji lock depends on fonts a Linux desktop may not have. */
function LockIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
      <path d="M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 0 0-4 0v2z" fill="currentColor" />
    </svg>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${STATUS_CLASS[status] ?? 'warn'}`}>{status}</span>;
}

export function Loading({ what }: { what: string }) {
  return <p className="muted" aria-live="polite">Loading {what}…</p>;
}

export function Section({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      <header className="card-head">
        <h2>{title}</h2>
        {actions && <div className="actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}
