/* Unicode normalisation (UAX #15) and the `unicodedata` lookups, identical
 * to CPython's unicodedata module.
 *
 * The data comes from tables generated at build time from the build
 * interpreter's unicodedata (tools/gen_unicode_tables.py writes
 * pjx_normalize_tables.h): per code point its general category, canonical
 * combining class, quick-check bits and full canonical / compatibility
 * decompositions, plus the canonical composition pairs with the
 * composition exclusions already left out.  Hangul syllables are
 * decomposed and composed algorithmically (UAX #15 / Unicode ch. 3.12), as
 * CPython does.
 *
 * normalize() works in three steps over a buffer of code points:
 *   1. quick check: a string that is certainly in the form (every ASCII
 *      string, and most text) is returned as is, without a copy;
 *   2. full decomposition of every code point, with the canonical
 *      ordering of combining marks done while appending;
 *   3. for NFC/NFKC, canonical composition in place;
 * then the code points are encoded into the new string. */
#include "str_internal.h"

#include <pjx_normalize_tables.h>

#include <stdio.h>

/* ---- lookups ---------------------------------------------------------- */
static inline const pjx_nrm_record *nrm(uint32_t cp) {
    if (cp >= 0x110000) return &pjx_nrm_records[0];
    uint32_t block = pjx_nrm_index1[cp >> PJX_NRM_SHIFT];
    return &pjx_nrm_records[pjx_nrm_index2[(block << PJX_NRM_SHIFT) |
                                           (cp & ((1u << PJX_NRM_SHIFT) - 1))]];
}

static inline int ccc(uint32_t cp) { return cp < 0x300 ? 0 : nrm(cp)->combining; }

/* Hangul syllables: S = SBase + (L * VCount + V) * TCount + T */
enum {
    S_BASE = 0xAC00, L_BASE = 0x1100, V_BASE = 0x1161, T_BASE = 0x11A7,
    L_COUNT = 19, V_COUNT = 21, T_COUNT = 28, N_COUNT = V_COUNT * T_COUNT,
    S_COUNT = L_COUNT * N_COUNT,
};

/* ---- forms -------------------------------------------------------------- */
enum { NFC, NFKC, NFD, NFKD };

/* 'NFC', 'NFD', 'NFKC', 'NFKD' (case-sensitive, as CPython); spelled out
 * rather than a strcmp loop: it runs on every call, and most calls are the
 * fast path that returns the string itself */
static int parse_form(pjx_str *form) {
    const char *d = form->data;
    int64_t n = form->nbytes;
    if ((n == 3 || (n == 4 && d[2] == 'K')) && d[0] == 'N' && d[1] == 'F') {
        char last = d[n - 1];
        if (last == 'C') return n == 3 ? NFC : NFKC;
        if (last == 'D') return n == 3 ? NFD : NFKD;
    }
    pjx_err_set(PJX_EXC_VALUE, "invalid normalization form");
    return -1;
}

static inline int composes(int form) { return form == NFC || form == NFKC; }
static inline int compat(int form) { return form == NFKC || form == NFKD; }

/* ---- quick check (UAX #15 section 9) ------------------------------------ */
enum { QC_NO, QC_YES, QC_MAYBE };

static int quick_check(int form, pjx_str *s) {
    if (s->ob.flags & PJX_STR_ASCII) return QC_YES; /* ASCII is in every form */
    static const uint8_t no_bit[4] = {PJX_NRM_NFC_NO, PJX_NRM_NFKC_NO, PJX_NRM_NFD_NO, PJX_NRM_NFKD_NO};
    uint8_t no = no_bit[form], maybe = composes(form) ? PJX_NRM_NFC_MAYBE : 0;
    const unsigned char *p = (const unsigned char *)s->data, *end = p + s->nbytes;
    int result = QC_YES, last = 0;
    while (p < end) {
        if (*p < 0x80) { /* ASCII: yes, a starter */
            p++;
            last = 0;
            continue;
        }
        int n;
        uint32_t cp = pjx_u8_decode(p, &n);
        p += n;
        const pjx_nrm_record *r = nrm(cp);
        if (r->combining != 0 && last > r->combining) return QC_NO; /* out of canonical order */
        if (r->flags & no) return QC_NO;
        if (r->flags & maybe) result = QC_MAYBE;
        last = r->combining;
    }
    return result;
}

/* ---- code point buffer ------------------------------------------------ */
typedef struct {
    uint32_t *cp;
    int64_t n, cap;
    uint32_t inline_cp[128];
} cpbuf;

static int cpbuf_reserve(cpbuf *b, int64_t extra) {
    if (b->n + extra <= b->cap) return 0;
    int64_t cap = b->cap * 2;
    while (cap < b->n + extra) cap *= 2;
    uint32_t *cp = pjx_alloc((size_t)cap * sizeof(uint32_t));
    if (cp == NULL) return -1;
    memcpy(cp, b->cp, (size_t)b->n * sizeof(uint32_t));
    if (b->cp != b->inline_cp) pjx_free(b->cp);
    b->cp = cp;
    b->cap = cap;
    return 0;
}

static void cpbuf_release(cpbuf *b) {
    if (b->cp != b->inline_cp) pjx_free(b->cp);
}

/* appends cp, moving it back past the combining marks of a higher class
 * before it: canonical ordering as a stable insertion sort, mark by mark */
static inline void append_ordered(cpbuf *b, uint32_t cp) {
    int c = ccc(cp);
    int64_t i = b->n++;
    if (c != 0)
        while (i > 0 && ccc(b->cp[i - 1]) > c) {
            b->cp[i] = b->cp[i - 1];
            i--;
        }
    b->cp[i] = cp;
}

/* step 2: the full (canonical or compatibility) decomposition of s,
 * canonically ordered */
static int decompose(pjx_str *s, int compatibility, cpbuf *b) {
    const unsigned char *p = (const unsigned char *)s->data, *end = p + s->nbytes;
    enum { MAX = PJX_NRM_MAX_DECOMPOSITION }; /* 18: U+FDFA in NFKD */
    if (cpbuf_reserve(b, s->length + MAX) < 0) return -1;
    while (p < end) {
        int n;
        uint32_t cp = pjx_u8_decode(p, &n);
        p += n;
        if (cp - S_BASE < (uint32_t)S_COUNT) {
            uint32_t si = cp - S_BASE;
            b->cp[b->n++] = L_BASE + si / N_COUNT;
            b->cp[b->n++] = V_BASE + (si % N_COUNT) / T_COUNT;
            if (si % T_COUNT) b->cp[b->n++] = T_BASE + si % T_COUNT;
        } else {
            const pjx_nrm_record *r = nrm(cp);
            uint32_t off = compatibility ? r->nfkd : r->nfd;
            if (off == 0) {
                append_ordered(b, cp);
            } else {
                const uint32_t *d = &pjx_nrm_data[off];
                for (uint32_t k = 1; k <= d[0]; k++) append_ordered(b, d[k]);
            }
        }
        /* room for the rest of the input decomposing fully */
        if (b->n + MAX + (end - p) > b->cap && cpbuf_reserve(b, MAX + (end - p)) < 0) return -1;
    }
    return 0;
}

/* the primary composite of a + b, or 0 */
static uint32_t compose_pair(uint32_t a, uint32_t b) {
    if (a - L_BASE < (uint32_t)L_COUNT && b - V_BASE < (uint32_t)V_COUNT)
        return S_BASE + ((a - L_BASE) * V_COUNT + (b - V_BASE)) * T_COUNT;
    if (a - S_BASE < (uint32_t)S_COUNT && (a - S_BASE) % T_COUNT == 0 &&
        b - (T_BASE + 1) < (uint32_t)(T_COUNT - 1))
        return a + (b - T_BASE);
    uint64_t key = ((uint64_t)a << 21) | b;
    int lo = 0, hi = PJX_NRM_NPAIRS;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (pjx_nrm_pair_keys[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    return lo < PJX_NRM_NPAIRS && pjx_nrm_pair_keys[lo] == key ? pjx_nrm_pair_values[lo] : 0;
}

/* step 3: canonical composition of the decomposed buffer, in place (UAX
 * #15's algorithm: a character composes with the last starter unless a
 * character in between has a class >= its own, or is a starter) */
static void compose(cpbuf *b) {
    if (b->n == 0) return;
    uint32_t *cp = b->cp;
    int64_t starter = 0, out = 1;
    int last = ccc(cp[0]);
    if (last != 0) last = 256; /* nothing composes with a leading mark */
    for (int64_t i = 1; i < b->n; i++) {
        uint32_t ch = cp[i];
        int c = ccc(ch);
        /* only second characters of some pair (the "Maybe" ones) compose */
        if ((last < c || last == 0) && (nrm(ch)->flags & PJX_NRM_NFC_MAYBE)) {
            uint32_t composite = compose_pair(cp[starter], ch);
            if (composite != 0) {
                cp[starter] = composite;
                continue;
            }
        }
        if (c == 0) starter = out;
        last = c;
        cp[out++] = ch;
    }
    b->n = out;
}

static pjx_str *encode(const cpbuf *b) {
    int64_t nbytes = 0;
    for (int64_t i = 0; i < b->n; i++) nbytes += pjx_u8_size(b->cp[i]);
    if (b->n <= 1) {
        char one[4];
        int k = b->n ? pjx_u8_encode(b->cp[0], one) : 0;
        return pjx_str_from_utf8_len(one, k, b->n); /* the immortal '' and ASCII singletons */
    }
    pjx_str *s = pjx_str_alloc(nbytes, b->n);
    if (s == NULL) return NULL;
    char *q = s->data;
    for (int64_t i = 0; i < b->n; i++) q += pjx_u8_encode(b->cp[i], q);
    return s;
}

static pjx_str *normalize(int form, pjx_str *s) {
    cpbuf b;
    b.cp = b.inline_cp;
    b.n = 0;
    b.cap = (int64_t)(sizeof b.inline_cp / sizeof b.inline_cp[0]);
    if (decompose(s, compat(form), &b) < 0) {
        cpbuf_release(&b);
        return NULL;
    }
    if (composes(form)) compose(&b);
    pjx_str *result = encode(&b);
    cpbuf_release(&b);
    return result;
}

/* s itself when it is certainly normalised: BERT-style tokenizers
 * normalise every word, nearly always ASCII.  A split() scratch word (`for
 * w in s.split(): normalize(form, w)`, the compiler lets it come here) is
 * rewritten in place by the loop, so it is copied rather than shared: the
 * result never aliases it. */
pjx_str *pjx_str_normalize(pjx_str *form, pjx_str *s) {
    if (s->nbytes == 0) return pjx_str_from_utf8_len("", 0, 0); /* before the form is checked, as CPython */
    int f = parse_form(form);
    if (f < 0) return NULL;
    if (quick_check(f, s) == QC_YES)
        return s->ob.flags & PJX_STR_SCRATCH ? pjx_str_from_utf8_len(s->data, s->nbytes, s->length)
                                             : pjx_str_new_ref(s);
    return normalize(f, s);
}

/* CPython: the quick check decides, and a "maybe" is settled by
 * normalising and comparing */
int32_t pjx_str_is_normalized(pjx_str *form, pjx_str *s) {
    if (s->nbytes == 0) return 1; /* before the form is checked, as CPython */
    int f = parse_form(form);
    if (f < 0) return -1;
    int qc = quick_check(f, s);
    if (qc != QC_MAYBE) return qc == QC_YES;
    pjx_str *n = normalize(f, s);
    if (n == NULL) return -1;
    int32_t same = n->nbytes == s->nbytes && memcmp(n->data, s->data, (size_t)s->nbytes) == 0;
    pjx_decref(n);
    return same;
}

/* ---- unicodedata lookups ------------------------------------------------ */
/* the code point of a one-character string; TypeError as CPython's
 * argument clinic for a `unicode character` (C) argument */
static int32_t one_char(pjx_str *ch, const char *function, uint32_t *cp) {
    if (ch->length != 1) {
        pjx_err_format(PJX_EXC_TYPE, "%s() argument must be a unicode character, not str", function);
        return -1;
    }
    int n;
    *cp = pjx_u8_decode((const unsigned char *)ch->data, &n);
    return 0;
}

pjx_str *pjx_unicodedata_category(pjx_str *ch) {
    uint32_t cp;
    if (one_char(ch, "category", &cp) < 0) return NULL;
    return pjx_str_from_utf8_len(pjx_nrm_categories[nrm(cp)->category], 2, 2);
}

int32_t pjx_unicodedata_combining(pjx_str *ch, int64_t *out) {
    uint32_t cp;
    if (one_char(ch, "combining", &cp) < 0) return -1;
    *out = nrm(cp)->combining;
    return 0;
}

int32_t pjx_unicodedata_mirrored(pjx_str *ch, int64_t *out) {
    uint32_t cp;
    if (one_char(ch, "mirrored", &cp) < 0) return -1;
    *out = (nrm(cp)->flags & PJX_NRM_MIRRORED) != 0;
    return 0;
}

pjx_str *pjx_unicodedata_east_asian_width(pjx_str *ch) {
    uint32_t cp;
    if (one_char(ch, "east_asian_width", &cp) < 0) return NULL;
    const char *w = pjx_nrm_widths[nrm(cp)->width];
    return pjx_str_from_utf8_len(w, (int64_t)strlen(w), (int64_t)strlen(w));
}

/* the decomposition field of UnicodeData.txt: '<tag> XXXX XXXX', '' for
 * none (Hangul syllables included, as CPython) */
pjx_str *pjx_unicodedata_decomposition(pjx_str *ch) {
    uint32_t cp;
    if (one_char(ch, "decomposition", &cp) < 0) return NULL;
    uint32_t off = nrm(cp)->field;
    if (off == 0) return pjx_str_from_utf8_len("", 0, 0);
    const uint32_t *d = &pjx_nrm_data[off];
    uint32_t count = d[0] & 0xFF;
    char text[16 + 8 * PJX_NRM_MAX_DECOMPOSITION]; /* a tag and code points of up to 6 hex digits */
    int len = 0;
    const char *tag = pjx_nrm_tags[d[0] >> 8];
    if (*tag) len += snprintf(text + len, sizeof text - len, "%s", tag);
    for (uint32_t k = 1; k <= count; k++)
        len += snprintf(text + len, sizeof text - len, len ? " %04X" : "%04X", (unsigned)d[k]);
    return pjx_str_from_utf8_len(text, len, len);
}
