import type { KeyDomain } from '../crypto/domain';
import { StrataError, isStrataError } from '../core/errors';
import { packPath } from '../pack/layout';
import type { IndexEntry, MasterIndex } from '../pack/master-index';
import { decodeRecord } from '../pack/record';
import type { Repository } from '../repo/repository';
import type { Leaf } from '../repo/tree';

const MAX_RANGE = 8 * 1024 * 1024;

export interface FetchedBlock {
  /** Block position within the leaf. */
  pos: number;
  data: Buffer;
}

/**
 * Reads the data blocks of a leaf, coalescing neighbouring records of one pack into a single
 * read, and verifies every block (authentication and content id) before handing it out.
 */
export async function fetchLeafBlocks(repo: Repository, domain: KeyDomain, index: MasterIndex, leaf: Leaf, wanted?: (pos: number) => boolean): Promise<FetchedBlock[]> {
  const items: { pos: number; id: Buffer; e: IndexEntry }[] = [];
  for (let pos = 0; pos < leaf.count; pos++) {
    if (leaf.isZero(pos) || (wanted && !wanted(pos))) continue;
    const id = leaf.id(pos);
    const e = index.get(id);
    if (!e) {
      throw new StrataError('E_CORRUPT', `block ${pos} refers to blob ${id.toString('hex').slice(0, 16)} which is not in the index`, { details: { blob: id.toString('hex') } });
    }
    items.push({ pos, id: Buffer.from(id), e });
  }
  const order = [...items].sort((a, b) => (a.e.pack === b.e.pack ? a.e.offset - b.e.offset : a.e.pack < b.e.pack ? -1 : 1));
  const out: FetchedBlock[] = [];
  for (let i = 0; i < order.length; ) {
    let j = i + 1;
    let end = order[i]!.e.offset + order[i]!.e.length;
    while (j < order.length && order[j]!.e.pack === order[i]!.e.pack && order[j]!.e.offset <= end && order[j]!.e.offset + order[j]!.e.length - order[i]!.e.offset <= MAX_RANGE) {
      end = Math.max(end, order[j]!.e.offset + order[j]!.e.length);
      j++;
    }
    const start = order[i]!.e.offset;
    const file = packPath(domain.name, order[i]!.e.pack);
    const range = await repo.store.readRange(file, start, end - start).catch((err: unknown) => {
      if (isStrataError(err, 'E_NOT_FOUND')) throw new StrataError('E_CORRUPT', `pack ${file} is missing`, { cause: err, details: { file } });
      throw err;
    });
    for (let k = i; k < j; k++) {
      const { pos, id, e } = order[k]!;
      const record = range.subarray(e.offset - start, e.offset - start + e.length);
      try {
        out.push({ pos, data: decodeRecord(record, domain, id, `${file}@${e.offset}`).raw });
      } catch (err) {
        if (isStrataError(err)) throw new StrataError(err.code, err.message, { cause: err, details: { file, blob: id.toString('hex') } });
        throw err;
      }
    }
    i = j;
  }
  return out.sort((a, b) => a.pos - b.pos);
}
