import { crc32 } from 'node:zlib';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { DCtx } from 'zstd-napi/binding';
import { StrataError } from '../core/errors';
import type { Compression } from '../core/types';
import type { KeyDomain, Sealer } from '../crypto/domain';
import { SEAL_OVERHEAD } from '../crypto/chain-domain';
import { copyBytes } from '../storage/copy-bytes';
import { Lz4 } from './lz4';

export const RECORD_HEADER_BYTES = 60;
export const BlobType = { data: 1, tree: 2 } as const;
export type BlobTypeCode = (typeof BlobType)[keyof typeof BlobType];

const FLAG_ZSTD = 1;
const FLAG_SEALED = 2;
const FLAG_LZ4 = 4;
const MAGIC = 0x5342; // "SB"
/** Records are written in version 2, which added LZ4 (flag bit 2); version 1 records are still read. */
const VERSION = 2;
const KNOWN_FLAGS: Record<number, number> = { 1: FLAG_ZSTD | FLAG_SEALED, 2: FLAG_ZSTD | FLAG_SEALED | FLAG_LZ4 };
const SAMPLE = 1024;
const SAMPLE_PIECES = 4;
/**
 * No blob is larger (blocks are at most 1 MiB, manifest nodes far smaller): a header claiming more
 * is corrupt, and must not make a reader allocate what it says.
 */
export const MAX_RAW_BYTES = 16 * 1024 * 1024;

/**
 * zstd's low-level binding decompresses into a buffer we give it. It is CommonJS without static
 * exports, so ES imports cannot name its classes: it is required.
 */
const zstdBinding = createRequire(import.meta.url)('zstd-napi/binding') as typeof import('zstd-napi/binding');
/** This thread's decompression contexts, made on first use. */
let dctx: DCtx | null = null;
let lz4: Lz4 | null = null;
/** This thread's memory for a compressed payload once opened, grown on demand. */
let opened = Buffer.alloc(0);

/** 8 bytes naming the key domain in every record, so packs describe themselves for repair. */
export function domainTag(domainName: string): Buffer {
  return createHash('sha256').update(`strata domain ${domainName}`).digest().subarray(0, 8);
}

export interface DecodedHeader {
  type: BlobTypeCode;
  /** How the payload is compressed, if it is. */
  codec: Compression;
  sealed: boolean;
  domainTag: Buffer;
  id: Buffer;
  rawLength: number;
  payloadLength: number;
}

/** A record not yet written: at most `maxBytes` long, written by `writeInto`, which returns its length. */
export interface RecordWriter {
  maxBytes: number;
  writeInto(dest: Buffer): number;
}

/** The most bytes a record of `rawLength` raw bytes can take: header, worst-case zstd, sealing. */
export function maxRecordBytes(rawLength: number): number {
  // zstd's bound is above the raw length, so it also covers a block stored uncompressed.
  return RECORD_HEADER_BYTES + zstdBinding.compressBound(rawLength) + SEAL_OVERHEAD;
}

/**
 * Reusable per-thread encoding state: a compressor and scratch memory. Records are written
 * straight into a buffer the caller gives (`encodeInto`), so encoding a batch of blocks allocates
 * nothing per block.
 */
export class RecordEncoder {
  private readonly squeeze: ((src: Buffer, dest: Buffer) => number) | null;
  private readonly codecFlag: number;
  private readonly probe = Buffer.allocUnsafe(zstdBinding.compressBound(SAMPLE));
  private readonly sample = Buffer.allocUnsafe(SAMPLE);
  /** Whether the last block compressed well: its neighbour very likely does too (see looksCompressible). */
  private lastCompressed = false;
  private scratch = Buffer.alloc(0);
  private readonly tag: Buffer;

  constructor(domain: KeyDomain, private readonly sealer: Sealer | null, compression: Compression = 'lz4') {
    this.tag = domainTag(domain.name);
    this.codecFlag = compression === 'lz4' ? FLAG_LZ4 : compression === 'zstd' ? FLAG_ZSTD : 0;
    if (compression === 'lz4') {
      const codec = new Lz4();
      // Output as long as the input is enough: a block that does not shrink is stored as it is.
      this.squeeze = (src, dest) => codec.compress(src, dest.subarray(0, src.length));
    } else if (compression === 'zstd') {
      const cctx = new zstdBinding.CCtx();
      this.squeeze = (src, dest) => cctx.compress(dest, src, 1);
    } else {
      this.squeeze = null;
    }
  }

  /** Encodes raw bytes with a known id into a new record buffer: header + payload. */
  encode(type: BlobTypeCode, id: Buffer, raw: Buffer): Buffer {
    const need = maxRecordBytes(raw.length);
    if (this.scratch.length < need) this.scratch = Buffer.allocUnsafe(need);
    return Buffer.from(this.scratch.subarray(0, this.encodeInto(type, id, raw, this.scratch)));
  }

  /** The record of `raw`, to be encoded where its consumer puts it (a pack's memory). */
  writer(type: BlobTypeCode, id: Buffer, raw: Buffer): RecordWriter {
    return { maxBytes: maxRecordBytes(raw.length), writeInto: (dest) => this.encodeInto(type, id, raw, dest) };
  }

  /**
   * Writes the record for `raw` at the start of `dest`, which must hold `maxRecordBytes`
   * of it, and returns the record's length.
   */
  encodeInto(type: BlobTypeCode, id: Buffer, raw: Buffer, dest: Buffer): number {
    const body = dest.subarray(RECORD_HEADER_BYTES);
    let flags = 0;
    let plain = raw;
    if (this.squeeze && this.looksCompressible(this.squeeze, raw)) {
      // `body` holds the worst case of either compressor; LZ4 stops as soon as its output
      // would not fit and returns 0.
      const n = this.squeeze(raw, body);
      if (n > 0 && n < raw.length * 0.95) {
        plain = body.subarray(0, n);
        flags |= this.codecFlag;
      }
      this.lastCompressed = n > 0 && n < raw.length * 0.8;
    }
    if (this.sealer) flags |= FLAG_SEALED;
    const payloadLength = this.sealer ? plain.length + SEAL_OVERHEAD : plain.length;
    writeHeader(dest, type, flags, this.tag, id, raw.length, payloadLength);
    if (this.sealer) {
      // The compressed bytes may lie in `body` itself: the sealer reads them before writing there.
      const sealed = this.sealer.sealInto(plain, dest.subarray(0, 56), body);
      if (sealed !== payloadLength) throw new StrataError('E_ENCRYPTION', 'sealed length differs from the header');
    } else if (plain === raw) {
      copyBytes(raw, body);
    }
    return RECORD_HEADER_BYTES + payloadLength;
  }

  /**
   * Random data does not compress: a 1 KiB sample decides whether the whole block is tried. The
   * sample costs ≈ 10 % of compressing a block of text, and data comes in runs of one kind (a
   * file, a region of a disk), so after a block that compressed well the next is tried whole
   * without one; a random block tried that way costs ≈ 3 sample probes, once per run.
   */
  private looksCompressible(squeeze: (src: Buffer, dest: Buffer) => number, raw: Buffer): boolean {
    if (raw.length <= SAMPLE * 2 || this.lastCompressed) return true;
    // Four pieces spread over the block: a small write of random data into a block of text or
    // zeros (a day's scattered writes) must not make the whole block look incompressible.
    const piece = SAMPLE / SAMPLE_PIECES;
    const step = Math.floor(raw.length / SAMPLE_PIECES);
    for (let i = 0; i < SAMPLE_PIECES; i++) raw.copy(this.sample, i * piece, i * step, i * step + piece);
    const n = squeeze(this.sample, this.probe);
    return n > 0 && n < SAMPLE * 0.9;
  }
}

function writeHeader(h: Buffer, type: number, flags: number, tag: Buffer, id: Buffer, rawLength: number, payloadLength: number): void {
  h.writeUInt16BE(MAGIC, 0);
  h.writeUInt8(VERSION, 2);
  h.writeUInt8(type, 3);
  h.writeUInt8(flags, 4);
  h.fill(0, 5, 8); // reserved; `h` may be reused memory
  tag.copy(h, 8);
  id.copy(h, 16);
  h.writeUInt32BE(rawLength, 48);
  h.writeUInt32BE(payloadLength, 52);
  h.writeUInt32BE(crc32(h.subarray(0, 56)), 56);
}

/** Parses and checks a record header; a bad magic, version or checksum raises E_CORRUPT. */
export function readHeader(h: Buffer, where: string): DecodedHeader {
  if (h.length < RECORD_HEADER_BYTES) throw new StrataError('E_CORRUPT', `${where}: record header is truncated`);
  if (h.readUInt16BE(0) !== MAGIC) throw new StrataError('E_CORRUPT', `${where}: no record starts here (bad magic)`);
  if (h.readUInt32BE(56) !== crc32(h.subarray(0, 56))) throw new StrataError('E_CORRUPT', `${where}: record header checksum mismatch`);
  const version = h.readUInt8(2);
  const known = KNOWN_FLAGS[version];
  if (known === undefined) throw new StrataError('E_FORMAT', `${where}: record version ${version} is not supported`);
  const type = h.readUInt8(3);
  if (type !== BlobType.data && type !== BlobType.tree) throw new StrataError('E_CORRUPT', `${where}: unknown blob type ${type}`);
  const flags = h.readUInt8(4);
  if ((flags & ~known) !== 0) throw new StrataError('E_FORMAT', `${where}: record flags ${flags} are not known in version ${version}`);
  if ((flags & FLAG_ZSTD) !== 0 && (flags & FLAG_LZ4) !== 0) throw new StrataError('E_CORRUPT', `${where}: record claims two compressions`);
  return {
    type: type as BlobTypeCode,
    codec: (flags & FLAG_ZSTD) !== 0 ? 'zstd' : (flags & FLAG_LZ4) !== 0 ? 'lz4' : 'none',
    sealed: (flags & FLAG_SEALED) !== 0,
    domainTag: Buffer.from(h.subarray(8, 16)),
    id: Buffer.from(h.subarray(16, 48)),
    rawLength: h.readUInt32BE(48),
    payloadLength: h.readUInt32BE(52),
  };
}

/**
 * Decodes a whole record and verifies it: header checksum, authentication (sealed), and that the
 * content id of the bytes matches. Any mismatch raises E_CORRUPT; wrong data is never returned.
 * The raw bytes land at the start of `into` when given (decoding many blocks into one buffer
 * spares an allocation per block); `into` must hold at least the header's raw length.
 */
export function decodeRecord(record: Buffer, domain: KeyDomain, expectedId: Buffer | null, where: string, into?: Buffer): { header: DecodedHeader; raw: Buffer } {
  const header = readHeader(record, where);
  if (expectedId && !header.id.equals(expectedId)) throw new StrataError('E_CORRUPT', `${where}: record holds another blob than the index says`);
  if (record.length !== RECORD_HEADER_BYTES + header.payloadLength) throw new StrataError('E_CORRUPT', `${where}: record length differs from its header`);
  if (header.sealed !== domain.encrypted) throw new StrataError('E_CORRUPT', `${where}: record encryption flag does not match its chain`);
  if (header.rawLength > MAX_RAW_BYTES) throw new StrataError('E_CORRUPT', `${where}: record claims ${header.rawLength} bytes, more than any blob holds`);
  let payload = record.subarray(RECORD_HEADER_BYTES);
  const dest = into ? into.subarray(0, header.rawLength) : Buffer.allocUnsafe(header.rawLength);
  if (dest.length < header.rawLength) throw new StrataError('E_CORRUPT', `${where}: record claims ${header.rawLength} bytes, more than its block holds`);
  const storedLength = header.sealed ? payload.length - SEAL_OVERHEAD : payload.length;
  if (header.codec === 'none' && storedLength !== header.rawLength) throw new StrataError('E_CORRUPT', `${where}: stored length differs from its header`);
  let rawLength: number;
  if (header.sealed) {
    // A raw block is opened straight into its place; a compressed one into this thread's
    // scratch memory, to be decompressed from there.
    const aad = record.subarray(0, 56);
    if (header.codec === 'none') {
      rawLength = openSealedInto(domain, payload, aad, dest, where);
      return verified(domain, header, dest.subarray(0, rawLength), where);
    }
    if (opened.length < storedLength) opened = Buffer.allocUnsafe(Math.max(storedLength, 64 * 1024));
    payload = opened.subarray(0, openSealedInto(domain, payload, aad, opened, where));
  }
  try {
    if (header.codec === 'lz4') rawLength = (lz4 ??= new Lz4()).decompress(payload, dest);
    else if (header.codec === 'zstd') rawLength = (dctx ??= new zstdBinding.DCtx()).decompress(dest, payload);
    else rawLength = copyBytes(payload, dest);
  } catch (err) {
    throw new StrataError('E_CORRUPT', `${where}: compressed data is damaged`, { cause: err });
  }
  return verified(domain, header, dest.subarray(0, rawLength), where);
}

/** The decoded blob, once its length and content id are those its header names. */
function verified(domain: KeyDomain, header: DecodedHeader, raw: Buffer, where: string): { header: DecodedHeader; raw: Buffer } {
  if (raw.length !== header.rawLength || !domain.contentId(raw).equals(header.id)) {
    throw new StrataError('E_CORRUPT', `${where}: content does not match its id (bit rot or tampering)`);
  }
  return { header, raw };
}

/** Opens a sealed payload into `dest`; a failure names where the payload lives. */
function openSealedInto(domain: KeyDomain, sealed: Buffer, aad: Buffer, dest: Buffer, where: string): number {
  try {
    return domain.openInto(sealed, aad, dest);
  } catch (err) {
    throw new StrataError('E_CORRUPT', `${where}: ${(err as Error).message}`, { cause: err });
  }
}

/** Opens a sealed payload; a failure names where the payload lives. */
export function openSealed(domain: KeyDomain, sealed: Buffer, aad: Buffer, where: string): Buffer {
  try {
    return domain.open(sealed, aad);
  } catch (err) {
    throw new StrataError('E_CORRUPT', `${where}: ${(err as Error).message}`, { cause: err });
  }
}
