import type { Chain, Policy, Source } from '../../engine/api/contract';
import type { StrataClient } from '../api/client';
import { toPolicyInput } from '../policies/policy-input';

export interface DiskRow {
  source: Source;
  policies: Policy[];
  snapshotCount: number;
  chainBytes: number;
  lastStatus: string | null;
  nextRun: string | null;
}

/** The earliest next run among the enabled policies, keyed by source id. */
async function nextRuns(client: StrataClient, policies: Policy[]): Promise<Map<string, string>> {
  const next = new Map<string, string>();
  const enabled = policies.filter((p) => p.enabled && p.sourceIds.length > 0);
  const previews = await Promise.all(enabled.map((p) => client.previewPolicy({ policy: toPolicyInput(p), count: 1 })));
  previews.forEach((preview, i) => {
    const at = preview.nextRuns[0]?.at;
    if (!at) return;
    for (const id of enabled[i]!.sourceIds) {
      const cur = next.get(id);
      if (!cur || at < cur) next.set(id, at);
    }
  });
  return next;
}

/** Everything the Disks table shows, one row per source. */
export async function loadDiskRows(client: StrataClient): Promise<DiskRow[]> {
  const [sources, policies] = await Promise.all([client.listSources(), client.listPolicies()]);
  const [chains, runs] = await Promise.all([
    Promise.all(sources.map((s) => client.chain({ sourceId: s.id }))),
    nextRuns(client, policies),
  ]);
  return sources.map((source, i) => rowOf(source, chains[i]!, policies, runs.get(source.id) ?? null));
}

function rowOf(source: Source, chain: Chain, policies: Policy[], nextRun: string | null): DiskRow {
  const last = chain.snapshots[chain.snapshots.length - 1];
  return {
    source,
    policies: policies.filter((p) => p.sourceIds.includes(source.id)),
    snapshotCount: chain.snapshotCount,
    chainBytes: chain.totalBytes,
    lastStatus: last?.status ?? null,
    nextRun,
  };
}
