import { api } from '../api/client';
import { formatBytes, formatDateTime, formatDuration } from '../ui/format';
import { useLoad } from '../ui/use-load';
import { ErrorBox, Loading, Section, StatusBadge } from '../ui/widgets';

/** How many past jobs the screen lists. */
const HISTORY_LIMIT = 200;

/** Figures worth a column, in the order shown; others stay in the job record. */
const FIGURES: [string, string][] = [
  ['sourceBytes', 'read'],
  ['addedBytes', 'added'],
  ['freedBytes', 'freed'],
  ['bytesRead', 'verified'],
  ['bytesWritten', 'written'],
];

function figuresText(figures: Record<string, number>): string {
  // A zero says nothing (a check that read no data), except that a delete freed nothing.
  return FIGURES.filter(([k]) => typeof figures[k] === 'number' && (figures[k] > 0 || k === 'freedBytes'))
    .map(([k, label]) => `${formatBytes(figures[k]!)} ${label}`)
    .join(' · ');
}

export function ActivityScreen() {
  const jobs = useLoad(() => api().listJobs({ limit: HISTORY_LIMIT }), [], ['job', 'catalogChanged']);
  const sources = useLoad(() => api().listSources(), []);
  const nameOf = (id: string | null) => (id ? (sources.data?.find((s) => s.id === id)?.name ?? id) : '—');
  return (
    <Section title="Activity">
      <ErrorBox error={jobs.error} />
      {!jobs.data && !jobs.error && <Loading what="the job history" />}
      {jobs.data?.length === 0 && <p className="empty">Nothing has run yet.</p>}
      {jobs.data && jobs.data.length > 0 && (
        <div className="table-wrap">
          <table className="table" aria-label="Job history">
            <thead>
              <tr>
                <th>When</th>
                <th>What</th>
                <th>Disk</th>
                <th>Trigger</th>
                <th>Status</th>
                <th className="num">Took</th>
                <th className="hide-narrow">Result</th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.map((j) => (
                <tr key={j.id} data-testid="job-row">
                  <td>{formatDateTime(j.startedAt ?? j.createdAt)}</td>
                  <td>{j.kind}</td>
                  <td>{nameOf(j.sourceId)}</td>
                  <td>{j.trigger}</td>
                  <td>
                    <StatusBadge status={j.status} />
                  </td>
                  <td className="num">{formatDuration(j.durationMs)}</td>
                  <td className="hide-narrow small">{j.error ? <span className="bad-text">{j.error.message}</span> : [figuresText(j.figures), j.message].filter(Boolean).join(' — ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
