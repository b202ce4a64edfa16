/* Conversion of values between Python objects and runtime slots, driven by
 * boundary descriptors (see pyjitx/backend/abi.py, boundary_descriptor):
 *   i f b n   int float bool None (annotated: an int converts to float, ...)
 *   I F       exactly int / float (parameters specialised on the argument)
 *   s y       str bytes
 *   l[X] e[X] d[KV] t[X...]   list, set, dict, tuple of the item descriptors
 *   T[X] o[X] tuple of any length, Optional
 *   c[<id>:<name>]            an instance of compiled class <id> (or a subclass)
 *   E[<key>/<qualname>:X]  a member of the enum class registered under <key>, as
 *             its value X
 *   N[<key>/<qualname>:t[...]]  an instance of the named-tuple class registered
 *             under <key>
 *   g[X]      results only: a list of X (a generator's collected items) that
 *             Python receives as an iterator over it
 * A leading '!' on a parameter's descriptor asks for write-back: the callee
 * may mutate the container, so the caller's object is updated after the
 * call (docs/spec.md §2.6).  On the result of a pyfunc (_pycall.c) it only says that
 * compiled code owns the converted value and may change it. */
#ifndef PYJITX_CONVERT_H
#define PYJITX_CONVERT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "pyjitx/any.h" /* pjx_descriptor_name: "List[str]" for "l[s]" */
#include "pyjitx/object.h"

typedef enum { CONVERTED, MISMATCH, FAILED } conversion;

/* Python -> slot.  On CONVERTED an object slot holds a new reference.
 * MISMATCH: the value has another type (no Python error set, nothing
 * allocated); FAILED: a Python error is set.  *desc advances past the
 * descriptor in every case. */
conversion pjx_from_python(PyObject *value, const char **desc, pjx_slot *slot);
/* slot -> Python (the slot is borrowed).  *desc advances. */
PyObject *pjx_to_python(pjx_slot slot, const char **desc);
/* Replaces the contents of the Python container `target` by the runtime
 * container in `slot` (list, dict and set descriptors). */
int pjx_write_back(PyObject *target, pjx_slot slot, const char *desc);
/* A bytearray (descriptor 'Y': the runtime's list of ints 0..255) as a new
 * bytearray, or written into `target`'s bytes (resized); a new reference. */
PyObject *pjx_bytearray_to_python(const pjx_list *l, PyObject *target);
/* array.array <-> the runtime's list of its items (array.h; descriptor R[<typecode>]) */
int pjx_array_from_python(PyObject *value, char typecode, pjx_list **out);
PyObject *pjx_array_to_python(pjx_list *l, char typecode, PyObject *target);
void pjx_skip_descriptor(const char **desc);
/* The runtime slot kind of a value of this descriptor. */
int32_t pjx_descriptor_kind(const char *desc);
/* register_boundary_class(key, cls, members): the class of E[<key>:..] (an
 * enum, with its {value: member} dict) or N[<key>:..] (a named tuple, None). */
PyObject *pjx_register_boundary_class(PyObject *module, PyObject *args);
/* set_named_tuple_hook(fn): fn(cls) registers a named-tuple class met in
 * an argument (an instance in a List[Any], a Tuple[...] parameter), whose
 * runtime tuples then keep its repr and come back as instances of it. */
PyObject *pjx_set_named_tuple_hook(PyObject *module, PyObject *fn);
/* Drops the cache of converted dicts (tests check live objects). */
void pjx_clear_conversion_cache(void);
/* Releases a converted slot of this descriptor. */
void pjx_release_slot(pjx_slot slot, const char *desc);

/* ---- identity within one call ---------------------------------------------
 * A Python list, dict or set reached twice in one call's arguments (f(x, x),
 * [r, r], the same list in a dict value and a list argument) becomes ONE
 * runtime object, so that compiled code sees a change made through one path
 * through the other; after the call each such object is written back once,
 * into the same Python object, and a runtime object that came from an
 * argument converts back to that argument's object wherever it is found
 * (in another argument, in the result: `f(x) is x`).  Runtime objects that
 * several places hold (refcount > 1) become one Python object too.
 *
 * A Python container with a reference count of 1 can be reached only once
 * (through the one reference), so the memo records only containers with more
 * references, those of subclasses (written back in place, never replaced)
 * and the items of tuples (which cannot be written back themselves).  A
 * Dispatcher uses an identity only when its descriptors make sharing
 * possible (pjx_descriptors_need_identity): calls with scalars, strings or
 * one container of each kind never pay for it.
 *
 * One Python object reached as two different types (List[int] and
 * List[float]) cannot be one runtime object: it is converted twice when
 * nothing may change it, else the conversion fails with a conflict that the
 * caller reports as a TypeError naming both parameters.  A container that
 * holds itself is a conflict too (ValueError): compiled code cannot hold a
 * cycle. */
typedef struct {
    PyObject *py;        /* strong reference */
    pjx_object *rt;      /* strong reference; NULL until allocated */
    const char *desc;    /* the container's descriptor (inputs only) */
    int32_t desc_len;
    int16_t param;       /* the argument it was first reached from */
    uint8_t mutable_;    /* reached through an argument marked '!' */
    uint8_t filling;     /* its items are being converted */
    uint8_t input;       /* a caller's object (else made for a result) */
    uint8_t synced;      /* written back, or made from the runtime object */
    uint8_t borrowed;    /* an argument's: the call's slot holds rt, the caller py */
} pjx_identity_entry;

typedef struct {
    const void **keys;
    int32_t *values;
    size_t mask; /* capacity - 1; 0 while not allocated */
} pjx_ptr_index;

enum { PJX_CONFLICT_NONE, PJX_CONFLICT_TYPES, PJX_CONFLICT_CYCLE };

#define PJX_IDENTITY_INLINE 8
typedef struct {
    pjx_identity_entry *entries;
    int32_t n, cap;
    pjx_ptr_index by_py, by_rt; /* built beyond PJX_IDENTITY_INLINE entries */
    int32_t param;              /* the argument being converted */
    int32_t no_dict_cache;      /* some '!' argument may hold a dict */
    int32_t conflict;           /* PJX_CONFLICT_*, set with a MISMATCH */
    int32_t conflict_params[2];
    const char *conflict_descs[2];
    char conflict_kind;         /* 'l', 'd', 'e' */
    int32_t walked;             /* the unchanged arguments' insides are recorded */
    pjx_identity_entry inline_entries[PJX_IDENTITY_INLINE];
} pjx_identity;

/* Do these descriptors (parameters and result) make sharing possible?
 * NONE: no; ARGUMENTS: only among the arguments themselves (each a list,
 * dict or set holding no other) and the result, which the caller checks
 * by pointer (pjx_container_params), using an identity only for a call
 * that passes one object twice; DEEP: an identity for every call.
 * *no_dict_cache: whether the converted-dict cache must be bypassed. */
enum { PJX_IDENTITY_NONE, PJX_IDENTITY_ARGUMENTS, PJX_IDENTITY_DEEP };
int pjx_descriptors_need_identity(const char *const *params, Py_ssize_t n, const char *ret,
                                  int *no_dict_cache);
/* Bit i: parameter i (of the first 32) is a list, dict or set (or an
 * Optional one). */
uint32_t pjx_container_params(const char *const *params, Py_ssize_t n);
void pjx_identity_init(pjx_identity *id, int no_dict_cache);
void pjx_identity_release(pjx_identity *id);
/* pjx_from_python for argument `param` of a call. */
conversion pjx_from_python_in(PyObject *value, const char **desc, pjx_slot *slot,
                              pjx_identity *id, int param);
/* After the call: writes every runtime object reached through a '!'
 * argument back into its Python object, once.  -1 with a Python error. */
int pjx_identity_write_back(pjx_identity *id);
/* pjx_to_python for the result: argument objects come back as themselves. */
PyObject *pjx_to_python_in(pjx_slot slot, const char **desc, pjx_identity *id);
/* After a MISMATCH with id->conflict set: raises the TypeError (ValueError
 * for a cycle) naming the parameters (`names`, a tuple of str). */
void pjx_identity_conflict_error(const pjx_identity *id, PyObject *fname, PyObject *names);

/* ---- where a nested value did not match -------------------------------------
 * Between pjx_mismatch_watch() and pjx_mismatch_take(), a conversion that
 * meets an item of the wrong type inside the value notes where:
 * pjx_mismatch_take() then gives "[3]['k'][2]: expected int, got str" (to
 * follow the argument's name), or NULL when the value itself had the wrong
 * type (or nothing mismatched).  Only the slow path of a failed call asks,
 * so a call that converts pays nothing for it.  Guarded by the GIL. */
void pjx_mismatch_watch(void);
PyObject *pjx_mismatch_take(void);

#endif
