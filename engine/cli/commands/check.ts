import { noExtra, parse } from '../args';
import type { Command } from '../context';
import { bytes } from '../format';

const USAGE = 'strata check [--read-data]';

export const checkCommand: Command = async (ctx) => {
  const { values, positionals } = parse(ctx.args, { 'read-data': { type: 'boolean' } }, USAGE);
  noExtra(positionals, 0, USAGE);
  const report = await (await ctx.service()).check({
    readData: values['read-data'] ?? false,
    onProgress: (done, total, phase) => ctx.progress(`${phase}: ${done}/${total} packs`),
  });
  ctx.out(report, () => {
    const lines = [
      `${report.ok ? 'no problems found' : `${report.problems.length} problem(s) found`}: ${report.snapshotsChecked} snapshot(s), ${report.packsChecked} pack(s), ${report.blobsChecked} blob(s)${report.readData ? `, ${bytes(report.bytesRead)} read and verified` : ''}`,
      ...report.problems.map((p) => `  PROBLEM ${p.kind}: ${p.message}${p.snapshots.length ? ` (affects ${p.snapshots.join(', ')})` : ''}`),
      ...report.notices.map((n) => `  note ${n.kind}: ${n.message}`),
    ];
    return lines.join('\n');
  });
  return report.ok ? 0 : 1;
};
