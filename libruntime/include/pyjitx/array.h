/* pyjitx runtime: array.array in compiled code (libruntime/array.c).
 *
 * An array is held as a list (pyjitx/frontend/stdarrays.py): of ints
 * (PJX_KIND_INT) for the typecodes b B h H i I l L q Q, of floats
 * (PJX_KIND_FLOAT) for f and d, its typecode known statically.  The list's
 * growth, slicing, iteration and equality serve it as they are; these are
 * the operations whose checks or messages are array's own: each item's
 * range ("unsigned byte integer is greater than maximum"), 'f' rounding to
 * a C float, and the machine layout of tobytes/frombytes.  `typecode` is
 * the character's code ('B' is 66).  Results are new references. */
#ifndef PYJITX_ARRAY_H
#define PYJITX_ARRAY_H

#include "pyjitx/object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Can v be an item of an int array of `typecode`? 0, or -1 with CPython's
 * OverflowError. */
PJX_EXPORT int32_t pjx_array_check_int(int64_t typecode, int64_t v);
/* v as a float array of `typecode` holds it ('f': rounded to a C float) */
PJX_EXPORT double pjx_array_float_item(int64_t typecode, double v);
/* array(typecode, xs) of a list of ints (each checked) or of floats (for f
 * and d; ints converted): a new list */
PJX_EXPORT pjx_list *pjx_array_from_ints(int64_t typecode, pjx_list *xs);
PJX_EXPORT pjx_list *pjx_array_from_floats(int64_t typecode, pjx_list *xs);
/* The array of the machine items in data (nbytes a multiple of the item
 * size): a new list; NULL with OverflowError for an L/Q item past int64 */
PJX_EXPORT pjx_list *pjx_array_from_data(int64_t typecode, const char *data, int64_t nbytes);
/* a.tobytes(); a.frombytes(b) (ValueError "bytes length not a multiple of
 * item size") */
PJX_EXPORT pjx_bytes *pjx_array_tobytes(int64_t typecode, pjx_list *a);
PJX_EXPORT int32_t pjx_array_frombytes(int64_t typecode, pjx_list *a, pjx_bytes *b);
/* a[i]'s index, made non-negative (IndexError "array index out of range",
 * or "array assignment index out of range" where `store`) */
PJX_EXPORT int32_t pjx_array_index(pjx_list *a, int64_t i, int64_t store, int64_t *out);
/* a.pop(i)'s index ("pop from empty array", "pop index out of range") */
PJX_EXPORT int32_t pjx_array_pop_index(pjx_list *a, int64_t i, int64_t *out);
/* x in the array, x the int xi or (x_is_float) the double xf:
 * what 0: a.index(x), 1: a.remove(x)'s index (ValueError "array.index(x):
 * x not in array" / "array.remove(x): ..."), 2: a.count(x) */
PJX_EXPORT int32_t pjx_array_find(pjx_list *a, int64_t xi, double xf, int64_t x_is_float, int64_t what,
                                  int64_t *out);
/* repr(a) from repr(a.tolist()): array('B', [1, 2]), or array('B') when empty */
PJX_EXPORT pjx_str *pjx_array_repr(int64_t typecode, int64_t size, pjx_str *items_repr);

#ifdef __cplusplus
}
#endif

#endif /* PYJITX_ARRAY_H */
