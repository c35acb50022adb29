import { StrataError, isStrataError, type ErrorCode } from '../core/errors';
import type { KeyDomain } from '../crypto/domain';
import { decodeRecord } from '../pack/record';
import { splitByLengths, type DecodeReply } from '../snapshot/pipeline-protocol';
import { WorkerPool, type SharedOutput } from '../snapshot/pool';

/**
 * Opens, decompresses and verifies records (views into one buffer read from a pack) and
 * returns their raw blocks, in order. Fails with the record's E_CORRUPT error; never returns
 * unverified data. The buffer may be moved to a worker: callers must not read it afterwards.
 */
export interface RecordDecoder {
  /**
   * With `into`, each raw block is written into `into.memory` at its offset (at most `room`
   * bytes) and the returned buffers are views there; pooled decoders need shared memory.
   */
  decode(records: Buffer[], ids: Buffer[], where: string[], into?: SharedOutput): Promise<Buffer[]>;
  close(): Promise<void>;
}

export function inlineDecoder(domain: KeyDomain): RecordDecoder {
  return {
    decode: async (records, ids, where, into) => records.map((r, i) => {
      try {
        const dest = into ? into.memory.subarray(into.offsets[i]!, into.offsets[i]! + into.room) : undefined;
        return decodeRecord(r, domain, ids[i]!, where[i]!, dest).raw;
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

/**
 * Decodes on worker threads, one per core, so several batches are verified at once. The domain
 * may still be coming (see `WorkerPool`): the workers start now either way.
 */
export function pooledDecoder(domain: KeyDomain | Promise<KeyDomain>): RecordDecoder {
  const pool = new WorkerPool(domain);
  const inline = Promise.resolve(domain).then(inlineDecoder);
  inline.catch(() => undefined);
  return {
    async decode(records, ids, where, into) {
      if (records.length < MIN_PARALLEL_RECORDS) return (await inline).decode(records, ids, where, into);
      const reply = await pool.run<DecodeReply>('decode', records, { ids: Buffer.concat(ids), where, out: into });
      if (reply.error) {
        const { index, code, message } = reply.error;
        throw new StrataError(code as ErrorCode, message, { details: { blob: ids[index]!.toString('hex') } });
      }
      if (into) return reply.lengths.map((n, i) => into.memory.subarray(into.offsets[i]!, into.offsets[i]! + n));
      return splitByLengths(reply.data, reply.lengths);
    },
    close: () => pool.close(),
  };
}
