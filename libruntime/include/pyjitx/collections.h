/* collections.Counter, OrderedDict, defaultdict and deque in the runtime.
 *
 * The three dict subclasses are pjx_dicts (so every dict operation, and
 * every runtime path that takes a dict, works on them) marked by a bit in
 * the header's flags; a defaultdict is a larger object that also holds its
 * default factory.  The marks decide what only the runtime can see: repr,
 * ==, a missing key read through an Any, and which Python type a value
 * becomes at the boundary.  Compiled code knows the flavour statically and
 * runs the methods written in the subset (pyjitx/stdlib/collections_impl.py).
 *
 * A deque is a list (same layout up to and including type_desc, so that
 * compiled code reads its size and items at the list's offsets) of its own
 * type id, whose items start `head` slots into their buffer: appendleft and
 * popleft move that start instead of the items, so both ends are O(1)
 * amortised.  Its own type id keeps list operations that a deque lacks
 * (sort, slicing, + with a list) from applying to it through an Any.
 *
 * Conventions are containers.h's. */
#ifndef PYJITX_COLLECTIONS_H
#define PYJITX_COLLECTIONS_H

#include "pyjitx/containers.h"

#ifdef __cplusplus
extern "C" {
#endif

/* pjx_dict.ob.flags */
#define PJX_DICT_COUNTER 1u
#define PJX_DICT_ORDERED 2u
#define PJX_DICT_DEFAULT 4u /* a pjx_defaultdict */

/* What a defaultdict's default_factory is.  Built-in factories are made by
 * the runtime itself (of the item kinds `desc`, the descriptor of the
 * values, says); a function or class compiled with the code that made the
 * dict is called by that code, which knows it statically: the runtime
 * keeps its name (for repr) and, for the boundary, how Python finds it. */
enum {
    PJX_FACTORY_NONE = 0, /* default_factory is None: a missing key is a KeyError */
    PJX_FACTORY_LIST, PJX_FACTORY_INT, PJX_FACTORY_FLOAT, PJX_FACTORY_STR, PJX_FACTORY_BYTES,
    PJX_FACTORY_BOOL, PJX_FACTORY_SET, PJX_FACTORY_DICT, PJX_FACTORY_TUPLE,
    PJX_FACTORY_COUNTER, PJX_FACTORY_ORDERED, PJX_FACTORY_DEQUE, PJX_FACTORY_DEFAULTDICT,
    PJX_FACTORY_COMPILED /* a function or class of compiled code (`source` below) */
};

typedef struct pjx_factory {
    int32_t code;       /* PJX_FACTORY_* */
    int32_t _pad;
    const char *desc;   /* the values' descriptor (runtime-owned) */
    const char *name;   /* its repr, "<class 'list'>" (runtime-owned) */
    /* PJX_FACTORY_COMPILED: "module\nqualname" of a module-level function or
     * class, or "module\n=lambda: ..." of a lambda that reads no local
     * (Python evaluates it in that module); NULL where Python has no such
     * object (runtime-owned) */
    const char *source;
} pjx_factory;

typedef struct pjx_defaultdict {
    pjx_dict dict;
    pjx_factory factory;
} pjx_defaultdict;

typedef struct pjx_deque {
    pjx_list list;
    int64_t head;   /* free slots before list.items in their buffer */
    int64_t maxlen; /* -1: unbounded */
} pjx_deque;

/* ---- the dict subclasses ---------------------------------------------- */
PJX_EXPORT pjx_dict *pjx_counter_new(int32_t key_kind, int32_t value_kind);
PJX_EXPORT pjx_dict *pjx_odict_new(int32_t key_kind, int32_t value_kind);
/* desc, name, source are copied into runtime-owned strings */
PJX_EXPORT pjx_dict *pjx_defaultdict_new(int32_t key_kind, int32_t value_kind, int32_t code,
                                         const char *desc, const char *name, const char *source);
/* dict(x) of any of them: a plain dict with the same items */
PJX_EXPORT pjx_dict *pjx_dict_plain_copy(pjx_dict *d);
/* c[key] of a Counter: the count, 0 (of the value kind) when missing */
PJX_EXPORT int32_t pjx_counter_get(pjx_dict *d, pjx_slot key, pjx_slot *out);
/* c[key] += n (int or float counts): one probe; OverflowError past 64 bits */
PJX_EXPORT int32_t pjx_counter_add(pjx_dict *d, pjx_slot key, int64_t n);
/* for x in items: c[x] += n (items of the keys' kind) */
PJX_EXPORT int32_t pjx_counter_update_list(pjx_dict *d, pjx_list *items, int64_t n);
/* del c[key]: no KeyError when missing */
PJX_EXPORT int32_t pjx_counter_delitem(pjx_dict *d, pjx_slot key);
/* d[key] of a defaultdict whose factory the runtime makes (a new
 * reference): the value, or a new default stored under key; KeyError for
 * a None factory, TypeError for a compiled one (compiled code calls those
 * itself). */
PJX_EXPORT int32_t pjx_defaultdict_getitem(pjx_dict *d, pjx_slot key, pjx_slot *out);
/* the value a built-in factory makes (a new reference); -1 as above */
PJX_EXPORT int32_t pjx_factory_make(const pjx_factory *f, pjx_slot *out);
PJX_EXPORT const pjx_factory *pjx_defaultdict_factory(const pjx_dict *d);
/* OrderedDict.move_to_end(key, last): KeyError when missing */
PJX_EXPORT int32_t pjx_odict_move_to_end(pjx_dict *d, pjx_slot key, int64_t last);
/* OrderedDict.popitem(last): a (key, value) tuple; KeyError 'dictionary is empty' */
PJX_EXPORT pjx_tuple *pjx_odict_popitem(pjx_dict *d, int64_t last);
/* Python's == of two dicts of which at least one is a Counter or an
 * OrderedDict (object.c and dict.c call it): Counters count a missing key
 * as 0; two OrderedDicts compare their order too.  0/1. */
int64_t pjx_flavoured_dict_eq(pjx_dict *a, pjx_dict *b);
/* repr of a flagged dict: Counter({...}) by most_common order,
 * OrderedDict([...]) (3.12: OrderedDict({...})), defaultdict(<f>, {...}) */
pjx_str *pjx_flavoured_dict_repr(pjx_dict *d);

/* ---- deque -------------------------------------------------------------- */
/* maxlen: PJX_NONE_INDEX for None; ValueError 'maxlen must be non-negative' */
PJX_EXPORT pjx_list *pjx_deque_new(int32_t kind, int64_t maxlen);
/* deque(items, maxlen): the last maxlen items */
PJX_EXPORT pjx_list *pjx_deque_from_list(pjx_list *items, int64_t maxlen);
/* maxlen as an Any: a boxed int, or NULL (None) */
PJX_EXPORT pjx_object *pjx_deque_maxlen(pjx_list *dq);
PJX_EXPORT int32_t pjx_deque_append(pjx_list *dq, pjx_slot item);
PJX_EXPORT int32_t pjx_deque_appendleft(pjx_list *dq, pjx_slot item);
/* the item's reference moves to *out; IndexError 'pop from an empty deque' */
PJX_EXPORT int32_t pjx_deque_pop(pjx_list *dq, pjx_slot *out);
PJX_EXPORT int32_t pjx_deque_popleft(pjx_list *dq, pjx_slot *out);
/* items may be dq itself */
PJX_EXPORT int32_t pjx_deque_extend(pjx_list *dq, pjx_list *items);
PJX_EXPORT int32_t pjx_deque_extendleft(pjx_list *dq, pjx_list *items);
PJX_EXPORT void pjx_deque_rotate(pjx_list *dq, int64_t n);
PJX_EXPORT void pjx_deque_clear(pjx_list *dq);
/* IndexError 'deque index out of range' */
PJX_EXPORT int32_t pjx_deque_get(pjx_list *dq, int64_t i, pjx_slot *out);
PJX_EXPORT int32_t pjx_deque_set(pjx_list *dq, int64_t i, pjx_slot value);
PJX_EXPORT int32_t pjx_deque_delitem(pjx_list *dq, int64_t i);
/* IndexError 'deque already at its maximum size' */
PJX_EXPORT int32_t pjx_deque_insert(pjx_list *dq, int64_t i, pjx_slot value);
/* ValueError '<x> is not in deque' */
PJX_EXPORT int32_t pjx_deque_remove(pjx_list *dq, pjx_slot x);
PJX_EXPORT int32_t pjx_deque_index(pjx_list *dq, pjx_slot x, int64_t start, int64_t stop,
                                   int64_t *out);
PJX_EXPORT pjx_list *pjx_deque_copy(pjx_list *dq);
/* dq + other (a new deque of dq's maxlen), dq * n, dq *= n */
PJX_EXPORT pjx_list *pjx_deque_concat(pjx_list *a, pjx_list *b);
PJX_EXPORT pjx_list *pjx_deque_repeat(pjx_list *dq, int64_t n);
PJX_EXPORT int32_t pjx_deque_inplace_repeat(pjx_list *dq, int64_t n);
pjx_str *pjx_deque_repr(pjx_list *dq);
/* an empty deque (maxlen -1: none) with room for `capacity` items, for the
 * boundary to fill */
pjx_list *pjx_deque_with_capacity(int32_t kind, int64_t maxlen, int64_t capacity);
void pjx_deque_dealloc(pjx_list *dq);
/* 0 where l is no deque */
static inline int64_t pjx_list_head(const pjx_list *l) {
    return l->ob.type_id == PJX_TYPE_DEQUE ? ((const pjx_deque *)l)->head : 0;
}

#ifdef __cplusplus
}
#endif
#endif
