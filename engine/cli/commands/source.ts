import { parseSize, validateCompression } from '../../core/units';
import type { Source } from '../../core/types';
import { StrataError } from '../../core/errors';
import { noExtra, parse, positional } from '../args';
import type { Command } from '../context';
import { bytes, table, when } from '../format';

const USAGE = 'strata source add PATH [--name N] [--block-size 16K] [--compression lz4|zstd|none] [--encrypted] | source list | source remove SOURCE [--delete-snapshots]';

export function sourceTable(list: Source[]): string {
  return table(
    ['ID', 'NAME', 'KIND', 'SIZE', 'BLOCK', 'COMPRESSION', 'ENCRYPTED', 'PATH'],
    list.map((s) => [s.id, s.name, s.kind, bytes(s.sizeBytes), bytes(s.blockSize), s.compression, s.encrypted ? 'yes' : 'no', s.path]),
  );
}

export const sourceCommand: Command = async (ctx) => {
  const [verb, ...rest] = ctx.args;
  const svc = await ctx.service();
  switch (verb) {
    case 'add': {
      const { values, positionals } = parse(rest, { name: { type: 'string' }, 'block-size': { type: 'string' }, compression: { type: 'string' }, encrypted: { type: 'boolean' } }, USAGE);
      noExtra(positionals, 1, USAGE);
      const source = await svc.addSource({
        path: positional(positionals, 0, 'PATH', USAGE),
        name: values.name,
        blockSize: values['block-size'] ? parseSize(values['block-size'], 'block size') : undefined,
        compression: values.compression === undefined ? undefined : validateCompression(values.compression),
        encrypted: values.encrypted ?? false,
      });
      ctx.out(source, () => `added ${source.name} (${source.id}): ${source.kind}, ${bytes(source.sizeBytes)}, block ${bytes(source.blockSize)}, ${source.compression}${source.encrypted ? ', encrypted' : ''}`);
      return 0;
    }
    case 'list': {
      const { positionals } = parse(rest, {}, USAGE);
      noExtra(positionals, 0, USAGE);
      const list = await svc.listSources();
      ctx.out(list, () => sourceTable(list));
      return 0;
    }
    case 'remove': {
      const { values, positionals } = parse(rest, { 'delete-snapshots': { type: 'boolean' } }, USAGE);
      noExtra(positionals, 1, USAGE);
      const r = await svc.removeSource(positional(positionals, 0, 'SOURCE', USAGE), { deleteSnapshots: values['delete-snapshots'] ?? false });
      ctx.out(r, () => `removed ${r.source.name}; deleted ${r.deletedSnapshots} snapshot(s), freed ${bytes(r.freedBytes)}`);
      return 0;
    }
    default:
      throw new StrataError('E_USAGE', `unknown source command "${verb ?? ''}"\nusage: ${USAGE}`);
  }
};

export { when };
