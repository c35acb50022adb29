/*
 * AES-256-GCM into given memory, through the OpenSSL that Node itself links.
 *
 * Node's cipher API makes a cipher object, an OpenSSL context and an output buffer for every
 * message, about 5 µs a record on top of the cipher itself. This binding keeps one context per
 * thread for sealing and one for opening, keeps the key schedule while the key stays the same,
 * and reads and writes the caller's memory. It holds no key material beyond the last key used,
 * which it wipes when its thread ends. Loaded only by engine/crypto/aead.ts, which checks it
 * against Node's own AES-256-GCM before using it and falls back to that where it cannot load
 * (Electron, which links BoringSSL and does not export it, or no compiler at install time).
 */
#define NAPI_VERSION 8
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <node_api.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#define KEY_BYTES 32
#define NONCE_BYTES 12
#define TAG_BYTES 16

typedef struct {
  EVP_CIPHER_CTX *ctx;
  unsigned char key[KEY_BYTES];
  int keyed;
} Side;

typedef struct {
  Side seal;
  Side open;
} State;

static void side_free(Side *s) {
  if (s->ctx) EVP_CIPHER_CTX_free(s->ctx);
  OPENSSL_cleanse(s->key, KEY_BYTES);
  s->ctx = NULL;
  s->keyed = 0;
}

static void state_free(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  State *st = data;
  side_free(&st->seal);
  side_free(&st->open);
  free(st);
}

/* Sets the context of one side up for a message: the key schedule only when the key changed. */
static int side_begin(Side *s, int encrypt, const unsigned char *key, const unsigned char *nonce) {
  if (!s->ctx) {
    s->ctx = EVP_CIPHER_CTX_new();
    if (!s->ctx) return 0;
    if (EVP_CipherInit_ex(s->ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, encrypt) != 1) return 0;
    if (EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_BYTES, NULL) != 1) return 0;
  }
  if (!s->keyed || CRYPTO_memcmp(s->key, key, KEY_BYTES) != 0) {
    s->keyed = 0;
    if (EVP_CipherInit_ex(s->ctx, NULL, NULL, key, nonce, encrypt) != 1) return 0;
    memcpy(s->key, key, KEY_BYTES);
    s->keyed = 1;
    return 1;
  }
  return EVP_CipherInit_ex(s->ctx, NULL, NULL, NULL, nonce, encrypt) == 1;
}

typedef struct {
  unsigned char *p;
  size_t n;
} Bytes;

static int get_bytes(napi_env env, napi_value v, Bytes *out, const char *what) {
  bool is;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", what);
    return 0;
  }
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, NULL, NULL) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", what);
    return 0;
  }
  if (length > INT_MAX) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "a message of 2 GiB or more");
    return 0;
  }
  out->p = data;
  out->n = length;
  return 1;
}

static int exact(napi_env env, const Bytes *b, size_t n, const char *what) {
  if (b->n == n) return 1;
  napi_throw_range_error(env, "ERR_OUT_OF_RANGE", what);
  return 0;
}

/* True when two ranges share any memory. */
static int overlap(const Bytes *a, const Bytes *b) {
  uintptr_t a0 = (uintptr_t)a->p, b0 = (uintptr_t)b->p;
  if (a->n == 0 || b->n == 0) return 0;
  return a0 < b0 + b->n && b0 < a0 + a->n;
}

/* True when `out` shares memory with `in` without being exactly the same range. */
static int partly_overlap(const Bytes *in, const Bytes *out) {
  return overlap(in, out) && !(in->p == out->p && in->n == out->n);
}

/*
 * The six arguments of `seal` and `open`, the thread's state, and the three they share first:
 * the key, the nonce and the associated data, checked.
 */
static int args(napi_env env, napi_callback_info info, napi_value *argv, State **st, Bytes *key, Bytes *nonce, Bytes *aad) {
  size_t argc = 6;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return 0;
  if (argc != 6) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "six arguments expected");
    return 0;
  }
  if (napi_get_instance_data(env, (void **)st) != napi_ok || !*st) {
    napi_throw_error(env, NULL, "AES-GCM binding state is missing");
    return 0;
  }
  return get_bytes(env, argv[0], key, "key must be a Uint8Array") && exact(env, key, KEY_BYTES, "key must be 32 bytes") &&
         get_bytes(env, argv[1], nonce, "nonce must be a Uint8Array") && exact(env, nonce, NONCE_BYTES, "nonce must be 12 bytes") &&
         get_bytes(env, argv[2], aad, "aad must be a Uint8Array");
}

static napi_value number(napi_env env, int32_t v) {
  napi_value r;
  napi_create_int32(env, v, &r);
  return r;
}

/*
 * seal(key, nonce, aad, plain, dest, tag): encrypts `plain` into `dest` (the same length; it may
 * be `plain` itself, but no other memory of it) and writes the 16-byte tag into `tag`.
 * Returns the ciphertext's length.
 */
static napi_value Seal(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  State *st;
  Bytes key, nonce, aad, plain, dest, tag;
  if (!args(env, info, argv, &st, &key, &nonce, &aad)) return NULL;
  if (!get_bytes(env, argv[3], &plain, "plain must be a Uint8Array")) return NULL;
  if (!get_bytes(env, argv[4], &dest, "dest must be a Uint8Array") || !exact(env, &dest, plain.n, "dest must be as long as plain")) return NULL;
  if (!get_bytes(env, argv[5], &tag, "tag must be a Uint8Array") || !exact(env, &tag, TAG_BYTES, "tag must be 16 bytes")) return NULL;
  if (partly_overlap(&plain, &dest) || overlap(&tag, &plain) || overlap(&tag, &dest)) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "dest may be plain itself but must not partly overlap it or the tag");
    return NULL;
  }
  Side *s = &st->seal;
  int len = 0, fin = 0;
  int ok = side_begin(s, 1, key.p, nonce.p);
  ok = ok && (aad.n == 0 || EVP_EncryptUpdate(s->ctx, NULL, &len, aad.p, (int)aad.n) == 1);
  ok = ok && (plain.n == 0 || EVP_EncryptUpdate(s->ctx, dest.p, &len, plain.p, (int)plain.n) == 1);
  if (plain.n == 0) len = 0;
  ok = ok && EVP_EncryptFinal_ex(s->ctx, dest.p + len, &fin) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_GET_TAG, TAG_BYTES, tag.p) == 1;
  if (!ok || (size_t)(len + fin) != plain.n) {
    s->keyed = 0;
    OPENSSL_cleanse(dest.p, dest.n);
    napi_throw_error(env, "ERR_CRYPTO", "AES-256-GCM sealing failed");
    return NULL;
  }
  return number(env, len + fin);
}

/*
 * open(key, nonce, aad, body, tag, dest): decrypts `body` into `dest` (at least as long; it may
 * be `body` itself, but no other memory of it) and checks the tag. Returns the plaintext's
 * length, or -1 when authentication fails, in which case the bytes written are wiped.
 */
static napi_value Open(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  State *st;
  Bytes key, nonce, aad, body, tag, dest;
  if (!args(env, info, argv, &st, &key, &nonce, &aad)) return NULL;
  if (!get_bytes(env, argv[3], &body, "body must be a Uint8Array")) return NULL;
  if (!get_bytes(env, argv[4], &tag, "tag must be a Uint8Array") || !exact(env, &tag, TAG_BYTES, "tag must be 16 bytes")) return NULL;
  if (!get_bytes(env, argv[5], &dest, "dest must be a Uint8Array")) return NULL;
  if (dest.n < body.n) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "dest is shorter than body");
    return NULL;
  }
  dest.n = body.n;
  if (partly_overlap(&body, &dest) || overlap(&tag, &dest)) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "dest may be body itself but must not partly overlap it or the tag");
    return NULL;
  }
  /* The tag is read before any plaintext is written, in case it lies behind body in memory. */
  unsigned char expected[TAG_BYTES];
  memcpy(expected, tag.p, TAG_BYTES);
  Side *s = &st->open;
  int len = 0, fin = 0;
  int ok = side_begin(s, 0, key.p, nonce.p);
  ok = ok && (aad.n == 0 || EVP_DecryptUpdate(s->ctx, NULL, &len, aad.p, (int)aad.n) == 1);
  ok = ok && (body.n == 0 || EVP_DecryptUpdate(s->ctx, dest.p, &len, body.p, (int)body.n) == 1);
  if (body.n == 0) len = 0;
  ok = ok && EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_SET_TAG, TAG_BYTES, expected) == 1;
  ok = ok && EVP_DecryptFinal_ex(s->ctx, dest.p + len, &fin) == 1;
  if (!ok || (size_t)(len + fin) != body.n) {
    OPENSSL_cleanse(dest.p, dest.n);
    return number(env, -1);
  }
  return number(env, len + fin);
}

NAPI_MODULE_INIT() {
  State *st = calloc(1, sizeof(State));
  if (!st) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  if (napi_set_instance_data(env, st, state_free, NULL) != napi_ok) {
    free(st);
    napi_throw_error(env, NULL, "AES-GCM binding state could not be set");
    return NULL;
  }
  napi_value f;
  napi_create_function(env, "seal", NAPI_AUTO_LENGTH, Seal, NULL, &f);
  napi_set_named_property(env, exports, "seal", f);
  napi_create_function(env, "open", NAPI_AUTO_LENGTH, Open, NULL, &f);
  napi_set_named_property(env, exports, "open", f);
  return exports;
}
