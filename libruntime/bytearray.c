/* bytearray in compiled code (bytearray.h): a list of ints 0..255, with
 * the checks and messages that are bytearray's own and the conversions
 * to and from bytes.  Growth, slicing, iteration and equality of two
 * bytearrays are the list's (list.c). */
#include "internal.h"
#include "pyjitx/bytearray.h"
#include "pyjitx/containers.h"

#include <string.h>

static const char OUT_OF_RANGE[] = "byte must be in range(0, 256)";

static int byte_ok(int64_t v) {
    if (v >= 0 && v < 256) return 1;
    pjx_err_set(PJX_EXC_VALUE, OUT_OF_RANGE);
    return 0;
}

/* a list of n ints, size n, items unset */
static pjx_list *sized(int64_t n) {
    pjx_list *l = pjx_list_new(PJX_KIND_INT, n);
    if (l != NULL) l->size = n;
    return l;
}

pjx_list *pjx_bytearray_view(pjx_list *ba) {
    pjx_incref(&ba->ob);
    return ba;
}

pjx_list *pjx_bytearray_of_items(pjx_list *items) {
    pjx_incref(&items->ob);
    return items;
}

pjx_list *pjx_bytearray_new(int64_t n) {
    if (n < 0) {
        pjx_err_set(PJX_EXC_VALUE, "negative count");
        return NULL;
    }
    pjx_list *l = sized(n);
    if (l != NULL && n > 0) memset(l->items, 0, sizeof(pjx_slot) * (size_t)n);
    return l;
}

pjx_list *pjx_bytearray_from_bytes(pjx_bytes *b) {
    pjx_list *l = sized(b->size);
    if (l == NULL) return NULL;
    for (int64_t i = 0; i < b->size; i++) l->items[i].i = (unsigned char)b->data[i];
    return l;
}

pjx_list *pjx_bytearray_from_ints(pjx_list *xs) {
    for (int64_t i = 0; i < xs->size; i++)
        if (!byte_ok(xs->items[i].i)) return NULL;
    pjx_list *l = sized(xs->size);
    if (l == NULL) return NULL;
    for (int64_t i = 0; i < xs->size; i++) l->items[i].i = xs->items[i].i;
    return l;
}

pjx_bytes *pjx_bytes_from_ints(pjx_list *xs) {
    for (int64_t i = 0; i < xs->size; i++)
        if (xs->items[i].i < 0 || xs->items[i].i > 255) {
            pjx_err_set(PJX_EXC_VALUE, "bytes must be in range(0, 256)");
            return NULL;
        }
    return pjx_bytearray_to_bytes(xs);
}

pjx_bytes *pjx_bytearray_to_bytes(pjx_list *ba) {
    /* (a bytes of ba->size bytes, written in place before anyone sees it) */
    pjx_bytes *b = pjx_bytes_from_data(NULL, ba->size);
    if (b == NULL) return NULL;
    for (int64_t i = 0; i < ba->size; i++) b->data[i] = (char)(unsigned char)ba->items[i].i;
    return b;
}

static int index_ok(const pjx_list *ba, int64_t *i) {
    if (*i < 0) *i += ba->size;
    if (*i >= 0 && *i < ba->size) return 1;
    pjx_err_set(PJX_EXC_INDEX, "bytearray index out of range");
    return 0;
}

int32_t pjx_bytearray_getitem(pjx_list *ba, int64_t i, int64_t *out) {
    if (!index_ok(ba, &i)) return -1;
    *out = ba->items[i].i;
    return 0;
}

int32_t pjx_bytearray_setitem(pjx_list *ba, int64_t i, int64_t v) {
    if (!byte_ok(v) || !index_ok(ba, &i)) return -1;
    ba->items[i].i = v;
    return 0;
}

int32_t pjx_bytearray_delitem(pjx_list *ba, int64_t i) {
    if (!index_ok(ba, &i)) return -1;
    pjx_slot gone;
    return pjx_list_pop(ba, i, &gone);
}

int32_t pjx_bytearray_append(pjx_list *ba, int64_t v) {
    if (!byte_ok(v)) return -1;
    return pjx_list_append(ba, (pjx_slot){.i = v});
}

int32_t pjx_bytearray_pop(pjx_list *ba, int64_t i, int64_t *out) {
    if (ba->size == 0) {
        pjx_err_set(PJX_EXC_INDEX, "pop from empty bytearray");
        return -1;
    }
    pjx_slot item;
    if (pjx_list_pop(ba, i, &item) < 0) return -1; /* "pop index out of range", as CPython */
    *out = item.i;
    return 0;
}

int32_t pjx_bytearray_extend_ints(pjx_list *ba, pjx_list *xs) {
    for (int64_t i = 0; i < xs->size; i++)
        if (!byte_ok(xs->items[i].i)) return -1;
    return pjx_list_extend(ba, xs);
}

int32_t pjx_bytearray_extend_bytes(pjx_list *ba, pjx_bytes *b) {
    pjx_list *xs = pjx_bytearray_from_bytes(b);
    if (xs == NULL) return -1;
    int32_t rc = pjx_list_extend(ba, xs);
    pjx_decref(&xs->ob);
    return rc;
}

int32_t pjx_bytearray_contains_int(pjx_list *ba, int64_t v, int64_t *out) {
    if (!byte_ok(v)) return -1;
    *out = 0;
    for (int64_t i = 0; i < ba->size; i++)
        if (ba->items[i].i == v) {
            *out = 1;
            break;
        }
    return 0;
}

int64_t pjx_bytearray_contains_bytes(pjx_list *ba, pjx_bytes *sub) {
    int64_t n = ba->size, m = sub->size;
    for (int64_t start = 0; start + m <= n; start++) {
        int64_t k = 0;
        while (k < m && ba->items[start + k].i == (unsigned char)sub->data[k]) k++;
        if (k == m) return 1;
    }
    return 0;
}

pjx_str *pjx_bytearray_repr(pjx_list *ba) {
    /* bytearray(b'...'): single quotes unless the bytes hold a ' and no ",
     * and -- unlike bytes' repr -- a ' escaped even inside double quotes */
    int has_single = 0, has_double = 0;
    for (int64_t i = 0; i < ba->size; i++) {
        has_single |= ba->items[i].i == '\'';
        has_double |= ba->items[i].i == '"';
    }
    char quote = has_single && !has_double ? '"' : '\'';
    if ((uint64_t)ba->size > (uint64_t)(INT64_MAX - 16) / 4) {
        pjx_err_set(PJX_EXC_OVERFLOW, "bytearray object is too large to make repr");
        return NULL;
    }
    char *out = pjx_alloc((size_t)ba->size * 4 + 16);
    if (out == NULL) return NULL;
    static const char hex[] = "0123456789abcdef";
    int64_t n = 0;
    memcpy(out, "bytearray(b", 11);
    n = 11;
    out[n++] = quote;
    for (int64_t i = 0; i < ba->size; i++) {
        unsigned char c = (unsigned char)ba->items[i].i;
        if (c == '\'' || c == '\\') out[n++] = '\\', out[n++] = (char)c;
        else if (c == '\t') out[n++] = '\\', out[n++] = 't';
        else if (c == '\n') out[n++] = '\\', out[n++] = 'n';
        else if (c == '\r') out[n++] = '\\', out[n++] = 'r';
        else if (c < ' ' || c >= 0x7f) {
            out[n++] = '\\';
            out[n++] = 'x';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        } else {
            out[n++] = (char)c;
        }
    }
    out[n++] = quote;
    out[n++] = ')';
    pjx_str *s = pjx_str_from_utf8(out, n);
    pjx_free(out);
    return s;
}

int64_t pjx_bytearray_eq_bytes(pjx_list *ba, pjx_bytes *b) {
    if (ba->size != b->size) return 0;
    for (int64_t i = 0; i < ba->size; i++)
        if (ba->items[i].i != (unsigned char)b->data[i]) return 0;
    return 1;
}
