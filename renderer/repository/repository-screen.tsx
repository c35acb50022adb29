import { useEffect } from 'react';
import type { CheckReport } from '../../engine/api/contract';
import { api } from '../api/client';
import { formatBytes, formatRatio, plural } from '../ui/format';
import { JobProgress } from '../ui/job-progress';
import { isFinished, useTrackedJob } from '../ui/use-job';
import { useAction, useLoad } from '../ui/use-load';
import { ErrorBox, Loading, Section } from '../ui/widgets';
import { SettingsPanel } from './settings-panel';

export function RepositoryScreen() {
  const info = useLoad(() => api().repositoryInfo(), []);
  const last = useLoad(() => api().lastCheck(), []);
  const { job, track } = useTrackedJob();
  const [error, run] = useAction();
  const running = job !== null && !isFinished(job);
  const reloadLast = last.reload;
  useEffect(() => {
    if (job && isFinished(job)) reloadLast();
  }, [job, reloadLast]);
  const check = async (readData: boolean) => {
    const j = await run(() => api().check({ readData }));
    if (j) track(j);
  };
  return (
    <>
      <Section title="Repository">
        <ErrorBox error={info.error} />
        {!info.data && !info.error && <Loading what="the repository" />}
        {info.data && (
          <dl className="facts">
            <dt>Location</dt>
            <dd className="path">{info.data.path}</dd>
            <dt>Size on disk</dt>
            <dd>{formatBytes(info.data.sizeBytes)}</dd>
            <dt>Dedup ratio</dt>
            <dd title="Bytes of all snapshots as taken, divided by the bytes stored">
              {formatRatio(info.data.dedupRatio)} <span className="muted">({formatBytes(info.data.logicalBytes)} of snapshots)</span>
            </dd>
            <dt>Contents</dt>
            <dd>
              {[plural(info.data.sourceCount, 'disk'), plural(info.data.snapshotCount, 'snapshot'), plural(info.data.packCount, 'pack'), plural(info.data.encryptedChains, 'encrypted chain')].join(', ')}
            </dd>
            <dt>Format</dt>
            <dd>version {info.data.formatVersion}</dd>
          </dl>
        )}
      </Section>
      <Section title="Check">
        <p className="hint">A check reads every index and manifest; verifying data also reads and authenticates every stored block, which takes longer.</p>
        <div className="actions">
          <button type="button" className="primary" disabled={running} onClick={() => check(false)}>
            Check
          </button>
          <button type="button" disabled={running} onClick={() => check(true)}>
            Check and verify data
          </button>
        </div>
        <ErrorBox error={error} />
        {job && <JobProgress job={job} label="Check" onCancel={() => void run(() => api().cancelJob({ jobId: job.id }))} />}
        <LastCheck report={last.data} />
      </Section>
      <SettingsPanel />
    </>
  );
}

function LastCheck({ report }: { report: CheckReport | null }) {
  if (!report) return <p className="muted">No check has run yet.</p>;
  return (
    <div className="last-check" data-testid="last-check">
      <p className={report.ok ? 'ok-text' : 'bad-text'}>
        Last check: {report.ok ? 'no problems' : plural(report.problems.length, 'problem')} — {plural(report.snapshotsChecked, 'snapshot')}, {plural(report.packsChecked, 'pack')}
        {report.readData ? `, ${formatBytes(report.bytesRead)} of data verified` : ''}.
      </p>
      {report.problems.length > 0 && (
        <ul>
          {report.problems.map((p, i) => (
            <li key={i}>
              {p.message} {p.snapshots.length > 0 && <span className="muted">(affects {p.snapshots.length} snapshot(s))</span>}
            </li>
          ))}
        </ul>
      )}
      {report.notices.length > 0 && <p className="muted small">{report.notices.length} harmless leftover(s) from interrupted work; the next clean-up removes them.</p>}
    </div>
  );
}
