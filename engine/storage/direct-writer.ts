import { constants as fsc, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { StrataError } from '../core/errors';
import { writeAll } from './file-writes';
import { copyBytes } from './copy-bytes';

/**
 * Writes large files around the page cache (O_DIRECT, Linux). Packs and restored images are
 * written once and not read back soon, so caching them only costs: on a virtual machine the
 * kernel spends ≈ 2 s of CPU copying each GiB into fresh cache pages (more than compressing it),
 * and the cached copy evicts what the user's own programs keep there. Direct writes go from an
 * aligned buffer to the disk. What a direct write cannot take (an unaligned position or the last
 * partial block) and writes too small to pay for one (`SMALL_WRITE`) go through the cache, and a
 * file system that refuses O_DIRECT gets buffered writes throughout; `sync()` makes both kinds
 * durable.
 */

/** Alignment of buffer address, file position and length for O_DIRECT on any Linux device. */
export const DIRECT_ALIGN = 4096;
/** Bytes copied into one aligned buffer and written per direct write. */
const STAGE_BYTES = 16 * 1024 * 1024;
/**
 * Writes smaller than this go through the cache. A direct write waits for the disk, and one into
 * a hole of the file also for the file system to allocate and convert its blocks: ≈ 1 ms for a
 * lone 16 KiB block here, against a copy into the cache that the final sync writes out with its
 * neighbours. A restore after scattered writes has thousands of lone blocks (1,642 of 1,900
 * writes restoring the reference workload's third snapshot).
 */
const SMALL_WRITE = 128 * 1024;
const WASM_PAGE = 64 * 1024;
const KEEP_FREE = 2;

const free: Buffer[] = [];
/** The memory `alignedMemory` made: a view into it at an aligned offset starts on a page. */
const aligned = new WeakSet<ArrayBufferLike>();

/**
 * Page-aligned memory of at least `bytes`: a WebAssembly memory is mapped from fresh pages, so
 * it starts on a page boundary (a Buffer's address is neither aligned nor visible from
 * JavaScript). A misaligned buffer would make the first direct write fail with EINVAL, which
 * falls back to buffered writes. `shared` memory can be handed to worker threads.
 */
export function alignedMemory(bytes: number, shared = false): Buffer {
  const pages = Math.ceil(bytes / WASM_PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared }).buffer;
  aligned.add(memory);
  return Buffer.from(memory);
}

/** True if `view` starts on a page: at an aligned offset of memory from `alignedMemory`. */
export function isPageAligned(view: Buffer): boolean {
  return aligned.has(view.buffer) && view.byteOffset % DIRECT_ALIGN === 0;
}

function takeStage(): Buffer {
  return free.pop() ?? alignedMemory(STAGE_BYTES);
}

function giveStage(b: Buffer): void {
  if (free.length < KEEP_FREE) free.push(b);
}

/** True where the platform offers O_DIRECT and the caller has not turned it off. */
export function directWritesAvailable(): boolean {
  return process.platform === 'linux' && typeof fsc.O_DIRECT === 'number' && process.env.STRATA_DIRECT_IO !== '0';
}

export class DirectWriter {
  private constructor(
    /** The ordinary handle: truncation, unaligned writes, sync and close. */
    readonly fh: FileHandle,
    private direct: FileHandle | null,
    private readonly what: string,
  ) {}

  /**
   * Opens `path` with `flags` (creating it as usual) and a second, direct handle on the same
   * file when the platform and the file system allow one.
   */
  static async open(path: string, flags: string | number, mode: number, what: string, tryDirect = true): Promise<DirectWriter> {
    const fh = await fsp.open(path, flags, mode);
    let direct: FileHandle | null = null;
    if (tryDirect && directWritesAvailable()) {
      direct = await fsp.open(path, fsc.O_WRONLY | fsc.O_DIRECT).catch(() => null);
    }
    return new DirectWriter(fh, direct, what);
  }

  /** Whether writes still go around the cache (false after a refusal). */
  get isDirect(): boolean {
    return this.direct !== null;
  }

  /** Writes every byte of `parts` at `position`; a single page-aligned part without a copy. */
  async writeAt(parts: readonly Buffer[], position: number): Promise<void> {
    if (parts.length === 1 && isPageAligned(parts[0]!)) {
      await this.writeFrom(parts[0]!, position);
      return;
    }
    let total = 0;
    for (const p of parts) total += p.length;
    if (!this.direct || position % DIRECT_ALIGN !== 0 || total < SMALL_WRITE) {
      await writeAll(this.fh, parts, position, this.what);
      return;
    }
    const stage = takeStage();
    try {
      let pi = 0;
      let within = 0;
      let done = 0;
      while (done < total) {
        // Fill the stage from the parts, then write it from there.
        let filled = 0;
        while (filled < stage.length && pi < parts.length) {
          const p = parts[pi]!;
          const n = copyBytes(p.subarray(within, Math.min(p.length, within + stage.length - filled)), stage, filled);
          filled += n;
          within += n;
          if (within === p.length) {
            pi++;
            within = 0;
          }
        }
        await this.writeFrom(stage.subarray(0, filled), position + done);
        done += filled;
      }
    } finally {
      giveStage(stage);
    }
  }

  /**
   * Writes `view` at `position` without copying it, where `view` starts on a page (see
   * `isPageAligned`); other memory is staged by `writeAt`, and a writer without direct writes or
   * an unaligned position goes through the cache.
   */
  async writeFrom(view: Buffer, position: number): Promise<void> {
    if (!this.direct || position % DIRECT_ALIGN !== 0 || view.length < SMALL_WRITE) {
      await writeAll(this.fh, [view], position, this.what);
      return;
    }
    if (!isPageAligned(view)) {
      await this.writeAt([view], position);
      return;
    }
    const head = view.length - (view.length % DIRECT_ALIGN);
    const done = head > 0 ? await this.writeDirect(this.direct, view.subarray(0, head), position) : 0;
    if (done < view.length) await writeAll(this.fh, [view.subarray(done)], position + done, this.what);
  }

  /**
   * Writes an aligned `buf` through the direct handle and returns how many bytes it took: all of
   * them, or fewer when the file system refused (EINVAL: buffered from then on) or a partial
   * write ended unaligned; the caller writes the rest through the cache.
   */
  private async writeDirect(direct: FileHandle, buf: Buffer, position: number): Promise<number> {
    let off = 0;
    while (off < buf.length && off % DIRECT_ALIGN === 0) {
      let written: number;
      try {
        written = (await direct.write(buf, off, buf.length - off, position + off)).bytesWritten;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
        await this.dropDirect();
        return off;
      }
      if (written === 0) throw new StrataError('E_IO', `short write to ${this.what}: the file system took no more bytes`);
      off += written;
    }
    return off;
  }

  private async dropDirect(): Promise<void> {
    const d = this.direct;
    this.direct = null;
    await d?.close().catch(() => undefined);
  }

  async sync(): Promise<void> {
    await this.fh.sync();
  }

  async datasync(): Promise<void> {
    await this.fh.datasync();
  }

  async close(): Promise<void> {
    await this.dropDirect();
    await this.fh.close();
  }
}
