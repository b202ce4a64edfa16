/* Python objects for instances of compiled classes (_instance.c). */
#ifndef PYJITX_INSTANCE_H
#define PYJITX_INSTANCE_H

#include "_convert.h"

typedef struct {
    PyObject_HEAD
    pjx_instance *instance; /* one reference */
    PyObject *weakrefs;     /* weak references to this wrapper (pipelines
                             * keep constructor arguments while it lives) */
} pjx_py_instance;

extern PyTypeObject pjx_InstanceType;
extern PyMethodDef pjx_instance_functions[];

/* A new Python object for a runtime instance (takes its own reference),
 * of the Python type registered for the instance's class. */
PyObject *pjx_wrap_instance(pjx_instance *inst);
/* The runtime instance of a Python one whose class is `class_id` or a
 * subclass (a new reference into *slot); MISMATCH otherwise. */
conversion pjx_instance_from_python(PyObject *value, int64_t class_id, pjx_slot *slot);

#endif
