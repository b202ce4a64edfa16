/* `Any`: a value of any supported type, as one object pointer.
 *
 * Objects (str, bytes, containers, instances) are themselves; None is
 * NULL; int, float and bool are boxed (pjx_box, immutable; True, False and
 * the ints -5..256 are immortal singletons).  So an Any is reference
 * counted like every object, a List[Any] is a list of kind OBJ, and an
 * Optional[T] is already a valid Any.  Operations dispatch on the run-time
 * type with Python's rules and messages.
 *
 * Results that are Any use the status convention with an out pointer
 * (NULL is None, so NULL cannot signal an error).
 */
#ifndef PYJITX_ANY_H
#define PYJITX_ANY_H

#include "pyjitx/object.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pjx_box {
    pjx_object ob; /* type_id PJX_TYPE_INT, PJX_TYPE_FLOAT or PJX_TYPE_BOOL */
    pjx_slot value;
} pjx_box;

/* Boxing never fails but on memory exhaustion (NULL then). */
PJX_EXPORT pjx_object *pjx_box_int(int64_t v);
PJX_EXPORT pjx_object *pjx_box_float(double v);
PJX_EXPORT pjx_object *pjx_box_bool(int64_t v);

/* An Any as a (kind, slot) pair, as containers hold values (borrowed). */
PJX_EXPORT void pjx_any_unpack(pjx_object *a, int32_t *kind, pjx_slot *slot);
/* A slot of `kind` as an Any (a new reference). */
PJX_EXPORT int32_t pjx_any_pack(int32_t kind, pjx_slot v, pjx_object **out);

/* Unboxing to a static type: TypeError when the value has another type.
 * to_int accepts bools (bool is an int); to_float accepts ints and bools. */
PJX_EXPORT int32_t pjx_any_to_int(pjx_object *a, int64_t *out);
PJX_EXPORT int32_t pjx_any_to_float(pjx_object *a, double *out);
PJX_EXPORT int32_t pjx_any_to_bool(pjx_object *a, int64_t *out);
/* To an object type given by a boundary-style descriptor ("s", "l[i]",
 * "d[sa]", "c[<id>:<name>]", "o[...]"...): checks the run-time type (deeply
 * for containers) and returns a new reference to the same object.  A list,
 * dict or set of objects in it is held typed from then on (see below): one
 * held as another type already ("l[a]" of a List[str]) does not match. */
PJX_EXPORT int32_t pjx_any_cast(pjx_object *a, const char *desc, pjx_object **out);

/* ---- Item types ------------------------------------------------------------
 * The slots of a list, dict or set of objects do not say what the objects
 * are, and compiled code that holds a List[str] reads its items as str
 * without a check.  So a container that compiled code holds typed records
 * its type (pjx_list.type_desc, object.h) once an Any can reach it, and a
 * store through an Any (x[i] = v, x.append(v), d.update(...), s.add(v),
 * slice assignment ...) raises TypeError "this list holds str values, not
 * int" for a value of another type, leaving the container as it was.
 * Compiled code calls this where it makes an Any of a value whose type
 * (the descriptor `desc`, a constant of the code) is or holds such a
 * container: `o` itself as an Any, a new reference.  -1: MemoryError. */
PJX_EXPORT int32_t pjx_any_box_container(pjx_object *o, const char *desc, pjx_object **out);
/* "List[str]" for "l[s]" (the Python spelling of a descriptor), into buf. */
PJX_EXPORT void pjx_descriptor_name(const char *desc, char *buf, size_t size);

/* Operators, Python's semantics.  `op` for binary: */
enum {
    PJX_ADD = 0, PJX_SUB, PJX_MUL, PJX_TRUEDIV, PJX_FLOORDIV, PJX_MOD, PJX_POW,
    PJX_LSHIFT, PJX_RSHIFT, PJX_BITAND, PJX_BITOR, PJX_BITXOR
};
PJX_EXPORT int32_t pjx_any_binary(int32_t op, pjx_object *a, pjx_object *b, pjx_object **out);
/* divmod(a, b) of numbers: a tuple of two Anys (a new reference) */
PJX_EXPORT int32_t pjx_any_divmod(pjx_object *a, pjx_object *b, pjx_object **out);
/* unary: 0 -x, 1 +x, 2 ~x, 3 abs(x) */
PJX_EXPORT int32_t pjx_any_unary(int32_t op, pjx_object *a, pjx_object **out);
/* a <op> b with PJX_LT ... PJX_GE (containers.h); 0/1 into *out */
PJX_EXPORT int32_t pjx_any_compare(int32_t op, pjx_object *a, pjx_object *b, int64_t *out);
PJX_EXPORT int32_t pjx_any_truthy(pjx_object *a, int64_t *out);
PJX_EXPORT int32_t pjx_any_len(pjx_object *a, int64_t *out);
PJX_EXPORT int32_t pjx_any_getitem(pjx_object *a, pjx_object *key, pjx_object **out);
PJX_EXPORT int32_t pjx_any_setitem(pjx_object *a, pjx_object *key, pjx_object *value);
/* item in a */
PJX_EXPORT int32_t pjx_any_contains(pjx_object *a, pjx_object *item, int64_t *out);
/* for x in a: the items as a new List[Any] (str: characters; dict: keys). */
PJX_EXPORT pjx_list *pjx_any_items(pjx_object *a);
/* isinstance(a, T) for a built-in T (PJX_TYPE_*, PJX_TYPE_NONE_CHECK for
 * None) or a compiled class (class_id != 0). */
#define PJX_TYPE_NONE_CHECK 100
/* ... and for collections.Counter, OrderedDict, defaultdict (a dict with
 * that collections.h flag: 1 << (id - 101)) */
#define PJX_TYPE_COUNTER_CHECK 101
#define PJX_TYPE_ORDERED_CHECK 102
#define PJX_TYPE_DEFAULTDICT_CHECK 103
PJX_EXPORT int64_t pjx_any_isinstance(pjx_object *a, int64_t type_id, int64_t class_id);
/* type(a) is T (exact: no subclasses, a bool is no int), type(a) is type(b) */
PJX_EXPORT int64_t pjx_any_is_type(pjx_object *a, int64_t type_id, int64_t class_id);
PJX_EXPORT int64_t pjx_any_same_type(pjx_object *a, pjx_object *b);
/* int(a) / float(a) with Python's conversions (str parsed, float truncated). */
PJX_EXPORT int32_t pjx_any_int(pjx_object *a, int64_t *out);
PJX_EXPORT int32_t pjx_any_float(pjx_object *a, double *out);
/* x.name(args) for the methods of list, dict, set and tuple on an Any
 * (any_methods.c): `method` is one of the numbers below (the compiler's
 * table in pyjitx/frontend/anys.py follows them), nargs of a0..a2 are
 * given (unused ones are NULL).  The type of self picks the method;
 * AttributeError "'int' object has no attribute 'append'" when it has
 * none of that name.  Arguments convert to the container's slot kinds as
 * stores through an Any do (TypeError when an item does not fit a
 * List[int]); the result is an Any (None: NULL).  sort's one argument is
 * its `reverse` (the compiler passes the keyword so). */
enum {
    PJX_METHOD_APPEND = 0, PJX_METHOD_EXTEND, PJX_METHOD_INSERT, PJX_METHOD_POP,
    PJX_METHOD_REMOVE, PJX_METHOD_INDEX, PJX_METHOD_COUNT, PJX_METHOD_CLEAR,
    PJX_METHOD_REVERSE, PJX_METHOD_COPY, PJX_METHOD_SORT,
    PJX_METHOD_GET, PJX_METHOD_KEYS, PJX_METHOD_VALUES, PJX_METHOD_ITEMS, PJX_METHOD_POPITEM,
    PJX_METHOD_SETDEFAULT, PJX_METHOD_UPDATE,
    PJX_METHOD_ADD, PJX_METHOD_DISCARD, PJX_METHOD_UNION, PJX_METHOD_INTERSECTION,
    PJX_METHOD_DIFFERENCE, PJX_METHOD_SYMMETRIC_DIFFERENCE, PJX_METHOD_ISSUBSET,
    PJX_METHOD_ISSUPERSET, PJX_METHOD_ISDISJOINT, PJX_METHOD_INTERSECTION_UPDATE,
    PJX_METHOD_DIFFERENCE_UPDATE, PJX_METHOD_SYMMETRIC_DIFFERENCE_UPDATE,
    /* collections' (collections.h): deque, Counter, OrderedDict */
    PJX_METHOD_APPENDLEFT, PJX_METHOD_POPLEFT, PJX_METHOD_EXTENDLEFT, PJX_METHOD_ROTATE,
    PJX_METHOD_SUBTRACT, PJX_METHOD_MOST_COMMON, PJX_METHOD_ELEMENTS, PJX_METHOD_TOTAL,
    PJX_METHOD_MOVE_TO_END,
    PJX_METHOD__COUNT
};
PJX_EXPORT int32_t pjx_any_method(int32_t method, pjx_object *self, int32_t nargs, pjx_object *a0,
                                  pjx_object *a1, pjx_object *a2, pjx_object **out);
/* Slices of an Any (str, bytes, list, tuple; list only for stores and
 * deletions): bounds as containers.h's, PJX_NONE_INDEX for an omitted
 * one.  Python's TypeErrors for other types ("'int' object is not
 * subscriptable"). */
PJX_EXPORT int32_t pjx_any_getslice(pjx_object *a, int64_t start, int64_t stop, int64_t step,
                                    pjx_object **out);
/* a[start:stop:step] with the bounds as Anys (NULL for None or omitted),
 * as compiled code reads it: also a dict's KeyError (since 3.12) names
 * the slice with its bounds as given. */
PJX_EXPORT int32_t pjx_any_getslice_objects(pjx_object *a, pjx_object *start, pjx_object *stop,
                                            pjx_object *step, pjx_object **out);
/* a[start:stop:step] = value: value any iterable, its items converted to
 * the list's kind */
PJX_EXPORT int32_t pjx_any_setslice(pjx_object *a, int64_t start, int64_t stop, int64_t step,
                                    pjx_object *value);
PJX_EXPORT int32_t pjx_any_delslice(pjx_object *a, int64_t start, int64_t stop, int64_t step);
/* del a[key] (list index or dict key) */
PJX_EXPORT int32_t pjx_any_delitem(pjx_object *a, pjx_object *key);
/* An Any slice bound (x[i:j] with i an Any): an int or bool, or None as
 * PJX_NONE_INDEX; TypeError otherwise, as Python's. */
PJX_EXPORT int32_t pjx_any_slice_index(pjx_object *a, int64_t *out);
/* An Any used as a sequence index: its int (a bool is one), else TypeError
 * "<what> indices must be integers or slices, not <type>". */
PJX_EXPORT int32_t pjx_any_index(pjx_object *key, const char *what, int64_t *out);
/* An Any where a math function takes a float (TypeError "must be real
 * number, not str"), and where it takes an int ("'str' object cannot be
 * interpreted as an integer"). */
PJX_EXPORT int32_t pjx_any_real(pjx_object *a, double *out);
PJX_EXPORT int32_t pjx_any_as_index(pjx_object *a, int64_t *out);
/* AttributeError: no run-time type that has `name` matched (always -1). */
PJX_EXPORT int32_t pjx_any_no_attribute(pjx_object *a, const char *name);
/* Moves *desc past one boundary descriptor ("i", "l[s]", "d[s[i]]", ...). */
PJX_EXPORT void pjx_descriptor_skip(const char **desc);
/* The Python name of a's type ('int', 'str', 'NoneType', a class name). */
PJX_EXPORT const char *pjx_any_type_name(pjx_object *a);

#ifdef __cplusplus
}
#endif
#endif
