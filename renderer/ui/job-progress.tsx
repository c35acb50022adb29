import type { Job } from '../../engine/api/contract';
import { formatBytes, formatDuration, formatEta, formatPercent } from './format';
import { describeError } from './next-step';
import { ErrorBox, ProgressBar } from './widgets';

/** A running job's progress bar, or how it ended. */
export function JobProgress({ job, label, onCancel }: { job: Job; label: string; onCancel?: () => void }) {
  if (job.status === 'queued' || job.status === 'running') {
    const p = job.progress;
    return (
      <div className="job-progress" aria-live="polite">
        <ProgressBar percent={p?.percent ?? 0} label={label} />
        <span className="muted small">
          {job.status === 'queued' ? 'Waiting to start…' : p ? `${p.phase} · ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)} · ${formatEta(p.etaSeconds)}` : 'Starting…'}
        </span>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    );
  }
  if (job.status === 'failed' && job.error) return <ErrorBox error={describeError(job.error)} />;
  return (
    <p role="status" className={`job-done status-text-${job.status}`} data-testid="job-done" data-status={job.status} data-job-id={job.id}>
      {label}: {job.status}
      {job.durationMs !== null && ` in ${formatDuration(job.durationMs)}`}
      {job.progress && ` · ${formatPercent(job.progress.percent)}`}
      {job.message && ` — ${job.message}`}
    </p>
  );
}
