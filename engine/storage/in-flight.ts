/**
 * Runs `tasks` with at most `inFlight` at once. Once one fails no more start; rejects with the
 * first failure after every task started has settled.
 */
export async function boundedAll(tasks: (() => Promise<void>)[], inFlight: number): Promise<void> {
  const pending = new Set<Promise<void>>();
  let failure: { err: unknown } | null = null;
  for (const task of tasks) {
    if (failure) break;
    const p: Promise<void> = task()
      .catch((err: unknown) => void (failure ??= { err }))
      .finally(() => pending.delete(p));
    pending.add(p);
    if (pending.size >= inFlight) await Promise.race(pending);
  }
  await Promise.all(pending);
  if (failure) throw (failure as { err: unknown }).err;
}

/** Waits for every promise; then rejects with the first failure, if any. */
export async function settled(all: Promise<void>[]): Promise<void> {
  const bad = (await Promise.allSettled(all)).find((r) => r.status === 'rejected');
  if (bad) throw bad.reason;
}
