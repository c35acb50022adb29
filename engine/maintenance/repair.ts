import { isStrataError } from '../core/errors';
import { plainDomain } from '../crypto/plain-domain';
import type { KeyDomain } from '../crypto/domain';
import { PLAIN_DOMAIN_NAME } from '../crypto/domain';
import { indexDir, packDir, parsePackPath } from '../pack/layout';
import { MasterIndex, idKey, type IndexEntry } from '../pack/master-index';
import { RECORD_HEADER_BYTES, decodeRecord, domainTag, readHeader } from '../pack/record';
import type { Repository } from '../repo/repository';
import type { SnapshotRecord, SourceRecord } from '../repo/records';
import { visitTree } from '../repo/tree-io';
import { snapshotsInDomain } from './domain-snapshots';

const MAGIC = Buffer.from([0x53, 0x42]);

/** A stretch of a pack that held no verifiable record. */
export interface DamagedRange {
  file: string;
  offset: number;
  length: number;
  reason: string;
}

export interface DomainRepair {
  domain: string;
  packsScanned: number;
  recordsRecovered: number;
  bytesRecovered: number;
  damaged: DamagedRange[];
  indexFilesReplaced: number;
}

export interface SnapshotRepairState {
  id: string;
  name: string;
  sourceId: string;
  complete: boolean;
  /** Why an incomplete snapshot cannot be restored in full. */
  reason?: string;
}

export interface RepairReport {
  domains: DomainRepair[];
  snapshots: SnapshotRepairState[];
  /** Domains not rebuilt, and why (no key, no source). */
  skipped: { domain: string; reason: string }[];
}

/**
 * Rebuilds the index of every key domain from the packs alone. Packs are self-describing: each
 * record's 60-byte header names its domain, id and length under a checksum, so a pack can be
 * walked record by record; every record is verified (checksum, authentication, content id)
 * before it is indexed, and after a damaged stretch the scan resynchronises on the next valid
 * header. The new index replaces the old index files; then every snapshot is walked to say
 * which remain complete and why the others are not. Holds the exclusive lock.
 */
export async function repairIndex(repo: Repository): Promise<RepairReport> {
  const lock = await repo.lock('exclusive', 'repair index');
  const report: RepairReport = { domains: [], snapshots: [], skipped: [] };
  try {
    const sources = await repo.listSources();
    for (const domain of await domainsToRepair(repo, sources, report)) {
      const { index, result } = await rebuildDomain(repo, domain);
      report.domains.push(result);
      for (const snap of await snapshotsInDomain(repo, domain, sources)) report.snapshots.push(await snapshotState(repo, domain, index, snap));
    }
  } finally {
    await lock.release();
  }
  return report;
}

async function domainsToRepair(repo: Repository, sources: SourceRecord[], report: RepairReport): Promise<KeyDomain[]> {
  const names = new Set<string>();
  for (const name of [...(await repo.store.list('packs')), ...(await repo.store.list('index'))]) names.add(name.split('/')[1]!);
  if (sources.some((s) => !s.encrypted)) names.add(PLAIN_DOMAIN_NAME);
  const out: KeyDomain[] = [];
  for (const name of [...names].sort()) {
    if (name === PLAIN_DOMAIN_NAME) {
      out.push(plainDomain);
      continue;
    }
    const source = sources.find((s) => s.id === name && s.encrypted);
    if (!source) {
      report.skipped.push({ domain: name, reason: 'no encrypted source of this id exists (its packs are garbage for gc)' });
      continue;
    }
    try {
      out.push(await repo.domainFor(source));
    } catch (err) {
      if (!isStrataError(err, 'E_NEEDS_KEY')) throw err;
      report.skipped.push({ domain: name, reason: `encrypted chain ${source.name ?? name} needs the passphrase to verify its records` });
    }
  }
  return out;
}

async function rebuildDomain(repo: Repository, domain: KeyDomain): Promise<{ index: MasterIndex; result: DomainRepair }> {
  const result: DomainRepair = { domain: domain.name, packsScanned: 0, recordsRecovered: 0, bytesRecovered: 0, damaged: [], indexFilesReplaced: 0 };
  const index = new MasterIndex();
  const tag = domainTag(domain.name);
  for (const name of await repo.store.list(packDir(domain.name))) {
    const parsed = parsePackPath(name);
    if (!parsed) continue;
    result.packsScanned++;
    const pack = await repo.store.read(name);
    for (const rec of scanPack(pack, name, domain, tag, result.damaged)) {
      const entry: IndexEntry = { pack: parsed.packId, offset: rec.offset, length: rec.length, rawLength: rec.rawLength, type: rec.type };
      if (index.has(rec.id)) continue;
      index.add(rec.id, entry);
      result.recordsRecovered++;
      result.bytesRecovered += rec.length;
    }
  }
  const old = await repo.store.list(indexDir(domain.name));
  // New index first, then the old files: a crash in between leaves both, which load as a union.
  const written = index.size > 0 ? await repo.writeIndexFile(domain, index) : null;
  for (const f of old) if (f !== written) await repo.store.remove(f);
  result.indexFilesReplaced = old.length;
  return { index, result };
}

interface FoundRecord {
  id: Buffer;
  offset: number;
  length: number;
  rawLength: number;
  type: IndexEntry['type'];
}

/** Walks a pack record by record; verified records are yielded, damaged stretches recorded. */
function* scanPack(pack: Buffer, file: string, domain: KeyDomain, tag: Buffer, damaged: DamagedRange[]): Generator<FoundRecord> {
  let offset = 0;
  while (offset < pack.length) {
    const where = `${file}@${offset}`;
    let length = 0;
    try {
      const h = readHeader(pack.subarray(offset, offset + RECORD_HEADER_BYTES), where);
      length = RECORD_HEADER_BYTES + h.payloadLength;
      if (!h.domainTag.equals(tag)) throw new Error(`${where}: record belongs to another key domain`);
      if (offset + length > pack.length) throw new Error(`${where}: record runs past the end of the pack (truncated)`);
      decodeRecord(pack.subarray(offset, offset + length), domain, null, where);
      yield { id: h.id, offset, length, rawLength: h.rawLength, type: h.type };
      offset += length;
    } catch (err) {
      // A header that passed its checksum gives a trustworthy length; otherwise resynchronise.
      const next = length > 0 && offset + length <= pack.length ? offset + length : nextHeader(pack, offset + 1);
      damaged.push({ file, offset, length: next - offset, reason: (err as Error).message });
      offset = next;
    }
  }
}

/** The offset of the next plausible record header (magic and header checksum), or the end. */
function nextHeader(pack: Buffer, from: number): number {
  for (let at = pack.indexOf(MAGIC, from); at >= 0; at = pack.indexOf(MAGIC, at + 1)) {
    try {
      readHeader(pack.subarray(at, at + RECORD_HEADER_BYTES), 'scan');
      return at;
    } catch {
      // Not a header: the two bytes happened to look like the magic.
    }
  }
  return pack.length;
}

async function snapshotState(repo: Repository, domain: KeyDomain, index: MasterIndex, snap: SnapshotRecord): Promise<SnapshotRepairState> {
  const base = { id: snap.id, name: snap.name, sourceId: snap.sourceId };
  let lost = 0;
  try {
    const ref = repo.openTree(domain, snap);
    await visitTree(Buffer.from(ref.root, 'hex'), ref.height, (id) => repo.readBlob(domain, index, id), () => true, (_id, leaf) => {
      for (const blob of leaf.ids()) if (!index.getByKey(idKey(blob))) lost++;
    });
  } catch (err) {
    return { ...base, complete: false, reason: `its manifest cannot be read: ${(err as Error).message}` };
  }
  if (lost > 0) return { ...base, complete: false, reason: `${lost} of its blocks are in no intact record of any pack (damaged or lost); restore cannot rebuild them` };
  return { ...base, complete: true };
}
