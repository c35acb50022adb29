import type { Snapshot, Source } from '../../engine/api/contract';
import { formatBytes } from '../ui/format';

export type Mode = 'file' | 'rollback';
export type Review = { kind: 'file'; overwrite: boolean } | { kind: 'rollback'; blocksDiffering: number };

interface ChooseProps {
  source: Source;
  mode: Mode;
  target: string;
  /** Only the desktop has a native file dialog; in a browser the path is typed. */
  canBrowse: boolean;
  onMode: (m: Mode) => void;
  onTarget: (t: string) => void;
  onBrowse: () => void;
  onNext: () => void;
  onCancel: () => void;
}

export function ChooseStep({ source, mode, target, canBrowse, onMode, onTarget, onBrowse, onNext, onCancel }: ChooseProps) {
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        onNext();
      }}
    >
      <fieldset>
        <legend>What to do</legend>
        <label className="radio">
          <input type="radio" name="mode" checked={mode === 'file'} onChange={() => onMode('file')} /> Restore to a new image file
        </label>
        <label className="radio">
          <input type="radio" name="mode" checked={mode === 'rollback'} onChange={() => onMode('rollback')} /> Roll back “{source.name}” in place
        </label>
      </fieldset>
      {mode === 'file' && (
        <label className="field">
          Target file
          <span className="row">
            <input name="target" required value={target} onChange={(e) => onTarget(e.target.value)} placeholder="/path/to/restored.img" />
            {canBrowse && (
              <button type="button" onClick={onBrowse}>
                Browse…
              </button>
            )}
          </span>
        </label>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary">
          Review…
        </button>
      </div>
    </form>
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

/** Says what will be overwritten; the confirm button is the only way on. */
export function ReviewStep({ source, snapshot, target, review, onBack, onConfirm }: ReviewProps) {
  const text =
    review.kind === 'rollback'
      ? `${review.blocksDiffering} block(s) of “${source.name}” (${formatBytes(review.blocksDiffering * source.blockSize)}) differ from the snapshot and will be overwritten. A safety snapshot of the current state is taken first.`
      : review.overwrite
        ? `${target} already exists. Restoring replaces its whole content with the snapshot (${formatBytes(snapshot.sourceBytes)}).`
        : `Writes the snapshot (${formatBytes(snapshot.sourceBytes)}) to ${target}. Nothing else is changed.`;
  const destructive = review.kind === 'rollback' || review.overwrite;
  return (
    <>
      <p className={destructive ? 'warn-text' : ''} data-testid="restore-review">
        {text}
      </p>
      <div className="dialog-actions">
        <button type="button" onClick={onBack}>
          Back
        </button>
        <button type="button" className={destructive ? 'danger' : 'primary'} onClick={onConfirm} autoFocus>
          {review.kind === 'rollback' ? 'Roll back' : review.overwrite ? 'Overwrite and restore' : 'Restore'}
        </button>
      </div>
    </>
  );
}
