import { useEffect, useState } from 'react';
import type { Snapshot } from '../../engine/api/contract';
import { api } from '../api/client';
import { Dialog } from '../ui/dialog';
import { formatBytes } from '../ui/format';
import { useAction } from '../ui/use-load';
import { ErrorBox } from '../ui/widgets';

/**
 * Delete with the space it frees said first: a dry run computes what only this snapshot holds,
 * and the real delete reports what was freed, so the user sees both figures.
 */
export function DeleteDialog({ snapshot, onClose }: { snapshot: Snapshot; onClose: () => void }) {
  const [preview, setPreview] = useState<number | null>(null);
  const [freed, setFreed] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, run] = useAction();
  useEffect(() => {
    void run(() => api().deleteSnapshot({ snapshotId: snapshot.id, dryRun: true })).then((r) => r && setPreview(r.freedBytes));
  }, [snapshot.id, run]);
  const confirm = async () => {
    setBusy(true);
    const r = await run(() => api().deleteSnapshot({ snapshotId: snapshot.id, dryRun: false }));
    setBusy(false);
    if (r) setFreed(r.freedBytes);
  };
  return (
    <Dialog title={`Delete snapshot “${snapshot.name}”`} onClose={onClose}>
      <ErrorBox error={error} />
      {freed === null ? (
        <>
          <p>
            {preview === null ? (
              'Working out how much space this frees…'
            ) : (
              <>
                Deleting it frees <strong data-testid="delete-preview" data-bytes={preview}>{formatBytes(preview)}</strong>. Blocks that other snapshots
                still need are kept, so every other snapshot stays restorable.
              </>
            )}
          </p>
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              Keep it
            </button>
            <button type="button" className="danger" disabled={preview === null || busy} onClick={confirm}>
              {busy ? 'Deleting…' : 'Delete snapshot'}
            </button>
          </div>
        </>
      ) : (
        <>
          <p role="status">
            Deleted. Freed <strong data-testid="delete-freed" data-bytes={freed}>{formatBytes(freed)}</strong>.
          </p>
          <div className="dialog-actions">
            <button type="button" className="primary" autoFocus onClick={onClose}>
              Close
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
