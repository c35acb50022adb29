import { promises as fsp } from 'node:fs';
import { DirectWriter, alignedMemory } from '../../engine/storage/direct-writer';

const WRITE = 8 * 1024 * 1024;

/**
 * The least a durable restore of `bytes` must do on this disk: write them into a new file as
 * 8 MiB direct writes, one after the other, and fsync it (the same writer the restore uses, from
 * memory already faulted in). Seconds, from opening the file to the end of the sync.
 */
export async function durableWriteSeconds(path: string, bytes: number): Promise<number> {
  const memory = alignedMemory(WRITE);
  memory.fill(0x5a);
  await fsp.rm(path, { force: true });
  const start = process.hrtime.bigint();
  const out = await DirectWriter.open(path, 'wx', 0o600, 'the floor measurement');
  try {
    for (let at = 0; at < bytes; at += WRITE) await out.writeFrom(memory.subarray(0, Math.min(WRITE, bytes - at)), at);
    await out.sync();
  } finally {
    await out.close();
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await fsp.rm(path, { force: true });
  return seconds;
}
