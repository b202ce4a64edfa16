/* Python objects for instances of compiled classes (_instance.c). */
#ifndef PYJITX_INSTANCE_H
#define PYJITX_INSTANCE_H

#include "_convert.h"
#include "pyjitx/lock.h"

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

/* ---- locks around calls (pyjitx/lock.h) --------------------------------
 * A call from Python locks, for its whole duration, the compiled instances
 * it receives as arguments (self included) and the Python objects it may
 * write back into (parameters marked '!'), so that calls on one instance,
 * or mutating one Python list, run one at a time. */

/* Does a parameter of this descriptor take a lock (it may receive an
 * instance, or it is written back)? */
int pjx_descriptor_locks(const char *desc);
/* Adds the locks argument `arg` of a parameter of descriptor `desc` needs. */
void pjx_add_argument_locks(pjx_lockset *set, PyObject *arg, const char *desc);
/* Takes the set's locks (the GIL held), waiting for a busy one without
 * the GIL (its holder may need the GIL to finish: a pyfunc call, a
 * write-back).  -1 with a Python error (too many objects to lock). */
int pjx_take_locks(pjx_lockset *set);
/* Releases what pjx_take_locks took (the GIL held). */
void pjx_release_locks(pjx_lockset *set);

#endif
