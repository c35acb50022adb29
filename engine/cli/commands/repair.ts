import { StrataError } from '../../core/errors';
import { noExtra, parse, positional } from '../args';
import type { Command } from '../context';
import { bytes } from '../format';
import { repairIndex, type RepairReport } from '../../maintenance/repair';
import { sweepRepository } from '../../maintenance/sweep';

const REPAIR_USAGE = 'strata repair index';
const GC_USAGE = 'strata gc';

function repairText(r: RepairReport): string {
  const lines: string[] = [];
  for (const d of r.domains) {
    lines.push(`domain ${d.domain}: ${d.packsScanned} pack(s) scanned, ${d.recordsRecovered} record(s) recovered (${bytes(d.bytesRecovered)}), ${d.indexFilesReplaced} index file(s) replaced`);
    for (const x of d.damaged) lines.push(`  DAMAGED ${x.file} bytes ${x.offset}..${x.offset + x.length}: ${x.reason}`);
  }
  for (const s of r.skipped) lines.push(`  skipped ${s.domain}: ${s.reason}`);
  for (const s of r.snapshots) lines.push(s.complete ? `  ok ${s.name} (${s.id})` : `  INCOMPLETE ${s.name} (${s.id}): ${s.reason}`);
  return lines.join('\n');
}

/** `strata repair index`: rebuilds every index from the packs; exit 1 if a snapshot stays incomplete. */
export const repairCommand: Command = async (ctx) => {
  const { positionals } = parse(ctx.args, {}, REPAIR_USAGE);
  noExtra(positionals, 1, REPAIR_USAGE);
  const what = positional(positionals, 0, 'what to repair ("index")', REPAIR_USAGE);
  if (what !== 'index') throw new StrataError('E_USAGE', `Expected "index" (the only thing repair rebuilds), got "${what}"\nusage: ${REPAIR_USAGE}`);
  const report = await repairIndex((await ctx.service()).repo);
  ctx.out(report, () => repairText(report));
  const lost = report.snapshots.some((s) => !s.complete) || report.domains.some((d) => d.damaged.length > 0);
  return lost ? 1 : 0;
};

/** `strata gc`: removes what no snapshot references and what interrupted work left behind. */
export const gcCommand: Command = async (ctx) => {
  const { positionals } = parse(ctx.args, {}, GC_USAGE);
  noExtra(positionals, 0, GC_USAGE);
  const r = await sweepRepository((await ctx.service()).repo);
  ctx.out(r, () =>
    [
      `${bytes(r.freedBytes)} freed: ${r.packsDeleted} pack(s) deleted, ${r.packsRewritten} rewritten, ${r.interruptedRemoved} interrupted snapshot record(s), ${r.tempFilesRemoved} temp file(s) and ${r.staleLocksRemoved} stale lock(s) removed`,
      ...r.skipped.map((s) => `  skipped ${s}`),
    ].join('\n'),
  );
  return 0;
};
