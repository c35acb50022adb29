import { StrataError } from '../../core/errors';
import { parseSize } from '../../core/units';
import type { GfsRules, Policy, Source } from '../../core/types';
import type { PolicyInput, PolicyPreview } from '../../api/contract';
import { Catalog } from '../../catalog/catalog';
import { describeHours, describeWeekdays, parseHours, parseWeekdays } from '../../policy/lists';
import { nextRunAt } from '../../policy/schedule';
import { KEEP_FOREVER } from '../../policy/validate';
import { localStamp } from '../../scheduler/log';
import { systemClock } from '../../core/clock';
import { joinNegativeValues, noExtra, parse, positional } from '../args';
import type { CommandContext, Command } from '../context';
import { bytes, table } from '../format';

const USAGE = `strata policy create NAME --hours 2,14 [--weekdays 1-7] --retention-days 30|-1|forever [--keep-last N] [--keep-hourly N]
         [--keep-daily N] [--keep-weekly N] [--keep-monthly N] [--keep-yearly N] [--ac-only] [--idle-minutes N]
         [--deadline-minutes N] [--io-budget 50M] [--apply SOURCE]… [--disabled]
       strata policy list | show POLICY [--runs N] | apply POLICY SOURCE… | unapply POLICY SOURCE… | delete POLICY`;

const GFS_FLAGS = { 'keep-last': 'keepLast', 'keep-hourly': 'keepHourly', 'keep-daily': 'keepDaily', 'keep-weekly': 'keepWeekly', 'keep-monthly': 'keepMonthly', 'keep-yearly': 'keepYearly' } as const;

const CREATE_OPTIONS = {
  hours: { type: 'string' }, weekdays: { type: 'string' }, 'retention-days': { type: 'string' },
  'keep-last': { type: 'string' }, 'keep-hourly': { type: 'string' }, 'keep-daily': { type: 'string' },
  'keep-weekly': { type: 'string' }, 'keep-monthly': { type: 'string' }, 'keep-yearly': { type: 'string' },
  'ac-only': { type: 'boolean' }, 'idle-minutes': { type: 'string' }, 'deadline-minutes': { type: 'string' },
  'io-budget': { type: 'string' }, apply: { type: 'string', multiple: true }, disabled: { type: 'boolean' },
} as const;

const zone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const stamp = (iso: string) => localStamp(Date.parse(iso), zone());

/** A whole number given to a flag; "--retention-days abc" is refused by name. */
function intFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) throw new StrataError('E_INVALID', `Expected --${flag} as a whole number, got "${value}"`);
  return Number(value);
}

/** Retention days: a whole number, or -1, "forever" or "keep" to keep until deleted by hand. */
function retentionFlag(value: string): number {
  return /^\s*(forever|keep)\s*$/i.test(value) ? KEEP_FOREVER : intFlag(value, 'retention-days')!;
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined) throw new StrataError('E_USAGE', `missing --${flag}\nusage: ${USAGE}`);
  return value;
}

function createInput(rest: string[]): PolicyInput {
  const { values, positionals } = parse(joinNegativeValues(rest, ['--retention-days']), CREATE_OPTIONS, USAGE);
  noExtra(positionals, 1, USAGE);
  const gfs: GfsRules = {};
  for (const [flag, key] of Object.entries(GFS_FLAGS)) {
    const n = intFlag(values[flag as keyof typeof GFS_FLAGS], flag);
    if (n !== undefined) gfs[key] = n;
  }
  return {
    name: positional(positionals, 0, 'NAME', USAGE),
    enabled: !values.disabled,
    timePoints: parseHours(required(values.hours, 'hours')),
    repeatWeekdays: parseWeekdays(values.weekdays ?? '1-7'),
    retentionDays: retentionFlag(required(values['retention-days'], 'retention-days')),
    gfs: Object.keys(gfs).length > 0 ? gfs : null,
    offPeak: {
      requireAcPower: values['ac-only'] ?? false,
      idleMinutes: intFlag(values['idle-minutes'], 'idle-minutes') ?? 0,
      deadlineMinutes: intFlag(values['deadline-minutes'], 'deadline-minutes') ?? 0,
    },
    ioBudget: values['io-budget'] ? parseSize(values['io-budget'], 'I/O budget') : 0,
    sourceIds: values.apply ?? [],
  };
}

/** One line saying what a policy does, in words. */
function describePolicy(p: Policy, sources: Map<string, string>): string {
  const keep = p.retentionDays === -1 ? 'keeps snapshots until deleted' : `keeps snapshots ${p.retentionDays} day(s)`;
  const gfs = p.gfs ? `, then ${Object.entries(p.gfs).map(([k, v]) => `${k.replace('keep', '').toLowerCase()} ${v}`).join(', ')}` : '';
  const op = p.offPeak;
  const conditions = [op.requireAcPower && 'on AC power', op.idleMinutes > 0 && `after ${op.idleMinutes} idle min`].filter(Boolean).join(', ');
  const deadline = conditions && op.deadlineMinutes > 0 ? ` (or after ${op.deadlineMinutes} min anyway)` : '';
  const on = p.sourceIds.length > 0 ? p.sourceIds.map((id) => sources.get(id) ?? id).join(', ') : 'no source yet';
  return `${p.name} (${p.id}${p.enabled ? '' : ', disabled'}): at ${describeHours(p.timePoints)} ${describeWeekdays(p.repeatWeekdays)}, ${keep}${gfs}` +
    `${conditions ? `; only ${conditions}${deadline}` : ''}${p.ioBudget ? `; reads at most ${bytes(p.ioBudget)}/s` : ''}; on ${on}`;
}

function showText(p: Policy, preview: PolicyPreview, sources: Map<string, string>): string {
  const runs = preview.nextRuns.map((r) => `  ${stamp(r.at)}`).join('\n') || '  (none: the policy is disabled)';
  const deletions = preview.deletions.map((d) => `  ${stamp(d.at)}  ${d.name} (${d.snapshotId}): ${d.reason}`).join('\n') || '  (none)';
  return `${describePolicy(p, sources)}\nnext runs:\n${runs}\nretention would delete next:\n${deletions}`;
}

async function withCatalog<T>(ctx: CommandContext, fn: (c: Catalog, sources: Map<string, string>) => Promise<T>): Promise<T> {
  const service = await ctx.service();
  const catalog = await Catalog.open(ctx.home, { service });
  try {
    return await fn(catalog, new Map((await service.listSources()).map((s: Source) => [s.id, s.name])));
  } finally {
    await catalog.close();
  }
}

export const policyCommand: Command = async (ctx) => {
  const [verb, ...rest] = ctx.args;
  return withCatalog(ctx, async (catalog, names) => {
    const done = (p: Policy, what: string) => {
      ctx.out(p, () => `${what} ${describePolicy(p, names)}`);
      return 0;
    };
    const policyAndSources = () => {
      const { positionals } = parse(rest, {}, USAGE);
      positional(positionals, 1, 'SOURCE', USAGE);
      return { policy: positionals[0]!, sources: positionals.slice(1) };
    };
    switch (verb) {
      case 'create':
        return done(await catalog.createPolicy(createInput(rest)), 'created');
      case 'list': {
        noExtra(parse(rest, {}, USAGE).positionals, 0, USAGE);
        const list = await catalog.listPolicies();
        const now = new Date(systemClock.now());
        const next = list.map((p) => (p.enabled && p.sourceIds.length > 0 ? nextRunAt(p, now, zone()) : null));
        ctx.out(list, () => table(['ID', 'NAME', 'ENABLED', 'AT', 'DAYS', 'RETENTION', 'SOURCES', 'NEXT RUN'], list.map((p, i) => [
          p.id, p.name, p.enabled ? 'yes' : 'no', describeHours(p.timePoints), describeWeekdays(p.repeatWeekdays),
          p.retentionDays === -1 ? 'forever' : `${p.retentionDays} d`, p.sourceIds.map((id) => names.get(id) ?? id).join(',') || '-',
          next[i] ? stamp(next[i]!.toISOString()) : '-',
        ])));
        return 0;
      }
      case 'show': {
        const { values, positionals } = parse(rest, { runs: { type: 'string' } }, USAGE);
        noExtra(positionals, 1, USAGE);
        const policy = await catalog.getPolicy(positional(positionals, 0, 'POLICY', USAGE));
        const preview = await catalog.previewPolicy(policy, intFlag(values.runs, 'runs') ?? 5);
        ctx.out({ policy, preview }, () => showText(policy, preview, names));
        return 0;
      }
      case 'apply': {
        const a = policyAndSources();
        return done(await catalog.applyPolicy(a.policy, a.sources), 'applied');
      }
      case 'unapply': {
        const a = policyAndSources();
        return done(await catalog.unapplyPolicy(a.policy, a.sources), 'unapplied');
      }
      case 'delete': {
        const { positionals } = parse(rest, {}, USAGE);
        noExtra(positionals, 1, USAGE);
        const p = await catalog.deletePolicy(positional(positionals, 0, 'POLICY', USAGE));
        ctx.out(p, () => `deleted policy ${p.name} (${p.id}); its snapshots stay`);
        return 0;
      }
      default:
        throw new StrataError('E_USAGE', `unknown policy command "${verb ?? ''}"\nusage: ${USAGE}`);
    }
  });
};
