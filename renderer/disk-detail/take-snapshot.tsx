import { useState } from 'react';
import { api } from '../api/client';
import { JobProgress } from '../ui/job-progress';
import { isFinished, useTrackedJob } from '../ui/use-job';
import { useAction } from '../ui/use-load';
import { ErrorBox } from '../ui/widgets';

/** Take a manual snapshot now, with its progress and a cancel button while it runs. */
export function TakeSnapshot({ sourceId }: { sourceId: string }) {
  const [name, setName] = useState('');
  const [error, run] = useAction();
  const { job, track } = useTrackedJob();
  const running = job !== null && !isFinished(job);
  const start = async () => {
    const j = await run(() => api().createSnapshot({ sourceId, ...(name.trim() ? { name: name.trim() } : {}) }));
    if (j) {
      track(j);
      setName('');
    }
  };
  return (
    <div className="take-snapshot">
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <label className="field inline">
          Snapshot name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="optional" disabled={running} />
        </label>
        <button type="submit" className="primary" disabled={running}>
          Take snapshot
        </button>
      </form>
      <ErrorBox error={error} />
      {job && <JobProgress job={job} label="Snapshot" onCancel={() => void run(() => api().cancelJob({ jobId: job.id }))} />}
    </div>
  );
}
