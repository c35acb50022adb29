import { useState } from 'react';
import type { Snapshot, Source } from '../../engine/api/contract';
import { api } from '../api/client';
import { useAppState } from '../ui/app-state';
import { Dialog } from '../ui/dialog';
import { formatBytes, formatDateTime } from '../ui/format';
import { JobProgress } from '../ui/job-progress';
import { useTrackedJob } from '../ui/use-job';
import { useAction } from '../ui/use-load';
import { ErrorBox } from '../ui/widgets';

type Mode = 'file' | 'rollback';
type Review = { kind: 'file'; overwrite: boolean } | { kind: 'rollback'; blocksDiffering: number };

/**
 * Restore to a new file, or roll the disk back in place. Nothing is written before the review
 * step has said what will be overwritten and the user has confirmed it.
 */
export function RestoreWizard({ source, snapshot, onClose }: { source: Source; snapshot: Snapshot; onClose: () => void }) {
  const host = useAppState()?.host;
  const [mode, setMode] = useState<Mode>('file');
  const [target, setTarget] = useState('');
  const [review, setReview] = useState<Review | null>(null);
  const [error, run] = useAction();
  const { job, track } = useTrackedJob();

  const browse = async () => {
    const picked = await run(() => api().pickRestoreTarget());
    if (picked) setTarget(picked);
  };
  const startFile = async (force: boolean) => {
    try {
      track(await api().restore({ snapshotId: snapshot.id, target, force }));
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (!force && (code === 'E_CONFIRM' || code === 'E_EXISTS')) setReview({ kind: 'file', overwrite: true });
      else await run(() => Promise.reject(e));
    }
  };
  const next = async () => {
    if (mode === 'file') return setReview({ kind: 'file', overwrite: false });
    const r = await run(() => api().rollback({ sourceId: source.id, snapshotId: snapshot.id, dryRun: true }));
    if (r && 'blocksDiffering' in r) setReview({ kind: 'rollback', blocksDiffering: r.blocksDiffering });
  };
  const confirm = async () => {
    if (review?.kind === 'file') return startFile(review.overwrite);
    const r = await run(() => api().rollback({ sourceId: source.id, snapshotId: snapshot.id, dryRun: false }));
    if (r && !('blocksDiffering' in r)) track(r);
  };

  return (
    <Dialog title={`Restore “${snapshot.name}” (${formatDateTime(snapshot.createdAt)})`} onClose={onClose}>
      <ErrorBox error={error} />
      {job ? (
        <>
          <JobProgress job={job} label={mode === 'file' ? 'Restore' : 'Rollback'} onCancel={() => void api().cancelJob({ jobId: job.id })} />
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      ) : review ? (
        <ReviewStep source={source} snapshot={snapshot} target={target} review={review} onBack={() => setReview(null)} onConfirm={confirm} />
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void next();
          }}
        >
          <fieldset>
            <legend>What to do</legend>
            <label className="radio">
              <input type="radio" name="mode" checked={mode === 'file'} onChange={() => setMode('file')} /> Restore to a new image file
            </label>
            <label className="radio">
              <input type="radio" name="mode" checked={mode === 'rollback'} onChange={() => setMode('rollback')} /> Roll back “{source.name}” in place
            </label>
          </fieldset>
          {mode === 'file' && (
            <label className="field">
              Target file
              <span className="row">
                <input name="target" required value={target} onChange={(e) => setTarget(e.target.value)} placeholder="/path/to/restored.img" />
                {host === 'electron' && (
                  <button type="button" onClick={browse}>
                    Browse…
                  </button>
                )}
              </span>
            </label>
          )}
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="primary">
              Review…
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

interface ReviewProps {
  source: Source;
  snapshot: Snapshot;
  target: string;
  review: Review;
  onBack: () => void;
  onConfirm: () => void;
}

function ReviewStep({ source, snapshot, target, review, onBack, onConfirm }: ReviewProps) {
  const text =
    review.kind === 'rollback'
      ? `${review.blocksDiffering} block(s) of “${source.name}” (${formatBytes(review.blocksDiffering * source.blockSize)}) differ from the snapshot and will be overwritten. A safety snapshot of the current state is taken first.`
      : review.overwrite
        ? `${target} already exists. Restoring replaces its whole content with the snapshot (${formatBytes(snapshot.sourceBytes)}).`
        : `Writes the snapshot (${formatBytes(snapshot.sourceBytes)}) to ${target}. Nothing else is changed.`;
  return (
    <>
      <p className={review.kind === 'rollback' || review.overwrite ? 'warn-text' : ''} data-testid="restore-review">
        {text}
      </p>
      <div className="dialog-actions">
        <button type="button" onClick={onBack}>
          Back
        </button>
        <button type="button" className={review.kind === 'file' && !review.overwrite ? 'primary' : 'danger'} onClick={onConfirm} autoFocus>
          {review.kind === 'rollback' ? 'Roll back' : review.overwrite ? 'Overwrite and restore' : 'Restore'}
        </button>
      </div>
    </>
  );
}
