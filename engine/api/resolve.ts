import { StrataError } from '../core/errors';

/**
 * Finds one item by exact id, exact name, or a unique id prefix (at least 4 characters).
 * Says clearly when nothing matches or when a reference is ambiguous.
 */
export function resolveRef<T extends { id: string; name: string }>(items: T[], ref: string, what: string): T {
  if (typeof ref !== 'string' || ref.trim() === '') throw new StrataError('E_INVALID', `Expected a ${what} id or name, got an empty value`);
  const byId = items.find((i) => i.id === ref);
  if (byId) return byId;
  const byName = items.filter((i) => i.name === ref);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw new StrataError('E_AMBIGUOUS', `"${ref}" names ${byName.length} ${what}s (${byName.map((i) => i.id).join(', ')}); use an id`);
  }
  const byPrefix = ref.length >= 4 ? items.filter((i) => i.id.startsWith(ref)) : [];
  if (byPrefix.length === 1) return byPrefix[0]!;
  if (byPrefix.length > 1) throw new StrataError('E_AMBIGUOUS', `"${ref}" matches ${byPrefix.length} ${what}s; give more of the id`);
  throw new StrataError('E_NOT_FOUND', `no ${what} "${ref}"`);
}
