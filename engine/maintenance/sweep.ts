import { isStrataError } from '../core/errors';
import { plainDomain } from '../crypto/plain-domain';
import type { KeyDomain } from '../crypto/domain';
import { holderGone, staleLocks } from '../repo/lock';
import type { Repository } from '../repo/repository';
import { collectGarbage } from './gc';

export interface SweepResult {
  packsDeleted: number;
  packsRewritten: number;
  freedBytes: number;
  /** In-flight records of snapshots whose process died, removed. */
  interruptedRemoved: number;
  /** Leftover temporary files removed. */
  tempFilesRemoved: number;
  /** Locks left by processes that are gone, removed. */
  staleLocksRemoved: number;
  /** Domains not collected, and why. */
  skipped: string[];
}

/**
 * `strata gc`: collects the garbage of every key domain and removes what interrupted work left
 * (temp files, in-flight records and locks of dead processes). Failed snapshots' records stay: they say
 * why a snapshot failed until the user deletes them. Under the exclusive lock nobody else
 * writes, so every temp file outside locks/ is garbage.
 */
export async function sweepRepository(repo: Repository): Promise<SweepResult> {
  const lock = await repo.lock('exclusive', 'gc');
  const out: SweepResult = { packsDeleted: 0, packsRewritten: 0, freedBytes: 0, interruptedRemoved: 0, tempFilesRemoved: 0, staleLocksRemoved: 0, skipped: [] };
  try {
    for (const domain of await domains(repo, out)) {
      const r = await collectGarbage(repo, domain);
      out.packsDeleted += r.packsDeleted;
      out.packsRewritten += r.packsRewritten;
      out.freedBytes += r.freedBytes;
    }
    for (const rec of await repo.listInflight()) {
      if (rec.status === 'progressing' && holderGone(rec)) {
        await repo.removeInflight(rec.id);
        out.interruptedRemoved++;
      }
    }
    for (const name of await repo.store.list('')) {
      if (/(^|\/)\.tmp-/.test(name) && !name.startsWith('locks/')) {
        out.freedBytes += await repo.store.size(name).catch(() => 0);
        await repo.store.remove(name);
        out.tempFilesRemoved++;
      }
    }
    for (const name of await staleLocks(repo.store)) {
      await repo.store.remove(name);
      out.staleLocksRemoved++;
    }
  } finally {
    await lock.release();
  }
  return out;
}

async function domains(repo: Repository, out: SweepResult): Promise<KeyDomain[]> {
  const sources = await repo.listSources();
  const list: KeyDomain[] = [];
  if (sources.some((s) => !s.encrypted) || (await repo.store.list('index/plain')).length > 0) list.push(plainDomain);
  for (const s of sources.filter((x) => x.encrypted)) {
    try {
      list.push(await repo.domainFor(s));
    } catch (err) {
      if (!isStrataError(err, 'E_NEEDS_KEY')) throw err;
      out.skipped.push(`encrypted chain ${s.name}: no passphrase given`);
    }
  }
  return list;
}
