import { parentPort, workerData } from 'node:worker_threads';
import { isStrataError } from '../core/errors';
import { domainFromSpec } from '../crypto/domain-spec';
import type { DomainSpec } from '../crypto/domain';
import { BlobType, MAX_RAW_BYTES, RECORD_HEADER_BYTES, RecordEncoder, decodeRecord } from '../pack/record';
import { READY_SEQ, joinMovable, movable, type DecodeReply, type EncodeReply, type ShareMessage, type WorkerRequest } from './pipeline-protocol';
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

const sharedMemory = new Map<number, Uint8Array>();

function view(m: WorkerRequest, i: number): Buffer {
  const buf = m.buf ?? sharedMemory.get(m.shared!);
  if (!buf) throw new Error(`a request names shared memory ${m.shared} that was never registered`);
  return Buffer.from(buf.buffer, buf.byteOffset + m.offsets[i]!, m.lengths[i]!);
}

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
  const idBytes = m.ids!.byteLength / m.offsets.length;
  // One buffer for the whole batch, sized by the headers (bounded; checked as each record is decoded).
  let total = 0;
  for (let i = 0; i < m.offsets.length; i++) {
    const record = view(m, i);
    total += record.length >= RECORD_HEADER_BYTES ? Math.min(record.readUInt32BE(48), MAX_RAW_BYTES) : 0;
  }
  const data = Buffer.allocUnsafeSlow(total);
  const lengths: number[] = [];
  let at = 0;
  for (let i = 0; i < m.offsets.length; i++) {
    const id = Buffer.from(m.ids!.buffer, m.ids!.byteOffset + i * idBytes, idBytes);
    try {
      const { raw } = decodeRecord(view(m, i), domain, id, m.where?.[i] ?? `record ${i}`, data.subarray(at));
      lengths.push(raw.length);
      at += raw.length;
    } catch (err) {
      if (!isStrataError(err)) throw err;
      return { reply: { seq: m.seq, data: new Uint8Array(0), lengths: [], error: { index: i, code: err.code, message: err.message } }, transfer: [] };
    }
  }
  return { reply: { seq: m.seq, data, lengths }, transfer: [data.buffer as ArrayBuffer] };
}

parentPort!.on('message', (m: WorkerRequest | ShareMessage) => {
  if (m.kind === 'share') {
    sharedMemory.set(m.id, new Uint8Array(m.memory));
    return;
  }
  const { reply, transfer } = m.kind === 'encode' ? encode(m) : decode(m);
  parentPort!.postMessage(reply, transfer);
});
parentPort!.postMessage({ seq: READY_SEQ });
