import { copyBytes } from '../storage/copy-bytes';
import { LZ4_WASM_BASE64 } from './lz4-wasm';

/**
 * LZ4's block format (1.9.4) compiled to WebAssembly: the same module on every thread, platform
 * and in the desktop app, with no native build. Input is copied into the module's memory and the
 * result copied out (two `memcpy`s, ≈ 5 % of compressing a block of text).
 */
interface Lz4Exports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  strata_lz4_compress(src: number, dst: number, n: number, cap: number, acceleration: number): number;
  strata_lz4_decompress(src: number, dst: number, n: number, cap: number): number;
}

/** The most bytes LZ4 can turn `n` bytes into (LZ4_COMPRESSBOUND). */
export function lz4Bound(n: number): number {
  return n + Math.floor(n / 255) + 16;
}

const PAGE = 65536;
let compiled: WebAssembly.Module | null = null;

/** One thread's codec: an instance of the module and the memory its input and output use. */
export class Lz4 {
  private readonly x: Lz4Exports;
  private readonly base: number;
  private inCap = 0;
  private outCap = 0;
  private view = Buffer.alloc(0);

  constructor() {
    compiled ??= new WebAssembly.Module(Buffer.from(LZ4_WASM_BASE64, 'base64'));
    this.x = new WebAssembly.Instance(compiled, {}).exports as unknown as Lz4Exports;
    this.base = (Number(this.x.__heap_base.value) + 15) & ~15;
  }

  /** Compresses `src` into the start of `dest`: the compressed length, or 0 if it does not fit in `dest`. */
  compress(src: Uint8Array, dest: Buffer): number {
    const cap = Math.min(dest.length, lz4Bound(src.length));
    const mem = this.room(src.length, cap);
    copyBytes(src, mem, this.base);
    const n = this.x.strata_lz4_compress(this.base, this.base + this.inCap, src.length, cap, 1);
    if (n > 0) copyBytes(mem.subarray(this.base + this.inCap, this.base + this.inCap + n), dest);
    return n;
  }

  /**
   * Decompresses `src` into the start of `dest`: the raw length. Input that is not a valid LZ4
   * block, or that would write past `dest`, raises a RangeError (the decoder checks every bound).
   */
  decompress(src: Uint8Array, dest: Buffer): number {
    const mem = this.room(src.length, dest.length);
    copyBytes(src, mem, this.base);
    const n = this.x.strata_lz4_decompress(this.base, this.base + this.inCap, src.length, dest.length);
    if (n < 0) throw new RangeError(`LZ4 data is malformed (at byte ${-n - 1})`);
    copyBytes(mem.subarray(this.base + this.inCap, this.base + this.inCap + n), dest);
    return n;
  }

  /** The module's memory, grown so `input` bytes and then `output` bytes fit above the heap base. */
  private room(input: number, output: number): Buffer {
    if (input > this.inCap || output > this.outCap) {
      this.inCap = Math.max(this.inCap, roundUp(input));
      this.outCap = Math.max(this.outCap, roundUp(output));
      const need = this.base + this.inCap + this.outCap;
      const have = this.x.memory.buffer.byteLength;
      if (need > have) this.x.memory.grow(Math.ceil((need - have) / PAGE));
    }
    // Growing replaces the memory's buffer, so the view is made again when it changed.
    if (this.view.buffer !== this.x.memory.buffer) this.view = Buffer.from(this.x.memory.buffer);
    return this.view;
  }
}

function roundUp(n: number): number {
  return Math.ceil(Math.max(n, 1) / PAGE) * PAGE;
}
