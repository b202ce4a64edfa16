/* Python's signal handlers while compiled code runs (_signals.c). */
#ifndef PYJITX_SIGNALS_H
#define PYJITX_SIGNALS_H

#include <Python.h>

#include <stdatomic.h>
#include <stdint.h>

/* The state of _signals.c that every call from Python reads (inline here:
 * a call pays a few plain loads and stores, no function call):
 * the thread's role (1 the main thread, 2 another, 0 not known yet), the
 * number of compiled calls the main thread is inside (written by the main
 * thread only), whether a chained signal came since the main thread last
 * ran the handlers, and whether the handlers must be chained again. */
extern __thread int8_t pjx_thread_role __attribute__((tls_model("initial-exec")));
extern atomic_int pjx_main_depth;
extern atomic_int pjx_signals_tripped;
extern atomic_int pjx_rechain_needed;
int pjx_signals_thread_role(void);
int pjx_signals_enter_slowly(int depth);

/* Around each call of compiled code, with the GIL held: enter returns 1 on
 * the main thread (after chaining the handlers if needed and running any
 * handler whose signal came just before: as CPython's loop would have,
 * since it set no word), 0 on another thread, -1 with a Python exception
 * set (a handler raised: the call must not run); leave takes what enter
 * returned.  Plain loads and stores, no locked instruction: the one race,
 * a signal handled on another thread in the few instructions between the
 * depth's store and the load of `tripped`, goes unseen by both sides and
 * its handler runs when the call returns, as without pyjitx.  (A handler
 * running on the main thread itself sees its own thread's store.) */
static inline int pjx_signals_enter(void) {
    int role = pjx_thread_role ? pjx_thread_role : pjx_signals_thread_role();
    if (role != 1) return 0;
    int depth = atomic_load_explicit(&pjx_main_depth, memory_order_relaxed);
    atomic_store_explicit(&pjx_main_depth, depth + 1, memory_order_relaxed);
    if (atomic_load_explicit(&pjx_rechain_needed, memory_order_relaxed) ||
        atomic_load_explicit(&pjx_signals_tripped, memory_order_relaxed))
        return pjx_signals_enter_slowly(depth);
    return 1;
}

static inline void pjx_signals_leave(int entered) {
    if (entered <= 0) return;
    int depth = atomic_load_explicit(&pjx_main_depth, memory_order_relaxed);
    atomic_store_explicit(&pjx_main_depth, depth - 1, memory_order_relaxed);
}

/* Around a pyfunc's call from compiled code, with the GIL held: enter
 * returns what leave takes. */
int pjx_signals_python_enter(void);
void pjx_signals_python_leave(int depth);

/* Sets the runtime's signal hook and adds _chain_signal/_signals_changed. */
int pjx_signals_init(PyObject *module);

#endif
