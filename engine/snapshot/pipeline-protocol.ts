import type { DomainSpec } from '../crypto/domain';

/**
 * Messages between the block worker pool and its workers. A batch travels as one buffer plus
 * the spans of its blocks, moved (transferred) rather than copied, or as spans of shared memory;
 * encoded records go into shared memory the request names, decoded blocks likewise or back to
 * back in a fresh buffer.
 */
export interface WorkerRequest {
  kind: 'encode' | 'decode';
  seq: number;
  /** The blocks' buffer, or null when they lie in shared memory registered as `shared`. */
  buf: Uint8Array | null;
  shared?: number;
  offsets: number[];
  lengths: number[];
  /** decode: the expected content ids, back to back. */
  ids?: Uint8Array;
  /** decode: where each record comes from, for error messages. */
  where?: string[];
  /**
   * decode: write each raw block into registered shared memory at its offset, with room for
   * `room` bytes, instead of returning it (the reply then carries only the lengths).
   */
  out?: { shared: number; offsets: number[]; room: number };
  /**
   * encode: write the records back to back into registered shared memory from `offset`, with room
   * for `room` bytes (the sum of `maxRecordBytes` of the blocks).
   */
  into?: { shared: number; offset: number; room: number };
}

export interface EncodeReply {
  seq: number;
  /** The content ids, back to back, all the same length. */
  ids: Uint8Array;
  /** The lengths of the encoded records, which lie back to back where the request said (`into`). */
  recordLengths: number[];
}

export interface DecodeReply {
  seq: number;
  /** The verified raw blocks, back to back in one buffer, in order. */
  data: Uint8Array;
  lengths: number[];
  /** Set when a record failed verification: which one, and the StrataError's code and message. */
  error?: { index: number; code: string; message: string };
}

/**
 * Registers shared memory with a worker once, under an id later requests name (posting the same
 * SharedArrayBuffer with every request costs more than the work on a batch of a few blocks), or
 * drops it once no request will name it again.
 */
export type ShareMessage = { kind: 'share'; id: number; memory: SharedArrayBuffer } | { kind: 'forget'; id: number };

/** The key domain of a pool started before its key was derived; sent before any request. */
export interface DomainMessage {
  kind: 'domain';
  spec: DomainSpec;
}

/** Sent by a worker once its modules are loaded and it takes requests. */
export const READY_SEQ = -1;

export type WorkerReply = EncodeReply | DecodeReply;

/**
 * Builds a request for blocks that are views into one buffer. Shared memory is named by the id
 * `sharedId` gives it; any other buffer is moved to the worker when it is the blocks' own
 * (larger than Node's shared pool of small buffers, which must never be detached); otherwise the
 * blocks are first copied into a fresh buffer.
 */
export function packSpans(
  seq: number,
  kind: WorkerRequest['kind'],
  blocks: Uint8Array[],
  sharedId: (memory: SharedArrayBuffer) => number,
  ids?: Uint8Array,
  where?: string[],
): { request: WorkerRequest; transfer: ArrayBuffer[] } {
  const shared = blocks[0]!.buffer;
  const movable = shared instanceof ArrayBuffer && shared.byteLength > Buffer.poolSize && blocks.every((b) => b.buffer === shared);
  const lengths = blocks.map((b) => b.byteLength);
  const idCopy = ids ? joinMovable([ids]) : undefined;
  const extra = idCopy ? [idCopy.buffer as ArrayBuffer] : [];
  // Shared memory is read in place by the worker: nothing to move, nothing to copy.
  if (typeof SharedArrayBuffer !== 'undefined' && shared instanceof SharedArrayBuffer && blocks.every((b) => b.buffer === shared)) {
    return { request: { kind, seq, buf: null, shared: sharedId(shared), offsets: blocks.map((b) => b.byteOffset), lengths, ids: idCopy, where }, transfer: extra };
  }
  if (movable) {
    return { request: { kind, seq, buf: new Uint8Array(shared), offsets: blocks.map((b) => b.byteOffset), lengths, ids: idCopy, where }, transfer: [shared, ...extra] };
  }
  const buf = joinMovable(blocks);
  const offsets: number[] = [];
  for (let i = 0, at = 0; i < blocks.length; at += lengths[i]!, i++) offsets.push(at);
  return { request: { kind, seq, buf, offsets, lengths, ids: idCopy, where }, transfer: [buf.buffer as ArrayBuffer, ...extra] };
}

/** Views of `buf` back to back, one of each length: the parts of a reply's single buffer. */
export function splitByLengths(buf: Uint8Array, lengths: readonly number[]): Buffer[] {
  const whole = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: Buffer[] = [];
  for (let i = 0, at = 0; i < lengths.length; at += lengths[i]!, i++) out.push(whole.subarray(at, at + lengths[i]!));
  return out;
}

/** Joins parts into one fresh buffer that can be moved to another thread. */
export function joinMovable(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
