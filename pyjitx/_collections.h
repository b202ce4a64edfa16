/* collections.Counter, OrderedDict, defaultdict and deque at the boundary
 * (_collections.c). */
#ifndef PYJITX_COLLECTIONS_BRIDGE_H
#define PYJITX_COLLECTIONS_BRIDGE_H

#include "_convert_internal.h"
#include "pyjitx/collections.h"

enum { PJX_PY_COUNTER, PJX_PY_ORDERED, PJX_PY_DEFAULTDICT, PJX_PY_DEQUE, PJX_PY__COUNT };

/* collections.<type> (borrowed; NULL with an error if it cannot be imported) */
PyObject *pjx_py_collections_type(int which);
/* The runtime flags (collections.h) of a Python dict of that flavour; 0
 * for a plain dict or another subclass */
uint32_t pjx_py_dict_flags(PyObject *v);
int pjx_py_is_deque(PyObject *v);
/* The flags a descriptor letter asks for: 'K' Counter, 'O' OrderedDict,
 * 'D' defaultdict; 0 for 'd' (any flavour) */
uint32_t pjx_descriptor_dict_flags(char c);
/* The empty runtime dict for the Python dict `value` of these flags (its
 * factory read from it); NULL with a Python error */
pjx_dict *pjx_dict_for_python(PyObject *value, uint32_t flags, int32_t key_kind,
                              int32_t value_kind, const char *value_desc);
/* The empty Python dict (Counter, OrderedDict, defaultdict with its
 * factory) for the runtime dict d; NULL with a Python error */
PyObject *pjx_new_python_dict_for(const pjx_dict *d);
/* py[key] = value for a new dict of any of those flavours */
int pjx_python_dict_set(PyObject *py, PyObject *key, PyObject *value);
/* An empty collections.deque of dq's maxlen */
PyObject *pjx_new_python_deque(const pjx_list *dq);
/* Does writing back into target need pjx_write_collection (a deque, an
 * OrderedDict)? */
int pjx_needs_collection_write(PyObject *target);
/* target (a deque or an OrderedDict) made to hold what fresh (a list or a
 * dict) holds, through its own methods; -1 with an error */
int pjx_write_collection(PyObject *target, PyObject *fresh);
void pjx_clear_collections(void);
/* After a call: a defaultdict argument that compiled code read a missing
 * key of gained that key, as in CPython, though the function changes it
 * nowhere else (so it is not written back as a '!' argument): written
 * back when its runtime dict grew.  -1 with an error. */
int pjx_write_back_defaultdicts(PyObject *const *args, const pjx_slot *slots,
                                const char *const *descs, Py_ssize_t n);

/* The container a descriptor letter is a flavour of: 'd' for the dict
 * subclasses, 'l' for a deque ('Q'). */
static inline char pjx_container_letter(char c) {
    return c == 'K' || c == 'O' || c == 'D' ? 'd' : c == 'Q' ? 'l' : c;
}

#endif
