import { useCallback, useEffect, useRef, useState } from 'react';
import type { Job } from '../../engine/api/contract';
import { api } from '../api/client';

export const isFinished = (j: Job) => j.status !== 'queued' && j.status !== 'running';

/**
 * Follows one job started from this screen. It listens from mount, not from the call's answer,
 * because a short job can send its last event before the call that started it returns.
 */
export function useTrackedJob(): { job: Job | null; track: (j: Job) => void } {
  const seen = useRef(new Map<string, Job>());
  // The tracked id lives in a ref, not in state: an event that arrives between `track` and the
  // next render must still reach the job it belongs to.
  const tracked = useRef<string | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  useEffect(
    () =>
      api().on('job', (j) => {
        seen.current.set(j.id, j);
        if (j.id === tracked.current) setJob(j);
      }),
    [],
  );
  // Events can be lost while the event socket reconnects; while a job runs, the history is asked
  // now and then, so a finished job is never shown as running for ever.
  const running = job !== null && !isFinished(job);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      void api()
        .listJobs({ limit: 50 })
        .then((jobs) => {
          const latest = jobs.find((x) => x.id === tracked.current);
          if (latest && isFinished(latest)) setJob(latest);
        })
        .catch(() => undefined);
    }, 2000);
    return () => clearInterval(timer);
  }, [running]);
  const track = useCallback((j: Job) => {
    const newer = seen.current.get(j.id);
    tracked.current = j.id;
    setJob(newer && (isFinished(newer) || !isFinished(j)) ? newer : j);
  }, []);
  return { job, track };
}
