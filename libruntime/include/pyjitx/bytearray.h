/* pyjitx runtime: bytearray in compiled code (libruntime/bytearray.c).
 *
 * A bytearray is held as a list of ints (PJX_KIND_INT), each 0..255: the
 * list's growth, slicing, iteration and equality are the list's, and the
 * boundary makes a real bytearray of it (pyjitx/_convert.c, descriptor
 * 'Y').  These are the operations whose checks or messages are
 * bytearray's own ("byte must be in range(0, 256)", "bytearray index out
 * of range"), and the conversions to and from bytes.  Each takes and
 * returns lists of that shape; results are new references. */
#ifndef PYJITX_BYTEARRAY_H
#define PYJITX_BYTEARRAY_H

#include "pyjitx/object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The same list, a new reference: the compiler's casts between a
 * bytearray and the List[int] of its bytes (and back, for a list known to
 * hold bytes: a slice of one). */
PJX_EXPORT pjx_list *pjx_bytearray_view(pjx_list *ba);
PJX_EXPORT pjx_list *pjx_bytearray_of_items(pjx_list *items);
/* bytearray(n): n zero bytes (ValueError "negative count") */
PJX_EXPORT pjx_list *pjx_bytearray_new(int64_t n);
/* bytearray(b) of bytes */
PJX_EXPORT pjx_list *pjx_bytearray_from_bytes(pjx_bytes *b);
/* bytearray(xs) of a list of ints (or a bytearray): each checked */
PJX_EXPORT pjx_list *pjx_bytearray_from_ints(pjx_list *xs);
/* bytes(xs) of a list of ints (ValueError "bytes must be in range(0, 256)") */
PJX_EXPORT pjx_bytes *pjx_bytes_from_ints(pjx_list *xs);
/* bytes(ba) */
PJX_EXPORT pjx_bytes *pjx_bytearray_to_bytes(pjx_list *ba);
/* ba[i], ba[i] = v (the value checked first, as CPython does) */
PJX_EXPORT int32_t pjx_bytearray_getitem(pjx_list *ba, int64_t i, int64_t *out);
PJX_EXPORT int32_t pjx_bytearray_setitem(pjx_list *ba, int64_t i, int64_t v);
/* del ba[i] */
PJX_EXPORT int32_t pjx_bytearray_delitem(pjx_list *ba, int64_t i);
/* ba.append(v); ba.pop(i) */
PJX_EXPORT int32_t pjx_bytearray_append(pjx_list *ba, int64_t v);
PJX_EXPORT int32_t pjx_bytearray_pop(pjx_list *ba, int64_t i, int64_t *out);
/* ba.extend(xs) / ba += xs of a list of ints (checked), of bytes */
PJX_EXPORT int32_t pjx_bytearray_extend_ints(pjx_list *ba, pjx_list *xs);
PJX_EXPORT int32_t pjx_bytearray_extend_bytes(pjx_list *ba, pjx_bytes *b);
/* v in ba of an int (ValueError out of 0..255): 0/1 in *out */
PJX_EXPORT int32_t pjx_bytearray_contains_int(pjx_list *ba, int64_t v, int64_t *out);
/* sub in ba of bytes: 0/1 */
PJX_EXPORT int64_t pjx_bytearray_contains_bytes(pjx_list *ba, pjx_bytes *sub);
/* repr(ba) (and str(ba)): CPython's bytearray(b'...') */
PJX_EXPORT pjx_str *pjx_bytearray_repr(pjx_list *ba);
/* ba == b of bytes: 0/1 */
PJX_EXPORT int64_t pjx_bytearray_eq_bytes(pjx_list *ba, pjx_bytes *b);

#ifdef __cplusplus
}
#endif

#endif /* PYJITX_BYTEARRAY_H */
