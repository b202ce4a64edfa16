/* Locks that serialise calls on shared state (libruntime/lock.c).
 *
 * Compiled code runs without the GIL, so two threads may call into one
 * compiled instance, or write back into one Python list, at the same time.
 * The hosts -- the Python bridge (pyjitx/_ext.c, _instance.c) and the C++
 * Session (session.hpp) -- take these locks around each call they make;
 * compiled code itself never does (a call from compiled code to compiled
 * code runs under the locks of the host call it is part of), so the
 * functions here are not in symbols.def.
 *
 * A lock is one 32-bit word: 0 when free, else the owning thread's token
 * (a small number given to each thread on first use) with bit 31 set while
 * another thread may be waiting.  Taking a free lock is one compare-and-
 * swap; releasing it is one exchange, plus a wake-up only when someone
 * waits (a futex on Linux).  A thread that already holds a lock "takes" it
 * again without counting: the outer call releases it, so a compiled method
 * that calls back into Python (pyjitx.pyfunc) which calls another method
 * of the same instance does not deadlock.
 *
 * Where the words are:
 *   - an instance of a compiled class: its header's `flags` word, which
 *     instances do not otherwise use (pjx_instance_lock_word);
 *   - any other address (a Python object a call writes back into, a
 *     runtime container a C++ host passes to an op that mutates it): one of
 *     a fixed table of stripes, by the address's hash.  Two objects may
 *     share a stripe; they are then serialised together, which costs time,
 *     never correctness.
 *
 * A call takes all its locks as one set, in address order (sorted, one
 * each), so two calls that need the same two locks cannot deadlock.
 *
 * Two protocols share the word.  Hosts without a lock of their own (the
 * C++ Session) use pjx_lockset_lock/release: a compare-and-swap and an
 * exchange.  The Python bridge takes and releases every lock while it
 * holds the GIL, which already orders those operations, so it reads and
 * writes the word with plain (relaxed) loads and stores -- an atomic
 * read-modify-write costs about 5 ns each on the machines measured, a
 * tenth of a whole call -- and only a waiter sleeps on the word without
 * the GIL (pjx_lock_sleep: the kernel compares it atomically).  Both
 * never meet on one word: a Python process's objects live in the bridge's
 * copy of the runtime, a C++ host's in libpyjitx_runtime.so. */
#ifndef PYJITX_LOCK_H
#define PYJITX_LOCK_H

#include "pyjitx/object.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PJX_LOCKSET_MAX 64
#define PJX_LOCK_CONTENDED 0x80000000u /* someone may sleep on the word */
#define PJX_LOCK_OWNER 0x7fffffffu     /* the owner's token */

typedef struct pjx_lockset {
    int32_t n;      /* words[0..n) */
    int32_t next;   /* the first word not yet handled by pjx_lockset_acquire */
    int32_t sorted; /* words are sorted and unique */
    int32_t full;   /* more than PJX_LOCKSET_MAX words were added */
    uint64_t taken; /* bit i: words[i] was taken by this set (so it releases it) */
    uint32_t *words[PJX_LOCKSET_MAX];
} pjx_lockset;

static inline void pjx_lockset_init(pjx_lockset *set) {
    set->n = 0;
    set->next = 0;
    set->sorted = 0;
    set->full = 0;
    set->taken = 0;
}

static inline uint32_t *pjx_instance_lock_word(pjx_instance *inst) { return &inst->ob.flags; }
/* The stripe that locks `address` (never NULL). */
PJX_EXPORT uint32_t *pjx_address_lock_word(const void *address);

static inline void pjx_lockset_add(pjx_lockset *set, uint32_t *word) {
    if (set->n < PJX_LOCKSET_MAX) set->words[set->n++] = word;
    else set->full = 1;
}
/* Adds the lock of `obj` when it is an instance of a compiled class
 * (NULL and other objects add nothing). */
static inline void pjx_lockset_add_instance(pjx_lockset *set, pjx_object *obj) {
    if (obj != NULL && obj->type_id == PJX_TYPE_INSTANCE)
        pjx_lockset_add(set, pjx_instance_lock_word((pjx_instance *)obj));
}

/* Takes the set's locks in address order without blocking, skipping those
 * this thread holds already.  0: all are held now.  1: the next one is
 * busy; call pjx_lockset_wait (which blocks until it has it: a Python host
 * releases the GIL around it), then pjx_lockset_acquire again.  A set
 * holds the locks it took until pjx_lockset_release. */
PJX_EXPORT int32_t pjx_lockset_acquire(pjx_lockset *set);
PJX_EXPORT void pjx_lockset_wait(pjx_lockset *set);
/* pjx_lockset_acquire and pjx_lockset_wait until every lock is held. */
PJX_EXPORT void pjx_lockset_lock(pjx_lockset *set);
/* Releases what the set took, and empties it. */
PJX_EXPORT void pjx_lockset_release(pjx_lockset *set);

/* One lock alone.  pjx_lock_try: 1 taken (release it), 0 held already by
 * this thread (do not release), -1 busy. */
PJX_EXPORT int32_t pjx_lock_try(uint32_t *word);
/* Blocks until this thread has the lock (which it did not hold). */
PJX_EXPORT void pjx_lock_wait(uint32_t *word);
PJX_EXPORT void pjx_lock_release(uint32_t *word);

/* The pieces a host that guards the words itself builds on (the bridge,
 * pyjitx/_instance.c): this thread's token (never 0), sleeping while
 * *word == value (or returning at once), waking one sleeper or all, and sorting a
 * set's words by address with each word once. */
PJX_EXPORT uint32_t pjx_lock_token(void);
PJX_EXPORT void pjx_lock_sleep(uint32_t *word, uint32_t value);
PJX_EXPORT void pjx_lock_wake_one(uint32_t *word);
PJX_EXPORT void pjx_lock_wake_all(uint32_t *word);
PJX_EXPORT void pjx_lockset_sort(pjx_lockset *set);

#ifdef __cplusplus
}
#endif
#endif
