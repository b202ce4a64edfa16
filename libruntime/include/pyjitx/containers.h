/* pyjitx runtime containers: list, tuple, dict and set operations with
 * CPython's semantics and error messages.  Layouts are in object.h.
 *
 * Conventions (on top of object.h's ownership rules):
 *   - slots (pjx_slot) pass BY VALUE as 8-byte unions; their kind is the
 *     container's (list->kind, dict->key_kind / value_kind; tuples carry one
 *     kind per item and take the kind of a probe value as an argument);
 *   - slot arguments are borrowed; a container increfs what it stores;
 *   - slots returned through `pjx_slot *out` are NEW references for OBJ
 *     kinds, except in the functions whose name says `borrowed` and in
 *     pjx_dict_lookup / pjx_dict_next, documented below;
 *   - "tri-state" functions return 1 (true / found), 0 (false / missing) or
 *     -1 (exception set); infallible predicates return int64_t 0 or 1;
 *   - a slice bound or step equal to PJX_NONE_INDEX (INT64_MIN) means None.
 *
 * Comparison opcodes (pjx_*_richcompare) are CPython's: see PJX_LT etc.
 */
#ifndef PYJITX_CONTAINERS_H
#define PYJITX_CONTAINERS_H

#include "pyjitx/object.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PJX_NONE_INDEX INT64_MIN

enum { PJX_LT = 0, PJX_LE = 1, PJX_EQ = 2, PJX_NE = 3, PJX_GT = 4, PJX_GE = 5 };

/* ---- list ----------------------------------------------------------------
 * Indexes accept negative values as Python does. */
/* list[i]: a new reference for OBJ lists */
PJX_EXPORT int32_t pjx_list_get(pjx_list *l, int64_t i, pjx_slot *out);
/* list[i] without incref: the slot stays owned by the list and is valid only
 * until the list is next mutated or freed. */
PJX_EXPORT int32_t pjx_list_get_borrowed(pjx_list *l, int64_t i, pjx_slot *out);
PJX_EXPORT int32_t pjx_list_set(pjx_list *l, int64_t i, pjx_slot value);
PJX_EXPORT int32_t pjx_list_delitem(pjx_list *l, int64_t i);
PJX_EXPORT int32_t pjx_list_insert(pjx_list *l, int64_t i, pjx_slot value);
/* list.pop(i) (pass -1 for pop()); the popped slot's reference moves to *out */
PJX_EXPORT int32_t pjx_list_pop(pjx_list *l, int64_t i, pjx_slot *out);
PJX_EXPORT int32_t pjx_list_remove(pjx_list *l, pjx_slot x);
/* list.index(x, start, stop): pass 0 / INT64_MAX (or PJX_NONE_INDEX) for the defaults */
PJX_EXPORT int32_t pjx_list_index(pjx_list *l, pjx_slot x, int64_t start, int64_t stop, int64_t *out);
PJX_EXPORT int64_t pjx_list_count(pjx_list *l, pjx_slot x);
PJX_EXPORT int64_t pjx_list_contains(pjx_list *l, pjx_slot x);
PJX_EXPORT void pjx_list_clear(pjx_list *l);
PJX_EXPORT pjx_list *pjx_list_copy(pjx_list *l);
/* l.extend(other) / l += other (other may be l itself) */
PJX_EXPORT int32_t pjx_list_extend(pjx_list *l, pjx_list *other);
/* Unpacking `a, b = xs` (starred: `a, *b = xs`) of a sequence of length n:
 * 0 when n fits, else -1 with CPython's ValueError ("not enough values to
 * unpack (expected 3, got 2)", "too many values to unpack (expected 3)",
 * "not enough values to unpack (expected at least 2, got 1)"). */
PJX_EXPORT int32_t pjx_unpack_check(int64_t n, int64_t expected, int32_t starred);
PJX_EXPORT void pjx_list_reverse(pjx_list *l);
/* A List[Optional[T]] passed where a List[T] is expected: TypeError
 * "<what> must be <expected>, not a list holding None" if an item is None
 * (NULL), else 0. */
PJX_EXPORT int32_t pjx_list_check_present(pjx_list *l, const char *what, const char *expected);
/* l[start:stop:step]; PJX_NONE_INDEX for an omitted part */
PJX_EXPORT pjx_list *pjx_list_slice(pjx_list *l, int64_t start, int64_t stop, int64_t step);
/* l[start:stop:step] = value (value may be l itself) */
PJX_EXPORT int32_t pjx_list_set_slice(pjx_list *l, int64_t start, int64_t stop, int64_t step,
                                      pjx_list *value);
PJX_EXPORT int32_t pjx_list_del_slice(pjx_list *l, int64_t start, int64_t stop, int64_t step);
PJX_EXPORT pjx_list *pjx_list_concat(pjx_list *a, pjx_list *b);
PJX_EXPORT pjx_list *pjx_list_repeat(pjx_list *l, int64_t n);
PJX_EXPORT int32_t pjx_list_inplace_concat(pjx_list *l, pjx_list *other); /* = extend */
PJX_EXPORT int32_t pjx_list_inplace_repeat(pjx_list *l, int64_t n);
/* a == b: 0/1.  pjx_list_equal is the same that can fail: -1 with
 * RecursionError when nested items compare deeper than the recursion
 * limit (a list that holds itself, a 100,000-deep one), as CPython's ==
 * does; pjx_list_eq (kept for code built before it) answers 0 then. */
PJX_EXPORT int64_t pjx_list_eq(pjx_list *a, pjx_list *b);
PJX_EXPORT int32_t pjx_list_equal(pjx_list *a, pjx_list *b);
/* a <op> b for list comparison (PJX_LT ... PJX_GE); result 0/1 into *out */
PJX_EXPORT int32_t pjx_list_richcompare(pjx_list *a, pjx_list *b, int32_t op, int64_t *out);
/* list.sort(): stable; reverse keeps the original order of equal items as
 * CPython does.  On a comparison error the list keeps its original order. */
PJX_EXPORT int32_t pjx_list_sort(pjx_list *l, int64_t reverse);
/* list.sort(key=...): keys[i] is the key of l[i] (computed by the caller);
 * both lists are permuted together.  keys->size must equal l->size. */
PJX_EXPORT int32_t pjx_list_sort_keyed(pjx_list *l, pjx_list *keys, int64_t reverse);
PJX_EXPORT pjx_list *pjx_list_sorted(pjx_list *l, int64_t reverse);

/* ---- tuple ---------------------------------------------------------------
 * Probe values (contains/count/index) carry their own kind; int, bool and
 * float items compare by value across kinds ((1,) == (1.0,), equal hashes). */
/* Stores item i taking over the caller's reference (builders) */
PJX_EXPORT void pjx_tuple_set_steal(pjx_tuple *t, int64_t i, int32_t kind, pjx_slot v);
/* t[i]: a new reference (the item's kind is PJX_TUPLE_KINDS(t)[i]) */
PJX_EXPORT int32_t pjx_tuple_get(pjx_tuple *t, int64_t i, pjx_slot *out);
PJX_EXPORT int32_t pjx_tuple_get_borrowed(pjx_tuple *t, int64_t i, pjx_slot *out);
/* tuple(list): the list's items, each with the list's kind */
PJX_EXPORT pjx_tuple *pjx_tuple_from_list(pjx_list *l);
/* An instance of a named-tuple class: its class's shape key (registered
 * with pjx_register_tuple_shape: class name and field names, for repr) in
 * the tuple's flags.  Tuples without one are plain tuples. */
PJX_EXPORT void pjx_tuple_set_shape(pjx_tuple *t, int64_t key);
PJX_EXPORT int32_t pjx_register_tuple_shape(uint32_t key, const char *name, int64_t nfields,
                                            const char *const *fields);
PJX_EXPORT pjx_tuple *pjx_tuple_slice(pjx_tuple *t, int64_t start, int64_t stop, int64_t step);
PJX_EXPORT pjx_tuple *pjx_tuple_concat(pjx_tuple *a, pjx_tuple *b);
PJX_EXPORT pjx_tuple *pjx_tuple_repeat(pjx_tuple *t, int64_t n);
PJX_EXPORT int64_t pjx_tuple_contains(pjx_tuple *t, int32_t kind, pjx_slot x);
PJX_EXPORT int64_t pjx_tuple_count(pjx_tuple *t, int32_t kind, pjx_slot x);
/* "tuple.index(x): x not in tuple" */
PJX_EXPORT int32_t pjx_tuple_index(pjx_tuple *t, int32_t kind, pjx_slot x, int64_t start,
                                   int64_t stop, int64_t *out);
PJX_EXPORT int64_t pjx_tuple_eq(pjx_tuple *a, pjx_tuple *b);
PJX_EXPORT int32_t pjx_tuple_equal(pjx_tuple *a, pjx_tuple *b); /* as pjx_list_equal */
PJX_EXPORT int32_t pjx_tuple_richcompare(pjx_tuple *a, pjx_tuple *b, int32_t op, int64_t *out);
PJX_EXPORT int32_t pjx_tuple_hash_value(pjx_tuple *t, int64_t *out);
/* ==, with Python's int/bool/float cross-kind equality */
PJX_EXPORT int64_t pjx_slot_eq_mixed(int32_t ka, pjx_slot a, int32_t kb, pjx_slot b);

/* ---- dict ----------------------------------------------------------------
 * Insertion-ordered; len(d) is d->size.  Keys hash with pjx_slot_hash and
 * compare with pjx_slot_eq after their hashes (cached in str objects). */
PJX_EXPORT pjx_dict *pjx_dict_new(int32_t key_kind, int32_t value_kind);
/* d[key]: KeyError(repr(key)) when missing; a new reference */
PJX_EXPORT int32_t pjx_dict_getitem(pjx_dict *d, pjx_slot key, pjx_slot *out);
/* The hot path: 1 found (value BORROWED into *value_out, may be NULL), 0
 * missing (nothing raised), -1 error (unhashable key). */
PJX_EXPORT int32_t pjx_dict_lookup(pjx_dict *d, pjx_slot key, pjx_slot *value_out);
/* d.get(key, default): a new reference to the value or to dflt */
PJX_EXPORT int32_t pjx_dict_get(pjx_dict *d, pjx_slot key, pjx_slot dflt, pjx_slot *out);
/* d.get(key) without a default: the value as an Any (boxed where it is a
 * scalar), or NULL (None) when absent. */
PJX_EXPORT int32_t pjx_dict_get_optional(pjx_dict *d, pjx_slot key, pjx_object **out);
PJX_EXPORT int32_t pjx_dict_setitem(pjx_dict *d, pjx_slot key, pjx_slot value);
PJX_EXPORT int32_t pjx_dict_delitem(pjx_dict *d, pjx_slot key);
PJX_EXPORT int32_t pjx_dict_contains(pjx_dict *d, pjx_slot key); /* tri-state */
/* d.pop(key): KeyError(repr(key)); the value's reference moves to *out */
PJX_EXPORT int32_t pjx_dict_pop(pjx_dict *d, pjx_slot key, pjx_slot *out);
PJX_EXPORT int32_t pjx_dict_pop_default(pjx_dict *d, pjx_slot key, pjx_slot dflt, pjx_slot *out);
/* d.popitem() (LIFO): the references move to *key_out / *value_out */
PJX_EXPORT int32_t pjx_dict_popitem(pjx_dict *d, pjx_slot *key_out, pjx_slot *value_out);
/* d.popitem() as a new 2-tuple */
PJX_EXPORT pjx_tuple *pjx_dict_popitem_tuple(pjx_dict *d);
PJX_EXPORT int32_t pjx_dict_setdefault(pjx_dict *d, pjx_slot key, pjx_slot dflt, pjx_slot *out);
PJX_EXPORT int32_t pjx_dict_update(pjx_dict *d, pjx_dict *other);
PJX_EXPORT pjx_dict *pjx_dict_copy(pjx_dict *d);
PJX_EXPORT void pjx_dict_clear(pjx_dict *d);
PJX_EXPORT pjx_list *pjx_dict_keys(pjx_dict *d);   /* also a set's items */
PJX_EXPORT pjx_list *pjx_dict_values(pjx_dict *d);
PJX_EXPORT pjx_list *pjx_dict_items(pjx_dict *d);  /* list of (key, value) tuples */
PJX_EXPORT pjx_dict *pjx_dict_or(pjx_dict *a, pjx_dict *b);      /* a | b */
PJX_EXPORT int32_t pjx_dict_ior(pjx_dict *a, pjx_dict *b);       /* a |= b */
PJX_EXPORT int64_t pjx_dict_eq(pjx_dict *a, pjx_dict *b);        /* dicts and sets */
PJX_EXPORT int32_t pjx_dict_equal(pjx_dict *a, pjx_dict *b);     /* as pjx_list_equal */
/* Iteration over dicts and sets: start with *pos = 0; returns 1 with the next
 * live entry's key and value BORROWED (either pointer may be NULL), 0 at the
 * end.  The caller may check pjx_dict_check_size once per step. */
PJX_EXPORT int64_t pjx_dict_next(pjx_dict *d, int64_t *pos, pjx_slot *key, pjx_slot *value);
/* RuntimeError 'dictionary changed size during iteration' (or 'Set changed
 * size during iteration') unless d->size == expected_size. */
PJX_EXPORT int32_t pjx_dict_check_size(pjx_dict *d, int64_t expected_size);
/* One step of `for k in d` as CPython's dict iterator takes it: `size0` is
 * the dict's size when the loop began, `pos` where to look from,
 * `remaining` how many of its items are still due.  RuntimeError when the
 * size changed ('dictionary changed size during iteration', 'Set changed
 * size during iteration') or, for a dict, when an item is found that was
 * not due ('dictionary keys changed during iteration': a key deleted and
 * another added).  Else *out is the next live entry's number, or -1 at
 * the end (a set changed that way ends, as its items were due). */
PJX_EXPORT int32_t pjx_dict_iter_next(pjx_dict *d, int64_t size0, int64_t pos, int64_t remaining,
                                      int64_t *out);
/* The key or value of entry i (as pjx_dict_iter_next gave it), a new
 * reference. */
PJX_EXPORT int32_t pjx_dict_entry_key(pjx_dict *d, int64_t i, pjx_slot *out);
PJX_EXPORT int32_t pjx_dict_entry_value(pjx_dict *d, int64_t i, pjx_slot *out);

/* ---- set: a pjx_dict of type PJX_TYPE_SET with value_kind NONE ---------- */
PJX_EXPORT pjx_dict *pjx_set_new(int32_t kind);
PJX_EXPORT int32_t pjx_set_add(pjx_dict *s, pjx_slot key);
PJX_EXPORT int32_t pjx_set_discard(pjx_dict *s, pjx_slot key);
PJX_EXPORT int32_t pjx_set_remove(pjx_dict *s, pjx_slot key);  /* KeyError(repr(key)) */
PJX_EXPORT int32_t pjx_set_pop(pjx_dict *s, pjx_slot *out);     /* reference moves to *out */
PJX_EXPORT int32_t pjx_set_contains(pjx_dict *s, pjx_slot key); /* tri-state */
PJX_EXPORT pjx_dict *pjx_set_copy(pjx_dict *s);
PJX_EXPORT void pjx_set_clear(pjx_dict *s);
PJX_EXPORT int32_t pjx_set_update(pjx_dict *s, pjx_dict *other);           /* |= */
PJX_EXPORT int32_t pjx_set_update_list(pjx_dict *s, pjx_list *items);      /* set(list) */
PJX_EXPORT pjx_dict *pjx_set_union(pjx_dict *a, pjx_dict *b);              /* | */
PJX_EXPORT pjx_dict *pjx_set_intersection(pjx_dict *a, pjx_dict *b);       /* & */
PJX_EXPORT pjx_dict *pjx_set_difference(pjx_dict *a, pjx_dict *b);         /* - */
PJX_EXPORT pjx_dict *pjx_set_symmetric_difference(pjx_dict *a, pjx_dict *b); /* ^ */
PJX_EXPORT int32_t pjx_set_intersection_update(pjx_dict *a, pjx_dict *b);  /* &= */
PJX_EXPORT int32_t pjx_set_difference_update(pjx_dict *a, pjx_dict *b);    /* -= */
PJX_EXPORT int32_t pjx_set_symmetric_difference_update(pjx_dict *a, pjx_dict *b); /* ^= */
PJX_EXPORT int64_t pjx_set_issubset(pjx_dict *a, pjx_dict *b);   /* a <= b */
PJX_EXPORT int64_t pjx_set_issuperset(pjx_dict *a, pjx_dict *b); /* a >= b */
PJX_EXPORT int64_t pjx_set_isdisjoint(pjx_dict *a, pjx_dict *b);
PJX_EXPORT int64_t pjx_set_eq(pjx_dict *a, pjx_dict *b);

#ifdef __cplusplus
}
#endif
#endif
