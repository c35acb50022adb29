import type { KeyDomain } from '../crypto/domain';
import { BlobType, RecordEncoder } from '../pack/record';

/** A changed, non-zero block to identify and encode. */
export interface BlockJob {
  data: Buffer;
}

export interface ProcessedBlock {
  id: Buffer;
  /** The encoded record, or null if `isKnown(id)` said the repository has the blob already. */
  record: Buffer | null;
}

/**
 * Content-ids and encodes batches of blocks. The CPU-heavy step of a snapshot; the pooled
 * implementation spreads batches over worker threads.
 */
export interface BlockProcessor {
  process(jobs: BlockJob[], isKnown: (id: Buffer) => boolean): Promise<ProcessedBlock[]>;
  close(): Promise<void>;
}

export class InlineProcessor implements BlockProcessor {
  private readonly encoder: RecordEncoder;

  constructor(private readonly domain: KeyDomain, compress = true) {
    this.encoder = new RecordEncoder(domain, domain.newSealer(), compress);
  }

  async process(jobs: BlockJob[], isKnown: (id: Buffer) => boolean): Promise<ProcessedBlock[]> {
    return jobs.map(({ data }) => {
      const id = this.domain.contentId(data);
      return { id, record: isKnown(id) ? null : this.encoder.encode(BlobType.data, id, data) };
    });
  }

  async close(): Promise<void> {}
}
