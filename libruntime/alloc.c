/* The one allocation path of the runtime.  Every object allocated here is
 * counted, so leak tests can assert that the count returns to its start. */
#include "pyjitx/runtime.h"

#include <stdatomic.h>
#include <stdlib.h>

static atomic_int_fast64_t live_objects;

void *pjx_alloc(size_t size) {
    void *ptr = malloc(size ? size : 1);
    if (ptr == NULL) {
        pjx_err_set(PJX_EXC_MEMORY, NULL);
        return NULL;
    }
    atomic_fetch_add_explicit(&live_objects, 1, memory_order_relaxed);
    return ptr;
}

void pjx_free(void *ptr) {
    if (ptr == NULL) return;
    atomic_fetch_sub_explicit(&live_objects, 1, memory_order_relaxed);
    free(ptr);
}

int64_t pjx_live_objects(void) {
    return (int64_t)atomic_load_explicit(&live_objects, memory_order_relaxed);
}
