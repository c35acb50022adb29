import { noExtra, parse, positional } from '../args';
import type { Command } from '../context';
import { bytes } from '../format';
import { snapshotTable } from './snapshot';

const USAGE = 'strata chain SOURCE';

export const chainCommand: Command = async (ctx) => {
  const { positionals } = parse(ctx.args, {}, USAGE);
  noExtra(positionals, 1, USAGE);
  const chain = await (await ctx.service()).chain(positional(positionals, 0, 'SOURCE', USAGE));
  ctx.out(chain, () =>
    [
      `${chain.source.name} (${chain.source.id})${chain.source.encrypted ? ' [encrypted]' : ''}: ${chain.snapshotCount} snapshot(s), chain ${bytes(chain.totalBytes)} stored for a ${bytes(chain.sourceBytes)} disk`,
      snapshotTable(chain.snapshots),
    ].join('\n'),
  );
  return 0;
};
