/* str: UTF-8 with cached code-point length and hash (see object.h), and the
 * core operations: indexing through the lazy code-point index, slicing,
 * concatenation, repetition, iteration, ord/chr. */
#define _GNU_SOURCE
#include "str_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- immortal singletons ------------------------------------------------ */
/* Same layout as pjx_str with room for the data. */
typedef struct {
    pjx_object ob;
    int64_t nbytes, length, hash;
    int64_t *index;
    char data[8];
} pjx_small_str;

#define PJX_SMALL(n) {{-1, PJX_TYPE_STR, PJX_STR_ASCII}, 1, 1, -1, NULL, {(char)(n), 0}}
#define PJX_SMALL8(n) PJX_SMALL(n), PJX_SMALL(n + 1), PJX_SMALL(n + 2), PJX_SMALL(n + 3), \
    PJX_SMALL(n + 4), PJX_SMALL(n + 5), PJX_SMALL(n + 6), PJX_SMALL(n + 7)
static pjx_small_str ascii_chars[128] = {
    PJX_SMALL8(0), PJX_SMALL8(8), PJX_SMALL8(16), PJX_SMALL8(24), PJX_SMALL8(32), PJX_SMALL8(40),
    PJX_SMALL8(48), PJX_SMALL8(56), PJX_SMALL8(64), PJX_SMALL8(72), PJX_SMALL8(80), PJX_SMALL8(88),
    PJX_SMALL8(96), PJX_SMALL8(104), PJX_SMALL8(112), PJX_SMALL8(120),
};
static pjx_small_str empty_str = {{-1, PJX_TYPE_STR, PJX_STR_ASCII}, 0, 0, -1, NULL, {0}};
pjx_str *const pjx_str_empty_ref = (pjx_str *)&empty_str;

pjx_str *pjx_str_ascii_char(unsigned char c) { return (pjx_str *)&ascii_chars[c]; }

#define PJX_REF(n) (pjx_str *)&ascii_chars[n]
#define PJX_REF8(n) PJX_REF(n), PJX_REF(n + 1), PJX_REF(n + 2), PJX_REF(n + 3), PJX_REF(n + 4), \
    PJX_REF(n + 5), PJX_REF(n + 6), PJX_REF(n + 7)
pjx_str *const pjx_ascii_char_table[128] = {
    PJX_REF8(0), PJX_REF8(8), PJX_REF8(16), PJX_REF8(24), PJX_REF8(32), PJX_REF8(40),
    PJX_REF8(48), PJX_REF8(56), PJX_REF8(64), PJX_REF8(72), PJX_REF8(80), PJX_REF8(88),
    PJX_REF8(96), PJX_REF8(104), PJX_REF8(112), PJX_REF8(120),
};

/* One-character strings of the rest of the BMP: created on first use as
 * immortal objects (outside pjx_alloc, so not counted as live) and shared,
 * as the ASCII ones are, so that indexing and iterating non-ASCII text
 * allocates nothing.  A two-level table of 256 pages installed with
 * compare-and-swap; at most 64k strings (~3.5 MB) ever. */
static pjx_str **char_pages[256];

static pjx_str *bmp_char(const char *data, int n, uint32_t cp) {
    pjx_str **page = __atomic_load_n(&char_pages[cp >> 8], __ATOMIC_ACQUIRE);
    if (page == NULL) {
        pjx_str **fresh = calloc(256, sizeof(pjx_str *));
        if (fresh == NULL) return NULL;
        pjx_str **expected = NULL;
        if (__atomic_compare_exchange_n(&char_pages[cp >> 8], &expected, fresh, 0,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            page = fresh;
        } else {
            free(fresh);
            page = expected;
        }
    }
    pjx_str *s = __atomic_load_n(&page[cp & 255], __ATOMIC_ACQUIRE);
    if (s != NULL) return s;
    pjx_str *fresh = malloc(sizeof(pjx_str) + (size_t)n + 1);
    if (fresh == NULL) return NULL;
    fresh->ob.refcount = -1;
    fresh->ob.type_id = PJX_TYPE_STR;
    fresh->ob.flags = 0;
    fresh->nbytes = n;
    fresh->length = 1;
    fresh->hash = -1;
    fresh->index = NULL;
    memcpy(fresh->data, data, (size_t)n);
    fresh->data[n] = '\0';
    pjx_str *expected = NULL;
    if (__atomic_compare_exchange_n(&page[cp & 255], &expected, fresh, 0, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE))
        return fresh;
    free(fresh);
    return expected;
}

/* The one-character string of the (valid) UTF-8 sequence at data, n bytes. */
static pjx_str *char_str(const char *data, int n) {
    if (n == 1) return pjx_str_ascii_char((unsigned char)data[0]);
    if (n <= 3) {
        int k;
        uint32_t cp = pjx_u8_decode((const unsigned char *)data, &k);
        pjx_str *s = bmp_char(data, n, cp);
        if (s != NULL) return s;
    }
    return pjx_str_from_utf8_len(data, n, 1);
}

/* ---- construction --------------------------------------------------------- */
pjx_str *pjx_str_alloc(int64_t nbytes, int64_t length) {
    if (nbytes < 0 || (uint64_t)nbytes > (uint64_t)INT64_MAX - sizeof(pjx_str) - 1) {
        pjx_err_set(PJX_EXC_MEMORY, NULL);
        return NULL;
    }
    pjx_str *s = pjx_object_new_small(sizeof(pjx_str) + (size_t)nbytes + 1, PJX_TYPE_STR);
    if (s == NULL) return NULL;
    s->nbytes = nbytes;
    s->length = length;
    s->hash = -1;
    s->index = NULL;
    s->data[nbytes] = '\0';
    if (nbytes == length) s->ob.flags |= PJX_STR_ASCII;
    return s;
}

int64_t pjx_u8_count(const char *data, int64_t nbytes) {
    int64_t n = 0, i = 0;
    /* 8 bytes at a time: count the bytes that are not continuation bytes */
    for (; i + 8 <= nbytes; i += 8) {
        uint64_t w;
        memcpy(&w, data + i, 8);
        uint64_t cont = (w & ~(w << 1)) & 0x8080808080808080ull; /* 10xxxxxx */
        n += 8 - (int64_t)(((cont >> 7) * 0x0101010101010101ull) >> 56); /* popcount without popcnt */
    }
    for (; i < nbytes; i++) n += ((unsigned char)data[i] & 0xC0) != 0x80;
    return n;
}

pjx_str *pjx_str_from_utf8_len(const char *data, int64_t nbytes, int64_t length) {
    if (nbytes == 0) return pjx_str_empty_ref;
    if (nbytes == 1 && (unsigned char)data[0] < 0x80) return pjx_str_ascii_char((unsigned char)data[0]);
    if (length == 1 && nbytes <= 3) {
        int k;
        pjx_str *c = bmp_char(data, (int)nbytes, pjx_u8_decode((const unsigned char *)data, &k));
        if (c != NULL) return c;
    }
    pjx_str *s = pjx_str_alloc(nbytes, length);
    if (s == NULL) return NULL;
    memcpy(s->data, data, (size_t)nbytes);
    return s;
}

pjx_str *pjx_str_from_utf8(const char *data, int64_t nbytes) {
    return pjx_str_from_utf8_len(data, nbytes, pjx_u8_count(data, nbytes));
}

pjx_str *pjx_str_sub(pjx_str *s, int64_t b0, int64_t b1) {
    if (b0 == 0 && b1 == s->nbytes) return pjx_str_new_ref(s);
    if (s->ob.flags & PJX_STR_ASCII) return pjx_str_from_utf8_len(s->data + b0, b1 - b0, b1 - b0);
    return pjx_str_from_utf8(s->data + b0, b1 - b0);
}

void pjx_str_dealloc(pjx_str *s) {
    if (s->index) pjx_free(s->index);
    if (s->ob.flags & PJX_STR_SCRATCH) { /* its nbytes no longer says its size */
        pjx_free(s);
        return;
    }
    pjx_free_small(s, sizeof(pjx_str) + (size_t)s->nbytes + 1); /* as pjx_str_alloc */
}

int64_t pjx_str_hash(pjx_str *s) {
    int64_t h = __atomic_load_n(&s->hash, __ATOMIC_RELAXED);
    if (h != -1) return h;
    h = pjx_hash_bytes(s->data, s->nbytes); /* never -1 */
    __atomic_store_n(&s->hash, h, __ATOMIC_RELAXED);
    return h;
}

int64_t pjx_str_eq(const pjx_str *a, const pjx_str *b) {
    if (a == b) return 1;
    if (a->nbytes != b->nbytes) return 0;
    int64_t ha = __atomic_load_n(&a->hash, __ATOMIC_RELAXED);
    int64_t hb = __atomic_load_n(&b->hash, __ATOMIC_RELAXED);
    if (ha != -1 && hb != -1 && ha != hb) return 0;
    return memcmp(a->data, b->data, (size_t)a->nbytes) == 0;
}

int64_t pjx_str_compare(const pjx_str *a, const pjx_str *b) {
    /* UTF-8 byte order is code-point order. */
    int64_t n = a->nbytes < b->nbytes ? a->nbytes : b->nbytes;
    int c = memcmp(a->data, b->data, (size_t)n);
    if (c != 0) return c < 0 ? -1 : 1;
    return (a->nbytes > b->nbytes) - (a->nbytes < b->nbytes);
}

/* ---- code point -> byte offset ------------------------------------------ */
#define PJX_INDEX_SHIFT 6

static const char *advance(const char *p, int64_t n) {
    while (n-- > 0) p += pjx_u8_len((unsigned char)*p);
    return p;
}

/* The index array: index[0] is a hint, the last (code point, byte offset)
 * pair looked up, packed as (i << 32 | offset) and read and written with
 * relaxed atomics (any value ever stored is a true pair, so a racing
 * thread only loses the shortcut); index[1 + k] is the byte offset of code
 * point k << PJX_INDEX_SHIFT.  The hint makes sequential access (for ch in
 * s, as compiled code indexes s[i] for i = 0, 1, ...) O(1) per step. */
static int64_t *build_index(pjx_str *s) {
    int64_t entries = (s->length >> PJX_INDEX_SHIFT) + 1;
    int64_t *index = pjx_alloc(sizeof(int64_t) * (size_t)(entries + 1));
    if (index == NULL) {
        pjx_err_clear(); /* the index is an optimisation only */
        return NULL;
    }
    index[0] = 0; /* code point 0 at byte 0 */
    const char *p = s->data;
    for (int64_t k = 0; k < entries; k++) {
        index[1 + k] = p - s->data;
        if (k + 1 < entries) p = advance(p, (int64_t)1 << PJX_INDEX_SHIFT);
    }
    int64_t *expected = NULL;
    if (!__atomic_compare_exchange_n(&s->index, &expected, index, 0, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        pjx_free(index);
        return expected;
    }
    return index;
}

/* strings at least this long (in code points) get the lazy index */
#define PJX_INDEX_MIN_LENGTH 32

int64_t pjx_str_byte_offset(pjx_str *s, int64_t i) {
    if (s->ob.flags & PJX_STR_ASCII) return i;
    if (i >= s->length) return s->nbytes;
    if (i <= 0) return 0;
    int64_t *index = __atomic_load_n(&s->index, __ATOMIC_ACQUIRE);
    if (index == NULL) {
        if (s->length < PJX_INDEX_MIN_LENGTH || pjx_is_immortal(&s->ob)) {
            /* short (or immortal: never freed) strings: scan from the nearer end */
            if (i <= s->length - i) return advance(s->data, i) - s->data;
            const unsigned char *p = (const unsigned char *)s->data + s->nbytes;
            const unsigned char *start = (const unsigned char *)s->data;
            for (int64_t k = s->length - i; k > 0; k--) pjx_u8_decode_back(start, &p);
            return (const char *)p - s->data;
        }
        index = build_index(s);
        if (index == NULL) return advance(s->data, i) - s->data;
    }
    int64_t base_cp = i & ~(((int64_t)1 << PJX_INDEX_SHIFT) - 1);
    int64_t base = index[1 + (i >> PJX_INDEX_SHIFT)];
    int hintable = s->nbytes <= (int64_t)UINT32_MAX && i <= (int64_t)UINT32_MAX;
    if (hintable) {
        uint64_t hint = (uint64_t)__atomic_load_n(&index[0], __ATOMIC_RELAXED);
        int64_t hint_cp = (int64_t)(hint >> 32);
        if (hint_cp <= i && hint_cp > base_cp) {
            base_cp = hint_cp;
            base = (int64_t)(hint & 0xFFFFFFFFu);
        }
    }
    int64_t off = advance(s->data + base, i - base_cp) - s->data;
    if (hintable)
        __atomic_store_n(&index[0], (int64_t)(((uint64_t)i << 32) | (uint64_t)off), __ATOMIC_RELAXED);
    return off;
}

/* ---- indexing and slicing ------------------------------------------------ */
static pjx_str *char_at_byte(pjx_str *s, int64_t off) {
    unsigned char c = (unsigned char)s->data[off];
    if (c < 0x80) return pjx_str_ascii_char(c);
    return char_str(s->data + off, pjx_u8_len(c));
}

pjx_str *pjx_str_getitem(pjx_str *s, int64_t i) {
    if (i < 0) i += s->length;
    if (i < 0 || i >= s->length) {
        pjx_err_set(PJX_EXC_INDEX, "string index out of range");
        return NULL;
    }
    return char_at_byte(s, pjx_str_byte_offset(s, i));
}

int64_t pjx_slice_adjust(int64_t length, int64_t *start, int64_t *stop, int64_t *step) {
    int64_t st = *step == INT64_MIN ? 1 : *step;
    if (st == 0) {
        pjx_err_set(PJX_EXC_VALUE, "slice step cannot be zero");
        return -1;
    }
    if (st < -INT64_MAX) st = -INT64_MAX; /* as CPython clamps to -PY_SSIZE_T_MAX */
    int64_t a = *start, b = *stop;
    if (a == INT64_MIN) a = st < 0 ? INT64_MAX : 0;
    if (b == INT64_MIN) b = st < 0 ? INT64_MIN + 1 : INT64_MAX; /* "-inf" */
    /* PySlice_AdjustIndices */
    if (a < 0) { a += length; if (a < 0) a = st < 0 ? -1 : 0; }
    else if (a >= length) a = st < 0 ? length - 1 : length;
    if (b < 0) { b += length; if (b < 0) b = st < 0 ? -1 : 0; }
    else if (b >= length) b = st < 0 ? length - 1 : length;
    *start = a;
    *stop = b;
    *step = st;
    if (st < 0) return b < a ? (a - b - 1) / (-st) + 1 : 0;
    return a < b ? (b - a - 1) / st + 1 : 0;
}

pjx_str *pjx_str_slice(pjx_str *s, int64_t start, int64_t stop, int64_t step) {
    int64_t n = pjx_slice_adjust(s->length, &start, &stop, &step);
    if (n < 0) return NULL;
    if (n == 0) return pjx_str_empty_ref;
    if (step == 1) {
        int64_t b0 = pjx_str_byte_offset(s, start);
        int64_t b1 = (s->ob.flags & PJX_STR_ASCII) ? stop : advance(s->data + b0, n) - s->data;
        return pjx_str_sub(s, b0, b1);
    }
    if (s->ob.flags & PJX_STR_ASCII) {
        pjx_str *r = pjx_str_alloc(n, n);
        if (r == NULL) return NULL;
        for (int64_t k = 0, i = start; k < n; k++, i += step) r->data[k] = s->data[i];
        return r;
    }
    /* non-ASCII with a stride: collect byte ranges first */
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    int64_t off = pjx_str_byte_offset(s, start);
    const unsigned char *base = (const unsigned char *)s->data;
    for (int64_t k = 0; k < n; k++) {
        int len = pjx_u8_len(base[off]);
        if (pjx_strbuf_append(&b, s->data + off, len) < 0) {
            pjx_strbuf_release(&b);
            return NULL;
        }
        if (k + 1 == n) break;
        if (step > 0) {
            off = (int64_t)(advance(s->data + off, step) - s->data);
        } else {
            const unsigned char *p = base + off;
            for (int64_t j = -step; j > 0; j--) pjx_u8_decode_back(base, &p);
            off = (int64_t)(p - base);
        }
    }
    pjx_str *r = pjx_str_from_utf8_len(b.data, b.size, n);
    pjx_strbuf_release(&b);
    return r;
}

pjx_str *pjx_str_concat(pjx_str *a, pjx_str *b) {
    if (b->nbytes == 0) return pjx_str_new_ref(a);
    if (a->nbytes == 0) return pjx_str_new_ref(b);
    pjx_str *r = pjx_str_alloc(a->nbytes + b->nbytes, a->length + b->length);
    if (r == NULL) return NULL;
    memcpy(r->data, a->data, (size_t)a->nbytes);
    memcpy(r->data + a->nbytes, b->data, (size_t)b->nbytes);
    return r;
}

pjx_str *pjx_str_concat3(pjx_str *a, pjx_str *b, pjx_str *c) {
    if (a->nbytes == 0) return pjx_str_concat(b, c);
    if (b->nbytes == 0) return pjx_str_concat(a, c);
    if (c->nbytes == 0) return pjx_str_concat(a, b);
    pjx_str *r = pjx_str_alloc(a->nbytes + b->nbytes + c->nbytes, a->length + b->length + c->length);
    if (r == NULL) return NULL;
    memcpy(r->data, a->data, (size_t)a->nbytes);
    memcpy(r->data + a->nbytes, b->data, (size_t)b->nbytes);
    memcpy(r->data + a->nbytes + b->nbytes, c->data, (size_t)c->nbytes);
    return r;
}

pjx_str *pjx_str_repeat(pjx_str *s, int64_t n) {
    if (n <= 0 || s->nbytes == 0) return pjx_str_empty_ref;
    if (n == 1) return pjx_str_new_ref(s);
    if (s->nbytes > INT64_MAX / n) {
        pjx_err_set(PJX_EXC_OVERFLOW, "repeated string is too long");
        return NULL;
    }
    int64_t total = s->nbytes * n;
    pjx_str *r = pjx_str_alloc(total, s->length * n);
    if (r == NULL) return NULL;
    if (s->nbytes == 1) {
        memset(r->data, s->data[0], (size_t)total);
    } else {
        memcpy(r->data, s->data, (size_t)s->nbytes);
        int64_t done = s->nbytes;
        while (done < total) {
            int64_t chunk = done < total - done ? done : total - done;
            memcpy(r->data + done, r->data, (size_t)chunk);
            done += chunk;
        }
    }
    return r;
}

/* ---- byte search ----------------------------------------------------------- */
const char *pjx_memmem(const char *h, int64_t hn, const char *n, int64_t nn) {
    if (nn == 0) return h;
    if (nn > hn) return NULL;
    if (nn == 1) return memchr(h, n[0], (size_t)hn);
    return memmem(h, (size_t)hn, n, (size_t)nn);
}

const char *pjx_memrmem(const char *h, int64_t hn, const char *n, int64_t nn) {
    if (nn == 0) return h + hn;
    if (nn > hn) return NULL;
    if (nn == 1) return memrchr(h, n[0], (size_t)hn);
    const char *last = n + nn - 1;
    int64_t end = hn; /* candidate match ends at end */
    while (end >= nn) {
        const char *p = memrchr(h + nn - 1, *last, (size_t)(end - nn + 1));
        if (p == NULL) return NULL;
        const char *m = p - (nn - 1);
        if (memcmp(m, n, (size_t)nn) == 0) return m;
        end = p - h; /* p excluded */
    }
    return NULL;
}

int64_t pjx_memcount(const char *h, int64_t hn, const char *n, int64_t nn, int64_t max) {
    int64_t count = 0;
    if (nn == 1) {
        const char *p = h, *end = h + hn;
        while (count < max && (p = memchr(p, n[0], (size_t)(end - p))) != NULL) {
            count++;
            p++;
        }
        return count;
    }
    const char *p = h, *end = h + hn;
    while (count < max) {
        const char *m = pjx_memmem(p, end - p, n, nn);
        if (m == NULL) break;
        count++;
        p = m + nn;
    }
    return count;
}

int64_t pjx_str_contains(pjx_str *s, pjx_str *sub) {
    return pjx_memmem(s->data, s->nbytes, sub->data, sub->nbytes) != NULL;
}

/* ---- iteration, ord, chr ------------------------------------------------ */
pjx_str *pjx_str_next_char(pjx_str *s, int64_t *byte_pos) {
    int64_t off = *byte_pos;
    if (off >= s->nbytes) return NULL;
    unsigned char c = (unsigned char)s->data[off];
    if (c < 0x80) {
        *byte_pos = off + 1;
        return pjx_str_ascii_char(c);
    }
    int len = pjx_u8_len(c);
    *byte_pos = off + len;
    return char_str(s->data + off, len);
}

pjx_str *pjx_str_char_at_byte(pjx_str *s, int64_t byte_pos) {
    pjx_str *c = pjx_str_next_char(s, &byte_pos);
    if (c == NULL && pjx_err_kind() == PJX_OK)
        pjx_err_set(PJX_EXC_INDEX, "string index out of range");
    return c;
}

int32_t pjx_str_ord(pjx_str *s, int64_t *out) {
    if (s->length != 1) {
        pjx_err_format(PJX_EXC_TYPE, "ord() expected a character, but string of length %lld found",
                       (long long)s->length);
        return -1;
    }
    int n;
    *out = pjx_u8_decode((const unsigned char *)s->data, &n);
    return 0;
}

pjx_str *pjx_chr(int64_t cp) {
#if !PJX_PY_AT_LEAST(3, 13) /* before 3.13, CPython parses chr's argument as a C int */
    if (cp > INT32_MAX || cp < INT32_MIN) {
        pjx_err_set(PJX_EXC_OVERFLOW, "Python int too large to convert to C int");
        return NULL;
    }
#endif
    if (cp < 0 || cp >= 0x110000) {
        pjx_err_set(PJX_EXC_VALUE, "chr() arg not in range(0x110000)");
        return NULL;
    }
    if (cp >= 0xD800 && cp < 0xE000) {
        pjx_err_format(PJX_EXC_VALUE,
                       "pyjitx: chr(0x%llx) is a surrogate, which pyjitx strings (UTF-8) cannot hold",
                       (long long)cp);
        return NULL;
    }
    if (cp < 0x80) return pjx_str_ascii_char((unsigned char)cp);
    char buf[4];
    int n = pjx_u8_encode((uint32_t)cp, buf);
    return char_str(buf, n);
}
