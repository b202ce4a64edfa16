/* Helpers shared by list.c, tuple.c and dict.c (not part of the ABI). */
#ifndef PYJITX_CONTAINERS_INTERNAL_H
#define PYJITX_CONTAINERS_INTERNAL_H

#include "internal.h"
#include "pyjitx/containers.h"

/* CPython's PySlice_Unpack + PySlice_AdjustIndices over a sequence of
 * length n; PJX_NONE_INDEX means an omitted part.  Returns the slice length
 * or -1 (ValueError for a zero step). */
static inline int64_t pjx_slice_adjust(int64_t n, int64_t *start, int64_t *stop, int64_t *step) {
    int64_t st = *step == PJX_NONE_INDEX ? 1 : *step;
    if (st == 0) {
        pjx_err_set(PJX_EXC_VALUE, "slice step cannot be zero");
        return -1;
    }
    if (st < -INT64_MAX) st = -INT64_MAX;
    int64_t a = *start, b = *stop;
    if (a == PJX_NONE_INDEX) a = st < 0 ? INT64_MAX : 0;
    if (b == PJX_NONE_INDEX) b = st < 0 ? INT64_MIN : INT64_MAX;
    /* PySlice_AdjustIndices (INT64_MIN + n cannot overflow) */
    if (a < 0) {
        a += n;
        if (a < 0) a = st < 0 ? -1 : 0;
    } else if (a >= n) {
        a = st < 0 ? n - 1 : n;
    }
    if (b < 0) {
        b += n;
        if (b < 0) b = st < 0 ? -1 : 0;
    } else if (b >= n) {
        b = st < 0 ? n - 1 : n;
    }
    *start = a;
    *stop = b;
    *step = st;
    if (st < 0) return b < a ? (a - b - 1) / (-st) + 1 : 0;
    return a < b ? (b - a - 1) / st + 1 : 0;
}

/* Python's == across int/bool/float kinds (exact int/float comparison). */
int64_t pjx_slot_eq_mixed(int32_t ka, pjx_slot a, int32_t kb, pjx_slot b);
/* a <op> b over slots of possibly different numeric kinds; TypeError with
 * CPython's message for unorderable values. */
int32_t pjx_slot_richcompare_mixed(int32_t ka, pjx_slot a, int32_t kb, pjx_slot b, int32_t op,
                                   int64_t *out);

/* A new dict with these collections.h flags (a pjx_defaultdict for
 * PJX_DICT_DEFAULT, its factory zeroed). */
pjx_dict *pjx_dict_new_flagged(int32_t key_kind, int32_t value_kind, uint32_t flags);

#endif
