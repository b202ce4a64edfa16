/* list.sort(): a stable merge sort (insertion-sorted runs of 32, then
 * bottom-up merges that skip pairs already in order), specialised for int,
 * float and str items.  Only `<` is used, as in CPython.
 *
 * reverse=True is CPython's: reverse, stable sort, reverse, so equal items
 * keep their original order.
 *
 * Comparisons of general objects can fail (TypeError): those sorts work on a
 * copy and write it back only on success, so after an error the list holds
 * every item exactly once, in its original order. */
#include "containers_internal.h"

#include <string.h>

typedef struct {
    pjx_slot k;
    pjx_slot v;
} sort_pair;

#define SORT_RUN 32

/* LESS(a, b) evaluates to 1, 0 or -1 (error); `kind` is in scope. */
#define DEFINE_SORT(NAME, T, LESS)                                                   \
    static int NAME(T *a, T *tmp, int64_t n, int32_t kind) {                         \
        (void)kind;                                                                  \
        for (int64_t lo = 0; lo < n; lo += SORT_RUN) {                               \
            int64_t hi = lo + SORT_RUN < n ? lo + SORT_RUN : n;                      \
            for (int64_t i = lo + 1; i < hi; i++) {                                  \
                T x = a[i];                                                          \
                int64_t j = i;                                                       \
                while (j > lo) {                                                     \
                    int c = LESS(x, a[j - 1]);                                       \
                    if (c < 0) {                                                     \
                        a[j] = x;                                                    \
                        return -1;                                                   \
                    }                                                                \
                    if (!c) break;                                                   \
                    a[j] = a[j - 1];                                                 \
                    j--;                                                             \
                }                                                                    \
                a[j] = x;                                                            \
            }                                                                        \
        }                                                                            \
        T *src = a, *dst = tmp;                                                      \
        for (int64_t width = SORT_RUN; width < n; width *= 2) {                      \
            for (int64_t lo = 0; lo < n; lo += 2 * width) {                          \
                int64_t mid = lo + width < n ? lo + width : n;                       \
                int64_t hi = lo + 2 * width < n ? lo + 2 * width : n;                \
                int64_t i = lo, j = mid, k = lo;                                     \
                if (mid < hi) {                                                      \
                    int c = LESS(src[mid], src[mid - 1]);                            \
                    if (c < 0) return -1;                                            \
                    if (c) {                                                         \
                        while (i < mid && j < hi) {                                  \
                            c = LESS(src[j], src[i]);                                \
                            if (c < 0) return -1;                                    \
                            dst[k++] = c ? src[j++] : src[i++];                      \
                        }                                                            \
                    }                                                                \
                }                                                                    \
                if (i < mid) memcpy(&dst[k], &src[i], sizeof(T) * (size_t)(mid - i)); \
                k += mid - i;                                                        \
                if (j < hi) memcpy(&dst[k], &src[j], sizeof(T) * (size_t)(hi - j));  \
            }                                                                        \
            T *t = src;                                                              \
            src = dst;                                                               \
            dst = t;                                                                 \
        }                                                                            \
        if (src != a) memcpy(a, src, sizeof(T) * (size_t)n);                         \
        return 0;                                                                    \
    }

static inline int generic_less(int32_t kind, pjx_slot a, pjx_slot b) {
    int64_t c;
    if (pjx_slot_richcompare_mixed(kind, a, kind, b, PJX_LT, &c) < 0) return -1;
    return c != 0;
}

static inline int str_less(pjx_slot a, pjx_slot b) {
    return pjx_str_compare((pjx_str *)a.o, (pjx_str *)b.o) < 0;
}

#define INT_LESS(x, y) ((x).i < (y).i)
#define FLOAT_LESS(x, y) ((x).f < (y).f)
#define STR_LESS(x, y) str_less((x), (y))
#define GEN_LESS(x, y) generic_less(kind, (x), (y))
#define PINT_LESS(x, y) ((x).k.i < (y).k.i)
#define PFLOAT_LESS(x, y) ((x).k.f < (y).k.f)
#define PSTR_LESS(x, y) str_less((x).k, (y).k)
#define PGEN_LESS(x, y) generic_less(kind, (x).k, (y).k)

DEFINE_SORT(sort_int, pjx_slot, INT_LESS)
DEFINE_SORT(sort_float, pjx_slot, FLOAT_LESS)
DEFINE_SORT(sort_str, pjx_slot, STR_LESS)
DEFINE_SORT(sort_generic, pjx_slot, GEN_LESS)
DEFINE_SORT(psort_int, sort_pair, PINT_LESS)
DEFINE_SORT(psort_float, sort_pair, PFLOAT_LESS)
DEFINE_SORT(psort_str, sort_pair, PSTR_LESS)
DEFINE_SORT(psort_generic, sort_pair, PGEN_LESS)

static int all_str(const pjx_slot *items, int64_t n, size_t stride) {
    const char *p = (const char *)items;
    for (int64_t i = 0; i < n; i++, p += stride) {
        const pjx_object *o = ((const pjx_slot *)p)->o; /* NULL: None in a List[Any] */
        if (o == NULL || o->type_id != PJX_TYPE_STR) return 0;
    }
    return 1;
}

static void reverse_slots(pjx_slot *a, int64_t n) {
    for (int64_t i = 0, j = n - 1; i < j; i++, j--) {
        pjx_slot t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

static void reverse_pairs(sort_pair *a, int64_t n) {
    for (int64_t i = 0, j = n - 1; i < j; i++, j--) {
        sort_pair t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

int32_t pjx_list_sort(pjx_list *l, int64_t reverse) {
    int64_t n = l->size;
    if (n < 2) return 0;
    int32_t kind = l->kind;
    int infallible = kind == PJX_KIND_INT || kind == PJX_KIND_BOOL || kind == PJX_KIND_FLOAT ||
                     kind == PJX_KIND_NONE ||
                     (kind == PJX_KIND_OBJ && all_str(l->items, n, sizeof(pjx_slot)));
    if (kind == PJX_KIND_NONE) return 0; /* all equal: stable sort is the identity */
    /* infallible sorts work in place; others on a copy */
    pjx_slot *buffer = pjx_alloc(sizeof(pjx_slot) * (size_t)n * (infallible ? 1 : 2));
    if (buffer == NULL) return -1;
    pjx_slot *a = infallible ? l->items : buffer + n;
    if (!infallible) memcpy(a, l->items, sizeof(pjx_slot) * (size_t)n);
    if (reverse) reverse_slots(a, n);
    int status;
    if (kind == PJX_KIND_INT || kind == PJX_KIND_BOOL) status = sort_int(a, buffer, n, kind);
    else if (kind == PJX_KIND_FLOAT) status = sort_float(a, buffer, n, kind);
    else if (infallible) status = sort_str(a, buffer, n, kind);
    else status = sort_generic(a, buffer, n, kind);
    if (status == 0) {
        if (reverse) reverse_slots(a, n);
        if (a != l->items) memcpy(l->items, a, sizeof(pjx_slot) * (size_t)n);
    }
    pjx_free(buffer);
    return status;
}

int32_t pjx_list_sort_keyed(pjx_list *l, pjx_list *keys, int64_t reverse) {
    int64_t n = l->size;
    if (keys->size != n) {
        pjx_err_set(PJX_EXC_VALUE, "list modified during sort");
        return -1;
    }
    if (n < 2) return 0;
    int32_t kind = keys->kind;
    if (kind == PJX_KIND_NONE) return 0;
    sort_pair *buffer = pjx_alloc(sizeof(sort_pair) * (size_t)n * 2);
    if (buffer == NULL) return -1;
    sort_pair *a = buffer + n;
    for (int64_t i = 0; i < n; i++) {
        a[i].k = keys->items[i];
        a[i].v = l->items[i];
    }
    if (reverse) reverse_pairs(a, n);
    int status;
    if (kind == PJX_KIND_INT || kind == PJX_KIND_BOOL) status = psort_int(a, buffer, n, kind);
    else if (kind == PJX_KIND_FLOAT) status = psort_float(a, buffer, n, kind);
    else if (all_str(&a[0].k, n, sizeof(sort_pair))) status = psort_str(a, buffer, n, kind);
    else status = psort_generic(a, buffer, n, kind);
    if (status == 0) {
        if (reverse) reverse_pairs(a, n);
        for (int64_t i = 0; i < n; i++) {
            keys->items[i] = a[i].k;
            l->items[i] = a[i].v;
        }
    }
    pjx_free(buffer);
    return status;
}

pjx_list *pjx_list_sorted(pjx_list *l, int64_t reverse) {
    pjx_list *r = pjx_list_copy(l);
    if (r == NULL) return NULL;
    if (pjx_list_sort(r, reverse) < 0) {
        pjx_decref(r);
        return NULL;
    }
    return r;
}
