/* The json module in the runtime: json.loads and json.dumps with CPython's
 * results, natively (no interpreter: the GIL stays released and a C++
 * host can run them).  json_load.c parses, json_dump.c writes,
 * json_convert.c gives a parsed value a declared static type.
 *
 * Parsed values are Anys (any.h): dicts of str keys and Any values, lists
 * of Anys, str, boxed int/float/bool, None as NULL.  Ints beyond int64
 * raise OverflowError, as the runtime's int() of such text does.
 */
#ifndef PYJITX_JSON_H
#define PYJITX_JSON_H

#include "pyjitx/object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* json.JSONDecodeError: the kind pyjitx/exceptions.py gives the class
 * json.decoder.JSONDecodeError (1000 + crc32 of that name mod 2**17), a
 * ValueError.  Its message is CPython's str(e): "Expecting value: line 1
 * column 1 (char 0)". */
#define PJX_EXC_JSON_DECODE 18501

/* json.loads(s) of a str, of bytes (UTF-8, a UTF-8 BOM skipped), or of an
 * Any holding either (TypeError "the JSON object must be str, bytes or
 * bytearray, not int" otherwise).  The result is an Any (NULL: null). */
PJX_EXPORT int32_t pjx_json_loads(pjx_str *s, pjx_object **out);
PJX_EXPORT int32_t pjx_json_loads_bytes(pjx_bytes *b, pjx_object **out);
PJX_EXPORT int32_t pjx_json_loads_any(pjx_object *a, pjx_object **out);

/* A value json.loads just made (nothing else holds it) as the static type
 * of boundary descriptor `desc` ("d[si]", "l[s]", "l[d[sa]]" ...): new
 * containers with the slot kinds of that type, TypeError "json.loads()
 * result[\"a\"] is str, not int (declared Dict[str, int])" where a value
 * does not fit.  A new reference in *out. */
PJX_EXPORT int32_t pjx_json_to_type(pjx_object *value, const char *desc, pjx_object **out);

/* json.dumps(value, ...) of an Any.  indent: NULL (None), a boxed int or a
 * str; separators: NULL (the defaults) or a tuple/list of two strs.
 * flags: the PJX_JSON_* bits below. */
enum {
    PJX_JSON_SORT_KEYS = 1,
    PJX_JSON_ENSURE_ASCII = 2,
    PJX_JSON_ALLOW_NAN = 4,
    PJX_JSON_SKIPKEYS = 8,
};
PJX_EXPORT pjx_str *pjx_json_dumps(pjx_object *value, pjx_object *indent, pjx_object *separators,
                                   int64_t flags);

/* For the Python bridge: the document of this thread's latest
 * JSONDecodeError (UTF-8, *nbytes), when `message` is that error's
 * message; NULL otherwise. */
PJX_EXPORT const char *pjx_json_error_document(const char *message, int64_t *nbytes);

#ifdef __cplusplus
}
#endif
#endif
