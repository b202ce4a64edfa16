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

#include "_instance.h"

/* How many locks a parameter of this descriptor may take: 1 when it may
 * receive an instance or is written back, 2 when both, else 0. */
int pjx_descriptor_locks(const char *desc);

/* Is `obj` a compiled instance?  (Most compiled classes derive from
 * Instance directly: one comparison before the walk of the MRO.) */
static inline int pjx_is_instance(PyObject *obj) {
    PyTypeObject *type = Py_TYPE(obj);
    return type->tp_base == &pjx_InstanceType || PyType_IsSubtype(type, &pjx_InstanceType);
}

/* The lock that argument `arg` of a parameter of descriptor `desc` needs,
 * or NULL: its instance's, or for a written-back object the object's.  (A
 * written-back Any that holds an instance needs both: see below.) */
static inline uint32_t *pjx_argument_lock_word(PyObject *arg, const char *desc) {
    if (desc[0] == '!') /* keyed by the Python object: what is written back */
        return arg == Py_None ? NULL : pjx_address_lock_word(arg);
    if (!pjx_is_instance(arg)) return NULL;
    pjx_instance *inst = ((pjx_py_instance *)arg)->instance;
    return inst == NULL ? NULL : pjx_instance_lock_word(inst);
}

/* Adds the locks argument `arg` of a parameter of descriptor `desc` needs
 * (two for a written-back Any or union that holds an instance). */
static inline void pjx_add_argument_locks(pjx_lockset *set, PyObject *arg, const char *desc) {
    uint32_t *word = pjx_argument_lock_word(arg, desc);
    if (word != NULL) pjx_lockset_add(set, word);
    if (desc[0] == '!' && pjx_descriptor_locks(desc) == 2) {
        word = pjx_argument_lock_word(arg, desc + 1);
        if (word != NULL) pjx_lockset_add(set, word);
    }
}

/* Takes the set's locks, waiting for a busy one without the GIL (its
 * holder may need the GIL to finish: a pyfunc call, a write-back).  -1
 * with a Python error, holding none of them: too many objects to lock, or
 * waiting would never end (a deadlock between nested calls). */
int pjx_take_locks(pjx_lockset *set);
/* Releases what pjx_take_locks took. */
void pjx_release_locks(pjx_lockset *set);
/* One lock: 1 taken (give it back), 0 held already by this thread, -1
 * with a Python error (a deadlock).  The uncontended path is inline: the
 * GIL orders every operation on the word, so a load and a store do. */
extern _Thread_local uint32_t pjx_lock_my_token __attribute__((tls_model("initial-exec")));
uint32_t pjx_lock_first_token(void);
/* The slow path: waits for a word another thread holds; 1, or -1. */
int pjx_wait_for_lock(uint32_t *word, uint32_t me);
/* Gives a word others wait for to the one waiting longest, and wakes it. */
void pjx_hand_over_lock(uint32_t *word);

static inline int pjx_take_lock(uint32_t *word) {
    uint32_t me = pjx_lock_my_token;
    if (me == 0) me = pjx_lock_first_token();
    uint32_t v = __atomic_load_n(word, __ATOMIC_RELAXED);
    if (v == 0) {
        __atomic_store_n(word, me, __ATOMIC_RELAXED);
        return 1;
    }
    if ((v & PJX_LOCK_OWNER) == me) return 0; /* an outer call of this thread has it */
    return pjx_wait_for_lock(word, me);
}

static inline void pjx_give_back_lock(uint32_t *word) {
    uint32_t v = __atomic_load_n(word, __ATOMIC_RELAXED);
    if (v & PJX_LOCK_CONTENDED) pjx_hand_over_lock(word);
    else __atomic_store_n(word, 0, __ATOMIC_RELAXED);
}

#endif
