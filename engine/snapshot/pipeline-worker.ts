import { parentPort, workerData } from 'node:worker_threads';
import { isStrataError } from '../core/errors';
import { domainFromSpec } from '../crypto/domain-spec';
import type { DomainSpec } from '../crypto/domain';
import { BlobType, RecordEncoder, decodeRecord } from '../pack/record';
import { joinMovable, movable, type DecodeReply, type EncodeReply, type WorkerRequest } from './pipeline-protocol';
import { lowerThreadPriority } from './priority';

/**
 * Worker thread of the block pool. Encode: content-id, compress and seal blocks for a
 * snapshot (each worker has its own sealing context: own subkey salt and nonce counter).
 * Decode: open, decompress and verify records for a restore.
 */
const { spec, compress, background } = workerData as { spec: DomainSpec; compress: boolean; background: boolean };
const domain = domainFromSpec(spec);
const encoder = new RecordEncoder(domain, domain.newSealer(), compress);
if (background) lowerThreadPriority();

const view = (m: WorkerRequest, i: number) => Buffer.from(m.buf.buffer, m.buf.byteOffset + m.offsets[i]!, m.lengths[i]!);

function encode(m: WorkerRequest): { reply: EncodeReply; transfer: ArrayBuffer[] } {
  const ids: Uint8Array[] = [];
  const records: Uint8Array[] = [];
  for (let i = 0; i < m.offsets.length; i++) {
    const data = view(m, i);
    const id = domain.contentId(data);
    ids.push(id);
    records.push(encoder.encode(BlobType.data, id, data));
  }
  const out = movable(records);
  const joined = joinMovable(ids);
  return { reply: { seq: m.seq, ids: joined, records: out.parts }, transfer: [joined.buffer as ArrayBuffer, ...out.transfer] };
}

function decode(m: WorkerRequest): { reply: DecodeReply; transfer: ArrayBuffer[] } {
  const raws: Uint8Array[] = [];
  const idBytes = m.ids!.byteLength / m.offsets.length;
  for (let i = 0; i < m.offsets.length; i++) {
    const id = Buffer.from(m.ids!.buffer, m.ids!.byteOffset + i * idBytes, idBytes);
    try {
      raws.push(decodeRecord(view(m, i), domain, id, m.where?.[i] ?? `record ${i}`).raw);
    } catch (err) {
      if (!isStrataError(err)) throw err;
      return { reply: { seq: m.seq, raws: [], error: { index: i, code: err.code, message: err.message } }, transfer: [] };
    }
  }
  const out = movable(raws);
  return { reply: { seq: m.seq, raws: out.parts }, transfer: out.transfer };
}

parentPort!.on('message', (m: WorkerRequest) => {
  const { reply, transfer } = m.kind === 'encode' ? encode(m) : decode(m);
  parentPort!.postMessage(reply, transfer);
});
