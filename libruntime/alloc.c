/* The one allocation path of the runtime.  Every object allocated here is
 * counted, so leak tests can assert that the count returns to its start.
 *
 * Small blocks of known size (str objects, list headers and short item
 * arrays: the objects a text kernel makes and drops by the thousand) also
 * go through a per-thread cache: pjx_alloc_small(size) and
 * pjx_free_small(ptr, size) with the same size.  A freed block is parked on
 * its thread's list for its size class (16-byte steps up to 256 bytes, at
 * most PJX_SMALL_CAP per class) instead of going back to malloc; a parked
 * block is not live (pjx_live_objects does not count it).  Blocks are plain
 * malloc blocks of the class's full size, so a block allocated in one
 * thread may be parked in another, and pjx_free also accepts them.  A
 * thread's parked blocks are freed when it exits. */
#include "internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

static atomic_int_fast64_t live_objects;
/* Blocks that stay allocated for the life of the process on purpose (the
 * module constants compiled code builds once, pjx_keep_forever): not
 * counted as live, so they do not read as leaks. */
static atomic_int_fast64_t kept_forever;

static void count_net(int64_t delta);

void *pjx_alloc(size_t size) {
    void *ptr = malloc(size ? size : 1);
    if (ptr == NULL) {
        pjx_err_set(PJX_EXC_MEMORY, NULL);
        return NULL;
    }
    atomic_fetch_add_explicit(&live_objects, 1, memory_order_relaxed);
    count_net(1);
    return ptr;
}

void pjx_free(void *ptr) {
    if (ptr == NULL) return;
    atomic_fetch_sub_explicit(&live_objects, 1, memory_order_relaxed);
    count_net(-1);
    free(ptr);
}

/* ---- the per-thread small-block cache ------------------------------------ */
#define PJX_SMALL_CLASSES 16 /* class c holds blocks of 16 * c bytes, c = 1..16 */
#define PJX_SMALL_CAP 512

typedef struct small_cache {
    void *head[PJX_SMALL_CLASSES + 1];
    uint32_t count[PJX_SMALL_CLASSES + 1];
    /* this thread's share of the live count (small blocks only): written by
     * its thread alone, read by pjx_live_objects under registry_lock */
    int64_t live;
    /* blocks of every size allocated minus freed by this thread (its own
     * counter, for pjx_alloc_mark) */
    int64_t net;
    int registered;
    struct small_cache *next, **prev; /* in the registry */
} small_cache;

/* One pointer of initial-exec TLS (reached without a __tls_get_addr call
 * from a shared library; 8 bytes fit the static TLS surplus that glibc
 * keeps for dlopen'ed libraries) to the thread's heap-allocated cache. */
static __thread small_cache *thread_cache __attribute__((tls_model("initial-exec")));
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static int cache_key_ok;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static small_cache *registry;

static void cache_release(void *arg) {
    small_cache *c = arg;
    thread_cache = NULL;
    pthread_mutex_lock(&registry_lock);
    if (c->registered) {
        *c->prev = c->next;
        if (c->next) c->next->prev = c->prev;
        atomic_fetch_add_explicit(&live_objects, c->live, memory_order_relaxed);
        c->live = 0;
        c->registered = 0;
    }
    pthread_mutex_unlock(&registry_lock);
    for (int k = 1; k <= PJX_SMALL_CLASSES; k++) {
        void *p = c->head[k];
        while (p != NULL) {
            void *next = *(void **)p;
            free(p);
            p = next;
        }
        c->head[k] = NULL;
        c->count[k] = 0;
    }
    free(c);
}

static void cache_key_init(void) { cache_key_ok = pthread_key_create(&cache_key, cache_release) == 0; }

/* Enters this thread's cache in the registry (for pjx_live_objects) and
 * arranges for its parked blocks to be freed at thread exit; 0 if that is
 * not possible (the caller then goes through pjx_alloc / pjx_free). */
static small_cache *cache_register(void) {
    pthread_once(&cache_once, cache_key_init);
    if (!cache_key_ok) return NULL;
    small_cache *c = calloc(1, sizeof *c);
    if (c == NULL) return NULL;
    if (pthread_setspecific(cache_key, c) != 0) {
        free(c);
        return NULL;
    }
    pthread_mutex_lock(&registry_lock);
    c->next = registry;
    c->prev = &registry;
    if (registry) registry->prev = &c->next;
    registry = c;
    c->registered = 1;
    pthread_mutex_unlock(&registry_lock);
    thread_cache = c;
    return c;
}

int64_t pjx_live_objects(void) {
    pthread_mutex_lock(&registry_lock);
    int64_t n = (int64_t)atomic_load_explicit(&live_objects, memory_order_relaxed) -
                (int64_t)atomic_load_explicit(&kept_forever, memory_order_relaxed);
    for (small_cache *c = registry; c != NULL; c = c->next) n += __atomic_load_n(&c->live, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&registry_lock);
    return n;
}

static inline void count_live(small_cache *c, int64_t delta) {
    __atomic_store_n(&c->live, c->live + delta, __ATOMIC_RELAXED);
    c->net += delta;
}

static void count_net(int64_t delta) {
    small_cache *c = thread_cache;
    if (c != NULL) c->net += delta;
}

/* What this thread has allocated and not freed, in blocks, as a mark for
 * pjx_keep_forever: the blocks allocated between the two calls (and still
 * allocated) are kept for the life of the process and leave the live
 * count.  A nested mark/keep pair (a constant built inside another's
 * construction) moves its blocks out of the outer one's share. */
int64_t pjx_alloc_mark(void) {
    small_cache *c = thread_cache;
    if (c == NULL) c = cache_register();
    return c != NULL ? c->net : 0;
}

void pjx_keep_forever(int64_t mark) {
    small_cache *c = thread_cache;
    if (c == NULL) return;
    int64_t kept = c->net - mark;
    c->net = mark;
    atomic_fetch_add_explicit(&kept_forever, kept, memory_order_relaxed);
}

void *pjx_alloc_small(size_t size) {
    size_t k = (size + 15) >> 4;
    small_cache *c = thread_cache;
    if (k - 1 >= PJX_SMALL_CLASSES || (c == NULL && (c = cache_register()) == NULL))
        return pjx_alloc(size); /* 0 or large */
    void *p = c->head[k];
    if (p != NULL) {
        c->head[k] = *(void **)p;
        c->count[k]--;
    } else {
        p = malloc(k << 4);
        if (p == NULL) {
            pjx_err_set(PJX_EXC_MEMORY, NULL);
            return NULL;
        }
    }
    count_live(c, 1);
    return p;
}

void pjx_free_small(void *ptr, size_t size) {
    if (ptr == NULL) return;
    size_t k = (size + 15) >> 4;
    small_cache *c = thread_cache;
    if (k - 1 >= PJX_SMALL_CLASSES || c == NULL) {
        pjx_free(ptr);
        return;
    }
    count_live(c, -1);
    if (c->count[k] < PJX_SMALL_CAP) {
        *(void **)ptr = c->head[k];
        c->head[k] = ptr;
        c->count[k]++;
    } else {
        free(ptr);
    }
}
