import { parentPort, workerData } from 'node:worker_threads';
import { isStrataError } from '../core/errors';
import { domainFromSpec } from '../crypto/domain-spec';
import type { DomainSpec, KeyDomain } from '../crypto/domain';
import { BlobType, MAX_RAW_BYTES, RECORD_HEADER_BYTES, RecordEncoder, decodeRecord, maxRecordBytes } from '../pack/record';
import type { Compression } from '../core/types';
import { READY_SEQ, joinMovable, type DecodeReply, type DomainMessage, type EncodeReply, type ShareMessage, type WorkerRequest } from './pipeline-protocol';
import { lowerThreadPriority } from './priority';

/**
 * Worker thread of the block pool. Encode: content-id, compress and seal blocks for a
 * snapshot (each worker has its own sealing context: own subkey salt and nonce counter).
 * Decode: open, decompress and verify records for a restore.
 */
const { spec, compression, background } = workerData as { spec?: DomainSpec; compression?: Compression; background: boolean };
if (background) lowerThreadPriority();

/** The key domain, from the start or (a pool started while the key was derived) from the first message. */
let keyed: { domain: KeyDomain; encoder: RecordEncoder } | null = spec ? withDomain(spec) : null;

function withDomain(s: DomainSpec): { domain: KeyDomain; encoder: RecordEncoder } {
  const domain = domainFromSpec(s);
  return { domain, encoder: new RecordEncoder(domain, domain.newSealer(), compression) };
}

function domainOf(): { domain: KeyDomain; encoder: RecordEncoder } {
  if (!keyed) throw new Error('a request came before the key domain');
  return keyed;
}

const sharedMemory = new Map<number, Uint8Array>();

function registered(id: number): Uint8Array {
  const memory = sharedMemory.get(id);
  if (!memory) throw new Error(`a request names shared memory ${id} that was never registered`);
  return memory;
}

function view(m: WorkerRequest, i: number): Buffer {
  const buf = m.buf ?? registered(m.shared!);
  return Buffer.from(buf.buffer, buf.byteOffset + m.offsets[i]!, m.lengths[i]!);
}

function encode(m: WorkerRequest): { reply: EncodeReply; transfer: ArrayBuffer[] } {
  const { domain, encoder } = domainOf();
  const ids: Uint8Array[] = [];
  let need = 0;
  for (const length of m.lengths) need += maxRecordBytes(length);
  const into = m.into!;
  if (into.room < need) throw new Error(`an encode request leaves room for ${into.room} bytes of records, ${need} needed`);
  const memory = registered(into.shared);
  const arena = Buffer.from(memory.buffer, memory.byteOffset + into.offset, into.room);
  const recordLengths: number[] = [];
  let at = 0;
  for (let i = 0; i < m.offsets.length; i++) {
    const data = view(m, i);
    const id = domain.contentId(data);
    ids.push(id);
    const n = encoder.encodeInto(BlobType.data, id, data, arena.subarray(at));
    recordLengths.push(n);
    at += n;
  }
  const joined = joinMovable(ids);
  return { reply: { seq: m.seq, ids: joined, recordLengths }, transfer: [joined.buffer as ArrayBuffer] };
}

function decode(m: WorkerRequest): { reply: DecodeReply; transfer: ArrayBuffer[] } {
  const { domain } = domainOf();
  const idBytes = m.ids!.byteLength / m.offsets.length;
  const out = m.out ? registered(m.out.shared) : undefined;
  // Without shared memory to fill: one buffer for the whole batch, sized by the headers (bounded; checked as each record is decoded).
  let data = Buffer.alloc(0);
  if (!out) {
    let total = 0;
    for (let i = 0; i < m.offsets.length; i++) {
      const record = view(m, i);
      total += record.length >= RECORD_HEADER_BYTES ? Math.min(record.readUInt32BE(48), MAX_RAW_BYTES) : 0;
    }
    data = Buffer.allocUnsafeSlow(total);
  }
  const lengths: number[] = [];
  let at = 0;
  for (let i = 0; i < m.offsets.length; i++) {
    const id = Buffer.from(m.ids!.buffer, m.ids!.byteOffset + i * idBytes, idBytes);
    const into = out ? Buffer.from(out.buffer, out.byteOffset + m.out!.offsets[i]!, m.out!.room) : data.subarray(at);
    try {
      const { raw } = decodeRecord(view(m, i), domain, id, m.where?.[i] ?? `record ${i}`, into);
      lengths.push(raw.length);
      at += raw.length;
    } catch (err) {
      if (!isStrataError(err)) throw err;
      return { reply: { seq: m.seq, data: new Uint8Array(0), lengths: [], error: { index: i, code: err.code, message: err.message } }, transfer: [] };
    }
  }
  return { reply: { seq: m.seq, data, lengths }, transfer: out ? [] : [data.buffer as ArrayBuffer] };
}

parentPort!.on('message', (m: WorkerRequest | ShareMessage | DomainMessage) => {
  if (m.kind === 'domain') {
    keyed = withDomain(m.spec);
    return;
  }
  if (m.kind === 'share') {
    sharedMemory.set(m.id, new Uint8Array(m.memory));
    return;
  }
  if (m.kind === 'forget') {
    sharedMemory.delete(m.id);
    return;
  }
  const { reply, transfer } = m.kind === 'encode' ? encode(m) : decode(m);
  parentPort!.postMessage(reply, transfer);
});
parentPort!.postMessage({ seq: READY_SEQ });
