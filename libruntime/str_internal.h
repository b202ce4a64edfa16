/* Private helpers of the str/bytes runtime files (str.c, unicode.c,
 * str_methods.c, codec.c, bytes.c): UTF-8 coding, Unicode lookups, slice
 * index arithmetic. */
#ifndef PYJITX_STR_INTERNAL_H
#define PYJITX_STR_INTERNAL_H

#include "pyjitx/str.h"
#include "internal.h"

#include <stdint.h>
#include <string.h>

/* ---- UTF-8 ---------------------------------------------------------------- */
/* bytes in a sequence, by lead byte >> 4 (continuation bytes: 1, to advance) */
static const uint8_t pjx_u8_len_table[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
static inline int pjx_u8_len(unsigned char lead) { return pjx_u8_len_table[lead >> 4]; }

/* decodes the (valid) sequence at p; *n gets its length */
static inline uint32_t pjx_u8_decode(const unsigned char *p, int *n) {
    unsigned char c = p[0];
    if (c < 0x80) { *n = 1; return c; }
    if (c < 0xE0) { *n = 2; return ((uint32_t)(c & 0x1F) << 6) | (p[1] & 0x3F); }
    if (c < 0xF0) {
        *n = 3;
        return ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    }
    *n = 4;
    return ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
           ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
}

/* decodes the sequence that ends just before p (p > start) */
static inline uint32_t pjx_u8_decode_back(const unsigned char *start, const unsigned char **p) {
    const unsigned char *q = *p - 1;
    while (q > start && (*q & 0xC0) == 0x80) q--;
    *p = q;
    int n;
    return pjx_u8_decode(q, &n);
}

static inline int pjx_u8_encode(uint32_t cp, char *out) {
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

#define PJX_IS_RANGE26(c, base) ((unsigned)((c) - (base)) < 26u)

static inline int pjx_u8_size(uint32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

int64_t pjx_u8_count(const char *data, int64_t nbytes);

/* ---- strings --------------------------------------------------------------- */
/* Immortal singletons: '' and the 128 one-character ASCII strings. */
extern pjx_str *const pjx_str_empty_ref;
pjx_str *pjx_str_ascii_char(unsigned char c); /* borrowed immortal */
/* new string from UTF-8 whose code-point count is known */
pjx_str *pjx_str_from_utf8_len(const char *data, int64_t nbytes, int64_t length);
/* s itself with a new reference */
static inline pjx_str *pjx_str_new_ref(pjx_str *s) { pjx_incref(s); return s; }
/* substring by byte range */
pjx_str *pjx_str_sub(pjx_str *s, int64_t b0, int64_t b1);

/* ---- Unicode properties (unicode.c) ----------------------------------- */
#define PJX_P_ALPHA 0x0001u
#define PJX_P_DECIMAL 0x0002u
#define PJX_P_DIGIT 0x0004u
#define PJX_P_NUMERIC 0x0008u
#define PJX_P_SPACE 0x0010u
#define PJX_P_UPPER 0x0020u
#define PJX_P_LOWER 0x0040u
#define PJX_P_TITLE 0x0080u
#define PJX_P_CASED 0x0100u
#define PJX_P_CASE_IGNORABLE 0x0200u
#define PJX_P_PRINTABLE 0x0400u
#define PJX_P_XID_START 0x0800u
#define PJX_P_XID_CONTINUE 0x1000u
#define PJX_P_LINEBREAK 0x2000u

uint32_t pjx_unicode_flags(uint32_t cp);
/* full case mapping: which = 0 lower, 1 upper, 2 title, 3 casefold; writes
 * up to 3 code points, returns how many */
int pjx_unicode_case(uint32_t cp, int which, uint32_t out[3]);
static inline int pjx_unicode_isspace(uint32_t cp) { return (pjx_unicode_flags(cp) & PJX_P_SPACE) != 0; }

/* ASCII classification of CPython (str.isspace for ASCII includes \x1c-\x1f) */
extern const uint16_t pjx_ascii_flags[128];

/* ---- slices and search bounds ------------------------------------------- */
/* PySlice_AdjustIndices with INT64_MIN = None; returns the slice length, or
 * -1 after ValueError for step 0. */
int64_t pjx_slice_adjust(int64_t length, int64_t *start, int64_t *stop, int64_t *step);
/* ADJUST_INDICES of CPython's find/count: start/end of None mean 0/len */
static inline void pjx_adjust_bounds(int64_t length, int64_t *start, int64_t *end) {
    if (*start == INT64_MIN) *start = 0;
    if (*end == INT64_MIN || *end > length) *end = length;
    else if (*end < 0) { *end += length; if (*end < 0) *end = 0; }
    if (*start < 0) { *start += length; if (*start < 0) *start = 0; }
}

/* byte search */
const char *pjx_memmem(const char *h, int64_t hn, const char *n, int64_t nn);
const char *pjx_memrmem(const char *h, int64_t hn, const char *n, int64_t nn);
int64_t pjx_memcount(const char *h, int64_t hn, const char *n, int64_t nn, int64_t max);

#endif
