/* bytes: an immutable byte buffer with a cached hash, and its operations
 * (CPython's semantics and messages). */
#include "str_internal.h"

#include <stdio.h>
#include <string.h>

pjx_bytes *pjx_bytes_from_data(const char *data, int64_t size) {
    if (size < 0 || (uint64_t)size > (uint64_t)INT64_MAX - sizeof(pjx_bytes) - 1) {
        pjx_err_set(PJX_EXC_MEMORY, NULL);
        return NULL;
    }
    pjx_bytes *b = pjx_object_new(sizeof(pjx_bytes) + (size_t)size + 1, PJX_TYPE_BYTES);
    if (b == NULL) return NULL;
    b->size = size;
    b->hash = -1;
    if (size && data) memcpy(b->data, data, (size_t)size);
    b->data[size] = '\0';
    return b;
}

void pjx_bytes_dealloc(pjx_bytes *b) {
    if (b->ob.flags & PJX_BYTES_FILE_HANDLE) pjx_fd_handle_dealloc(b); /* (file.c) */
    pjx_free(b);
}

int64_t pjx_bytes_hash(pjx_bytes *b) {
    int64_t h = __atomic_load_n(&b->hash, __ATOMIC_RELAXED);
    if (h != -1) return h;
    h = pjx_hash_bytes(b->data, b->size);
    __atomic_store_n(&b->hash, h, __ATOMIC_RELAXED);
    return h;
}

int64_t pjx_bytes_eq(const pjx_bytes *a, const pjx_bytes *b) {
    return a->size == b->size && memcmp(a->data, b->data, (size_t)a->size) == 0;
}

int64_t pjx_bytes_compare(const pjx_bytes *a, const pjx_bytes *b) {
    int64_t n = a->size < b->size ? a->size : b->size;
    int c = memcmp(a->data, b->data, (size_t)n);
    if (c != 0) return c < 0 ? -1 : 1;
    return (a->size > b->size) - (a->size < b->size);
}

static pjx_bytes *new_ref(pjx_bytes *b) {
    pjx_incref(b);
    return b;
}

static pjx_bytes *sub(pjx_bytes *b, int64_t i, int64_t j) {
    if (i == 0 && j == b->size) return new_ref(b);
    return pjx_bytes_from_data(b->data + i, j - i);
}

int32_t pjx_bytes_getitem(pjx_bytes *b, int64_t i, int64_t *out) {
    if (i < 0) i += b->size;
    if (i < 0 || i >= b->size) {
        pjx_err_set(PJX_EXC_INDEX, "index out of range");
        return -1;
    }
    *out = (unsigned char)b->data[i];
    return 0;
}

pjx_bytes *pjx_bytes_slice(pjx_bytes *b, int64_t start, int64_t stop, int64_t step) {
    int64_t n = pjx_slice_adjust(b->size, &start, &stop, &step);
    if (n < 0) return NULL;
    if (step == 1) return sub(b, start, start + n);
    pjx_bytes *r = pjx_bytes_from_data(NULL, n);
    if (r == NULL) return NULL;
    for (int64_t k = 0, i = start; k < n; k++, i += step) r->data[k] = b->data[i];
    return r;
}

pjx_bytes *pjx_bytes_concat(pjx_bytes *a, pjx_bytes *b) {
    pjx_bytes *r = pjx_bytes_from_data(NULL, a->size + b->size);
    if (r == NULL) return NULL;
    memcpy(r->data, a->data, (size_t)a->size);
    memcpy(r->data + a->size, b->data, (size_t)b->size);
    return r;
}

pjx_bytes *pjx_bytes_repeat(pjx_bytes *b, int64_t n) {
    if (n <= 0 || b->size == 0) return pjx_bytes_from_data(NULL, 0);
    if (n == 1) return new_ref(b);
    if (b->size > INT64_MAX / n) {
        pjx_err_set(PJX_EXC_OVERFLOW, "repeated bytes are too long");
        return NULL;
    }
    int64_t total = b->size * n;
    pjx_bytes *r = pjx_bytes_from_data(NULL, total);
    if (r == NULL) return NULL;
    if (b->size == 1) {
        memset(r->data, b->data[0], (size_t)total);
        return r;
    }
    memcpy(r->data, b->data, (size_t)b->size);
    int64_t done = b->size;
    while (done < total) {
        int64_t chunk = done < total - done ? done : total - done;
        memcpy(r->data + done, r->data, (size_t)chunk);
        done += chunk;
    }
    return r;
}

int64_t pjx_bytes_contains(pjx_bytes *b, pjx_bytes *s) {
    return pjx_memmem(b->data, b->size, s->data, s->size) != NULL;
}

int32_t pjx_bytes_contains_int(pjx_bytes *b, int64_t v, int64_t *out) {
    if (v < 0 || v > 255) {
        pjx_err_set(PJX_EXC_VALUE, "byte must be in range(0, 256)");
        return -1;
    }
    *out = memchr(b->data, (int)v, (size_t)b->size) != NULL;
    return 0;
}

int64_t pjx_bytes_find(pjx_bytes *b, pjx_bytes *s, int64_t start, int64_t end) {
    pjx_adjust_bounds(b->size, &start, &end);
    if (end - start < s->size) return -1;
    const char *m = pjx_memmem(b->data + start, end - start, s->data, s->size);
    return m ? m - b->data : -1;
}

int64_t pjx_bytes_rfind(pjx_bytes *b, pjx_bytes *s, int64_t start, int64_t end) {
    pjx_adjust_bounds(b->size, &start, &end);
    if (end - start < s->size) return -1;
    const char *m = pjx_memrmem(b->data + start, end - start, s->data, s->size);
    return m ? m - b->data : -1;
}

int64_t pjx_bytes_count(pjx_bytes *b, pjx_bytes *s, int64_t start, int64_t end) {
    pjx_adjust_bounds(b->size, &start, &end);
    if (end - start < s->size) return 0;
    if (s->size == 0) return end - start + 1;
    return pjx_memcount(b->data + start, end - start, s->data, s->size, INT64_MAX);
}

int32_t pjx_bytes_index(pjx_bytes *b, pjx_bytes *s, int64_t start, int64_t end, int64_t *out) {
    *out = pjx_bytes_find(b, s, start, end);
    if (*out >= 0) return 0;
    pjx_err_set(PJX_EXC_VALUE, "subsection not found");
    return -1;
}

static int64_t tailmatch(pjx_bytes *b, pjx_bytes *s, int64_t start, int64_t end, int at_end) {
    pjx_adjust_bounds(b->size, &start, &end);
    if (end - s->size < start) return 0;
    const char *p = at_end ? b->data + end - s->size : b->data + start;
    return memcmp(p, s->data, (size_t)s->size) == 0;
}

int64_t pjx_bytes_startswith(pjx_bytes *b, pjx_bytes *prefix, int64_t start, int64_t end) {
    return tailmatch(b, prefix, start, end, 0);
}

int64_t pjx_bytes_endswith(pjx_bytes *b, pjx_bytes *suffix, int64_t start, int64_t end) {
    return tailmatch(b, suffix, start, end, 1);
}

/* Py_ISSPACE: the ASCII whitespace of bytes methods */
static inline int bspace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static pjx_list *new_bytes_list(void) {
    pjx_list *l = pjx_list_new(PJX_KIND_OBJ, 0);
    if (l) l->elem_type_id = PJX_TYPE_BYTES;
    return l;
}

static int add(pjx_list *l, pjx_bytes *b, int64_t i, int64_t j) {
    pjx_bytes *piece = sub(b, i, j);
    if (piece == NULL) return -1;
    pjx_slot v;
    v.o = &piece->ob;
    return pjx_list_append_steal(l, v);
}

static void reverse(pjx_list *l) {
    for (int64_t i = 0, j = l->size - 1; i < j; i++, j--) {
        pjx_slot t = l->items[i];
        l->items[i] = l->items[j];
        l->items[j] = t;
    }
}

pjx_list *pjx_bytes_split(pjx_bytes *b, pjx_bytes *sep, int64_t maxsplit) {
    int64_t maxcount = maxsplit < 0 ? INT64_MAX : maxsplit;
    if (sep && sep->size == 0) {
        pjx_err_set(PJX_EXC_VALUE, "empty separator");
        return NULL;
    }
    pjx_list *l = new_bytes_list();
    if (l == NULL) return NULL;
    const unsigned char *d = (const unsigned char *)b->data;
    int64_t n = b->size, i = 0, j;
    if (sep == NULL) {
        while (maxcount-- > 0) {
            while (i < n && bspace(d[i])) i++;
            if (i == n) break;
            j = i++;
            while (i < n && !bspace(d[i])) i++;
            if (add(l, b, j, i) < 0) goto fail;
        }
        if (i < n) {
            while (i < n && bspace(d[i])) i++;
            if (i != n && add(l, b, i, n) < 0) goto fail;
        }
        return l;
    }
    while (maxcount-- > 0) {
        const char *m = pjx_memmem(b->data + i, n - i, sep->data, sep->size);
        if (m == NULL) break;
        j = m - b->data;
        if (add(l, b, i, j) < 0) goto fail;
        i = j + sep->size;
    }
    if (add(l, b, i, n) < 0) goto fail;
    return l;
fail:
    pjx_decref(l);
    return NULL;
}

pjx_list *pjx_bytes_rsplit(pjx_bytes *b, pjx_bytes *sep, int64_t maxsplit) {
    int64_t maxcount = maxsplit < 0 ? INT64_MAX : maxsplit;
    if (sep && sep->size == 0) {
        pjx_err_set(PJX_EXC_VALUE, "empty separator");
        return NULL;
    }
    pjx_list *l = new_bytes_list();
    if (l == NULL) return NULL;
    const unsigned char *d = (const unsigned char *)b->data;
    int64_t i = b->size, j;
    if (sep == NULL) {
        while (maxcount-- > 0) {
            while (i > 0 && bspace(d[i - 1])) i--;
            if (i == 0) break;
            j = i--;
            while (i > 0 && !bspace(d[i - 1])) i--;
            if (add(l, b, i, j) < 0) goto fail;
        }
        if (i > 0) {
            while (i > 0 && bspace(d[i - 1])) i--;
            if (i != 0 && add(l, b, 0, i) < 0) goto fail;
        }
        reverse(l);
        return l;
    }
    while (maxcount-- > 0) {
        const char *m = pjx_memrmem(b->data, i, sep->data, sep->size);
        if (m == NULL) break;
        j = m - b->data;
        if (add(l, b, j + sep->size, i) < 0) goto fail;
        i = j;
    }
    if (add(l, b, 0, i) < 0) goto fail;
    reverse(l);
    return l;
fail:
    pjx_decref(l);
    return NULL;
}

static pjx_bytes *do_strip(pjx_bytes *b, pjx_bytes *chars, int left, int right) {
    uint64_t set[4] = {0, 0, 0, 0};
    if (chars == NULL) {
        for (int c = 0; c < 256; c++)
            if (bspace((unsigned char)c)) set[c >> 6] |= (uint64_t)1 << (c & 63);
    } else {
        for (int64_t k = 0; k < chars->size; k++) {
            unsigned char c = (unsigned char)chars->data[k];
            set[c >> 6] |= (uint64_t)1 << (c & 63);
        }
    }
    const unsigned char *d = (const unsigned char *)b->data;
#define IN(c) ((set[(c) >> 6] >> ((c) & 63)) & 1)
    int64_t i = 0, j = b->size;
    if (left) while (i < j && IN(d[i])) i++;
    if (right) while (j > i && IN(d[j - 1])) j--;
#undef IN
    return sub(b, i, j);
}

pjx_bytes *pjx_bytes_strip(pjx_bytes *b, pjx_bytes *chars) { return do_strip(b, chars, 1, 1); }
pjx_bytes *pjx_bytes_lstrip(pjx_bytes *b, pjx_bytes *chars) { return do_strip(b, chars, 1, 0); }
pjx_bytes *pjx_bytes_rstrip(pjx_bytes *b, pjx_bytes *chars) { return do_strip(b, chars, 0, 1); }

pjx_bytes *pjx_bytes_replace(pjx_bytes *b, pjx_bytes *old, pjx_bytes *new_, int64_t count) {
    int64_t maxcount = count < 0 ? INT64_MAX : count;
    if (maxcount == 0 || b->size < old->size) return new_ref(b);
    int64_t n = old->size == 0 ? (b->size + 1 < maxcount ? b->size + 1 : maxcount)
                               : pjx_memcount(b->data, b->size, old->data, old->size, maxcount);
    if (n == 0) return new_ref(b);
    __int128 total = (__int128)b->size + (__int128)n * (new_->size - old->size);
    if (total > INT64_MAX - 64) {
        pjx_err_set(PJX_EXC_OVERFLOW, "replace bytes is too long");
        return NULL;
    }
    pjx_bytes *r = pjx_bytes_from_data(NULL, (int64_t)total);
    if (r == NULL) return NULL;
    char *out = r->data;
    const char *p = b->data, *end = b->data + b->size;
    for (int64_t k = 0; k < n; k++) {
        const char *m = old->size ? pjx_memmem(p, end - p, old->data, old->size) : p;
        memcpy(out, p, (size_t)(m - p));
        out += m - p;
        memcpy(out, new_->data, (size_t)new_->size);
        out += new_->size;
        p = m + old->size;
        if (old->size == 0 && p < end) *out++ = *p++;
    }
    memcpy(out, p, (size_t)(end - p));
    return r;
}

pjx_bytes *pjx_bytes_lower(pjx_bytes *b) {
    pjx_bytes *r = pjx_bytes_from_data(b->data, b->size);
    if (r == NULL) return NULL;
    for (int64_t i = 0; i < r->size; i++) {
        unsigned char c = (unsigned char)r->data[i];
        if PJX_IS_RANGE26(c, 'A') r->data[i] = (char)(c + 32);
    }
    return r;
}

pjx_bytes *pjx_bytes_upper(pjx_bytes *b) {
    pjx_bytes *r = pjx_bytes_from_data(b->data, b->size);
    if (r == NULL) return NULL;
    for (int64_t i = 0; i < r->size; i++) {
        unsigned char c = (unsigned char)r->data[i];
        if PJX_IS_RANGE26(c, 'a') r->data[i] = (char)(c - 32);
    }
    return r;
}

pjx_bytes *pjx_bytes_join(pjx_bytes *sep, pjx_list *items) {
    int64_t n = items->size, total = 0;
    if (n == 1) return new_ref((pjx_bytes *)items->items[0].o);
    for (int64_t i = 0; i < n; i++) total += ((pjx_bytes *)items->items[i].o)->size;
    if (n > 1) total += sep->size * (n - 1);
    pjx_bytes *r = pjx_bytes_from_data(NULL, total);
    if (r == NULL) return NULL;
    char *p = r->data;
    for (int64_t i = 0; i < n; i++) {
        pjx_bytes *it = (pjx_bytes *)items->items[i].o;
        if (i) {
            memcpy(p, sep->data, (size_t)sep->size);
            p += sep->size;
        }
        memcpy(p, it->data, (size_t)it->size);
        p += it->size;
    }
    return r;
}

pjx_str *pjx_bytes_repr(pjx_bytes *bytes) {
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    char quote = (memchr(bytes->data, '\'', (size_t)bytes->size) && !memchr(bytes->data, '"', (size_t)bytes->size)) ? '"' : '\'';
    if (pjx_strbuf_reserve(&b, bytes->size + 3) < 0) return NULL;
    b.data[b.size++] = 'b';
    b.data[b.size++] = quote;
    for (int64_t i = 0; i < bytes->size; i++) {
        unsigned char c = (unsigned char)bytes->data[i];
        char esc[8];
        int n = 0;
        if (c == '\\' || c == (unsigned char)quote) { esc[0] = '\\'; esc[1] = (char)c; n = 2; }
        else if (c == '\n') { memcpy(esc, "\\n", 2); n = 2; }
        else if (c == '\r') { memcpy(esc, "\\r", 2); n = 2; }
        else if (c == '\t') { memcpy(esc, "\\t", 2); n = 2; }
        else if (c < 0x20 || c >= 0x7f) n = snprintf(esc, sizeof esc, "\\x%02x", c);
        else { esc[0] = (char)c; n = 1; }
        if (pjx_strbuf_append(&b, esc, n) < 0) goto fail;
    }
    if (pjx_strbuf_append(&b, &quote, 1) < 0) goto fail;
    return pjx_strbuf_finish(&b);
fail:
    pjx_strbuf_release(&b);
    return NULL;
}

int32_t pjx_bytes_ord(pjx_bytes *b, int64_t *out) {
    if (b->size != 1) {
        pjx_err_format(PJX_EXC_TYPE, "ord() expected a character, but string of length %lld found",
                       (long long)b->size);
        return -1;
    }
    *out = (unsigned char)b->data[0];
    return 0;
}
