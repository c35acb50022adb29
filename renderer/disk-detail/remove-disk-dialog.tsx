import { useState } from 'react';
import type { Source } from '../../engine/api/contract';
import { api } from '../api/client';
import { Dialog } from '../ui/dialog';
import { navigate } from '../ui/router';
import { useAction } from '../ui/use-load';
import { ErrorBox } from '../ui/widgets';

/** Stops protecting a disk. Its snapshots stay unless the user asks for them to go too. */
export function RemoveDiskDialog({ source, onClose }: { source: Source; onClose: () => void }) {
  const [deleteSnapshots, setDeleteSnapshots] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, run] = useAction();
  const confirm = async () => {
    setBusy(true);
    const r = await run(() => api().removeSource({ sourceId: source.id, deleteSnapshots }));
    setBusy(false);
    if (r) navigate('#/disks');
  };
  return (
    <Dialog title={`Remove “${source.name}”`} onClose={onClose}>
      <p>Strata stops taking snapshots of {source.path}. The disk itself is not touched.</p>
      <label className="check">
        <input type="checkbox" checked={deleteSnapshots} onChange={(e) => setDeleteSnapshots(e.target.checked)} /> Also delete all its snapshots and free their space
      </label>
      <ErrorBox error={error} />
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Keep it
        </button>
        <button type="button" className="danger" disabled={busy} onClick={confirm}>
          {busy ? 'Removing…' : 'Remove disk'}
        </button>
      </div>
    </Dialog>
  );
}
