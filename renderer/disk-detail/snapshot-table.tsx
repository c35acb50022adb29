import type { Snapshot } from '../../engine/api/contract';
import { formatBytes, formatDateTime } from '../ui/format';
import { EncryptionBadge, ProgressBar, StatusBadge } from '../ui/widgets';

interface Props {
  snapshots: Snapshot[];
  live: Map<string, number>;
  onDelete: (s: Snapshot) => void;
  onRestore: (s: Snapshot) => void;
}

/** Snapshots newest first, with live progress for the one being taken. */
export function SnapshotTable({ snapshots, live, onDelete, onRestore }: Props) {
  const rows = [...snapshots].reverse();
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Snapshots">
        <thead>
          <tr>
            <th>Name</th>
            <th>Taken</th>
            <th className="hide-narrow">Type</th>
            <th>Status</th>
            <th className="num">Exclusive</th>
            <th className="num hide-narrow">Added</th>
            <th className="hide-narrow">Encryption</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => {
            const percent = live.get(s.id) ?? s.progress;
            const done = s.status === 'accomplished';
            return (
              <tr key={s.id} data-testid="snapshot-row" data-snapshot-id={s.id}>
                <td>{s.name}</td>
                <td className="nowrap">{formatDateTime(s.createdAt)}</td>
                <td className="hide-narrow">{s.type}</td>
                <td>
                  {s.status === 'progressing' ? <ProgressBar percent={percent} label={`Snapshot ${s.name}`} /> : <StatusBadge status={s.status} />}
                  {s.error && <div className="small bad-text">{s.error}</div>}
                </td>
                <td className="num">{formatBytes(s.exclusiveBytes)}</td>
                <td className="num hide-narrow">{formatBytes(s.addedBytes)}</td>
                <td className="hide-narrow">
                  <EncryptionBadge encrypted={s.encrypted} />
                </td>
                <td className="row-actions">
                  <button type="button" disabled={!done} onClick={() => onRestore(s)} aria-label={`Restore ${s.name}`}>
                    Restore…
                  </button>
                  <button type="button" className="danger" disabled={s.status === 'progressing'} onClick={() => onDelete(s)} aria-label={`Delete ${s.name}`}>
                    Delete…
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
