import { StrataError } from '../../core/errors';
import { describeKdf, type KeySlotInfo } from '../../crypto/keyring';
import { resolveRef } from '../../api/resolve';
import { noExtra, parse, positional } from '../args';
import type { Command, CommandContext } from '../context';
import { table, when } from '../format';
import { newPassphrase } from '../passphrase';

const USAGE = 'strata key add [--label L] | key list | key remove KEY | key change';

function slotTable(list: KeySlotInfo[]): string {
  return table(['ID', 'LABEL', 'CREATED', 'KDF'], list.map((k) => [k.id, k.label, when(k.createdAt), describeKdf(k.kdf)]));
}

/**
 * Passphrases of the repository (key slots). None of these re-encrypts data: each writes or
 * removes one slot file. Removing and changing take the exclusive lock, so two of them can
 * never race the repository down to no slot at all.
 */
export const keyCommand: Command = async (ctx) => {
  const [verb, ...rest] = ctx.args;
  switch (verb) {
    case 'add': {
      const { values, positionals } = parse(rest, { label: { type: 'string' } }, USAGE);
      noExtra(positionals, 0, USAGE);
      const svc = await ctx.service();
      const lock = await svc.repo.lock('shared', 'key add');
      try {
        const label = values.label?.trim() || `added ${svc.repo.now().toISOString().slice(0, 10)}`;
        const added = await svc.repo.keyring.addPassphrase(() => ctx.passphrase({ creating: false }), newPassphrase, label, svc.repo.now());
        ctx.out(added, () => `added key slot ${added.id} (${added.label})`);
      } finally {
        await lock.release();
      }
      return 0;
    }
    case 'list': {
      const { positionals } = parse(rest, {}, USAGE);
      noExtra(positionals, 0, USAGE);
      const list = await (await ctx.service()).repo.keyring.list();
      ctx.out(list, () => slotTable(list));
      return 0;
    }
    case 'remove':
      return removeKey(ctx, rest);
    case 'change': {
      const { positionals } = parse(rest, {}, USAGE);
      noExtra(positionals, 0, USAGE);
      const svc = await ctx.service();
      const lock = await svc.repo.lock('exclusive', 'key change');
      try {
        const r = await svc.repo.keyring.changePassphrase(await ctx.passphrase({ creating: false }), newPassphrase, svc.repo.now());
        ctx.out(r, () => `changed the passphrase: key slot ${r.removed.id} replaced by ${r.added.id} (${r.added.label})`);
      } finally {
        await lock.release();
      }
      return 0;
    }
    default:
      throw new StrataError('E_USAGE', `unknown key command "${verb ?? ''}"\nusage: ${USAGE}`);
  }
};

async function removeKey(ctx: CommandContext, rest: string[]): Promise<number> {
  const { positionals } = parse(rest, {}, USAGE);
  noExtra(positionals, 1, USAGE);
  const svc = await ctx.service();
  const lock = await svc.repo.lock('exclusive', 'key remove');
  try {
    const slots = (await svc.repo.keyring.list()).map((k) => ({ ...k, name: k.label }));
    const slot = resolveRef(slots, positional(positionals, 0, 'KEY', USAGE), 'key slot');
    const removed = await svc.repo.keyring.removeSlot(slot.id, await ctx.passphrase({ creating: false }));
    ctx.out({ removed }, () => `removed key slot ${removed.id} (${removed.label})`);
  } finally {
    await lock.release();
  }
  return 0;
}
