/* functools.lru_cache / cache for compiled callers (lru_cache.c).
 *
 * Each cached function (per argument types) has one cache, found by name,
 * shared by every compiled caller in the process: a runtime dict from the
 * tuple of bound arguments to the result, kept in least-recently-used
 * order (the dict's insertion order: a hit moves its entry to the end, an
 * insertion past maxsize drops the first entry).  A mutex (recursive: a
 * key's hash may run code that calls a cached function again) serialises
 * every operation, since compiled code runs without the GIL.
 *
 * A call is: pjx_lru_lookup (hit or miss; a hit leaves the value with
 * the calling thread) -> pjx_lru_hit (takes it) or, after the call,
 * pjx_lru_store.  Caches are found by name and made by the first store,
 * so that the caller needs the result's kind only once it has the result. */
#ifndef PYJITX_LRU_CACHE_H
#define PYJITX_LRU_CACHE_H

#include "pyjitx/containers.h"

#ifdef __cplusplus
extern "C" {
#endif

/* *found = 1 when the cache called `name` holds `key` (its value kept for
 * pjx_lru_hit, and the entry made the most recent when maxsize >= 0),
 * else 0.  0, or -1 with the key's hashing error set. */
PJX_EXPORT int32_t pjx_lru_lookup(const char *name, pjx_tuple *key, int64_t maxsize,
                                  int64_t *found);
/* The value the calling thread's last hit found (a new reference). */
PJX_EXPORT int32_t pjx_lru_hit(pjx_slot *out);
/* cache[key] = value (the cache made, with values of value_kind, if new), then the oldest entries dropped past maxsize (-1:
 * unbounded).  0, or -1 with an error set. */
PJX_EXPORT int32_t pjx_lru_store(const char *name, int32_t value_kind, pjx_tuple *key,
                                 pjx_slot value, int64_t maxsize);
/* f.cache_clear() in compiled code: drops the caches whose names start
 * with `prefix` (one function's, for each of its argument types). */
PJX_EXPORT void pjx_lru_clear(const char *prefix);
/* Empties every cache (the bridge's pyjitx.runtime.clear_caches, and before
 * counting live objects).  Not for compiled code: not in the symbols. */
PJX_EXPORT void pjx_lru_clear_all(void);
/* How many entries all the caches hold (tests). */
PJX_EXPORT int64_t pjx_lru_entries(void);

#ifdef __cplusplus
}
#endif

#endif
