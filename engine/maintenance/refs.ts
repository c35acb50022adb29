import type { KeyDomain } from '../crypto/domain';
import { idKey, type MasterIndex } from '../pack/master-index';
import type { Repository } from '../repo/repository';
import type { SnapshotRecord } from '../repo/records';
import { LEAVES_READ_AHEAD, visitTree } from '../repo/tree-io';

const SHARED = -1;

/**
 * Who references what, within one key domain. For each blob we keep the one snapshot that
 * references it (or SHARED when several do) and likewise the one chain. A subtree already
 * marked SHARED on both counts is not walked again, so shared manifests cost one visit.
 */
export interface DomainRefs {
  /** Stored bytes referenced by this snapshot alone (what deleting it frees). */
  exclusiveBytes: Map<string, number>;
  /** Unique stored bytes each chain (source id) references. */
  chainBytes: Map<string, number>;
  /** Every blob referenced by a snapshot (idKey). */
  live: Set<string>;
  /** Blobs a snapshot refers to that the index lacks, by snapshot id. */
  missing: Map<string, string[]>;
  /** Every blob referenced by a snapshot other than `snapshotId`: what stays live once it is deleted. */
  liveWithout(snapshotId: string): Set<string>;
}

export async function computeRefs(repo: Repository, domain: KeyDomain, index: MasterIndex, snapshots: SnapshotRecord[]): Promise<DomainRefs> {
  const snapOwner = new Map<string, number>();
  const chainOwner = new Map<string, number>();
  const chainSets = new Map<string, Set<string>>();
  /**
   * The same, for manifest nodes as the walks met them. Whether a node's subtree is walked again
   * depends on these alone: in a plaintext chain a block can have a node's id (its bytes are the
   * node's encoding, which anyone who writes to the disk can arrange), and that block's mark
   * must not stand for a walk of the node's subtree.
   */
  const nodeSnapOwner = new Map<string, number>();
  const nodeChainOwner = new Map<string, number>();
  const nodesWalked = new Map<string, Set<string>>();
  const chains = [...new Set(snapshots.map((s) => s.sourceId))];
  const missing = new Map<string, string[]>();
  const get = (id: Buffer) => repo.readBlob(domain, index, id);

  for (let si = 0; si < snapshots.length; si++) {
    const snap = snapshots[si]!;
    const ci = chains.indexOf(snap.sourceId);
    const seenInChain = chainSets.get(snap.sourceId) ?? new Set<string>();
    chainSets.set(snap.sourceId, seenInChain);
    const walkedInChain = nodesWalked.get(snap.sourceId) ?? new Set<string>();
    nodesWalked.set(snap.sourceId, walkedInChain);
    const mark = (k: string): void => {
      seenInChain.add(k);
      own(snapOwner, chainOwner, k, si, ci);
    };
    const ref = repo.openTree(domain, snap);
    const lost: string[] = [];
    await visitTree(
      Buffer.from(ref.root, 'hex'),
      ref.height,
      get,
      // Walk below a node when its ownership changed or its chain meets it for the first time;
      // otherwise everything below it is already marked the same way.
      (id) => {
        const k = idKey(id);
        mark(k);
        const firstInChain = !walkedInChain.has(k);
        walkedInChain.add(k);
        return own(nodeSnapOwner, nodeChainOwner, k, si, ci) || firstInChain;
      },
      (_id, leaf) => {
        for (const blob of leaf.ids()) {
          const k = idKey(blob);
          if (!index.getByKey(k)) lost.push(blob.toString('hex'));
          mark(k);
        }
      },
      // Leaves are entered ahead of the ones before them reaching `onLeaf`: whether a node is
      // walked depends only on the nodes' own marks, which stay in walk order.
      LEAVES_READ_AHEAD,
    );
    if (lost.length > 0) missing.set(snap.id, lost);
  }

  const exclusiveBytes = new Map<string, number>(snapshots.map((s) => [s.id, 0]));
  for (const [k, owner] of snapOwner) {
    if (owner === SHARED || chainOwner.get(k) === SHARED) continue;
    const e = index.getByKey(k);
    if (!e) continue;
    const id = snapshots[owner]!.id;
    exclusiveBytes.set(id, exclusiveBytes.get(id)! + e.length);
  }
  const chainBytes = new Map<string, number>();
  for (const [sourceId, set] of chainSets) {
    let n = 0;
    for (const k of set) n += index.getByKey(k)?.length ?? 0;
    chainBytes.set(sourceId, n);
  }
  const liveWithout = (snapshotId: string): Set<string> => {
    const gone = snapshots.findIndex((s) => s.id === snapshotId);
    const out = new Set<string>();
    for (const [k, owner] of snapOwner) if (owner !== gone) out.add(k);
    return out;
  };
  return { exclusiveBytes, chainBytes, live: new Set(snapOwner.keys()), missing, liveWithout };
}

/**
 * Records that snapshot `si` of chain `ci` references `k`: its owner becomes that snapshot (or
 * chain) if it had none, SHARED if it had another. Returns whether either owner changed.
 */
function own(snapOwner: Map<string, number>, chainOwner: Map<string, number>, k: string, si: number, ci: number): boolean {
  const so = snapOwner.get(k);
  const co = chainOwner.get(k);
  const nextSo = so === undefined ? si : so === si ? si : SHARED;
  const nextCo = co === undefined ? ci : co === ci ? ci : SHARED;
  snapOwner.set(k, nextSo);
  chainOwner.set(k, nextCo);
  return so !== nextSo || co !== nextCo;
}
