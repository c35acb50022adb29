import { noExtra, parse } from '../args';
import type { Command } from '../context';
import { bytes } from '../format';

export const infoCommand: Command = async (ctx) => {
  const { positionals } = parse(ctx.args, {}, 'strata info');
  noExtra(positionals, 0, 'strata info');
  const info = await (await ctx.service()).info();
  ctx.out(info, () =>
    [
      `repository ${info.path} (format ${info.formatVersion})`,
      `${info.sourceCount} source(s), ${info.snapshotCount} snapshot(s), ${info.packCount} pack(s), ${info.encryptedChains} encrypted chain(s), ${info.keySlots} key slot(s)`,
      `${bytes(info.sizeBytes)} on disk for ${bytes(info.logicalBytes)} of snapshots (dedup ratio ${info.dedupRatio.toFixed(2)})`,
    ].join('\n'),
  );
  return 0;
};
