/* Helpers shared by any.c and any_methods.c (not part of the ABI): an Any
 * value as a slot of a container's kind, for a store or for a lookup. */
#ifndef PYJITX_ANY_INTERNAL_H
#define PYJITX_ANY_INTERNAL_H

#include "internal.h"
#include "pyjitx/any.h"

/* An Any as a probe of slots of `kind` (for ==, list.index, dict lookups):
 * 1 with the slot in *out (borrowed), 0 when no value of that kind can
 * equal it (an int probe of a List[str]; 1.5 in a List[int]).  For an OBJ
 * container (List[Any] ...) the probe is the Any itself. */
int pjx_any_probe(pjx_object *value, int32_t kind, pjx_slot *out);
/* The same for a hashed lookup (dict and set keys): -1 with Python's
 * TypeError ("unhashable type: 'list'") where hashing the value fails even
 * though no key of the kind could equal it. */
int32_t pjx_any_probe_key(pjx_object *value, int32_t kind, pjx_slot *out);
/* An Any as a slot of `kind` to store in a container (a new reference for
 * OBJ): ints and bools widen to a float kind and bools to an int kind, as
 * the typed path converts; TypeError "<what> holds int <noun>, not str"
 * when the value does not fit the kind.  (An OBJ slot takes any object:
 * check it against the container's item type first, pjx_desc_check.) */
int32_t pjx_any_to_slot(pjx_object *value, int32_t kind, const char *what, const char *noun,
                        pjx_slot *out);

/* d[key] = value through an Any: both converted to d's kinds (and checked
 * against its item types). */
int32_t pjx_any_dict_store(pjx_dict *d, pjx_object *key, pjx_object *value);

/* ---- item types (any_types.c) ------------------------------------------------
 * A list, dict or set of objects that compiled code holds typed records
 * its type once an Any can reach it (pjx_list.type_desc).  Stores through
 * an Any check against it; containers read out of it through an Any take
 * the item type (see any_types.c). */
/* The container's type_desc (NULL: none recorded; also for other objects). */
const char *pjx_type_desc(pjx_object *o);
/* The descriptor of its items / keys / values; NULL when none is recorded. */
const char *pjx_list_item_desc(pjx_list *l);
const char *pjx_dict_key_desc(pjx_dict *d); /* also a set's items */
const char *pjx_dict_value_desc(pjx_dict *d);
/* Does o hold a value of descriptor d (deeply; a recorded type_desc must
 * be d itself)? */
int pjx_desc_matches(pjx_object *o, const char *d);
/* Before an Any `value` is stored into an OBJ slot whose items are of
 * descriptor d (NULL: unchecked): TypeError "<what> holds str <noun>, not
 * int" unless it matches.  0 for the other kinds (pjx_any_to_slot checks
 * those). */
int32_t pjx_desc_check(pjx_object *value, int32_t kind, const char *d, const char *what,
                       const char *noun);
/* After `value` was stored into a container whose items are of
 * descriptor d: value and the containers inside it take their types
 * (d is a container's type_desc or part of one; NULL: nothing). */
void pjx_desc_fix(pjx_object *value, const char *d);
/* An Any read `o` out of a container whose items are of descriptor d: o
 * (a list, dict or set; through tuples and Optionals) takes its type. */
void pjx_desc_adopt(pjx_object *o, const char *d);
/* The same for items[start:stop) of a list of Anys made from such items. */
void pjx_desc_adopt_items(pjx_list *items, int64_t start, int64_t stop, const char *d);
/* After a cast of o to desc (a constant of compiled code): as
 * pjx_desc_fix, with a runtime-owned copy of desc.  -1: MemoryError. */
int32_t pjx_desc_take(pjx_object *o, const char *desc);
/* The runtime's copy of one descriptor (never freed); NULL: MemoryError. */
const char *pjx_desc_keep(const char *desc);
/* For messages: "List[str]" for a list held as one, "List[int]" for a list
 * of ints, else the Python type name ("None" for None). */
void pjx_describe(pjx_object *o, char *buf, size_t size);
/* Keeps a list's elem_type_id (object.h) true after a store through an
 * Any: an OBJ list that held items of one type may now hold a mix. */
static inline void pjx_list_note_store(pjx_list *l, pjx_slot v) {
    if (l->kind == PJX_KIND_OBJ && l->elem_type_id != 0 &&
        (v.o == NULL || (int32_t)v.o->type_id != l->elem_type_id))
        l->elem_type_id = 0;
}
/* Can pjx_any_items iterate it (str, bytes, list, tuple, dict, set)? */
static inline int pjx_any_is_iterable(const pjx_object *a) {
    if (a == NULL) return 0;
    switch (a->type_id) {
    case PJX_TYPE_STR: case PJX_TYPE_BYTES: case PJX_TYPE_LIST: case PJX_TYPE_TUPLE:
    case PJX_TYPE_DICT: case PJX_TYPE_SET: case PJX_TYPE_DEQUE: return 1;
    default: return 0;
    }
}
/* KeyError(repr(key)); always -1. */
int32_t pjx_any_key_error(pjx_object *key);

#endif
