/* tuple: a fixed-size array of slots, each with its own kind; and the
 * cross-kind slot comparisons that tuples and lists share. */
#include "containers_internal.h"

#include <string.h>

/* ---- slots of possibly different kinds ---------------------------------- */
static int is_number_kind(int32_t k) {
    return k == PJX_KIND_INT || k == PJX_KIND_BOOL || k == PJX_KIND_FLOAT;
}

int64_t pjx_slot_eq_mixed(int32_t ka, pjx_slot a, int32_t kb, pjx_slot b) {
    /* one object is equal to itself before its value is looked at: a
     * NaN's box too, as CPython compares container items */
    if (ka == PJX_KIND_OBJ && kb == PJX_KIND_OBJ && a.o == b.o) return 1;
    pjx_slot_unbox(&ka, &a);
    pjx_slot_unbox(&kb, &b);
    if (ka == kb) return pjx_slot_eq(ka, a, b);
    if (!is_number_kind(ka) || !is_number_kind(kb)) return 0;
    if (ka == PJX_KIND_FLOAT) return pjx_compare_int_float(b.i, a.f) == 0;
    if (kb == PJX_KIND_FLOAT) return pjx_compare_int_float(a.i, b.f) == 0;
    return a.i == b.i; /* int and bool */
}

static int64_t apply_op(int64_t c, int32_t op) {
    switch (op) {
    case PJX_LT: return c < 0;
    case PJX_LE: return c <= 0;
    case PJX_EQ: return c == 0;
    case PJX_NE: return c != 0;
    case PJX_GT: return c > 0;
    default: return c >= 0;
    }
}

int32_t pjx_slot_richcompare_mixed(int32_t ka, pjx_slot a, int32_t kb, pjx_slot b, int32_t op,
                                   int64_t *out) {
    static const char *const symbols[] = {"<", "<=", "==", "!=", ">", ">="};
    pjx_slot_unbox(&ka, &a);
    pjx_slot_unbox(&kb, &b);
    if (op == PJX_EQ || op == PJX_NE) {
        int64_t failures = pjx_compare_failures();
        int64_t eq = pjx_slot_eq_mixed(ka, a, kb, b);
        if (pjx_compare_failed_since(failures)) return -1; /* RecursionError */
        *out = op == PJX_EQ ? eq : !eq;
        return 0;
    }
    if (is_number_kind(ka) && is_number_kind(kb)) {
        if (ka == PJX_KIND_FLOAT && kb == PJX_KIND_FLOAT) {
            switch (op) {
            case PJX_LT: *out = a.f < b.f; break;
            case PJX_LE: *out = a.f <= b.f; break;
            case PJX_GT: *out = a.f > b.f; break;
            default: *out = a.f >= b.f; break;
            }
            return 0;
        }
        int64_t c;
        if (ka == PJX_KIND_FLOAT) {
            c = pjx_compare_int_float(b.i, a.f);
            if (c == 2) { *out = 0; return 0; }
            c = -c;
        } else if (kb == PJX_KIND_FLOAT) {
            c = pjx_compare_int_float(a.i, b.f);
            if (c == 2) { *out = 0; return 0; }
        } else {
            c = (a.i > b.i) - (a.i < b.i);
        }
        *out = apply_op(c, op);
        return 0;
    }
    if (ka == PJX_KIND_OBJ && kb == PJX_KIND_OBJ && a.o->type_id == b.o->type_id) {
        int64_t c;
        switch (a.o->type_id) {
        case PJX_TYPE_STR: c = pjx_str_compare((pjx_str *)a.o, (pjx_str *)b.o); break;
        case PJX_TYPE_BYTES: c = pjx_bytes_compare((pjx_bytes *)a.o, (pjx_bytes *)b.o); break;
        case PJX_TYPE_LIST: return pjx_list_richcompare((pjx_list *)a.o, (pjx_list *)b.o, op, out);
        case PJX_TYPE_TUPLE: return pjx_tuple_richcompare((pjx_tuple *)a.o, (pjx_tuple *)b.o, op, out);
        case PJX_TYPE_INSTANCE: {
            /* ordered through __lt__ (either operand's), as sort needs */
            int32_t rc = pjx_instance_compare((pjx_instance *)a.o, (pjx_instance *)b.o, &c);
            if (rc < 0) return -1;
            if (rc > 0) goto unorderable;
            break;
        }
        case PJX_TYPE_SET: {
            /* ordered by inclusion, a partial order: a < b is a proper subset
             * (sets of different item kinds are not compared here) */
            pjx_dict *x = (pjx_dict *)a.o, *y = (pjx_dict *)b.o;
            if (x->key_kind != y->key_kind) goto unorderable;
            if (op == PJX_GT || op == PJX_GE) {
                pjx_dict *t = x;
                x = y;
                y = t;
            }
            *out = pjx_set_issubset(x, y) && (op == PJX_LE || op == PJX_GE || x->size < y->size);
            return 0;
        }
        default: goto unorderable;
        }
        *out = apply_op(c, op);
        return 0;
    }
unorderable:
    pjx_err_format(PJX_EXC_TYPE, "'%s' not supported between instances of '%s' and '%s'",
                   symbols[op < 0 || op > 5 ? 0 : op], pjx_slot_type_name(ka, a), pjx_slot_type_name(kb, b));
    return -1;
}

/* ---- tuple -------------------------------------------------------------- */
pjx_tuple *pjx_tuple_new(int64_t size) {
    if (size < 0 || size > INT64_MAX / 32) {
        pjx_err_set(PJX_EXC_MEMORY, NULL);
        return NULL;
    }
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

void pjx_tuple_set_steal(pjx_tuple *t, int64_t i, int32_t kind, pjx_slot v) {
    t->items[i] = v;
    PJX_TUPLE_KINDS(t)[i] = (uint8_t)kind;
}

/* CPython's tuple hash (xxHash-based), over Python's item hashes: equal
 * to CPython's own for tuples of ints, floats, bools and None-free data
 * whose item hashes agree.  Items that are tuples have their hashes
 * cached already (tuple_hash below sees to it). */
static int32_t hash_items(pjx_tuple *t, int64_t *out) {
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

/* The first item of t from `from` on that is a tuple without a cached
 * hash, or -1. */
static int64_t unhashed_tuple_item(const pjx_tuple *t, int64_t from) {
    const uint8_t *kinds = PJX_TUPLE_KINDS(t);
    for (int64_t i = from; i < t->size; i++) {
        const pjx_object *o = t->items[i].o;
        if (kinds[i] == PJX_KIND_OBJ && o != NULL && o->type_id == PJX_TYPE_TUPLE &&
            ((const pjx_tuple *)o)->hash == -1)
            return i;
    }
    return -1;
}

/* CPython hashes a 100,000-deep tuple (its tuple hash recurses without a
 * bound); so does this, without recursing: nested tuples are hashed
 * innermost first from an explicit stack, each caching its hash, so the
 * tuple above then hashes its items flat. */
int32_t pjx_tuple_hash(pjx_tuple *t, int64_t *out) {
    if (t->hash != -1) {
        *out = t->hash;
        return 0;
    }
    int64_t first = unhashed_tuple_item(t, 0);
    if (first < 0) return hash_items(t, out);
    typedef struct { pjx_tuple *t; int64_t next; } frame;
    frame inline_frames[32], *stack = inline_frames;
    int64_t n = 0, cap = 32;
    int32_t rc = 0;
    stack[n++] = (frame){t, first};
    while (n > 0) {
        frame *f = &stack[n - 1];
        int64_t i = unhashed_tuple_item(f->t, f->next);
        if (i >= 0) {
            f->next = i + 1;
            pjx_tuple *item = (pjx_tuple *)f->t->items[i].o; /* (f moves when the stack grows) */
            if (n == cap) {
                frame *grown = pjx_alloc(sizeof *grown * (size_t)cap * 2);
                if (grown == NULL) { rc = -1; break; }
                memcpy(grown, stack, sizeof *grown * (size_t)n);
                if (stack != inline_frames) pjx_free(stack);
                stack = grown;
                cap *= 2;
            }
            stack[n++] = (frame){item, 0};
            continue;
        }
        int64_t h;
        if (hash_items(f->t, &h) < 0) { rc = -1; break; }
        n--;
    }
    if (stack != inline_frames) pjx_free(stack);
    if (rc == 0) *out = t->hash;
    return rc;
}

int32_t pjx_tuple_hash_value(pjx_tuple *t, int64_t *out) { return pjx_tuple_hash(t, out); }

/* Tuples nest without bound: comparisons count their depth as lists'
 * do (list.c). */
/* Can comparing a and b recurse: do both hold a container or an instance
 * at one place?  (Else they pay no count: a dict lookup of an (int, str)
 * key compares flat.) */
static int tuples_nest(const pjx_tuple *a, const pjx_tuple *b) {
    const uint8_t *ka = PJX_TUPLE_KINDS(a), *kb = PJX_TUPLE_KINDS(b);
    int64_t n = a->size < b->size ? a->size : b->size;
    for (int64_t i = 0; i < n; i++) {
        const pjx_object *x = a->items[i].o, *y = b->items[i].o;
        if (ka[i] == PJX_KIND_OBJ && kb[i] == PJX_KIND_OBJ && x != NULL && y != NULL &&
            x->type_id >= PJX_TYPE_LIST && x->type_id <= PJX_TYPE_INSTANCE &&
            y->type_id >= PJX_TYPE_LIST && y->type_id <= PJX_TYPE_INSTANCE)
            return 1;
    }
    return 0;
}

int64_t pjx_tuple_eq_impl(pjx_tuple *a, pjx_tuple *b) {
    if (a == b) return 1;
    if (a->size != b->size) return 0;
    if (a->hash != -1 && b->hash != -1 && a->hash != b->hash) return 0;
    int guarded = tuples_nest(a, b);
    if (guarded && pjx_compare_enter() < 0) return 0;
    uint8_t *ka = PJX_TUPLE_KINDS(a), *kb = PJX_TUPLE_KINDS(b);
    int64_t equal = 1;
    for (int64_t i = 0; i < a->size && equal; i++)
        equal = pjx_slot_eq_mixed(ka[i], a->items[i], kb[i], b->items[i]) != 0;
    if (guarded) pjx_guard_leave();
    return equal;
}

int64_t pjx_tuple_eq(pjx_tuple *a, pjx_tuple *b) { return pjx_tuple_eq_impl(a, b); }

int32_t pjx_tuple_equal(pjx_tuple *a, pjx_tuple *b) {
    int64_t failures = pjx_compare_failures();
    int64_t equal = pjx_tuple_eq_impl(a, b);
    return pjx_compare_failed_since(failures) ? -1 : (int32_t)equal;
}

static int32_t tuple_richcompare(pjx_tuple *a, pjx_tuple *b, int32_t op, int64_t *out);

int32_t pjx_tuple_richcompare(pjx_tuple *a, pjx_tuple *b, int32_t op, int64_t *out) {
    if (!tuples_nest(a, b)) return tuple_richcompare(a, b, op, out);
    if (pjx_compare_enter() < 0) return -1;
    int32_t rc = tuple_richcompare(a, b, op, out);
    pjx_guard_leave();
    return rc;
}

static int32_t tuple_richcompare(pjx_tuple *a, pjx_tuple *b, int32_t op, int64_t *out) {
    int64_t n = a->size < b->size ? a->size : b->size;
    uint8_t *ka = PJX_TUPLE_KINDS(a), *kb = PJX_TUPLE_KINDS(b);
    int64_t failures = pjx_compare_failures();
    for (int64_t i = 0; i < n; i++) {
        if (pjx_slot_eq_mixed(ka[i], a->items[i], kb[i], b->items[i])) continue;
        if (pjx_compare_failed_since(failures)) return -1;
        if (op == PJX_EQ) { *out = 0; return 0; }
        if (op == PJX_NE) { *out = 1; return 0; }
        return pjx_slot_richcompare_mixed(ka[i], a->items[i], kb[i], b->items[i], op, out);
    }
    *out = apply_op((a->size > b->size) - (a->size < b->size), op);
    return 0;
}

static int32_t tuple_compare(pjx_tuple *a, pjx_tuple *b, int64_t *out);

int32_t pjx_tuple_compare_impl(pjx_tuple *a, pjx_tuple *b, int64_t *out) {
    if (!tuples_nest(a, b)) return tuple_compare(a, b, out);
    if (pjx_compare_enter() < 0) return -1;
    int32_t rc = tuple_compare(a, b, out);
    pjx_guard_leave();
    return rc;
}

static int32_t tuple_compare(pjx_tuple *a, pjx_tuple *b, int64_t *out) {
    /* three-way, for pjx_slot_compare */
    int64_t n = a->size < b->size ? a->size : b->size;
    uint8_t *ka = PJX_TUPLE_KINDS(a), *kb = PJX_TUPLE_KINDS(b);
    int64_t failures = pjx_compare_failures();
    for (int64_t i = 0; i < n; i++) {
        if (pjx_slot_eq_mixed(ka[i], a->items[i], kb[i], b->items[i])) continue;
        if (pjx_compare_failed_since(failures)) return -1;
        int64_t lt;
        if (pjx_slot_richcompare_mixed(ka[i], a->items[i], kb[i], b->items[i], PJX_LT, &lt) < 0) return -1;
        *out = lt ? -1 : 1;
        return 0;
    }
    *out = (a->size > b->size) - (a->size < b->size);
    return 0;
}

static inline int tuple_index_ok(pjx_tuple *t, int64_t *i) {
    int64_t k = *i;
    if (k < 0) k += t->size;
    if (k < 0 || k >= t->size) return 0;
    *i = k;
    return 1;
}

int32_t pjx_tuple_get_borrowed(pjx_tuple *t, int64_t i, pjx_slot *out) {
    if (!tuple_index_ok(t, &i)) {
        pjx_err_set(PJX_EXC_INDEX, "tuple index out of range");
        return -1;
    }
    *out = t->items[i];
    return 0;
}

int32_t pjx_tuple_get(pjx_tuple *t, int64_t i, pjx_slot *out) {
    if (pjx_tuple_get_borrowed(t, i, out) < 0) return -1;
    pjx_slot_incref(PJX_TUPLE_KINDS(t)[i < 0 ? i + t->size : i], *out);
    return 0;
}

pjx_tuple *pjx_tuple_slice(pjx_tuple *t, int64_t start, int64_t stop, int64_t step) {
    int64_t n = pjx_slice_adjust(t->size, &start, &stop, &step);
    if (n < 0) return NULL;
    if (n == t->size && step == 1) {
        pjx_incref(t);
        return t;
    }
    pjx_tuple *r = pjx_tuple_new(n);
    if (r == NULL) return NULL;
    uint8_t *kt = PJX_TUPLE_KINDS(t), *kr = PJX_TUPLE_KINDS(r);
    for (int64_t i = 0, k = start; i < n; i++, k += step) {
        r->items[i] = t->items[k];
        kr[i] = kt[k];
        pjx_slot_incref(kt[k], t->items[k]);
    }
    return r;
}

pjx_tuple *pjx_tuple_concat(pjx_tuple *a, pjx_tuple *b) {
    if (b->size > INT64_MAX / 32 - a->size) {
        pjx_err_set(PJX_EXC_MEMORY, NULL);
        return NULL;
    }
    pjx_tuple *r = pjx_tuple_new(a->size + b->size);
    if (r == NULL) return NULL;
    uint8_t *ka = PJX_TUPLE_KINDS(a), *kb = PJX_TUPLE_KINDS(b), *kr = PJX_TUPLE_KINDS(r);
    for (int64_t i = 0; i < a->size; i++) {
        r->items[i] = a->items[i];
        kr[i] = ka[i];
        pjx_slot_incref(ka[i], a->items[i]);
    }
    for (int64_t i = 0; i < b->size; i++) {
        r->items[a->size + i] = b->items[i];
        kr[a->size + i] = kb[i];
        pjx_slot_incref(kb[i], b->items[i]);
    }
    return r;
}

pjx_tuple *pjx_tuple_repeat(pjx_tuple *t, int64_t n) {
    if (n <= 0 || t->size == 0) return pjx_tuple_new(0);
    if (n == 1) {
        pjx_incref(t);
        return t;
    }
    if (t->size > INT64_MAX / 32 / n) {
        pjx_err_set(PJX_EXC_MEMORY, NULL);
        return NULL;
    }
    pjx_tuple *r = pjx_tuple_new(t->size * n);
    if (r == NULL) return NULL;
    uint8_t *kt = PJX_TUPLE_KINDS(t), *kr = PJX_TUPLE_KINDS(r);
    for (int64_t i = 0; i < r->size; i++) {
        int64_t k = i % t->size;
        r->items[i] = t->items[k];
        kr[i] = kt[k];
        pjx_slot_incref(kt[k], t->items[k]);
    }
    return r;
}

static int64_t tuple_find(pjx_tuple *t, int32_t kind, pjx_slot x, int64_t start, int64_t stop) {
    uint8_t *kt = PJX_TUPLE_KINDS(t);
    for (int64_t i = start; i < stop; i++)
        if (pjx_slot_eq_mixed(kt[i], t->items[i], kind, x)) return i;
    return -1;
}

int64_t pjx_tuple_contains(pjx_tuple *t, int32_t kind, pjx_slot x) {
    return tuple_find(t, kind, x, 0, t->size) >= 0;
}

int64_t pjx_tuple_count(pjx_tuple *t, int32_t kind, pjx_slot x) {
    uint8_t *kt = PJX_TUPLE_KINDS(t);
    int64_t n = 0;
    for (int64_t i = 0; i < t->size; i++) n += pjx_slot_eq_mixed(kt[i], t->items[i], kind, x) != 0;
    return n;
}

int32_t pjx_tuple_index(pjx_tuple *t, int32_t kind, pjx_slot x, int64_t start, int64_t stop,
                        int64_t *out) {
    if (start == PJX_NONE_INDEX) start = 0;
    if (stop == PJX_NONE_INDEX) stop = INT64_MAX;
    if (start < 0) {
        start += t->size;
        if (start < 0) start = 0;
    }
    if (stop < 0) {
        stop += t->size;
        if (stop < 0) stop = 0;
    }
    if (stop > t->size) stop = t->size;
    int64_t i = tuple_find(t, kind, x, start, stop);
    if (i < 0) {
        pjx_err_set(PJX_EXC_VALUE, "tuple.index(x): x not in tuple");
        return -1;
    }
    *out = i;
    return 0;
}

pjx_tuple *pjx_tuple_from_list(pjx_list *l) {
    pjx_tuple *t = pjx_tuple_new(l->size);
    if (t == NULL) return NULL;
    for (int64_t i = 0; i < l->size; i++) {
        pjx_slot_incref(l->kind, l->items[i]);
        t->items[i] = l->items[i];
        PJX_TUPLE_KINDS(t)[i] = (uint8_t)l->kind;
    }
    return t;
}
