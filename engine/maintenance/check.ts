import { isStrataError } from '../core/errors';
import { plainDomain } from '../crypto/plain-domain';
import type { CheckProblem, CheckReport } from '../core/types';
import type { KeyDomain } from '../crypto/domain';
import { packDir, packPath, parsePackPath } from '../pack/layout';
import { decodeIndexFile } from '../pack/index-file';
import { MasterIndex, idKey, type IndexEntry } from '../pack/master-index';
import { decodeRecord } from '../pack/record';
import { holderGone, staleLocks } from '../repo/lock';
import type { Repository } from '../repo/repository';
import type { SnapshotRecord, SourceRecord } from '../repo/records';
import { checksumMismatch } from '../repo/record-checksum';
import { LEAVES_READ_AHEAD, visitTree } from '../repo/tree-io';

export interface CheckOptions {
  readData?: boolean;
  onProgress?: (done: number, total: number, phase: string) => void;
}

interface DomainScan {
  domain: KeyDomain;
  index: MasterIndex;
  snapshots: SnapshotRecord[];
  /** blob key → snapshot ids that reference it (filled lazily for blobs found bad). */
  refsOf: (keys: Set<string>) => Promise<Map<string, string[]>>;
}

/**
 * Checks the repository. Structure: every index file decodes, every snapshot's manifest can be
 * walked, every referenced blob is in the index, every indexed pack exists and is long enough.
 * With readData, every indexed record is read and verified (authentication, content id).
 * Each problem names the snapshots it affects. Harmless leftovers are notices.
 */
export async function checkRepository(repo: Repository, opts: CheckOptions = {}): Promise<CheckReport> {
  const lock = await repo.lock('shared', 'check');
  const report: CheckReport = { ok: true, readData: opts.readData ?? false, snapshotsChecked: 0, packsChecked: 0, blobsChecked: 0, bytesRead: 0, problems: [], notices: [] };
  try {
    const sources = await repo.listSources();
    const allSnapshots = await listSnapshotsReporting(repo, report);
    const domains: { domain: KeyDomain; sources: SourceRecord[] }[] = [];
    const plain = sources.filter((s) => !s.encrypted);
    if (plain.length > 0 || (await repo.store.list('index/plain')).length > 0) domains.push({ domain: plainDomain, sources: plain });
    for (const s of sources.filter((x) => x.encrypted)) {
      try {
        domains.push({ domain: await repo.domainFor(s), sources: [s] });
      } catch (err) {
        if (isStrataError(err, 'E_NEEDS_KEY')) report.notices.push({ kind: 'skipped', message: `encrypted chain ${s.name} was not checked: no passphrase given` });
        else if (isStrataError(err, 'E_ENCRYPTION') || isStrataError(err, 'E_CORRUPT')) {
          // An altered or damaged source record: report it and go on checking the other chains.
          report.problems.push({ kind: 'unreadable', message: err.message, file: `sources/${s.id}.json`, snapshots: allSnapshots.filter((x) => x.sourceId === s.id).map((x) => x.id) });
        } else throw err;
      }
    }
    for (const { domain, sources: ds } of domains) {
      const ids = new Set(ds.map((s) => s.id));
      await checkDomain(repo, domain, allSnapshots.filter((s) => ids.has(s.sourceId)), report, opts);
    }
    await addNotices(repo, report);
  } finally {
    await lock.release();
  }
  report.ok = report.problems.length === 0;
  return report;
}

async function listSnapshotsReporting(repo: Repository, report: CheckReport): Promise<SnapshotRecord[]> {
  const out: SnapshotRecord[] = [];
  for (const name of await repo.store.list('snapshots')) {
    // Temp files of interrupted writes are reported as notices, not read as snapshots.
    if (!name.endsWith('.json')) continue;
    const id = /([^/]+)\.json$/.exec(name)?.[1] ?? name;
    let rec: SnapshotRecord;
    try {
      rec = JSON.parse((await repo.store.read(name)).toString('utf8')) as SnapshotRecord;
    } catch {
      report.problems.push({ kind: 'corrupt-snapshot', message: `${name} is damaged and cannot be read`, file: name, snapshots: [id] });
      continue;
    }
    // Valid JSON may still hold a flipped byte (in a name or a size): the checksum tells.
    const mismatch = checksumMismatch(rec);
    if (mismatch) report.problems.push({ kind: 'corrupt-snapshot', message: `the record of snapshot ${rec.name} (${id}) is damaged: ${mismatch}`, file: name, snapshots: [id] });
    // Its manifest may still be sound: walk it too, so what it references is checked.
    out.push(rec);
  }
  return out;
}

async function checkDomain(repo: Repository, domain: KeyDomain, snapshots: SnapshotRecord[], report: CheckReport, opts: CheckOptions): Promise<void> {
  const index = new MasterIndex();
  for (const name of await repo.indexFiles(domain.name)) {
    try {
      decodeIndexFile(await repo.store.read(name), domain, name, index);
    } catch (err) {
      report.problems.push({ kind: 'corrupt-index', message: `${name}: ${(err as Error).message}`, file: name, snapshots: [] });
    }
  }
  const scan: DomainScan = { domain, index, snapshots, refsOf: (keys) => whoReferences(repo, domain, index, snapshots, keys) };
  const bad = new Map<string, { kind: CheckProblem['kind']; message: string; file?: string }>();
  // Structure: walk every manifest. A node whose subtree an earlier snapshot walked without
  // error is not walked again: snapshots of one chain share most of their manifest, and what a
  // shared node references is recorded in `bad` already (`reportBad` names every snapshot it
  // affects). Nodes of a walk that failed stay unverified, so each snapshot that reaches them
  // reports its own damaged manifest.
  const verified = new Set<string>();
  for (const snap of snapshots) {
    report.snapshotsChecked++;
    const entered: string[] = [];
    try {
      const ref = repo.openTree(domain, snap);
      const enter = (id: Buffer): boolean => {
        const k = idKey(id);
        if (verified.has(k)) return false;
        entered.push(k);
        return true;
      };
      await visitTree(Buffer.from(ref.root, 'hex'), ref.height, (id) => repo.readBlob(domain, index, id), enter, (_id, leaf) => {
        leaf.forEachId((bytes, at) => {
          if (index.hasAt(bytes, at)) return;
          bad.set(bytes.toString('latin1', at, at + 32), { kind: 'missing-blob', message: `block ${bytes.toString('hex', at, at + 8)} is not in the index` });
        });
      }, LEAVES_READ_AHEAD);
      for (const k of entered) verified.add(k);
    } catch (err) {
      report.problems.push({ kind: 'corrupt-manifest', message: `the manifest of ${snap.name} (${snap.id}) cannot be read: ${(err as Error).message}`, file: (err as { details?: { file?: string } }).details?.file, snapshots: [snap.id] });
    }
  }
  // Packs: present and long enough; with readData, every record verified. Entries are grouped
  // by pack from the index's columns (no string or object per entry unless data is read).
  const byPack = new Map<string, { end: number; entries: [string, IndexEntry][] }>();
  index.forEachEntry((ids, idAt, pack, offset, length, rawLength, type) => {
    let p = byPack.get(pack);
    if (!p) byPack.set(pack, (p = { end: 0, entries: [] }));
    p.end = Math.max(p.end, offset + length);
    if (opts.readData) p.entries.push([Buffer.from(ids.subarray(idAt, idAt + 32)).toString('latin1'), { pack, offset, length, rawLength, type: type as IndexEntry['type'] }]);
  });
  const entriesOf = (pack: string): [string, IndexEntry][] => {
    const out: [string, IndexEntry][] = [];
    for (const [k, e] of index) if (e.pack === pack) out.push([k, e]);
    return out;
  };
  let done = 0;
  for (const [pack, { end, entries }] of byPack) {
    const file = packPath(domain.name, pack);
    report.packsChecked++;
    const size = await repo.store.size(file).catch(() => -1);
    if (size < 0) {
      for (const [k] of entriesOf(pack)) bad.set(k, { kind: 'missing-pack', message: `pack ${file} is missing`, file });
    } else if (end > size) {
      for (const [k, e] of entriesOf(pack)) if (e.offset + e.length > size) bad.set(k, { kind: 'corrupt-pack', message: `pack ${file} is truncated`, file });
    } else if (opts.readData) {
      await verifyPack(repo, domain, file, size, entries, bad, report);
    }
    opts.onProgress?.(++done, byPack.size, opts.readData ? 'reading data' : 'checking packs');
  }
  report.blobsChecked += index.size;
  for (const name of await repo.store.list(packDir(domain.name))) {
    const parsed = parsePackPath(name);
    if (parsed && !byPack.has(parsed.packId)) report.notices.push({ kind: 'unreferenced-pack', message: `${name} is not in the index (left by interrupted work; gc removes it)`, file: name });
  }
  await reportBad(scan, bad, report);
}

async function verifyPack(repo: Repository, domain: KeyDomain, file: string, size: number, entries: [string, IndexEntry][], bad: Map<string, { kind: CheckProblem['kind']; message: string; file?: string }>, report: CheckReport): Promise<void> {
  let whole: Buffer;
  try {
    whole = await repo.store.readRange(file, 0, size);
  } catch (err) {
    for (const [k] of entries) bad.set(k, { kind: 'corrupt-pack', message: `pack ${file} cannot be read: ${(err as Error).message}`, file });
    return;
  }
  report.bytesRead += size;
  for (const [k, e] of entries) {
    try {
      decodeRecord(whole.subarray(e.offset, e.offset + e.length), domain, Buffer.from(k, 'latin1'), `${file}@${e.offset}`);
    } catch (err) {
      bad.set(k, { kind: 'corrupt-blob', message: (err as Error).message, file });
    }
  }
}

async function reportBad(scan: DomainScan, bad: Map<string, { kind: CheckProblem['kind']; message: string; file?: string }>, report: CheckReport): Promise<void> {
  if (bad.size === 0) return;
  const refs = await scan.refsOf(new Set(bad.keys()));
  // One problem per (kind, file/message), listing every affected snapshot.
  const grouped = new Map<string, CheckProblem>();
  for (const [k, b] of bad) {
    const key = `${b.kind}|${b.file ?? b.message}`;
    const p = grouped.get(key) ?? { kind: b.kind, message: b.message, ...(b.file ? { file: b.file } : {}), snapshots: [] };
    for (const s of refs.get(k) ?? []) if (!p.snapshots.includes(s)) p.snapshots.push(s);
    grouped.set(key, p);
  }
  for (const p of grouped.values()) {
    if (p.snapshots.length === 0 && p.kind !== 'missing-pack' && p.kind !== 'corrupt-pack' && p.kind !== 'corrupt-blob') continue;
    report.problems.push(p);
  }
}

async function whoReferences(repo: Repository, domain: KeyDomain, index: MasterIndex, snapshots: SnapshotRecord[], keys: Set<string>): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const add = (k: string, snap: string) => {
    if (!keys.has(k)) return;
    const list = out.get(k) ?? [];
    if (!list.includes(snap)) list.push(snap);
    out.set(k, list);
  };
  for (const snap of snapshots) {
    try {
      const ref = repo.openTree(domain, snap);
      await visitTree(Buffer.from(ref.root, 'hex'), ref.height, (id) => repo.readBlob(domain, index, id), (id) => {
        add(idKey(id), snap.id);
        return true;
      }, (_id, leaf) => {
        for (const blob of leaf.ids()) add(idKey(blob), snap.id);
      });
    } catch {
      // Its manifest is reported already.
    }
  }
  return out;
}

async function addNotices(repo: Repository, report: CheckReport): Promise<void> {
  let running = false;
  for (const rec of await repo.listInflight()) {
    if (rec.status === 'failed' || holderGone(rec)) report.notices.push({ kind: 'interrupted-snapshot', message: `snapshot ${rec.name} (${rec.id}) did not finish: ${rec.error ?? 'interrupted'}`, file: `inflight/${rec.id}.json` });
    else if (rec.status === 'progressing') running = true;
  }
  for (const name of await staleLocks(repo.store)) report.notices.push({ kind: 'stale-lock', message: `${name} was left by a process that is gone`, file: name });
  // A running snapshot keeps the file of the pack it is filling open: temporary files are
  // leftovers only when no snapshot is running.
  if (running) return;
  for (const name of (await repo.store.list('')).filter((n) => /(^|\/)\.tmp-/.test(n))) report.notices.push({ kind: 'temp-file', message: `${name} is a leftover temporary file`, file: name });
}
