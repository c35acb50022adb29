/*
 * Strata's LZ4 codec, compiled to WebAssembly by build/scripts/build-lz4.mjs: the block format
 * of LZ4 1.9.4 (lz4.c, lz4.h, BSD-2-Clause, see LICENSE), compressing with one reused state and
 * decompressing with the bounds-checked decoder. The caller places input and output in this
 * module's memory, above __heap_base.
 */
#include "lz4.h"

static LZ4_stream_t state;

/* Compresses `n` bytes at `src` into at most `cap` bytes at `dst`: the compressed length, or 0 if it does not fit. */
int strata_lz4_compress(const char *src, char *dst, int n, int cap, int acceleration) {
  return LZ4_compress_fast_extState(&state, src, dst, n, cap, acceleration);
}

/* Decompresses `n` bytes at `src` into at most `cap` bytes at `dst`: the raw length, or < 0 if the input is malformed. */
int strata_lz4_decompress(const char *src, char *dst, int n, int cap) {
  return LZ4_decompress_safe(src, dst, n, cap);
}
