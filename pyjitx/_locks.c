/* The bridge's side of the locks around calls (_locks.h, pyjitx/lock.h).
 *
 * Every operation on a lock word here runs with the GIL held, which orders
 * them, so plain (relaxed) loads and stores do where a host without a GIL
 * needs compare-and-swap: an uncontended lock costs a load and a store to
 * take and to give back.  Only waiting happens without the GIL, sleeping on
 * the word (the kernel compares it atomically).
 *
 * Deadlocks.  A call takes its locks in address order, so calls made from
 * Python cannot deadlock each other.  Nested calls can: a method of `a`
 * calls a pyfunc that calls a method of `b` while another thread does the
 * reverse.  The GIL also orders the table of waiting threads below, so a
 * thread about to wait follows owner -> the word that owner waits for ->
 * its owner ..., and finding itself at the end raises RuntimeError instead
 * of waiting forever (as importlib's module locks do).  Every thread on
 * such a chain is waiting, and a waiting thread releases nothing, so a
 * cycle found is a real one; the last thread to close a cycle finds it.
 *
 * Fairness.  A lock released while others wait is handed to the one that
 * has waited longest (the word names it as owner before it wakes), never
 * left free: a waiter needs the GIL to take a free word, and the thread
 * that released it holds the GIL and would take the word again on its next
 * call, before any waiter could run -- a writer among busy readers waited
 * forever that way. */
#include "_locks.h"

int pjx_descriptor_locks(const char *desc) {
    int written_back = desc[0] == '!';
    desc += written_back;
    if (desc[0] == 'o' && desc[1] == '[') desc += 2;
    /* an instance, or an Any or a union that may hold one */
    int instance = desc[0] == 'c' || desc[0] == 'a' || desc[0] == 'u';
    return written_back + instance;
}

_Thread_local uint32_t pjx_lock_my_token __attribute__((tls_model("initial-exec")));

uint32_t pjx_lock_first_token(void) { return pjx_lock_my_token = pjx_lock_token(); }

static inline uint32_t load_word(uint32_t *word) {
    return __atomic_load_n(word, __ATOMIC_RELAXED);
}

static inline void store_word(uint32_t *word, uint32_t value) {
    __atomic_store_n(word, value, __ATOMIC_RELAXED);
}

/* ---- the threads that wait (under the GIL) ------------------------------ */

typedef struct {
    uint32_t token;
    uint32_t *word;
} waiter;

static waiter *waiters;
static Py_ssize_t nwaiters, waiters_capacity;

static uint32_t *waits_for(uint32_t t) {
    for (Py_ssize_t i = 0; i < nwaiters; i++)
        if (waiters[i].token == t) return waiters[i].word;
    return NULL;
}

/* Would this thread, waiting for `word`, wait forever? */
static int closes_cycle(uint32_t *word, uint32_t me) {
    for (Py_ssize_t steps = 0; steps <= nwaiters && word != NULL; steps++) {
        uint32_t owner = load_word(word) & PJX_LOCK_OWNER;
        if (owner == me) return 1;
        if (owner == 0) return 0;
        word = waits_for(owner);
    }
    return 0;
}

static int add_waiter(uint32_t me, uint32_t *word) {
    if (nwaiters == waiters_capacity) {
        Py_ssize_t capacity = waiters_capacity ? 2 * waiters_capacity : 8;
        waiter *grown = PyMem_RawRealloc(waiters, (size_t)capacity * sizeof(waiter));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        waiters = grown;
        waiters_capacity = capacity;
    }
    waiters[nwaiters].token = me;
    waiters[nwaiters].word = word;
    nwaiters++;
    return 0;
}

/* (keeps the order: the table is a queue, oldest first) */
static void remove_waiter_at(Py_ssize_t i) {
    memmove(&waiters[i], &waiters[i + 1], (size_t)(nwaiters - i - 1) * sizeof(waiter));
    nwaiters--;
}

static void remove_waiter(uint32_t me) {
    for (Py_ssize_t i = 0; i < nwaiters; i++) {
        if (waiters[i].token == me) {
            remove_waiter_at(i);
            return;
        }
    }
}

void pjx_hand_over_lock(uint32_t *word) {
    for (Py_ssize_t i = 0; i < nwaiters; i++) {
        if (waiters[i].word == word) {
            /* the mark stays: others may still wait for the word */
            store_word(word, waiters[i].token | PJX_LOCK_CONTENDED);
            remove_waiter_at(i);
            /* every sleeper on the word wakes and looks whose it is: a
             * futex cannot wake one chosen thread, and waiters are few */
            pjx_lock_wake_all(word);
            return;
        }
    }
    store_word(word, 0);
}

/* Takes a lock another thread holds: marks it contended, so that its
 * release wakes a sleeper, and sleeps without the GIL.  A thread that took
 * a lock after waiting keeps the mark (others may still sleep on it). */
int pjx_wait_for_lock(uint32_t *word, uint32_t me) {
    if (closes_cycle(word, me)) {
        PyErr_SetString(PyExc_RuntimeError,
                        "pyjitx: deadlock: this call needs an instance (or mutable argument) "
                        "that another thread holds while it waits for one this thread holds "
                        "(calls nested through pyjitx.pyfunc in opposite orders)");
        return -1;
    }
    if (add_waiter(me, word) < 0) return -1;
    for (;;) {
        uint32_t v = load_word(word);
        if ((v & PJX_LOCK_OWNER) == me) break; /* handed over (and out of the queue) */
        if (v == 0) { /* (free only if nobody queued was waiting) */
            store_word(word, me | PJX_LOCK_CONTENDED);
            remove_waiter(me);
            break;
        }
        v |= PJX_LOCK_CONTENDED;
        store_word(word, v);
        Py_BEGIN_ALLOW_THREADS
        pjx_lock_sleep(word, v);
        Py_END_ALLOW_THREADS
    }
    return 1;
}

int pjx_take_locks(pjx_lockset *set) {
    if (set->full) {
        PyErr_Format(PyExc_RuntimeError,
                     "pyjitx: one call can lock at most %d instances and mutable arguments",
                     PJX_LOCKSET_MAX);
        return -1;
    }
    if (set->n > 1) pjx_lockset_sort(set);
    for (int32_t i = 0; i < set->n; i++) {
        int rc = pjx_take_lock(set->words[i]);
        if (rc < 0) {
            set->next = i;
            pjx_release_locks(set);
            return -1;
        }
        if (rc > 0) set->taken |= 1ull << i;
    }
    set->next = set->n;
    return 0;
}

void pjx_release_locks(pjx_lockset *set) {
    for (int32_t i = set->n - 1; i >= 0; i--)
        if (set->taken >> i & 1) pjx_give_back_lock(set->words[i]);
    pjx_lockset_init(set);
}
