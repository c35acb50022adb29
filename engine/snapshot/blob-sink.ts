import type { Compression } from '../core/types';
import type { KeyDomain } from '../crypto/domain';
import type { MasterIndex } from '../pack/master-index';
import { PackWriter } from '../pack/pack-writer';
import { BlobType, RecordEncoder, type RecordWriter } from '../pack/record';
import type { RepoStore } from '../storage/store';

/**
 * Where a snapshot puts new blobs: skips what the repository or this run already holds, packs
 * the rest. Counts the bytes it adds.
 */
export class BlobSink {
  readonly writer: PackWriter;
  private readonly treeEncoder: RecordEncoder;
  addedBytes = 0;

  constructor(store: RepoStore, private readonly domain: KeyDomain, private readonly index: MasterIndex, compression: Compression, packBytes?: number) {
    this.writer = new PackWriter(store, domain.name, packBytes);
    this.treeEncoder = new RecordEncoder(domain, domain.newSealer(), compression);
  }

  isKnown = (id: Buffer): boolean => this.index.has(id) || this.writer.has(id);

  /** Adds the record of blob `id` (an encoded record, or one to write into the pack) unless known. */
  async addRecord(id: Buffer, record: Buffer | RecordWriter): Promise<void> {
    if (this.isKnown(id)) return;
    this.addedBytes += await this.writer.add(record);
  }

  async putTree(bytes: Buffer): Promise<Buffer> {
    const id = this.domain.contentId(bytes);
    await this.addRecord(id, this.treeEncoder.writer(BlobType.tree, id, bytes));
    return id;
  }
}
