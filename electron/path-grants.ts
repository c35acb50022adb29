import { StrataError } from '../engine/core/errors';

export type GrantKind = 'source' | 'restore-target';

/**
 * Paths the user chose in a native dialog. The window may pass a path to the engine only if it
 * is one of these, so a compromised page cannot name a disk the user never picked.
 */
export class PathGrants {
  private readonly granted = new Map<GrantKind, Set<string>>();

  grant(kind: GrantKind, path: string): void {
    const set = this.granted.get(kind) ?? new Set<string>();
    this.granted.set(kind, set);
    set.add(path);
  }

  require(kind: GrantKind, path: string): void {
    if (!this.granted.get(kind)?.has(path)) {
      const how = kind === 'source' ? 'the "choose a disk" dialog' : 'the "restore to" dialog';
      throw new StrataError('E_INVALID', `Expected a path chosen in ${how}, got ${JSON.stringify(path).slice(0, 200)}`);
    }
  }
}
