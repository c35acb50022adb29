import { useState } from 'react';
import type { Snapshot, Source } from '../../engine/api/contract';
import { api } from '../api/client';
import { useAppState } from '../ui/app-state';
import { Dialog } from '../ui/dialog';
import { formatDateTime } from '../ui/format';
import { JobProgress } from '../ui/job-progress';
import { useTrackedJob } from '../ui/use-job';
import { useAction } from '../ui/use-load';
import { ErrorBox } from '../ui/widgets';
import { ChooseStep, ReviewStep, type Mode, type Review } from './restore-steps';

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
  const restoreFile = async (force: boolean) => {
    const started = await run(async () => {
      try {
        return await api().restore({ snapshotId: snapshot.id, target, force });
      } catch (e) {
        // The host refuses to replace an existing file unless asked: ask the user, then call again.
        if (force || (e as { code?: string }).code !== 'E_CONFIRM') throw e;
        setReview({ kind: 'file', overwrite: true });
        return null;
      }
    });
    if (started) track(started);
  };
  const next = async () => {
    if (mode === 'file') return setReview({ kind: 'file', overwrite: false });
    const r = await run(() => api().rollback({ sourceId: source.id, snapshotId: snapshot.id, dryRun: true }));
    if (r && 'blocksDiffering' in r) setReview({ kind: 'rollback', blocksDiffering: r.blocksDiffering });
  };
  const confirm = async () => {
    if (review?.kind === 'file') return restoreFile(review.overwrite);
    const r = await run(() => api().rollback({ sourceId: source.id, snapshotId: snapshot.id, dryRun: false }));
    if (r && !('blocksDiffering' in r)) track(r);
  };

  return (
    <Dialog title={`Restore “${snapshot.name}” (${formatDateTime(snapshot.createdAt)})`} onClose={onClose}>
      <ErrorBox error={error} />
      {job ? (
        <>
          <JobProgress job={job} label={mode === 'file' ? 'Restore' : 'Rollback'} onCancel={() => void run(() => api().cancelJob({ jobId: job.id }))} />
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      ) : review ? (
        <ReviewStep source={source} snapshot={snapshot} target={target} review={review} onBack={() => setReview(null)} onConfirm={confirm} />
      ) : (
        <ChooseStep
          source={source}
          mode={mode}
          target={target}
          canBrowse={host === 'electron'}
          onMode={setMode}
          onTarget={setTarget}
          onBrowse={browse}
          onNext={next}
          onCancel={onClose}
        />
      )}
    </Dialog>
  );
}
