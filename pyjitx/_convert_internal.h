/* What the conversion files share (_convert.c: Python -> runtime and the
 * leaves; _convert_out.c: runtime -> Python; _identity.c: the memo of one
 * call).  Not part of the bridge's interface (_convert.h). */
#ifndef PYJITX_CONVERT_INTERNAL_H
#define PYJITX_CONVERT_INTERNAL_H

#include "_convert.h"

#include <string.h>

enum { FORCE_NONE, FORCE_ITEM, FORCE_ARGUMENT };

/* > 0 while converting a value marked '!' (an argument the callee
 * mutates, the result of a pyfunc): the receiver may change it, nested
 * containers included, so no dict in it may come from the converted-dict
 * cache, and the memo marks what it records as mutable.  Guarded by the
 * GIL. */
extern int pjx_converting_mutable;

/* ---- leaves (_convert_leaves.c) ---------------------------------------------- */
/* Python -> slot: MISMATCH for a value of another type.  An int takes
 * int-likes (numpy integers), a float what float(x) takes (ints, numpy
 * floats and integers); neither takes a str or an array. */
conversion pjx_int_from_python(PyObject *value, pjx_slot *slot);
conversion pjx_float_from_python(PyObject *value, pjx_slot *slot);
conversion pjx_str_from_python(PyObject *value, pjx_slot *slot);
PyObject *pjx_int_to_python(int64_t v);
PyObject *pjx_str_to_python(const pjx_str *s);
/* "i", "f", "b", "n" or "a": the descriptor of a slot of this kind */
const char *pjx_kind_descriptor(int32_t kind);
/* A runtime allocation failed: MemoryError in Python, FAILED. */
conversion pjx_runtime_failed(void);

/* Room for one more frame on a conversion's stack of frames (in or out):
 * doubles the capacity, moving off the stack's inline frames the first
 * time.  0, or -1 with MemoryError (the stack as it was). */
static inline int pjx_grow_frames(void **frames, const void *inline_frames, int32_t n,
                                  int32_t *cap, size_t frame_size) {
    int32_t grown_cap = *cap * 2;
    void *grown = PyMem_Malloc(frame_size * (size_t)grown_cap);
    if (grown == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memcpy(grown, *frames, frame_size * (size_t)n);
    if (*frames != inline_frames) PyMem_Free(*frames);
    *frames = grown;
    *cap = grown_cap;
    return 0;
}

/* The value of an exact int that fits one internal digit (|v| < 2**30),
 * read without a call: most ids and lengths are such ints. */
static inline int pjx_compact_int(PyObject *v, int64_t *out) {
    if (!PyLong_CheckExact(v)) return 0;
#if PY_VERSION_HEX >= 0x030C0000
    if (!PyUnstable_Long_IsCompact((PyLongObject *)v)) return 0;
    *out = PyUnstable_Long_CompactValue((PyLongObject *)v);
    return 1;
#else
    Py_ssize_t size = Py_SIZE(v);
    if (size < -1 || size > 1) return 0;
    *out = (int64_t)size * (int64_t)((PyLongObject *)v)->ob_digit[0];
    return 1;
#endif
}

/* The converted-dict cache (CPython 3.11's dict version tags; none on
 * 3.12 and later, which deprecate them). */
#if PY_VERSION_HEX < 0x030C0000
#define PJX_DICT_CACHE 8
/* keys and values that no one can change through the dict */
int pjx_immutable_descriptor(const char *d);
/* the runtime dict converted from `dict` (descriptor "d[..]") while it is
 * unchanged (a new reference), or NULL */
pjx_dict *pjx_dict_cache_find(PyObject *dict, const char *desc);
void pjx_dict_cache_store(PyObject *dict, const char *desc, pjx_dict *converted);
#endif

/* ---- enum and named-tuple classes (_convert_classes.c) --------------------
 * E[<key>/<qualname>:X]: a member of an enum class, as its value X;
 * N[<key>/<qualname>:t[...]]: an instance of a named-tuple class. */
/* The registered (class, {value: member} or None) of descriptor d ("E[.."
 * or "N[.."), borrowed, and where its inner descriptor starts; NULL with an
 * exception set when none is registered. */
PyObject *pjx_boundary_class(const char *d, const char **inner);
/* Is `value` an instance of the class of descriptor d?  -1 with an error. */
int pjx_is_boundary_instance(PyObject *value, const char *d);
/* A member of the enum class of d: its value (a new reference, in *out)
 * and the value's descriptor; MISMATCH for another object, FAILED (with an
 * error) for a value compiled code does not know. */
conversion pjx_enum_value_in(PyObject *value, const char *d, PyObject **out,
                             const char **inner);
/* The member of the enum class of d with this value (a new reference). */
PyObject *pjx_enum_member_out(const char *d, PyObject *value);
/* The shape a Python tuple's runtime copy carries: its class's, for an
 * instance of a named-tuple class (registered on first sight); 0 for a
 * plain tuple.  -1 with an exception set. */
int64_t pjx_tuple_shape_of(PyObject *value);
/* The named-tuple class of a runtime tuple's shape (borrowed), or NULL. */
PyObject *pjx_named_tuple_class_of(const pjx_tuple *t);
/* A new tuple of n (NULL) items, of class `cls` (a tuple subclass), or a
 * plain one for NULL. */
PyObject *pjx_new_tuple_of(PyObject *cls, Py_ssize_t n);

/* ---- the memo (_identity.c) ------------------------------------------------- */
int32_t pjx_memo_find_py(const pjx_identity *id, const PyObject *py);
int32_t pjx_memo_find_rt(const pjx_identity *id, const pjx_object *rt);
/* A new entry for `py` (a new reference taken unless `borrowed`, in which
 * case pjx_memo_bind takes none either); -1 with MemoryError. */
int32_t pjx_memo_add(pjx_identity *id, PyObject *py, int borrowed);
/* Records the runtime object made for entry `i` (its own reference). */
int32_t pjx_memo_bind(pjx_identity *id, int32_t i, pjx_object *rt);
int32_t pjx_descriptor_length(const char *d);
/* Sets the conflict (PJX_CONFLICT_*) between entry `e` and descriptor `d`
 * for the caller's error message; returns MISMATCH. */
conversion pjx_memo_conflict(pjx_identity *id, int kind, int32_t entry, const char *d);
/* Records every list, dict and set inside the arguments that nothing
 * changed (iteratively: they may nest without bound).  -1 with an error. */
int pjx_memo_walk_unchanged_arguments(pjx_identity *id);

/* Does a value of this descriptor hold values of unbounded depth or
 * cycles (an Any, a union)?  Those convert with a memo even where the
 * caller has none, so that a cycle is noticed rather than followed. */
int pjx_descriptor_has_any(const char *d);

#endif
