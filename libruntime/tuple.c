/* tuple: a fixed-size array of slots, each with its own kind. */
#include "internal.h"

#include <string.h>

pjx_tuple *pjx_tuple_new(int64_t size) {
    size_t bytes = sizeof(pjx_tuple) + sizeof(pjx_slot) * (size_t)size + (size_t)size;
    pjx_tuple *t = pjx_object_new(bytes, PJX_TYPE_TUPLE);
    if (t == NULL) return NULL;
    t->size = size;
    t->hash = -1;
    memset(t->items, 0, sizeof(pjx_slot) * (size_t)size);
    memset(PJX_TUPLE_KINDS(t), PJX_KIND_NONE, (size_t)size);
    return t;
}

void pjx_tuple_dealloc(pjx_tuple *t) {
    uint8_t *kinds = PJX_TUPLE_KINDS(t);
    for (int64_t i = 0; i < t->size; i++) pjx_slot_decref(kinds[i], t->items[i]);
    pjx_free(t);
}

int32_t pjx_tuple_hash(pjx_tuple *t, int64_t *out) {
    if (t->hash != -1) {
        *out = t->hash;
        return 0;
    }
    /* CPython's xxHash-based tuple hash shape */
    uint64_t acc = 0x27D4EB2F165667C5ull;
    uint8_t *kinds = PJX_TUPLE_KINDS(t);
    for (int64_t i = 0; i < t->size; i++) {
        int64_t h;
        if (pjx_slot_hash(kinds[i], t->items[i], &h) < 0) return -1;
        acc += (uint64_t)h * 0xC2B2AE3D27D4EB4Full;
        acc = (acc << 31) | (acc >> 33);
        acc *= 0x9E3779B185EBCA87ull;
    }
    acc += (uint64_t)t->size ^ (0x27D4EB2F165667C5ull ^ 3527539UL);
    int64_t h = (int64_t)acc;
    if (h == -1) h = 1546275796;
    t->hash = h;
    *out = h;
    return 0;
}

int64_t pjx_tuple_eq_impl(pjx_tuple *a, pjx_tuple *b) {
    if (a->size != b->size) return 0;
    uint8_t *ka = PJX_TUPLE_KINDS(a), *kb = PJX_TUPLE_KINDS(b);
    for (int64_t i = 0; i < a->size; i++) {
        if (ka[i] != kb[i]) {
            /* int vs float items compare by value */
            if (ka[i] == PJX_KIND_FLOAT && (kb[i] == PJX_KIND_INT || kb[i] == PJX_KIND_BOOL)) {
                if (pjx_compare_int_float(b->items[i].i, a->items[i].f) != 0) return 0;
                continue;
            }
            if (kb[i] == PJX_KIND_FLOAT && (ka[i] == PJX_KIND_INT || ka[i] == PJX_KIND_BOOL)) {
                if (pjx_compare_int_float(a->items[i].i, b->items[i].f) != 0) return 0;
                continue;
            }
            if ((ka[i] == PJX_KIND_INT && kb[i] == PJX_KIND_BOOL) ||
                (ka[i] == PJX_KIND_BOOL && kb[i] == PJX_KIND_INT)) {
                if (a->items[i].i != b->items[i].i) return 0;
                continue;
            }
            return 0;
        }
        if (!pjx_slot_eq(ka[i], a->items[i], b->items[i])) return 0;
    }
    return 1;
}

int32_t pjx_tuple_compare_impl(pjx_tuple *a, pjx_tuple *b, int64_t *out) {
    int64_t n = a->size < b->size ? a->size : b->size;
    uint8_t *ka = PJX_TUPLE_KINDS(a), *kb = PJX_TUPLE_KINDS(b);
    for (int64_t i = 0; i < n; i++) {
        if (ka[i] != kb[i]) {
            pjx_err_set(PJX_EXC_TYPE, "'<' not supported between tuple items of different types");
            return -1;
        }
        if (pjx_slot_eq(ka[i], a->items[i], b->items[i])) continue;
        return pjx_slot_compare(ka[i], a->items[i], b->items[i], out);
    }
    *out = (a->size > b->size) - (a->size < b->size);
    return 0;
}
