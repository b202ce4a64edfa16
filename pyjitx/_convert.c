/* Python objects <-> runtime slots, driven by boundary descriptors
 * (_convert.h).  Containers convert element by element in C; strings copy
 * CPython's cached UTF-8 once. */
#include "_convert.h"

#include "_instance.h"
#include "pyjitx/any.h"
#include "pyjitx/ndarray.h"
#include "_ndarray.h"
#include "pyjitx/containers.h"

#include <stdlib.h>
#include <string.h>

void pjx_skip_descriptor(const char **desc) {
    if (**desc == '!') (*desc)++;
    pjx_descriptor_skip(desc); /* the runtime's, which Any's casts use too */
}

int32_t pjx_descriptor_kind(const char *desc) {
    if (*desc == '!') desc++;
    switch (*desc) {
    case 'i': case 'I': return PJX_KIND_INT;
    case 'f': case 'F': return PJX_KIND_FLOAT;
    case 'b': return PJX_KIND_BOOL;
    case 'n': return PJX_KIND_NONE;
    default: return PJX_KIND_OBJ;
    }
}

void pjx_release_slot(pjx_slot slot, const char *desc) {
    if (pjx_descriptor_kind(desc) == PJX_KIND_OBJ) pjx_decref(slot.o);
}

/* ---- Python -> runtime -------------------------------------------------- */

static conversion runtime_failed(void) {
    /* a runtime allocation failed: its exception is pending in pjx_err */
    pjx_err_clear();
    PyErr_NoMemory();
    return FAILED;
}

static conversion str_from_python(PyObject *value, pjx_slot *slot) {
    Py_ssize_t nbytes;
    const char *utf8 = PyUnicode_AsUTF8AndSize(value, &nbytes);
    if (utf8 == NULL) return FAILED; /* lone surrogates: UnicodeEncodeError */
    pjx_str *s = pjx_str_alloc(nbytes, PyUnicode_GET_LENGTH(value));
    if (s == NULL) return runtime_failed();
    memcpy(s->data, utf8, (size_t)nbytes);
    slot->o = &s->ob;
    return CONVERTED;
}

/* The value of an exact int that fits one internal digit (|v| < 2**30),
 * read without a call: most ids and lengths are such ints. */
static inline int compact_int(PyObject *v, int64_t *out) {
    if (!PyLong_CheckExact(v)) return 0;
#if PY_VERSION_HEX >= 0x030C0000
    if (!PyUnstable_Long_IsCompact((PyLongObject *)v)) return 0;
    *out = PyUnstable_Long_CompactValue((PyLongObject *)v);
    return 1;
#else
    Py_ssize_t size = Py_SIZE(v);
    if (size < -1 || size > 1) return 0;
    *out = (int64_t)size * (int64_t)((PyLongObject *)v)->ob_digit[0];
    return 1;
#endif
}

static conversion list_from_python(PyObject *value, const char *item_desc, pjx_slot *slot) {
    Py_ssize_t n = PyList_GET_SIZE(value);
    pjx_list *list = pjx_list_new(pjx_descriptor_kind(item_desc), n);
    if (list == NULL) return runtime_failed();
    if (*item_desc == 'i') { /* List[int]: small ints straight into the slots */
        Py_ssize_t i = 0;
        while (i < n && compact_int(PyList_GET_ITEM(value, i), &list->items[i].i)) i++;
        list->size = i;
    }
    for (Py_ssize_t i = list->size; i < PyList_GET_SIZE(value); i++) {
        const char *d = item_desc;
        pjx_slot item;
        conversion c = pjx_from_python(PyList_GET_ITEM(value, i), &d, &item);
        if (c != CONVERTED) {
            pjx_decref(list);
            return c;
        }
        if (pjx_list_append_steal(list, item) < 0) {
            pjx_decref(list);
            return runtime_failed();
        }
    }
    slot->o = &list->ob;
    return CONVERTED;
}

/* A runtime tuple of a Python one: each item by the same descriptor
 * (`shared`: Tuple[T, ...], Any's tuples) or by consecutive ones. */
static conversion fill_tuple(PyObject *value, const char *items_desc, int shared,
                             pjx_slot *slot) {
    Py_ssize_t n = PyTuple_GET_SIZE(value);
    pjx_tuple *t = pjx_tuple_new(n);
    if (t == NULL) return runtime_failed();
    const char *d = items_desc;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (shared) d = items_desc;
        int32_t kind = pjx_descriptor_kind(d);
        conversion c = pjx_from_python(PyTuple_GET_ITEM(value, i), &d, &t->items[i]);
        if (c != CONVERTED) {
            pjx_decref(t);
            return c;
        }
        PJX_TUPLE_KINDS(t)[i] = (uint8_t)kind;
    }
    slot->o = &t->ob;
    return CONVERTED;
}

static conversion tuple_from_python(PyObject *value, const char *items_desc, pjx_slot *slot) {
    Py_ssize_t n = 0;
    for (const char *d = items_desc; *d && *d != ']'; pjx_skip_descriptor(&d)) n++;
    if (PyTuple_GET_SIZE(value) != n) return MISMATCH;
    return fill_tuple(value, items_desc, 0, slot);
}

/* ---- converted-dict cache ------------------------------------------------
 * A lookup table passed on every call (text2ids' vocabulary) would be
 * converted every time.  Dicts of immutable keys and values that the callee
 * does not mutate are converted once and reused while the Python dict is
 * unchanged: CPython 3.11 bumps a dict's ma_version_tag (a global counter)
 * on every change, and the cache holds a reference to the dict, so its
 * address cannot be reused.  Guarded by the GIL. */
#if PY_VERSION_HEX < 0x030C0000
#define PJX_DICT_CACHE 8
typedef struct {
    PyObject *dict;
    uint64_t version;
    const char *desc; /* interned in the Dispatcher's descriptor tuple */
    pjx_dict *converted;
} dict_cache_entry;
static dict_cache_entry dict_cache[PJX_DICT_CACHE];
static int dict_cache_next;

static int immutable_descriptor(const char *d) {
    switch (*d) {
    case 'i': case 'I': case 'f': case 'F': case 'b': case 'n': case 's': case 'y': return 1;
    case 't': {
        d += 2;
        while (*d && *d != ']') {
            if (!immutable_descriptor(d)) return 0;
            pjx_skip_descriptor(&d);
        }
        return 1;
    }
    default: return 0;
    }
}

static pjx_dict *dict_cache_find(PyObject *dict, const char *desc) {
    uint64_t version = ((PyDictObject *)dict)->ma_version_tag;
    for (int i = 0; i < PJX_DICT_CACHE; i++) {
        dict_cache_entry *e = &dict_cache[i];
        if (e->dict == dict && e->version == version && strcmp(e->desc, desc) == 0) {
            pjx_incref(e->converted);
            return e->converted;
        }
    }
    return NULL;
}

static void dict_cache_store(PyObject *dict, const char *desc, pjx_dict *converted) {
    dict_cache_entry *e = &dict_cache[dict_cache_next];
    dict_cache_next = (dict_cache_next + 1) % PJX_DICT_CACHE;
    Py_XDECREF(e->dict);
    pjx_decref(e->converted);
    Py_INCREF(dict);
    pjx_incref(converted);
    e->dict = dict;
    e->version = ((PyDictObject *)dict)->ma_version_tag;
    e->desc = desc;
    e->converted = converted;
}
#endif

/* Result ints: CPython caches only -5..256, and a kernel returning ids
 * (text2ids, WordPiece) would create a fresh int object per item where the
 * interpreter shares the dict's.  A direct-mapped cache of int objects by
 * value (the GIL guards it; ints are immutable and their identity is not
 * Python semantics) makes a repeated value an incref. */
#define PJX_INT_CACHE 8192
static struct {
    int64_t value;
    PyObject *obj;
} int_cache[PJX_INT_CACHE];

static PyObject *int_to_python(int64_t v) {
    if (v >= -5 && v <= 256) return PyLong_FromLongLong(v);
    size_t i = (size_t)((uint64_t)v & (PJX_INT_CACHE - 1));
    PyObject *cached = int_cache[i].obj;
    if (cached != NULL && int_cache[i].value == v) {
        Py_INCREF(cached);
        return cached;
    }
    PyObject *fresh = PyLong_FromLongLong(v);
    if (fresh == NULL) return NULL;
    Py_INCREF(fresh);
    int_cache[i].obj = fresh;
    int_cache[i].value = v;
    Py_XDECREF(cached);
    return fresh;
}

void pjx_clear_conversion_cache(void) {
    for (int i = 0; i < PJX_INT_CACHE; i++) Py_CLEAR(int_cache[i].obj);
#ifdef PJX_DICT_CACHE
    for (int i = 0; i < PJX_DICT_CACHE; i++) {
        Py_CLEAR(dict_cache[i].dict);
        pjx_decref(dict_cache[i].converted);
        dict_cache[i].converted = NULL;
    }
#endif
}

static conversion dict_from_python(PyObject *value, const char *kv_desc, pjx_slot *slot) {
    const char *value_desc = kv_desc;
    pjx_skip_descriptor(&value_desc);
    pjx_dict *d = pjx_dict_new(pjx_descriptor_kind(kv_desc), pjx_descriptor_kind(value_desc));
    if (d == NULL) return runtime_failed();
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    while (PyDict_Next(value, &pos, &k, &v)) {
        pjx_slot ks, vs;
        const char *kd = kv_desc, *vd = value_desc;
        conversion c = pjx_from_python(k, &kd, &ks);
        if (c != CONVERTED) {
            pjx_decref(d);
            return c;
        }
        c = pjx_from_python(v, &vd, &vs);
        if (c != CONVERTED) {
            pjx_release_slot(ks, kv_desc);
            pjx_decref(d);
            return c;
        }
        int32_t rc = pjx_dict_setitem(d, ks, vs);
        pjx_release_slot(ks, kv_desc);
        pjx_release_slot(vs, value_desc);
        if (rc < 0) {
            pjx_decref(d);
            return runtime_failed();
        }
    }
    slot->o = &d->ob;
    return CONVERTED;
}

static conversion set_from_python(PyObject *value, const char *item_desc, pjx_slot *slot) {
    pjx_dict *s = pjx_set_new(pjx_descriptor_kind(item_desc));
    if (s == NULL) return runtime_failed();
    PyObject *it = PyObject_GetIter(value);
    if (it == NULL) {
        pjx_decref(s);
        return FAILED;
    }
    PyObject *item;
    conversion result = CONVERTED;
    while ((item = PyIter_Next(it)) != NULL) {
        pjx_slot is;
        const char *d = item_desc;
        conversion c = pjx_from_python(item, &d, &is);
        Py_DECREF(item);
        if (c != CONVERTED) {
            result = c;
            break;
        }
        int32_t rc = pjx_set_add(s, is);
        pjx_release_slot(is, item_desc);
        if (rc < 0) {
            result = runtime_failed();
            break;
        }
    }
    Py_DECREF(it);
    if (result == CONVERTED && PyErr_Occurred()) result = FAILED;
    if (result != CONVERTED) {
        pjx_decref(s);
        return result;
    }
    slot->o = &s->ob;
    return CONVERTED;
}

static PyObject *fill_sequence(PyObject *seq, const pjx_slot *items, int64_t n,
                               const char *item_desc, int shared,
                               void (*set)(PyObject *, Py_ssize_t, PyObject *));
static void set_list_item(PyObject *list, Py_ssize_t i, PyObject *item);

/* ---- Any ------------------------------------------------------------------
 * A Python value of any supported type: scalars boxed, None as NULL,
 * containers with Any items (List[Any], Dict[Any, Any], ...). */
static conversion any_from_python(PyObject *value, pjx_slot *slot) {
    const char *d;
    if (value == Py_None) {
        slot->o = NULL;
        return CONVERTED;
    }
    if (PyBool_Check(value)) {
        slot->o = pjx_box_bool(value == Py_True);
        return CONVERTED;
    }
    if (PyLong_Check(value) || PyFloat_Check(value)) {
        d = PyLong_Check(value) ? "i" : "f";
        pjx_slot scalar;
        conversion c = pjx_from_python(value, &d, &scalar);
        if (c != CONVERTED) return c;
        slot->o = PyLong_Check(value) ? pjx_box_int(scalar.i) : pjx_box_float(scalar.f);
        return slot->o ? CONVERTED : runtime_failed();
    }
    if (PyObject_TypeCheck(value, &pjx_InstanceType)) {
        pjx_instance *inst = ((pjx_py_instance *)value)->instance;
        pjx_incref(inst);
        slot->o = &inst->ob;
        return CONVERTED;
    }
    if (PyTuple_Check(value)) return fill_tuple(value, "a", 1, slot);
    if (PyUnicode_Check(value)) d = "s";
    else if (PyBytes_Check(value)) d = "y";
    else if (PyList_Check(value)) d = "l[a]";
    else if (PyDict_Check(value)) d = "d[aa]";
    else if (PyAnySet_Check(value)) d = "e[a]";
    else return pjx_ndarray_from_python(value, "A[**]", slot); /* an array, or MISMATCH */
    return pjx_from_python(value, &d, slot);
}

static const char *kind_descriptor(int32_t kind) {
    switch (kind) {
    case PJX_KIND_INT: return "i";
    case PJX_KIND_FLOAT: return "f";
    case PJX_KIND_BOOL: return "b";
    case PJX_KIND_NONE: return "n";
    default: return "a";
    }
}

static PyObject *any_to_python(pjx_object *o) {
    const char *d;
    if (o == NULL) Py_RETURN_NONE;
    switch (o->type_id) {
    case PJX_TYPE_INT: return int_to_python(((pjx_box *)o)->value.i);
    case PJX_TYPE_FLOAT: return PyFloat_FromDouble(((pjx_box *)o)->value.f);
    case PJX_TYPE_BOOL: return PyBool_FromLong((long)((pjx_box *)o)->value.i);
    case PJX_TYPE_STR: d = "s"; break;
    case PJX_TYPE_BYTES: d = "y"; break;
    case PJX_TYPE_INSTANCE: return pjx_wrap_instance((pjx_instance *)o);
    case PJX_TYPE_NDARRAY: return pjx_ndarray_to_python((pjx_ndarray *)o);
    case PJX_TYPE_LIST: {
        const pjx_list *l = (const pjx_list *)o;
        return fill_sequence(PyList_New(l->size), l->items, l->size, kind_descriptor(l->kind), 1,
                             set_list_item);
    }
    case PJX_TYPE_TUPLE: {
        const pjx_tuple *t = (const pjx_tuple *)o;
        PyObject *tuple = PyTuple_New(t->size);
        if (tuple == NULL) return NULL;
        for (int64_t i = 0; i < t->size; i++) {
            const char *item_desc = kind_descriptor(PJX_TUPLE_KINDS(t)[i]);
            PyObject *item = pjx_to_python(t->items[i], &item_desc);
            if (item == NULL) {
                Py_DECREF(tuple);
                return NULL;
            }
            PyTuple_SET_ITEM(tuple, i, item);
        }
        return tuple;
    }
    case PJX_TYPE_DICT: case PJX_TYPE_SET: {
        const pjx_dict *dict = (const pjx_dict *)o;
        char desc[8];
        snprintf(desc, sizeof desc, "%c[%s%s]", o->type_id == PJX_TYPE_DICT ? 'd' : 'e',
                 kind_descriptor(dict->key_kind),
                 o->type_id == PJX_TYPE_DICT ? kind_descriptor(dict->value_kind) : "");
        d = desc;
        return pjx_to_python((pjx_slot){.o = o}, &d);
    }
    default:
        PyErr_Format(PyExc_SystemError, "pyjitx: cannot convert a runtime object of type %u",
                     o->type_id);
        return NULL;
    }
    return pjx_to_python((pjx_slot){.o = o}, &d);
}
/* ---- unions -----------------------------------------------------------------
 * A union (Optional[int], Union[int, str]) is held as an Any.  The value
 * converts as the first member whose Python type it has exactly (so True
 * stays a bool and 1 an int in Union[bool, int, float]), else as the first
 * member that accepts it as an annotated parameter would (an int for a
 * float member, a numpy integer for an int member); the converted value is
 * boxed, a typed container recording its type, as compiled code boxes one. */
static int exact_member(PyObject *value, const char *m) {
    switch (*m) {
    case 'i': case 'I': return PyLong_Check(value) && !PyBool_Check(value);
    case 'f': case 'F': return PyFloat_Check(value);
    case 'b': return PyBool_Check(value);
    case 'n': return value == Py_None;
    case 's': return PyUnicode_Check(value);
    case 'y': return PyBytes_Check(value);
    case 'l': return PyList_Check(value);
    case 'd': return PyDict_Check(value);
    case 'e': return PyAnySet_Check(value);
    case 't': case 'T': return PyTuple_Check(value);
    case 'o': return value == Py_None || exact_member(value, m + 2);
    default: return 0; /* instances and arrays: tried by converting */
    }
}

static conversion box_member(const char *m, pjx_slot *slot) {
    switch (*m) {
    case 'i': case 'I': slot->o = pjx_box_int(slot->i); break;
    case 'f': case 'F': slot->o = pjx_box_float(slot->f); break;
    case 'b': slot->o = pjx_box_bool(slot->i != 0); break;
    case 'n': slot->o = NULL; return CONVERTED;
    default: {
        /* the member's descriptor on its own, for the container to keep */
        const char *end = m;
        pjx_skip_descriptor(&end);
        size_t n = (size_t)(end - m);
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
        if (rc < 0) return runtime_failed();
        slot->o = boxed;
        return CONVERTED;
    }
    }
    return slot->o ? CONVERTED : runtime_failed();
}

static conversion union_from_python(PyObject *value, const char *members, pjx_slot *slot) {
    for (int lenient = 0; lenient < 2; lenient++) {
        for (const char *m = members; *m && *m != ']';) {
            const char *next = m;
            pjx_skip_descriptor(&next);
            if (lenient || exact_member(value, m)) {
                const char *md = m;
                conversion c = pjx_from_python(value, &md, slot);
                if (c == FAILED) return FAILED;
                if (c == CONVERTED) return box_member(m, slot);
            }
            m = next;
        }
    }
    return MISMATCH;
}

/* > 0 while converting a value marked '!' (an argument the callee
 * mutates, the result of a pyfunc): the receiver may change it, nested
 * containers included, so no dict in it may come from the converted-dict
 * cache.  Guarded by the GIL. */
static int converting_mutable;

conversion pjx_from_python(PyObject *value, const char **desc, pjx_slot *slot) {
    const char *d = *desc;
    if (*d == '!') {
        d++;
        converting_mutable++;
        conversion result = pjx_from_python(value, &d, slot);
        converting_mutable--;
        *desc = d;
        return result;
    }
    char c = *d;
    pjx_skip_descriptor(desc);
    switch (c) {
    case 'I':
        if (!PyLong_Check(value) || PyBool_Check(value)) return MISMATCH;
        /* fall through */
    case 'i': {
        if (!PyLong_Check(value)) {
            if (PyFloat_Check(value) || !PyIndex_Check(value)) return MISMATCH;
            PyObject *index = PyNumber_Index(value);
            if (index == NULL) return FAILED;
            const char *i_desc = "i";
            conversion result = pjx_from_python(index, &i_desc, slot);
            Py_DECREF(index);
            return result;
        }
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
        if (overflow) {
            PyErr_SetString(PyExc_OverflowError,
                            "Python int too large for pyjitx int (64-bit signed)");
            return FAILED;
        }
        if (v == -1 && PyErr_Occurred()) return FAILED;
        slot->i = (int64_t)v;
        return CONVERTED;
    }
    case 'F':
        if (!PyFloat_Check(value)) return MISMATCH;
        /* fall through */
    case 'f':
        if (PyFloat_Check(value)) {
            slot->f = PyFloat_AS_DOUBLE(value);
        } else if (PyLong_Check(value)) {
            slot->f = PyLong_AsDouble(value);
            if (slot->f == -1.0 && PyErr_Occurred()) return FAILED;
        } else {
            return MISMATCH;
        }
        return CONVERTED;
    case 'b':
        if (value == Py_True) { slot->i = 1; return CONVERTED; }
        if (value == Py_False) { slot->i = 0; return CONVERTED; }
        return MISMATCH;
    case 'n':
        if (value == Py_None) { slot->i = 0; return CONVERTED; }
        return MISMATCH;
    case 's':
        if (!PyUnicode_Check(value)) return MISMATCH;
        return str_from_python(value, slot);
    case 'y': {
        if (!PyBytes_Check(value)) return MISMATCH;
        pjx_bytes *b = pjx_bytes_from_data(PyBytes_AS_STRING(value), PyBytes_GET_SIZE(value));
        if (b == NULL) return runtime_failed();
        slot->o = &b->ob;
        return CONVERTED;
    }
    case 'l':
        if (!PyList_Check(value)) return MISMATCH;
        return list_from_python(value, d + 2, slot);
    case 't':
        if (!PyTuple_Check(value)) return MISMATCH;
        return tuple_from_python(value, d + 2, slot);
    case 'T':
        if (!PyTuple_Check(value)) return MISMATCH;
        return fill_tuple(value, d + 2, 1, slot);
    case 'o': {
        if (value == Py_None) {
            slot->o = NULL;
            return CONVERTED;
        }
        const char *inner = d + 2;
        return pjx_from_python(value, &inner, slot);
    }
    case 'd': {
        if (!PyDict_Check(value)) return MISMATCH;
#ifdef PJX_DICT_CACHE
        int cacheable = converting_mutable == 0 && immutable_descriptor(d + 2);
        if (cacheable) {
            const char *vd = d + 2;
            pjx_skip_descriptor(&vd);
            cacheable = immutable_descriptor(vd);
        }
        if (cacheable) {
            pjx_dict *hit = dict_cache_find(value, d);
            if (hit != NULL) {
                slot->o = &hit->ob;
                return CONVERTED;
            }
        }
        conversion c = dict_from_python(value, d + 2, slot);
        if (c == CONVERTED && cacheable && PyDict_GET_SIZE(value) >= 64)
            dict_cache_store(value, d, (pjx_dict *)slot->o);
        return c;
#else
        return dict_from_python(value, d + 2, slot);
#endif
    }
    case 'e':
        if (!PyAnySet_Check(value)) return MISMATCH;
        return set_from_python(value, d + 2, slot);
    case 'c':
        return pjx_instance_from_python(value, strtoll(d + 2, NULL, 10), slot);
    case 'a':
        return any_from_python(value, slot);
    case 'u':
        return union_from_python(value, d + 2, slot);
    case 'A':
        return pjx_ndarray_from_python(value, d, slot);
    default:
        PyErr_Format(PyExc_SystemError, "pyjitx: cannot convert descriptor '%s' yet", d);
        return FAILED;
    }
}

/* ---- runtime -> Python -------------------------------------------------- */

static PyObject *str_to_python(const pjx_str *s) {
    if (s->ob.flags & PJX_STR_ASCII) {
        PyObject *u = PyUnicode_New(s->nbytes, 127);
        if (u == NULL) return NULL;
        memcpy(PyUnicode_DATA(u), s->data, (size_t)s->nbytes);
        return u;
    }
    return PyUnicode_DecodeUTF8(s->data, s->nbytes, "strict");
}

/* Fills a new list or tuple `seq` (by `set`) with n converted slots: each
 * item with the same descriptor (`shared`), or with consecutive ones. */
static PyObject *fill_sequence(PyObject *seq, const pjx_slot *items, int64_t n,
                               const char *item_desc, int shared,
                               void (*set)(PyObject *, Py_ssize_t, PyObject *)) {
    if (seq == NULL) return NULL;
    const char *d = item_desc;
    for (int64_t i = 0; i < n; i++) {
        if (shared) d = item_desc;
        PyObject *item = pjx_to_python(items[i], &d);
        if (item == NULL) {
            Py_DECREF(seq);
            return NULL;
        }
        set(seq, (Py_ssize_t)i, item);
    }
    return seq;
}

static void set_list_item(PyObject *list, Py_ssize_t i, PyObject *item) { PyList_SET_ITEM(list, i, item); }
static void set_tuple_item(PyObject *tuple, Py_ssize_t i, PyObject *item) { PyTuple_SET_ITEM(tuple, i, item); }

static PyObject *list_to_python(const pjx_list *l, const char *item_desc) {
    PyObject *list = PyList_New(l->size);
    if (list == NULL) return NULL;
    if (item_desc[0] == 'i' || item_desc[0] == 'I') { /* List[int]: the common result */
        for (int64_t i = 0; i < l->size; i++) {
            PyObject *item = int_to_python(l->items[i].i);
            if (item == NULL) {
                Py_DECREF(list);
                return NULL;
            }
            PyList_SET_ITEM(list, i, item);
        }
        return list;
    }
    return fill_sequence(list, l->items, l->size, item_desc, 1, set_list_item);
}

PyObject *pjx_to_python(pjx_slot slot, const char **desc) {
    const char *d = *desc;
    if (*d == '!') d++;
    char c = *d;
    pjx_skip_descriptor(desc);
    switch (c) {
    case 'i': case 'I': return int_to_python(slot.i);
    case 'f': case 'F': return PyFloat_FromDouble(slot.f);
    case 'b': return PyBool_FromLong((long)(slot.bits & 0xFF));
    case 'n': Py_RETURN_NONE;
    case 's': return str_to_python((const pjx_str *)slot.o);
    case 'c': return pjx_wrap_instance((pjx_instance *)slot.o);
    case 'a': case 'u': return any_to_python(slot.o);
    case 'A': return pjx_ndarray_to_python((pjx_ndarray *)slot.o);
    case 'T': {
        const pjx_tuple *t = (const pjx_tuple *)slot.o;
        return fill_sequence(PyTuple_New(t->size), t->items, t->size, d + 2, 1, set_tuple_item);
    }
    case 'o': {
        if (slot.o == NULL) Py_RETURN_NONE;
        const char *inner = d + 2;
        return pjx_to_python(slot, &inner);
    }
    case 'y': {
        const pjx_bytes *b = (const pjx_bytes *)slot.o;
        return PyBytes_FromStringAndSize(b->data, b->size);
    }
    case 'l': return list_to_python((const pjx_list *)slot.o, d + 2);
    case 'g': { /* a generator's items, collected: Python gets an iterator over them */
        PyObject *list = list_to_python((const pjx_list *)slot.o, d + 2);
        if (list == NULL) return NULL;
        PyObject *iterator = PyObject_GetIter(list);
        Py_DECREF(list);
        return iterator;
    }
    case 't': {
        const pjx_tuple *t = (const pjx_tuple *)slot.o;
        return fill_sequence(PyTuple_New(t->size), t->items, t->size, d + 2, 0, set_tuple_item);
    }
    case 'd': case 'e': {
        pjx_dict *dict = (pjx_dict *)slot.o;
        const char *key_desc = d + 2, *value_desc = key_desc;
        pjx_skip_descriptor(&value_desc);
        PyObject *result = c == 'd' ? PyDict_New() : PySet_New(NULL);
        if (result == NULL) return NULL;
        int64_t pos = 0;
        pjx_slot k, v;
        while (pjx_dict_next(dict, &pos, &k, &v)) {
            const char *kd = key_desc;
            PyObject *key = pjx_to_python(k, &kd);
            if (key == NULL) goto fail;
            int rc;
            if (c == 'd') {
                const char *vd = value_desc;
                PyObject *val = pjx_to_python(v, &vd);
                if (val == NULL) {
                    Py_DECREF(key);
                    goto fail;
                }
                rc = PyDict_SetItem(result, key, val);
                Py_DECREF(val);
            } else {
                rc = PySet_Add(result, key);
            }
            Py_DECREF(key);
            if (rc < 0) goto fail;
        }
        return result;
    fail:
        Py_DECREF(result);
        return NULL;
    }
    default:
        PyErr_Format(PyExc_SystemError, "pyjitx: cannot convert descriptor '%s' yet", d);
        return NULL;
    }
}

int pjx_write_back(PyObject *target, pjx_slot slot, const char *desc) {
    if (*desc == '!') desc++;
    const char *d = desc;
    PyObject *fresh = pjx_to_python(slot, &d);
    if (fresh == NULL) return -1;
    int rc = 0;
    if (PyList_Check(target)) {
        rc = PyList_SetSlice(target, 0, PY_SSIZE_T_MAX, fresh);
    } else if (PyDict_Check(target)) {
        PyDict_Clear(target);
        rc = PyDict_Update(target, fresh);
    } else if (PyAnySet_Check(target)) {
        rc = PySet_Clear(target);
        if (rc == 0) {
            PyObject *it = PyObject_GetIter(fresh);
            PyObject *item;
            while (it && (item = PyIter_Next(it)) != NULL) {
                if (PySet_Add(target, item) < 0) rc = -1;
                Py_DECREF(item);
            }
            Py_XDECREF(it);
            if (it == NULL || PyErr_Occurred()) rc = -1;
        }
    }
    Py_DECREF(fresh);
    return rc;
}
