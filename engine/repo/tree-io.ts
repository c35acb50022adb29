import { StrataError } from '../core/errors';
import { decodeInterior, decodeLeaf, encodeInterior, FANOUT, type Leaf } from './tree';

/** Stores a tree node blob and returns its id (dedup by content id is the caller's store). */
export type PutNode = (bytes: Buffer) => Promise<Buffer>;
/** Loads a tree node blob by id. */
export type GetNode = (id: Buffer) => Promise<Buffer>;

/**
 * Builds the interior levels over a stream of leaf ids. Memory: at most FANOUT ids per level.
 */
export class TreeBuilder {
  private readonly levels: Buffer[][] = [];
  private leaves = 0;

  constructor(private readonly put: PutNode) {}

  async addLeaf(id: Buffer): Promise<void> {
    this.leaves++;
    await this.push(0, Buffer.from(id));
  }

  private async push(level: number, id: Buffer): Promise<void> {
    const row = (this.levels[level] ??= []);
    row.push(id);
    if (row.length === FANOUT) {
      this.levels[level] = [];
      await this.push(level + 1, await this.put(encodeInterior(level + 1, row)));
    }
  }

  /** Closes every partial node upward; returns the root id and the height. */
  async finish(): Promise<{ root: Buffer; height: number }> {
    if (this.leaves === 0) throw new StrataError('E_INVALID', 'a manifest needs at least one leaf');
    if (this.leaves === 1) return { root: this.levels[0]![0]!, height: 0 };
    for (let level = 0; ; level++) {
      const row = this.levels[level] ?? [];
      const higher = this.levels.slice(level + 1).some((r) => r && r.length > 0);
      if (!higher && row.length === 1 && level > 0) return { root: row[0]!, height: level };
      if (row.length > 0) {
        this.levels[level] = [];
        const id = await this.put(encodeInterior(level + 1, row));
        (this.levels[level + 1] ??= []).push(id);
      }
    }
  }
}

/**
 * Leaves read while the one before them is used. A restore writes while it walks, and a leaf
 * read one at a time waited for a free file thread behind the image's writes, with no new write
 * issued meanwhile: the disk stood idle (restore of the reference workload's scattered
 * incremental: medians 1.81 against 2.00 s, eight alternating pairs).
 */
export const LEAVES_READ_AHEAD = 4;

/**
 * Yields the leaves of a tree in order, loading one path of interior nodes at a time and up to
 * `LEAVES_READ_AHEAD` leaves of a node at once. A read fails the walk when its leaf is reached.
 */
export async function* walkLeaves(root: Buffer, height: number, get: GetNode): AsyncGenerator<{ id: Buffer; leaf: Leaf }> {
  if (height === 0) {
    yield { id: root, leaf: decodeLeaf(await get(root)) };
    return;
  }
  const node = decodeInterior(await get(root));
  if (node.level !== height) throw new StrataError('E_CORRUPT', `manifest node at level ${node.level}, expected ${height}`);
  if (height > 1) {
    for (const child of node.children) yield* walkLeaves(Buffer.from(child), height - 1, get);
    return;
  }
  for await (const { id, bytes } of readInOrder(node.children, get, LEAVES_READ_AHEAD)) yield { id, leaf: decodeLeaf(bytes) };
}

/**
 * Reads the nodes `ids` names, in order, with up to `ahead` reads in flight. `accept` is asked
 * for each id as its read would be issued; one it refuses is skipped. A read that failed fails
 * the walk when its turn comes.
 */
async function* readInOrder(ids: readonly Uint8Array[], get: GetNode, ahead: number, accept: (id: Buffer) => boolean = () => true): AsyncGenerator<{ id: Buffer; bytes: Buffer }> {
  const reads: { id: Buffer; bytes: Promise<Buffer> }[] = [];
  let next = 0;
  const fill = (): void => {
    while (next < ids.length && reads.length < ahead) {
      const id = Buffer.from(ids[next++]!);
      if (!accept(id)) continue;
      const read = get(id);
      // A walk left early (its caller failed or stopped, or a read before this one failed)
      // leaves reads no one awaits.
      read.catch(() => undefined);
      reads.push({ id, bytes: read });
    }
  };
  for (fill(); reads.length > 0; fill()) {
    const { id, bytes } = reads.shift()!;
    yield { id, bytes: await bytes };
  }
}

/**
 * Visits every node of a tree, top-down. `enter` returns false to skip a node's children
 * (used to avoid re-walking shared subtrees). Leaves are passed decoded. With `readAhead` above
 * 1, up to that many leaves of a node are entered and read at once, so `enter` runs for a leaf
 * before the leaves just before it reach `onLeaf`; a walk that fails has entered leaves it never
 * read.
 */
export async function visitTree(
  root: Buffer,
  height: number,
  get: GetNode,
  enter: (id: Buffer, isLeaf: boolean) => boolean,
  onLeaf: (id: Buffer, leaf: Leaf) => void,
  readAhead = 1,
): Promise<void> {
  if (!enter(root, height === 0)) return;
  const bytes = await get(root);
  if (height === 0) {
    onLeaf(root, decodeLeaf(bytes));
    return;
  }
  const node = decodeInterior(bytes);
  if (node.level !== height) throw new StrataError('E_CORRUPT', `manifest node at level ${node.level}, expected ${height}`);
  if (height > 1) {
    for (const child of node.children) await visitTree(Buffer.from(child), height - 1, get, enter, onLeaf, readAhead);
    return;
  }
  for await (const { id, bytes } of readInOrder(node.children, get, Math.max(1, readAhead), (id) => enter(id, true))) onLeaf(id, decodeLeaf(bytes));
}
