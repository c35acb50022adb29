import { parseSize } from '../../core/units';
import type { Snapshot } from '../../core/types';
import { StrataError } from '../../core/errors';
import { noExtra, parse, positional } from '../args';
import type { Command } from '../context';
import { bytes, table, when } from '../format';

const USAGE = 'strata snapshot create SOURCE [--name N] [--io-limit 50M] [--adaptive-io] | snapshot list [SOURCE] | snapshot delete SNAPSHOT [--dry-run]';

export function snapshotTable(list: Snapshot[]): string {
  return table(
    ['ID', 'SOURCE', 'NAME', 'TYPE', 'STATUS', 'CREATED', 'SOURCE SIZE', 'EXCLUSIVE'],
    list.map((s) => [s.id, s.sourceId, s.name, s.type, s.status === 'progressing' ? `progressing ${s.progress}%` : s.status, when(s.createdAt), bytes(s.sourceBytes), bytes(s.exclusiveBytes)]),
  );
}

export const snapshotCommand: Command = async (ctx) => {
  const [verb, ...rest] = ctx.args;
  switch (verb) {
    case 'create': {
      const { values, positionals } = parse(rest, { name: { type: 'string' }, 'io-limit': { type: 'string' }, 'adaptive-io': { type: 'boolean' } }, USAGE);
      noExtra(positionals, 1, USAGE);
      const source = positional(positionals, 0, 'SOURCE', USAGE);
      const svc = await ctx.service();
      const snap = await svc.createSnapshot(source, {
        name: values.name,
        ioLimit: values['io-limit'] ? parseSize(values['io-limit'], 'I/O limit') : 0,
        adaptiveIo: values['adaptive-io'],
        signal: ctx.signal,
        onProgress: (p) => ctx.progress(`${p.percent.toFixed(1)}%  ${bytes(p.bytesDone)} of ${bytes(p.bytesTotal)}  ${bytes(p.rate)}/s  ETA ${p.etaSeconds === null ? '?' : `${Math.ceil(p.etaSeconds)} s`}`),
      });
      ctx.out(snap, () => `snapshot ${snap.id} of ${source} accomplished: ${bytes(snap.sourceBytes)} read, ${bytes(snap.addedBytes)} added`);
      return 0;
    }
    case 'list': {
      const { positionals } = parse(rest, {}, USAGE);
      noExtra(positionals, 1, USAGE);
      const list = await (await ctx.service()).listSnapshots(positionals[0]);
      ctx.out(list, () => snapshotTable(list));
      return 0;
    }
    case 'delete': {
      const { values, positionals } = parse(rest, { 'dry-run': { type: 'boolean' } }, USAGE);
      noExtra(positionals, 1, USAGE);
      const r = await (await ctx.service()).deleteSnapshot(positional(positionals, 0, 'SNAPSHOT', USAGE), { dryRun: values['dry-run'] ?? false });
      ctx.out(r, () => (r.dryRun ? `deleting ${r.snapshotId} would free ${bytes(r.freedBytes)}` : `deleted ${r.snapshotId}; freed ${bytes(r.freedBytes)}`));
      return 0;
    }
    default:
      throw new StrataError('E_USAGE', `unknown snapshot command "${verb ?? ''}"\nusage: ${USAGE}`);
  }
};
