/* CPython's hash() (hash.h): the keyed hash of str and bytes under a hash
 * secret, and the hashes of tuples and frozensets built on it.
 *
 * The secret comes from whoever sets it (the Python bridge: the
 * interpreter's own; a C++ host: its configuration), else from the
 * environment as CPython takes it (PYTHONHASHSEED), once, on first use. */
#define _GNU_SOURCE
#include "internal.h"
#include "pyjitx/containers.h"
#include "pyjitx/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>

/* ---- the secret ---------------------------------------------------------- */

static struct {
    unsigned char secret[24];
    int32_t algorithm;
    int32_t cutoff;
    int64_t none_hash;
} config = {
    {0},
#if PJX_PY_AT_LEAST(3, 11)
    PJX_HASH_SIPHASH13,
#else
    PJX_HASH_SIPHASH24,
#endif
    0,
    /* 3.12's constant hash(None); before 3.12 it was None's address, which
     * only the bridge can know */
    (int64_t)0xFCA86420,
};

static atomic_int secret_set; /* set explicitly: the environment is not read */
static pthread_once_t secret_once = PTHREAD_ONCE_INIT;

int32_t pjx_os_urandom(void *buffer, size_t size) {
    unsigned char *p = buffer;
    while (size > 0) {
        ssize_t n = getrandom(p, size, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        p += n;
        size -= (size_t)n;
    }
    if (size == 0) return 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC); /* (getrandom missing) */
    if (fd < 0) return -1;
    while (size > 0) {
        ssize_t n = read(fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            close(fd);
            return -1;
        }
        p += n;
        size -= (size_t)n;
    }
    close(fd);
    return 0;
}

/* CPython's lcg_urandom (Python/bootstrap_hash.c): the secret that
 * PYTHONHASHSEED=x0 gives. */
static void lcg_fill(uint32_t x0, unsigned char *buffer, size_t size) {
    uint32_t x = x0;
    for (size_t i = 0; i < size; i++) {
        x *= 214013u;
        x += 2531011u;
        buffer[i] = (unsigned char)((x >> 16) & 0xff);
    }
}

static void derive_from_seed(uint32_t seed, unsigned char secret[24]) {
    if (seed == 0) memset(secret, 0, 24); /* PYTHONHASHSEED=0: no randomisation */
    else lcg_fill(seed, secret, 24);
}

/* PYTHONHASHSEED as CPython reads it: unset, empty or "random" draws the
 * secret; a decimal integer up to 4294967295 derives it.  (CPython refuses
 * to start with any other value; a host keeps a random secret.) */
static void secret_from_environment(void) {
    if (atomic_load(&secret_set)) return;
    const char *text = getenv("PYTHONHASHSEED");
    if (text != NULL && *text != '\0' && strcmp(text, "random") != 0) {
        char *end;
        errno = 0;
        unsigned long long seed = strtoull(text, &end, 10);
        if (errno == 0 && *end == '\0' && text[0] != '-' && seed <= 4294967295ull) {
            derive_from_seed((uint32_t)seed, config.secret);
            return;
        }
    }
    if (pjx_os_urandom(config.secret, sizeof config.secret) < 0) {
        /* no randomness to be had: hashes stay correct, only predictable */
        memset(config.secret, 0, sizeof config.secret);
    }
}

static inline const unsigned char *secret(void) {
    if (!atomic_load_explicit(&secret_set, memory_order_acquire))
        pthread_once(&secret_once, secret_from_environment);
    return config.secret;
}

void pjx_hash_set_secret(const unsigned char value[24]) {
    memcpy(config.secret, value, 24);
    atomic_store_explicit(&secret_set, 1, memory_order_release);
}

void pjx_hash_set_seed(uint32_t seed) {
    unsigned char value[24];
    derive_from_seed(seed, value);
    pjx_hash_set_secret(value);
}

int32_t pjx_hash_set_algorithm(int32_t algorithm, int32_t cutoff) {
    if ((algorithm != PJX_HASH_SIPHASH13 && algorithm != PJX_HASH_SIPHASH24) || cutoff < 0 ||
        cutoff > 7)
        return -1;
    config.algorithm = algorithm;
    config.cutoff = cutoff;
    return 0;
}

void pjx_hash_set_none(int64_t value) { config.none_hash = value; }

void pjx_hash_get_secret(unsigned char out[24]) { memcpy(out, secret(), 24); }

/* ---- the byte-string hashes of CPython's Python/pyhash.c ------------------ */

static inline uint64_t load_le64(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, 8); /* (x86-64 and every platform pyjitx targets is little-endian) */
    return v;
}

#define ROTATE(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define HALF_ROUND(a, b, c, d, s, t) \
    a += b;                          \
    c += d;                          \
    b = ROTATE(b, s) ^ a;            \
    d = ROTATE(d, t) ^ c;            \
    a = ROTATE(a, 32);
#define SIP_ROUND(v0, v1, v2, v3)      \
    HALF_ROUND(v0, v1, v2, v3, 13, 16) \
    HALF_ROUND(v2, v1, v0, v3, 17, 21)

/* SipHash-c-d with c compression and d finalisation rounds (1-3 or 2-4),
 * over the message's little-endian words. */
static uint64_t siphash(int c, int d, uint64_t k0, uint64_t k1, const unsigned char *in,
                        int64_t size) {
    uint64_t b = (uint64_t)size << 56;
    uint64_t v0 = k0 ^ 0x736f6d6570736575ull, v1 = k1 ^ 0x646f72616e646f6dull;
    uint64_t v2 = k0 ^ 0x6c7967656e657261ull, v3 = k1 ^ 0x7465646279746573ull;
    for (; size >= 8; size -= 8, in += 8) {
        uint64_t m = load_le64(in);
        v3 ^= m;
        for (int r = 0; r < c; r++) { SIP_ROUND(v0, v1, v2, v3) }
        v0 ^= m;
    }
    uint64_t t = 0;
    for (int64_t i = 0; i < size; i++) t |= (uint64_t)in[i] << (8 * i);
    b |= t;
    v3 ^= b;
    for (int r = 0; r < c; r++) { SIP_ROUND(v0, v1, v2, v3) }
    v0 ^= b;
    v2 ^= 0xff;
    for (int r = 0; r < d; r++) { SIP_ROUND(v0, v1, v2, v3) }
    return (v0 ^ v1) ^ (v2 ^ v3);
}

int64_t pjx_py_hash_buffer(const void *data, int64_t size) {
    if (size == 0) return 0; /* CPython's hash of b'' and '' */
    const unsigned char *p = data, *key = secret();
    uint64_t x;
    if (size < config.cutoff) { /* DJBX33A for very short strings */
        x = 5381;
        for (int64_t i = 0; i < size; i++) x = (x << 5) + x + p[i];
        x ^= (uint64_t)size;
        x ^= load_le64(key + 16);
    } else if (config.algorithm == PJX_HASH_SIPHASH24) {
        x = siphash(2, 4, load_le64(key), load_le64(key + 8), p, size);
    } else {
        x = siphash(1, 3, load_le64(key), load_le64(key + 8), p, size);
    }
    int64_t h = (int64_t)x;
    return h == -1 ? -2 : h;
}

/* ---- str: the bytes of CPython's representation -------------------------- */

/* The code point at p (valid UTF-8, no surrogates) and its byte count. */
static inline uint32_t next_code_point(const unsigned char *p, int *len) {
    if (p[0] < 0x80) { *len = 1; return p[0]; }
    if (p[0] < 0xE0) { *len = 2; return (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F); }
    if (p[0] < 0xF0) {
        *len = 3;
        return (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
    }
    *len = 4;
    return (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
           (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
}

/* CPython hashes a str's PEP 393 form: one byte per character when every
 * character is below 256, two below 65536, four otherwise -- not UTF-8. */
static int32_t hash_str(pjx_str *s, int64_t *out) {
    const unsigned char *data = (const unsigned char *)s->data;
    uint32_t widest = 0;
    int len;
    if (!(s->ob.flags & PJX_STR_ASCII)) {
        for (int64_t i = 0; i < s->nbytes; i += len) {
            uint32_t c = next_code_point(data + i, &len);
            if (c > widest) widest = c;
        }
    }
    if (widest < 0x80) { /* ASCII: its UTF-8 is its Latin-1 */
        *out = pjx_py_hash_buffer(data, s->nbytes);
        return 0;
    }
    int width = widest < 0x100 ? 1 : widest < 0x10000 ? 2 : 4;
    int64_t size = s->length * width;
    unsigned char inline_buffer[512];
    unsigned char *buffer = size <= (int64_t)sizeof inline_buffer ? inline_buffer
                                                                   : pjx_alloc((size_t)size);
    if (buffer == NULL) return -1;
    int64_t k = 0;
    for (int64_t i = 0; i < s->nbytes; i += len, k++) {
        uint32_t c = next_code_point(data + i, &len);
        if (width == 1) buffer[k] = (unsigned char)c;
        else if (width == 2) { uint16_t w = (uint16_t)c; memcpy(buffer + 2 * k, &w, 2); }
        else memcpy(buffer + 4 * k, &c, 4);
    }
    *out = pjx_py_hash_buffer(buffer, size);
    if (buffer != inline_buffer) pjx_free(buffer);
    return 0;
}

/* ---- tuples, nested to any depth ----------------------------------------- */

#define XXPRIME_1 11400714785074694791ull
#define XXPRIME_2 14029467366897019727ull
#define XXPRIME_5 2870177450012600261ull

static inline uint64_t tuple_lane(uint64_t acc, int64_t lane) {
    acc += (uint64_t)lane * XXPRIME_2;
    acc = (acc << 31) | (acc >> 33);
    return acc * XXPRIME_1;
}

static inline int64_t tuple_finish(uint64_t acc, int64_t size) {
    acc += (uint64_t)size ^ (XXPRIME_5 ^ 3527539ull);
    return acc == (uint64_t)-1 ? 1546275796 : (int64_t)acc;
}

static inline int is_tuple(int32_t kind, pjx_slot v) {
    return kind == PJX_KIND_OBJ && v.o != NULL && v.o->type_id == PJX_TYPE_TUPLE;
}

static int32_t hash_leaf(int32_t kind, pjx_slot v, int64_t *out);

/* CPython's tuple hash recurses through nested tuples without a bound;
 * this walks them with an explicit stack instead, so any depth that
 * exists hashes to CPython's value. */
static int32_t hash_tuple(pjx_tuple *t, int64_t *out) {
    typedef struct { pjx_tuple *t; int64_t next; uint64_t acc; } frame;
    frame inline_frames[16], *stack = inline_frames;
    int64_t n = 0, cap = 16;
    stack[n++] = (frame){t, 0, XXPRIME_5};
    int32_t rc = 0;
    int64_t finished = 0;
    while (n > 0) {
        frame *f = &stack[n - 1];
        if (f->next == f->t->size) {
            finished = tuple_finish(f->acc, f->t->size);
            n--;
            if (n > 0) stack[n - 1].acc = tuple_lane(stack[n - 1].acc, finished);
            continue;
        }
        int64_t i = f->next++;
        int32_t kind = PJX_TUPLE_KINDS(f->t)[i];
        pjx_slot item = f->t->items[i];
        if (is_tuple(kind, item)) {
            if (n == cap) {
                frame *grown = pjx_alloc(sizeof *grown * (size_t)cap * 2);
                if (grown == NULL) { rc = -1; break; }
                memcpy(grown, stack, sizeof *grown * (size_t)n);
                if (stack != inline_frames) pjx_free(stack);
                stack = grown;
                cap *= 2;
            }
            stack[n++] = (frame){(pjx_tuple *)item.o, 0, XXPRIME_5};
            continue;
        }
        int64_t lane;
        if (hash_leaf(kind, item, &lane) < 0) { rc = -1; break; }
        f->acc = tuple_lane(f->acc, lane);
    }
    if (stack != inline_frames) pjx_free(stack);
    if (rc == 0) *out = finished;
    return rc;
}

/* ---- every value ------------------------------------------------------------ */

static int32_t hash_leaf(int32_t kind, pjx_slot v, int64_t *out) {
    pjx_slot_unbox(&kind, &v);
    switch (kind) {
    case PJX_KIND_INT:
    case PJX_KIND_BOOL: *out = pjx_hash_int(v.i); return 0;
    case PJX_KIND_FLOAT: *out = pjx_hash_float(v.f); return 0;
    case PJX_KIND_NONE: *out = config.none_hash; return 0;
    default: break;
    }
    if (v.o == NULL) { *out = config.none_hash; return 0; }
    switch (v.o->type_id) {
    case PJX_TYPE_STR: return hash_str((pjx_str *)v.o, out);
    case PJX_TYPE_BYTES: {
        pjx_bytes *b = (pjx_bytes *)v.o;
        *out = pjx_py_hash_buffer(b->data, b->size);
        return 0;
    }
    case PJX_TYPE_TUPLE: return hash_tuple((pjx_tuple *)v.o, out);
    default: return pjx_slot_hash(PJX_KIND_OBJ, v, out); /* instances; the unhashable */
    }
}

int32_t pjx_py_hash(int32_t kind, pjx_slot v, int64_t *out) { return hash_leaf(kind, v, out); }

/* CPython's frozenset hash (Objects/setobject.c): the xor of every item's
 * hash with its bits shuffled, then the size and a final dispersion. */
static inline uint64_t shuffle_bits(uint64_t h) {
    return ((h ^ 89869747ull) ^ (h << 16)) * 3644798167ull;
}

int32_t pjx_py_hash_frozenset(pjx_dict *s, int64_t *out) {
    uint64_t hash = 0;
    int64_t pos = 0;
    pjx_slot key;
    while (pjx_dict_next(s, &pos, &key, NULL)) {
        int64_t h;
        if (hash_leaf(s->key_kind, key, &h) < 0) return -1;
        hash ^= shuffle_bits((uint64_t)h);
    }
    hash ^= ((uint64_t)s->size + 1) * 1927868237ull;
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash * 69069u + 907133923ull;
    if (hash == (uint64_t)-1) hash = 590923713ull;
    *out = (int64_t)hash;
    return 0;
}
