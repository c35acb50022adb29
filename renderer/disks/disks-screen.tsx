import { api } from '../api/client';
import { formatBytes, formatDateTime } from '../ui/format';
import { navigate } from '../ui/router';
import { useAction, useLoad } from '../ui/use-load';
import { EncryptionBadge, ErrorBox, Loading, Section, StatusBadge } from '../ui/widgets';
import { loadDiskRows } from './disk-rows';

export function DisksScreen() {
  const rows = useLoad(() => loadDiskRows(api()), [], ['catalogChanged', 'job']);
  const [error, run] = useAction();
  const add = (
    <>
      {rows.data && rows.data.length > 0 && (
        <button type="button" onClick={() => void run(() => api().snapshotAllNow())}>
          Snapshot all now
        </button>
      )}
      <button type="button" className="primary" onClick={() => navigate('#/add')}>
        Add disk
      </button>
    </>
  );
  return (
    <Section title="Disks" actions={add}>
      <ErrorBox error={rows.error ?? error} />
      {!rows.data && !rows.error && <Loading what="disks" />}
      {rows.data?.length === 0 && <p className="empty">No disks yet. Add a disk or an image file to start protecting it.</p>}
      {rows.data && rows.data.length > 0 && (
        <div className="table-wrap">
          <table className="table" aria-label="Disks">
            <thead>
              <tr>
                <th>Name</th>
                <th className="hide-narrow">Path</th>
                <th className="num">Size</th>
                <th>Encryption</th>
                <th>Policy</th>
                <th className="num">Snapshots</th>
                <th className="num">Chain size</th>
                <th>Last</th>
                <th className="hide-narrow">Next run</th>
              </tr>
            </thead>
            <tbody>
              {rows.data.map((r) => (
                <tr key={r.source.id}>
                  <td>
                    <a href={`#/disks/${r.source.id}`}>{r.source.name}</a>
                  </td>
                  <td className="hide-narrow path">{r.source.path}</td>
                  <td className="num">{formatBytes(r.source.sizeBytes)}</td>
                  <td>
                    <EncryptionBadge encrypted={r.source.encrypted} />
                  </td>
                  <td>{r.policies.map((p) => p.name).join(', ') || <span className="muted">none</span>}</td>
                  <td className="num" data-testid="snapshot-count">{r.snapshotCount}</td>
                  <td className="num">{formatBytes(r.chainBytes)}</td>
                  <td>{r.lastStatus ? <StatusBadge status={r.lastStatus} /> : <span className="muted">never</span>}</td>
                  <td className="hide-narrow">{formatDateTime(r.nextRun)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
