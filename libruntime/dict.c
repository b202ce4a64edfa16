/* dict and set: insertion-ordered hash tables over slots (object.h).
 *
 * CPython 3.6+'s compact layout: a sparse index of 2**k int32 cells (entry
 * numbers) probed with CPython's perturbation sequence, and a dense array
 * of entries in insertion order (hash -1 marks a deleted entry).
 *
 * Beside the index, one control byte per cell says whether the cell is
 * empty, a dummy (its entry was deleted) or full, and for a full cell
 * carries 7 bits of the key's hash (ctrl_tag).  A probe compares that byte
 * first and reads the index cell and the 32-byte entry only when it
 * matches: the control bytes of a 30k-word vocabulary fit in L2 while its
 * entries do not, so a lookup that misses -- which passes over full cells
 * of other keys until an empty one -- no longer costs a cache miss per
 * cell it passes.  The control bytes are the only record of which cells
 * are empty or dummies; an index cell is meaningful only where its control
 * byte says full.
 *
 * The index, the control bytes and the entries share one allocation, owned
 * through d->index.  Growing rebuilds them from the live entries, which
 * also compacts away deleted ones; the table is sized from the live count,
 * so a dict that lost most of its entries shrinks on its next rebuild. */
#include "any_internal.h"
#include "containers_internal.h"
#include "pyjitx/any.h"
#include "pyjitx/collections.h"

#include <string.h>

#define CTRL_EMPTY 0x00
#define CTRL_DUMMY 0x01
#define MIN_INDEX 8

/* The control byte of a full cell holding a key with this hash: the high
 * bit set (so never CTRL_EMPTY or CTRL_DUMMY) and 7 bits of the hash.  The
 * bits come from a multiplicative mix, so that they depend on every bit of
 * the hash: the low bits alone choose the first cell, and an int's hash is
 * the int itself, whose top bits are all equal for small ints. */
static inline uint8_t ctrl_tag(int64_t hash) {
    return (uint8_t)(0x80 | (((uint64_t)hash * 0x9E3779B97F4A7C15ull) >> 57));
}

static inline int keys_equal(int32_t kind, pjx_slot a, pjx_slot b) {
    switch (kind) {
    case PJX_KIND_INT:
    case PJX_KIND_BOOL: return a.i == b.i;
    case PJX_KIND_FLOAT: return a.f == b.f;
    case PJX_KIND_NONE: return 1;
    default:
        if (a.o == b.o) return 1;
        if (a.o == NULL || b.o == NULL) return 0; /* None (an Any's) and an object */
        if (a.o->type_id == PJX_TYPE_STR && b.o->type_id == PJX_TYPE_STR) {
            /* the hashes already matched: lengths and bytes decide */
            const pjx_str *x = (const pjx_str *)a.o, *y = (const pjx_str *)b.o;
            return x->nbytes == y->nbytes && memcmp(x->data, y->data, (size_t)x->nbytes) == 0;
        }
        return pjx_slot_eq(PJX_KIND_OBJ, a, b);
    }
}

/* A short str key's bytes and length in one word (0 for any other key):
 * two short keys are equal exactly when their tags are.  The length byte
 * is never 0, so no short key's tag is 0.  The bytes are gathered with
 * fixed-size loads that may overlap (two of 4 bytes, or three of 1): a
 * variable-length memcpy into the word compiles to byte stores that the
 * 8-byte read of the word then waits on (a failed store forward). */
static inline uint64_t key_tag(int32_t kind, pjx_slot key) {
    if (kind != PJX_KIND_OBJ || key.o == NULL || key.o->type_id != PJX_TYPE_STR) return 0;
    const pjx_str *s = (const pjx_str *)key.o;
    int64_t n = s->nbytes;
    if (n > 7) return 0;
    const unsigned char *p = (const unsigned char *)s->data;
    uint64_t tag = 0;
    if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + n - 4, 4); /* bytes n-4 .. n-1, overlapping lo */
        tag = (uint64_t)lo | (uint64_t)hi << ((n - 4) * 8);
    } else if (n > 0) {
        /* bytes 0, n/2 and n-1 cover all of 1 to 3 bytes */
        tag = (uint64_t)p[0] | (uint64_t)p[n / 2] << (n / 2 * 8) | (uint64_t)p[n - 1] << ((n - 1) * 8);
    }
    return tag | ((uint64_t)(n + 1) << 56);
}

/* Whether entry e, whose hash equals the key's, holds the key.  Two short
 * str keys are compared by their tags, without reading the key string;
 * the key's tag is computed here, only once a hash matched, because most
 * probes of a miss never get this far. */
static inline int entry_holds(int32_t kind, const pjx_dict_entry *e, pjx_slot key) {
    if (e->tag != 0) {
        uint64_t tag = key_tag(kind, key);
        if (tag != 0) return e->tag == tag;
    }
    return keys_equal(kind, e->key, key);
}

static inline int32_t key_hash(int32_t kind, pjx_slot key, int64_t *out) {
    /* (an OBJ key may be NULL: None as a key of a Dict[Any, ...]) */
    if (kind == PJX_KIND_OBJ && key.o != NULL && key.o->type_id == PJX_TYPE_STR) {
        int64_t h = __atomic_load_n(&((pjx_str *)key.o)->hash, __ATOMIC_RELAXED);
        *out = h != -1 ? h : pjx_str_hash((pjx_str *)key.o);
        return 0;
    }
    if (kind == PJX_KIND_INT) {
        *out = pjx_hash_int(key.i);
        return 0;
    }
    return pjx_slot_hash(kind, key, out);
}

static pjx_dict *table_new_sized(uint32_t type_id, int32_t key_kind, int32_t value_kind,
                                 size_t size) {
    pjx_dict *d = pjx_object_new(size, type_id);
    if (d == NULL) return NULL;
    d->size = 0;
    d->used = 0;
    d->capacity = 0;
    d->mask = 0;
    d->ctrl = NULL;
    d->index = NULL;
    d->entries = NULL;
    d->key_kind = key_kind;
    d->value_kind = value_kind;
    d->type_desc = NULL;
    return d;
}

static pjx_dict *table_new(uint32_t type_id, int32_t key_kind, int32_t value_kind) {
    return table_new_sized(type_id, key_kind, value_kind, sizeof(pjx_dict));
}

pjx_dict *pjx_dict_new_flagged(int32_t key_kind, int32_t value_kind, uint32_t flags) {
    pjx_dict *d = table_new_sized(PJX_TYPE_DICT, key_kind, value_kind,
                                  flags & PJX_DICT_DEFAULT ? sizeof(pjx_defaultdict)
                                                           : sizeof(pjx_dict));
    if (d == NULL) return NULL;
    d->ob.flags = flags;
    if (flags & PJX_DICT_DEFAULT) memset(&((pjx_defaultdict *)d)->factory, 0, sizeof(pjx_factory));
    return d;
}

pjx_dict *pjx_dict_new(int32_t key_kind, int32_t value_kind) {
    return table_new(PJX_TYPE_DICT, key_kind, value_kind);
}

pjx_dict *pjx_set_new(int32_t kind) { return table_new(PJX_TYPE_SET, kind, PJX_KIND_NONE); }

void pjx_dict_dealloc(pjx_dict *d) {
    for (int64_t i = 0; i < d->used; i++) {
        if (d->entries[i].hash == -1) continue;
        pjx_slot_decref(d->key_kind, d->entries[i].key);
        pjx_slot_decref(d->value_kind, d->entries[i].value);
    }
    pjx_free(d->index);
    pjx_free(d);
}

static int32_t table_rebuild_to(pjx_dict *d, int64_t n_index);

/* Rebuilds the table with room for at least `need` live entries, keeping
 * the live entries in order. */
static int32_t table_rebuild(pjx_dict *d, int64_t need) {
    int64_t n_index = MIN_INDEX;
    while (n_index * 2 / 3 < need && n_index < ((int64_t)1 << 32)) n_index *= 2;
    return table_rebuild_to(d, n_index);
}

/* Rebuilds the table when an insertion finds it full, to CPython's size
 * (dictobject.c's GROWTH_RATE: the smallest power of two from 8 up that is
 * at least three times the live entries).  The size matters beyond speed:
 * a rebuild moves the entries, and a loop over the dict that deletes and
 * re-adds keys sees "dictionary keys changed during iteration" where
 * CPython's does only if both rebuild at the same insertions. */
static int32_t table_grow(pjx_dict *d) {
    int64_t n_index = MIN_INDEX;
    while (n_index < d->size * 3 && n_index < ((int64_t)1 << 32)) n_index *= 2;
    return table_rebuild_to(d, n_index);
}

static int32_t table_rebuild_to(pjx_dict *d, int64_t n_index) {
    if (n_index > ((int64_t)1 << 31)) { /* int32 cells: entry numbers below 2**31 */
        pjx_err_set(PJX_EXC_MEMORY, NULL);
        return -1;
    }
    int64_t capacity = n_index * 2 / 3;
    /* the index, then the control bytes, then the entries, which stay
     * 8-byte aligned because n_index is a multiple of 8.  Only the control
     * bytes need clearing: an index cell is written when its cell fills. */
    size_t bytes = (sizeof(int32_t) + 1) * (size_t)n_index + sizeof(pjx_dict_entry) * (size_t)capacity;
    int32_t *index = pjx_alloc(bytes);
    if (index == NULL) return -1;
    uint8_t *ctrl = (uint8_t *)(index + n_index);
    memset(ctrl, CTRL_EMPTY, (size_t)n_index);
    pjx_dict_entry *entries = (pjx_dict_entry *)(ctrl + n_index);
    uint64_t mask = (uint64_t)n_index - 1;
    int64_t k = 0;
    for (int64_t i = 0; i < d->used; i++) {
        pjx_dict_entry *e = &d->entries[i];
        if (e->hash == -1) continue;
        entries[k] = *e;
        uint64_t perturb = (uint64_t)e->hash, j = (uint64_t)e->hash & mask;
        while (ctrl[j] != CTRL_EMPTY) {
            perturb >>= 5;
            j = (j * 5 + perturb + 1) & mask;
        }
        ctrl[j] = ctrl_tag(e->hash);
        index[j] = (int32_t)k++;
    }
    pjx_free(d->index);
    d->ctrl = ctrl;
    d->index = index;
    d->entries = entries;
    d->mask = (int64_t)mask;
    d->capacity = capacity;
    d->used = k;
    return 0;
}

/* The entry number of key (with its hash), or -1; *free_cell receives the
 * index cell where the key would go (the first dummy or the empty cell that
 * ended the probe), or -1 when the table has no index. */
static inline int64_t table_find(pjx_dict *d, pjx_slot key, int64_t hash, int64_t *free_cell) {
    *free_cell = -1;
    if (d->index == NULL) return -1;
    uint64_t mask = (uint64_t)d->mask;
    uint64_t perturb = (uint64_t)hash, j = (uint64_t)hash & mask;
    const uint8_t *ctrl = d->ctrl;
    const uint8_t want = ctrl_tag(hash);
    for (;;) {
        uint8_t c = ctrl[j];
        if (c == want) { /* only now read the index cell and the entry */
            int64_t ix = d->index[j];
            pjx_dict_entry *e = &d->entries[ix];
            if (e->hash == hash && entry_holds(d->key_kind, e, key)) return ix;
        } else if (c == CTRL_EMPTY) {
            if (*free_cell < 0) *free_cell = (int64_t)j;
            return -1;
        } else if (c == CTRL_DUMMY && *free_cell < 0) {
            *free_cell = (int64_t)j;
        }
        perturb >>= 5;
        j = (j * 5 + perturb + 1) & mask;
    }
}

/* Adds a key known to be absent; the table takes over both references.
 * `cell` comes from table_find (ignored after a rebuild). */
static int32_t table_insert_new(pjx_dict *d, int64_t hash, pjx_slot key, pjx_slot value, int64_t cell) {
    if (d->used >= d->capacity) {
        if (table_grow(d) < 0) {
            pjx_slot_decref(d->key_kind, key);
            pjx_slot_decref(d->value_kind, value);
            return -1;
        }
        uint64_t mask = (uint64_t)d->mask;
        uint64_t perturb = (uint64_t)hash, j = (uint64_t)hash & mask;
        while (d->ctrl[j] != CTRL_EMPTY) {
            perturb >>= 5;
            j = (j * 5 + perturb + 1) & mask;
        }
        cell = (int64_t)j;
    }
    pjx_dict_entry *e = &d->entries[d->used];
    e->hash = hash;
    e->key = key;
    e->value = value;
    e->tag = key_tag(d->key_kind, key);
    d->ctrl[cell] = ctrl_tag(hash);
    d->index[cell] = (int32_t)d->used++;
    d->size++;
    return 0;
}

/* d[key] = value with a known hash (borrowed key and value). */
static int32_t table_set(pjx_dict *d, int64_t hash, pjx_slot key, pjx_slot value) {
    int64_t cell;
    int64_t ix = table_find(d, key, hash, &cell);
    pjx_slot_incref(d->value_kind, value);
    if (ix >= 0) {
        pjx_slot old = d->entries[ix].value;
        d->entries[ix].value = value;
        pjx_slot_decref(d->value_kind, old);
        return 0;
    }
    pjx_slot_incref(d->key_kind, key);
    return table_insert_new(d, hash, key, value, cell);
}

/* Unlinks entry ix found at the index cell of the probe for hash; the
 * references move to the caller. */
static void table_unlink(pjx_dict *d, int64_t ix, int64_t hash) {
    uint64_t mask = (uint64_t)d->mask;
    uint64_t perturb = (uint64_t)hash, j = (uint64_t)hash & mask;
    const uint8_t want = ctrl_tag(hash);
    /* the control byte first: the index cell of a cell that is not full
     * holds a stale entry number (or was never written) */
    while (d->ctrl[j] != want || d->index[j] != ix) {
        perturb >>= 5;
        j = (j * 5 + perturb + 1) & mask;
    }
    d->ctrl[j] = CTRL_DUMMY;
    d->entries[ix].hash = -1;
    d->size--;
    /* (the entry stays, deleted, as in CPython: a loop over the dict that
     * meets a key added after a deletion can tell -- pjx_dict_iter_next) */
}

static void raise_key_error(int32_t kind, pjx_slot key) {
    pjx_str *r = pjx_slot_repr(kind, key);
    if (r == NULL) return;
    pjx_err_set(PJX_EXC_KEY, r->data);
    pjx_decref(r);
}

/* ---- dict --------------------------------------------------------------- */
int32_t pjx_dict_lookup(pjx_dict *d, pjx_slot key, pjx_slot *value_out) {
    int64_t hash, cell;
    if (key_hash(d->key_kind, key, &hash) < 0) return -1;
    int64_t ix = table_find(d, key, hash, &cell);
    if (ix < 0) return 0;
    if (value_out) *value_out = d->entries[ix].value;
    return 1;
}

int32_t pjx_dict_getitem(pjx_dict *d, pjx_slot key, pjx_slot *out) {
    int32_t found = pjx_dict_lookup(d, key, out);
    if (found < 0) return -1;
    if (found == 0) {
        /* a Counter or defaultdict held as a plain dict (passed where a
         * Dict is declared): its __missing__ still answers, as in CPython */
        if (d->ob.flags & PJX_DICT_COUNTER) return pjx_counter_get(d, key, out);
        if ((d->ob.flags & PJX_DICT_DEFAULT) &&
            ((pjx_defaultdict *)d)->factory.code != PJX_FACTORY_NONE)
            return pjx_defaultdict_getitem(d, key, out);
        raise_key_error(d->key_kind, key);
        return -1;
    }
    pjx_slot_incref(d->value_kind, *out);
    return 0;
}

int32_t pjx_dict_get(pjx_dict *d, pjx_slot key, pjx_slot dflt, pjx_slot *out) {
    int32_t found = pjx_dict_lookup(d, key, out);
    if (found < 0) return -1;
    if (found == 0) *out = dflt;
    pjx_slot_incref(d->value_kind, *out);
    return 0;
}

int32_t pjx_dict_get_optional(pjx_dict *d, pjx_slot key, pjx_object **out) {
    pjx_slot value;
    *out = NULL;
    int32_t found = pjx_dict_lookup(d, key, &value);
    if (found <= 0) return found; /* absent: None (NULL) */
    return pjx_any_pack(d->value_kind, value, out);
}

int32_t pjx_dict_contains(pjx_dict *d, pjx_slot key) { return pjx_dict_lookup(d, key, NULL); }

int32_t pjx_dict_setitem(pjx_dict *d, pjx_slot key, pjx_slot value) {
    int64_t hash;
    if (key_hash(d->key_kind, key, &hash) < 0) return -1;
    return table_set(d, hash, key, value);
}

/* Removes key; 1 with the references moved to *key_out / *value_out, 0 if
 * absent, -1 on error. */
static int32_t table_pop(pjx_dict *d, pjx_slot key, pjx_slot *key_out, pjx_slot *value_out) {
    int64_t hash, cell;
    if (key_hash(d->key_kind, key, &hash) < 0) return -1;
    int64_t ix = table_find(d, key, hash, &cell);
    if (ix < 0) return 0;
    *key_out = d->entries[ix].key;
    *value_out = d->entries[ix].value;
    table_unlink(d, ix, hash);
    return 1;
}

int32_t pjx_dict_delitem(pjx_dict *d, pjx_slot key) {
    pjx_slot k, v;
    int32_t found = table_pop(d, key, &k, &v);
    if (found < 0) return -1;
    if (found == 0 && (d->ob.flags & PJX_DICT_COUNTER)) return 0; /* Counter.__delitem__ */
    if (found == 0) {
        raise_key_error(d->key_kind, key);
        return -1;
    }
    pjx_slot_decref(d->key_kind, k);
    pjx_slot_decref(d->value_kind, v);
    return 0;
}

int32_t pjx_dict_pop(pjx_dict *d, pjx_slot key, pjx_slot *out) {
    pjx_slot k;
    int32_t found = table_pop(d, key, &k, out);
    if (found < 0) return -1;
    if (found == 0) {
        raise_key_error(d->key_kind, key);
        return -1;
    }
    pjx_slot_decref(d->key_kind, k);
    return 0;
}

int32_t pjx_dict_pop_default(pjx_dict *d, pjx_slot key, pjx_slot dflt, pjx_slot *out) {
    pjx_slot k;
    int32_t found = table_pop(d, key, &k, out);
    if (found < 0) return -1;
    if (found == 0) {
        *out = dflt;
        pjx_slot_incref(d->value_kind, dflt);
        return 0;
    }
    pjx_slot_decref(d->key_kind, k);
    return 0;
}

int32_t pjx_dict_popitem(pjx_dict *d, pjx_slot *key_out, pjx_slot *value_out) {
    if (d->size == 0) {
        pjx_err_set(PJX_EXC_KEY, "popitem(): dictionary is empty");
        return -1;
    }
    int64_t ix = d->used - 1;
    while (d->entries[ix].hash == -1) ix--; /* the last live entry (size > 0: there is one) */
    pjx_dict_entry *e = &d->entries[ix];
    *key_out = e->key;
    *value_out = e->value;
    table_unlink(d, ix, e->hash);
    /* As CPython's popitem, the trailing deleted entries are reused at once
     * (popping every item stays linear); the capacity shrinks with them so
     * that entries plus dummy index cells never exceed the index's 2/3 load
     * (the next rebuild restores it). */
    while (d->used > 0 && d->entries[d->used - 1].hash == -1) {
        d->used--;
        d->capacity--;
    }
    return 0;
}

pjx_tuple *pjx_dict_popitem_tuple(pjx_dict *d) {
    if (d->size == 0) {
        pjx_err_set(PJX_EXC_KEY, "popitem(): dictionary is empty");
        return NULL;
    }
    pjx_tuple *t = pjx_tuple_new(2);
    if (t == NULL) return NULL;
    pjx_slot k, v;
    pjx_dict_popitem(d, &k, &v);
    pjx_tuple_set_steal(t, 0, d->key_kind, k);
    pjx_tuple_set_steal(t, 1, d->value_kind, v);
    return t;
}

int32_t pjx_dict_setdefault(pjx_dict *d, pjx_slot key, pjx_slot dflt, pjx_slot *out) {
    int64_t hash, cell;
    if (key_hash(d->key_kind, key, &hash) < 0) return -1;
    int64_t ix = table_find(d, key, hash, &cell);
    if (ix >= 0) {
        *out = d->entries[ix].value;
    } else {
        pjx_slot_incref(d->key_kind, key);
        pjx_slot_incref(d->value_kind, dflt);
        if (table_insert_new(d, hash, key, dflt, cell) < 0) return -1;
        *out = dflt;
    }
    pjx_slot_incref(d->value_kind, *out);
    return 0;
}

int32_t pjx_dict_update(pjx_dict *d, pjx_dict *other) {
    if (d == other) return 0;
    if (other->size == 0) return 0;
    int64_t other_index = other->mask + 1;
    if (d->size == 0 && other->used == other->size &&
        (other_index == MIN_INDEX || (other_index / 2) * 2 / 3 < other->size)) {
        /* into an empty dict, CPython's dict_merge copies a compact other's
         * table whole: a table of the other's size, entries from 0 (a loop
         * over `d` then finds no entry past where it was) */
        if (table_rebuild_to(d, other_index) < 0) return -1;
    } else if (d->capacity < other->size && table_rebuild(d, d->size + other->size) < 0) {
        /* (one rebuild ahead where the table could never hold the other's
         * entries, as dict_merge; else each insertion grows it as needed,
         * at the insertion CPython's would) */
        return -1;
    }
    for (int64_t i = 0; i < other->used; i++) {
        pjx_dict_entry *e = &other->entries[i];
        if (e->hash == -1) continue;
        if (table_set(d, e->hash, e->key, e->value) < 0) return -1;
    }
    return 0;
}

int32_t pjx_dict_ior(pjx_dict *a, pjx_dict *b) { return pjx_dict_update(a, b); }

/* A copy of d's items in a new dict of the given flags (a defaultdict's
 * copy keeps its factory). */
static pjx_dict *copy_as(pjx_dict *d, uint32_t flags) {
    pjx_dict *r = d->ob.type_id == PJX_TYPE_SET ? table_new(PJX_TYPE_SET, d->key_kind, d->value_kind)
                                                : pjx_dict_new_flagged(d->key_kind, d->value_kind, flags);
    if (r == NULL) return NULL;
    if (flags & PJX_DICT_DEFAULT)
        ((pjx_defaultdict *)r)->factory = ((pjx_defaultdict *)d)->factory;
    if (d->size == 0) return r;
    pjx_dict tmp = *d; /* rebuild a compact copy of d's table into r */
    r->entries = tmp.entries;
    r->used = tmp.used;
    r->ctrl = NULL;
    r->index = NULL;
    if (table_rebuild(r, d->size) < 0) {
        r->used = 0;
        r->entries = NULL;
        pjx_decref(r);
        return NULL;
    }
    r->size = d->size;
    for (int64_t i = 0; i < r->used; i++) {
        pjx_slot_incref(r->key_kind, r->entries[i].key);
        pjx_slot_incref(r->value_kind, r->entries[i].value);
    }
    return r;
}

/* (the copy of a Counter, OrderedDict or defaultdict is one too: their
 * copy() and | return their own type) */
pjx_dict *pjx_dict_copy(pjx_dict *d) { return copy_as(d, d->ob.flags); }

pjx_dict *pjx_dict_plain_copy(pjx_dict *d) { return copy_as(d, 0); }

pjx_dict *pjx_dict_or(pjx_dict *a, pjx_dict *b) {
    pjx_dict *r = pjx_dict_copy(a);
    if (r == NULL) return NULL;
    if (pjx_dict_update(r, b) < 0) {
        pjx_decref(r);
        return NULL;
    }
    return r;
}

void pjx_dict_clear(pjx_dict *d) {
    int32_t *index = d->index;
    pjx_dict_entry *entries = d->entries;
    int64_t used = d->used;
    d->ctrl = NULL;
    d->index = NULL;
    d->entries = NULL;
    d->size = d->used = d->capacity = d->mask = 0;
    for (int64_t i = 0; i < used; i++) {
        if (entries[i].hash == -1) continue;
        pjx_slot_decref(d->key_kind, entries[i].key);
        pjx_slot_decref(d->value_kind, entries[i].value);
    }
    pjx_free(index);
}

static pjx_list *entries_list(pjx_dict *d, int values) {
    int32_t kind = values ? d->value_kind : d->key_kind;
    pjx_list *l = pjx_list_new(kind, d->size);
    if (l == NULL) return NULL;
    int64_t k = 0;
    for (int64_t i = 0; i < d->used; i++) {
        pjx_dict_entry *e = &d->entries[i];
        if (e->hash == -1) continue;
        l->items[k] = values ? e->value : e->key;
        pjx_slot_incref(kind, l->items[k]);
        k++;
    }
    l->size = k;
    return l;
}

pjx_list *pjx_dict_keys(pjx_dict *d) { return entries_list(d, 0); }

pjx_list *pjx_dict_values(pjx_dict *d) { return entries_list(d, 1); }

pjx_list *pjx_dict_items(pjx_dict *d) {
    pjx_list *l = pjx_list_new(PJX_KIND_OBJ, d->size);
    if (l == NULL) return NULL;
    l->elem_type_id = PJX_TYPE_TUPLE;
    for (int64_t i = 0; i < d->used; i++) {
        pjx_dict_entry *e = &d->entries[i];
        if (e->hash == -1) continue;
        pjx_tuple *t = pjx_tuple_new(2);
        if (t == NULL) {
            pjx_decref(l);
            return NULL;
        }
        pjx_slot_incref(d->key_kind, e->key);
        pjx_slot_incref(d->value_kind, e->value);
        pjx_tuple_set_steal(t, 0, d->key_kind, e->key);
        pjx_tuple_set_steal(t, 1, d->value_kind, e->value);
        l->items[l->size++].o = &t->ob;
    }
    return l;
}

/* Entry number of a key taken from another table of the same key kind. */
static inline int64_t find_hashed(pjx_dict *d, pjx_slot key, int64_t hash) {
    int64_t cell;
    return table_find(d, key, hash, &cell);
}

/* Entry number of a key (with its hash) taken from a table of key kind
 * `kind`, which may differ from d's: two tables of different kinds meet in
 * ==, subsets and the like ({1, 2} == {1.0, 2}, a Set[int] made in compiled
 * code and a set from Python, whose items are Any).  The key is probed into
 * d's kind as an Any would be (1 == 1.0 == True); an unboxed key becomes a
 * box on the stack, immortal so that nothing counts it, for the probe. */
static int64_t find_from(pjx_dict *d, int32_t kind, pjx_slot key, int64_t hash) {
    if (kind == d->key_kind) return find_hashed(d, key, hash);
    pjx_box box;
    pjx_object *any;
    if (kind == PJX_KIND_OBJ) {
        any = key.o;
    } else if (kind == PJX_KIND_NONE) {
        any = NULL;
    } else {
        box.ob.refcount = -1;
        box.ob.type_id = kind == PJX_KIND_INT ? PJX_TYPE_INT
                       : kind == PJX_KIND_FLOAT ? PJX_TYPE_FLOAT : PJX_TYPE_BOOL;
        box.ob.flags = 0;
        box.value = key;
        any = &box.ob;
    }
    pjx_slot probe;
    if (!pjx_any_probe(any, d->key_kind, &probe)) return -1;
    return find_hashed(d, probe, hash);
}

static int64_t dict_eq(pjx_dict *a, pjx_dict *b) {
    for (int64_t i = 0; i < a->used; i++) {
        pjx_dict_entry *e = &a->entries[i];
        if (e->hash == -1) continue;
        int64_t ix = find_from(b, a->key_kind, e->key, e->hash);
        if (ix < 0) return 0;
        if (!pjx_slot_eq_mixed(a->value_kind, e->value, b->value_kind, b->entries[ix].value)) return 0;
    }
    return 1;
}

/* Dicts of objects nest (and hold themselves): == counts its depth as
 * lists' does (list.c). */
int64_t pjx_dict_eq_impl(pjx_dict *a, pjx_dict *b) {
    if (a == b) return 1;
    if (a->ob.type_id != b->ob.type_id) return 0;
    if (a->ob.type_id == PJX_TYPE_DICT &&
        (((a->ob.flags & b->ob.flags) & (PJX_DICT_COUNTER | PJX_DICT_ORDERED)) != 0))
        return pjx_flavoured_dict_eq(a, b);
    if (a->size != b->size) return 0;
    int guarded = a->size > 0 && (a->value_kind == PJX_KIND_OBJ || a->key_kind == PJX_KIND_OBJ);
    if (guarded && pjx_compare_enter() < 0) return 0;
    int64_t equal = dict_eq(a, b);
    if (guarded) pjx_guard_leave();
    return equal;
}

int64_t pjx_dict_eq(pjx_dict *a, pjx_dict *b) { return pjx_dict_eq_impl(a, b); }

int32_t pjx_dict_equal(pjx_dict *a, pjx_dict *b) {
    int64_t failures = pjx_compare_failures();
    int64_t equal = pjx_dict_eq_impl(a, b);
    return pjx_compare_failed_since(failures) ? -1 : (int32_t)equal;
}

int64_t pjx_dict_next(pjx_dict *d, int64_t *pos, pjx_slot *key, pjx_slot *value) {
    int64_t i = *pos;
    while (i < d->used && d->entries[i].hash == -1) i++;
    if (i >= d->used) {
        *pos = i;
        return 0;
    }
    if (key) *key = d->entries[i].key;
    if (value) *value = d->entries[i].value;
    *pos = i + 1;
    return 1;
}

int32_t pjx_dict_check_size(pjx_dict *d, int64_t expected_size) {
    if (d->size == expected_size) return 0;
    pjx_err_set(PJX_EXC_RUNTIME, d->ob.type_id == PJX_TYPE_SET ? "Set changed size during iteration"
                                                                : "dictionary changed size during iteration");
    return -1;
}

int32_t pjx_dict_iter_next(pjx_dict *d, int64_t size0, int64_t pos, int64_t remaining,
                           int64_t *out) {
    if (pjx_dict_check_size(d, size0) < 0) return -1;
    int64_t i = pos;
    while (i < d->used && d->entries[i].hash == -1) i++;
    if (i >= d->used) {
        *out = -1;
        return 0;
    }
    if (remaining <= 0) {
        if (d->ob.type_id == PJX_TYPE_SET) {
            *out = -1;
            return 0;
        }
        pjx_err_set(PJX_EXC_RUNTIME, "dictionary keys changed during iteration");
        return -1;
    }
    *out = i;
    return 0;
}

int32_t pjx_dict_entry_key(pjx_dict *d, int64_t i, pjx_slot *out) {
    *out = d->entries[i].key;
    pjx_slot_incref(d->key_kind, *out);
    return 0;
}

int32_t pjx_dict_entry_value(pjx_dict *d, int64_t i, pjx_slot *out) {
    *out = d->entries[i].value;
    pjx_slot_incref(d->value_kind, *out);
    return 0;
}

/* ---- set ---------------------------------------------------------------- */
static const pjx_slot NO_VALUE = {.bits = 0};

int32_t pjx_set_add(pjx_dict *s, pjx_slot key) {
    int64_t hash, cell;
    if (key_hash(s->key_kind, key, &hash) < 0) return -1;
    if (table_find(s, key, hash, &cell) >= 0) return 0;
    pjx_slot_incref(s->key_kind, key);
    return table_insert_new(s, hash, key, NO_VALUE, cell);
}

int32_t pjx_set_contains(pjx_dict *s, pjx_slot key) { return pjx_dict_lookup(s, key, NULL); }

int32_t pjx_set_discard(pjx_dict *s, pjx_slot key) {
    pjx_slot k, v;
    int32_t found = table_pop(s, key, &k, &v);
    if (found < 0) return -1;
    if (found) pjx_slot_decref(s->key_kind, k);
    return 0;
}

int32_t pjx_set_remove(pjx_dict *s, pjx_slot key) {
    pjx_slot k, v;
    int32_t found = table_pop(s, key, &k, &v);
    if (found < 0) return -1;
    if (found == 0) {
        raise_key_error(s->key_kind, key);
        return -1;
    }
    pjx_slot_decref(s->key_kind, k);
    return 0;
}

int32_t pjx_set_pop(pjx_dict *s, pjx_slot *out) {
    if (s->size == 0) {
        pjx_err_set(PJX_EXC_KEY, "pop from an empty set");
        return -1;
    }
    pjx_slot v;
    return pjx_dict_popitem(s, out, &v);
}

pjx_dict *pjx_set_copy(pjx_dict *s) { return pjx_dict_copy(s); }

void pjx_set_clear(pjx_dict *s) { pjx_dict_clear(s); }

int32_t pjx_set_update(pjx_dict *s, pjx_dict *other) {
    if (s == other) return 0;
    for (int64_t i = 0; i < other->used; i++) {
        pjx_dict_entry *e = &other->entries[i];
        if (e->hash == -1) continue;
        int64_t cell;
        if (table_find(s, e->key, e->hash, &cell) >= 0) continue;
        pjx_slot_incref(s->key_kind, e->key);
        if (table_insert_new(s, e->hash, e->key, NO_VALUE, cell) < 0) return -1;
    }
    return 0;
}

int32_t pjx_set_update_list(pjx_dict *s, pjx_list *items) {
    for (int64_t i = 0; i < items->size; i++)
        if (pjx_set_add(s, items->items[i]) < 0) return -1;
    return 0;
}

pjx_dict *pjx_set_union(pjx_dict *a, pjx_dict *b) {
    pjx_dict *r = pjx_dict_copy(a);
    if (r == NULL) return NULL;
    if (pjx_set_update(r, b) < 0) {
        pjx_decref(r);
        return NULL;
    }
    return r;
}

/* The items of a that are (keep_present=1) or are not (0) in b, in a's order. */
static pjx_dict *set_filter(pjx_dict *a, pjx_dict *b, int keep_present, pjx_dict *into) {
    pjx_dict *r = into ? into : pjx_set_new(a->key_kind);
    if (r == NULL) return NULL;
    for (int64_t i = 0; i < a->used; i++) {
        pjx_dict_entry *e = &a->entries[i];
        if (e->hash == -1) continue;
        if ((find_from(b, a->key_kind, e->key, e->hash) >= 0) != keep_present) continue;
        int64_t cell;
        if (table_find(r, e->key, e->hash, &cell) >= 0) continue;
        pjx_slot_incref(r->key_kind, e->key);
        if (table_insert_new(r, e->hash, e->key, NO_VALUE, cell) < 0) {
            if (!into) pjx_decref(r);
            return NULL;
        }
    }
    return r;
}

pjx_dict *pjx_set_intersection(pjx_dict *a, pjx_dict *b) { return set_filter(a, b, 1, NULL); }

pjx_dict *pjx_set_difference(pjx_dict *a, pjx_dict *b) { return set_filter(a, b, 0, NULL); }

pjx_dict *pjx_set_symmetric_difference(pjx_dict *a, pjx_dict *b) {
    pjx_dict *r = set_filter(a, b, 0, NULL);
    if (r == NULL) return NULL;
    if (set_filter(b, a, 0, r) == NULL) {
        pjx_decref(r);
        return NULL;
    }
    return r;
}

/* Moves r's table into s (s's old contents are released); consumes r. */
static void set_take(pjx_dict *s, pjx_dict *r) {
    pjx_dict old = *s;
    s->size = r->size;
    s->used = r->used;
    s->capacity = r->capacity;
    s->mask = r->mask;
    s->ctrl = r->ctrl;
    s->index = r->index;
    s->entries = r->entries;
    r->size = old.size;
    r->used = old.used;
    r->capacity = old.capacity;
    r->mask = old.mask;
    r->ctrl = old.ctrl;
    r->index = old.index;
    r->entries = old.entries;
    pjx_decref(r);
}

int32_t pjx_set_intersection_update(pjx_dict *a, pjx_dict *b) {
    if (a == b) return 0;
    pjx_dict *r = set_filter(a, b, 1, NULL);
    if (r == NULL) return -1;
    set_take(a, r);
    return 0;
}

int32_t pjx_set_difference_update(pjx_dict *a, pjx_dict *b) {
    if (a == b) {
        pjx_dict_clear(a);
        return 0;
    }
    for (int64_t i = 0; i < b->used; i++) {
        pjx_dict_entry *e = &b->entries[i];
        if (e->hash == -1) continue;
        int64_t ix = find_from(a, b->key_kind, e->key, e->hash);
        if (ix < 0) continue;
        pjx_slot k = a->entries[ix].key;
        table_unlink(a, ix, e->hash);
        pjx_slot_decref(a->key_kind, k);
    }
    return 0;
}

int32_t pjx_set_symmetric_difference_update(pjx_dict *a, pjx_dict *b) {
    if (a == b) {
        pjx_dict_clear(a);
        return 0;
    }
    pjx_dict *r = pjx_set_symmetric_difference(a, b);
    if (r == NULL) return -1;
    set_take(a, r);
    return 0;
}

int64_t pjx_set_issubset(pjx_dict *a, pjx_dict *b) {
    if (a->size > b->size) return 0;
    for (int64_t i = 0; i < a->used; i++) {
        pjx_dict_entry *e = &a->entries[i];
        if (e->hash != -1 && find_from(b, a->key_kind, e->key, e->hash) < 0) return 0;
    }
    return 1;
}

int64_t pjx_set_issuperset(pjx_dict *a, pjx_dict *b) { return pjx_set_issubset(b, a); }

int64_t pjx_set_isdisjoint(pjx_dict *a, pjx_dict *b) {
    if (a->size > b->size) {
        pjx_dict *t = a;
        a = b;
        b = t;
    }
    for (int64_t i = 0; i < a->used; i++) {
        pjx_dict_entry *e = &a->entries[i];
        if (e->hash != -1 && find_from(b, a->key_kind, e->key, e->hash) >= 0) return 0;
    }
    return 1;
}

int64_t pjx_set_eq(pjx_dict *a, pjx_dict *b) { return pjx_dict_eq_impl(a, b); }

/* ---- OrderedDict (collections.h) ------------------------------------------ */
int32_t pjx_odict_move_to_end(pjx_dict *d, pjx_slot key, int64_t last) {
    pjx_slot k, v;
    int64_t hash;
    if (key_hash(d->key_kind, key, &hash) < 0) return -1;
    int32_t found = table_pop(d, key, &k, &v);
    if (found < 0) return -1;
    if (found == 0) {
        raise_key_error(d->key_kind, key);
        return -1;
    }
    if (last) { /* the entry again at the end (the references go back in) */
        int64_t cell;
        table_find(d, k, hash, &cell);
        return table_insert_new(d, hash, k, v, cell);
    }
    /* to the front: the live entries rebuilt with this one first (O(n),
     * where CPython's linked list is O(1); move_to_end(k, last=False) is
     * the rare direction) */
    pjx_dict tmp = *d;
    pjx_dict_entry *entries = pjx_alloc(sizeof(pjx_dict_entry) * (size_t)(d->size + 1));
    if (entries == NULL) {
        pjx_slot_decref(d->key_kind, k);
        pjx_slot_decref(d->value_kind, v);
        return -1;
    }
    entries[0] = (pjx_dict_entry){hash, k, v, key_tag(d->key_kind, k)};
    int64_t n = 1;
    for (int64_t i = 0; i < tmp.used; i++)
        if (tmp.entries[i].hash != -1) entries[n++] = tmp.entries[i];
    int32_t *old_index = d->index;
    d->entries = entries;
    d->used = n;
    d->index = NULL;
    d->ctrl = NULL;
    int32_t rc = table_rebuild(d, n);
    if (rc < 0) { /* (nothing was freed: put the old table back, k and v lost to it) */
        pjx_free(entries);
        d->entries = tmp.entries;
        d->used = tmp.used;
        d->index = old_index;
        d->ctrl = tmp.ctrl;
        pjx_slot_decref(d->key_kind, k);
        pjx_slot_decref(d->value_kind, v);
        return -1;
    }
    d->size = n;
    pjx_free(entries);
    pjx_free(old_index);
    return 0;
}

pjx_tuple *pjx_odict_popitem(pjx_dict *d, int64_t last) {
    if (d->size == 0) {
        pjx_err_set(PJX_EXC_KEY, "dictionary is empty");
        return NULL;
    }
    if (last) {
        pjx_tuple *t = pjx_dict_popitem_tuple(d);
        return t;
    }
    pjx_tuple *t = pjx_tuple_new(2);
    if (t == NULL) return NULL;
    int64_t ix = 0;
    while (d->entries[ix].hash == -1) ix++;
    pjx_dict_entry *e = &d->entries[ix];
    pjx_slot k = e->key, v = e->value;
    table_unlink(d, ix, e->hash);
    pjx_tuple_set_steal(t, 0, d->key_kind, k);
    pjx_tuple_set_steal(t, 1, d->value_kind, v);
    /* popping from the front leaves deleted entries there, which the next
     * pop would walk past again: compact once they outnumber the live ones
     * (a queue of pops stays linear) */
    if (ix + 1 > d->size && ix >= 8 && table_rebuild(d, d->size) < 0)
        pjx_err_clear(); /* (a failed compaction changes nothing) */
    return t;
}

/* ---- Counter (collections.h) -------------------------------------------------- */
/* count += n where count is the value of key (0 when missing): one probe.
 * Int counts add as compiled ints do (OverflowError past 64 bits). */
static int32_t counter_add(pjx_dict *d, pjx_slot key, int64_t n) {
    int64_t hash, cell;
    if (key_hash(d->key_kind, key, &hash) < 0) return -1;
    int64_t ix = table_find(d, key, hash, &cell);
    if (ix >= 0) {
        pjx_slot *v = &d->entries[ix].value;
        if (d->value_kind == PJX_KIND_FLOAT) {
            v->f += (double)n;
        } else {
            int64_t sum; /* (the count is left as it was when the sum overflows) */
            if (__builtin_add_overflow(v->i, n, &sum)) {
                pjx_err_set(PJX_EXC_OVERFLOW,
                            "integer overflow: the result does not fit in a 64-bit pyjitx int");
                return -1;
            }
            v->i = sum;
        }
        return 0;
    }
    pjx_slot value;
    if (d->value_kind == PJX_KIND_FLOAT) value.f = (double)n;
    else value.i = n;
    pjx_slot_incref(d->key_kind, key);
    return table_insert_new(d, hash, key, value, cell);
}

int32_t pjx_counter_add(pjx_dict *d, pjx_slot key, int64_t n) { return counter_add(d, key, n); }

int32_t pjx_counter_update_list(pjx_dict *d, pjx_list *items, int64_t n) {
    if (d->key_kind != items->kind) { /* (the frontend converts items to the key kind) */
        pjx_err_set(PJX_EXC_TYPE, "Counter.update(): items of another kind than the keys");
        return -1;
    }
    for (int64_t i = 0; i < items->size; i++)
        if (counter_add(d, items->items[i], n) < 0) return -1;
    return 0;
}
