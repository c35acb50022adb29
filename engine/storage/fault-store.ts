import { StrataError, fromFsError } from '../core/errors';
import type { RepoStore } from './store';

/** The store methods a fault can be attached to. */
export type FaultOp = 'write' | 'createExclusive' | 'read' | 'readRange' | 'size' | 'list' | 'remove';

/**
 * What goes wrong:
 * - ENOSPC / EIO / EROFS: the operation fails with that OS error before anything happens.
 * - short-write: the disk took only part of the bytes; a torn temp file is left behind (as a
 *   crash during cleanup would) and the final name never appears.
 * - fsync: the temp file was written but could not be made durable; the final name never appears.
 * - rename: the durable temp file could not be renamed; it is left behind, the final name is absent.
 * - dir-fsync: the rename happened but the folder could not be synced: the file is in place and
 *   complete, yet the caller is told the write failed (the hardest case for a caller).
 */
export type FaultKind = 'ENOSPC' | 'EIO' | 'EROFS' | 'short-write' | 'fsync' | 'rename' | 'dir-fsync';

export interface FaultRule {
  /** Fail the nth matching call (1-based); absent = the first. */
  nth?: number;
  /** How many consecutive matching calls fail from the nth on; absent = 1, Infinity = all. */
  times?: number;
  /** Only calls whose file name matches count. */
  match?: RegExp;
  error: FaultKind;
}

interface ArmedFault extends Required<Omit<FaultRule, 'match'>> {
  op: FaultOp;
  match: RegExp | null;
  seen: number;
}

const WRITE_ONLY: FaultKind[] = ['short-write', 'fsync', 'rename', 'dir-fsync'];

/**
 * A RepoStore wrapper that injects storage faults at a chosen operation and count, for tests:
 * `new FaultStore(inner).fail('write', { nth: 3, error: 'ENOSPC' })`. Faults of an atomic-write
 * store are modelled faithfully: a final file is never partial.
 */
export class FaultStore implements RepoStore {
  private readonly faults: ArmedFault[] = [];
  /** Every fault that fired, in order (for reports and assertions). */
  readonly fired: { op: FaultOp; name: string; error: FaultKind }[] = [];

  constructor(private readonly inner: RepoStore) {}

  get location(): string {
    return this.inner.location;
  }

  fail(op: FaultOp, rule: FaultRule): this {
    if (WRITE_ONLY.includes(rule.error) && op !== 'write') {
      throw new StrataError('E_INVALID', `Expected a "${rule.error}" fault on "write", got it on "${op}"`);
    }
    const nth = rule.nth ?? 1;
    if (!Number.isInteger(nth) || nth < 1) throw new StrataError('E_INVALID', `Expected nth to be an integer from 1 and up, got ${nth}`);
    this.faults.push({ op, nth, times: rule.times ?? 1, match: rule.match ?? null, error: rule.error, seen: 0 });
    return this;
  }

  /** Disarms every fault (the disk was fixed). */
  heal(): this {
    this.faults.length = 0;
    return this;
  }

  private due(op: FaultOp, name: string): FaultKind | null {
    let hit: FaultKind | null = null;
    for (const f of this.faults) {
      if (f.op !== op || (f.match && !f.match.test(name))) continue;
      f.seen++;
      if (!hit && f.seen >= f.nth && f.seen < f.nth + f.times) hit = f.error;
    }
    if (hit) this.fired.push({ op, name, error: hit });
    return hit;
  }

  private async guard(op: FaultOp, name: string): Promise<void> {
    const fault = this.due(op, name);
    if (fault) throw osError(fault, `${op} ${name} in ${this.location}`);
  }

  async write(name: string, data: Buffer | readonly Buffer[], released?: () => void): Promise<void> {
    const fault = this.due('write', name);
    if (!fault) return this.inner.write(name, data, released);
    await this.inner.discard(name);
    const whole = Buffer.isBuffer(data) ? data : Buffer.concat(data);
    const temp = name.replace(/[^/]*$/, `.tmp-fault-${this.fired.length}`);
    const what = `writing ${name} in ${this.location}`;
    switch (fault) {
      case 'short-write':
        await this.inner.write(temp, whole.subarray(0, Math.floor(whole.length / 2)));
        throw new StrataError('E_IO', `${what}: short write (${Math.floor(whole.length / 2)} of ${whole.length} bytes reached the disk)`);
      case 'fsync':
        // The bytes were written; making them durable failed.
        released?.();
        throw new StrataError('E_IO', `${what}: fsync failed (EIO); the data may not be on the disk`);
      case 'rename':
        await this.inner.write(temp, whole, released);
        throw new StrataError('E_IO', `${what}: rename of the temporary file failed (EIO)`);
      case 'dir-fsync':
        await this.inner.write(name, whole, released);
        throw new StrataError('E_IO', `${what}: fsync of the folder failed (EIO); the file may not survive a power loss`);
      default:
        throw osError(fault, what);
    }
  }

  prepare(name: string): void {
    this.inner.prepare(name);
  }

  discard(name: string): Promise<void> {
    return this.inner.discard(name);
  }

  async createExclusive(name: string, data: Buffer): Promise<boolean> {
    await this.guard('createExclusive', name);
    return this.inner.createExclusive(name, data);
  }

  async read(name: string): Promise<Buffer> {
    await this.guard('read', name);
    return this.inner.read(name);
  }

  async readRange(name: string, offset: number, length: number, into?: Buffer): Promise<Buffer> {
    await this.guard('readRange', name);
    return this.inner.readRange(name, offset, length, into);
  }

  async size(name: string): Promise<number> {
    await this.guard('size', name);
    return this.inner.size(name);
  }

  exists(name: string): Promise<boolean> {
    return this.inner.exists(name);
  }

  async list(dir: string): Promise<string[]> {
    await this.guard('list', dir);
    return this.inner.list(dir);
  }

  async remove(name: string): Promise<void> {
    await this.guard('remove', name);
    return this.inner.remove(name);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The StrataError an OS error of this kind becomes, through the same mapping as LocalStore. */
function osError(kind: FaultKind, what: string): StrataError {
  const err = Object.assign(new Error(`${kind}: injected fault`), { code: kind });
  return fromFsError(err, what);
}
