/* Conversion of values between Python objects and runtime slots, driven by
 * boundary descriptors (see pyjitx/backend/abi.py, boundary_descriptor):
 *   i f b n   int float bool None (annotated: an int converts to float, ...)
 *   I F       exactly int / float (parameters specialised on the argument)
 *   s y       str bytes
 *   l[X] e[X] d[KV] t[X...]   list, set, dict, tuple of the item descriptors
 *   T[X] o[X] tuple of any length, Optional
 *   c[<id>:<name>]            an instance of compiled class <id> (or a subclass)
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
void pjx_skip_descriptor(const char **desc);
/* The runtime slot kind of a value of this descriptor. */
int32_t pjx_descriptor_kind(const char *desc);
/* Drops the cache of converted dicts (tests check live objects). */
void pjx_clear_conversion_cache(void);
/* Releases a converted slot of this descriptor. */
void pjx_release_slot(pjx_slot slot, const char *desc);

#endif
