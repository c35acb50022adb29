import { StrataError } from '../core/errors';
import { indexDir, packDir } from '../pack/layout';
import type { SnapshotRecord, SourceRecord } from './records';
import type { RepoStore } from '../storage/store';

/**
 * A chain's encryption is fixed when its source is added. These checks catch a source record
 * whose `encrypted` flag no longer matches what the chain holds (a hand-edited or swapped
 * file), so no operation can quietly turn an encrypted chain into a plaintext one or back.
 */
function converted(source: SourceRecord, reason: string): StrataError {
  return new StrataError('E_ENCRYPTION', `source ${source.name} (${source.id}) is marked ${source.encrypted ? 'encrypted' : 'not encrypted'}, but ${reason}; a chain's encryption is fixed when it is added and can never be changed (its record was altered)`, {
    details: { sourceId: source.id },
  });
}

/** The record alone: an encrypted chain has a wrapped chain key, a plaintext one never does. */
export function assertRecordUnconverted(source: SourceRecord): void {
  if (source.encrypted && !source.wrappedSecret) throw converted(source, 'it has no chain key (it was added without encryption)');
  if (!source.encrypted && source.wrappedSecret) throw converted(source, 'it carries a chain key (it was added encrypted)');
}

/** A file an interrupted atomic write left (the store names its temp files ".tmp-…"). */
const isTempFile = (name: string) => /(^|\/)\.tmp-[^/]*$/.test(name);

/** The record against what the chain already holds: its snapshots and its own packs/index. */
export async function assertChainUnconverted(store: RepoStore, source: SourceRecord, snapshots: SnapshotRecord[]): Promise<void> {
  assertRecordUnconverted(source);
  for (const s of snapshots) {
    const sealed = s.sealedTree !== undefined && s.tree === undefined;
    if (s.encrypted !== source.encrypted || sealed !== source.encrypted) throw converted(source, `its snapshot ${s.name} (${s.id}) was taken ${sealed ? 'encrypted' : 'without encryption'}`);
  }
  if (!source.encrypted) {
    // A ".tmp-" file is what a killed atomic write left behind: garbage, not the chain's data.
    const listed = [...(await store.list(indexDir(source.id))), ...(await store.list(packDir(source.id)))];
    const own = listed.filter((n) => !isTempFile(n));
    if (own.length > 0) throw converted(source, `${own[0]} holds its data encrypted`);
  }
}
