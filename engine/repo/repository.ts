import { randomBytes } from 'node:crypto';
import { StrataError, isStrataError } from '../core/errors';
import { systemClock, type Clock } from '../core/clock';
import type { RepoStore } from '../storage/store';
import { LocalStore } from '../storage/local-store';
import type { KeyDomain } from '../crypto/domain';
import { plainDomain } from '../crypto/plain-domain';
import { ChainDomain } from '../crypto/chain-domain';
import { Keyring, unwrapSecret, wrapSecret } from '../crypto/keyring';
import { CONFIG_FILE, indexDir, indexPath, packPath } from '../pack/layout';
import { MasterIndex } from '../pack/master-index';
import { decodeIndexFile, encodeIndexFile } from '../pack/index-file';
import { decodeRecord } from '../pack/record';
import { newFileId } from '../core/ids';
import { byCreation } from '../core/order';
import { acquireLock, type Lock, type LockKind } from './lock';
import { assertRecordUnconverted } from './chain-guard';
import { withChecksum } from './record-checksum';
import {
  INFLIGHT_DIR, SNAPSHOTS_DIR, SOURCES_DIR, inflightFile, snapshotFile, sourceFile,
  type InflightRecord, type SnapshotRecord, type SourceRecord, type TreeRef,
} from './records';

export const FORMAT_VERSION = 1;

export interface RepoConfig {
  format: number;
  id: string;
  createdAt: string;
}

/** `creating`: the passphrase will create the repository's master key (a prompt may ask twice). */
export interface PassphraseRequest {
  creating: boolean;
}

/** Supplies the passphrase when an encrypted chain is used. */
export type PassphraseProvider = (req?: PassphraseRequest) => Promise<string>;

export interface RepositoryOptions {
  clock?: Clock;
  passphrase?: PassphraseProvider;
  /** How long to wait for another process's lock before refusing (ms). */
  lockWaitMs?: number;
  /** A store to use instead of a LocalStore at the path (wrappers: faults, read-only). */
  store?: RepoStore;
}

/**
 * A repository: sources, snapshots, packs and indexes in one store. It knows the formats and the
 * keys; snapshot creation, restore and maintenance are built on it.
 */
export class Repository {
  readonly clock: Clock;
  readonly keyring: Keyring;
  private master: Promise<Buffer> | null = null;
  private readonly domains = new Map<string, KeyDomain>();
  private readonly indexes = new Map<string, { index: MasterIndex; files: Set<string> }>();

  private constructor(readonly path: string, readonly store: RepoStore, readonly config: RepoConfig, private readonly opts: RepositoryOptions) {
    this.clock = opts.clock ?? systemClock;
    this.keyring = new Keyring(store);
  }

  /** Opens the repository at `path`, creating it when `create` is set and it does not exist. */
  static async open(path: string, opts: RepositoryOptions & { create?: boolean } = {}): Promise<Repository> {
    const store = opts.store ?? new LocalStore(path);
    let config: RepoConfig;
    try {
      config = JSON.parse((await store.read(CONFIG_FILE)).toString('utf8')) as RepoConfig;
    } catch (err) {
      if (!isStrataError(err, 'E_NOT_FOUND')) {
        throw new StrataError('E_CORRUPT', `${path}: the repository config cannot be read (${(err as Error).message})`, { cause: err });
      }
      if (!opts.create) throw new StrataError('E_NOT_FOUND', `no repository at ${path}`);
      config = { format: FORMAT_VERSION, id: randomBytes(16).toString('hex'), createdAt: new Date((opts.clock ?? systemClock).now()).toISOString() };
      await store.write(CONFIG_FILE, Buffer.from(JSON.stringify(config, null, 2)));
    }
    if (config.format !== FORMAT_VERSION) {
      throw new StrataError('E_FORMAT', `${path}: repository format ${config.format} is not supported (this Strata reads format ${FORMAT_VERSION})`);
    }
    return new Repository(path, store, config, opts);
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  lock(kind: LockKind, operation: string, waitMs = this.opts.lockWaitMs ?? 30_000): Promise<Lock> {
    return acquireLock(this.store, kind, { operation, waitMs, clock: this.clock });
  }

  now(): Date {
    return new Date(this.clock.now());
  }

  // ---- sources ----

  async listSources(): Promise<SourceRecord[]> {
    const out: SourceRecord[] = [];
    // Only .json: a crash mid-write leaves a ".tmp-" file that is garbage, not a damaged source.
    for (const name of await this.store.list(SOURCES_DIR)) if (name.endsWith('.json')) out.push(await this.readJson<SourceRecord>(name));
    return out.sort(byCreation);
  }

  async saveSource(rec: SourceRecord): Promise<void> {
    await this.store.write(sourceFile(rec.id), Buffer.from(JSON.stringify(rec, null, 2)));
  }

  async removeSource(id: string): Promise<void> {
    await this.store.remove(sourceFile(id));
  }

  // ---- snapshots ----

  /**
   * Committed snapshots. A damaged record raises E_CORRUPT (so gc never mistakes its blocks for
   * garbage) unless `skipDamaged` is set, for reads that must keep working around it (restore).
   */
  async listSnapshots(sourceId?: string, opts: { skipDamaged?: boolean } = {}): Promise<SnapshotRecord[]> {
    const names = (await this.store.list(sourceId ? `${SNAPSHOTS_DIR}/${sourceId}` : SNAPSHOTS_DIR)).filter((n) => n.endsWith('.json'));
    const out: SnapshotRecord[] = [];
    // Read in batches: one file at a time, a chain of 1,000 snapshots spent most of a second
    // waiting on the thread pool's round trips.
    for (let i = 0; i < names.length; i += 64) {
      const batch = await Promise.all(names.slice(i, i + 64).map((name) => this.readJson<SnapshotRecord>(name).catch((err: unknown) => {
        // Listed, then gone: deleted meanwhile by another process (deletes hold the exclusive
        // lock; listing takes none). It is not damaged, and not there any more.
        if (opts.skipDamaged || isStrataError(err, 'E_NOT_FOUND')) return null;
        throw err;
      })));
      for (const rec of batch) if (rec) out.push(rec);
    }
    return out.sort(byCreation);
  }

  /** Writes a snapshot record with its checksum (computed here, so every writer has one). */
  async writeSnapshot(rec: SnapshotRecord): Promise<void> {
    await this.store.write(snapshotFile(rec.sourceId, rec.id), Buffer.from(JSON.stringify(withChecksum(rec), null, 2)));
  }

  async removeSnapshot(rec: { sourceId: string; id: string }): Promise<void> {
    await this.store.remove(snapshotFile(rec.sourceId, rec.id));
  }

  async listInflight(): Promise<InflightRecord[]> {
    const out: InflightRecord[] = [];
    for (const name of await this.store.list(INFLIGHT_DIR)) {
      if (!name.endsWith('.json')) continue;
      try {
        out.push(await this.readJson<InflightRecord>(name));
      } catch {
        // A torn in-flight record is garbage; check reports it and gc removes it.
      }
    }
    return out;
  }

  async writeInflight(rec: InflightRecord): Promise<void> {
    await this.store.write(inflightFile(rec.id), Buffer.from(JSON.stringify(rec)));
  }

  async removeInflight(id: string): Promise<void> {
    await this.store.remove(inflightFile(id));
  }

  private async readJson<T>(name: string): Promise<T> {
    const buf = await this.store.read(name);
    try {
      return JSON.parse(buf.toString('utf8')) as T;
    } catch (err) {
      throw new StrataError('E_CORRUPT', `${name} is not valid JSON (damaged file)`, { cause: err, details: { file: name } });
    }
  }

  // ---- keys and domains ----

  /**
   * The master key, opened (or created) once however many callers ask at the same time: two
   * encrypted sources added at once must not each create a master key.
   */
  private masterKey(): Promise<Buffer> {
    this.master ??= this.openMasterKey().catch((err: unknown) => {
      this.master = null;
      throw err;
    });
    return this.master;
  }

  private async openMasterKey(): Promise<Buffer> {
    if (!this.opts.passphrase) throw new StrataError('E_NEEDS_KEY', 'this chain is encrypted: give the passphrase (STRATA_PASSPHRASE, a key file, or the prompt)');
    const creating = !(await this.keyring.hasKeys());
    const passphrase = await this.opts.passphrase({ creating });
    return creating ? this.keyring.init(passphrase, this.now()) : this.keyring.unlock(passphrase);
  }

  /** Unlocks with the passphrase now (so a wrong one fails before any work). */
  async unlock(): Promise<void> {
    await this.masterKey();
  }

  /** A new chain secret for an encrypted source, wrapped by the master key. */
  async newWrappedSecret(sourceId: string): Promise<string> {
    return wrapSecret(await this.masterKey(), randomBytes(32), `strata chain ${sourceId}`);
  }

  async domainFor(source: SourceRecord): Promise<KeyDomain> {
    assertRecordUnconverted(source);
    if (!source.encrypted) return plainDomain;
    let d = this.domains.get(source.id);
    if (!d) {
      const secret = unwrapSecret(await this.masterKey(), source.wrappedSecret!, `strata chain ${source.id}`);
      if (!secret) throw new StrataError('E_CORRUPT', `the chain key of ${source.name} cannot be opened with this repository's master key`);
      d = new ChainDomain(source.id, secret);
      this.domains.set(source.id, d);
    }
    return d;
  }

  sealTree(domain: KeyDomain, snapshotId: string, tree: TreeRef): Pick<SnapshotRecord, 'tree' | 'sealedTree'> {
    const sealer = domain.newSealer();
    if (!sealer) return { tree };
    return { sealedTree: sealer.seal(Buffer.from(JSON.stringify(tree)), Buffer.from(snapshotId)).toString('base64') };
  }

  openTree(domain: KeyDomain, rec: SnapshotRecord): TreeRef {
    if (rec.encrypted !== domain.encrypted) {
      throw new StrataError('E_ENCRYPTION', `snapshot ${rec.name} (${rec.id}) is ${rec.encrypted ? 'encrypted' : 'not encrypted'} but its chain is ${domain.encrypted ? 'encrypted' : 'not'}; a chain's encryption never changes`, { details: { snapshot: rec.id } });
    }
    if (rec.tree) {
      if (domain.encrypted) throw new StrataError('E_CORRUPT', `snapshot ${rec.id} of an encrypted chain has a plaintext manifest reference`);
      return rec.tree;
    }
    if (!rec.sealedTree) throw new StrataError('E_CORRUPT', `snapshot ${rec.id} has no manifest reference`);
    try {
      return JSON.parse(domain.open(Buffer.from(rec.sealedTree, 'base64'), Buffer.from(rec.id)).toString('utf8')) as TreeRef;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new StrataError('E_CORRUPT', `snapshot ${rec.name} (${rec.id}): its sealed manifest reference cannot be opened: ${why}`, { cause: err, details: { snapshot: rec.id, file: snapshotFile(rec.sourceId, rec.id) } });
    }
  }

  // ---- index and blobs ----

  /** The index files of a domain; temp files of an interrupted write are not index files. */
  async indexFiles(domain: string): Promise<string[]> {
    return (await this.store.list(indexDir(domain))).filter((n) => !/\/\.tmp-[^/]*$/.test(n));
  }

  /**
   * The master index of a domain, kept in step with the index files on disk: files added since
   * the last call (by this or another process) are read; if any file went away (gc), it is
   * rebuilt. A damaged index file raises E_CORRUPT naming it.
   */
  async loadIndex(domain: KeyDomain): Promise<MasterIndex> {
    const files = await this.indexFiles(domain.name);
    let cached = this.indexes.get(domain.name);
    if (cached && [...cached.files].some((f) => !files.includes(f))) cached = undefined;
    if (!cached) cached = { index: new MasterIndex(), files: new Set() };
    for (const name of files) {
      if (cached.files.has(name)) continue;
      decodeIndexFile(await this.store.read(name), domain, name, cached.index);
      cached.files.add(name);
    }
    this.indexes.set(domain.name, cached);
    return cached.index;
  }

  async writeIndexFile(domain: KeyDomain, entries: MasterIndex): Promise<string> {
    const name = indexPath(domain.name, newFileId());
    await this.store.write(name, encodeIndexFile(entries, domain));
    return name;
  }

  /** Reads one blob and verifies it; corruption raises E_CORRUPT, never returns wrong bytes. */
  async readBlob(domain: KeyDomain, index: MasterIndex, id: Buffer): Promise<Buffer> {
    const e = index.get(id);
    if (!e) throw new StrataError('E_CORRUPT', `blob ${id.toString('hex').slice(0, 16)} is missing from the index`, { details: { blob: id.toString('hex') } });
    const file = packPath(domain.name, e.pack);
    const record = await this.store.readRange(file, e.offset, e.length).catch((err: unknown) => {
      if (isStrataError(err, 'E_NOT_FOUND')) throw new StrataError('E_CORRUPT', `pack ${file} is missing`, { cause: err, details: { file } });
      throw err;
    });
    try {
      return decodeRecord(record, domain, id, `${file}@${e.offset}`).raw;
    } catch (err) {
      if (isStrataError(err)) throw new StrataError(err.code, err.message, { cause: err, details: { file, blob: id.toString('hex') } });
      throw err;
    }
  }
}
