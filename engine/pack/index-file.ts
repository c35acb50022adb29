import { blake3 } from '../core/native';
import { StrataError } from '../core/errors';
import type { KeyDomain } from '../crypto/domain';
import type { MasterIndex } from './master-index';
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
export function encodeIndexFile(index: MasterIndex, domain: KeyDomain): Buffer {
  const sealer = domain.newSealer();
  // A plain file is built in place: header, body, then the body's BLAKE3.
  const file = Buffer.allocUnsafe(HEADER + 4 + index.size * ENTRY + (sealer ? 0 : 32));
  MAGIC.copy(file, 0);
  file[4] = VERSION;
  file[5] = domain.encrypted ? 1 : 0;
  const body = file.subarray(HEADER, HEADER + 4 + index.size * ENTRY);
  body.writeUInt32BE(index.size, 0);
  let o = 4;
  // Entries of one pack follow each other: its id is converted once per run.
  let packHex = '';
  const packId = Buffer.alloc(16);
  index.forEachEntry((ids, idAt, pack, offset, length, rawLength, type) => {
    body.set(ids.subarray(idAt, idAt + 32), o);
    if (pack !== packHex) {
      packId.write(pack, 'hex');
      packHex = pack;
    }
    packId.copy(body, o + 32);
    body.writeUInt32BE(offset, o + 48);
    body.writeUInt32BE(length, o + 52);
    body.writeUInt32BE(rawLength, o + 56);
    body[o + 60] = type;
    o += ENTRY;
  });
  if (sealer) return Buffer.concat([file.subarray(0, HEADER), sealer.seal(body, file.subarray(0, HEADER))]);
  blake3(body).copy(file, HEADER + body.length);
  return file;
}

/** Whether the 16-byte pack ids at `a` and `b` in `view` are equal (four 32-bit reads: no native call per entry). */
function samePack(view: DataView, a: number, b: number): boolean {
  return view.getUint32(a) === view.getUint32(b) && view.getUint32(a + 4) === view.getUint32(b + 4)
    && view.getUint32(a + 8) === view.getUint32(b + 8) && view.getUint32(a + 12) === view.getUint32(b + 12);
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
  // Entries of one pack follow each other: the pack's number is looked up once per run. Fields
  // are read through a DataView (inlined by the compiler; Buffer's readers are calls).
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let pack = -1;
  let packAt = -1;
  for (let i = 0, o = 4; i < count; i++, o += ENTRY) {
    if (packAt < 0 || !samePack(view, packAt, o + 32)) {
      pack = into.packNumber(body.toString('hex', o + 32, o + 48));
      packAt = o + 32;
    }
    into.addAt(body, o, pack, view.getUint32(o + 48), view.getUint32(o + 52), view.getUint32(o + 56), view.getUint8(o + 60));
  }
  return count;
}
