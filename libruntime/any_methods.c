/* Methods of list, dict, set and tuple called on an Any (any.h
 * pjx_any_method).
 *
 * A container inside an Any may have any slot kinds -- a List[int] boxed
 * in compiled code stores int64 items, a list from Python is a List[Any]
 * -- so the compiler cannot pick the typed primitive: the dispatch happens
 * here, on the receiver's run-time type and then on the method.  Each
 * method converts its Any arguments to the container's kinds (stores with
 * pjx_any_to_slot: TypeError when an item does not fit, and for a
 * container of objects, pjx_desc_check against its item type; lookups with
 * pjx_any_probe: a value that fits no slot of the kind is simply absent)
 * and calls the typed container primitive (containers.h), so a method
 * behaves as the typed one and as Python's.  Results are Anys (None is
 * NULL), following any.h's status convention. */
#include "any_internal.h"
#include "containers_internal.h"
#include "pyjitx/any.h"
#include "pyjitx/collections.h"
#include "pyjitx/containers.h"

/* Python's names, for AttributeError and arity messages */
static const char *const method_names[PJX_METHOD__COUNT] = {
    [PJX_METHOD_APPEND] = "append", [PJX_METHOD_EXTEND] = "extend",
    [PJX_METHOD_INSERT] = "insert", [PJX_METHOD_POP] = "pop", [PJX_METHOD_REMOVE] = "remove",
    [PJX_METHOD_INDEX] = "index", [PJX_METHOD_COUNT] = "count", [PJX_METHOD_CLEAR] = "clear",
    [PJX_METHOD_REVERSE] = "reverse", [PJX_METHOD_COPY] = "copy", [PJX_METHOD_SORT] = "sort",
    [PJX_METHOD_GET] = "get", [PJX_METHOD_KEYS] = "keys", [PJX_METHOD_VALUES] = "values",
    [PJX_METHOD_ITEMS] = "items", [PJX_METHOD_POPITEM] = "popitem",
    [PJX_METHOD_SETDEFAULT] = "setdefault", [PJX_METHOD_UPDATE] = "update",
    [PJX_METHOD_ADD] = "add", [PJX_METHOD_DISCARD] = "discard", [PJX_METHOD_UNION] = "union",
    [PJX_METHOD_INTERSECTION] = "intersection", [PJX_METHOD_DIFFERENCE] = "difference",
    [PJX_METHOD_SYMMETRIC_DIFFERENCE] = "symmetric_difference",
    [PJX_METHOD_ISSUBSET] = "issubset", [PJX_METHOD_ISSUPERSET] = "issuperset",
    [PJX_METHOD_ISDISJOINT] = "isdisjoint",
    [PJX_METHOD_INTERSECTION_UPDATE] = "intersection_update",
    [PJX_METHOD_DIFFERENCE_UPDATE] = "difference_update",
    [PJX_METHOD_SYMMETRIC_DIFFERENCE_UPDATE] = "symmetric_difference_update",
    [PJX_METHOD_APPENDLEFT] = "appendleft", [PJX_METHOD_POPLEFT] = "popleft",
    [PJX_METHOD_EXTENDLEFT] = "extendleft", [PJX_METHOD_ROTATE] = "rotate",
    [PJX_METHOD_SUBTRACT] = "subtract", [PJX_METHOD_MOST_COMMON] = "most_common",
    [PJX_METHOD_ELEMENTS] = "elements", [PJX_METHOD_TOTAL] = "total",
    [PJX_METHOD_MOVE_TO_END] = "move_to_end",
};

/* A type's method function returns this when the type has no method of
 * that name (AttributeError, raised by the caller). */
#define NO_SUCH_METHOD (-2)

/* ---- arguments ------------------------------------------------------------ */
/* TypeError unless lo <= nargs <= hi (Python checks the count at the call). */
static int32_t arity(const char *type, int32_t method, int32_t nargs, int32_t lo, int32_t hi) {
    if (nargs >= lo && nargs <= hi) return 0;
    const char *name = method_names[method];
    if (hi == 0)
        pjx_err_format(PJX_EXC_TYPE, "%s.%s() takes no arguments (%d given)", type, name, nargs);
    else
        pjx_err_format(PJX_EXC_TYPE, "%s.%s() takes %s %d argument%s (%d given)", type, name,
                       lo == hi ? "exactly" : nargs < lo ? "at least" : "at most",
                       nargs < lo ? lo : hi, (nargs < lo ? lo : hi) == 1 ? "" : "s", nargs);
    return -1;
}

static int is_int(pjx_object *a) {
    return a != NULL && (a->type_id == PJX_TYPE_INT || a->type_id == PJX_TYPE_BOOL);
}

/* An index argument (list.pop(i), list.insert(i, x)). */
static int32_t int_arg(pjx_object *a, int64_t *out) {
    if (is_int(a)) {
        *out = ((pjx_box *)a)->value.i;
        return 0;
    }
    pjx_err_format(PJX_EXC_TYPE, "'%s' object cannot be interpreted as an integer",
                   pjx_any_type_name(a));
    return -1;
}

/* The optional start/stop of index(x, start, stop): args[from..nargs). */
static int32_t search_bounds(int32_t nargs, pjx_object *const *args, int32_t from, int64_t *start,
                             int64_t *stop) {
    *start = *stop = PJX_NONE_INDEX;
    int64_t *bounds[2] = {start, stop};
    for (int32_t i = from; i < nargs; i++) {
        if (!is_int(args[i])) {
            pjx_err_set(PJX_EXC_TYPE, "slice indices must be integers or have an __index__ method");
            return -1;
        }
        *bounds[i - from] = ((pjx_box *)args[i])->value.i;
    }
    return 0;
}

/* ---- results -------------------------------------------------------------- */
/* A slot the caller owns (popped from a container) as an Any: the
 * reference moves into *out. */
static int32_t pack_steal(int32_t kind, pjx_slot v, pjx_object **out) {
    if (kind == PJX_KIND_OBJ) {
        *out = v.o;
        return 0;
    }
    return pjx_any_pack(kind, v, out);
}

static int32_t int_result(int64_t v, pjx_object **out) {
    *out = pjx_box_int(v);
    return *out ? 0 : -1;
}

static int32_t object_result(void *o, pjx_object **out) {
    *out = o;
    return o ? 0 : -1;
}

/* The Any itself as the result (dict.get's default), a new reference. */
static int32_t same_result(pjx_object *a, pjx_object **out) {
    pjx_incref(a);
    *out = a;
    return 0;
}

/* ValueError "<repr(x)> is not in list", as Python words it with the
 * value it was given (not the value converted to the list's kind). */
static int32_t not_in_list(pjx_object *x) {
    int32_t kind;
    pjx_slot v;
    pjx_any_unpack(x, &kind, &v);
    pjx_str *r = pjx_slot_repr(kind, v);
    if (r == NULL) return -1;
    pjx_err_format(PJX_EXC_VALUE, "%s is not in list", r->data);
    pjx_decref(r);
    return -1;
}

/* ---- iterables as containers of a kind ------------------------------------ */
/* The items of an iterable Any (a list, tuple, str, bytes; a dict's keys; a
 * set) as a new list of `kind`, each converted as a store would be. */
static pjx_list *items_of_kind(pjx_object *iterable, int32_t kind, const char *what) {
    if (iterable != NULL && iterable->type_id == PJX_TYPE_LIST &&
        ((pjx_list *)iterable)->kind == kind) {
        pjx_incref(iterable); /* already right (extend and set_slice accept self) */
        return (pjx_list *)iterable;
    }
    pjx_list *items = pjx_any_items(iterable); /* a List[Any]; TypeError if not iterable */
    if (items == NULL || kind == PJX_KIND_OBJ) return items;
    pjx_list *r = pjx_list_new(kind, items->size);
    if (r == NULL) goto fail;
    for (int64_t i = 0; i < items->size; i++) {
        pjx_slot v;
        if (pjx_any_to_slot(items->items[i].o, kind, what, "values", &v) < 0 ||
            pjx_list_append_steal(r, v) < 0) goto fail;
    }
    pjx_decref(items);
    return r;
fail:
    pjx_decref(r);
    pjx_decref(items);
    return NULL;
}

/* Before items (of l's kind) are stored into l: each of l's item type
 * (TypeError for the first that is not, and nothing stored). */
static int32_t check_items(pjx_list *l, pjx_list *items) {
    const char *item = pjx_list_item_desc(l);
    for (int64_t i = 0; item != NULL && i < items->size; i++)
        if (pjx_desc_check(items->items[i].o, l->kind, item, "this list", "values") < 0) return -1;
    return 0;
}

/* After items were stored into l through an Any: keep elem_type_id true;
 * containers among them take their types. */
static void note_stores(pjx_list *l, pjx_list *items) {
    for (int64_t i = 0; i < items->size && l->elem_type_id != 0; i++)
        pjx_list_note_store(l, items->items[i]);
    const char *item = pjx_list_item_desc(l);
    for (int64_t i = 0; item != NULL && l->kind == PJX_KIND_OBJ && i < items->size; i++)
        pjx_desc_fix(items->items[i].o, item);
}

/* Before the keys of `other` (a set of s's kind) are added to s: each of
 * s's item type. */
static int32_t check_set_items(pjx_dict *s, pjx_dict *other) {
    const char *item = pjx_dict_key_desc(s);
    int64_t pos = 0;
    pjx_slot k;
    if (item == NULL || s->key_kind != PJX_KIND_OBJ || other == s) return 0;
    while (pjx_dict_next(other, &pos, &k, NULL))
        if (pjx_desc_check(k.o, s->key_kind, item, "this set", "values") < 0) return -1;
    return 0;
}

/* The items of an iterable Any as a new set of `kind`, for the set
 * operations (which need their operands to have one kind).  strict: the
 * items will be stored (union, symmetric difference): TypeError when one
 * does not fit the kind.  Otherwise they are only looked up: an item that
 * fits no slot of the kind cannot be in the other set, and is left out
 * (counted in *dropped when dropped is not NULL). */
static pjx_dict *set_of_kind(pjx_object *iterable, int32_t kind, int strict, int64_t *dropped) {
    if (iterable != NULL && iterable->type_id == PJX_TYPE_SET &&
        ((pjx_dict *)iterable)->key_kind == kind) {
        pjx_incref(iterable);
        return (pjx_dict *)iterable;
    }
    pjx_list *items = pjx_any_items(iterable);
    if (items == NULL) return NULL;
    pjx_dict *r = pjx_set_new(kind);
    if (r == NULL) goto fail;
    for (int64_t i = 0; i < items->size; i++) {
        pjx_object *item = items->items[i].o;
        pjx_slot v;
        if (strict) {
            if (pjx_any_to_slot(item, kind, "this set", "values", &v) < 0) goto fail;
            int32_t rc = pjx_set_add(r, v);
            pjx_slot_decref(kind, v);
            if (rc < 0) goto fail;
            continue;
        }
        int32_t found = pjx_any_probe_key(item, kind, &v);
        if (found < 0) goto fail;
        if (found == 0) {
            if (dropped) (*dropped)++;
            continue;
        }
        if (pjx_set_add(r, v) < 0) goto fail;
    }
    pjx_decref(items);
    return r;
fail:
    pjx_decref(r);
    pjx_decref(items);
    return NULL;
}

/* ---- list ----------------------------------------------------------------- */
static int32_t list_method(pjx_list *l, int32_t m, int32_t nargs, pjx_object *const *args,
                           pjx_object **out) {
    pjx_slot v;
    int64_t i, start, stop;
    switch (m) {
    case PJX_METHOD_APPEND: {
        const char *item = pjx_list_item_desc(l);
        if (arity("list", m, nargs, 1, 1) < 0 ||
            pjx_desc_check(args[0], l->kind, item, "this list", "values") < 0 ||
            pjx_any_to_slot(args[0], l->kind, "this list", "values", &v) < 0) return -1;
        pjx_list_note_store(l, v);
        if (pjx_list_append_steal(l, v) < 0) return -1;
        pjx_desc_fix(args[0], item);
        return 0;
    }
    case PJX_METHOD_EXTEND: {
        if (arity("list", m, nargs, 1, 1) < 0) return -1;
        /* converted first: an item that does not fit leaves the list as it was */
        pjx_list *items = items_of_kind(args[0], l->kind, "this list");
        if (items == NULL) return -1;
        if (check_items(l, items) < 0) {
            pjx_decref(items);
            return -1;
        }
        int32_t rc = pjx_list_extend(l, items);
        if (rc == 0) note_stores(l, items);
        pjx_decref(items);
        return rc;
    }
    case PJX_METHOD_INSERT: {
        const char *item = pjx_list_item_desc(l);
        if (arity("list", m, nargs, 2, 2) < 0 || int_arg(args[0], &i) < 0 ||
            pjx_desc_check(args[1], l->kind, item, "this list", "values") < 0 ||
            pjx_any_to_slot(args[1], l->kind, "this list", "values", &v) < 0) return -1;
        int32_t rc = pjx_list_insert(l, i, v);
        if (rc == 0) {
            pjx_list_note_store(l, v);
            pjx_desc_fix(args[1], item);
        }
        pjx_slot_decref(l->kind, v);
        return rc;
    }
    case PJX_METHOD_POP:
        i = -1;
        if (arity("list", m, nargs, 0, 1) < 0 || (nargs == 1 && int_arg(args[0], &i) < 0) ||
            pjx_list_pop(l, i, &v) < 0 || pack_steal(l->kind, v, out) < 0) return -1;
        pjx_desc_adopt(*out, pjx_list_item_desc(l)); /* (compiled code may hold it still) */
        return 0;
    case PJX_METHOD_REMOVE:
        if (arity("list", m, nargs, 1, 1) < 0) return -1;
        if (!pjx_any_probe(args[0], l->kind, &v)) {
            pjx_err_set(PJX_EXC_VALUE, "list.remove(x): x not in list");
            return -1;
        }
        return pjx_list_remove(l, v);
    case PJX_METHOD_INDEX:
        if (arity("list", m, nargs, 1, 3) < 0 || search_bounds(nargs, args, 1, &start, &stop) < 0)
            return -1;
        if (!pjx_any_probe(args[0], l->kind, &v)) return not_in_list(args[0]);
        if (pjx_list_index(l, v, start, stop, &i) < 0) {
            if (pjx_err_kind() != PJX_EXC_VALUE) return -1;
            pjx_err_clear(); /* its message shows the converted probe: 1 for True */
            return not_in_list(args[0]);
        }
        return int_result(i, out);
    case PJX_METHOD_COUNT:
        if (arity("list", m, nargs, 1, 1) < 0) return -1;
        return int_result(pjx_any_probe(args[0], l->kind, &v) ? pjx_list_count(l, v) : 0, out);
    case PJX_METHOD_CLEAR:
        if (arity("list", m, nargs, 0, 0) < 0) return -1;
        pjx_list_clear(l);
        return 0;
    case PJX_METHOD_REVERSE:
        if (arity("list", m, nargs, 0, 0) < 0) return -1;
        pjx_list_reverse(l);
        return 0;
    case PJX_METHOD_COPY: {
        /* a new list, of any items; the items themselves keep their types */
        if (arity("list", m, nargs, 0, 0) < 0) return -1;
        pjx_list *r = pjx_list_copy(l);
        if (r != NULL) pjx_desc_adopt_items(r, 0, r->size, pjx_list_item_desc(l));
        return object_result(r, out);
    }
    case PJX_METHOD_SORT: {
        int64_t reverse = 0;
        if (arity("list", m, nargs, 0, 1) < 0 || (nargs == 1 && pjx_any_truthy(args[0], &reverse) < 0))
            return -1;
        return pjx_list_sort(l, reverse);
    }
    default: return NO_SUCH_METHOD;
    }
}

/* ---- tuple ---------------------------------------------------------------- */
static int32_t tuple_method(pjx_tuple *t, int32_t m, int32_t nargs, pjx_object *const *args,
                            pjx_object **out) {
    int32_t kind;
    pjx_slot v;
    int64_t i, start, stop;
    switch (m) {
    case PJX_METHOD_COUNT:
        if (arity("tuple", m, nargs, 1, 1) < 0) return -1;
        pjx_any_unpack(args[0], &kind, &v); /* tuples compare across kinds themselves */
        return int_result(pjx_tuple_count(t, kind, v), out);
    case PJX_METHOD_INDEX:
        if (arity("tuple", m, nargs, 1, 3) < 0 || search_bounds(nargs, args, 1, &start, &stop) < 0)
            return -1;
        pjx_any_unpack(args[0], &kind, &v);
        if (pjx_tuple_index(t, kind, v, start, stop, &i) < 0) return -1;
        return int_result(i, out);
    default: return NO_SUCH_METHOD;
    }
}

/* ---- dict ----------------------------------------------------------------- */
/* A value read out of d, as an Any that keeps d's value type (compiled
 * code may hold d typed, so a container value stays checked). */
static int32_t dict_value_result(pjx_dict *d, pjx_slot v, pjx_object **out) {
    if (pjx_any_pack(d->value_kind, v, out) < 0) return -1;
    pjx_desc_adopt(*out, pjx_dict_value_desc(d));
    return 0;
}

/* Before the entries of `o` (a dict of d's kinds) go into d: each of d's
 * key and value types. */
static int32_t check_entries(pjx_dict *d, pjx_dict *o) {
    const char *kd = pjx_dict_key_desc(d), *vd = pjx_dict_value_desc(d);
    int64_t pos = 0;
    pjx_slot k, v;
    if (kd == NULL || o == d) return 0;
    while (pjx_dict_next(o, &pos, &k, &v))
        if (pjx_desc_check(k.o, d->key_kind, kd, "this dict", "keys") < 0 ||
            pjx_desc_check(v.o, d->value_kind, vd, "this dict", "values") < 0)
            return -1;
    return 0;
}

/* After they went in: containers among them take their types. */
static void fix_entries(pjx_dict *d, pjx_dict *o) {
    const char *vd = pjx_dict_value_desc(d);
    int64_t pos = 0;
    pjx_slot k, v;
    if (vd == NULL || d->value_kind != PJX_KIND_OBJ || o == d) return;
    while (pjx_dict_next(o, &pos, &k, &v)) pjx_desc_fix(v.o, vd);
}

/* The values of d, read through an Any into r (d.values(): a list of Anys;
 * d.copy(): a dict), keep their types. */
static void adopt_values(pjx_dict *d, pjx_object *r) {
    const char *vd = pjx_dict_value_desc(d);
    if (vd == NULL || r == NULL) return;
    if (r->type_id == PJX_TYPE_LIST) {
        pjx_desc_adopt_items((pjx_list *)r, 0, INT64_MAX, vd);
        return;
    }
    int64_t pos = 0;
    pjx_slot k, v;
    if (((pjx_dict *)r)->value_kind != PJX_KIND_OBJ) return;
    while (pjx_dict_next((pjx_dict *)r, &pos, &k, &v)) pjx_desc_adopt(v.o, vd);
}

/* d.update(other): another dict (of any kinds), or an iterable of pairs. */
static int32_t dict_update(pjx_dict *d, pjx_object *other) {
    if (other != NULL && other->type_id == PJX_TYPE_DICT) {
        pjx_dict *o = (pjx_dict *)other;
        if (o->key_kind == d->key_kind && o->value_kind == d->value_kind) {
            if (check_entries(d, o) < 0 || pjx_dict_update(d, o) < 0) return -1; /* also d.update(d) */
            fix_entries(d, o);
            return 0;
        }
        int64_t pos = 0;
        pjx_slot k, v;
        while (pjx_dict_next(o, &pos, &k, &v)) { /* o != d: d's inserts leave o alone */
            pjx_object *key, *value = NULL;
            if (pjx_any_pack(o->key_kind, k, &key) < 0) return -1;
            int32_t rc = pjx_any_pack(o->value_kind, v, &value);
            if (rc == 0) rc = pjx_any_dict_store(d, key, value);
            pjx_decref(key);
            pjx_decref(value);
            if (rc < 0) return -1;
        }
        return 0;
    }
    pjx_list *pairs = pjx_any_items(other);
    if (pairs == NULL) return -1;
    int32_t rc = 0;
    for (int64_t i = 0; i < pairs->size && rc == 0; i++) {
        pjx_object *pair = pairs->items[i].o;
        if (!pjx_any_is_iterable(pair)) {
            pjx_err_format(PJX_EXC_TYPE, "cannot convert dictionary update sequence element #%lld "
                           "to a sequence", (long long)i);
            rc = -1;
            break;
        }
        pjx_list *kv = pjx_any_items(pair);
        if (kv == NULL) {
            rc = -1;
            break;
        }
        if (kv->size != 2) {
            pjx_err_format(PJX_EXC_VALUE, "dictionary update sequence element #%lld has length "
                           "%lld; 2 is required", (long long)i, (long long)kv->size);
            rc = -1;
        } else {
            rc = pjx_any_dict_store(d, kv->items[0].o, kv->items[1].o);
        }
        pjx_decref(kv);
    }
    pjx_decref(pairs);
    return rc;
}

static int32_t dict_method(pjx_dict *d, int32_t m, int32_t nargs, pjx_object *const *args,
                           pjx_object **out) {
    pjx_slot k, v;
    int32_t found;
    switch (m) {
    case PJX_METHOD_GET:
        if (arity("dict", m, nargs, 1, 2) < 0) return -1;
        found = pjx_any_probe_key(args[0], d->key_kind, &k);
        if (found > 0) found = pjx_dict_lookup(d, k, &v);
        if (found < 0) return -1;
        if (found) return dict_value_result(d, v, out);
        return same_result(nargs == 2 ? args[1] : NULL, out); /* the default as given */
    case PJX_METHOD_KEYS:
        if (arity("dict", m, nargs, 0, 0) < 0) return -1;
        return object_result(pjx_dict_keys(d), out);
    case PJX_METHOD_VALUES: {
        if (arity("dict", m, nargs, 0, 0) < 0) return -1;
        pjx_list *r = pjx_dict_values(d);
        adopt_values(d, (pjx_object *)r);
        return object_result(r, out);
    }
    case PJX_METHOD_ITEMS: {
        if (arity("dict", m, nargs, 0, 0) < 0) return -1;
        pjx_list *r = pjx_dict_items(d);
        for (int64_t i = 0; r != NULL && i < r->size; i++) /* (key, value) tuples */
            pjx_desc_adopt(((pjx_tuple *)r->items[i].o)->items[1].o,
                           d->value_kind == PJX_KIND_OBJ ? pjx_dict_value_desc(d) : NULL);
        return object_result(r, out);
    }
    case PJX_METHOD_POP:
        if (arity("dict", m, nargs, 1, 2) < 0) return -1;
        /* CPython's pop looks nothing up in an empty dict: {}.pop([]) is a
         * KeyError, not unhashable's TypeError */
        found = d->size == 0 ? 0 : pjx_any_probe_key(args[0], d->key_kind, &k);
        if (found > 0) found = pjx_dict_lookup(d, k, NULL);
        if (found < 0) return -1;
        if (found) {
            if (pjx_dict_pop(d, k, &v) < 0 || pack_steal(d->value_kind, v, out) < 0) return -1;
            pjx_desc_adopt(*out, pjx_dict_value_desc(d)); /* (compiled code may hold it still) */
            return 0;
        }
        if (nargs == 2) return same_result(args[1], out);
        return pjx_any_key_error(args[0]); /* KeyError(key as given) */
    case PJX_METHOD_POPITEM: {
        if (arity("dict", m, nargs, 0, 0) < 0) return -1;
        pjx_tuple *r = pjx_dict_popitem_tuple(d);
        if (r != NULL && d->value_kind == PJX_KIND_OBJ)
            pjx_desc_adopt(r->items[1].o, pjx_dict_value_desc(d));
        return object_result(r, out);
    }
    case PJX_METHOD_SETDEFAULT:
        if (arity("dict", m, nargs, 1, 2) < 0) return -1;
        found = pjx_any_probe_key(args[0], d->key_kind, &k);
        if (found > 0) found = pjx_dict_lookup(d, k, &v);
        if (found < 0) return -1;
        if (found) return dict_value_result(d, v, out);
        /* absent: stored converted, returned as given (Python returns the default) */
        if (pjx_any_dict_store(d, args[0], nargs == 2 ? args[1] : NULL) < 0) return -1;
        return same_result(nargs == 2 ? args[1] : NULL, out);
    case PJX_METHOD_UPDATE:
        if (arity("dict", m, nargs, 0, 1) < 0) return -1;
        return nargs == 1 ? dict_update(d, args[0]) : 0;
    case PJX_METHOD_CLEAR:
        if (arity("dict", m, nargs, 0, 0) < 0) return -1;
        pjx_dict_clear(d);
        return 0;
    case PJX_METHOD_COPY: {
        /* a new dict, of any items; the values themselves keep their types */
        if (arity("dict", m, nargs, 0, 0) < 0) return -1;
        pjx_dict *r = pjx_dict_copy(d);
        adopt_values(d, (pjx_object *)r);
        return object_result(r, out);
    }
    default: return NO_SUCH_METHOD;
    }
}

/* ---- set ------------------------------------------------------------------ */
/* s.update(iterable) */
static int32_t set_update(pjx_dict *s, pjx_object *iterable) {
    pjx_dict *other = set_of_kind(iterable, s->key_kind, 1, NULL);
    if (other == NULL) return -1;
    int32_t rc = check_set_items(s, other);
    if (rc == 0) rc = pjx_set_update(s, other);
    pjx_decref(other);
    return rc;
}

/* The operations on a set and one other iterable, with the primitive the
 * typed path uses once the operand is a set of the same kind. */
static int32_t set_binary(pjx_dict *s, int32_t m, pjx_object *iterable, pjx_object **out) {
    int64_t dropped = 0;
    int strict = m == PJX_METHOD_SYMMETRIC_DIFFERENCE || m == PJX_METHOD_SYMMETRIC_DIFFERENCE_UPDATE;
    pjx_dict *other = set_of_kind(iterable, s->key_kind, strict, &dropped);
    if (other == NULL) return -1;
    int32_t rc = 0;
    if (m == PJX_METHOD_SYMMETRIC_DIFFERENCE_UPDATE && check_set_items(s, other) < 0) {
        pjx_decref(other);
        return -1;
    }
    switch (m) {
    case PJX_METHOD_SYMMETRIC_DIFFERENCE:
        rc = object_result(pjx_set_symmetric_difference(s, other), out);
        break;
    case PJX_METHOD_ISSUBSET: *out = pjx_box_bool(pjx_set_issubset(s, other)); break;
    case PJX_METHOD_ISSUPERSET: /* an item left out is one s cannot hold */
        *out = pjx_box_bool(dropped == 0 && pjx_set_issuperset(s, other));
        break;
    case PJX_METHOD_ISDISJOINT: *out = pjx_box_bool(pjx_set_isdisjoint(s, other)); break;
    case PJX_METHOD_INTERSECTION_UPDATE: rc = pjx_set_intersection_update(s, other); break;
    case PJX_METHOD_DIFFERENCE_UPDATE: rc = pjx_set_difference_update(s, other); break;
    case PJX_METHOD_SYMMETRIC_DIFFERENCE_UPDATE:
        rc = pjx_set_symmetric_difference_update(s, other);
        break;
    default: break;
    }
    pjx_decref(other);
    return rc;
}

static int32_t set_method(pjx_dict *s, int32_t m, int32_t nargs, pjx_object *const *args,
                          pjx_object **out) {
    pjx_slot v;
    int32_t found;
    switch (m) {
    case PJX_METHOD_ADD: {
        if (arity("set", m, nargs, 1, 1) < 0 ||
            pjx_desc_check(args[0], s->key_kind, pjx_dict_key_desc(s), "this set", "values") < 0 ||
            pjx_any_to_slot(args[0], s->key_kind, "this set", "values", &v) < 0)
            return -1;
        int32_t rc = pjx_set_add(s, v);
        pjx_slot_decref(s->key_kind, v);
        return rc;
    }
    case PJX_METHOD_DISCARD: case PJX_METHOD_REMOVE:
        if (arity("set", m, nargs, 1, 1) < 0) return -1;
        found = pjx_any_probe_key(args[0], s->key_kind, &v);
        if (found > 0) found = pjx_set_contains(s, v);
        if (found < 0) return -1;
        if (found) return pjx_set_discard(s, v);
        return m == PJX_METHOD_REMOVE ? pjx_any_key_error(args[0]) : 0;
    case PJX_METHOD_POP:
        if (arity("set", m, nargs, 0, 0) < 0 || pjx_set_pop(s, &v) < 0) return -1;
        return pack_steal(s->key_kind, v, out);
    case PJX_METHOD_CLEAR:
        if (arity("set", m, nargs, 0, 0) < 0) return -1;
        pjx_set_clear(s);
        return 0;
    case PJX_METHOD_COPY:
        if (arity("set", m, nargs, 0, 0) < 0) return -1;
        return object_result(pjx_set_copy(s), out);
    case PJX_METHOD_UPDATE:
        for (int32_t i = 0; i < nargs; i++)
            if (set_update(s, args[i]) < 0) return -1;
        return 0;
    case PJX_METHOD_UNION: case PJX_METHOD_INTERSECTION: case PJX_METHOD_DIFFERENCE: {
        /* s.op(a, b) is (s op a) op b, each step the typed operation */
        pjx_dict *r = pjx_set_copy(s);
        for (int32_t i = 0; i < nargs && r != NULL; i++) {
            if (m == PJX_METHOD_UNION) {
                if (set_update(r, args[i]) < 0) goto fail;
                continue;
            }
            pjx_dict *other = set_of_kind(args[i], s->key_kind, 0, NULL);
            if (other == NULL) goto fail;
            pjx_dict *next = m == PJX_METHOD_INTERSECTION ? pjx_set_intersection(r, other)
                                                         : pjx_set_difference(r, other);
            pjx_decref(other);
            pjx_decref(r);
            r = next;
        }
        return object_result(r, out);
    fail:
        pjx_decref(r);
        return -1;
    }
    case PJX_METHOD_INTERSECTION_UPDATE: case PJX_METHOD_DIFFERENCE_UPDATE:
        for (int32_t i = 0; i < nargs; i++)
            if (set_binary(s, m, args[i], out) < 0) return -1;
        return 0;
    case PJX_METHOD_SYMMETRIC_DIFFERENCE: case PJX_METHOD_ISSUBSET: case PJX_METHOD_ISSUPERSET:
    case PJX_METHOD_ISDISJOINT: case PJX_METHOD_SYMMETRIC_DIFFERENCE_UPDATE:
        if (arity("set", m, nargs, 1, 1) < 0) return -1;
        return set_binary(s, m, args[0], out);
    default: return NO_SUCH_METHOD;
    }
}

/* ---- collections (collections.h) ------------------------------------------------ */
static int32_t deque_method(pjx_list *q, int32_t m, int32_t nargs, pjx_object *const *args,
                            pjx_object **out) {
    const char *item = pjx_list_item_desc(q);
    pjx_slot v;
    int64_t i, start, stop;
    switch (m) {
    case PJX_METHOD_APPEND: case PJX_METHOD_APPENDLEFT: {
        if (arity("deque", m, nargs, 1, 1) < 0 ||
            pjx_desc_check(args[0], q->kind, item, "this deque", "values") < 0 ||
            pjx_any_to_slot(args[0], q->kind, "this deque", "values", &v) < 0) return -1;
        int32_t rc = m == PJX_METHOD_APPEND ? pjx_deque_append(q, v) : pjx_deque_appendleft(q, v);
        pjx_slot_decref(q->kind, v);
        if (rc == 0) pjx_desc_fix(args[0], item);
        return rc;
    }
    case PJX_METHOD_EXTEND: case PJX_METHOD_EXTENDLEFT: {
        if (arity("deque", m, nargs, 1, 1) < 0) return -1;
        pjx_list *items = items_of_kind(args[0], q->kind, "this deque");
        if (items == NULL) return -1;
        int32_t rc = 0;
        for (int64_t k = 0; item != NULL && k < items->size && rc == 0; k++)
            rc = pjx_desc_check(items->items[k].o, q->kind, item, "this deque", "values");
        if (rc == 0)
            rc = m == PJX_METHOD_EXTEND ? pjx_deque_extend(q, items) : pjx_deque_extendleft(q, items);
        for (int64_t k = 0; rc == 0 && item != NULL && q->kind == PJX_KIND_OBJ && k < items->size; k++)
            pjx_desc_fix(items->items[k].o, item);
        pjx_decref(items);
        return rc;
    }
    case PJX_METHOD_POP: case PJX_METHOD_POPLEFT:
        if (arity("deque", m, nargs, 0, 0) < 0 ||
            (m == PJX_METHOD_POP ? pjx_deque_pop(q, &v) : pjx_deque_popleft(q, &v)) < 0 ||
            pack_steal(q->kind, v, out) < 0) return -1;
        pjx_desc_adopt(*out, item);
        return 0;
    case PJX_METHOD_ROTATE:
        i = 1;
        if (arity("deque", m, nargs, 0, 1) < 0 || (nargs == 1 && int_arg(args[0], &i) < 0))
            return -1;
        pjx_deque_rotate(q, i);
        return 0;
    case PJX_METHOD_INSERT: {
        if (arity("deque", m, nargs, 2, 2) < 0 || int_arg(args[0], &i) < 0 ||
            pjx_desc_check(args[1], q->kind, item, "this deque", "values") < 0 ||
            pjx_any_to_slot(args[1], q->kind, "this deque", "values", &v) < 0) return -1;
        int32_t rc = pjx_deque_insert(q, i, v);
        pjx_slot_decref(q->kind, v);
        return rc;
    }
    case PJX_METHOD_REMOVE: case PJX_METHOD_INDEX: {
        if (arity("deque", m, nargs, 1, m == PJX_METHOD_INDEX ? 3 : 1) < 0 ||
            search_bounds(nargs, args, 1, &start, &stop) < 0) return -1;
        int32_t kind;
        pjx_slot shown;
        pjx_any_unpack(args[0], &kind, &shown);
        if (!pjx_any_probe(args[0], q->kind, &v)) { /* no item of the kind can equal it */
            pjx_str *r = pjx_slot_repr(kind, shown);
            if (r == NULL) return -1;
            pjx_err_format(PJX_EXC_VALUE, "%s is not in deque", r->data);
            pjx_decref(r);
            return -1;
        }
        if (m == PJX_METHOD_REMOVE) return pjx_deque_remove(q, v);
        if (pjx_deque_index(q, v, start, stop, &i) < 0) return -1;
        return int_result(i, out);
    }
    case PJX_METHOD_COUNT:
        if (arity("deque", m, nargs, 1, 1) < 0) return -1;
        return int_result(pjx_any_probe(args[0], q->kind, &v) ? pjx_list_count(q, v) : 0, out);
    case PJX_METHOD_CLEAR:
        if (arity("deque", m, nargs, 0, 0) < 0) return -1;
        pjx_deque_clear(q);
        return 0;
    case PJX_METHOD_REVERSE:
        if (arity("deque", m, nargs, 0, 0) < 0) return -1;
        pjx_list_reverse(q);
        return 0;
    case PJX_METHOD_COPY: {
        if (arity("deque", m, nargs, 0, 0) < 0) return -1;
        pjx_list *r = pjx_deque_copy(q);
        if (r != NULL) pjx_desc_adopt_items(r, 0, r->size, item);
        return object_result(r, out);
    }
    default: return NO_SUCH_METHOD;
    }
}

/* c.update(x) / c.subtract(x) of a Counter: counts added (or taken away)
 * from a mapping's values, or one per item of an iterable. */
static int32_t counter_update(pjx_dict *c, int32_t m, int32_t nargs, pjx_object *const *args) {
    if (arity("Counter", m, nargs, 0, 1) < 0) return -1;
    if (nargs == 0 || args[0] == NULL) return 0;
    int64_t sign = m == PJX_METHOD_UPDATE ? 1 : -1;
    if (args[0]->type_id == PJX_TYPE_DICT) {
        pjx_dict *o = (pjx_dict *)args[0];
        int64_t pos = 0;
        pjx_slot k, v;
        while (pjx_dict_next(o, &pos, &k, &v)) {
            pjx_object *key = NULL, *count = NULL, *now = NULL, *sum = NULL;
            int32_t rc = pjx_any_pack(o->key_kind, k, &key);
            if (rc == 0) rc = pjx_any_pack(o->value_kind, v, &count);
            if (rc == 0) rc = pjx_any_getitem(&c->ob, key, &now); /* (0 when missing) */
            if (rc == 0) rc = pjx_any_binary(sign > 0 ? 0 : 1, now, count, &sum);
            if (rc == 0) rc = pjx_any_dict_store(c, key, sum);
            pjx_decref(key);
            pjx_decref(count);
            pjx_decref(now);
            pjx_decref(sum);
            if (rc < 0) return -1;
        }
        return 0;
    }
    pjx_list *items = items_of_kind(args[0], c->key_kind, "this Counter");
    if (items == NULL) return -1;
    int32_t rc = 0;
    if (c->value_kind == PJX_KIND_INT || c->value_kind == PJX_KIND_FLOAT) {
        rc = pjx_counter_update_list(c, items, sign);
    } else {
        for (int64_t i = 0; i < items->size && rc == 0; i++) {
            pjx_object *key = NULL, *now = NULL, *sum = NULL, *one = pjx_box_int(sign);
            rc = pjx_any_pack(items->kind, items->items[i], &key);
            if (rc == 0) rc = pjx_any_getitem(&c->ob, key, &now);
            if (rc == 0) rc = pjx_any_binary(0, now, one, &sum);
            if (rc == 0) rc = pjx_any_dict_store(c, key, sum);
            pjx_decref(key);
            pjx_decref(now);
            pjx_decref(sum);
            pjx_decref(one);
        }
    }
    pjx_decref(items);
    return rc;
}

/* c.most_common(n) / c.elements() / c.total(): the typed methods are
 * compiled (pyjitx/stdlib/collections_impl.py); through an Any they are
 * the same algorithms over the items as Anys. */
static int32_t counter_listing(pjx_dict *c, int32_t m, int32_t nargs, pjx_object *const *args,
                               pjx_object **out) {
    if (m == PJX_METHOD_TOTAL) {
        if (arity("Counter", m, nargs, 0, 0) < 0) return -1;
        pjx_object *sum = pjx_box_int(0);
        int64_t pos = 0;
        pjx_slot k, v;
        while (sum != NULL && pjx_dict_next(c, &pos, &k, &v)) {
            pjx_object *count = NULL, *next = NULL;
            int32_t rc = pjx_any_pack(c->value_kind, v, &count);
            if (rc == 0) rc = pjx_any_binary(0, sum, count, &next);
            pjx_decref(count);
            pjx_decref(sum);
            sum = rc == 0 ? next : NULL;
        }
        return object_result(sum, out);
    }
    if (m == PJX_METHOD_ELEMENTS) {
        if (arity("Counter", m, nargs, 0, 0) < 0) return -1;
        pjx_list *r = pjx_list_new(c->key_kind, 0);
        int64_t pos = 0;
        pjx_slot k, v;
        while (r != NULL && pjx_dict_next(c, &pos, &k, &v)) {
            int32_t kind = c->value_kind;
            pjx_slot_unbox(&kind, &v);
            int64_t n = kind == PJX_KIND_INT || kind == PJX_KIND_BOOL ? v.i : 0;
            for (int64_t i = 0; i < n; i++)
                if (pjx_list_append(r, k) < 0) {
                    pjx_decref(r);
                    return -1;
                }
        }
        return object_result(r, out);
    }
    int64_t n = -1;
    if (arity("Counter", m, nargs, 0, 1) < 0) return -1;
    if (nargs == 1 && args[0] != NULL) { /* (None: all of them; n <= 0: none) */
        if (int_arg(args[0], &n) < 0) return -1;
        if (n < 0) n = 0;
    }
    pjx_list *items = pjx_dict_items(c);
    if (items == NULL) return -1;
    pjx_list *keys = pjx_dict_values(c); /* sorted by count, largest first, stably */
    int32_t rc = keys == NULL ? -1 : pjx_list_sort_keyed(items, keys, 1);
    pjx_decref(keys);
    if (rc == 0 && n >= 0 && n < items->size) rc = pjx_list_del_slice(items, n, PJX_NONE_INDEX, 1);
    if (rc < 0) {
        pjx_decref(items);
        return -1;
    }
    return object_result(items, out);
}

static int32_t flavoured_dict_method(pjx_dict *d, int32_t m, int32_t nargs,
                                     pjx_object *const *args, pjx_object **out) {
    if (d->ob.flags & PJX_DICT_COUNTER) {
        switch (m) {
        case PJX_METHOD_UPDATE: case PJX_METHOD_SUBTRACT: return counter_update(d, m, nargs, args);
        case PJX_METHOD_MOST_COMMON: case PJX_METHOD_ELEMENTS: case PJX_METHOD_TOTAL:
            return counter_listing(d, m, nargs, args, out);
        default: break;
        }
    }
    if (d->ob.flags & PJX_DICT_ORDERED) {
        int64_t last = 1;
        pjx_slot k;
        switch (m) {
        case PJX_METHOD_MOVE_TO_END:
            if (arity("OrderedDict", m, nargs, 1, 2) < 0 ||
                (nargs == 2 && pjx_any_truthy(args[1], &last) < 0)) return -1;
            if (pjx_any_probe_key(args[0], d->key_kind, &k) <= 0) {
                if (pjx_err_kind() == 0) pjx_any_key_error(args[0]);
                return -1;
            }
            return pjx_odict_move_to_end(d, k, last);
        case PJX_METHOD_POPITEM:
            if (arity("OrderedDict", m, nargs, 0, 1) < 0 ||
                (nargs == 1 && pjx_any_truthy(args[0], &last) < 0)) return -1;
            return object_result(pjx_odict_popitem(d, last), out);
        default: break;
        }
    }
    return NO_SUCH_METHOD;
}

/* ---- dispatch --------------------------------------------------------------- */
int32_t pjx_any_method(int32_t method, pjx_object *self, int32_t nargs, pjx_object *a0,
                       pjx_object *a1, pjx_object *a2, pjx_object **out) {
    pjx_object *const args[3] = {a0, a1, a2};
    *out = NULL;
    if (method < 0 || method >= PJX_METHOD__COUNT || nargs < 0 || nargs > 3) {
        pjx_err_set(PJX_EXC_RUNTIME, "pjx_any_method: bad method number or argument count");
        return -1;
    }
    int32_t rc = NO_SUCH_METHOD;
    if (self != NULL) {
        switch (self->type_id) {
        case PJX_TYPE_LIST: rc = list_method((pjx_list *)self, method, nargs, args, out); break;
        case PJX_TYPE_TUPLE: rc = tuple_method((pjx_tuple *)self, method, nargs, args, out); break;
        case PJX_TYPE_DICT:
            if (self->flags != 0)
                rc = flavoured_dict_method((pjx_dict *)self, method, nargs, args, out);
            if (rc == NO_SUCH_METHOD && method < PJX_METHOD_APPENDLEFT)
                rc = dict_method((pjx_dict *)self, method, nargs, args, out);
            break;
        case PJX_TYPE_DEQUE: rc = deque_method((pjx_list *)self, method, nargs, args, out); break;
        case PJX_TYPE_SET: rc = set_method((pjx_dict *)self, method, nargs, args, out); break;
        default: break;
        }
    }
    if (rc == NO_SUCH_METHOD) return pjx_any_no_attribute(self, method_names[method]);
    return rc;
}
