import { useCallback, useEffect, useState } from 'react';
import type { EventName, Job } from '../../engine/api/contract';
import { api } from '../api/client';
import { describeError, type ShownError } from './next-step';
import { isFinished } from './use-job';

export interface Loaded<T> {
  data: T | null;
  error: ShownError | null;
  reload: () => void;
}

/**
 * Loads data from the API and loads it again when the back end says it changed (`reloadOn`
 * events), so every screen shows what the repository holds without its own polling.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], reloadOn: EventName[] = ['catalogChanged']): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => live && (setData(d), setError(null)),
      (e) => live && setError(describeError(e)),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  useEffect(() => {
    // Progress events come many times a second; only a job's start and end change what lists show.
    const seen = new Set<string>();
    const offs = reloadOn.map((e) =>
      api().on(e, (payload) => {
        if (e === 'job') {
          const job = payload as Job;
          const first = !seen.has(job.id);
          seen.add(job.id);
          if (!first && !isFinished(job)) return;
        }
        reload();
      }),
    );
    return () => offs.forEach((off) => off());
  }, [reload, reloadOn.join()]);
  return { data, error, reload };
}

/** Runs an action, keeping its error for display; returns undefined when it failed. */
export function useAction(): [ShownError | null, <T>(fn: () => Promise<T>) => Promise<T | undefined>] {
  const [error, setError] = useState<ShownError | null>(null);
  const run = useCallback(async <T,>(fn: () => Promise<T>) => {
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(describeError(e));
      return undefined;
    }
  }, []);
  return [error, run];
}
