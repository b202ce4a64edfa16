/* Runtime slots -> Python objects, driven by boundary descriptors
 * (_convert.h), and the write-back of mutated arguments.
 *
 * As on the way in (_convert.c), containers are not converted by
 * recursion: a container's Python object is made at once and handed to its
 * parent, and a frame fills it; a loop steps the innermost frame.  So a
 * 100,000-deep Any returned by compiled code comes back whole.  A frame
 * that writes back (`target`) fills a new object and, when it is complete,
 * makes the caller's object hold what it holds, in place. */
#include "_convert_internal.h"

#include "_collections.h"
#include "_instance.h"
#include "_ndarray.h"
#include "pyjitx/any.h"
#include "pyjitx/array.h"
#include "pyjitx/containers.h"

#include <math.h>
#include <string.h>

enum { OUT_LIST, OUT_TUPLE, OUT_DICT, OUT_SET };
/* how a tuple frame finds each item's descriptor */
enum { ITEMS_SHARED, ITEMS_NEXT, ITEMS_KINDS };

typedef struct {
    uint8_t kind;
    uint8_t items;      /* tuple: ITEMS_* */
    uint8_t have_key;   /* dict, set: `key` is converted and waits for its value */
    PyObject *py;       /* the object being filled (strong) */
    PyObject *target;   /* the caller's object it is written back into, or NULL (strong) */
    pjx_object *rt;     /* strong */
    const char *desc;   /* the items' (dict, set: keys') descriptor */
    const char *next;   /* dict: the values' descriptor; tuple: the next item's */
    int64_t i;          /* list, tuple: the next item; dict, set: pjx_dict_next's position */
    PyObject *key;      /* (strong) */
    pjx_slot value;     /* the key's value (a reference of its own) */
    int32_t value_kind;
} out_frame;

#define OUT_INLINE 8

typedef struct {
    out_frame *frames;
    int32_t n, cap;
    pjx_identity *id;
    out_frame inline_frames[OUT_INLINE];
} out_stack;

enum { STEP_DONE = 1, STEP_PUSHED = 2 };

static void out_stack_init(out_stack *st, pjx_identity *id) {
    st->frames = st->inline_frames;
    st->n = 0;
    st->cap = OUT_INLINE;
    st->id = id;
}

static void out_stack_free(out_stack *st) {
    if (st->frames != st->inline_frames) PyMem_Free(st->frames);
}

/* A frame filling `py` (a new reference is taken) from `rt`. */
static out_frame *out_push(out_stack *st, int kind, PyObject *py, pjx_object *rt,
                           const char *desc, PyObject *target) {
    if (st->n == st->cap &&
        pjx_grow_frames((void **)&st->frames, st->inline_frames, st->n, &st->cap,
                        sizeof(*st->frames)) < 0)
        return NULL;
    out_frame *f = &st->frames[st->n++];
    memset(f, 0, sizeof *f);
    f->kind = (uint8_t)kind;
    Py_INCREF(py);
    f->py = py;
    Py_XINCREF(target);
    f->target = target;
    pjx_incref(rt);
    f->rt = rt;
    f->desc = desc;
    return f;
}

/* Makes the Python list, dict or set `target` hold what `fresh` (of the same
 * kind, complete) holds, in place: the caller's object stays itself, as
 * CPython's would. */
static int write_into(PyObject *target, PyObject *fresh) {
    if (pjx_needs_collection_write(target)) return pjx_write_collection(target, fresh);
    if (PyList_Check(fresh))
        return PyList_Check(target) ? PyList_SetSlice(target, 0, PY_SSIZE_T_MAX, fresh) : 0;
    if (PyDict_Check(fresh)) {
        if (!PyDict_Check(target)) return 0;
        PyDict_Clear(target);
        return PyDict_Update(target, fresh);
    }
    int rc = 0;
    if (PySet_Check(target)) { /* (a frozenset cannot have changed) */
        rc = PySet_Clear(target);
        PyObject *it = rc == 0 ? PyObject_GetIter(fresh) : NULL;
        PyObject *item;
        while (it != NULL && (item = PyIter_Next(it)) != NULL) {
            if (PySet_Add(target, item) < 0) rc = -1;
            Py_DECREF(item);
        }
        Py_XDECREF(it);
        if (it == NULL || PyErr_Occurred()) rc = -1;
    } else if (PyFrozenSet_Check(target)) {
        /* CPython raises AttributeError at the call of the method that
         * would change it; compiled code, holding a set, noticed nothing */
        rc = PyObject_RichCompareBool(target, fresh, Py_EQ);
        if (rc == 0)
            PyErr_SetString(PyExc_TypeError,
                            "a frozenset argument was changed in place (a frozenset has no "
                            "methods that change it; pass a set)");
        rc = rc == 1 ? 0 : -1;
    }
    return rc;
}

/* Pops the innermost frame; a finished one writes back.  -1 when that
 * failed. */
static int out_pop(out_stack *st, int finished) {
    out_frame *f = &st->frames[--st->n];
    int rc = 0;
    if (finished && f->target != NULL) rc = write_into(f->target, f->py);
    if (f->have_key) pjx_slot_decref(f->value_kind, f->value);
    Py_XDECREF(f->key);
    Py_XDECREF(f->target);
    Py_DECREF(f->py);
    pjx_decref(f->rt);
    return rc;
}

static PyObject *out_begin(out_stack *st, pjx_slot slot, const char **desc);

/* ---- containers: made at once, filled by their frame --------------------------- */

/* Fills the new list `list` (of l's size) from l, or pushes the frame that
 * will; writes it into `target` once complete.  0, or -1 with an error. */
static int list_fill(out_stack *st, PyObject *list, const pjx_list *l, const char *item_desc,
                     PyObject *target) {
    if (item_desc[0] == 'i' || item_desc[0] == 'I') { /* List[int]: the common result */
        for (int64_t i = 0; i < l->size; i++) {
            PyObject *item = pjx_int_to_python(l->items[i].i);
            if (item == NULL) return -1;
            PyList_SET_ITEM(list, i, item);
        }
    } else if (l->size > 0) {
        return out_push(st, OUT_LIST, list, (pjx_object *)l, item_desc, target) ? 0 : -1;
    }
    return target != NULL ? write_into(target, list) : 0;
}

static PyObject *list_begin(out_stack *st, const pjx_list *l, const char *item_desc) {
    PyObject *list = PyList_New(l->size);
    if (list != NULL && list_fill(st, list, l, item_desc, NULL) < 0) Py_CLEAR(list);
    return list;
}

/* A collections.deque: its items fill a list that is written into it
 * once complete. */
static PyObject *deque_begin(out_stack *st, const pjx_list *l, const char *item_desc) {
    PyObject *deque = pjx_new_python_deque(l);
    if (deque == NULL) return NULL;
    PyObject *list = PyList_New(l->size);
    if (list == NULL || list_fill(st, list, l, item_desc, deque) < 0) Py_CLEAR(deque);
    Py_XDECREF(list);
    return deque;
}

/* A tuple of class `cls` (NULL: the class of its shape, if any: an
 * instance of a named-tuple class comes back as one). */
static PyObject *tuple_begin(out_stack *st, const pjx_tuple *t, const char *desc, int items,
                             PyObject *cls) {
    PyObject *shaped = pjx_named_tuple_class_of(t);
    PyObject *tuple = pjx_new_tuple_of(shaped ? shaped : cls, t->size);
    if (tuple == NULL || t->size == 0) return tuple;
    out_frame *f = out_push(st, OUT_TUPLE, tuple, (pjx_object *)t, desc, NULL);
    if (f == NULL) {
        Py_DECREF(tuple);
        return NULL;
    }
    f->items = (uint8_t)items;
    f->next = desc;
    return tuple;
}

/* As list_fill for a dict or set (`c` 'd' or 'e'), new and empty. */
static int table_fill(out_stack *st, PyObject *py, pjx_dict *dict, char c, const char *key_desc,
                      const char *value_desc, PyObject *target) {
    if (dict->size == 0) return target != NULL ? write_into(target, py) : 0;
    out_frame *f = out_push(st, c == 'd' ? OUT_DICT : OUT_SET, py, &dict->ob, key_desc, target);
    if (f == NULL) return -1;
    f->next = value_desc;
    return 0;
}

static PyObject *table_begin(out_stack *st, pjx_dict *dict, char c, const char *key_desc,
                             const char *value_desc) {
    PyObject *py = c == 'd' ? pjx_new_python_dict_for(dict) : PySet_New(NULL);
    if (py != NULL && table_fill(st, py, dict, c, key_desc, value_desc, NULL) < 0) Py_CLEAR(py);
    return py;
}

/* Entry i's Python object made to hold what its runtime object holds (a
 * frame that writes it back once complete). */
static int sync_begin(out_stack *st, int32_t i) {
    pjx_identity_entry *e = &st->id->entries[i];
    e->synced = 1;
    const char *d = e->desc;
    PyObject *target = e->py;
    pjx_object *rt = e->rt;
    if (pjx_container_letter(*d) == 'l') {
        PyObject *fresh = PyList_New(((const pjx_list *)rt)->size);
        if (fresh == NULL) return -1;
        int rc = list_fill(st, fresh, (const pjx_list *)rt, d + 2, target);
        Py_DECREF(fresh);
        return rc;
    }
    const char *value_desc = d + 2;
    char c = pjx_container_letter(*d);
    if (c == 'd') pjx_skip_descriptor(&value_desc);
    PyObject *fresh = c == 'd' ? PyDict_New() : PySet_New(NULL);
    if (fresh == NULL) return -1;
    int rc = table_fill(st, fresh, (pjx_dict *)rt, c, d + 2, value_desc, target);
    Py_DECREF(fresh);
    return rc;
}

static inline int shared_runtime_object(const pjx_object *o) {
    return __atomic_load_n(&o->refcount, __ATOMIC_RELAXED) != 1;
}

/* A runtime list, dict or set (`c` 'l', 'd' or 'e', its items' descriptors)
 * that more than one place holds: the Python object it came from (written
 * back first when it may have changed), or the one already made for it, or
 * a new one, recorded before its items convert, so that a runtime cycle
 * comes back as one. */
static PyObject *shared_begin(out_stack *st, pjx_object *o, char c, const char *d1,
                              const char *d2) {
    pjx_identity *id = st->id;
    int32_t i = pjx_memo_find_rt(id, o);
    if (i < 0 && !id->walked) {
        if (pjx_memo_walk_unchanged_arguments(id) < 0) return NULL;
        i = pjx_memo_find_rt(id, o);
    }
    if (i >= 0) {
        pjx_identity_entry *e = &id->entries[i];
        if (!e->synced && e->mutable_ && sync_begin(st, i) < 0) return NULL;
        PyObject *py = id->entries[i].py;
        Py_INCREF(py);
        return py;
    }
    int deque = o->type_id == PJX_TYPE_DEQUE;
    PyObject *py = deque ? pjx_new_python_deque((const pjx_list *)o)
                 : c == 'l' ? PyList_New(((const pjx_list *)o)->size)
                 : c == 'd' ? pjx_new_python_dict_for((const pjx_dict *)o) : PySet_New(NULL);
    if (py == NULL) return NULL;
    i = pjx_memo_add(id, py, 0);
    if (i < 0 || pjx_memo_bind(id, i, o) < 0) {
        Py_DECREF(py);
        return NULL;
    }
    id->entries[i].input = 0;
    id->entries[i].synced = 1;
    int rc;
    if (deque) { /* (filled through a list, written into it once complete) */
        PyObject *list = PyList_New(((const pjx_list *)o)->size);
        rc = list ? list_fill(st, list, (const pjx_list *)o, d1, py) : -1;
        Py_XDECREF(list);
    } else {
        rc = c == 'l' ? list_fill(st, py, (const pjx_list *)o, d1, NULL)
                      : table_fill(st, py, (pjx_dict *)o, c, d1, d2, NULL);
    }
    if (rc < 0) Py_CLEAR(py);
    return py;
}

static PyObject *nan_to_python(pjx_object *box, pjx_identity *id) {
    int32_t i = pjx_memo_find_rt(id, box);
    if (i < 0) {
        PyObject *py = PyFloat_FromDouble(((pjx_box *)box)->value.f);
        if (py == NULL) return NULL;
        i = pjx_memo_add(id, py, 0);
        Py_DECREF(py);
        if (i < 0 || pjx_memo_bind(id, i, box) < 0) return NULL;
        id->entries[i].input = 0;
        id->entries[i].synced = 1;
    }
    Py_INCREF(id->entries[i].py);
    return id->entries[i].py;
}

static PyObject *any_begin(out_stack *st, pjx_object *o) {
    if (o == NULL) Py_RETURN_NONE;
    switch (o->type_id) {
    case PJX_TYPE_INT: return pjx_int_to_python(((pjx_box *)o)->value.i);
    case PJX_TYPE_FLOAT:
        if (st->id != NULL && isnan(((pjx_box *)o)->value.f) && shared_runtime_object(o))
            return nan_to_python(o, st->id);
        return PyFloat_FromDouble(((pjx_box *)o)->value.f);
    case PJX_TYPE_BOOL: return PyBool_FromLong((long)((pjx_box *)o)->value.i);
    case PJX_TYPE_STR: return pjx_str_to_python((const pjx_str *)o);
    case PJX_TYPE_BYTES:
        return PyBytes_FromStringAndSize(((const pjx_bytes *)o)->data, ((const pjx_bytes *)o)->size);
    case PJX_TYPE_INSTANCE: return pjx_wrap_instance((pjx_instance *)o);
    case PJX_TYPE_NDARRAY: return pjx_ndarray_to_python((pjx_ndarray *)o);
    case PJX_TYPE_LIST: case PJX_TYPE_DEQUE: {
        const char *item = pjx_kind_descriptor(((const pjx_list *)o)->kind);
        if (st->id != NULL && shared_runtime_object(o)) return shared_begin(st, o, 'l', item, NULL);
        if (o->type_id == PJX_TYPE_DEQUE) return deque_begin(st, (const pjx_list *)o, item);
        return list_begin(st, (const pjx_list *)o, item);
    }
    case PJX_TYPE_TUPLE: return tuple_begin(st, (const pjx_tuple *)o, NULL, ITEMS_KINDS, NULL);
    case PJX_TYPE_DICT:
    case PJX_TYPE_SET: {
        pjx_dict *dict = (pjx_dict *)o;
        char c = o->type_id == PJX_TYPE_DICT ? 'd' : 'e';
        const char *kd = pjx_kind_descriptor(dict->key_kind);
        const char *vd = pjx_kind_descriptor(dict->value_kind);
        if (st->id != NULL && shared_runtime_object(o)) return shared_begin(st, o, c, kd, vd);
        return table_begin(st, dict, c, kd, vd);
    }
    default:
        PyErr_Format(PyExc_SystemError, "pyjitx: cannot convert a runtime object of type %u",
                     o->type_id);
        return NULL;
    }
}

/* ---- one value: a leaf at once, a container made and its frame pushed ---------- */
static PyObject *out_begin(out_stack *st, pjx_slot slot, const char **desc) {
    const char *d = *desc;
    if (*d == '!') d++;
    char c = *d;
    pjx_skip_descriptor(desc);
    switch (c) {
    case 'i': case 'I': return pjx_int_to_python(slot.i);
    case 'f': case 'F': return PyFloat_FromDouble(slot.f);
    case 'b': return PyBool_FromLong((long)(slot.bits & 0xFF));
    case 'n': Py_RETURN_NONE;
    case 's': return pjx_str_to_python((const pjx_str *)slot.o);
    case 'c': return pjx_wrap_instance((pjx_instance *)slot.o);
    case 'a': case 'u': return any_begin(st, slot.o);
    case 'A': return pjx_ndarray_to_python((pjx_ndarray *)slot.o);
    case 'T': return tuple_begin(st, (const pjx_tuple *)slot.o, d + 2, ITEMS_SHARED, NULL);
    case 't': return tuple_begin(st, (const pjx_tuple *)slot.o, d + 2, ITEMS_NEXT, NULL);
    case 'E': { /* an enum member: the member with its value */
        const char *inner = strchr(d, ':') + 1;
        PyObject *value = out_begin(st, slot, &inner); /* (an int or a str: a leaf) */
        if (value == NULL) return NULL;
        PyObject *member = pjx_enum_member_out(d, value);
        Py_DECREF(value);
        return member;
    }
    case 'N': { /* a named tuple: an instance of its class */
        const char *inner;
        PyObject *entry = pjx_boundary_class(d, &inner);
        if (entry == NULL) return NULL;
        return tuple_begin(st, (const pjx_tuple *)slot.o, inner + 2, ITEMS_NEXT,
                           PyTuple_GET_ITEM(entry, 0));
    }
    case 'o': {
        if (slot.o == NULL) Py_RETURN_NONE;
        const char *inner = d + 2;
        return out_begin(st, slot, &inner);
    }
    case 'y': {
        const pjx_bytes *b = (const pjx_bytes *)slot.o;
        return PyBytes_FromStringAndSize(b->data, b->size);
    }
    case 'Y': return pjx_bytearray_to_python((const pjx_list *)slot.o, NULL);
    case 'R': return pjx_array_to_python((pjx_list *)slot.o, d[2], NULL);
    case 'l': case 'Q':
        if (st->id != NULL && shared_runtime_object(slot.o))
            return shared_begin(st, slot.o, 'l', d + 2, NULL);
        if (c == 'Q') return deque_begin(st, (const pjx_list *)slot.o, d + 2);
        return list_begin(st, (const pjx_list *)slot.o, d + 2);
    case 'g': { /* a generator's items, collected: Python gets an iterator over them */
        PyObject *list = list_begin(st, (const pjx_list *)slot.o, d + 2);
        if (list == NULL) return NULL;
        PyObject *iterator = PyObject_GetIter(list); /* (filled before anyone iterates) */
        Py_DECREF(list);
        return iterator;
    }
    case 'd': case 'e': case 'K': case 'O': case 'D': {
        c = pjx_container_letter(c);
        const char *vd = d + 2;
        if (c == 'd') pjx_skip_descriptor(&vd);
        if (st->id != NULL && shared_runtime_object(slot.o))
            return shared_begin(st, slot.o, c, d + 2, vd);
        return table_begin(st, (pjx_dict *)slot.o, c, d + 2, vd);
    }
    default:
        PyErr_Format(PyExc_SystemError, "pyjitx: cannot convert descriptor '%s' yet", d);
        return NULL;
    }
}

/* ---- stepping the frames ------------------------------------------------------- */

/* One item: its object into *out; STEP_PUSHED when its frame must run first. */
static int out_item(out_stack *st, pjx_slot slot, const char **desc, PyObject **out) {
    int32_t before = st->n;
    *out = out_begin(st, slot, desc);
    if (*out == NULL) return -1;
    return st->n > before ? STEP_PUSHED : 0;
}

static int out_step(out_stack *st, int32_t k) {
    out_frame *f = &st->frames[k];
    switch (f->kind) {
    case OUT_LIST: {
        const pjx_list *l = (const pjx_list *)f->rt;
        while (f->i < PyList_GET_SIZE(f->py)) {
            PyObject *item;
            int r = 0;
            if (f->i < l->size) {
                const char *d = f->desc;
                r = out_item(st, l->items[f->i], &d, &item);
                f = &st->frames[k]; /* (the frames may have moved) */
                if (r < 0) return -1;
            } else { /* (changed meanwhile by compiled code: no hole in the list) */
                item = Py_None;
                Py_INCREF(item);
            }
            PyList_SET_ITEM(f->py, f->i, item);
            f->i++;
            if (r == STEP_PUSHED) return r;
        }
        return STEP_DONE;
    }
    case OUT_TUPLE: {
        const pjx_tuple *t = (const pjx_tuple *)f->rt;
        while (f->i < t->size) {
            const char *d = f->items == ITEMS_SHARED ? f->desc
                          : f->items == ITEMS_NEXT ? f->next
                          : pjx_kind_descriptor(PJX_TUPLE_KINDS(t)[f->i]);
            PyObject *item;
            int r = out_item(st, t->items[f->i], &d, &item);
            f = &st->frames[k];
            if (r < 0) return -1;
            PyTuple_SET_ITEM(f->py, f->i, item);
            if (f->items == ITEMS_NEXT) f->next = d;
            f->i++;
            if (r == STEP_PUSHED) return r;
        }
        return STEP_DONE;
    }
    default: /* OUT_DICT, OUT_SET */
        for (;;) {
            pjx_dict *dict = (pjx_dict *)f->rt;
            if (!f->have_key) {
                pjx_slot k_slot, v_slot;
                if (!pjx_dict_next(dict, &f->i, &k_slot, &v_slot)) return STEP_DONE;
                const char *d = f->desc;
                PyObject *key;
                int r = out_item(st, k_slot, &d, &key);
                f = &st->frames[k];
                if (r < 0) return -1;
                f->key = key;
                f->value = v_slot;
                f->value_kind = dict->value_kind;
                pjx_slot_incref(f->value_kind, v_slot);
                f->have_key = 1;
                if (r == STEP_PUSHED) return r; /* (a key completes before it is hashed) */
            }
            int rc, r = 0;
            if (f->kind == OUT_SET) {
                rc = PySet_Add(f->py, f->key);
            } else {
                const char *vd = f->next;
                PyObject *value;
                r = out_item(st, f->value, &vd, &value);
                f = &st->frames[k];
                if (r < 0) return -1;
                rc = pjx_python_dict_set(f->py, f->key, value);
                Py_DECREF(value);
            }
            Py_CLEAR(f->key);
            pjx_slot_decref(f->value_kind, f->value);
            f->have_key = 0;
            if (rc < 0) return -1;
            if (r == STEP_PUSHED) return r;
        }
    }
}

static int out_run(out_stack *st) {
    while (st->n > 0) {
        int r = out_step(st, st->n - 1);
        if (r == STEP_DONE) {
            if (out_pop(st, 1) == 0) continue;
        } else if (r == STEP_PUSHED) {
            continue;
        }
        while (st->n > 0) out_pop(st, 0);
        return -1;
    }
    return 0;
}

static PyObject *convert_out(pjx_slot slot, const char **desc, pjx_identity *id) {
    out_stack st;
    out_stack_init(&st, id);
    PyObject *result = out_begin(&st, slot, desc);
    if (result == NULL) {
        while (st.n > 0) out_pop(&st, 0);
    } else if (out_run(&st) < 0) {
        Py_CLEAR(result);
    }
    out_stack_free(&st);
    return result;
}

PyObject *pjx_to_python(pjx_slot slot, const char **desc) {
    if (!pjx_descriptor_has_any(*desc)) return convert_out(slot, desc, NULL);
    /* an Any may hold a cycle: one runtime object is one Python object */
    pjx_identity id;
    pjx_identity_init(&id, 0);
    PyObject *result = convert_out(slot, desc, &id);
    pjx_identity_release(&id);
    return result;
}

PyObject *pjx_to_python_in(pjx_slot slot, const char **desc, pjx_identity *id) {
    return convert_out(slot, desc, id);
}

/* ---- write-back -------------------------------------------------------------------- */

/* A bytearray (the runtime's list of ints 0..255, bytearray.h) as a new
 * bytearray, or into `target` (a bytearray argument written back in
 * place: resized and overwritten; returns target, a new reference). */
PyObject *pjx_bytearray_to_python(const pjx_list *l, PyObject *target) {
    PyObject *ba = target;
    if (ba == NULL) ba = PyByteArray_FromStringAndSize(NULL, l->size);
    else if (PyByteArray_Resize(ba, l->size) == 0) Py_INCREF(ba);
    else ba = NULL;
    if (ba == NULL) return NULL;
    char *data = PyByteArray_AS_STRING(ba);
    for (int64_t i = 0; i < l->size; i++) data[i] = (char)(unsigned char)l->items[i].i;
    return ba;
}

/* An array.array of `typecode` whose items are the runtime list's; 1 and
 * *out (a new list), 0 where value is no array of that typecode, -1 with the
 * runtime's error (an L/Q item past int64). */
int pjx_array_from_python(PyObject *value, char typecode, pjx_list **out) {
    if (strcmp(Py_TYPE(value)->tp_name, "array.array") != 0) return 0;
    Py_buffer view;
    if (PyObject_GetBuffer(value, &view, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0) {
        PyErr_Clear();
        return 0;
    }
    int same = view.format != NULL && view.format[0] == typecode && view.format[1] == 0;
    pjx_list *l = same ? pjx_array_from_data(typecode, (const char *)view.buf, view.len) : NULL;
    PyBuffer_Release(&view);
    if (!same) return 0;
    if (l == NULL) { /* an L/Q item past int64, or no memory */
        if (pjx_err_kind() == PJX_EXC_OVERFLOW)
            PyErr_SetString(PyExc_OverflowError, "Python int too large for pyjitx int (64-bit signed)");
        else
            PyErr_NoMemory();
        pjx_err_clear();
        return -1;
    }
    *out = l;
    return 1;
}

/* The runtime's array as a new array.array, or into `target` (an argument
 * written back in place: its items replaced; returns target, a new
 * reference). */
PyObject *pjx_array_to_python(pjx_list *l, char typecode, PyObject *target) {
    pjx_bytes *b = pjx_array_tobytes(typecode, l);
    if (b == NULL) {
        pjx_err_clear();
        return PyErr_NoMemory();
    }
    PyObject *module = PyImport_ImportModule("array");
    PyObject *made = module == NULL ? NULL
                   : PyObject_CallMethod(module, "array", "Cy#", (int)typecode, b->data,
                                         (Py_ssize_t)b->size);
    Py_XDECREF(module);
    pjx_decref(b);
    if (made == NULL || target == NULL) return made;
    int rc = PySequence_SetSlice(target, 0, PY_SSIZE_T_MAX, made);
    Py_DECREF(made);
    if (rc < 0) return NULL;
    return Py_NewRef(target);
}

int pjx_write_back(PyObject *target, pjx_slot slot, const char *desc) {
    if (*desc == '!') desc++;
    if (*desc == 'R') {
        if (strcmp(Py_TYPE(target)->tp_name, "array.array") != 0) return 0;
        /* (also after the code raised: its exception set aside meanwhile,
         * as building the array calls into Python) */
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        PyObject *done = pjx_array_to_python((pjx_list *)slot.o, desc[2], target);
        Py_XDECREF(done);
        if (type != NULL) {
            if (done == NULL) {
                Py_XDECREF(type);
                Py_XDECREF(value);
                Py_XDECREF(tb);
            } else {
                PyErr_Restore(type, value, tb);
            }
        }
        return done == NULL ? -1 : 0;
    }
    if (*desc == 'Y') {
        if (!PyByteArray_Check(target)) return 0;
        PyObject *done = pjx_bytearray_to_python((const pjx_list *)slot.o, target);
        Py_XDECREF(done);
        return done == NULL ? -1 : 0;
    }
    if (*desc == 'o') {
        if (slot.o == NULL) return 0;
        desc += 2;
    }
    const pjx_object *o = slot.o;
    char c;
    const char *d1, *d2 = NULL;
    char letter = pjx_container_letter(*desc);
    if ((letter == 'l' || letter == 'd' || letter == 'e') && o != NULL) {
        c = letter;
        d1 = desc + 2;
        if (c == 'd') {
            d2 = d1;
            pjx_skip_descriptor(&d2);
        }
    } else if (*desc == 'a' && o != NULL &&
               (o->type_id == PJX_TYPE_LIST || o->type_id == PJX_TYPE_DICT ||
                o->type_id == PJX_TYPE_SET || o->type_id == PJX_TYPE_DEQUE)) {
        if (o->type_id == PJX_TYPE_LIST || o->type_id == PJX_TYPE_DEQUE) {
            c = 'l';
            d1 = pjx_kind_descriptor(((const pjx_list *)o)->kind);
        } else {
            c = o->type_id == PJX_TYPE_DICT ? 'd' : 'e';
            d1 = pjx_kind_descriptor(((const pjx_dict *)o)->key_kind);
            d2 = pjx_kind_descriptor(((const pjx_dict *)o)->value_kind);
        }
    } else {
        return 0;
    }
    out_stack st;
    out_stack_init(&st, NULL);
    PyObject *fresh = c == 'l' ? PyList_New(((const pjx_list *)o)->size)
                    : c == 'd' ? PyDict_New() : PySet_New(NULL);
    int rc = fresh == NULL ? -1
           : c == 'l' ? list_fill(&st, fresh, (const pjx_list *)o, d1, target)
                      : table_fill(&st, fresh, (pjx_dict *)slot.o, c, d1, d2, target);
    Py_XDECREF(fresh);
    if (rc == 0) rc = out_run(&st);
    else while (st.n > 0) out_pop(&st, 0);
    out_stack_free(&st);
    return rc;
}

int pjx_identity_write_back(pjx_identity *id) {
    for (int32_t i = 0; i < id->n; i++) {
        pjx_identity_entry *e = &id->entries[i];
        if (!(e->input && e->mutable_ && !e->synced && e->rt != NULL)) continue;
        out_stack st;
        out_stack_init(&st, id);
        int rc = sync_begin(&st, i);
        if (rc == 0) rc = out_run(&st);
        else while (st.n > 0) out_pop(&st, 0);
        out_stack_free(&st);
        if (rc < 0) return -1;
    }
    return 0;
}
