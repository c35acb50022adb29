import { parentPort, workerData } from 'node:worker_threads';
import { domainFromSpec } from '../crypto/domain-spec';
import type { DomainSpec } from '../crypto/domain';
import { BlobType, RecordEncoder } from '../pack/record';

/**
 * Worker thread of the snapshot pool: content-ids, compresses and seals blocks. Each worker
 * has its own sealing context (own subkey salt and nonce counter).
 */
const { spec, compress } = workerData as { spec: DomainSpec; compress: boolean };
const domain = domainFromSpec(spec);
const encoder = new RecordEncoder(domain, domain.newSealer(), compress);

parentPort!.on('message', (msg: { seq: number; blocks: Uint8Array[] }) => {
  const ids: Uint8Array[] = [];
  const records: Uint8Array[] = [];
  for (const b of msg.blocks) {
    const data = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    const id = domain.contentId(data);
    ids.push(id);
    records.push(encoder.encode(BlobType.data, id, data));
  }
  parentPort!.postMessage({ seq: msg.seq, ids, records });
});
