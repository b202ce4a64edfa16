/* Python objects -> runtime slots, driven by boundary descriptors
 * (_convert.h); the leaves both ways.  runtime -> Python is _convert_out.c,
 * the memo of one call _identity.c.
 *
 * Containers convert element by element in C; strings copy CPython's
 * cached UTF-8 once.  A value may nest as deep as memory allows (an Any
 * holding a list holding a list ... 50,000 deep is an ordinary Python
 * value), so containers are not converted by recursion: converting one
 * makes its runtime object at once, hands it to its parent, and pushes a
 * frame that fills it; a loop steps the innermost frame until none is
 * left.  Each frame converts its items in order and lets a container item
 * fill completely before going on, so the order is a recursive
 * conversion's: what the memo sees first, which item mismatches first. */
#include "_convert_internal.h"

#include "_collections.h"
#include "_instance.h"
#include "pyjitx/any.h"
#include "pyjitx/ndarray.h"
#include "_ndarray.h"
#include "pyjitx/containers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int pjx_converting_mutable;

/* ---- the frames ---------------------------------------------------------------- */
enum { IN_LIST, IN_TUPLE, IN_DICT, IN_SET };

typedef struct {
    uint8_t kind;
    uint8_t mutable_;   /* converting under '!' */
    uint8_t cacheable;  /* a dict to keep in the converted-dict cache */
    uint8_t in_key;     /* dict: the current key is converting (else its value) */
    uint8_t have_key;   /* dict, set: `key` holds a converted key / item */
    uint8_t shared;     /* tuple: every item has the descriptor `desc` */
    int32_t entry;      /* the memo entry being filled, or -1 */
    PyObject *value;    /* the Python container (strong) */
    PyObject *iter;     /* set: its iterator (strong) */
    PyObject *current;  /* dict: the current key (borrowed); set: the current item (strong) */
    PyObject *pending;  /* dict: the current key's value (borrowed) */
    pjx_object *rt;     /* the runtime container (strong) */
    const char *desc;   /* the items' (dict: keys') descriptor */
    const char *next;   /* dict: the values' descriptor; tuple: the next item's */
    Py_ssize_t i;       /* list, tuple: the current item; dict: PyDict_Next's position */
    pjx_slot key;       /* dict: the current key; set: the current item, converted */
} in_frame;

#define IN_INLINE 8

typedef struct {
    in_frame *frames;
    int32_t n, cap;
    int32_t in_union; /* > 0 while a union tries its members: mismatches are its own */
    pjx_identity *id;
    in_frame inline_frames[IN_INLINE];
} in_stack;

static void in_stack_init(in_stack *st, pjx_identity *id) {
    st->frames = st->inline_frames;
    st->n = 0;
    st->cap = IN_INLINE;
    st->in_union = 0;
    st->id = id;
}

static void in_stack_free(in_stack *st) {
    if (st->frames != st->inline_frames) PyMem_Free(st->frames);
}

/* A new frame filling `rt` (a new reference is taken) from `value`. */
static in_frame *in_push(in_stack *st, int kind, PyObject *value, pjx_object *rt,
                         const char *desc, int32_t entry) {
    if (st->n == st->cap &&
        pjx_grow_frames((void **)&st->frames, st->inline_frames, st->n, &st->cap,
                        sizeof(*st->frames)) < 0)
        return NULL;
    in_frame *f = &st->frames[st->n++];
    memset(f, 0, sizeof *f);
    f->kind = (uint8_t)kind;
    f->mutable_ = pjx_converting_mutable > 0;
    f->entry = entry;
    Py_INCREF(value);
    f->value = value;
    pjx_incref(rt);
    f->rt = rt;
    f->desc = desc;
    return f;
}

/* Pops the innermost frame, whether it finished or is given up. */
static void in_pop(in_stack *st, int finished) {
    in_frame *f = &st->frames[--st->n];
    if (f->entry >= 0) st->id->entries[f->entry].filling = 0;
#ifdef PJX_DICT_CACHE
    if (finished && f->cacheable && PyDict_GET_SIZE(f->value) >= 64)
        pjx_dict_cache_store(f->value, f->desc - 2, (pjx_dict *)f->rt);
#endif
    if (f->have_key) pjx_release_slot(f->key, f->desc);
    Py_XDECREF(f->iter);
    if (f->kind == IN_SET) Py_XDECREF(f->current);
    Py_DECREF(f->value);
    pjx_decref(f->rt);
}

/* For a container given to a memo entry whose filling needed no frame. */
static void filled(in_stack *st, int32_t entry, int pushed) {
    if (!pushed && entry >= 0) st->id->entries[entry].filling = 0;
}

static conversion in_begin(in_stack *st, PyObject *value, const char **desc, pjx_slot *slot,
                           int force);
static conversion in_run(in_stack *st, int32_t base);
/* Where, past the frames, a mismatched item is: none, item `index` of a
 * list or tuple, the value of dict key `key`, that key itself, set item
 * `key`. */
enum { AT_FRAMES, AT_INDEX, AT_VALUE, AT_KEY, AT_ITEM };
typedef struct {
    int at;
    Py_ssize_t index;
    PyObject *key;
} place;
static void note_mismatch(in_stack *st, PyObject *value, const char *desc, place where);

/* Items that convert without frames of their own: scalars, strings,
 * instances, arrays (and Optional ones).  A container of them is filled at
 * once, without a frame: most arguments are such. */
static int leaf_descriptor(const char *d) {
    switch (*d) {
    case 'i': case 'I': case 'f': case 'F': case 'b': case 'n': case 's': case 'y': case 'c':
    case 'A': case 'E': case 'Y': case 'R': return 1;
    case 'o': return leaf_descriptor(d + 2);
    default: return 0;
    }
}

/* One leaf item of a container being filled without a frame (`where` in
 * it, for a mismatch's path). */
static conversion leaf_item(in_stack *st, PyObject *item, const char *desc, pjx_slot *slot,
                            place where) {
    const char *d = desc;
    conversion c = in_begin(st, item, &d, slot, 0);
    if (c == MISMATCH) note_mismatch(st, item, desc, where);
    return c;
}

/* ---- containers: made at once, filled by their frame ------------------------ */

/* `value` a Python list; a deque's items come as one (`deque` is then its
 * maxlen, or -1 for none), else `deque` is -2. */
static conversion list_begin(in_stack *st, PyObject *value, const char *item_desc,
                             pjx_slot *slot, int32_t entry, int64_t deque) {
    Py_ssize_t n = PyList_GET_SIZE(value);
    pjx_list *list = deque == -2 ? pjx_list_new(pjx_descriptor_kind(item_desc), n)
                                 : pjx_deque_with_capacity(pjx_descriptor_kind(item_desc),
                                                           deque, n);
    if (list == NULL) return pjx_runtime_failed();
    if (entry >= 0 && pjx_memo_bind(st->id, entry, &list->ob) < 0) {
        pjx_decref(list);
        return FAILED;
    }
    if (*item_desc == 'i') { /* List[int]: small ints straight into the slots */
        Py_ssize_t i = 0;
        while (i < n && pjx_compact_int(PyList_GET_ITEM(value, i), &list->items[i].i)) i++;
        list->size = i;
    }
    int pushed = list->size < PyList_GET_SIZE(value);
    if (pushed && leaf_descriptor(item_desc)) {
        for (Py_ssize_t i = list->size; i < PyList_GET_SIZE(value); i++) {
            pjx_slot item;
            conversion c = leaf_item(st, PyList_GET_ITEM(value, i), item_desc, &item,
                                     (place){AT_INDEX, i, NULL});
            if (c == CONVERTED && pjx_list_append_steal(list, item) < 0) {
                pjx_release_slot(item, item_desc);
                c = pjx_runtime_failed();
            }
            if (c != CONVERTED) {
                filled(st, entry, 0);
                pjx_decref(list);
                return c;
            }
        }
        pushed = 0;
    }
    if (pushed) {
        in_frame *f = in_push(st, IN_LIST, value, &list->ob, item_desc, entry);
        if (f == NULL) {
            pjx_decref(list);
            return FAILED;
        }
        f->i = list->size;
    }
    filled(st, entry, pushed);
    slot->o = &list->ob;
    return CONVERTED;
}

/* A runtime tuple of a Python one: each item by the same descriptor
 * (`shared`: Tuple[T, ...], Any's tuples) or by consecutive ones. */
static conversion tuple_begin(in_stack *st, PyObject *value, const char *items_desc, int shared,
                              pjx_slot *slot) {
    Py_ssize_t n = PyTuple_GET_SIZE(value);
    if (!shared) {
        Py_ssize_t expected = 0;
        for (const char *d = items_desc; *d && *d != ']'; pjx_skip_descriptor(&d)) expected++;
        if (n != expected) return MISMATCH;
    }
    int64_t shape = pjx_tuple_shape_of(value); /* (an instance of a named-tuple class) */
    if (shape < 0) return FAILED;
    pjx_tuple *t = pjx_tuple_new(n);
    if (t == NULL) return pjx_runtime_failed();
    pjx_tuple_set_shape(t, shape);
    int leaves = n > 0;
    for (const char *d = items_desc; leaves && *d && *d != ']'; pjx_skip_descriptor(&d))
        leaves = leaf_descriptor(d);
    if (leaves && st->id == NULL) { /* (with a memo, a tuple's items are FORCE_ITEM) */
        const char *d = items_desc;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (shared) d = items_desc;
            int32_t kind = pjx_descriptor_kind(d);
            const char *item_desc = d;
            conversion c = leaf_item(st, PyTuple_GET_ITEM(value, i), item_desc, &t->items[i],
                                     (place){AT_INDEX, i, NULL});
            if (c != CONVERTED) {
                pjx_decref(t);
                return c;
            }
            PJX_TUPLE_KINDS(t)[i] = (uint8_t)kind;
            pjx_skip_descriptor(&d);
        }
        n = 0;
    }
    if (n > 0) {
        in_frame *f = in_push(st, IN_TUPLE, value, &t->ob, items_desc, -1);
        if (f == NULL) {
            pjx_decref(t);
            return FAILED;
        }
        f->shared = (uint8_t)shared;
        f->next = items_desc;
    }
    slot->o = &t->ob;
    return CONVERTED;
}

/* A dict by its descriptor `d` ("d[..]"): from the converted-dict cache
 * where it may be, else made (and bound to the memo's `entry`). */
static conversion dict_begin(in_stack *st, PyObject *value, const char *d, pjx_slot *slot,
                             int32_t entry) {
    int cacheable = 0;
#ifdef PJX_DICT_CACHE
    cacheable = pjx_converting_mutable == 0 && !(st->id != NULL && st->id->no_dict_cache) &&
                PyDict_CheckExact(value) && pjx_immutable_descriptor(d + 2);
    if (cacheable) {
        const char *vd = d + 2;
        pjx_skip_descriptor(&vd);
        cacheable = pjx_immutable_descriptor(vd);
    }
    if (cacheable) {
        pjx_dict *hit = pjx_dict_cache_find(value, d);
        if (hit != NULL) {
            if (entry >= 0 && pjx_memo_bind(st->id, entry, &hit->ob) < 0) {
                pjx_decref(hit);
                return FAILED;
            }
            filled(st, entry, 0);
            slot->o = &hit->ob;
            return CONVERTED;
        }
    }
#endif
    const char *key_desc = d + 2, *value_desc = d + 2;
    pjx_skip_descriptor(&value_desc);
    pjx_dict *dict = pjx_dict_for_python(value, pjx_py_dict_flags(value),
                                         pjx_descriptor_kind(key_desc),
                                         pjx_descriptor_kind(value_desc), value_desc);
    if (dict == NULL) return FAILED;
    if (entry >= 0 && pjx_memo_bind(st->id, entry, &dict->ob) < 0) {
        pjx_decref(dict);
        return FAILED;
    }
    if (leaf_descriptor(key_desc) && leaf_descriptor(value_desc)) {
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        while (PyDict_Next(value, &pos, &k, &v)) {
            pjx_slot ks, vs;
            conversion c = leaf_item(st, k, key_desc, &ks, (place){AT_KEY, 0, k});
            if (c == CONVERTED) {
                c = leaf_item(st, v, value_desc, &vs, (place){AT_VALUE, 0, k});
                if (c != CONVERTED) pjx_release_slot(ks, key_desc);
            }
            if (c == CONVERTED) {
                int32_t rc = pjx_dict_setitem(dict, ks, vs);
                pjx_release_slot(ks, key_desc);
                pjx_release_slot(vs, value_desc);
                if (rc < 0) c = pjx_runtime_failed();
            }
            if (c != CONVERTED) {
                filled(st, entry, 0);
                pjx_decref(dict);
                return c;
            }
        }
        filled(st, entry, 0);
#ifdef PJX_DICT_CACHE
        if (cacheable && PyDict_GET_SIZE(value) >= 64) pjx_dict_cache_store(value, d, dict);
#endif
        slot->o = &dict->ob;
        return CONVERTED;
    }
    in_frame *f = in_push(st, IN_DICT, value, &dict->ob, key_desc, entry);
    if (f == NULL) {
        pjx_decref(dict);
        return FAILED;
    }
    f->next = value_desc;
    f->cacheable = (uint8_t)cacheable;
    slot->o = &dict->ob;
    return CONVERTED;
}

static conversion set_begin(in_stack *st, PyObject *value, const char *item_desc,
                            pjx_slot *slot, int32_t entry) {
    pjx_dict *s = pjx_set_new(pjx_descriptor_kind(item_desc));
    if (s == NULL) return pjx_runtime_failed();
    if (entry >= 0 && pjx_memo_bind(st->id, entry, &s->ob) < 0) {
        pjx_decref(s);
        return FAILED;
    }
    PyObject *it = PyObject_GetIter(value);
    in_frame *f = it ? in_push(st, IN_SET, value, &s->ob, item_desc, entry) : NULL;
    if (f == NULL) {
        Py_XDECREF(it);
        pjx_decref(s);
        return FAILED;
    }
    f->iter = it;
    slot->o = &s->ob;
    return CONVERTED;
}

/* A collections.deque: its items as a list, into a runtime deque. */
static conversion deque_begin(in_stack *st, PyObject *value, const char *d, pjx_slot *slot,
                              int32_t entry) {
    PyObject *maxlen = PyObject_GetAttrString(value, "maxlen");
    if (maxlen == NULL) return FAILED;
    int64_t m = maxlen == Py_None ? -1 : PyLong_AsLongLong(maxlen);
    Py_DECREF(maxlen);
    if (m == -1 && PyErr_Occurred()) return FAILED;
    PyObject *items = PySequence_List(value);
    if (items == NULL) return FAILED;
    conversion c = list_begin(st, items, d + 2, slot, entry, m);
    Py_DECREF(items);
    return c;
}

static conversion container_begin(in_stack *st, PyObject *value, const char *d, pjx_slot *slot,
                                  int32_t entry) {
    switch (pjx_container_letter(*d)) {
    case 'l':
        if (*d == 'Q') return deque_begin(st, value, d, slot, entry);
        return list_begin(st, value, d + 2, slot, entry, -2);
    case 'd': return dict_begin(st, value, d, slot, entry);
    default: return set_begin(st, value, d + 2, slot, entry);
    }
}

/* A list, dict or set (descriptor `d`) that may be reached more than once:
 * the runtime object made the first time, else a new one, recorded.  Its
 * entry is `filling` while its frame is on the stack: meeting it then is a
 * cycle. */
static conversion shared_begin(in_stack *st, PyObject *value, const char *d, pjx_slot *slot,
                               int force) {
    pjx_identity *id = st->id;
    int32_t len = pjx_descriptor_length(d);
    int32_t i = pjx_memo_find_py(id, value);
    if (i >= 0) {
        pjx_identity_entry *e = &id->entries[i];
        if (e->filling) return pjx_memo_conflict(id, PJX_CONFLICT_CYCLE, i, d);
        if (e->desc_len == len && memcmp(e->desc, d, (size_t)len) == 0) {
            if (pjx_converting_mutable) e->mutable_ = 1;
            pjx_incref(e->rt);
            slot->o = e->rt;
            return CONVERTED;
        }
        /* the same object as another type: only a copy that nothing changes */
        if (pjx_converting_mutable || e->mutable_)
            return pjx_memo_conflict(id, PJX_CONFLICT_TYPES, i, d);
        return container_begin(st, value, d, slot, -1);
    }
    i = pjx_memo_add(id, value, force == FORCE_ARGUMENT);
    if (i < 0) return FAILED;
    id->entries[i].desc = d;
    id->entries[i].desc_len = len;
    id->entries[i].filling = 1;
    conversion c = container_begin(st, value, d, slot, i);
    if (c != CONVERTED) id->entries[i].filling = 0;
    return c;
}

/* ---- Any ------------------------------------------------------------------
 * A Python value of any supported type: scalars boxed, None as NULL,
 * containers with Any items (List[Any], Dict[Any, Any], ...). */

/* A NaN is equal only to itself, the same object (CPython's containers
 * compare items by identity first: `x in [x]`), so within a call one
 * Python NaN object is one box, and that box comes back as that object. */
static conversion nan_from_python(PyObject *value, pjx_slot *slot, pjx_identity *id) {
    int32_t i = pjx_memo_find_py(id, value);
    if (i < 0) {
        i = pjx_memo_add(id, value, 0);
        if (i < 0) return FAILED;
        pjx_object *box = pjx_box_float(PyFloat_AS_DOUBLE(value));
        if (box == NULL) return pjx_runtime_failed();
        id->entries[i].desc = "f";
        id->entries[i].desc_len = 1;
        id->entries[i].synced = 1; /* nothing to write back */
        if (pjx_memo_bind(id, i, box) < 0) {
            pjx_decref(box);
            return FAILED;
        }
        slot->o = box; /* pjx_memo_bind took the memo's own reference */
        return CONVERTED;
    }
    pjx_incref(id->entries[i].rt);
    slot->o = id->entries[i].rt;
    return CONVERTED;
}

static conversion any_begin(in_stack *st, PyObject *value, pjx_slot *slot, int force) {
    const char *d;
    if (value == Py_None) {
        slot->o = NULL;
        return CONVERTED;
    }
    if (PyBool_Check(value)) {
        slot->o = pjx_box_bool(value == Py_True);
        return CONVERTED;
    }
    if (st->id != NULL && PyFloat_CheckExact(value) && isnan(PyFloat_AS_DOUBLE(value)))
        return nan_from_python(value, slot, st->id);
    if (PyLong_Check(value) || PyFloat_Check(value)) {
        pjx_slot scalar;
        conversion c = PyLong_Check(value) ? pjx_int_from_python(value, &scalar)
                                           : pjx_float_from_python(value, &scalar);
        if (c != CONVERTED) return c;
        slot->o = PyLong_Check(value) ? pjx_box_int(scalar.i) : pjx_box_float(scalar.f);
        return slot->o ? CONVERTED : pjx_runtime_failed();
    }
    if (PyObject_TypeCheck(value, &pjx_InstanceType)) {
        pjx_instance *inst = ((pjx_py_instance *)value)->instance;
        pjx_incref(inst);
        slot->o = &inst->ob;
        return CONVERTED;
    }
    if (PyTuple_Check(value)) return tuple_begin(st, value, "a", 1, slot);
    if (PyUnicode_Check(value)) d = "s";
    else if (PyBytes_Check(value)) d = "y";
    else if (PyList_Check(value)) d = "l[a]";
    else if (PyDict_Check(value)) d = "d[aa]";
    else if (PyAnySet_Check(value)) d = "e[a]";
    else if (pjx_py_is_deque(value)) d = "Q[a]";
    else return pjx_ndarray_from_python(value, "A[**]", slot); /* an array, or MISMATCH */
    return in_begin(st, value, &d, slot, force);
}

/* ---- unions -----------------------------------------------------------------
 * A union (Optional[int], Union[int, str]) is held as an Any.  The value
 * converts as the first member whose Python type it has exactly (so True
 * stays a bool and 1 an int in Union[bool, int, float]), else as the first
 * member that accepts it as an annotated parameter would (an int for a
 * float member, a numpy integer for an int member); the converted value is
 * boxed, a typed container recording its type, as compiled code boxes one.
 * A member is tried to the end (its frames run out) before the next is:
 * unions nest only as deep as their descriptors, so that recursion is
 * bounded. */
static int exact_member(PyObject *value, const char *m) {
    switch (*m) {
    case 'i': case 'I': return PyLong_Check(value) && !PyBool_Check(value);
    case 'f': case 'F': return PyFloat_Check(value);
    case 'b': return PyBool_Check(value);
    case 'n': return value == Py_None;
    case 's': return PyUnicode_Check(value);
    case 'y': return PyBytes_Check(value);
    case 'Y': return PyByteArray_Check(value);
    case 'l': return PyList_Check(value);
    case 'd': return PyDict_Check(value);
    case 'K': case 'O': case 'D':
        return PyDict_Check(value) && pjx_py_dict_flags(value) == pjx_descriptor_dict_flags(*m);
    case 'Q': return pjx_py_is_deque(value);
    case 'e': return PyAnySet_Check(value);
    case 't': case 'T': return PyTuple_Check(value);
    case 'o': return value == Py_None || exact_member(value, m + 2);
    case 'E': case 'N': { /* an enum member, a named tuple: of the member's class */
        int is = pjx_is_boundary_instance(value, m);
        if (is < 0) PyErr_Clear(); /* (tried by converting, which reports it) */
        return is > 0;
    }
    default: return 0; /* instances and arrays: tried by converting */
    }
}

static conversion box_member(const char *m, pjx_slot *slot) {
    switch (*m) {
    case 'E': return box_member(strchr(m, ':') + 1, slot); /* (a member is its value) */
    case 'i': case 'I': slot->o = pjx_box_int(slot->i); break;
    case 'f': case 'F': slot->o = pjx_box_float(slot->f); break;
    case 'b': slot->o = pjx_box_bool(slot->i != 0); break;
    case 'n': slot->o = NULL; return CONVERTED;
    default: {
        /* the member's descriptor on its own, for the container to keep */
        size_t n = (size_t)pjx_descriptor_length(m);
        char *member = PyMem_Malloc(n + 1);
        if (member == NULL) {
            pjx_decref(slot->o);
            PyErr_NoMemory();
            return FAILED;
        }
        memcpy(member, m, n);
        member[n] = '\0';
        pjx_object *boxed = NULL;
        int32_t rc = pjx_any_box_container(slot->o, member, &boxed);
        PyMem_Free(member);
        pjx_decref(slot->o);
        if (rc < 0) return pjx_runtime_failed();
        slot->o = boxed;
        return CONVERTED;
    }
    }
    return slot->o ? CONVERTED : pjx_runtime_failed();
}

static conversion union_begin(in_stack *st, PyObject *value, const char *members,
                              pjx_slot *slot, int force) {
    st->in_union++;
    conversion result = MISMATCH;
    for (int lenient = 0; lenient < 2 && result == MISMATCH; lenient++) {
        for (const char *m = members; *m && *m != ']' && result == MISMATCH;
             pjx_skip_descriptor(&m)) {
            if (!lenient && !exact_member(value, m)) continue;
            const char *md = m;
            int32_t base = st->n;
            conversion c = in_begin(st, value, &md, slot, force);
            if (c == CONVERTED && st->n > base) {
                c = in_run(st, base);
                if (c != CONVERTED) pjx_release_slot(*slot, m);
            }
            if (c == FAILED) result = FAILED;
            else if (c == CONVERTED) result = box_member(m, slot);
        }
    }
    st->in_union--;
    return result;
}

/* ---- one value -------------------------------------------------------------------
 * Python -> slot.  A leaf converts at once; a container is made, stored in
 * *slot, and its frame pushed.  With an identity, a list, dict or set goes
 * through the memo (shared_begin) when it may be reached again: more than
 * one reference, a subclass, or `force` (FORCE_ITEM: a tuple's item;
 * FORCE_ARGUMENT: an argument itself, which the call's slot and the caller
 * keep alive).  MISMATCH and FAILED leave nothing in *slot. */
static conversion in_begin(in_stack *st, PyObject *value, const char **desc, pjx_slot *slot,
                           int force) {
    const char *d = *desc;
    pjx_identity *id = st->id;
    if (*d == '!') {
        d++;
        pjx_converting_mutable++;
        conversion result = in_begin(st, value, &d, slot, force);
        pjx_converting_mutable--;
        *desc = d;
        return result;
    }
    char c = *d;
    pjx_skip_descriptor(desc);
    switch (c) {
    case 'I':
        if (PyBool_Check(value)) return MISMATCH;
        /* fall through */
    case 'i': return pjx_int_from_python(value, slot);
    case 'F':
        /* (an unannotated parameter specialised on a float: an int-like
         * has its own specialisation) */
        if (!PyFloat_Check(value) && (PyLong_Check(value) || PyIndex_Check(value)))
            return MISMATCH;
        /* fall through */
    case 'f': return pjx_float_from_python(value, slot);
    case 'b':
        if (value == Py_True) { slot->i = 1; return CONVERTED; }
        if (value == Py_False) { slot->i = 0; return CONVERTED; }
        return MISMATCH;
    case 'n':
        if (value == Py_None) { slot->i = 0; return CONVERTED; }
        return MISMATCH;
    case 's':
        if (!PyUnicode_Check(value)) return MISMATCH;
        return pjx_str_from_python(value, slot);
    case 'y': {
        if (!PyBytes_Check(value)) return MISMATCH;
        pjx_bytes *b = pjx_bytes_from_data(PyBytes_AS_STRING(value), PyBytes_GET_SIZE(value));
        if (b == NULL) return pjx_runtime_failed();
        slot->o = &b->ob;
        return CONVERTED;
    }
    case 'Y': { /* a bytearray: the runtime's list of ints 0..255 (bytearray.h) */
        if (!PyByteArray_Check(value)) return MISMATCH;
        Py_ssize_t n = PyByteArray_GET_SIZE(value);
        const unsigned char *data = (const unsigned char *)PyByteArray_AS_STRING(value);
        pjx_list *l = pjx_list_new(PJX_KIND_INT, n);
        if (l == NULL) return pjx_runtime_failed();
        for (Py_ssize_t i = 0; i < n; i++) l->items[i].i = data[i];
        l->size = n;
        slot->o = &l->ob;
        return CONVERTED;
    }
    case 'R': { /* an array.array of typecode d[2]: the runtime's list (array.h) */
        pjx_list *l = NULL;
        int r = pjx_array_from_python(value, d[2], &l);
        if (r < 0) return FAILED; /* (its Python exception set) */
        if (r == 0) return MISMATCH;
        slot->o = &l->ob;
        return CONVERTED;
    }
    case 'l':
        if (!PyList_Check(value)) return MISMATCH;
        if (id != NULL && (force || Py_REFCNT(value) > 1 || !PyList_CheckExact(value)))
            return shared_begin(st, value, d, slot, force);
        return list_begin(st, value, d + 2, slot, -1, -2);
    case 'Q':
        if (!pjx_py_is_deque(value)) return MISMATCH;
        if (id != NULL) return shared_begin(st, value, d, slot, force);
        return deque_begin(st, value, d, slot, -1);
    case 'K': case 'O': case 'D':
        if (!PyDict_Check(value) || pjx_py_dict_flags(value) != pjx_descriptor_dict_flags(c))
            return MISMATCH;
        if (id != NULL) return shared_begin(st, value, d, slot, force);
        return dict_begin(st, value, d, slot, -1);
    case 't':
        if (!PyTuple_Check(value)) return MISMATCH;
        return tuple_begin(st, value, d + 2, 0, slot);
    case 'T':
        if (!PyTuple_Check(value)) return MISMATCH;
        return tuple_begin(st, value, d + 2, 1, slot);
    case 'o': {
        if (value == Py_None) {
            slot->o = NULL;
            return CONVERTED;
        }
        const char *inner = d + 2;
        return in_begin(st, value, &inner, slot, force);
    }
    case 'd':
        if (!PyDict_Check(value)) return MISMATCH;
        if (id != NULL && (force || Py_REFCNT(value) > 1 || !PyDict_CheckExact(value)))
            return shared_begin(st, value, d, slot, force);
        return dict_begin(st, value, d, slot, -1);
    case 'e':
        if (!PyAnySet_Check(value)) return MISMATCH;
        /* (a frozenset always: written back, it stays itself and checks
         * that nothing changed it) */
        if (id != NULL && (force || Py_REFCNT(value) > 1 || !PySet_CheckExact(value)))
            return shared_begin(st, value, d, slot, force);
        return set_begin(st, value, d + 2, slot, -1);
    case 'c':
        return pjx_instance_from_python(value, strtoll(d + 2, NULL, 10), slot);
    case 'E': { /* an enum member: its value */
        PyObject *member_value;
        const char *inner;
        conversion r = pjx_enum_value_in(value, d, &member_value, &inner);
        if (r != CONVERTED) return r;
        r = in_begin(st, member_value, &inner, slot, 0); /* (an int or a str: a leaf) */
        Py_DECREF(member_value);
        return r;
    }
    case 'N': { /* an instance of a named-tuple class: the tuple it is */
        int is = pjx_is_boundary_instance(value, d);
        if (is <= 0) return is < 0 ? FAILED : MISMATCH;
        return tuple_begin(st, value, strchr(d, ':') + 3, 0, slot);
    }
    case 'a':
        return any_begin(st, value, slot, force);
    case 'u':
        return union_begin(st, value, d + 2, slot, force);
    case 'A':
        return pjx_ndarray_from_python(value, d, slot);
    default:
        PyErr_Format(PyExc_SystemError, "pyjitx: cannot convert descriptor '%s' yet", d);
        return FAILED;
    }
}

/* ---- stepping the frames ---------------------------------------------------------- */
enum { STEP_DONE = 100, STEP_PUSHED };

/* One item of the innermost frame into *slot; a mismatch is noted with
 * the item's place.  Returns CONVERTED, or STEP_PUSHED when the item is a container
 * whose frame must run first. */
static int in_item(in_stack *st, PyObject *item, const char **desc, pjx_slot *slot, int force) {
    const char *d0 = *desc;
    int32_t before = st->n;
    /* (borrowed, as its container's items are: a reference of its own would
     * count as a second holder for the memo) */
    conversion c = in_begin(st, item, desc, slot, force);
    if (c == MISMATCH) note_mismatch(st, item, d0, (place){AT_FRAMES, 0, NULL});
    if (c != CONVERTED) return c;
    return st->n > before ? STEP_PUSHED : CONVERTED;
}

static int in_step(in_stack *st, int32_t k) {
    in_frame *f = &st->frames[k];
    switch (f->kind) {
    case IN_LIST: {
        pjx_list *list = (pjx_list *)f->rt;
        while (f->i < PyList_GET_SIZE(f->value)) {
            const char *d = f->desc;
            pjx_slot item;
            int r = in_item(st, PyList_GET_ITEM(f->value, f->i), &d, &item, 0);
            f = &st->frames[k]; /* (the frames may have moved) */
            if (r != CONVERTED && r != STEP_PUSHED) return r;
            if (pjx_list_append_steal(list, item) < 0) {
                pjx_release_slot(item, f->desc);
                return pjx_runtime_failed();
            }
            f->i++;
            if (r == STEP_PUSHED) return r;
        }
        return STEP_DONE;
    }
    case IN_TUPLE: {
        pjx_tuple *t = (pjx_tuple *)f->rt;
        while (f->i < t->size && f->i < PyTuple_GET_SIZE(f->value)) {
            const char *d = f->shared ? f->desc : f->next;
            int32_t kind = pjx_descriptor_kind(d);
            pjx_slot item;
            int r = in_item(st, PyTuple_GET_ITEM(f->value, f->i), &d, &item, FORCE_ITEM);
            f = &st->frames[k];
            if (r != CONVERTED && r != STEP_PUSHED) return r;
            t->items[f->i] = item;
            PJX_TUPLE_KINDS(t)[f->i] = (uint8_t)kind;
            if (!f->shared) f->next = d;
            f->i++;
            if (r == STEP_PUSHED) return r;
        }
        return STEP_DONE;
    }
    case IN_DICT:
        for (;;) {
            if (!f->have_key) {
                PyObject *k_obj, *v_obj;
                if (!PyDict_Next(f->value, &f->i, &k_obj, &v_obj)) return STEP_DONE;
                /* (borrowed from the dict, which the frame holds: a reference
                 * of their own would count as a second holder for the memo) */
                f->current = k_obj;
                f->pending = v_obj;
                f->in_key = 1;
                const char *kd = f->desc;
                pjx_slot key;
                int r = in_item(st, k_obj, &kd, &key, 0);
                f = &st->frames[k];
                if (r != CONVERTED && r != STEP_PUSHED) return r;
                f->key = key;
                f->have_key = 1;
                if (r == STEP_PUSHED) return r; /* (a key completes before it is hashed) */
            }
            f->in_key = 0;
            const char *vd = f->next;
            pjx_slot value;
            int r = in_item(st, f->pending, &vd, &value, 0);
            f = &st->frames[k];
            if (r != CONVERTED && r != STEP_PUSHED) return r;
            int32_t rc = pjx_dict_setitem((pjx_dict *)f->rt, f->key, value);
            pjx_release_slot(f->key, f->desc);
            pjx_release_slot(value, f->next);
            f->have_key = 0;
            if (rc < 0) return pjx_runtime_failed();
            if (r == STEP_PUSHED) return r;
        }
    default: /* IN_SET */
        for (;;) {
            if (!f->have_key) {
                PyObject *item = PyIter_Next(f->iter);
                if (item == NULL) return PyErr_Occurred() ? FAILED : STEP_DONE;
                Py_XSETREF(f->current, item);
                const char *d = f->desc;
                pjx_slot converted;
                int r = in_item(st, item, &d, &converted, 0);
                f = &st->frames[k];
                if (r != CONVERTED && r != STEP_PUSHED) return r;
                f->key = converted;
                f->have_key = 1;
                if (r == STEP_PUSHED) return r; /* (an item completes before it is hashed) */
            }
            int32_t rc = pjx_set_add((pjx_dict *)f->rt, f->key);
            pjx_release_slot(f->key, f->desc);
            f->have_key = 0;
            if (rc < 0) return pjx_runtime_failed();
        }
    }
}

/* Steps the frames above `base` until they are all done; on a mismatch or
 * a failure gives them all up (the containers they fill are released by
 * whoever holds them). */
static conversion in_run(in_stack *st, int32_t base) {
    while (st->n > base) {
        int32_t k = st->n - 1;
        int saved = pjx_converting_mutable;
        pjx_converting_mutable = st->frames[k].mutable_;
        int r = in_step(st, k);
        pjx_converting_mutable = saved;
        if (r == STEP_DONE) {
            in_pop(st, 1);
        } else if (r != STEP_PUSHED) {
            while (st->n > base) in_pop(st, 0);
            return (conversion)r;
        }
    }
    return CONVERTED;
}

static conversion convert_in(PyObject *value, const char **desc, pjx_slot *slot,
                             pjx_identity *id, int force) {
    in_stack st;
    in_stack_init(&st, id);
    const char *d0 = *desc;
    conversion c = in_begin(&st, value, desc, slot, force);
    if (c == CONVERTED && st.n > 0) {
        c = in_run(&st, 0);
        if (c != CONVERTED) pjx_release_slot(*slot, d0);
    }
    in_stack_free(&st);
    return c;
}

conversion pjx_from_python(PyObject *value, const char **desc, pjx_slot *slot) {
    if (!pjx_descriptor_has_any(*desc)) return convert_in(value, desc, slot, NULL, 0);
    /* an Any may hold a cycle: the memo notices it (ValueError) */
    pjx_identity id;
    pjx_identity_init(&id, 0);
    conversion c = convert_in(value, desc, slot, &id, 0);
    if (c == MISMATCH && id.conflict == PJX_CONFLICT_CYCLE) {
        PyErr_SetString(PyExc_ValueError,
                        "a container that contains itself cannot be held by compiled code");
        c = FAILED;
    }
    pjx_identity_release(&id);
    return c;
}

conversion pjx_from_python_in(PyObject *value, const char **desc, pjx_slot *slot,
                              pjx_identity *id, int param) {
    id->param = param;
    return convert_in(value, desc, slot, id, FORCE_ARGUMENT);
}

/* ---- where a nested value did not match ------------------------------------------
 * Only asked for on the slow path of a call that failed (pjx_mismatch_watch):
 * the frames on the stack are the way from the argument to the item. */
static int watching;
static PyObject *noted; /* "[3]['k'][2]: expected int, got str" */

void pjx_mismatch_watch(void) {
    watching++;
    Py_CLEAR(noted);
}

PyObject *pjx_mismatch_take(void) {
    watching--;
    PyObject *result = noted;
    noted = NULL;
    return result;
}

/* repr(key), shortened: a path names a key, it need not spell it out. */
static int append_repr(PyObject *parts, PyObject *key, const char *before, const char *after) {
    PyObject *r = PyObject_Repr(key);
    if (r == NULL) {
        PyErr_Clear();
        r = PyUnicode_FromString("...");
        if (r == NULL) return -1;
    }
    if (PyUnicode_GET_LENGTH(r) > 40) {
        PyObject *cut = PyUnicode_Substring(r, 0, 37);
        Py_DECREF(r);
        r = cut ? PyUnicode_FromFormat("%U...", cut) : NULL;
        Py_XDECREF(cut);
        if (r == NULL) return -1;
    }
    PyObject *part = PyUnicode_FromFormat("%s%U%s", before, r, after);
    Py_DECREF(r);
    if (part == NULL) return -1;
    int rc = PyList_Append(parts, part);
    Py_DECREF(part);
    return rc;
}

/* `value` (an item) does not match `desc`; `where` says where it is in a
 * container filled without a frame.  The first note, the innermost,
 * is kept: the containers around a mismatched item mismatch too. */
static void note_mismatch(in_stack *st, PyObject *value, const char *desc, place where) {
    if (watching == 0 || noted != NULL || st->in_union > 0 ||
        (st->id != NULL && st->id->conflict))
        return;
    PyObject *parts = PyList_New(0);
    if (parts == NULL) goto fail;
    for (int32_t k = 0; k < st->n; k++) {
        const in_frame *f = &st->frames[k];
        int rc;
        switch (f->kind) {
        case IN_LIST:
        case IN_TUPLE: {
            /* (an outer frame has moved past the item whose frame is above) */
            PyObject *part = PyUnicode_FromFormat("[%zd]", k == st->n - 1 ? f->i : f->i - 1);
            rc = part ? PyList_Append(parts, part) : -1;
            Py_XDECREF(part);
            break;
        }
        case IN_DICT: rc = append_repr(parts, f->current, f->in_key ? " key " : "[",
                                       f->in_key ? "" : "]");
            break;
        default: rc = append_repr(parts, f->current, " item ", ""); break;
        }
        if (rc < 0) goto fail;
    }
    if (where.at == AT_INDEX) {
        PyObject *part = PyUnicode_FromFormat("[%zd]", where.index);
        if (part == NULL || PyList_Append(parts, part) < 0) {
            Py_XDECREF(part);
            goto fail;
        }
        Py_DECREF(part);
    } else if (where.at != AT_FRAMES &&
               append_repr(parts, where.key, where.at == AT_VALUE ? "[" : where.at == AT_KEY
                           ? " key " : " item ", where.at == AT_VALUE ? "]" : "") < 0) {
        goto fail;
    }
    char expected[256];
    if (*desc == '!') desc++;
    pjx_descriptor_name(desc, expected, sizeof expected);
    PyObject *empty = PyUnicode_FromString("");
    PyObject *path = empty ? PyUnicode_Join(empty, parts) : NULL;
    Py_XDECREF(empty);
    Py_CLEAR(parts);
    if (path == NULL) goto fail;
    if (*desc == 'a')
        noted = PyUnicode_FromFormat("%U: pyjitx cannot pass a %s value to compiled code", path,
                                     Py_TYPE(value)->tp_name);
    else if (*desc == 't' && PyTuple_Check(value))
        noted = PyUnicode_FromFormat("%U: expected %s, got a tuple of %zd items", path, expected,
                                     PyTuple_GET_SIZE(value));
    else
        noted = PyUnicode_FromFormat("%U: expected %s, got %s", path, expected,
                                     Py_TYPE(value)->tp_name);
    Py_DECREF(path);
    if (noted == NULL) PyErr_Clear();
    return;
fail:
    /* (the message loses its detail, not the mismatch) */
    Py_XDECREF(parts);
    PyErr_Clear();
}
