import { StrataError } from '../../core/errors';
import type { Job } from '../../core/types';
import { Catalog } from '../../catalog/catalog';
import { resolveRef } from '../../api/resolve';
import { noExtra, parse } from '../args';
import type { Command } from '../context';
import { bytes, table, when } from '../format';

const USAGE = 'strata jobs [--limit N] [--source SOURCE] [--policy POLICY] [--kind snapshot|delete|…]';

/** What a finished job did, in a few words. */
function result(j: Job): string {
  if (j.error) return j.error.message;
  const f = j.figures;
  if (j.kind === 'snapshot' && f.addedBytes !== undefined) return `${bytes(f.sourceBytes ?? 0)} read, ${bytes(f.addedBytes)} added`;
  if (j.kind === 'delete' && f.freedBytes !== undefined) return `${j.message ?? ''}; freed ${bytes(f.freedBytes)}`;
  return j.message ?? '';
}

/** The job history (scheduled runs, skips, retention deletes), newest first. */
export const jobsCommand: Command = async (ctx) => {
  const { values, positionals } = parse(ctx.args, { limit: { type: 'string' }, source: { type: 'string' }, policy: { type: 'string' }, kind: { type: 'string' } }, USAGE);
  noExtra(positionals, 0, USAGE);
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new StrataError('E_INVALID', `Expected --limit as a whole number from 1, got "${values.limit}"`);
  const service = await ctx.service();
  const catalog = await Catalog.open(ctx.home, { service });
  try {
    const sources = await service.listSources();
    const sourceId = values.source ? resolveRef(sources, values.source, 'source').id : null;
    const policyId = values.policy ? (await catalog.getPolicy(values.policy)).id : null;
    const all = await catalog.listJobs(Number.MAX_SAFE_INTEGER);
    const list = all
      .filter((j) => (!sourceId || j.sourceId === sourceId) && (!policyId || j.policyId === policyId) && (!values.kind || j.kind === values.kind))
      .slice(0, limit);
    const names = new Map(sources.map((s) => [s.id, s.name]));
    ctx.out(list, () => table(
      ['ID', 'KIND', 'TRIGGER', 'STATUS', 'SOURCE', 'CREATED', 'DURATION', 'RESULT'],
      list.map((j) => [j.id, j.kind, j.trigger, j.status, j.sourceId ? (names.get(j.sourceId) ?? j.sourceId) : '-', when(j.createdAt), j.durationMs === null ? '-' : `${(j.durationMs / 1000).toFixed(1)} s`, result(j)]),
    ));
    return 0;
  } finally {
    await catalog.close();
  }
};
