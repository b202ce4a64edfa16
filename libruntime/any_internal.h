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
 * the typed path converts; TypeError "<what> holds int values, not str"
 * when the value does not fit the kind. */
int32_t pjx_any_to_slot(pjx_object *value, int32_t kind, const char *what, pjx_slot *out);
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
    case PJX_TYPE_DICT: case PJX_TYPE_SET: return 1;
    default: return 0;
    }
}
/* KeyError(repr(key)); always -1. */
int32_t pjx_any_key_error(pjx_object *key);

#endif
