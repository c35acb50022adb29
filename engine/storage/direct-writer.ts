import { constants as fsc, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { StrataError } from '../core/errors';
import { writeAll } from './file-writes';
import { copyBytes } from './copy-bytes';
import { boundedAll } from './in-flight';

/**
 * Writes large files around the page cache (O_DIRECT, Linux). Packs and restored images are
 * written once and not read back soon, so caching them only costs: on a virtual machine the
 * kernel spends ≈ 2 s of CPU copying each GiB into fresh cache pages (more than compressing it),
 * and the cached copy evicts what the user's own programs keep there. Direct writes go from an
 * aligned buffer to the disk. What a direct write cannot take (an unaligned position or the last
 * partial block) and writes too small to pay for one (`SMALL_WRITE`) go through the cache, and a
 * file system that refuses O_DIRECT gets buffered writes throughout; `sync()` makes both kinds
 * durable. A writer that writes each byte once (a restore) may hold its small writes back and
 * write them out together (`deferSmall`).
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
 * writes restoring the reference workload's scattered incremental).
 */
const SMALL_WRITE = 128 * 1024;
/**
 * Bytes of small writes a writer that defers them holds before writing them out. On ext4 a
 * direct write into a hole holds the file's lock until the disk has it, and a write into the
 * cache needs that lock to itself: each small write waited for the direct write in flight, with
 * a file thread tied up waiting and the next direct write queued behind it. Restoring the
 * reference workload's scattered incremental mixes 1,696 lone 16 KiB blocks into 173 large
 * writes; replaying those writes took 1.16–1.33 s interleaved and 0.99–1.24 s with the small
 * ones written after the large ones.
 */
const DEFER_BYTES = 32 * 1024 * 1024;
/** Deferred writes in flight while they are written out. */
const DEFER_IN_FLIGHT = 8;
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

export interface DirectWriterOptions {
  /** Try direct writes (default: true). */
  direct?: boolean;
  /**
   * Hold the writes that go through the cache and write them out together, when `DEFER_BYTES`
   * of them are held and before `sync()`. Only for writers that write each byte at most once (a
   * restore): a held write is not ordered with later writes to the same bytes.
   */
  deferSmall?: boolean;
}

export class DirectWriter {
  /** Small writes held back (`deferSmall`): their bytes back to back, and where each goes. */
  private held: { memory: Buffer; used: number; writes: { at: number; length: number; position: number }[] } | null = null;
  /** The held writes going out, while they do. */
  private writingHeld: Promise<void> | null = null;

  private constructor(
    /** The ordinary handle: truncation, unaligned writes, sync and close. */
    readonly fh: FileHandle,
    private direct: FileHandle | null,
    private readonly what: string,
    private readonly deferSmall: boolean,
  ) {}

  /**
   * Opens `path` with `flags` (creating it as usual) and a second, direct handle on the same
   * file when the platform and the file system allow one.
   */
  static async open(path: string, flags: string | number, mode: number, what: string, opts: DirectWriterOptions = {}): Promise<DirectWriter> {
    const fh = await fsp.open(path, flags, mode);
    let direct: FileHandle | null = null;
    if ((opts.direct ?? true) && directWritesAvailable()) {
      direct = await fsp.open(path, fsc.O_WRONLY | fsc.O_DIRECT).catch(() => null);
    }
    return new DirectWriter(fh, direct, what, opts.deferSmall ?? false);
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
      await this.cached(parts, total, position);
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
      await this.cached([view], view.length, position);
      return;
    }
    if (!isPageAligned(view)) {
      await this.writeAt([view], position);
      return;
    }
    const head = view.length - (view.length % DIRECT_ALIGN);
    const done = head > 0 ? await this.writeDirect(this.direct, view.subarray(0, head), position) : 0;
    if (done < view.length) await this.cached([view.subarray(done)], view.length - done, position + done);
  }

  /** A write through the cache: now, or held back with the other small ones (`deferSmall`). */
  private async cached(parts: readonly Buffer[], total: number, position: number): Promise<void> {
    if (!this.deferSmall || !this.direct || total >= SMALL_WRITE) {
      await writeAll(this.fh, parts, position, this.what);
      return;
    }
    // Nothing is added while the held writes go out: their memory is reused only after.
    while (this.writingHeld || (this.held && this.held.used + total > this.held.memory.length)) await this.writeHeld();
    const held = (this.held ??= { memory: Buffer.allocUnsafeSlow(DEFER_BYTES), used: 0, writes: [] });
    const at = held.used;
    for (const p of parts) held.used += copyBytes(p, held.memory, held.used);
    held.writes.push({ at, length: total, position });
  }

  /** Writes out the held small writes, several at once; callers meanwhile share the one write-out. */
  private writeHeld(): Promise<void> {
    const held = this.held;
    if (this.writingHeld || !held || held.writes.length === 0) return this.writingHeld ?? Promise.resolve();
    const writes = held.writes.map((w) => () => writeAll(this.fh, [held.memory.subarray(w.at, w.at + w.length)], w.position, this.what));
    this.writingHeld = boundedAll(writes, DEFER_IN_FLIGHT).finally(() => {
      held.used = 0;
      held.writes = [];
      this.writingHeld = null;
    });
    return this.writingHeld;
  }

  /** Until nothing is held. */
  private async writeAllHeld(): Promise<void> {
    while (this.writingHeld || (this.held && this.held.writes.length > 0)) await this.writeHeld();
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

  /** Makes every write durable, held ones included. */
  async sync(): Promise<void> {
    await this.writeAllHeld();
    await this.fh.sync();
  }

  async datasync(): Promise<void> {
    await this.writeAllHeld();
    await this.fh.datasync();
  }

  /**
   * Closes both handles without writing out what is held (a restore that failed or was cancelled
   * issues no write after it stopped); a write-out already going finishes first.
   */
  async abandon(): Promise<void> {
    this.held = null;
    try {
      await this.writingHeld?.catch(() => undefined);
    } finally {
      await this.dropDirect();
      await this.fh.close();
    }
  }

  /** Closes both handles, after writing out what is held. */
  async close(): Promise<void> {
    try {
      await this.writeAllHeld();
    } finally {
      await this.dropDirect();
      await this.fh.close();
    }
  }
}
