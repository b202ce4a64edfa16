/* The identity of one call (_convert.h): which Python object became which
 * runtime object, found by pointer both ways, and what is known about each
 * (reached through a mutable argument, written back, made for a result).
 * Also the analysis of which signatures need one. */
#include "_convert_internal.h"

#include "_collections.h"

#include "pyjitx/containers.h"

#include <stdlib.h>
#include <string.h>


static inline size_t ptr_hash(const void *p) {
    return (size_t)(((uintptr_t)p >> 4) * (uintptr_t)0x9E3779B97F4A7C15ull);
}

static int32_t ptr_index_find(const pjx_ptr_index *ix, const void *key) {
    if (ix->mask == 0) return -1;
    for (size_t j = ptr_hash(key) & ix->mask;; j = (j + 1) & ix->mask) {
        if (ix->keys[j] == key) return ix->values[j];
        if (ix->keys[j] == NULL) return -1;
    }
}

static void ptr_index_put(pjx_ptr_index *ix, const void *key, int32_t value) {
    size_t j = ptr_hash(key) & ix->mask;
    while (ix->keys[j] != NULL && ix->keys[j] != key) j = (j + 1) & ix->mask;
    ix->keys[j] = key;
    ix->values[j] = value;
}

static void ptr_index_free(pjx_ptr_index *ix) {
    if (ix->mask == 0) return;
    PyMem_Free(ix->keys);
    PyMem_Free(ix->values);
    ix->keys = NULL;
    ix->values = NULL;
    ix->mask = 0;
}

/* (Re)builds the index of entries by py (rt: 0) or rt (1) for a capacity
 * of the entries' at least twice over. */
static int rebuild_index(pjx_identity *id, int rt) {
    pjx_ptr_index *ix = rt ? &id->by_rt : &id->by_py;
    size_t size = 32;
    while (size < (size_t)id->cap * 2) size *= 2;
    ptr_index_free(ix);
    ix->keys = PyMem_Calloc(size, sizeof *ix->keys);
    ix->values = PyMem_Malloc(size * sizeof *ix->values);
    if (ix->keys == NULL || ix->values == NULL) {
        PyMem_Free(ix->keys);
        PyMem_Free(ix->values);
        ix->mask = 0;
        PyErr_NoMemory();
        return -1;
    }
    ix->mask = size - 1;
    for (int32_t i = 0; i < id->n; i++) {
        const void *key = rt ? (const void *)id->entries[i].rt : (const void *)id->entries[i].py;
        if (key != NULL) ptr_index_put(ix, key, i);
    }
    return 0;
}

void pjx_identity_init(pjx_identity *id, int no_dict_cache) {
    id->entries = id->inline_entries;
    id->n = 0;
    id->cap = PJX_IDENTITY_INLINE;
    id->by_py.mask = id->by_rt.mask = 0;
    id->param = 0;
    id->no_dict_cache = no_dict_cache;
    id->conflict = PJX_CONFLICT_NONE;
    id->walked = 0;
}

void pjx_identity_release(pjx_identity *id) {
    for (int32_t i = 0; i < id->n; i++) {
        if (id->entries[i].borrowed) continue;
        Py_DECREF(id->entries[i].py);
        pjx_decref(id->entries[i].rt);
    }
    if (id->entries != id->inline_entries) PyMem_Free(id->entries);
    ptr_index_free(&id->by_py);
    ptr_index_free(&id->by_rt);
    id->entries = id->inline_entries;
    id->n = 0;
}

int32_t pjx_memo_find_py(const pjx_identity *id, const PyObject *py) {
    if (id->by_py.mask != 0) return ptr_index_find(&id->by_py, py);
    for (int32_t i = 0; i < id->n; i++)
        if (id->entries[i].py == py) return i;
    return -1;
}

int32_t pjx_memo_find_rt(const pjx_identity *id, const pjx_object *rt) {
    if (id->by_rt.mask != 0) return ptr_index_find(&id->by_rt, rt);
    for (int32_t i = 0; i < id->n; i++)
        if (id->entries[i].rt == rt) return i;
    return -1;
}

int32_t pjx_memo_add(pjx_identity *id, PyObject *py, int borrowed) {
    if (id->n == id->cap) {
        int32_t cap = id->cap * 2;
        pjx_identity_entry *grown;
        if (id->entries == id->inline_entries) {
            grown = PyMem_Malloc((size_t)cap * sizeof *grown);
            if (grown != NULL) memcpy(grown, id->entries, (size_t)id->n * sizeof *grown);
        } else {
            grown = PyMem_Realloc(id->entries, (size_t)cap * sizeof *grown);
        }
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        id->entries = grown;
        id->cap = cap;
        /* the indexes keep below half full */
        if ((id->by_py.mask != 0 && rebuild_index(id, 0) < 0) ||
            (id->by_rt.mask != 0 && rebuild_index(id, 1) < 0))
            return -1;
    }
    int32_t i = id->n++;
    pjx_identity_entry *e = &id->entries[i];
    if (!borrowed) Py_INCREF(py);
    e->borrowed = (uint8_t)borrowed;
    e->py = py;
    e->rt = NULL;
    e->desc = NULL;
    e->desc_len = 0;
    e->param = (int16_t)id->param;
    e->mutable_ = pjx_converting_mutable > 0;
    e->filling = 0;
    e->input = 1;
    e->synced = 0;
    if (id->by_py.mask != 0) {
        ptr_index_put(&id->by_py, py, i);
    } else if (id->n > PJX_IDENTITY_INLINE && rebuild_index(id, 0) < 0) {
        return -1;
    }
    return i;
}

int32_t pjx_memo_bind(pjx_identity *id, int32_t i, pjx_object *rt) {
    if (!id->entries[i].borrowed) pjx_incref(rt);
    id->entries[i].rt = rt;
    if (id->by_rt.mask != 0) {
        ptr_index_put(&id->by_rt, rt, i);
    } else if (id->n > PJX_IDENTITY_INLINE && rebuild_index(id, 1) < 0) {
        return -1;
    }
    return 0;
}

int32_t pjx_descriptor_length(const char *d) {
    const char *end = d;
    pjx_skip_descriptor(&end);
    return (int32_t)(end - d);
}

conversion pjx_memo_conflict(pjx_identity *id, int kind, int32_t entry, const char *d) {
    const pjx_identity_entry *e = &id->entries[entry];
    id->conflict = kind;
    id->conflict_params[0] = e->param;
    id->conflict_params[1] = id->param;
    id->conflict_descs[0] = e->desc;
    id->conflict_descs[1] = d;
    id->conflict_kind = *d;
    return MISMATCH;
}

/* A list, dict or set (descriptor `d`) that may be reached more than once:
 * the runtime object made the first time, else a new one, recorded. */
void pjx_identity_conflict_error(const pjx_identity *id, PyObject *fname, PyObject *names) {
    char kind = pjx_container_letter(id->conflict_kind);
    const char *what = id->conflict_kind == 'Q' ? "deque" : kind == 'l' ? "list"
                     : kind == 'd' ? "dict" : "set";
    PyObject *a = PyTuple_GET_ITEM(names, id->conflict_params[0]);
    PyObject *b = PyTuple_GET_ITEM(names, id->conflict_params[1]);
    if (id->conflict == PJX_CONFLICT_CYCLE) {
        PyErr_Format(PyExc_ValueError,
                     "%U() argument '%U' holds a %s that contains itself, which compiled code "
                     "cannot hold", fname, b, what);
        return;
    }
    char first[256], second[256];
    pjx_descriptor_name(id->conflict_descs[0], first, sizeof first);
    pjx_descriptor_name(id->conflict_descs[1], second, sizeof second);
    if (id->conflict_params[0] == id->conflict_params[1])
        PyErr_Format(PyExc_TypeError,
                     "%U() argument '%U' holds one %s twice, as %s and as %s: compiled code "
                     "holds an object as one type, and the function may change it", fname, a,
                     what, first, second);
    else
        PyErr_Format(PyExc_TypeError,
                     "%U() arguments '%U' and '%U' share one %s, as %s and as %s: compiled code "
                     "holds an object as one type, and the function may change it", fname, a, b,
                     what, first, second);
}

/* ---- which calls need an identity ------------------------------------------ */

typedef struct {
    const char *desc;
    int32_t len;
    char kind;       /* 'l', 'd', 'e', or 'a' for an Any */
    uint8_t repeat;  /* inside a list, dict, set, variable tuple or Any */
    uint8_t in_tuple;
} position;

#define PJX_MAX_POSITIONS 64

/* The container positions of descriptor d; *n past PJX_MAX_POSITIONS
 * means "too many to tell". */
static void collect_positions(const char *d, int repeat, int in_tuple, position *out, int *n) {
    if (*d == '!') d++;
    char c = pjx_container_letter(*d);
    if (c == 'l' || c == 'g' || c == 'e' || c == 'd' || c == 'a') {
        if (*n < PJX_MAX_POSITIONS)
            out[*n] = (position){d, pjx_descriptor_length(d), c == 'g' ? 'l' : c, (uint8_t)repeat,
                                 (uint8_t)in_tuple};
        (*n)++;
    }
    if (c == 'N') { /* its tuple */
        collect_positions(strchr(d, ':') + 1, repeat, in_tuple, out, n);
        return;
    }
    if (c == 'a' || d[1] != '[' || c == 'c' || c == 'A' || c == 'E') return;
    const char *item = d + 2;
    int item_repeat = repeat || (c != 't' && c != 'o');
    int item_in_tuple = c == 't' || c == 'T' || (c == 'o' && in_tuple);
    while (*item && *item != ']') {
        collect_positions(item, item_repeat, item_in_tuple, out, n);
        pjx_skip_descriptor(&item);
    }
}

int pjx_descriptors_need_identity(const char *const *params, Py_ssize_t n, const char *ret,
                                  int *no_dict_cache) {
    position in[PJX_MAX_POSITIONS], out[PJX_MAX_POSITIONS];
    int n_in = 0, n_out = 0, need = PJX_IDENTITY_NONE, counts[3] = {0, 0, 0};
    *no_dict_cache = 0;
    for (Py_ssize_t p = 0; p < n; p++) {
        int before = n_in;
        collect_positions(params[p], 0, 0, in, &n_in);
        if (params[p][0] == '!')
            for (int i = before; i < n_in && i < PJX_MAX_POSITIONS; i++)
                if (in[i].kind == 'd' || in[i].kind == 'a') *no_dict_cache = 1;
    }
    collect_positions(ret, 0, 0, out, &n_out);
    if (n_in > PJX_MAX_POSITIONS || n_out > PJX_MAX_POSITIONS) {
        *no_dict_cache = 1;
        return PJX_IDENTITY_DEEP;
    }
    for (int i = 0; i < n_in; i++) {
        /* one inside another (or in a tuple, whose containers are written
         * back one by one): the memo */
        if (in[i].repeat || in[i].in_tuple || in[i].kind == 'a') return PJX_IDENTITY_DEEP;
        counts[in[i].kind == 'l' ? 0 : in[i].kind == 'd' ? 1 : 2]++;
    }
    for (int i = 0; i < n_out; i++)
        if (out[i].repeat || out[i].kind == 'a') return PJX_IDENTITY_DEEP; /* [r, r] */
    /* containers only as arguments themselves: the same object twice, or
     * one returned (`f(x) is x`) */
    if (counts[0] >= 2 || counts[1] >= 2 || counts[2] >= 2) need = PJX_IDENTITY_ARGUMENTS;
    for (int i = 0; i < n_out; i++)
        for (int j = 0; j < n_in; j++)
            if (in[j].len == out[i].len && memcmp(in[j].desc, out[i].desc, (size_t)in[j].len) == 0)
                need = PJX_IDENTITY_ARGUMENTS;
    return need;
}

uint32_t pjx_container_params(const char *const *params, Py_ssize_t n) {
    uint32_t mask = 0;
    for (Py_ssize_t p = 0; p < n && p < 32; p++) {
        const char *d = params[p];
        if (*d == '!') d++;
        if (*d == 'o') d += 2;
        char c = pjx_container_letter(*d);
        if (c == 'l' || c == 'd' || c == 'e') mask |= (uint32_t)1 << p;
    }
    return mask;
}
/* ---- the insides of arguments nothing changed ------------------------------
 * On the way in the memo records only what could be reached twice; a
 * container that only its parent held (refcount 1) is not in it.  On the
 * way out such an object can be held twice -- `return rows[0]`, the row
 * then in the result and in the argument -- and must come back as the
 * argument's own object.  The runtime objects of arguments that nothing
 * changed still hold their items where the conversion put them, so the
 * first time the way out meets an unknown runtime object held twice, it
 * walks those arguments in step with their Python objects and records
 * every container in them.  The walk keeps its own stack: an argument may
 * nest deeper than the C stack allows. */
typedef struct {
    PyObject *py;
    pjx_object *rt;
    int record; /* a container met inside (else an argument's own object) */
} walk_item;

typedef struct {
    walk_item *items;
    size_t n, cap;
} walk_stack;

static int walk_push(walk_stack *s, PyObject *py, int32_t kind, pjx_slot v, int record) {
    if (kind != PJX_KIND_OBJ || v.o == NULL) return 0;
    uint32_t t = v.o->type_id;
    if (t != PJX_TYPE_TUPLE && t != PJX_TYPE_LIST && t != PJX_TYPE_DICT && t != PJX_TYPE_SET)
        return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        walk_item *grown = PyMem_Realloc(s->items, cap * sizeof *grown);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        s->items = grown;
        s->cap = cap;
    }
    s->items[s->n++] = (walk_item){py, v.o, record};
    return 0;
}

/* Pushes the items of rt (with py's) in reverse, so that they are visited
 * first to last, as a recursive walk would visit them. */
static int walk_into(walk_stack *s, PyObject *py, pjx_object *rt) {
    switch (rt->type_id) {
    case PJX_TYPE_LIST: {
        const pjx_list *l = (const pjx_list *)rt;
        if (!PyList_Check(py) || PyList_GET_SIZE(py) != l->size) return 0;
        for (int64_t i = l->size - 1; i >= 0; i--)
            if (walk_push(s, PyList_GET_ITEM(py, i), l->kind, l->items[i], 1) < 0) return -1;
        return 0;
    }
    case PJX_TYPE_TUPLE: {
        const pjx_tuple *t = (const pjx_tuple *)rt;
        if (!PyTuple_Check(py) || PyTuple_GET_SIZE(py) != t->size) return 0;
        for (int64_t i = t->size - 1; i >= 0; i--)
            if (walk_push(s, PyTuple_GET_ITEM(py, i), PJX_TUPLE_KINDS(t)[i], t->items[i], 1) < 0)
                return -1;
        return 0;
    }
    case PJX_TYPE_DICT: {
        pjx_dict *d = (pjx_dict *)rt;
        if (!PyDict_Check(py) || PyDict_GET_SIZE(py) != d->size) return 0;
        size_t first = s->n;
        Py_ssize_t ppos = 0;
        int64_t rpos = 0;
        PyObject *k, *v;
        pjx_slot rk, rv;
        while (PyDict_Next(py, &ppos, &k, &v) && pjx_dict_next(d, &rpos, &rk, &rv))
            if (walk_push(s, v, d->value_kind, rv, 1) < 0) return -1;
        /* (pushed first to last: reversed into visiting order) */
        for (size_t a = first, b = s->n; a + 1 < b; a++, b--) {
            walk_item t = s->items[a];
            s->items[a] = s->items[b - 1];
            s->items[b - 1] = t;
        }
        return 0;
    }
    default: return 0; /* a set's items are hashable: no containers to find */
    }
}

int pjx_memo_walk_unchanged_arguments(pjx_identity *id) {
    id->walked = 1;
    walk_stack s = {NULL, 0, 0};
    int rc = 0;
    for (int32_t i = id->n - 1; i >= 0 && rc == 0; i--) {
        pjx_identity_entry *e = &id->entries[i];
        if (e->input && !e->mutable_ && e->rt != NULL)
            rc = walk_push(&s, e->py, PJX_KIND_OBJ, (pjx_slot){.o = e->rt}, 0);
    }
    while (rc == 0 && s.n > 0) {
        walk_item item = s.items[--s.n];
        if (item.record && item.rt->type_id != PJX_TYPE_TUPLE) {
            /* (a tuple has no identity of its own) */
            if (pjx_memo_find_rt(id, item.rt) >= 0) continue; /* recorded (and walked) already */
            int32_t i = pjx_memo_add(id, item.py, 0);
            if (i < 0 || pjx_memo_bind(id, i, item.rt) < 0) {
                rc = -1;
                break;
            }
            id->entries[i].synced = 1; /* unchanged: nothing to write back */
        }
        rc = walk_into(&s, item.py, item.rt);
    }
    PyMem_Free(s.items);
    return rc;
}

int pjx_descriptor_has_any(const char *d) {
    if (*d == '!') d++;
    char c = *d;
    if (c == 'a') return 1;
    if (c == 'N') return pjx_descriptor_has_any(strchr(d, ':') + 1); /* its tuple */
    if (c == 'c' || c == 'A' || c == 'E' || d[1] != '[') return 0;
    for (const char *item = d + 2; *item && *item != ']'; pjx_skip_descriptor(&item))
        if (pjx_descriptor_has_any(item)) return 1;
    return 0;
}
