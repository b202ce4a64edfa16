/* list: a growable array of 8-byte slots of one kind (object.h), with the
 * operations of Python's list (containers.h).  Sorting is in sort.c. */
#include "containers_internal.h"

#include "pyjitx/collections.h"

#include <string.h>

/* Item arrays come from the small-block cache up to 32 slots; always freed
 * with the capacity they were allocated with. */
static inline pjx_slot *items_alloc(int64_t capacity) {
    return pjx_alloc_small(sizeof(pjx_slot) * (size_t)capacity);
}

static inline void items_free(pjx_slot *items, int64_t capacity) {
    if (items != NULL) pjx_free_small(items, sizeof(pjx_slot) * (size_t)capacity);
}

/* Frees l's buffer: a deque's items start `head` slots into it
 * (collections.h), a list's at its start.  A new buffer of l's starts
 * with its items (the caller sets l->items). */
static void list_items_release(pjx_list *l) {
    int64_t head = pjx_list_head(l);
    if (l->items != NULL) items_free(l->items - head, l->capacity + head);
    if (head) ((pjx_deque *)l)->head = 0;
}

pjx_list *pjx_list_new(int32_t kind, int64_t capacity) {
    pjx_list *l = pjx_object_new_small(sizeof(pjx_list), PJX_TYPE_LIST);
    if (l == NULL) return NULL;
    l->size = 0;
    l->capacity = capacity > 0 ? capacity : 0;
    l->kind = kind;
    l->elem_type_id = 0;
    l->type_desc = NULL;
    l->items = NULL;
    if (l->capacity) {
        if ((uint64_t)l->capacity > (uint64_t)INT64_MAX / sizeof(pjx_slot)) {
            pjx_free(l);
            pjx_err_set(PJX_EXC_MEMORY, NULL);
            return NULL;
        }
        l->items = items_alloc(l->capacity);
        if (l->items == NULL) {
            pjx_free(l);
            return NULL;
        }
    }
    return l;
}

void pjx_list_dealloc(pjx_list *l) {
    if (l->kind == PJX_KIND_OBJ)
        for (int64_t i = 0; i < l->size; i++) pjx_decref(l->items[i].o);
    int deque = l->ob.type_id == PJX_TYPE_DEQUE;
    list_items_release(l);
    pjx_free_small(l, deque ? sizeof(pjx_deque) : sizeof(pjx_list));
}

static int32_t list_grow(pjx_list *l, int64_t need) {
    if (need <= l->capacity) return 0;
    if (need > INT64_MAX / (int64_t)sizeof(pjx_slot) / 2) {
        pjx_err_set(PJX_EXC_MEMORY, NULL);
        return -1;
    }
    int64_t cap = l->capacity ? l->capacity : 4;
    while (cap < need) cap += cap >> 1 > 4 ? cap >> 1 : 4;
    pjx_slot *items = items_alloc(cap);
    if (items == NULL) return -1;
    if (l->size) memcpy(items, l->items, sizeof(pjx_slot) * (size_t)l->size);
    list_items_release(l);
    l->items = items;
    l->capacity = cap;
    return 0;
}

/* Shrinks the buffer when the list became much smaller than its capacity. */
static void list_maybe_shrink(pjx_list *l) {
    if (l->capacity <= 16 || l->size * 4 > l->capacity) return;
    int64_t cap = l->size * 2 > 8 ? l->size * 2 : 8;
    pjx_slot *items = items_alloc(cap);
    if (items == NULL) {
        pjx_err_clear(); /* shrinking is optional */
        return;
    }
    if (l->size) memcpy(items, l->items, sizeof(pjx_slot) * (size_t)l->size);
    list_items_release(l);
    l->items = items;
    l->capacity = cap;
}

int32_t pjx_list_append_steal(pjx_list *l, pjx_slot item) {
    if (l->size == l->capacity && list_grow(l, l->size + 1) < 0) {
        pjx_slot_decref(l->kind, item);
        return -1;
    }
    l->items[l->size++] = item;
    return 0;
}

int32_t pjx_list_append(pjx_list *l, pjx_slot item) {
    pjx_slot_incref(l->kind, item);
    return pjx_list_append_steal(l, item);
}

/* ---- single items ------------------------------------------------------- */
static inline int list_index_ok(pjx_list *l, int64_t *i) {
    int64_t k = *i;
    if (k < 0) k += l->size;
    if (k < 0 || k >= l->size) return 0;
    *i = k;
    return 1;
}

int32_t pjx_list_get_borrowed(pjx_list *l, int64_t i, pjx_slot *out) {
    if (!list_index_ok(l, &i)) {
        pjx_err_set(PJX_EXC_INDEX, "list index out of range");
        return -1;
    }
    *out = l->items[i];
    return 0;
}

int32_t pjx_list_get(pjx_list *l, int64_t i, pjx_slot *out) {
    if (!list_index_ok(l, &i)) {
        pjx_err_set(PJX_EXC_INDEX, "list index out of range");
        return -1;
    }
    *out = l->items[i];
    pjx_slot_incref(l->kind, *out);
    return 0;
}

int32_t pjx_list_set(pjx_list *l, int64_t i, pjx_slot value) {
    if (!list_index_ok(l, &i)) {
        pjx_err_set(PJX_EXC_INDEX, "list assignment index out of range");
        return -1;
    }
    pjx_slot old = l->items[i];
    pjx_slot_incref(l->kind, value);
    l->items[i] = value;
    pjx_slot_decref(l->kind, old);
    return 0;
}

int32_t pjx_list_delitem(pjx_list *l, int64_t i) {
    if (!list_index_ok(l, &i)) {
        pjx_err_set(PJX_EXC_INDEX, "list assignment index out of range");
        return -1;
    }
    pjx_slot old = l->items[i];
    memmove(&l->items[i], &l->items[i + 1], sizeof(pjx_slot) * (size_t)(l->size - i - 1));
    l->size--;
    pjx_slot_decref(l->kind, old);
    list_maybe_shrink(l);
    return 0;
}

int32_t pjx_list_insert(pjx_list *l, int64_t i, pjx_slot value) {
    if (l->size == l->capacity && list_grow(l, l->size + 1) < 0) return -1;
    if (i < 0) {
        i += l->size;
        if (i < 0) i = 0;
    } else if (i > l->size) {
        i = l->size;
    }
    memmove(&l->items[i + 1], &l->items[i], sizeof(pjx_slot) * (size_t)(l->size - i));
    pjx_slot_incref(l->kind, value);
    l->items[i] = value;
    l->size++;
    return 0;
}

int32_t pjx_list_pop(pjx_list *l, int64_t i, pjx_slot *out) {
    if (l->size == 0) {
        pjx_err_set(PJX_EXC_INDEX, "pop from empty list");
        return -1;
    }
    if (!list_index_ok(l, &i)) {
        pjx_err_set(PJX_EXC_INDEX, "pop index out of range");
        return -1;
    }
    *out = l->items[i];
    memmove(&l->items[i], &l->items[i + 1], sizeof(pjx_slot) * (size_t)(l->size - i - 1));
    l->size--;
    list_maybe_shrink(l);
    return 0;
}

/* ---- searching ---------------------------------------------------------- */
static inline int64_t find(pjx_list *l, pjx_slot x, int64_t start, int64_t stop) {
    switch (l->kind) {
    case PJX_KIND_INT:
    case PJX_KIND_BOOL:
        for (int64_t i = start; i < stop; i++)
            if (l->items[i].i == x.i) return i;
        return -1;
    case PJX_KIND_FLOAT:
        for (int64_t i = start; i < stop; i++)
            if (l->items[i].f == x.f) return i;
        return -1;
    default:
        for (int64_t i = start; i < stop && i < l->size; i++)
            if (pjx_slot_eq(l->kind, l->items[i], x)) return i;
        return -1;
    }
}

int32_t pjx_list_remove(pjx_list *l, pjx_slot x) {
    int64_t failures = pjx_compare_failures();
    int64_t i = find(l, x, 0, l->size);
    if (pjx_compare_failed_since(failures)) return -1; /* RecursionError */
    if (i < 0) {
        pjx_err_set(PJX_EXC_VALUE, "list.remove(x): x not in list");
        return -1;
    }
    return pjx_list_delitem(l, i);
}

int32_t pjx_list_index(pjx_list *l, pjx_slot x, int64_t start, int64_t stop, int64_t *out) {
    if (start == PJX_NONE_INDEX) start = 0;
    if (stop == PJX_NONE_INDEX) stop = INT64_MAX;
    if (start < 0) {
        start += l->size;
        if (start < 0) start = 0;
    }
    if (stop < 0) {
        stop += l->size;
        if (stop < 0) stop = 0;
    }
    if (stop > l->size) stop = l->size;
    int64_t failures = pjx_compare_failures();
    int64_t i = find(l, x, start, stop);
    if (pjx_compare_failed_since(failures)) return -1; /* RecursionError */
    if (i < 0) {
        pjx_str *r = pjx_slot_repr(l->kind, x);
        if (r == NULL) return -1;
        pjx_err_format(PJX_EXC_VALUE, "%s is not in list", r->data);
        pjx_decref(r);
        return -1;
    }
    *out = i;
    return 0;
}

int64_t pjx_list_count(pjx_list *l, pjx_slot x) {
    int64_t n = 0;
    for (int64_t i = 0; i < l->size; i++) n += pjx_slot_eq(l->kind, l->items[i], x) != 0;
    return n;
}

int64_t pjx_list_contains(pjx_list *l, pjx_slot x) { return find(l, x, 0, l->size) >= 0; }

/* ---- whole-list operations ---------------------------------------------- */
void pjx_list_clear(pjx_list *l) {
    int64_t head = pjx_list_head(l);
    pjx_slot *items = l->items;
    int64_t n = l->size, capacity = l->capacity;
    l->items = NULL;
    l->size = 0;
    l->capacity = 0;
    if (head) ((pjx_deque *)l)->head = 0;
    if (l->kind == PJX_KIND_OBJ)
        for (int64_t i = 0; i < n; i++) pjx_decref(items[i].o);
    if (items != NULL) items_free(items - head, capacity + head);
}

static pjx_list *list_from_items(int32_t kind, int32_t elem_type_id, const pjx_slot *items, int64_t n) {
    pjx_list *r = pjx_list_new(kind, n);
    if (r == NULL) return NULL;
    r->elem_type_id = elem_type_id;
    if (n) memcpy(r->items, items, sizeof(pjx_slot) * (size_t)n);
    r->size = n;
    if (kind == PJX_KIND_OBJ)
        for (int64_t i = 0; i < n; i++) pjx_incref(items[i].o);
    return r;
}

pjx_list *pjx_list_copy(pjx_list *l) { return list_from_items(l->kind, l->elem_type_id, l->items, l->size); }

int32_t pjx_list_extend(pjx_list *l, pjx_list *other) {
    int64_t n = other->size;
    if (n == 0) return 0;
    if (n > INT64_MAX - l->size) {
        pjx_err_set(PJX_EXC_MEMORY, NULL);
        return -1;
    }
    if (list_grow(l, l->size + n) < 0) return -1;
    /* after the grow: other->items is the new buffer when other == l */
    memcpy(&l->items[l->size], other->items, sizeof(pjx_slot) * (size_t)n);
    if (l->kind == PJX_KIND_OBJ)
        for (int64_t i = 0; i < n; i++) pjx_incref(l->items[l->size + i].o);
    l->size += n;
    return 0;
}

int32_t pjx_list_inplace_concat(pjx_list *l, pjx_list *other) { return pjx_list_extend(l, other); }

int32_t pjx_list_check_present(pjx_list *l, const char *what, const char *expected) {
    for (int64_t i = 0; i < l->size; i++) {
        if (l->items[i].o == NULL) {
            pjx_err_format(PJX_EXC_TYPE, "%s must be %s, not a list holding None (item %lld)",
                           what, expected, (long long)i);
            return -1;
        }
    }
    return 0;
}

void pjx_list_reverse(pjx_list *l) {
    for (int64_t i = 0, j = l->size - 1; i < j; i++, j--) {
        pjx_slot t = l->items[i];
        l->items[i] = l->items[j];
        l->items[j] = t;
    }
}

pjx_list *pjx_list_concat(pjx_list *a, pjx_list *b) {
    if (b->size > INT64_MAX / 16 - a->size) {
        pjx_err_set(PJX_EXC_MEMORY, NULL);
        return NULL;
    }
    pjx_list *r = pjx_list_new(a->kind, a->size + b->size);
    if (r == NULL) return NULL;
    r->elem_type_id = a->elem_type_id == b->elem_type_id ? a->elem_type_id : 0;
    if (a->size) memcpy(r->items, a->items, sizeof(pjx_slot) * (size_t)a->size);
    if (b->size) memcpy(r->items + a->size, b->items, sizeof(pjx_slot) * (size_t)b->size);
    r->size = a->size + b->size;
    if (r->kind == PJX_KIND_OBJ)
        for (int64_t i = 0; i < r->size; i++) pjx_incref(r->items[i].o);
    return r;
}

static int32_t repeat_size(int64_t size, int64_t n, int64_t *total) {
    if (n <= 0 || size == 0) {
        *total = 0;
        return 0;
    }
    if (size > INT64_MAX / 16 / n) {
        pjx_err_set(PJX_EXC_MEMORY, NULL);
        return -1;
    }
    *total = size * n;
    return 0;
}

pjx_list *pjx_list_repeat(pjx_list *l, int64_t n) {
    int64_t total;
    if (repeat_size(l->size, n, &total) < 0) return NULL;
    pjx_list *r = pjx_list_new(l->kind, total);
    if (r == NULL) return NULL;
    r->elem_type_id = l->elem_type_id;
    for (int64_t done = 0; done < total; done += l->size)
        memcpy(r->items + done, l->items, sizeof(pjx_slot) * (size_t)l->size);
    r->size = total;
    if (r->kind == PJX_KIND_OBJ)
        for (int64_t i = 0; i < total; i++) pjx_incref(r->items[i].o);
    return r;
}

int32_t pjx_list_inplace_repeat(pjx_list *l, int64_t n) {
    int64_t total;
    if (repeat_size(l->size, n, &total) < 0) return -1;
    if (total == 0) {
        pjx_list_clear(l);
        return 0;
    }
    if (list_grow(l, total) < 0) return -1;
    int64_t size = l->size;
    for (int64_t done = size; done < total; done += size)
        memcpy(l->items + done, l->items, sizeof(pjx_slot) * (size_t)size);
    if (l->kind == PJX_KIND_OBJ)
        for (int64_t i = size; i < total; i++) pjx_incref(l->items[i].o);
    l->size = total;
    return 0;
}

/* ---- slices ------------------------------------------------------------- */
pjx_list *pjx_list_slice(pjx_list *l, int64_t start, int64_t stop, int64_t step) {
    int64_t n = pjx_slice_adjust(l->size, &start, &stop, &step);
    if (n < 0) return NULL;
    if (step == 1) return list_from_items(l->kind, l->elem_type_id, l->items + start, n);
    pjx_list *r = pjx_list_new(l->kind, n);
    if (r == NULL) return NULL;
    r->elem_type_id = l->elem_type_id;
    for (int64_t i = 0, k = start; i < n; i++, k += step) {
        r->items[i] = l->items[k];
        pjx_slot_incref(l->kind, r->items[i]);
    }
    r->size = n;
    return r;
}

/* Replaces l[lo:hi] (step 1, lo <= hi) by n items (increfs them). */
static int32_t replace_range(pjx_list *l, int64_t lo, int64_t hi, const pjx_slot *items, int64_t n) {
    int64_t old = hi - lo;
    pjx_slot *removed = NULL;
    if (old > 0) {
        removed = pjx_alloc(sizeof(pjx_slot) * (size_t)old);
        if (removed == NULL) return -1;
        memcpy(removed, &l->items[lo], sizeof(pjx_slot) * (size_t)old);
    }
    if (n > old && list_grow(l, l->size + (n - old)) < 0) {
        pjx_free(removed);
        return -1;
    }
    if (l->size > hi) memmove(&l->items[lo + n], &l->items[hi], sizeof(pjx_slot) * (size_t)(l->size - hi));
    if (n) memcpy(&l->items[lo], items, sizeof(pjx_slot) * (size_t)n);
    if (l->kind == PJX_KIND_OBJ)
        for (int64_t i = 0; i < n; i++) pjx_incref(items[i].o);
    l->size += n - old;
    if (l->kind == PJX_KIND_OBJ)
        for (int64_t i = 0; i < old; i++) pjx_decref(removed[i].o);
    pjx_free(removed);
    return 0;
}

int32_t pjx_list_set_slice(pjx_list *l, int64_t start, int64_t stop, int64_t step, pjx_list *value) {
    int64_t n = pjx_slice_adjust(l->size, &start, &stop, &step);
    if (n < 0) return -1;
    pjx_list *copy = NULL;
    if (value == l) {
        copy = pjx_list_copy(value);
        if (copy == NULL) return -1;
        value = copy;
    }
    int32_t status = 0;
    if (step == 1) {
        if (stop < start) stop = start;
        status = replace_range(l, start, stop, value->items, value->size);
    } else if (value->size != n) {
        pjx_err_format(PJX_EXC_VALUE, "attempt to assign sequence of size %lld to extended slice of size %lld",
                       (long long)value->size, (long long)n);
        status = -1;
    } else {
        for (int64_t i = 0, k = start; i < n; i++, k += step) {
            pjx_slot old = l->items[k];
            pjx_slot_incref(l->kind, value->items[i]);
            l->items[k] = value->items[i];
            pjx_slot_decref(l->kind, old);
        }
    }
    pjx_decref(copy);
    return status;
}

int32_t pjx_list_del_slice(pjx_list *l, int64_t start, int64_t stop, int64_t step) {
    int64_t n = pjx_slice_adjust(l->size, &start, &stop, &step);
    if (n < 0) return -1;
    if (n == 0) return 0;
    if (step == 1) {
        int32_t status = replace_range(l, start, stop, NULL, 0);
        if (status == 0) list_maybe_shrink(l);
        return status;
    }
    if (step < 0) { /* walk forwards */
        start = start + step * (n - 1);
        step = -step;
    }
    pjx_slot *removed = pjx_alloc(sizeof(pjx_slot) * (size_t)n);
    if (removed == NULL) return -1;
    int64_t w = start, r = start, k = 0;
    for (; r < l->size; r++) {
        if (k < n && r == start + k * step) {
            removed[k++] = l->items[r];
            continue;
        }
        l->items[w++] = l->items[r];
    }
    l->size = w;
    if (l->kind == PJX_KIND_OBJ)
        for (int64_t i = 0; i < n; i++) pjx_decref(removed[i].o);
    pjx_free(removed);
    list_maybe_shrink(l);
    return 0;
}

/* ---- comparison --------------------------------------------------------- */
/* Lists of objects can nest without bound (and hold themselves): their
 * comparisons count their depth (guard.c) and stop with RecursionError as
 * CPython's do.  A failed == answers 0 with the error pending and counted. */
static inline int nests(const pjx_list *a, const pjx_list *b) {
    return a->kind == PJX_KIND_OBJ && b->kind == PJX_KIND_OBJ;
}

int64_t pjx_list_eq_impl(pjx_list *a, pjx_list *b) {
    if (a == b) return 1;
    if (a->size != b->size) return 0;
    int guarded = nests(a, b) && a->size > 0;
    if (guarded && pjx_compare_enter() < 0) return 0;
    int64_t equal = 1;
    for (int64_t i = 0; i < a->size && equal; i++)
        equal = pjx_slot_eq_mixed(a->kind, a->items[i], b->kind, b->items[i]) != 0;
    if (guarded) pjx_guard_leave();
    return equal;
}

int64_t pjx_list_eq(pjx_list *a, pjx_list *b) { return pjx_list_eq_impl(a, b); }

int32_t pjx_list_equal(pjx_list *a, pjx_list *b) {
    int64_t failures = pjx_compare_failures();
    int64_t equal = pjx_list_eq_impl(a, b);
    return pjx_compare_failed_since(failures) ? -1 : (int32_t)equal;
}

static int32_t list_richcompare(pjx_list *a, pjx_list *b, int32_t op, int64_t *out) {
    int64_t n = a->size < b->size ? a->size : b->size;
    int64_t failures = pjx_compare_failures();
    for (int64_t i = 0; i < n; i++) {
        if (pjx_slot_eq_mixed(a->kind, a->items[i], b->kind, b->items[i])) continue;
        if (pjx_compare_failed_since(failures)) return -1;
        if (op == PJX_EQ) { *out = 0; return 0; }
        if (op == PJX_NE) { *out = 1; return 0; }
        return pjx_slot_richcompare_mixed(a->kind, a->items[i], b->kind, b->items[i], op, out);
    }
    int64_t c = (a->size > b->size) - (a->size < b->size);
    switch (op) {
    case PJX_LT: *out = c < 0; break;
    case PJX_LE: *out = c <= 0; break;
    case PJX_EQ: *out = c == 0; break;
    case PJX_NE: *out = c != 0; break;
    case PJX_GT: *out = c > 0; break;
    default: *out = c >= 0; break;
    }
    return 0;
}

int32_t pjx_list_richcompare(pjx_list *a, pjx_list *b, int32_t op, int64_t *out) {
    if (!nests(a, b)) return list_richcompare(a, b, op, out);
    if (pjx_compare_enter() < 0) return -1;
    int32_t rc = list_richcompare(a, b, op, out);
    pjx_guard_leave();
    return rc;
}

static int32_t list_compare(pjx_list *a, pjx_list *b, int64_t *out);

int32_t pjx_list_compare_impl(pjx_list *a, pjx_list *b, int64_t *out) {
    if (!nests(a, b)) return list_compare(a, b, out);
    if (pjx_compare_enter() < 0) return -1;
    int32_t rc = list_compare(a, b, out);
    pjx_guard_leave();
    return rc;
}

static int32_t list_compare(pjx_list *a, pjx_list *b, int64_t *out) {
    /* three-way, for pjx_slot_compare on nested lists */
    int64_t n = a->size < b->size ? a->size : b->size;
    int64_t failures = pjx_compare_failures();
    for (int64_t i = 0; i < n; i++) {
        if (pjx_slot_eq_mixed(a->kind, a->items[i], b->kind, b->items[i])) continue;
        if (pjx_compare_failed_since(failures)) return -1;
        int64_t lt;
        if (pjx_slot_richcompare_mixed(a->kind, a->items[i], b->kind, b->items[i], PJX_LT, &lt) < 0)
            return -1;
        *out = lt ? -1 : 1;
        return 0;
    }
    *out = (a->size > b->size) - (a->size < b->size);
    return 0;
}

int32_t pjx_unpack_check(int64_t n, int64_t expected, int32_t starred) {
    if (starred) {
        if (n >= expected) return 0;
        pjx_err_format(PJX_EXC_VALUE, "not enough values to unpack (expected at least %lld, got %lld)",
                       (long long)expected, (long long)n);
        return -1;
    }
    if (n == expected) return 0;
    if (n < expected)
        pjx_err_format(PJX_EXC_VALUE, "not enough values to unpack (expected %lld, got %lld)",
                       (long long)expected, (long long)n);
    else
        pjx_err_format(PJX_EXC_VALUE, "too many values to unpack (expected %lld)",
                       (long long)expected);
    return -1;
}
