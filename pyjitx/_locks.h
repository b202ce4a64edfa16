/* Locks around calls from Python (pyjitx/lock.h has the words; _locks.c).
 *
 * A call from Python locks, for its whole duration, the compiled instances
 * it receives as arguments (self included) and the Python objects it may
 * write back into (parameters marked '!'), so that calls on one instance,
 * or mutating one Python list, run one at a time; attribute access from
 * Python locks the instance.  Every function here runs with the GIL held. */
#ifndef PYJITX_LOCKS_H
#define PYJITX_LOCKS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "pyjitx/lock.h"

/* Does a parameter of this descriptor take a lock (it may receive an
 * instance, or it is written back)? */
int pjx_descriptor_locks(const char *desc);
/* Adds the locks argument `arg` of a parameter of descriptor `desc` needs. */
void pjx_add_argument_locks(pjx_lockset *set, PyObject *arg, const char *desc);
/* Takes the set's locks, waiting for a busy one without the GIL (its
 * holder may need the GIL to finish: a pyfunc call, a write-back).  -1
 * with a Python error, holding none of them: too many objects to lock, or
 * waiting would never end (a deadlock between nested calls). */
int pjx_take_locks(pjx_lockset *set);
/* Releases what pjx_take_locks took. */
void pjx_release_locks(pjx_lockset *set);
/* One lock: 1 taken (give it back), 0 held already by this thread, -1
 * with a Python error (a deadlock). */
int pjx_take_lock(uint32_t *word);
void pjx_give_back_lock(uint32_t *word);

#endif
