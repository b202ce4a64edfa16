/* Interrupting compiled code (runtime.h, "interrupts").
 *
 * Compiled loops poll one process-wide word with a plain load and a branch
 * predicted not taken, so a long loop costs nothing measurable while no
 * interrupt is pending.  What an interrupt means is the host's business:
 * the Python bridge runs Python's signal handlers (pyjitx/_signals.c), a
 * C++ host may cancel; the runtime only keeps the word and the hook. */
#include "pyjitx/runtime.h"

#include <stdatomic.h>

/* Read by compiled code with a monotonic atomic load (an ordinary load on
 * x86-64); written here with atomics.  A plain int32_t for the ABI: the
 * compiler declares it as an external i32. */
int32_t pjx_signal_pending;

static _Atomic(pjx_signal_hook) signal_hook;

#define PENDING ((_Atomic int32_t *)&pjx_signal_pending)

void pjx_set_signal_hook(pjx_signal_hook hook) { atomic_store(&signal_hook, hook); }

void pjx_request_interrupt(void) { atomic_store(PENDING, 1); }

void pjx_clear_interrupt(void) { atomic_store(PENDING, 0); }

int32_t pjx_handle_pending_signals(void) {
    pjx_signal_hook hook = atomic_load(&signal_hook);
    if (hook == NULL) {
        /* no host to tell: nothing to do but stop asking */
        pjx_clear_interrupt();
        return 0;
    }
    return hook();
}
