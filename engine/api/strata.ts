import { StrataError } from '../core/errors';
import { systemClock, type Clock } from '../core/clock';
import { newId } from '../core/ids';
import { byCreation } from '../core/order';
import { DEFAULT_BLOCK_SIZE, DEFAULT_COMPRESSION, validateBlockSize, validateCompression } from '../core/units';
import type { Chain, Compression, CheckReport, DeleteResult, Progress, RepositoryInfo, RestoreResult, RollbackResult, Snapshot, SnapshotType, Source } from '../core/types';
import type { RepoStore } from '../storage/store';
import { Repository, type PassphraseProvider } from '../repo/repository';
import type { SnapshotRecord, SourceRecord } from '../repo/records';
import { inspectSource } from '../source/inspect';
import { createSnapshot, type CreateOptions } from '../snapshot/create';
import { plainDomain } from '../crypto/plain-domain';
import { restoreSnapshot } from '../restore/restore';
import { rollbackSource } from '../restore/rollback';
import { deleteInflight, deleteSnapshot } from '../maintenance/delete';
import { checkRepository } from '../maintenance/check';
import { domainStats } from '../maintenance/stats';
import { repositoryInfo } from '../maintenance/info';
import { repositoryDir } from './home';
import { resolveRef } from './resolve';
import { inflightView, snapshotView, sourceView } from './views';

export interface ServiceOptions {
  home: string;
  clock?: Clock;
  passphrase?: PassphraseProvider;
  lockWaitMs?: number;
  store?: RepoStore;
  /** Parallel block processing (worker threads); inline when absent. */
  processor?: CreateOptions['processor'];
}

export interface AddSourceInput {
  path: string;
  name?: string;
  blockSize?: number;
  encrypted?: boolean;
  compression?: Compression;
}

export interface CreateSnapshotInput {
  name?: string;
  type?: SnapshotType;
  ioLimit?: number;
  /** Back off while others use the source's device, at low priority (default: on for `auto`). */
  adaptiveIo?: boolean;
  policyId?: string | null;
  retainUntil?: string | null;
  signal?: AbortSignal;
  onProgress?: (p: Progress, snapshotId: string) => void;
  onStart?: (snapshotId: string) => void;
}

/**
 * The engine's API: everything the CLI, the desktop app's worker and the web host do goes
 * through here. Sources and snapshots are named by id or name.
 */
export class StrataService {
  private constructor(readonly home: string, readonly repo: Repository, private readonly opts: ServiceOptions) {}

  static async open(opts: ServiceOptions): Promise<StrataService> {
    const repo = await Repository.open(repositoryDir(opts.home), {
      create: true, clock: opts.clock ?? systemClock, passphrase: opts.passphrase, lockWaitMs: opts.lockWaitMs, store: opts.store,
    });
    return new StrataService(opts.home, repo, opts);
  }

  async close(): Promise<void> {
    await this.repo.close();
  }

  // ---- sources ----

  async listSources(): Promise<Source[]> {
    return (await this.repo.listSources()).map(sourceView);
  }

  async sourceRecord(ref: string): Promise<SourceRecord> {
    return resolveRef(await this.repo.listSources(), ref, 'source');
  }

  async addSource(input: AddSourceInput): Promise<Source> {
    const info = await inspectSource(input.path);
    const blockSize = validateBlockSize(input.blockSize ?? DEFAULT_BLOCK_SIZE);
    const compression = validateCompression(input.compression ?? DEFAULT_COMPRESSION);
    if (info.size === 0) throw new StrataError('E_SOURCE', `${info.path} is empty (0 bytes); there is nothing to protect`);
    const existing = await this.repo.listSources();
    for (const s of existing) {
      const other = await inspectSource(s.path).catch(() => null);
      const same = s.path === info.path || (other && (other.realPath === info.realPath || (info.kind === 'device' && other.rdev === info.rdev)));
      if (same) {
        const flag = input.encrypted ?? false;
        const why = flag !== s.encrypted ? `; a chain's encryption is fixed when it is added and can never be ${s.encrypted ? 'removed' : 'added'}` : '';
        throw new StrataError('E_EXISTS', `${info.path} is already protected as source "${s.name}" (${s.id}, ${s.encrypted ? 'encrypted' : 'not encrypted'})${why}`);
      }
    }
    const name = (input.name ?? '').trim() || uniqueName(info.path, existing);
    if (existing.some((s) => s.name === name)) throw new StrataError('E_EXISTS', `a source named "${name}" exists already; choose another --name`);
    if (/[\u0000-\u001f]/.test(name) || name.length > 200) throw new StrataError('E_INVALID', 'Expected a source name of at most 200 printable characters');
    const id = newId('src');
    const rec: SourceRecord = {
      format: 1, id, name, path: info.path, kind: info.kind, blockSize, encrypted: input.encrypted ?? false, compression,
      sizeBytes: info.size, createdAt: this.repo.now().toISOString(),
    };
    if (rec.encrypted) rec.wrappedSecret = await this.repo.newWrappedSecret(id);
    await this.repo.saveSource(rec);
    return sourceView(rec);
  }

  /** Removes a source. Its snapshots go too, but only when asked (`deleteSnapshots`). */
  async removeSource(ref: string, opts: { deleteSnapshots?: boolean } = {}): Promise<{ source: Source; deletedSnapshots: number; freedBytes: number }> {
    const src = await this.sourceRecord(ref);
    const snaps = await this.repo.listSnapshots(src.id);
    if (snaps.length > 0 && !opts.deleteSnapshots) {
      throw new StrataError('E_CONFIRM', `source "${src.name}" has ${snaps.length} snapshot(s); add --delete-snapshots to delete them with it`);
    }
    let freed = 0;
    for (const s of snaps.reverse()) freed += (await deleteSnapshot(this.repo, src, s, false)).freedBytes;
    for (const f of (await this.repo.listInflight()).filter((r) => r.sourceId === src.id)) await this.repo.removeInflight(f.id);
    await this.repo.removeSource(src.id);
    return { source: sourceView(src), deletedSnapshots: snaps.length, freedBytes: freed };
  }

  // ---- snapshots ----

  /**
   * Takes a snapshot. The result's `exclusiveBytes` is what it added: the newest snapshot holds
   * alone the blocks it stored, while a block it reuses belongs to an older snapshot as well.
   * Sizes across the chain are worked out when the chain is listed, so taking a snapshot never
   * walks the manifests of the others.
   */
  async createSnapshot(sourceRef: string, input: CreateSnapshotInput = {}): Promise<Snapshot> {
    const src = await this.sourceRecord(sourceRef);
    const rec = await createSnapshot(this.repo, src, { ...input, processor: this.opts.processor });
    return snapshotView(rec, rec.addedBytes);
  }

  async listSnapshots(sourceRef?: string): Promise<Snapshot[]> {
    const sources = await this.repo.listSources();
    const src = sourceRef ? resolveRef(sources, sourceRef, 'source') : null;
    const all = await this.repo.listSnapshots();
    const exclusive = await this.exclusiveSizes(sources, all, src);
    const shown = src ? all.filter((s) => s.sourceId === src.id) : all;
    const inflight = (await this.repo.listInflight()).filter((r) => !src || r.sourceId === src.id).map(inflightView);
    return [...shown.map((s) => snapshotView(s, exclusive.get(s.id) ?? 0)), ...inflight].sort(byCreation);
  }

  private async exclusiveSizes(sources: SourceRecord[], all: SnapshotRecord[], only: SourceRecord | null): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const stats = await this.statsFor(sources, all, only);
    for (const s of stats.values()) for (const [id, n] of Object.entries(s?.exclusiveBytes ?? {})) out.set(id, n);
    return out;
  }

  private async statsFor(sources: SourceRecord[], all: SnapshotRecord[], only: SourceRecord | null) {
    const out = new Map<string, Awaited<ReturnType<typeof domainStats>>>();
    const wanted = only ? [only] : sources;
    const plainIds = new Set(sources.filter((s) => !s.encrypted).map((s) => s.id));
    if (wanted.some((s) => !s.encrypted)) {
      out.set('plain', await domainStats(this.repo, plainDomain, 'plain', all.filter((s) => plainIds.has(s.sourceId))));
    }
    for (const s of wanted.filter((x) => x.encrypted)) {
      const domain = await this.repo.domainFor(s).catch(() => null);
      out.set(s.id, await domainStats(this.repo, domain, s.id, all.filter((x) => x.sourceId === s.id)));
    }
    return out;
  }

  async snapshotRecord(ref: string): Promise<SnapshotRecord> {
    // A damaged record of another snapshot must not stop this one from being restored.
    return resolveRef(await this.repo.listSnapshots(undefined, { skipDamaged: true }), ref, 'snapshot');
  }

  async deleteSnapshot(ref: string, opts: { dryRun?: boolean } = {}): Promise<DeleteResult> {
    const snaps = await this.repo.listSnapshots();
    const inflight = await this.repo.listInflight();
    const failed = inflight.map(inflightView).filter((s) => s.status === 'failed');
    const all = [...snaps.map((s) => ({ id: s.id, name: s.name, rec: s })), ...failed.map((s) => ({ id: s.id, name: s.name, rec: null }))];
    const hit = resolveRef(all, ref, 'snapshot');
    if (!hit.rec) return opts.dryRun ? { snapshotId: hit.id, dryRun: true, freedBytes: 0 } : deleteInflight(this.repo, hit.id);
    if (inflight.some((r) => r.id === hit.id && r.status === 'progressing')) throw new StrataError('E_BUSY', `snapshot ${hit.id} is still progressing; cancel it instead`);
    const src = resolveRef(await this.repo.listSources(), hit.rec.sourceId, 'source');
    return deleteSnapshot(this.repo, src, hit.rec, opts.dryRun ?? false);
  }

  async chain(sourceRef: string): Promise<Chain> {
    const sources = await this.repo.listSources();
    const src = resolveRef(sources, sourceRef, 'source');
    const snapshots = await this.listSnapshots(src.id);
    const stats = await this.statsFor(sources, await this.repo.listSnapshots(), src);
    const total = stats.get(src.encrypted ? src.id : 'plain')?.chainBytes[src.id] ?? 0;
    const done = snapshots.filter((s) => s.status === 'accomplished');
    return { source: sourceView(src), snapshotCount: done.length, totalBytes: total, sourceBytes: done.at(-1)?.sourceBytes ?? src.sizeBytes, snapshots };
  }

  // ---- restore ----

  async restore(snapshotRef: string, target: string, opts: { force?: boolean; signal?: AbortSignal; onProgress?: (p: Progress) => void } = {}): Promise<RestoreResult> {
    const snap = await this.snapshotRecord(snapshotRef);
    const src = resolveRef(await this.repo.listSources(), snap.sourceId, 'source');
    return restoreSnapshot(this.repo, src, snap, target, opts);
  }

  /**
   * Returns a source to a snapshot. Without `force` it only reports what would change; with it,
   * a safety snapshot of the current state is taken first (so the rollback can be undone).
   */
  async rollback(sourceRef: string, snapshotRef: string, opts: { force?: boolean; safetySnapshot?: boolean; signal?: AbortSignal; onProgress?: (p: Progress) => void } = {}): Promise<RollbackResult> {
    const src = await this.sourceRecord(sourceRef);
    const snaps = await this.repo.listSnapshots(src.id);
    const snap = resolveRef(snaps, snapshotRef, 'snapshot of this source');
    const safety = opts.safetySnapshot ?? true;
    return rollbackSource(this.repo, src, snap, {
      dryRun: !opts.force,
      signal: opts.signal,
      onProgress: opts.onProgress,
      beforeWrite: safety
        ? async () => (await createSnapshot(this.repo, src, { name: `before rollback to ${snap.name}`, type: 'manual', processor: this.opts.processor })).id
        : undefined,
    });
  }

  // ---- maintenance ----

  check(opts: { readData?: boolean; onProgress?: (done: number, total: number, phase: string) => void } = {}): Promise<CheckReport> {
    return checkRepository(this.repo, opts);
  }

  info(): Promise<RepositoryInfo> {
    return repositoryInfo(this.repo);
  }
}

function uniqueName(path: string, existing: SourceRecord[]): string {
  const base = path.split('/').filter(Boolean).pop() ?? 'disk';
  let name = base;
  for (let i = 2; existing.some((s) => s.name === name); i++) name = `${base}-${i}`;
  return name;
}
