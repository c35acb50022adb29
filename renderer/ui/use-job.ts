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
  const [tracked, setTracked] = useState<string | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  useEffect(
    () =>
      api().on('job', (j) => {
        seen.current.set(j.id, j);
        if (j.id === tracked) setJob(j);
      }),
    [tracked],
  );
  const track = useCallback((j: Job) => {
    const newer = seen.current.get(j.id);
    setTracked(j.id);
    setJob(newer && (isFinished(newer) || !isFinished(j)) ? newer : j);
  }, []);
  return { job, track };
}
