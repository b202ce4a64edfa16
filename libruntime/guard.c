/* Bounds on the runtime's own recursion over nested values, as CPython
 * bounds its own:
 *
 *   - repr and comparisons recurse once per level of nesting.  A thread's
 *     nesting depth is counted (pjx_guard_enter) and passing the recursion
 *     limit raises RecursionError with CPython's messages, so a 100,000-deep
 *     list cannot overflow the C stack;
 *   - repr of a container that contains itself prints "[...]" / "{...}"
 *     (Py_ReprEnter): the containers whose repr is being built on this
 *     thread are listed;
 *   - deallocation: freeing the outer list of a 1,000,000-deep nest frees
 *     its item, which frees its item ...  Past PJX_TRASH_DEPTH nested frees,
 *     a container about to be freed is parked on a thread-local list
 *     instead, and the outermost free drains that list in a loop (CPython's
 *     "trashcan").  A dead object's reference count is no longer read, so
 *     that word links the list: parking needs no memory.
 *
 * Comparisons cannot fail in most of the runtime (== is int64 0/1), so a
 * comparison that runs out of depth sets the RecursionError, counts a
 * failure and answers "not equal"; the fallible entry points (pjx_list_equal,
 * richcompare, pjx_any_compare ...) compare the count before and after to
 * report it (pjx_compare_failed_since). */
#include "internal.h"

#include <stdlib.h>

#define PJX_TRASH_DEPTH 50
#define PJX_REPR_INLINE 16

typedef struct {
    int32_t depth;          /* nested repr / comparisons on this thread */
    int32_t dealloc_depth;  /* nested container frees */
    int64_t failures;       /* comparisons stopped by the depth limit */
    pjx_object *parked;     /* containers waiting to be freed */
    int32_t repr_n, repr_cap;
    pjx_object **repr_active; /* repr_inline, or the heap past it */
    pjx_object *repr_inline[PJX_REPR_INLINE];
} guard_state;

static _Thread_local guard_state tls_guard;

int32_t pjx_guard_enter(const char *where) {
    guard_state *g = &tls_guard;
    if (g->depth >= pjx_recursion_limit) {
        pjx_err_format(PJX_EXC_RECURSION, "maximum recursion depth exceeded%s", where);
        return -1;
    }
    g->depth++;
    return 0;
}

void pjx_guard_leave(void) { tls_guard.depth--; }

int32_t pjx_compare_enter(void) {
    if (pjx_guard_enter(" in comparison") == 0) return 0;
    tls_guard.failures++;
    return -1;
}

int64_t pjx_compare_failures(void) { return tls_guard.failures; }

int32_t pjx_compare_failed_since(int64_t failures) {
    /* (a RecursionError that compiled code caught inside an __eq__ was
     * counted but is no longer pending: that comparison went on) */
    return tls_guard.failures != failures && pjx_err_kind() == PJX_EXC_RECURSION;
}

/* ---- repr of self-references ------------------------------------------- */
int32_t pjx_repr_enter(pjx_object *o) {
    guard_state *g = &tls_guard;
    if (g->repr_active == NULL) {
        g->repr_active = g->repr_inline;
        g->repr_cap = PJX_REPR_INLINE;
    }
    for (int32_t i = g->repr_n - 1; i >= 0; i--)
        if (g->repr_active[i] == o) return 1;
    if (g->repr_n == g->repr_cap) {
        int32_t cap = g->repr_cap * 2;
        pjx_object **grown = malloc(sizeof *grown * (size_t)cap);
        if (grown == NULL) {
            pjx_err_set(PJX_EXC_MEMORY, NULL);
            return -1;
        }
        memcpy(grown, g->repr_active, sizeof *grown * (size_t)g->repr_n);
        if (g->repr_active != g->repr_inline) free(g->repr_active);
        g->repr_active = grown;
        g->repr_cap = cap;
    }
    g->repr_active[g->repr_n++] = o;
    return 0;
}

void pjx_repr_leave(pjx_object *o) {
    guard_state *g = &tls_guard;
    /* the innermost entry is o: reprs nest */
    if (g->repr_n > 0 && g->repr_active[g->repr_n - 1] == o) g->repr_n--;
    if (g->repr_n == 0 && g->repr_active != g->repr_inline && g->repr_active != NULL) {
        /* a deep repr grew the list: give it back rather than keep it for
         * the thread's life (nothing frees it at thread exit) */
        free(g->repr_active);
        g->repr_active = g->repr_inline;
        g->repr_cap = PJX_REPR_INLINE;
    }
}

/* ---- the trashcan -------------------------------------------------------- */
static void free_container(pjx_object *o) {
    switch (o->type_id) {
    case PJX_TYPE_LIST:
    case PJX_TYPE_DEQUE: pjx_list_dealloc((pjx_list *)o); break;
    case PJX_TYPE_DICT:
    case PJX_TYPE_SET: pjx_dict_dealloc((pjx_dict *)o); break;
    case PJX_TYPE_TUPLE: pjx_tuple_dealloc((pjx_tuple *)o); break;
    default: pjx_instance_dealloc((pjx_instance *)o); break;
    }
}

void pjx_container_dealloc(pjx_object *o) {
    guard_state *g = &tls_guard;
    if (g->dealloc_depth >= PJX_TRASH_DEPTH) {
        o->refcount = (int64_t)(intptr_t)g->parked;
        g->parked = o;
        return;
    }
    g->dealloc_depth++;
    free_container(o);
    if (g->dealloc_depth == 1) {
        /* the outermost free: what deeper ones parked, each freed from
         * here (parking again past the bound) until none is left */
        while (g->parked != NULL) {
            pjx_object *next = g->parked;
            g->parked = (pjx_object *)(intptr_t)next->refcount;
            free_container(next);
        }
    }
    g->dealloc_depth--;
}
