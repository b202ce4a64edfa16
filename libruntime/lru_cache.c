/* functools.lru_cache / cache for compiled callers: see
 * include/pyjitx/lru_cache.h for the protocol.
 *
 * The caches are found by name in a short linked list: a compiled caller
 * asks once per call, and the names are few (one per cached function and
 * argument types), so a list walk with strcmp is cheaper than anything
 * that needs hashing the name.  Each name is the caller's constant
 * string, copied here, so that a cache outlives the code that made it. */
#define _GNU_SOURCE /* (recursive mutexes under -std=c11) */
#include "pyjitx/lru_cache.h"
#include "pyjitx/collections.h"
#include "pyjitx/runtime.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct lru_entry {
    struct lru_entry *next;
    pjx_dict *dict;
    char name[];
} lru_entry;

static lru_entry *caches;
static pthread_mutex_t cache_lock;
static pthread_once_t cache_lock_once = PTHREAD_ONCE_INIT;

/* the value of the calling thread's last hit, until pjx_lru_hit takes it */
static _Thread_local pjx_slot hit_value;

static void cache_lock_init(void) {
    /* recursive: hashing a key that holds an Any may call into code that
     * calls a cached function again on this thread */
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&cache_lock, &attr);
    pthread_mutexattr_destroy(&attr);
}

static void lock(void) {
    pthread_once(&cache_lock_once, cache_lock_init);
    pthread_mutex_lock(&cache_lock);
}

static void unlock(void) { pthread_mutex_unlock(&cache_lock); }

/* The cache called `name` (borrowed: the list's), made with values of
 * value_kind when `make` and missing, else NULL.  Under the lock. */
static pjx_dict *find(const char *name, int32_t value_kind, int make) {
    for (lru_entry *e = caches; e != NULL; e = e->next)
        if (strcmp(e->name, name) == 0) return e->dict;
    if (!make) return NULL;
    size_t n = strlen(name);
    lru_entry *e = malloc(sizeof(lru_entry) + n + 1);
    pjx_dict *d = e != NULL ? pjx_dict_new(PJX_KIND_OBJ, value_kind) : NULL;
    if (d == NULL) {
        free(e);
        pjx_err_set(PJX_EXC_MEMORY, "");
        return NULL;
    }
    memcpy(e->name, name, n + 1);
    e->dict = d;
    e->next = caches;
    caches = e;
    return d;
}

int32_t pjx_lru_lookup(const char *name, pjx_tuple *key, int64_t maxsize, int64_t *found) {
    pjx_slot k = {0};
    k.o = (pjx_object *)key;
    pjx_slot value;
    lock();
    pjx_dict *cache = find(name, 0, 0);
    if (cache == NULL) {
        unlock();
        *found = 0;
        return 0;
    }
    int32_t status;
    if (maxsize >= 0) {
        /* bounded: a hit becomes the most recent entry (popped and put back
         * at the end of the dict's order, which is the eviction order) */
        status = pjx_dict_contains(cache, k);
        if (status == 1) {
            status = pjx_dict_pop(cache, k, &value) < 0 ? -1 : 1;
            if (status == 1 && pjx_dict_setitem(cache, k, value) < 0) {
                pjx_slot_decref(cache->value_kind, value);
                status = -1;
            }
        }
    } else {
        status = pjx_dict_lookup(cache, k, &value); /* (borrowed) */
        if (status == 1) pjx_slot_incref(cache->value_kind, value);
    }
    if (status == 1) {
        hit_value = value;
    }
    unlock();
    if (status < 0) return -1;
    *found = status;
    return 0;
}

int32_t pjx_lru_hit(pjx_slot *out) {
    *out = hit_value;
    hit_value.i = 0;
    return 0;
}

int32_t pjx_lru_store(const char *name, int32_t value_kind, pjx_tuple *key, pjx_slot value,
                      int64_t maxsize) {
    pjx_slot k = {0};
    k.o = (pjx_object *)key;
    lock();
    pjx_dict *cache = find(name, value_kind, 1);
    if (cache == NULL) {
        unlock();
        return -1;
    }
    int32_t status = pjx_dict_setitem(cache, k, value);
    while (status == 0 && maxsize >= 0 && cache->size > maxsize) {
        pjx_tuple *oldest = pjx_odict_popitem(cache, 0);
        if (oldest == NULL) {
            status = -1;
            break;
        }
        pjx_decref(oldest);
    }
    unlock();
    return status;
}

void pjx_lru_clear(const char *prefix) {
    size_t n = strlen(prefix);
    lru_entry *dropped = NULL;
    lock();
    for (lru_entry **at = &caches; *at != NULL;) {
        lru_entry *e = *at;
        if (strncmp(e->name, prefix, n) == 0) {
            *at = e->next;
            e->next = dropped;
            dropped = e;
        } else {
            at = &e->next;
        }
    }
    unlock();
    /* (freed outside the lock: a value's release runs no cached code, but
     * keeping the critical section short costs nothing) */
    while (dropped != NULL) {
        lru_entry *next = dropped->next;
        pjx_decref(dropped->dict);
        free(dropped);
        dropped = next;
    }
}

void pjx_lru_clear_all(void) {
    lock();
    lru_entry *e = caches;
    caches = NULL;
    unlock();
    while (e != NULL) {
        lru_entry *next = e->next;
        pjx_decref(e->dict);
        free(e);
        e = next;
    }
}

int64_t pjx_lru_entries(void) {
    int64_t n = 0;
    lock();
    for (lru_entry *e = caches; e != NULL; e = e->next) n += e->dict->size;
    unlock();
    return n;
}
