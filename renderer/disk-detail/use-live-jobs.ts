import { useEffect, useState } from 'react';
import type { Job } from '../../engine/api/contract';
import { api } from '../api/client';
import { isFinished } from '../ui/use-job';

/**
 * The newest state of every job of one source, from `job` events, for live progress in the
 * snapshot table (a snapshot started by a policy or from the tray shows there too).
 */
export function useLiveJobs(sourceId: string): Map<string, Job> {
  const [jobs, setJobs] = useState(() => new Map<string, Job>());
  useEffect(() => {
    setJobs(new Map());
    return api().on('job', (job) => {
      if (job.sourceId !== sourceId) return;
      setJobs((prev) => new Map(prev).set(job.id, job));
    });
  }, [sourceId]);
  return jobs;
}

/** Progress of a running snapshot, by snapshot id, for the table's live status. */
export function progressBySnapshot(jobs: Map<string, Job>): Map<string, number> {
  const out = new Map<string, number>();
  for (const j of jobs.values()) if (j.snapshotId && j.progress && !isFinished(j)) out.set(j.snapshotId, j.progress.percent);
  return out;
}
