import type { Chain } from '../../engine/api/contract';
import { formatBytes, formatDateTime, plural } from '../ui/format';
import { buildTimeline } from './timeline-model';

/** The chain, oldest first, each snapshot's exclusive size drawn as a bar against the chain total. */
export function ChainTimeline({ chain }: { chain: Chain }) {
  const t = buildTimeline(chain);
  if (t.bars.length === 0) return <p className="empty">No snapshots yet. Take the first one: it stores every non-zero block.</p>;
  return (
    <div className="timeline" aria-label="Chain timeline">
      <p className="timeline-total">
        Chain total <strong data-testid="chain-total" data-bytes={t.totalBytes}>{formatBytes(t.totalBytes)}</strong> stored in{' '}
        {plural(chain.snapshotCount, 'snapshot')} of a {formatBytes(chain.sourceBytes)} disk. Each bar is what deleting that snapshot alone would free.
      </p>
      <ol className="timeline-list">
        {t.bars.map((b) => (
          <li key={b.snapshotId} className="timeline-row" data-testid="timeline-row" data-snapshot-id={b.snapshotId} data-bytes={b.bytes}>
            <span className="timeline-dot" aria-hidden="true" />
            <span className="timeline-label">
              <span className="timeline-name">{b.name}</span>
              <span className="muted small">{formatDateTime(b.createdAt)}</span>
            </span>
            <span className="timeline-track">
              <span className="timeline-bar" style={{ width: `${b.widthPercent}%` }} />
            </span>
            <span className="timeline-size num">{formatBytes(b.bytes)}</span>
          </li>
        ))}
        {t.sharedBytes > 0 && (
          <li className="timeline-row shared">
            <span className="timeline-dot" aria-hidden="true" />
            <span className="timeline-label">
              <span className="timeline-name">Shared</span>
              <span className="muted small">held by several snapshots</span>
            </span>
            <span className="timeline-track">
              <span className="timeline-bar" style={{ width: `${t.sharedPercent}%` }} />
            </span>
            <span className="timeline-size num">{formatBytes(t.sharedBytes)}</span>
          </li>
        )}
      </ol>
    </div>
  );
}
