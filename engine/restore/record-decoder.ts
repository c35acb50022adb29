import { StrataError, isStrataError, type ErrorCode } from '../core/errors';
import type { KeyDomain } from '../crypto/domain';
import { decodeRecord } from '../pack/record';
import type { DecodeReply } from '../snapshot/pipeline-protocol';
import { WorkerPool } from '../snapshot/pool';

/**
 * Opens, decompresses and verifies records (views into one buffer read from a pack) and
 * returns their raw blocks, in order. Fails with the record's E_CORRUPT error; never returns
 * unverified data. The buffer may be moved to a worker: callers must not read it afterwards.
 */
export interface RecordDecoder {
  decode(records: Buffer[], ids: Buffer[], where: string[]): Promise<Buffer[]>;
  close(): Promise<void>;
}

export function inlineDecoder(domain: KeyDomain): RecordDecoder {
  return {
    decode: async (records, ids, where) => records.map((r, i) => {
      try {
        return decodeRecord(r, domain, ids[i]!, where[i]!).raw;
      } catch (err) {
        if (isStrataError(err)) throw new StrataError(err.code, err.message, { cause: err, details: { blob: ids[i]!.toString('hex') } });
        throw err;
      }
    }),
    close: async () => undefined,
  };
}

/** Below this many records a batch is decoded on the calling thread (a round trip costs more). */
const MIN_PARALLEL_RECORDS = 16;

/** Decodes on worker threads, one per core, so several batches are verified at once. */
export function pooledDecoder(domain: KeyDomain): RecordDecoder {
  const pool = new WorkerPool(domain);
  const inline = inlineDecoder(domain);
  return {
    async decode(records, ids, where) {
      if (records.length < MIN_PARALLEL_RECORDS) return inline.decode(records, ids, where);
      const reply = await pool.run<DecodeReply>('decode', records, Buffer.concat(ids), where);
      if (reply.error) {
        const { index, code, message } = reply.error;
        throw new StrataError(code as ErrorCode, message, { details: { blob: ids[index]!.toString('hex') } });
      }
      const data = Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength);
      const raws: Buffer[] = [];
      for (let i = 0, at = 0; i < reply.lengths.length; at += reply.lengths[i]!, i++) raws.push(data.subarray(at, at + reply.lengths[i]!));
      return raws;
    },
    close: () => pool.close(),
  };
}
