/* Unicode character database lookups (tables generated at build time from
 * the build interpreter, see tools/gen_unicode_tables.py), and the str
 * operations that depend on them: predicates, case mappings, repr. */
#include "str_internal.h"

#include <pjx_unicode_tables.h>

#include <stdio.h>

const char pjx_unicode_version[] = PJX_UNICODE_VERSION;

_Static_assert(PJX_UCD_ALPHA == PJX_P_ALPHA && PJX_UCD_LINEBREAK == PJX_P_LINEBREAK &&
                   PJX_UCD_CASE_IGNORABLE == PJX_P_CASE_IGNORABLE &&
                   PJX_UCD_XID_CONTINUE == PJX_P_XID_CONTINUE,
               "generated flag bits disagree with str_internal.h");

static inline const pjx_ucd_record *record(uint32_t cp) {
    if (cp >= 0x110000) return &pjx_ucd_records[0];
    uint32_t block = pjx_ucd_index1[cp >> PJX_UCD_SHIFT];
    return &pjx_ucd_records[pjx_ucd_index2[(block << PJX_UCD_SHIFT) | (cp & ((1u << PJX_UCD_SHIFT) - 1))]];
}

uint32_t pjx_unicode_flags(uint32_t cp) { return record(cp)->flags; }

int pjx_unicode_case(uint32_t cp, int which, uint32_t out[3]) {
    const pjx_ucd_record *r = record(cp);
    if (r->ext & (1u << which)) {
        const uint32_t *e = &pjx_ucd_ext[r->map[which]];
        int n = (int)e[0];
        for (int k = 0; k < n; k++) out[k] = e[1 + k];
        return n;
    }
    out[0] = (uint32_t)((int32_t)cp + r->map[which]);
    return 1;
}

/* flags of the ASCII characters, the same bits, filled once from the table
 * at startup would need an initialiser: spelled out instead (checked by the
 * exhaustive tests against CPython). */
#define A PJX_P_ALPHA | PJX_P_PRINTABLE | PJX_P_CASED | PJX_P_XID_START | PJX_P_XID_CONTINUE
#define UP (A | PJX_P_UPPER)
#define LO (A | PJX_P_LOWER)
#define DG (PJX_P_DECIMAL | PJX_P_DIGIT | PJX_P_NUMERIC | PJX_P_PRINTABLE | PJX_P_XID_CONTINUE)
#define P PJX_P_PRINTABLE
#define SP PJX_P_SPACE
#define LB (PJX_P_SPACE | PJX_P_LINEBREAK)
const uint16_t pjx_ascii_flags[128] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, SP, LB, LB, LB, LB, 0, 0,                        /* 0x00 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, LB, LB, LB, SP,                         /* 0x10 */
    SP | P, P, P, P, P, P, P, P | PJX_P_CASE_IGNORABLE, P, P, P, P, P, P,        /* ' '..'-' */
    P | PJX_P_CASE_IGNORABLE, P,                                                /* '.' '/' */
    DG, DG, DG, DG, DG, DG, DG, DG, DG, DG, P | PJX_P_CASE_IGNORABLE, P, P, P, P, P, /* '0'..'?' */
    P, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP,              /* '@'..'O' */
    UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, UP, P, P, P, P | PJX_P_CASE_IGNORABLE,
    P | PJX_P_XID_START | PJX_P_XID_CONTINUE,                                   /* '_' */
    P | PJX_P_CASE_IGNORABLE, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO,
    LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, LO, P, P, P, P, 0,                  /* 'p'..0x7f */
};
#undef A
#undef UP
#undef LO
#undef DG
#undef P
#undef SP
#undef LB

/* ---- predicates ----------------------------------------------------------- */
/* all characters have one of `mask`; the empty string gives `empty` */
static int64_t all_have(pjx_str *s, uint32_t mask, int64_t empty) {
    if (s->nbytes == 0) return empty;
    const unsigned char *p = (const unsigned char *)s->data, *end = p + s->nbytes;
    while (p < end) {
        if (*p < 0x80) {
            if (!(pjx_ascii_flags[*p] & mask)) return 0;
            p++;
        } else {
            int n;
            uint32_t cp = pjx_u8_decode(p, &n);
            if (!(pjx_unicode_flags(cp) & mask)) return 0;
            p += n;
        }
    }
    return 1;
}

int64_t pjx_str_isalpha(pjx_str *s) { return all_have(s, PJX_P_ALPHA, 0); }
int64_t pjx_str_isdecimal(pjx_str *s) { return all_have(s, PJX_P_DECIMAL, 0); }
int64_t pjx_str_isdigit(pjx_str *s) { return all_have(s, PJX_P_DIGIT, 0); }
int64_t pjx_str_isnumeric(pjx_str *s) { return all_have(s, PJX_P_NUMERIC, 0); }
int64_t pjx_str_isspace(pjx_str *s) { return all_have(s, PJX_P_SPACE, 0); }
int64_t pjx_str_isprintable(pjx_str *s) { return all_have(s, PJX_P_PRINTABLE, 1); }
int64_t pjx_str_isalnum(pjx_str *s) {
    return all_have(s, PJX_P_ALPHA | PJX_P_DECIMAL | PJX_P_DIGIT | PJX_P_NUMERIC, 0);
}
int64_t pjx_str_isascii(pjx_str *s) { return (s->ob.flags & PJX_STR_ASCII) != 0; }

static inline uint32_t flags_at(const unsigned char **pp) {
    const unsigned char *p = *pp;
    if (*p < 0x80) {
        *pp = p + 1;
        return pjx_ascii_flags[*p];
    }
    int n;
    uint32_t cp = pjx_u8_decode(p, &n);
    *pp = p + n;
    return pjx_unicode_flags(cp);
}

int64_t pjx_str_isupper(pjx_str *s) {
    const unsigned char *p = (const unsigned char *)s->data, *end = p + s->nbytes;
    int cased = 0;
    while (p < end) {
        uint32_t f = flags_at(&p);
        if (f & (PJX_P_LOWER | PJX_P_TITLE)) return 0;
        if (f & PJX_P_UPPER) cased = 1;
    }
    return cased;
}

int64_t pjx_str_islower(pjx_str *s) {
    const unsigned char *p = (const unsigned char *)s->data, *end = p + s->nbytes;
    int cased = 0;
    while (p < end) {
        uint32_t f = flags_at(&p);
        if (f & (PJX_P_UPPER | PJX_P_TITLE)) return 0;
        if (f & PJX_P_LOWER) cased = 1;
    }
    return cased;
}

int64_t pjx_str_istitle(pjx_str *s) {
    const unsigned char *p = (const unsigned char *)s->data, *end = p + s->nbytes;
    int cased = 0, previous_is_cased = 0;
    while (p < end) {
        uint32_t f = flags_at(&p);
        if (f & (PJX_P_UPPER | PJX_P_TITLE)) {
            if (previous_is_cased) return 0;
            previous_is_cased = cased = 1;
        } else if (f & PJX_P_LOWER) {
            if (!previous_is_cased) return 0;
            previous_is_cased = cased = 1;
        } else {
            previous_is_cased = 0;
        }
    }
    return cased;
}

int64_t pjx_str_isidentifier(pjx_str *s) {
    if (s->nbytes == 0) return 0;
    const unsigned char *p = (const unsigned char *)s->data, *end = p + s->nbytes;
    if (!(flags_at(&p) & PJX_P_XID_START)) return 0;
    while (p < end)
        if (!(flags_at(&p) & PJX_P_XID_CONTINUE)) return 0;
    return 1;
}

/* ---- case mappings -------------------------------------------------------- */
enum { MAP_LOWER = 0, MAP_UPPER = 1, MAP_TITLE = 2, MAP_FOLD = 3 };

/* Final_Sigma: \p{cased}\p{case-ignorable}* U+03A3 !(\p{case-ignorable}* \p{cased}),
 * the sigma occupying bytes [pos, pos + 2). */
static int final_sigma(const unsigned char *start, const unsigned char *end,
                       const unsigned char *pos) {
    const unsigned char *p = pos;
    uint32_t f = 0;
    int found = 0;
    while (p > start) {
        uint32_t cp = pjx_u8_decode_back(start, &p);
        f = pjx_unicode_flags(cp);
        if (!(f & PJX_P_CASE_IGNORABLE)) { found = 1; break; }
    }
    if (!found || !(f & PJX_P_CASED)) return 0;
    p = pos + 2;
    while (p < end) {
        int n;
        uint32_t cp = pjx_u8_decode(p, &n);
        p += n;
        f = pjx_unicode_flags(cp);
        if (!(f & PJX_P_CASE_IGNORABLE)) return !(f & PJX_P_CASED);
    }
    return 1;
}

static int append_cps(pjx_strbuf *b, const uint32_t *cps, int n, int64_t *length) {
    char buf[12];
    int k = 0;
    for (int i = 0; i < n; i++) k += pjx_u8_encode(cps[i], buf + k);
    *length += n;
    return pjx_strbuf_append(b, buf, k);
}

/* lower() of the character at p (cp), with the final-sigma rule */
static int lower_at(const unsigned char *start, const unsigned char *end, const unsigned char *p,
                    uint32_t cp, uint32_t out[3]) {
    if (cp == 0x3A3) {
        out[0] = final_sigma(start, end, p) ? 0x3C2 : 0x3C3;
        return 1;
    }
    return pjx_unicode_case(cp, MAP_LOWER, out);
}

typedef enum { OP_LOWER, OP_UPPER, OP_FOLD, OP_CAPITALIZE, OP_TITLE, OP_SWAPCASE } case_op;

static pjx_str *ascii_case(pjx_str *s, case_op op) {
    int64_t n = s->nbytes;
    const unsigned char *src = (const unsigned char *)s->data;
    /* leave unchanged strings shared */
    int64_t i = 0;
    switch (op) {
    case OP_LOWER:
    case OP_FOLD:
        while (i < n && !(src[i] >= 'A' && src[i] <= 'Z')) i++;
        break;
    case OP_UPPER:
        while (i < n && !(src[i] >= 'a' && src[i] <= 'z')) i++;
        break;
    default: i = 0; break;
    }
    if (i == n) return pjx_str_new_ref(s);
    pjx_str *r = pjx_str_alloc(n, n);
    if (r == NULL) return NULL;
    unsigned char *dst = (unsigned char *)r->data;
    memcpy(dst, src, (size_t)i);
    switch (op) {
    case OP_LOWER:
    case OP_FOLD:
        for (; i < n; i++) dst[i] = src[i] + (PJX_IS_RANGE26(src[i], 'A') << 5);
        break;
    case OP_UPPER:
        for (; i < n; i++) dst[i] = src[i] - (PJX_IS_RANGE26(src[i], 'a') << 5);
        break;
    case OP_CAPITALIZE:
        for (i = 0; i < n; i++) dst[i] = src[i] + (PJX_IS_RANGE26(src[i], 'A') << 5);
        if (n) dst[0] = src[0] - (PJX_IS_RANGE26(src[0], 'a') << 5);
        break;
    case OP_TITLE: {
        int prev_cased = 0;
        for (i = 0; i < n; i++) {
            unsigned char c = src[i];
            int up = PJX_IS_RANGE26(c, 'A'), lo = PJX_IS_RANGE26(c, 'a');
            if (prev_cased) dst[i] = up ? c + 32 : c;
            else dst[i] = lo ? c - 32 : c;
            prev_cased = up || lo;
        }
        break;
    }
    case OP_SWAPCASE:
        for (i = 0; i < n; i++) {
            unsigned char c = src[i];
            dst[i] = PJX_IS_RANGE26(c, 'A') ? c + 32 : PJX_IS_RANGE26(c, 'a') ? c - 32 : c;
        }
        break;
    }
    return r;
}

static pjx_str *unicode_case(pjx_str *s, case_op op) {
    if (s->ob.flags & PJX_STR_ASCII) return ascii_case(s, op);
    const unsigned char *start = (const unsigned char *)s->data, *end = start + s->nbytes;
    const unsigned char *p = start;
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    if (pjx_strbuf_reserve(&b, s->nbytes + 8) < 0) return NULL;
    int64_t length = 0;
    int previous_is_cased = 0, first = 1;
    while (p < end) {
        int n;
        uint32_t cp = pjx_u8_decode(p, &n);
        uint32_t out[3];
        int k;
        switch (op) {
        case OP_LOWER: k = lower_at(start, end, p, cp, out); break;
        case OP_UPPER: k = pjx_unicode_case(cp, MAP_UPPER, out); break;
        case OP_FOLD: k = pjx_unicode_case(cp, MAP_FOLD, out); break;
        case OP_CAPITALIZE:
            k = first ? pjx_unicode_case(cp, MAP_TITLE, out) : lower_at(start, end, p, cp, out);
            break;
        case OP_TITLE:
            k = previous_is_cased ? lower_at(start, end, p, cp, out)
                                  : pjx_unicode_case(cp, MAP_TITLE, out);
            previous_is_cased = (pjx_unicode_flags(cp) & PJX_P_CASED) != 0;
            break;
        default: { /* OP_SWAPCASE */
            uint32_t f = pjx_unicode_flags(cp);
            if (f & PJX_P_UPPER) k = lower_at(start, end, p, cp, out);
            else if (f & PJX_P_LOWER) k = pjx_unicode_case(cp, MAP_UPPER, out);
            else { out[0] = cp; k = 1; }
            break;
        }
        }
        first = 0;
        if (k == 1 && out[0] == cp) {
            length++;
            if (pjx_strbuf_append(&b, (const char *)p, n) < 0) goto fail;
        } else if (append_cps(&b, out, k, &length) < 0) {
            goto fail;
        }
        p += n;
    }
    pjx_str *r = pjx_str_from_utf8_len(b.data, b.size, length);
    pjx_strbuf_release(&b);
    return r;
fail:
    pjx_strbuf_release(&b);
    return NULL;
}

pjx_str *pjx_str_lower(pjx_str *s) { return unicode_case(s, OP_LOWER); }
pjx_str *pjx_str_upper(pjx_str *s) { return unicode_case(s, OP_UPPER); }
pjx_str *pjx_str_casefold(pjx_str *s) { return unicode_case(s, OP_FOLD); }
pjx_str *pjx_str_capitalize(pjx_str *s) { return unicode_case(s, OP_CAPITALIZE); }
pjx_str *pjx_str_title(pjx_str *s) { return unicode_case(s, OP_TITLE); }
pjx_str *pjx_str_swapcase(pjx_str *s) { return unicode_case(s, OP_SWAPCASE); }

/* ---- repr ------------------------------------------------------------------ */
pjx_str *pjx_str_repr(pjx_str *s) {
    const unsigned char *p = (const unsigned char *)s->data, *end = p + s->nbytes;
    char quote = (memchr(s->data, '\'', (size_t)s->nbytes) && !memchr(s->data, '"', (size_t)s->nbytes))
                     ? '"' : '\'';
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    if (pjx_strbuf_reserve(&b, s->nbytes + 2) < 0) return NULL;
    b.data[b.size++] = quote;
    while (p < end) {
        char esc[12];
        int k;
        unsigned char c = *p;
        if (c < 0x80) {
            p++;
            if (c == (unsigned char)quote || c == '\\') { esc[0] = '\\'; esc[1] = (char)c; k = 2; }
            else if (c == '\t') { esc[0] = '\\'; esc[1] = 't'; k = 2; }
            else if (c == '\n') { esc[0] = '\\'; esc[1] = 'n'; k = 2; }
            else if (c == '\r') { esc[0] = '\\'; esc[1] = 'r'; k = 2; }
            else if (c < ' ' || c == 0x7F) k = snprintf(esc, sizeof esc, "\\x%02x", c);
            else { esc[0] = (char)c; k = 1; }
            if (pjx_strbuf_append(&b, esc, k) < 0) goto fail;
            continue;
        }
        int n;
        uint32_t cp = pjx_u8_decode(p, &n);
        if (pjx_unicode_flags(cp) & PJX_P_PRINTABLE) {
            if (pjx_strbuf_append(&b, (const char *)p, n) < 0) goto fail;
        } else {
            if (cp <= 0xFF) k = snprintf(esc, sizeof esc, "\\x%02x", cp);
            else if (cp <= 0xFFFF) k = snprintf(esc, sizeof esc, "\\u%04x", cp);
            else k = snprintf(esc, sizeof esc, "\\U%08x", cp);
            if (pjx_strbuf_append(&b, esc, k) < 0) goto fail;
        }
        p += n;
    }
    if (pjx_strbuf_append(&b, &quote, 1) < 0) goto fail;
    return pjx_strbuf_finish(&b);
fail:
    pjx_strbuf_release(&b);
    return NULL;
}
