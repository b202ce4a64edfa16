/* collections.Counter, OrderedDict, defaultdict and deque (collections.h):
 * the parts the runtime itself needs -- constructors, what a missing key
 * gives, ==, repr -- and the deque's own storage.  The methods compiled
 * code calls on a Counter are written in the subset
 * (pyjitx/stdlib/collections_impl.py); OrderedDict's that need the table
 * are in dict.c. */
#include "any_internal.h"
#include "containers_internal.h"
#include "pyjitx/any.h"
#include "pyjitx/collections.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- runtime-owned strings ------------------------------------------------
 * A factory's name and source outlive the code that made the dict (a dict
 * may be passed on): copied once into a lock-free list of strings that are
 * never freed, one per distinct text. */
typedef struct kept_text {
    struct kept_text *next;
    char text[];
} kept_text;

static kept_text *kept_texts;

static const char *keep_text(const char *text) {
    if (text == NULL) return NULL;
    kept_text *head = __atomic_load_n(&kept_texts, __ATOMIC_ACQUIRE);
    for (;;) {
        for (kept_text *k = head; k != NULL; k = k->next)
            if (strcmp(k->text, text) == 0) return k->text;
        size_t n = strlen(text);
        kept_text *fresh = malloc(sizeof *fresh + n + 1);
        if (fresh == NULL) {
            pjx_err_set(PJX_EXC_MEMORY, NULL);
            return NULL;
        }
        memcpy(fresh->text, text, n + 1);
        fresh->next = head;
        if (__atomic_compare_exchange_n(&kept_texts, &head, fresh, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            return fresh->text;
        free(fresh);
    }
}

static int32_t desc_kind(const char *d) {
    switch (d ? *d : 'a') {
    case 'i': return PJX_KIND_INT;
    case 'f': return PJX_KIND_FLOAT;
    case 'b': return PJX_KIND_BOOL;
    case 'n': return PJX_KIND_NONE;
    default: return PJX_KIND_OBJ;
    }
}

/* ---- the dict subclasses ---------------------------------------------------- */
pjx_dict *pjx_counter_new(int32_t key_kind, int32_t value_kind) {
    return pjx_dict_new_flagged(key_kind, value_kind, PJX_DICT_COUNTER);
}

pjx_dict *pjx_odict_new(int32_t key_kind, int32_t value_kind) {
    return pjx_dict_new_flagged(key_kind, value_kind, PJX_DICT_ORDERED);
}

pjx_dict *pjx_defaultdict_new(int32_t key_kind, int32_t value_kind, int32_t code,
                              const char *desc, const char *name, const char *source) {
    pjx_factory f = {code, 0, NULL, NULL, NULL};
    if ((desc && (f.desc = pjx_desc_keep(desc)) == NULL) ||
        (name && (f.name = keep_text(name)) == NULL) ||
        (source && (f.source = keep_text(source)) == NULL))
        return NULL;
    pjx_dict *d = pjx_dict_new_flagged(key_kind, value_kind, PJX_DICT_DEFAULT);
    if (d != NULL) ((pjx_defaultdict *)d)->factory = f;
    return d;
}

const pjx_factory *pjx_defaultdict_factory(const pjx_dict *d) {
    return (d->ob.flags & PJX_DICT_DEFAULT) ? &((const pjx_defaultdict *)d)->factory : NULL;
}

/* A value of `kind` from a scalar made as `made` (an Any slot boxes it). */
static int32_t as_kind(int32_t made, pjx_slot v, int32_t kind, pjx_slot *out) {
    if (made == kind) {
        *out = v;
        return 0;
    }
    if (kind == PJX_KIND_OBJ) {
        pjx_object *boxed;
        if (pjx_any_pack(made, v, &boxed) < 0) return -1;
        pjx_slot_decref(made, v);
        out->o = boxed;
        return 0;
    }
    if (kind == PJX_KIND_FLOAT && made == PJX_KIND_INT) {
        out->f = (double)v.i;
        return 0;
    }
    pjx_slot_decref(made, v);
    pjx_err_set(PJX_EXC_TYPE, "the default factory makes a value of another type than the dict holds");
    return -1;
}

/* The kinds of a dict or list descriptor's items ("l[i]", "d[si]", "K[si]"). */
static void item_kinds(const char *d, int32_t *first, int32_t *second) {
    *first = *second = PJX_KIND_OBJ;
    if (d == NULL || d[1] != '[') return;
    const char *k = d + 2;
    *first = desc_kind(k);
    pjx_descriptor_skip(&k);
    if (*k != ']') *second = desc_kind(k);
}

/* repr of the built-in factories, by code */
static const char *const factory_names[] = {
    "None", "<class 'list'>", "<class 'int'>", "<class 'float'>", "<class 'str'>",
    "<class 'bytes'>", "<class 'bool'>", "<class 'set'>", "<class 'dict'>", "<class 'tuple'>",
    "<class 'collections.Counter'>", "<class 'collections.OrderedDict'>",
    "<class 'collections.deque'>", "<class 'collections.defaultdict'>"};

/* The new value a factory makes, as a slot of its own kind in *kind.  A
 * defaultdict factory's code carries, above its low byte, the code of the
 * factory of the defaultdicts it makes (`lambda: defaultdict(int)`). */
static int32_t factory_value(const pjx_factory *f, int32_t *kind, pjx_slot *out) {
    int32_t k1, k2;
    item_kinds(f->desc, &k1, &k2);
    *kind = PJX_KIND_OBJ;
    pjx_object *o = NULL;
    int32_t inner = f->code >> 8;
    switch (f->code & 0xff) {
    case PJX_FACTORY_INT: *kind = PJX_KIND_INT; out->i = 0; return 0;
    case PJX_FACTORY_BOOL: *kind = PJX_KIND_BOOL; out->i = 0; return 0;
    case PJX_FACTORY_FLOAT: *kind = PJX_KIND_FLOAT; out->f = 0.0; return 0;
    case PJX_FACTORY_STR: o = (pjx_object *)pjx_str_from_utf8("", 0); break;
    case PJX_FACTORY_BYTES: o = (pjx_object *)pjx_bytes_from_data("", 0); break;
    case PJX_FACTORY_LIST: o = (pjx_object *)pjx_list_new(k1, 0); break;
    case PJX_FACTORY_SET: o = (pjx_object *)pjx_set_new(k1); break;
    case PJX_FACTORY_DICT: o = (pjx_object *)pjx_dict_new(k1, k2); break;
    case PJX_FACTORY_TUPLE: o = (pjx_object *)pjx_tuple_new(0); break;
    case PJX_FACTORY_COUNTER: o = (pjx_object *)pjx_counter_new(k1, k2); break;
    case PJX_FACTORY_ORDERED: o = (pjx_object *)pjx_odict_new(k1, k2); break;
    case PJX_FACTORY_DEQUE: o = (pjx_object *)pjx_deque_new(k1, PJX_NONE_INDEX); break;
    case PJX_FACTORY_DEFAULTDICT: {
        const char *inner_desc = NULL;
        if (f->desc != NULL && f->desc[1] == '[') { /* "D[kv]": its values' descriptor */
            inner_desc = f->desc + 2;
            pjx_descriptor_skip(&inner_desc);
        }
        if (inner < 0 || inner >= PJX_FACTORY_COMPILED) inner = PJX_FACTORY_NONE;
        o = (pjx_object *)pjx_defaultdict_new(k1, k2, inner, inner_desc, factory_names[inner],
                                              NULL);
        break;
    }
    case PJX_FACTORY_NONE: return 1; /* (the caller raises KeyError) */
    default:
        pjx_err_format(PJX_EXC_TYPE,
                       "the default_factory of this defaultdict (%s) is compiled code that "
                       "only the code holding the defaultdict by its type can call",
                       f->name ? f->name : "a function");
        return -1;
    }
    if (o == NULL) return -1;
    out->o = o;
    return 0;
}

int32_t pjx_factory_make(const pjx_factory *f, pjx_slot *out) {
    int32_t kind;
    int32_t rc = factory_value(f, &kind, out);
    if (rc > 0) {
        pjx_err_set(PJX_EXC_TYPE, "'NoneType' object is not callable");
        return -1;
    }
    return rc;
}

int32_t pjx_counter_get(pjx_dict *d, pjx_slot key, pjx_slot *out) {
    int32_t found = pjx_dict_lookup(d, key, out);
    if (found < 0) return -1;
    if (found) {
        pjx_slot_incref(d->value_kind, *out);
        return 0;
    }
    switch (d->value_kind) { /* __missing__: 0 */
    case PJX_KIND_FLOAT: out->f = 0.0; return 0;
    case PJX_KIND_OBJ: out->o = pjx_box_int(0); return out->o ? 0 : -1;
    default: out->i = 0; return 0;
    }
}

int32_t pjx_counter_delitem(pjx_dict *d, pjx_slot key) {
    int32_t found = pjx_dict_lookup(d, key, NULL);
    if (found <= 0) return found;
    return pjx_dict_delitem(d, key);
}

int32_t pjx_defaultdict_getitem(pjx_dict *d, pjx_slot key, pjx_slot *out) {
    int32_t found = pjx_dict_lookup(d, key, out);
    if (found < 0) return -1;
    if (found) {
        pjx_slot_incref(d->value_kind, *out);
        return 0;
    }
    const pjx_factory *f = pjx_defaultdict_factory(d);
    int32_t kind;
    pjx_slot made;
    int32_t rc = f ? factory_value(f, &kind, &made) : 1;
    if (rc > 0) { /* no factory: dict's KeyError */
        return pjx_dict_getitem(d, key, out);
    }
    if (rc < 0 || as_kind(kind, made, d->value_kind, out) < 0) return -1;
    if (d->value_kind == PJX_KIND_OBJ) pjx_desc_adopt(out->o, pjx_dict_value_desc(d));
    if (pjx_dict_setitem(d, key, *out) < 0) {
        pjx_slot_decref(d->value_kind, *out);
        return -1;
    }
    return 0;
}

/* ---- == ---------------------------------------------------------------------- */
static int64_t counter_side_eq(pjx_dict *a, pjx_dict *b) {
    int64_t pos = 0;
    pjx_slot k, v;
    while (pjx_dict_next(a, &pos, &k, &v)) {
        pjx_slot other;
        int32_t found = a->key_kind == b->key_kind ? pjx_dict_lookup(b, k, &other) : -1;
        if (found < 0) { /* keys of different kinds: no such key in b */
            pjx_err_clear();
            found = 0;
        }
        int32_t okind = b->value_kind;
        if (!found) { /* a missing count is 0 */
            okind = PJX_KIND_INT;
            other.i = 0;
        }
        if (!pjx_slot_eq_mixed(a->value_kind, v, okind, other)) return 0;
    }
    return 1;
}

int64_t pjx_flavoured_dict_eq(pjx_dict *a, pjx_dict *b) {
    if ((a->ob.flags & b->ob.flags) & PJX_DICT_COUNTER)
        return counter_side_eq(a, b) && counter_side_eq(b, a);
    /* two OrderedDicts: the same items in the same order */
    if (a->size != b->size) return 0;
    int guarded = a->size > 0 && (a->value_kind == PJX_KIND_OBJ || a->key_kind == PJX_KIND_OBJ);
    if (guarded && pjx_compare_enter() < 0) return 0;
    int64_t pa = 0, pb = 0, equal = 1;
    pjx_slot ka, va, kb, vb;
    while (equal && pjx_dict_next(a, &pa, &ka, &va) && pjx_dict_next(b, &pb, &kb, &vb))
        equal = pjx_slot_eq_mixed(a->key_kind, ka, b->key_kind, kb) &&
                pjx_slot_eq_mixed(a->value_kind, va, b->value_kind, vb);
    if (guarded) pjx_guard_leave();
    return equal;
}

/* ---- repr -------------------------------------------------------------------- */
/* Entry numbers of d's live entries in Counter.most_common's order: by
 * count, largest first, equal counts in insertion order (a stable merge
 * sort).  Unorderable counts (repr falls back to the dict's order, as
 * CPython's does on its TypeError): 1. */
static int32_t most_common_order(pjx_dict *d, int64_t *order) {
    int64_t n = 0;
    for (int64_t i = 0; i < d->used; i++)
        if (d->entries[i].hash != -1) order[n++] = i;
    int64_t *tmp = pjx_alloc(sizeof(int64_t) * (size_t)(n ? n : 1));
    if (tmp == NULL) return -1;
    int failed = 0;
    for (int64_t width = 1; width < n && !failed; width *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * width) {
            int64_t mid = lo + width < n ? lo + width : n;
            int64_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            int64_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                int64_t c = 0;
                /* take from the right only when it is strictly larger */
                if (pjx_slot_compare(d->value_kind, d->entries[order[j]].value,
                                     d->entries[order[i]].value, &c) < 0) {
                    failed = 1;
                    c = 0;
                }
                tmp[k++] = c > 0 ? order[j++] : order[i++];
            }
            while (i < mid) tmp[k++] = order[i++];
            while (j < hi) tmp[k++] = order[j++];
        }
        memcpy(order, tmp, sizeof(int64_t) * (size_t)n);
    }
    pjx_free(tmp);
    if (failed) {
        pjx_err_clear();
        n = 0;
        for (int64_t i = 0; i < d->used; i++)
            if (d->entries[i].hash != -1) order[n++] = i;
        return 1;
    }
    return 0;
}

static pjx_str *counter_repr(pjx_dict *d) {
    if (d->size == 0) return pjx_str_from_utf8("Counter()", 9);
    int64_t *order = pjx_alloc(sizeof(int64_t) * (size_t)d->size);
    if (order == NULL) return NULL;
    pjx_str *r = NULL;
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    if (most_common_order(d, order) < 0) goto done;
    if (pjx_strbuf_append(&b, "Counter({", 9) < 0) goto done;
    for (int64_t i = 0; i < d->size; i++) {
        pjx_dict_entry *e = &d->entries[order[i]];
        if (i && pjx_strbuf_append(&b, ", ", 2) < 0) goto done;
        if (pjx_strbuf_append_steal(&b, pjx_slot_repr(d->key_kind, e->key)) < 0) goto done;
        if (pjx_strbuf_append(&b, ": ", 2) < 0) goto done;
        if (pjx_strbuf_append_steal(&b, pjx_slot_repr(d->value_kind, e->value)) < 0) goto done;
    }
    if (pjx_strbuf_append(&b, "})", 2) < 0) goto done;
    r = pjx_strbuf_finish(&b);
done:
    if (r == NULL) pjx_strbuf_release(&b);
    pjx_free(order);
    return r;
}

/* prefix + inner + suffix, releasing inner */
static pjx_str *wrapped(const char *prefix, pjx_str *inner, const char *suffix) {
    if (inner == NULL) return NULL;
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    if (pjx_strbuf_append_cstr(&b, prefix) < 0 || pjx_strbuf_append_steal(&b, inner) < 0 ||
        pjx_strbuf_append_cstr(&b, suffix) < 0) {
        pjx_strbuf_release(&b);
        return NULL;
    }
    return pjx_strbuf_finish(&b);
}

pjx_str *pjx_flavoured_dict_repr(pjx_dict *d) {
    if (d->ob.flags & PJX_DICT_COUNTER) return counter_repr(d);
    if (d->ob.flags & PJX_DICT_DEFAULT) {
        const pjx_factory *f = pjx_defaultdict_factory(d);
        char prefix[512];
        snprintf(prefix, sizeof prefix, "defaultdict(%s, ", f->name ? f->name : "None");
        return wrapped(prefix, pjx_plain_dict_repr(d), ")");
    }
    if (d->size == 0) return pjx_str_from_utf8("OrderedDict()", 13);
#if PJX_PY_AT_LEAST(3, 12)
    return wrapped("OrderedDict(", pjx_plain_dict_repr(d), ")");
#else
    pjx_list *items = pjx_dict_items(d);
    if (items == NULL) return NULL;
    pjx_str *r = wrapped("OrderedDict(", pjx_list_repr(items), ")");
    pjx_decref(items);
    return r;
#endif
}

/* ---- deque -------------------------------------------------------------------
 * The items are l->items[0..size), inside a buffer of head + capacity
 * slots that starts `head` slots before them. */
static inline pjx_deque *D(pjx_list *l) { return (pjx_deque *)l; }

static pjx_slot *buffer_alloc(int64_t slots) {
    if (slots > INT64_MAX / (int64_t)sizeof(pjx_slot) / 2) {
        pjx_err_set(PJX_EXC_MEMORY, NULL);
        return NULL;
    }
    return pjx_alloc_small(sizeof(pjx_slot) * (size_t)slots);
}

/* A new buffer with `front` free slots before the items and at least
 * `back` after them. */
static int32_t rebuffer(pjx_list *l, int64_t front, int64_t back) {
    int64_t total = front + l->size + back;
    pjx_slot *buf = buffer_alloc(total);
    if (buf == NULL) return -1;
    if (l->size) memcpy(buf + front, l->items, sizeof(pjx_slot) * (size_t)l->size);
    if (l->items != NULL)
        pjx_free_small(l->items - D(l)->head, sizeof(pjx_slot) * (size_t)(D(l)->head + l->capacity));
    l->items = buf + front;
    D(l)->head = front;
    l->capacity = total - front;
    return 0;
}

static int32_t room_back(pjx_list *l) {
    if (l->size < l->capacity) return 0;
    int64_t grow = l->size > 4 ? l->size : 4;
    /* a queue that pops on the left as it appends on the right: reuse the
     * freed front rather than growing */
    if (D(l)->head >= grow) {
        pjx_slot *base = l->items - D(l)->head;
        memmove(base, l->items, sizeof(pjx_slot) * (size_t)l->size);
        l->items = base;
        l->capacity += D(l)->head;
        D(l)->head = 0;
        return 0;
    }
    return rebuffer(l, D(l)->head < 4 ? D(l)->head : 4, grow);
}

static int32_t room_front(pjx_list *l) {
    if (D(l)->head > 0) return 0;
    int64_t grow = l->size > 4 ? l->size : 4;
    return rebuffer(l, grow, l->capacity - l->size);
}

pjx_list *pjx_deque_new(int32_t kind, int64_t maxlen) {
    if (maxlen != PJX_NONE_INDEX && maxlen < 0) {
        pjx_err_set(PJX_EXC_VALUE, "maxlen must be non-negative");
        return NULL;
    }
    pjx_deque *q = pjx_object_new_small(sizeof(pjx_deque), PJX_TYPE_DEQUE);
    if (q == NULL) return NULL;
    q->list.size = 0;
    q->list.capacity = 0;
    q->list.items = NULL;
    q->list.kind = kind;
    q->list.elem_type_id = 0;
    q->list.type_desc = NULL;
    q->head = 0;
    q->maxlen = maxlen == PJX_NONE_INDEX ? -1 : maxlen;
    return &q->list;
}

pjx_list *pjx_deque_with_capacity(int32_t kind, int64_t maxlen, int64_t capacity) {
    pjx_list *q = pjx_deque_new(kind, maxlen < 0 ? PJX_NONE_INDEX : maxlen);
    if (q != NULL && capacity > 0 && rebuffer(q, 0, capacity) < 0) {
        pjx_decref(q);
        return NULL;
    }
    return q;
}

pjx_object *pjx_deque_maxlen(pjx_list *dq) {
    return D(dq)->maxlen < 0 ? NULL : pjx_box_int(D(dq)->maxlen);
}

/* Drops the item at the left (at the right: `right`), for maxlen. */
static void drop(pjx_list *l, int right) {
    pjx_slot gone;
    if (right) {
        gone = l->items[--l->size];
    } else {
        gone = l->items[0];
        l->items++;
        l->size--;
        l->capacity--;
        D(l)->head++;
    }
    pjx_slot_decref(l->kind, gone);
}

static int32_t append_steal(pjx_list *l, pjx_slot item) {
    if (D(l)->maxlen == 0) {
        pjx_slot_decref(l->kind, item);
        return 0;
    }
    if (D(l)->maxlen > 0 && l->size >= D(l)->maxlen) drop(l, 0);
    if (room_back(l) < 0) {
        pjx_slot_decref(l->kind, item);
        return -1;
    }
    l->items[l->size++] = item;
    return 0;
}

static int32_t appendleft_steal(pjx_list *l, pjx_slot item) {
    if (D(l)->maxlen == 0) {
        pjx_slot_decref(l->kind, item);
        return 0;
    }
    if (D(l)->maxlen > 0 && l->size >= D(l)->maxlen) drop(l, 1);
    if (room_front(l) < 0) {
        pjx_slot_decref(l->kind, item);
        return -1;
    }
    l->items--;
    D(l)->head--;
    l->capacity++;
    l->size++;
    l->items[0] = item;
    return 0;
}

int32_t pjx_deque_append(pjx_list *dq, pjx_slot item) {
    pjx_slot_incref(dq->kind, item);
    return append_steal(dq, item);
}

int32_t pjx_deque_appendleft(pjx_list *dq, pjx_slot item) {
    pjx_slot_incref(dq->kind, item);
    return appendleft_steal(dq, item);
}

pjx_list *pjx_deque_from_list(pjx_list *items, int64_t maxlen) {
    pjx_list *q = pjx_deque_new(items->kind, maxlen);
    if (q == NULL) return NULL;
    q->elem_type_id = items->elem_type_id;
    if (pjx_deque_extend(q, items) < 0) {
        pjx_decref(q);
        return NULL;
    }
    return q;
}

int32_t pjx_deque_pop(pjx_list *dq, pjx_slot *out) {
    if (dq->size == 0) {
        pjx_err_set(PJX_EXC_INDEX, "pop from an empty deque");
        return -1;
    }
    *out = dq->items[--dq->size];
    return 0;
}

int32_t pjx_deque_popleft(pjx_list *dq, pjx_slot *out) {
    if (dq->size == 0) {
        pjx_err_set(PJX_EXC_INDEX, "pop from an empty deque");
        return -1;
    }
    *out = dq->items[0];
    dq->items++;
    dq->size--;
    dq->capacity--;
    D(dq)->head++;
    if (dq->size == 0) { /* empty: start again at the buffer's start */
        dq->items -= D(dq)->head;
        dq->capacity += D(dq)->head;
        D(dq)->head = 0;
    }
    return 0;
}

/* The items to add, read before any is added: extending a deque by itself
 * adds what it held (CPython copies it first too). */
static pjx_list *snapshot(pjx_list *dq, pjx_list *items) {
    if (items != dq) {
        pjx_incref(items);
        return items;
    }
    return pjx_list_copy(items);
}

int32_t pjx_deque_extend(pjx_list *dq, pjx_list *items) {
    pjx_list *src = snapshot(dq, items);
    if (src == NULL) return -1;
    int32_t rc = 0;
    for (int64_t i = 0; i < src->size && rc == 0; i++) rc = pjx_deque_append(dq, src->items[i]);
    pjx_decref(src);
    return rc;
}

int32_t pjx_deque_extendleft(pjx_list *dq, pjx_list *items) {
    pjx_list *src = snapshot(dq, items);
    if (src == NULL) return -1;
    int32_t rc = 0;
    for (int64_t i = 0; i < src->size && rc == 0; i++)
        rc = pjx_deque_appendleft(dq, src->items[i]);
    pjx_decref(src);
    return rc;
}

static void reverse_range(pjx_slot *a, int64_t lo, int64_t hi) {
    for (hi--; lo < hi; lo++, hi--) {
        pjx_slot t = a[lo];
        a[lo] = a[hi];
        a[hi] = t;
    }
}

void pjx_deque_rotate(pjx_list *dq, int64_t n) {
    int64_t size = dq->size;
    if (size <= 1) return;
    int64_t k = n % size;
    if (k < 0) k += size;
    if (k == 0) return;
    /* right by k: the last k items to the front, by three reversals */
    reverse_range(dq->items, 0, size);
    reverse_range(dq->items, 0, k);
    reverse_range(dq->items, k, size);
}

void pjx_deque_clear(pjx_list *dq) { pjx_list_clear(dq); }

static int index_ok(pjx_list *l, int64_t *i) {
    int64_t k = *i;
    if (k < 0) k += l->size;
    if (k < 0 || k >= l->size) {
        pjx_err_set(PJX_EXC_INDEX, "deque index out of range");
        return 0;
    }
    *i = k;
    return 1;
}

int32_t pjx_deque_get(pjx_list *dq, int64_t i, pjx_slot *out) {
    if (!index_ok(dq, &i)) return -1;
    *out = dq->items[i];
    pjx_slot_incref(dq->kind, *out);
    return 0;
}

int32_t pjx_deque_set(pjx_list *dq, int64_t i, pjx_slot value) {
    if (!index_ok(dq, &i)) return -1;
    pjx_slot old = dq->items[i];
    pjx_slot_incref(dq->kind, value);
    dq->items[i] = value;
    pjx_slot_decref(dq->kind, old);
    return 0;
}

static void delete_at(pjx_list *dq, int64_t i) {
    pjx_slot old = dq->items[i];
    memmove(&dq->items[i], &dq->items[i + 1], sizeof(pjx_slot) * (size_t)(dq->size - i - 1));
    dq->size--;
    pjx_slot_decref(dq->kind, old);
}

int32_t pjx_deque_delitem(pjx_list *dq, int64_t i) {
    if (!index_ok(dq, &i)) return -1;
    delete_at(dq, i);
    return 0;
}

int32_t pjx_deque_insert(pjx_list *dq, int64_t i, pjx_slot value) {
    if (D(dq)->maxlen >= 0 && dq->size >= D(dq)->maxlen) {
        pjx_err_set(PJX_EXC_INDEX, "deque already at its maximum size");
        return -1;
    }
    return pjx_list_insert(dq, i, value);
}

static int32_t not_in_deque(int32_t kind, pjx_slot x) {
    pjx_str *r = pjx_slot_repr(kind, x);
    if (r == NULL) return -1;
    pjx_err_format(PJX_EXC_VALUE, "%s is not in deque", r->data);
    pjx_decref(r);
    return -1;
}

int32_t pjx_deque_index(pjx_list *dq, pjx_slot x, int64_t start, int64_t stop, int64_t *out) {
    int64_t n = dq->size;
    /* CPython's deque.index clamps its bounds as a slice's */
    if (start == PJX_NONE_INDEX) start = 0;
    if (stop == PJX_NONE_INDEX) stop = n;
    if (start < 0 && (start += n) < 0) start = 0;
    if (stop < 0 && (stop += n) < 0) stop = 0;
    if (stop > n) stop = n;
    for (int64_t i = start; i < stop && i < dq->size; i++) {
        if (pjx_slot_eq(dq->kind, dq->items[i], x)) {
            *out = i;
            return 0;
        }
    }
    return not_in_deque(dq->kind, x);
}

int32_t pjx_deque_remove(pjx_list *dq, pjx_slot x) {
    for (int64_t i = 0; i < dq->size; i++) {
        if (pjx_slot_eq(dq->kind, dq->items[i], x)) {
            delete_at(dq, i);
            return 0;
        }
    }
    return not_in_deque(dq->kind, x);
}

static int64_t maxlen_arg(pjx_list *dq) {
    return D(dq)->maxlen < 0 ? PJX_NONE_INDEX : D(dq)->maxlen;
}

pjx_list *pjx_deque_copy(pjx_list *dq) { return pjx_deque_from_list(dq, maxlen_arg(dq)); }

pjx_list *pjx_deque_concat(pjx_list *a, pjx_list *b) {
    pjx_list *r = pjx_deque_copy(a);
    if (r != NULL && pjx_deque_extend(r, b) < 0) {
        pjx_decref(r);
        return NULL;
    }
    return r;
}

int32_t pjx_deque_inplace_repeat(pjx_list *dq, int64_t n) {
    if (n <= 0 || dq->size == 0) {
        pjx_list_clear(dq);
        return 0;
    }
    pjx_list *src = pjx_list_copy(dq);
    if (src == NULL) return -1;
    int32_t rc = 0;
    /* (with a maxlen only the last maxlen items stay: the rounds before
     * those would be appended only to be dropped) */
    int64_t rounds = n - 1;
    if (D(dq)->maxlen >= 0 && src->size > 0) {
        int64_t keep = D(dq)->maxlen / src->size + 2;
        if (rounds > keep) rounds = keep;
    }
    for (int64_t r = 0; r < rounds && rc == 0; r++) rc = pjx_deque_extend(dq, src);
    pjx_decref(src);
    return rc;
}

pjx_list *pjx_deque_repeat(pjx_list *dq, int64_t n) {
    pjx_list *r = pjx_deque_copy(dq);
    if (r != NULL && pjx_deque_inplace_repeat(r, n) < 0) {
        pjx_decref(r);
        return NULL;
    }
    return r;
}

pjx_str *pjx_deque_repr(pjx_list *dq) {
    int entered = dq->kind == PJX_KIND_OBJ && dq->size > 0;
    if (entered) {
        int32_t rc = pjx_repr_enter(&dq->ob);
        if (rc != 0) return rc > 0 ? pjx_str_from_utf8("[...]", 5) : NULL;
    }
    pjx_strbuf b;
    pjx_strbuf_init(&b);
    pjx_str *r = NULL;
    if (pjx_strbuf_append(&b, "deque([", 7) < 0) goto done;
    for (int64_t i = 0; i < dq->size; i++) {
        if (i && pjx_strbuf_append(&b, ", ", 2) < 0) goto done;
        if (pjx_strbuf_append_steal(&b, pjx_slot_repr(dq->kind, dq->items[i])) < 0) goto done;
    }
    if (pjx_strbuf_append(&b, "]", 1) < 0) goto done;
    if (D(dq)->maxlen >= 0) {
        char text[48];
        int n = snprintf(text, sizeof text, ", maxlen=%lld", (long long)D(dq)->maxlen);
        if (pjx_strbuf_append(&b, text, n) < 0) goto done;
    }
    if (pjx_strbuf_append(&b, ")", 1) < 0) goto done;
    r = pjx_strbuf_finish(&b);
done:
    if (r == NULL) pjx_strbuf_release(&b);
    if (entered) pjx_repr_leave(&dq->ob);
    return r;
}

void pjx_deque_dealloc(pjx_list *dq) { pjx_list_dealloc(dq); }
