import { StrataError } from '../core/errors';
import { holderGone, thisProcess, type Holder } from '../repo/lock';
import type { RepoStore } from '../storage/store';

/**
 * One snapshot at a time per source: `locks/source-<id>` names the process taking it. A second
 * request is refused with a clear message; a lock left by a dead process is taken over.
 */
export async function acquireSourceLock(store: RepoStore, sourceId: string, sourceName: string, snapshotId: string): Promise<() => Promise<void>> {
  const name = `locks/source-${sourceId}`;
  const body = Buffer.from(JSON.stringify({ ...thisProcess(), snapshotId }));
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await store.createExclusive(name, body)) return () => store.remove(name);
    let holder: (Holder & { snapshotId: string }) | null = null;
    try {
      holder = JSON.parse((await store.read(name)).toString('utf8'));
    } catch {
      holder = null;
    }
    if (holder && !holderGone(holder)) {
      throw new StrataError('E_BUSY', `a snapshot of ${sourceName} is already progressing (${holder.snapshotId}, pid ${holder.pid}); wait for it to finish or cancel it`, {
        details: { snapshotId: holder.snapshotId },
      });
    }
    await store.remove(name);
  }
  throw new StrataError('E_BUSY', `a snapshot of ${sourceName} is already starting; try again`);
}
