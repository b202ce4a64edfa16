/* str methods that are not about case or character classes: split, join,
 * strip, replace, searching, partition, padding, expandtabs.  Indexes in the
 * API are code points; the work is done on UTF-8 bytes (a valid UTF-8 needle
 * only matches at character boundaries of a valid UTF-8 haystack). */
#include "str_internal.h"

#include <stdlib.h>
#include <string.h>

#define IS_ASCII(s) (((s)->ob.flags & PJX_STR_ASCII) != 0)

static pjx_list *new_str_list(int64_t capacity) {
    pjx_list *l = pjx_list_new(PJX_KIND_OBJ, capacity);
    if (l) l->elem_type_id = PJX_TYPE_STR;
    return l;
}

/* appends the substring [b0, b1) of s; -1 on failure (list untouched) */
static int add_sub(pjx_list *l, pjx_str *s, int64_t b0, int64_t b1) {
    pjx_str *piece = pjx_str_sub(s, b0, b1);
    if (piece == NULL) return -1;
    pjx_slot v;
    v.o = &piece->ob;
    return pjx_list_append_steal(l, v);
}

static void reverse_list(pjx_list *l) {
    for (int64_t i = 0, j = l->size - 1; i < j; i++, j--) {
        pjx_slot t = l->items[i];
        l->items[i] = l->items[j];
        l->items[j] = t;
    }
}

/* whitespace test of the character at p, its length in *n */
static inline int space_at(const unsigned char *p, int *n) {
    if (*p < 0x80) {
        *n = 1;
        return (pjx_ascii_flags[*p] & PJX_P_SPACE) != 0;
    }
    uint32_t cp = pjx_u8_decode(p, n);
    return pjx_unicode_isspace(cp);
}

/* whitespace test of the character ending at p; moves *p to its start */
static inline int space_before(const unsigned char *start, const unsigned char **p) {
    const unsigned char *q = *p - 1;
    if (*q < 0x80) {
        *p = q;
        return (pjx_ascii_flags[*q] & PJX_P_SPACE) != 0;
    }
    uint32_t cp = pjx_u8_decode_back(start, p);
    return pjx_unicode_isspace(cp);
}

/* ---- split ------------------------------------------------------------------- */
/* Can the UTF-8 sequence led by byte c (>= 0x80) be whitespace?  Python's
 * non-ASCII whitespace is U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028,
 * U+2029, U+202F, U+205F and U+3000: lead bytes C2, E1, E2 and E3 only. */
static inline int maybe_space_lead(unsigned char c) {
    return c == 0xC2 || (c >= 0xE1 && c <= 0xE3);
}

/* The pieces of a split, gathered on the stack and moved into a list of
 * the right size at the end (or in chunks, for long inputs). */
typedef struct {
    pjx_list *list;
    int n;
    pjx_slot buf[64];
} piece_buffer;

static int pieces_flush(piece_buffer *pb, int64_t extra) {
    if (pb->list == NULL) {
        pb->list = new_str_list(pb->n + extra);
        if (pb->list == NULL) {
            for (int k = 0; k < pb->n; k++) pjx_decref(pb->buf[k].o);
            pb->n = 0;
            return -1;
        }
    }
    for (int k = 0; k < pb->n; k++) {
        if (pjx_list_append_steal(pb->list, pb->buf[k]) < 0) {
            for (int m = k + 1; m < pb->n; m++) pjx_decref(pb->buf[m].o);
            pb->n = 0;
            return -1;
        }
    }
    pb->n = 0;
    return 0;
}

static int pieces_add(piece_buffer *pb, const char *data, int64_t nbytes, int64_t length) {
    pjx_str *piece = pjx_str_from_utf8_len(data, nbytes, length);
    if (piece == NULL) return -1;
    pb->buf[pb->n++].o = &piece->ob;
    if (pb->n == (int)(sizeof pb->buf / sizeof pb->buf[0])) return pieces_flush(pb, 64);
    return 0;
}

static pjx_list *pieces_finish(piece_buffer *pb) {
    if (pieces_flush(pb, 0) < 0) {
        pjx_decref(pb->list);
        return NULL;
    }
    return pb->list;
}

static void pieces_fail(piece_buffer *pb) {
    for (int k = 0; k < pb->n; k++) pjx_decref(pb->buf[k].o);
    pjx_decref(pb->list);
}

/* Whitespace-split scanning, shared by split() and the word buffer:
 * skip_spaces returns the offset of the next non-space byte at or after i;
 * word_end the offset just past the word starting at i, with its length in
 * code points (and whether it is all ASCII) through the pointers. */
static inline int64_t skip_spaces(const unsigned char *base, int64_t i, int64_t n) {
    int k;
    while (i < n) {
        unsigned char c = base[i];
        if (c < 0x80) {
            if (!(pjx_ascii_flags[c] & PJX_P_SPACE)) break;
            i++;
        } else {
            if (!maybe_space_lead(c) || !space_at(base + i, &k)) break;
            i += k;
        }
    }
    return i;
}

static inline int64_t word_end(const unsigned char *base, int64_t i, int64_t n, int64_t *chars,
                               int *ascii) {
    int k;
    int64_t count = 0;
    int all_ascii = 1;
    while (i < n) {
        unsigned char c = base[i];
        if (c > 0x20 && c < 0x80) { /* printable ASCII: the common case */
            i++;
            count++;
            continue;
        }
        if (c < 0x80) {
            if (pjx_ascii_flags[c] & PJX_P_SPACE) break;
            i++;
        } else {
            if (maybe_space_lead(c) && space_at(base + i, &k)) break;
            i += pjx_u8_len(c);
            all_ascii = 0;
        }
        count++;
    }
    *chars = count;
    *ascii = all_ascii;
    return i;
}

static pjx_list *split_whitespace(pjx_str *s, int64_t maxcount) {
    piece_buffer pb;
    pb.list = NULL;
    pb.n = 0;
    const unsigned char *base = (const unsigned char *)s->data;
    int64_t i = 0, n = s->nbytes, j;
    int k;
    if (IS_ASCII(s)) {
        while (maxcount-- > 0) {
            while (i < n && (pjx_ascii_flags[base[i]] & PJX_P_SPACE)) i++;
            if (i == n) break;
            j = i++;
            while (i < n && (base[i] > 0x20 || !(pjx_ascii_flags[base[i]] & PJX_P_SPACE))) i++;
            if (pieces_add(&pb, s->data + j, i - j, i - j) < 0) goto fail;
        }
        if (i < n) {
            while (i < n && (pjx_ascii_flags[base[i]] & PJX_P_SPACE)) i++;
            if (i != n && pieces_add(&pb, s->data + i, n - i, n - i) < 0) goto fail;
        }
        return pieces_finish(&pb);
    }
    while (maxcount-- > 0) {
        i = skip_spaces(base, i, n);
        if (i == n) break;
        j = i;
        int64_t chars;
        int ascii;
        i = word_end(base, i, n, &chars, &ascii);
        if (pieces_add(&pb, s->data + j, i - j, chars) < 0) goto fail;
    }
    if (i < n) {
        while (i < n && space_at(base + i, &k)) i += k;
        if (i != n && pieces_add(&pb, s->data + i, n - i, pjx_u8_count(s->data + i, n - i)) < 0)
            goto fail;
    }
    return pieces_finish(&pb);
fail:
    pieces_fail(&pb);
    return NULL;
}

/* ---- split() words into a reusable buffer -----------------------------------
 * `for w in s.split():` where the loop never keeps `w` (the compiler checks:
 * w is only looked up, measured or compared) reads each word into one
 * scratch string instead of allocating a string per word and a list. */
pjx_str *pjx_str_split_scratch(pjx_str *s) {
    pjx_str *w = pjx_alloc(sizeof(pjx_str) + (size_t)s->nbytes + 1);
    if (w == NULL) return NULL;
    w->ob.refcount = 1;
    w->ob.type_id = PJX_TYPE_STR;
    w->ob.flags = PJX_STR_ASCII | PJX_STR_SCRATCH;
    w->nbytes = 0;
    w->length = 0;
    w->hash = -1;
    w->index = NULL;
    w->data[0] = '\0';
    return w;
}

int64_t pjx_str_split_next(pjx_str *s, int64_t pos, pjx_str *w) {
    const unsigned char *base = (const unsigned char *)s->data;
    int64_t n = s->nbytes;
    int64_t j = skip_spaces(base, pos, n);
    if (j >= n) return -1;
    int64_t chars;
    int ascii;
    int64_t i = word_end(base, j, n, &chars, &ascii);
    memcpy(w->data, s->data + j, (size_t)(i - j));
    w->data[i - j] = '\0';
    w->nbytes = i - j;
    w->length = chars;
    w->hash = -1;
    if (w->index != NULL) {
        pjx_free(w->index);
        w->index = NULL;
    }
    w->ob.flags = (ascii ? PJX_STR_ASCII : 0) | PJX_STR_SCRATCH;
    return i;
}

/* sep.join(s.split()) without a string per word: the words of s, in
 * order, separated by sep (whitespace normalisation). */
pjx_str *pjx_str_join_split(pjx_str *sep, pjx_str *s) {
    const unsigned char *base = (const unsigned char *)s->data;
    int64_t n = s->nbytes, words = 0, nbytes = 0, length = 0;
    for (int64_t i = skip_spaces(base, 0, n); i < n; i = skip_spaces(base, i, n)) {
        int64_t chars, j = i;
        int ascii;
        i = word_end(base, i, n, &chars, &ascii);
        nbytes += i - j;
        length += chars;
        words++;
    }
    if (words > 1) {
        nbytes += sep->nbytes * (words - 1);
        length += sep->length * (words - 1);
    }
    pjx_str *r = pjx_str_alloc(nbytes, length);
    if (r == NULL) return NULL;
    char *out = r->data;
    int64_t written = 0;
    for (int64_t i = skip_spaces(base, 0, n); i < n; i = skip_spaces(base, i, n)) {
        int64_t chars, j = i;
        int ascii;
        i = word_end(base, i, n, &chars, &ascii);
        if (written++ > 0) {
            memcpy(out, sep->data, (size_t)sep->nbytes);
            out += sep->nbytes;
        }
        memcpy(out, s->data + j, (size_t)(i - j));
        out += i - j;
    }
    return r;
}

static pjx_list *rsplit_whitespace(pjx_str *s, int64_t maxcount) {
    pjx_list *l = new_str_list(0);
    if (l == NULL) return NULL;
    const unsigned char *base = (const unsigned char *)s->data;
    const unsigned char *p = base + s->nbytes;
    while (maxcount-- > 0) {
        const unsigned char *q;
        while (p > base) {
            q = p;
            if (!space_before(base, &q)) break;
            p = q;
        }
        if (p == base) break;
        const unsigned char *stop = p;
        while (p > base) {
            q = p;
            if (space_before(base, &q)) break;
            p = q;
        }
        if (add_sub(l, s, p - base, stop - base) < 0) goto fail;
    }
    if (p > base) {
        const unsigned char *q;
        while (p > base) {
            q = p;
            if (!space_before(base, &q)) break;
            p = q;
        }
        if (p != base && add_sub(l, s, 0, p - base) < 0) goto fail;
    }
    reverse_list(l);
    return l;
fail:
    pjx_decref(l);
    return NULL;
}

pjx_list *pjx_str_split(pjx_str *s, pjx_str *sep, int64_t maxsplit) {
    int64_t maxcount = maxsplit < 0 ? INT64_MAX : maxsplit;
    if (sep == NULL) return split_whitespace(s, maxcount);
    if (sep->nbytes == 0) {
        pjx_err_set(PJX_EXC_VALUE, "empty separator");
        return NULL;
    }
    pjx_list *l = new_str_list(0);
    if (l == NULL) return NULL;
    const char *data = s->data;
    int64_t i = 0, n = s->nbytes;
    while (maxcount-- > 0) {
        const char *m = pjx_memmem(data + i, n - i, sep->data, sep->nbytes);
        if (m == NULL) break;
        int64_t j = m - data;
        if (add_sub(l, s, i, j) < 0) goto fail;
        i = j + sep->nbytes;
    }
    if (add_sub(l, s, i, n) < 0) goto fail;
    return l;
fail:
    pjx_decref(l);
    return NULL;
}

pjx_list *pjx_str_rsplit(pjx_str *s, pjx_str *sep, int64_t maxsplit) {
    int64_t maxcount = maxsplit < 0 ? INT64_MAX : maxsplit;
    if (sep == NULL) return rsplit_whitespace(s, maxcount);
    if (sep->nbytes == 0) {
        pjx_err_set(PJX_EXC_VALUE, "empty separator");
        return NULL;
    }
    pjx_list *l = new_str_list(0);
    if (l == NULL) return NULL;
    const char *data = s->data;
    int64_t j = s->nbytes;
    while (maxcount-- > 0) {
        const char *m = pjx_memrmem(data, j, sep->data, sep->nbytes);
        if (m == NULL) break;
        int64_t pos = m - data;
        if (add_sub(l, s, pos + sep->nbytes, j) < 0) goto fail;
        j = pos;
    }
    if (add_sub(l, s, 0, j) < 0) goto fail;
    reverse_list(l);
    return l;
fail:
    pjx_decref(l);
    return NULL;
}

pjx_list *pjx_str_splitlines(pjx_str *s, int64_t keepends) {
    pjx_list *l = new_str_list(0);
    if (l == NULL) return NULL;
    const unsigned char *base = (const unsigned char *)s->data;
    int64_t n = s->nbytes, i = 0, j = 0;
    while (i < n) {
        int k = 1, brk = 0;
        while (i < n) {
            unsigned char c = base[i];
            if (c < 0x80) {
                k = 1;
                brk = (pjx_ascii_flags[c] & PJX_P_LINEBREAK) != 0;
            } else {
                uint32_t cp = pjx_u8_decode(base + i, &k);
                brk = (pjx_unicode_flags(cp) & PJX_P_LINEBREAK) != 0;
            }
            if (brk) break;
            i += k;
        }
        int64_t eol = i;
        if (i < n) {
            if (base[i] == '\r' && i + 1 < n && base[i + 1] == '\n') i += 2;
            else i += k;
            if (keepends) eol = i;
        }
        if (add_sub(l, s, j, eol) < 0) goto fail;
        j = i;
    }
    return l;
fail:
    pjx_decref(l);
    return NULL;
}

/* ---- join ------------------------------------------------------------------ */
pjx_str *pjx_str_join(pjx_str *sep, pjx_list *items) {
    int64_t n = items->size;
    if (n == 0) return pjx_str_empty_ref;
    if (n == 1) return pjx_str_new_ref((pjx_str *)items->items[0].o);
    int64_t nbytes = sep->nbytes * (n - 1), length = sep->length * (n - 1);
    for (int64_t i = 0; i < n; i++) {
        pjx_str *it = (pjx_str *)items->items[i].o;
        nbytes += it->nbytes;
        length += it->length;
    }
    pjx_str *r = pjx_str_alloc(nbytes, length);
    if (r == NULL) return NULL;
    char *p = r->data;
    for (int64_t i = 0; i < n; i++) {
        pjx_str *it = (pjx_str *)items->items[i].o;
        if (i && sep->nbytes) {
            memcpy(p, sep->data, (size_t)sep->nbytes);
            p += sep->nbytes;
        }
        memcpy(p, it->data, (size_t)it->nbytes);
        p += it->nbytes;
    }
    return r;
}

/* ---- strip ---------------------------------------------------------------- */
typedef struct {
    uint64_t ascii[2];   /* bitmap of the ASCII characters */
    uint32_t *others;    /* the non-ASCII ones */
    int64_t n_others;
    uint32_t inline_others[8];
} char_set;

static int char_set_init(char_set *cs, pjx_str *chars) {
    cs->ascii[0] = cs->ascii[1] = 0;
    cs->n_others = 0;
    cs->others = cs->inline_others;
    int64_t non_ascii = chars->length - 0;
    if (!IS_ASCII(chars) && non_ascii > 8) {
        cs->others = pjx_alloc(sizeof(uint32_t) * (size_t)non_ascii);
        if (cs->others == NULL) return -1;
    }
    const unsigned char *p = (const unsigned char *)chars->data, *end = p + chars->nbytes;
    while (p < end) {
        if (*p < 0x80) {
            cs->ascii[*p >> 6] |= (uint64_t)1 << (*p & 63);
            p++;
        } else {
            int k;
            cs->others[cs->n_others++] = pjx_u8_decode(p, &k);
            p += k;
        }
    }
    return 0;
}

static void char_set_release(char_set *cs) {
    if (cs->others != cs->inline_others) pjx_free(cs->others);
}

static inline int char_set_has(const char_set *cs, uint32_t cp) {
    if (cp < 0x80) return (cs->ascii[cp >> 6] >> (cp & 63)) & 1;
    for (int64_t i = 0; i < cs->n_others; i++)
        if (cs->others[i] == cp) return 1;
    return 0;
}

enum { LEFT = 1, RIGHT = 2 };

static pjx_str *do_strip(pjx_str *s, pjx_str *chars, int how) {
    const unsigned char *base = (const unsigned char *)s->data;
    int64_t i = 0, j = s->nbytes;
    if (chars == NULL) {
        if (IS_ASCII(s)) {
            if (how & LEFT) while (i < j && (pjx_ascii_flags[base[i]] & PJX_P_SPACE)) i++;
            if (how & RIGHT) while (j > i && (pjx_ascii_flags[base[j - 1]] & PJX_P_SPACE)) j--;
        } else {
            int k;
            if (how & LEFT) while (i < j && space_at(base + i, &k)) i += k;
            if (how & RIGHT) {
                const unsigned char *p = base + j, *q;
                while (p > base + i) {
                    q = p;
                    if (!space_before(base, &q)) break;
                    p = q;
                }
                j = p - base;
            }
        }
        return pjx_str_sub(s, i, j);
    }
    char_set cs;
    if (char_set_init(&cs, chars) < 0) return NULL;
    if (how & LEFT) {
        while (i < j) {
            int k;
            uint32_t cp = pjx_u8_decode(base + i, &k);
            if (!char_set_has(&cs, cp)) break;
            i += k;
        }
    }
    if (how & RIGHT) {
        const unsigned char *p = base + j;
        while (p > base + i) {
            const unsigned char *q = p;
            uint32_t cp = pjx_u8_decode_back(base, &q);
            if (!char_set_has(&cs, cp)) break;
            p = q;
        }
        j = p - base;
    }
    char_set_release(&cs);
    return pjx_str_sub(s, i, j);
}

pjx_str *pjx_str_strip(pjx_str *s, pjx_str *chars) { return do_strip(s, chars, LEFT | RIGHT); }
pjx_str *pjx_str_lstrip(pjx_str *s, pjx_str *chars) { return do_strip(s, chars, LEFT); }
pjx_str *pjx_str_rstrip(pjx_str *s, pjx_str *chars) { return do_strip(s, chars, RIGHT); }

/* ---- searching ---------------------------------------------------------------- */
/* code-point bounds -> byte bounds; 0 if the range cannot hold sub */
static int byte_bounds(pjx_str *s, pjx_str *sub, int64_t *start, int64_t *end, int64_t *b0,
                       int64_t *b1) {
    pjx_adjust_bounds(s->length, start, end);
    if (*end - *start < sub->length) return 0;
    if (IS_ASCII(s)) {
        *b0 = *start;
        *b1 = *end;
    } else {
        *b0 = pjx_str_byte_offset(s, *start);
        *b1 = *end == s->length ? s->nbytes : pjx_str_byte_offset(s, *end);
    }
    return 1;
}

int64_t pjx_str_find(pjx_str *s, pjx_str *sub, int64_t start, int64_t end) {
    int64_t b0, b1;
    if (!byte_bounds(s, sub, &start, &end, &b0, &b1)) return -1;
    const char *m = pjx_memmem(s->data + b0, b1 - b0, sub->data, sub->nbytes);
    if (m == NULL) return -1;
    if (IS_ASCII(s)) return m - s->data;
    return start + pjx_u8_count(s->data + b0, m - (s->data + b0));
}

int64_t pjx_str_rfind(pjx_str *s, pjx_str *sub, int64_t start, int64_t end) {
    int64_t b0, b1;
    if (!byte_bounds(s, sub, &start, &end, &b0, &b1)) return -1;
    const char *m = pjx_memrmem(s->data + b0, b1 - b0, sub->data, sub->nbytes);
    if (m == NULL) return -1;
    if (IS_ASCII(s)) return m - s->data;
    return end - pjx_u8_count(m, (s->data + b1) - m);
}

int64_t pjx_str_count(pjx_str *s, pjx_str *sub, int64_t start, int64_t end) {
    int64_t b0, b1;
    if (!byte_bounds(s, sub, &start, &end, &b0, &b1)) return 0;
    if (sub->nbytes == 0) return end - start + 1;
    return pjx_memcount(s->data + b0, b1 - b0, sub->data, sub->nbytes, INT64_MAX);
}

int32_t pjx_str_index(pjx_str *s, pjx_str *sub, int64_t start, int64_t end, int64_t *out) {
    *out = pjx_str_find(s, sub, start, end);
    if (*out >= 0) return 0;
    pjx_err_set(PJX_EXC_VALUE, "substring not found");
    return -1;
}

int32_t pjx_str_rindex(pjx_str *s, pjx_str *sub, int64_t start, int64_t end, int64_t *out) {
    *out = pjx_str_rfind(s, sub, start, end);
    if (*out >= 0) return 0;
    pjx_err_set(PJX_EXC_VALUE, "substring not found");
    return -1;
}

static int64_t tailmatch(pjx_str *s, pjx_str *sub, int64_t start, int64_t end, int at_end) {
    pjx_adjust_bounds(s->length, &start, &end);
    if (end - sub->length < start) return 0;
    if (sub->length == 0) return 1;
    int64_t b0, b1;
    if (IS_ASCII(s)) {
        b0 = start;
        b1 = end;
    } else {
        b0 = pjx_str_byte_offset(s, start);
        b1 = end == s->length ? s->nbytes : pjx_str_byte_offset(s, end);
    }
    if (b1 - b0 < sub->nbytes) return 0;
    const char *p = at_end ? s->data + b1 - sub->nbytes : s->data + b0;
    return memcmp(p, sub->data, (size_t)sub->nbytes) == 0;
}

int64_t pjx_str_startswith(pjx_str *s, pjx_str *prefix, int64_t start, int64_t end) {
    return tailmatch(s, prefix, start, end, 0);
}

int64_t pjx_str_endswith(pjx_str *s, pjx_str *suffix, int64_t start, int64_t end) {
    return tailmatch(s, suffix, start, end, 1);
}

/* ---- partition ------------------------------------------------------------ */
static pjx_tuple *triple(pjx_str *a, pjx_str *b, pjx_str *c) {
    if (a == NULL || b == NULL || c == NULL) goto fail;
    pjx_tuple *t = pjx_tuple_new(3);
    if (t == NULL) goto fail;
    pjx_str *parts[3] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        t->items[i].o = &parts[i]->ob;
        PJX_TUPLE_KINDS(t)[i] = PJX_KIND_OBJ;
    }
    return t;
fail:
    pjx_decref(a);
    pjx_decref(b);
    pjx_decref(c);
    return NULL;
}

static pjx_tuple *do_partition(pjx_str *s, pjx_str *sep, int reverse) {
    if (sep->nbytes == 0) {
        pjx_err_set(PJX_EXC_VALUE, "empty separator");
        return NULL;
    }
    const char *m = reverse ? pjx_memrmem(s->data, s->nbytes, sep->data, sep->nbytes)
                            : pjx_memmem(s->data, s->nbytes, sep->data, sep->nbytes);
    if (m == NULL) {
        if (reverse) return triple(pjx_str_empty_ref, pjx_str_empty_ref, pjx_str_new_ref(s));
        return triple(pjx_str_new_ref(s), pjx_str_empty_ref, pjx_str_empty_ref);
    }
    int64_t pos = m - s->data;
    return triple(pjx_str_sub(s, 0, pos), pjx_str_new_ref(sep),
                  pjx_str_sub(s, pos + sep->nbytes, s->nbytes));
}

pjx_tuple *pjx_str_partition(pjx_str *s, pjx_str *sep) { return do_partition(s, sep, 0); }
pjx_tuple *pjx_str_rpartition(pjx_str *s, pjx_str *sep) { return do_partition(s, sep, 1); }

/* ---- replace -------------------------------------------------------------- */
pjx_str *pjx_str_replace(pjx_str *s, pjx_str *old, pjx_str *new_, int64_t count) {
    int64_t maxcount = count < 0 ? INT64_MAX : count;
    if (maxcount == 0 || s->length < old->length) return pjx_str_new_ref(s);
    int64_t n;
    if (old->nbytes == 0) {
        n = s->length + 1 < maxcount ? s->length + 1 : maxcount;
    } else {
        n = pjx_memcount(s->data, s->nbytes, old->data, old->nbytes, maxcount);
    }
    if (n == 0) return pjx_str_new_ref(s);
    if (old->nbytes == new_->nbytes && old->nbytes && memcmp(old->data, new_->data, (size_t)old->nbytes) == 0)
        return pjx_str_new_ref(s);
    /* n * (new - old) fits unless the result is absurdly large */
    __int128 total = (__int128)s->nbytes + (__int128)n * (new_->nbytes - old->nbytes);
    if (total > INT64_MAX - 64) {
        pjx_err_set(PJX_EXC_OVERFLOW, "replace string is too long");
        return NULL;
    }
    int64_t length = s->length + n * (new_->length - old->length);
    pjx_str *r = pjx_str_alloc((int64_t)total, length);
    if (r == NULL) return NULL;
    char *out = r->data;
    const char *p = s->data, *end = s->data + s->nbytes;
    if (old->nbytes == 0) {
        for (int64_t k = 0; k < n; k++) {
            memcpy(out, new_->data, (size_t)new_->nbytes);
            out += new_->nbytes;
            if (p < end) {
                int len = pjx_u8_len((unsigned char)*p);
                memcpy(out, p, (size_t)len);
                out += len;
                p += len;
            }
        }
    } else {
        for (int64_t k = 0; k < n; k++) {
            const char *m = pjx_memmem(p, end - p, old->data, old->nbytes);
            memcpy(out, p, (size_t)(m - p));
            out += m - p;
            memcpy(out, new_->data, (size_t)new_->nbytes);
            out += new_->nbytes;
            p = m + old->nbytes;
        }
    }
    memcpy(out, p, (size_t)(end - p));
    return r;
}

/* ---- padding ------------------------------------------------------------------ */
static int fill_char(pjx_str *fillchar, char fill[4], int *fill_len) {
    if (fillchar == NULL) {
        fill[0] = ' ';
        *fill_len = 1;
        return 0;
    }
    if (fillchar->length != 1) {
        pjx_err_set(PJX_EXC_TYPE, "The fill character must be exactly one character long");
        return -1;
    }
    memcpy(fill, fillchar->data, (size_t)fillchar->nbytes);
    *fill_len = (int)fillchar->nbytes;
    return 0;
}

static pjx_str *pad(pjx_str *s, int64_t left, int64_t right, const char *fill, int fill_len) {
    if (left == 0 && right == 0) return pjx_str_new_ref(s);
    if (left + right > (INT64_MAX - 64 - s->nbytes) / fill_len) {
        pjx_err_set(PJX_EXC_MEMORY, NULL);
        return NULL;
    }
    pjx_str *r = pjx_str_alloc(s->nbytes + (left + right) * fill_len, s->length + left + right);
    if (r == NULL) return NULL;
    char *p = r->data;
    if (fill_len == 1) {
        memset(p, fill[0], (size_t)left);
        p += left;
    } else {
        for (int64_t i = 0; i < left; i++, p += fill_len) memcpy(p, fill, (size_t)fill_len);
    }
    memcpy(p, s->data, (size_t)s->nbytes);
    p += s->nbytes;
    if (fill_len == 1) {
        memset(p, fill[0], (size_t)right);
    } else {
        for (int64_t i = 0; i < right; i++, p += fill_len) memcpy(p, fill, (size_t)fill_len);
    }
    return r;
}

pjx_str *pjx_str_center(pjx_str *s, int64_t width, pjx_str *fillchar) {
    char fill[4];
    int fill_len;
    if (fill_char(fillchar, fill, &fill_len) < 0) return NULL;
    if (s->length >= width) return pjx_str_new_ref(s);
    int64_t marg = width - s->length;
    int64_t left = marg / 2 + (marg & width & 1);
    return pad(s, left, marg - left, fill, fill_len);
}

pjx_str *pjx_str_ljust(pjx_str *s, int64_t width, pjx_str *fillchar) {
    char fill[4];
    int fill_len;
    if (fill_char(fillchar, fill, &fill_len) < 0) return NULL;
    if (s->length >= width) return pjx_str_new_ref(s);
    return pad(s, 0, width - s->length, fill, fill_len);
}

pjx_str *pjx_str_rjust(pjx_str *s, int64_t width, pjx_str *fillchar) {
    char fill[4];
    int fill_len;
    if (fill_char(fillchar, fill, &fill_len) < 0) return NULL;
    if (s->length >= width) return pjx_str_new_ref(s);
    return pad(s, width - s->length, 0, fill, fill_len);
}

pjx_str *pjx_str_zfill(pjx_str *s, int64_t width) {
    if (s->length >= width) return pjx_str_new_ref(s);
    int64_t fill = width - s->length;
    pjx_str *r = pad(s, fill, 0, "0", 1);
    if (r == NULL) return NULL;
    if (r->data[fill] == '+' || r->data[fill] == '-') {
        r->data[0] = r->data[fill];
        r->data[fill] = '0';
    }
    return r;
}

pjx_str *pjx_str_expandtabs(pjx_str *s, int64_t tabsize) {
    if (tabsize == INT64_MIN) tabsize = 8;
    const unsigned char *base = (const unsigned char *)s->data;
    if (!memchr(base, '\t', (size_t)s->nbytes)) return pjx_str_new_ref(s);
    /* first pass: the size of the result */
    int64_t j = 0, extra = 0; /* j: column; extra: added code points */
    for (int64_t i = 0; i < s->nbytes; i++) {
        unsigned char c = base[i];
        if ((c & 0xC0) == 0x80) continue;
        if (c == '\t') {
            if (tabsize > 0) {
                int64_t incr = tabsize - (j % tabsize);
                if (j > INT64_MAX - incr || extra > INT64_MAX - 64 - s->nbytes - incr) {
                    pjx_err_set(PJX_EXC_OVERFLOW, "new string is too long");
                    return NULL;
                }
                j += incr;
                extra += incr - 1;
            } else {
                extra -= 1;
            }
        } else {
            j++;
            if (c == '\n' || c == '\r') j = 0;
        }
    }
    pjx_str *r = pjx_str_alloc(s->nbytes + extra, s->length + extra);
    if (r == NULL) return NULL;
    char *out = r->data;
    j = 0;
    for (int64_t i = 0; i < s->nbytes; i++) {
        unsigned char c = base[i];
        if (c == '\t') {
            if (tabsize > 0) {
                int64_t incr = tabsize - (j % tabsize);
                j += incr;
                memset(out, ' ', (size_t)incr);
                out += incr;
            }
            continue;
        }
        *out++ = (char)c;
        if ((c & 0xC0) == 0x80) continue;
        j++;
        if (c == '\n' || c == '\r') j = 0;
    }
    return r;
}
