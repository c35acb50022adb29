import { blake3 } from '@napi-rs/blake-hash';
import { StrataError } from '../core/errors';
import type { KeyDomain } from '../crypto/domain';
import type { IndexEntry, MasterIndex } from './master-index';
import { openSealed } from './record';

const MAGIC = Buffer.from('SIDX');
const VERSION = 1;
const HEADER = 6;
const ENTRY = 32 + 16 + 4 + 4 + 4 + 1;

/**
 * Index file: magic "SIDX", version, flags, then a body of entries
 * (id 32 | pack 16 | offset u32 | length u32 | rawLength u32 | type u8). A plain body is
 * followed by its BLAKE3; an encrypted body is sealed with the chain's key (AAD: the header).
 */
export function encodeIndexFile(entries: Iterable<[Buffer, IndexEntry]>, domain: KeyDomain): Buffer {
  const list = [...entries];
  const body = Buffer.alloc(4 + list.length * ENTRY);
  body.writeUInt32BE(list.length, 0);
  let o = 4;
  for (const [id, e] of list) {
    id.copy(body, o);
    Buffer.from(e.pack, 'hex').copy(body, o + 32);
    body.writeUInt32BE(e.offset, o + 48);
    body.writeUInt32BE(e.length, o + 52);
    body.writeUInt32BE(e.rawLength, o + 56);
    body.writeUInt8(e.type, o + 60);
    o += ENTRY;
  }
  const header = Buffer.concat([MAGIC, Buffer.from([VERSION, domain.encrypted ? 1 : 0])]);
  const sealer = domain.newSealer();
  const tail = sealer ? sealer.seal(body, header) : Buffer.concat([body, blake3(body)]);
  return Buffer.concat([header, tail]);
}

/**
 * Verifies an index file and adds its entries to `into` (a blob already there keeps its first
 * location). Returns how many entries the file holds.
 */
export function decodeIndexFile(buf: Buffer, domain: KeyDomain, where: string, into: MasterIndex): number {
  if (buf.length < HEADER || !buf.subarray(0, 4).equals(MAGIC)) throw new StrataError('E_CORRUPT', `${where}: not an index file (bad magic)`);
  if (buf[4] !== VERSION) throw new StrataError('E_FORMAT', `${where}: index version ${buf[4]} is not supported`);
  if ((buf[5] === 1) !== domain.encrypted) throw new StrataError('E_CORRUPT', `${where}: encryption flag does not match its chain`);
  let body: Buffer;
  if (domain.encrypted) {
    body = openSealed(domain, buf.subarray(HEADER), buf.subarray(0, HEADER), where);
  } else {
    body = buf.subarray(HEADER, buf.length - 32);
    if (buf.length < HEADER + 36 || !blake3(body).equals(buf.subarray(buf.length - 32))) {
      throw new StrataError('E_CORRUPT', `${where}: index checksum mismatch`);
    }
  }
  const count = body.readUInt32BE(0);
  if (body.length !== 4 + count * ENTRY) throw new StrataError('E_CORRUPT', `${where}: index length does not match its entry count`);
  into.reserve(into.size + count);
  // Entries of one pack follow each other: the pack's number is looked up once per run.
  let pack = -1;
  let packAt = -1;
  for (let i = 0, o = 4; i < count; i++, o += ENTRY) {
    if (packAt < 0 || body.compare(body, packAt, packAt + 16, o + 32, o + 48) !== 0) {
      pack = into.packNumber(body.toString('hex', o + 32, o + 48));
      packAt = o + 32;
    }
    into.addAt(body, o, pack, body.readUInt32BE(o + 48), body.readUInt32BE(o + 52), body.readUInt32BE(o + 56), body.readUInt8(o + 60));
  }
  return count;
}
