import { StrataError } from '../../core/errors';
import { noExtra, parse, positional } from '../args';
import type { Command } from '../context';
import { bytes } from '../format';

const RESTORE = 'strata restore SNAPSHOT --to PATH [--force]';
const ROLLBACK = 'strata rollback SOURCE SNAPSHOT [--force] [--no-safety-snapshot]';

export const restoreCommand: Command = async (ctx) => {
  const { values, positionals } = parse(ctx.args, { to: { type: 'string' }, force: { type: 'boolean' } }, RESTORE);
  noExtra(positionals, 1, RESTORE);
  if (!values.to) throw new StrataError('E_USAGE', `missing --to PATH\nusage: ${RESTORE}`);
  const r = await (await ctx.service()).restore(positional(positionals, 0, 'SNAPSHOT', RESTORE), values.to, {
    force: values.force ?? false,
    signal: ctx.signal,
    onProgress: (p) => ctx.progress(`${p.percent.toFixed(1)}%  ${bytes(p.bytesDone)} of ${bytes(p.bytesTotal)}`),
  });
  ctx.out(r, () => `restored ${r.snapshotId} to ${r.target}: ${r.blocksWritten} blocks written (${bytes(r.bytesWritten)}), ${r.zeroBlocks} zero blocks, every block verified`);
  return 0;
};

export const rollbackCommand: Command = async (ctx) => {
  const { values, positionals } = parse(ctx.args, { force: { type: 'boolean' }, 'no-safety-snapshot': { type: 'boolean' } }, ROLLBACK);
  noExtra(positionals, 2, ROLLBACK);
  const r = await (await ctx.service()).rollback(positional(positionals, 0, 'SOURCE', ROLLBACK), positional(positionals, 1, 'SNAPSHOT', ROLLBACK), {
    force: values.force ?? false,
    safetySnapshot: !(values['no-safety-snapshot'] ?? false),
    signal: ctx.signal,
    onProgress: (p) => ctx.progress(`${p.percent.toFixed(1)}%`),
  });
  if (r.dryRun) {
    if (r.blocksDiffering === 0) {
      ctx.out(r, () => `${r.target} already matches ${r.snapshotId}; nothing to do`);
      return 0;
    }
    throw new StrataError('E_CONFIRM', `rollback would rewrite ${r.blocksDiffering} block(s) of ${r.target}; run again with --force (a safety snapshot of the current state is taken first)`, { details: { ...r } });
  }
  ctx.out(r, () => `rolled ${r.target} back to ${r.snapshotId}: ${r.blocksWritten} block(s) rewritten${r.safetySnapshotId ? `; undo with: strata rollback ${r.target} ${r.safetySnapshotId} --force` : ''}`);
  return 0;
};
