import type { KeyDomain } from '../crypto/domain';
import { BlobType, RecordEncoder, type RecordWriter } from '../pack/record';
import type { Compression } from '../core/types';

/** A changed, non-zero block to identify and encode. */
export interface BlockJob {
  data: Buffer;
}

export interface ProcessedBlock {
  id: Buffer;
  /**
   * The encoded record, or the means to encode it where the pack wants it; null if `isKnown(id)`
   * said the repository has the blob already. Either may use memory the processor reuses and the
   * job's data: valid until the batch is released.
   */
  record: Buffer | RecordWriter | null;
}

export interface ProcessedBatch {
  blocks: ProcessedBlock[];
  /** Gives the batch's memory back to the processor; its records must not be read afterwards. */
  release(): void;
}

/**
 * Content-ids and encodes batches of blocks. The CPU-heavy step of a snapshot; the pooled
 * implementation spreads batches over worker threads.
 */
export interface BlockProcessor {
  process(jobs: BlockJob[], isKnown: (id: Buffer) => boolean): Promise<ProcessedBatch>;
  /** Gets ready for batches from the start (a first snapshot, where most blocks are new). */
  warm(): void;
  close(): Promise<void>;
}

/**
 * Processes on the calling thread. Records are encoded when the pack takes them, straight into
 * the pack's memory: no buffer per record, no copy.
 */
export class InlineProcessor implements BlockProcessor {
  private readonly encoder: RecordEncoder;

  constructor(private readonly domain: KeyDomain, compression?: Compression) {
    this.encoder = new RecordEncoder(domain, domain.newSealer(), compression);
  }

  async process(jobs: BlockJob[], isKnown: (id: Buffer) => boolean): Promise<ProcessedBatch> {
    const blocks = jobs.map(({ data }) => {
      const id = this.domain.contentId(data);
      return { id, record: isKnown(id) ? null : this.encoder.writer(BlobType.data, id, data) };
    });
    return { blocks, release: () => undefined };
  }

  warm(): void {}

  async close(): Promise<void> {}
}
