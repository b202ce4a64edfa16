/* Python objects <-> runtime slots, driven by boundary descriptors
 * (_convert.h).  Containers convert element by element in C; strings copy
 * CPython's cached UTF-8 once. */
#include "_convert.h"

#include "_instance.h"
#include "pyjitx/any.h"
#include "pyjitx/ndarray.h"
#include "_ndarray.h"
#include "pyjitx/containers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static conversion convert_in(PyObject *value, const char **desc, pjx_slot *slot,
                             pjx_identity *id, int force);
enum { FORCE_NONE, FORCE_ITEM, FORCE_ARGUMENT };
static PyObject *convert_out(pjx_slot slot, const char **desc, pjx_identity *id);
static conversion shared_in(PyObject *value, const char *d, pjx_slot *slot, pjx_identity *id,
                            int force);
static int32_t memo_bind(pjx_identity *id, int32_t entry, pjx_object *rt);
static int32_t find_py(const pjx_identity *id, const PyObject *py);
static int32_t find_rt(const pjx_identity *id, const pjx_object *rt);
static int32_t add_entry(pjx_identity *id, PyObject *py, int borrowed);
static inline int shared_runtime_object(const pjx_object *o);

void pjx_skip_descriptor(const char **desc) {
    if (**desc == '!') (*desc)++;
    pjx_descriptor_skip(desc); /* the runtime's, which Any's casts use too */
}

int32_t pjx_descriptor_kind(const char *desc) {
    if (*desc == '!') desc++;
    switch (*desc) {
    case 'E': return pjx_descriptor_kind(strchr(desc, ':') + 1); /* a member, as its value */
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

/* ---- enum and named-tuple classes ------------------------------------------
 * E[<key>/<qualname>:X] is a member of an enum class, held by compiled code
 * as its value (descriptor X); N[<key>/<qualname>:t[...]] an instance of a
 * named-tuple class,
 * held as the tuple it is.  The frontend registers each class under its key
 * (register_boundary_class), with, for an enum, the members by value: the
 * values compiled code may hold (flags' combinations included), which
 * convert back to those very members. */
static PyObject *boundary_classes; /* key (int) -> (class, {value: member} or None) */
/* named-tuple classes by the shape key their instances carry in compiled
 * code (pjx_tuple_set_shape), and the other way */
static PyObject *shape_classes, *class_shapes;
static PyObject *named_tuple_hook; /* registers a named-tuple class the bridge meets */

/* The shape key of a named-tuple class's key (frontend/namedtuples.py). */
static uint32_t shape_of_key(long long key) {
    uint32_t shape = (uint32_t)key;
    return shape ? shape : 1;
}

static int register_shape(PyObject *key, PyObject *cls) {
    PyObject *name = PyObject_GetAttrString(cls, "__name__");
    PyObject *fields = name ? PyObject_GetAttrString(cls, "_fields") : NULL;
    int rc = -1;
    if (fields == NULL || !PyUnicode_Check(name) || !PyTuple_Check(fields)) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "not a named-tuple class");
        goto done;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(fields);
    const char **names = PyMem_Calloc((size_t)n + 1, sizeof *names);
    if (names == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if ((names[i] = PyUnicode_AsUTF8(PyTuple_GET_ITEM(fields, i))) == NULL) goto free_names;
    const char *text = PyUnicode_AsUTF8(name);
    uint32_t shape = shape_of_key(PyLong_AsLongLong(key));
    if (text == NULL || PyErr_Occurred()) goto free_names;
    if (pjx_register_tuple_shape(shape, text, n, names) < 0) {
        pjx_err_clear();
        PyErr_NoMemory();
        goto free_names;
    }
    PyObject *shape_obj = PyLong_FromUnsignedLong(shape);
    if (shape_obj == NULL) goto free_names;
    if ((shape_classes || (shape_classes = PyDict_New())) &&
        (class_shapes || (class_shapes = PyDict_New())) &&
        PyDict_SetItem(shape_classes, shape_obj, cls) == 0 &&
        PyDict_SetItem(class_shapes, cls, shape_obj) == 0)
        rc = 0;
    Py_DECREF(shape_obj);
free_names:
    PyMem_Free(names);
done:
    Py_XDECREF(name);
    Py_XDECREF(fields);
    return rc;
}

/* set_named_tuple_hook(fn): fn(cls) registers a named-tuple class (see
 * tuple_shape_of). */
PyObject *pjx_set_named_tuple_hook(PyObject *module, PyObject *fn) {
    Py_XDECREF(named_tuple_hook);
    Py_INCREF(fn);
    named_tuple_hook = fn;
    Py_RETURN_NONE;
}

/* The shape a Python tuple's runtime copy carries: its class's, for an
 * instance of a named-tuple class (registered on first sight); 0 for a
 * plain tuple.  -1 with an exception set. */
static int64_t tuple_shape_of(PyObject *value) {
    if (PyTuple_CheckExact(value)) return 0;
    PyObject *type = (PyObject *)Py_TYPE(value);
    for (int attempt = 0; attempt < 2; attempt++) {
        PyObject *shape = class_shapes ? PyDict_GetItemWithError(class_shapes, type) : NULL;
        if (shape != NULL) return (int64_t)PyLong_AsUnsignedLong(shape);
        if (PyErr_Occurred()) return -1;
        if (attempt || named_tuple_hook == NULL) break;
        PyObject *fields = PyObject_GetAttrString(type, "_fields");
        if (fields == NULL) {
            PyErr_Clear();
            return 0; /* a tuple subclass, not a named tuple */
        }
        Py_DECREF(fields);
        PyObject *done = PyObject_CallOneArg(named_tuple_hook, type);
        if (done == NULL) return -1;
        Py_DECREF(done);
    }
    return 0;
}

/* A runtime tuple of a named-tuple class back in Python: an instance of the
 * class (NULL: it has none, or its class is not registered). */
static PyObject *named_tuple_class_of(const pjx_tuple *t) {
    if (t->ob.flags == 0 || shape_classes == NULL) return NULL;
    PyObject *shape = PyLong_FromUnsignedLong(t->ob.flags);
    if (shape == NULL) {
        PyErr_Clear();
        return NULL;
    }
    PyObject *cls = PyDict_GetItemWithError(shape_classes, shape);
    Py_DECREF(shape);
    if (cls == NULL) PyErr_Clear();
    return cls;
}

static PyObject *as_named_tuple(PyObject *tuple, PyObject *cls) {
    /* tuple.__new__(cls, items), as the class's _make does */
    PyObject *args = PyTuple_Pack(1, tuple);
    Py_DECREF(tuple);
    if (args == NULL) return NULL;
    PyObject *result = PyTuple_Type.tp_new((PyTypeObject *)cls, args, NULL);
    Py_DECREF(args);
    return result;
}

PyObject *pjx_register_boundary_class(PyObject *module, PyObject *args) {
    PyObject *key, *cls, *members;
    if (!PyArg_ParseTuple(args, "O!O!O", &PyLong_Type, &key, &PyType_Type, &cls, &members))
        return NULL;
    if (members != Py_None && !PyDict_Check(members)) {
        PyErr_SetString(PyExc_TypeError, "register_boundary_class(): members must be a dict");
        return NULL;
    }
    if (boundary_classes == NULL && (boundary_classes = PyDict_New()) == NULL) return NULL;
    PyObject *entry = PyTuple_Pack(2, cls, members);
    if (entry == NULL) return NULL;
    int rc = PyDict_SetItem(boundary_classes, key, entry);
    Py_DECREF(entry);
    if (rc < 0) return NULL;
    if (members == Py_None && register_shape(key, cls) < 0) return NULL;
    Py_RETURN_NONE;
}

/* The registered (class, members) of descriptor d ("E[<key>:..." or
 * "N[<key>:..."), borrowed, and where its inner descriptor starts; NULL
 * with an exception set when none is registered. */
static PyObject *boundary_class(const char *d, const char **inner) {
    long long key = strtoll(d + 2, NULL, 10);
    *inner = strchr(d, ':') + 1; /* (past the "/<qualname>") */
    PyObject *k = PyLong_FromLongLong(key);
    if (k == NULL) return NULL;
    PyObject *entry = boundary_classes ? PyDict_GetItemWithError(boundary_classes, k) : NULL;
    Py_DECREF(k);
    if (entry == NULL && !PyErr_Occurred())
        PyErr_Format(PyExc_SystemError, "pyjitx: no class registered for descriptor %.40s", d);
    return entry;
}

static conversion convert_in(PyObject *value, const char **desc, pjx_slot *slot,
                             pjx_identity *id, int force);
static conversion tuple_from_python(PyObject *value, const char *items_desc, pjx_slot *slot,
                                    pjx_identity *id);

static conversion enum_from_python(PyObject *value, const char *d, pjx_slot *slot) {
    const char *inner;
    PyObject *entry = boundary_class(d, &inner);
    if (entry == NULL) return FAILED;
    int is = PyObject_IsInstance(value, PyTuple_GET_ITEM(entry, 0));
    if (is <= 0) return is < 0 ? FAILED : MISMATCH;
    PyObject *v = PyObject_GetAttrString(value, "_value_");
    if (v == NULL) return FAILED;
    /* a flag's value compiled code does not know (IntFlag(8) of a flag
     * whose members are 1 and 2) would have no name or repr there */
    PyObject *known = PyDict_GetItemWithError(PyTuple_GET_ITEM(entry, 1), v);
    if (known == NULL) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_ValueError, "pyjitx: %R is not a value of %s that compiled code "
                         "knows (its members and their combinations)", value,
                         ((PyTypeObject *)PyTuple_GET_ITEM(entry, 0))->tp_name);
        Py_DECREF(v);
        return FAILED;
    }
    conversion c = convert_in(v, &inner, slot, NULL, 0);
    Py_DECREF(v);
    return c;
}

static conversion named_tuple_from_python(PyObject *value, const char *d, pjx_slot *slot,
                                          pjx_identity *id) {
    const char *inner;
    PyObject *entry = boundary_class(d, &inner);
    if (entry == NULL) return FAILED;
    int is = PyObject_IsInstance(value, PyTuple_GET_ITEM(entry, 0));
    if (is <= 0) return is < 0 ? FAILED : MISMATCH;
    return tuple_from_python(value, inner + 2, slot, id);
}

static PyObject *convert_out(pjx_slot slot, const char **desc, pjx_identity *id);

static PyObject *enum_to_python(pjx_slot slot, const char *d, pjx_identity *id) {
    const char *inner;
    PyObject *entry = boundary_class(d, &inner);
    if (entry == NULL) return NULL;
    PyObject *v = convert_out(slot, &inner, id);
    if (v == NULL) return NULL;
    PyObject *member = PyDict_GetItemWithError(PyTuple_GET_ITEM(entry, 1), v);
    if (member != NULL) {
        Py_INCREF(member);
    } else if (!PyErr_Occurred()) {
        member = PyObject_CallOneArg(PyTuple_GET_ITEM(entry, 0), v); /* Python's own lookup */
    }
    Py_DECREF(v);
    return member;
}

static PyObject *named_tuple_to_python(pjx_slot slot, const char *d, pjx_identity *id) {
    const char *inner;
    PyObject *entry = boundary_class(d, &inner);
    if (entry == NULL) return NULL;
    PyObject *items = convert_out(slot, &inner, id);
    if (items == NULL || Py_TYPE(items) != &PyTuple_Type) return items; /* (made by its shape) */
    return as_named_tuple(items, PyTuple_GET_ITEM(entry, 0));
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

static conversion list_from_python(PyObject *value, const char *item_desc, pjx_slot *slot,
                                   pjx_identity *id, int32_t entry) {
    Py_ssize_t n = PyList_GET_SIZE(value);
    pjx_list *list = pjx_list_new(pjx_descriptor_kind(item_desc), n);
    if (list == NULL) return runtime_failed();
    if (entry >= 0 && memo_bind(id, entry, &list->ob) < 0) {
        pjx_decref(list);
        return FAILED;
    }
    if (*item_desc == 'i') { /* List[int]: small ints straight into the slots */
        Py_ssize_t i = 0;
        while (i < n && compact_int(PyList_GET_ITEM(value, i), &list->items[i].i)) i++;
        list->size = i;
    }
    for (Py_ssize_t i = list->size; i < PyList_GET_SIZE(value); i++) {
        const char *d = item_desc;
        pjx_slot item;
        conversion c = convert_in(PyList_GET_ITEM(value, i), &d, &item, id, 0);
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
                             pjx_slot *slot, pjx_identity *id) {
    Py_ssize_t n = PyTuple_GET_SIZE(value);
    int64_t shape = tuple_shape_of(value); /* (an instance of a named-tuple class) */
    if (shape < 0) return FAILED;
    pjx_tuple *t = pjx_tuple_new(n);
    if (t == NULL) return runtime_failed();
    pjx_tuple_set_shape(t, shape);
    const char *d = items_desc;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (shared) d = items_desc;
        int32_t kind = pjx_descriptor_kind(d);
        /* a tuple cannot be written back: a container in it is recorded
         * even when the tuple is its only holder */
        conversion c = convert_in(PyTuple_GET_ITEM(value, i), &d, &t->items[i], id, FORCE_ITEM);
        if (c != CONVERTED) {
            pjx_decref(t);
            return c;
        }
        PJX_TUPLE_KINDS(t)[i] = (uint8_t)kind;
    }
    slot->o = &t->ob;
    return CONVERTED;
}

static conversion tuple_from_python(PyObject *value, const char *items_desc, pjx_slot *slot,
                                    pjx_identity *id) {
    Py_ssize_t n = 0;
    for (const char *d = items_desc; *d && *d != ']'; pjx_skip_descriptor(&d)) n++;
    if (PyTuple_GET_SIZE(value) != n) return MISMATCH;
    return fill_tuple(value, items_desc, 0, slot, id);
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
#define PJX_DICT_CACHE_DESC 48
typedef struct {
    PyObject *dict;
    uint64_t version;
    /* the dict's descriptor, copied: the one converted from may be gone
     * (call_packed's are freed after the call) */
    char desc[PJX_DICT_CACHE_DESC];
    pjx_dict *converted;
} dict_cache_entry;
static dict_cache_entry dict_cache[PJX_DICT_CACHE];
static int dict_cache_next;

static int immutable_descriptor(const char *d) {
    switch (*d) {
    case 'i': case 'I': case 'f': case 'F': case 'b': case 'n': case 's': case 'y': return 1;
    case 'E': case 'N': return immutable_descriptor(strchr(d, ':') + 1);
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

/* The length of descriptor d ("d[si]" of "d[si]]..."). */
static size_t one_descriptor_length(const char *d) {
    const char *end = d;
    pjx_skip_descriptor(&end);
    return (size_t)(end - d);
}

static pjx_dict *dict_cache_find(PyObject *dict, const char *desc) {
    uint64_t version = ((PyDictObject *)dict)->ma_version_tag;
    size_t len = one_descriptor_length(desc);
    for (int i = 0; i < PJX_DICT_CACHE; i++) {
        dict_cache_entry *e = &dict_cache[i];
        if (e->dict == dict && e->version == version && strlen(e->desc) == len &&
            memcmp(e->desc, desc, len) == 0) {
            pjx_incref(e->converted);
            return e->converted;
        }
    }
    return NULL;
}

static void dict_cache_store(PyObject *dict, const char *desc, pjx_dict *converted) {
    size_t len = one_descriptor_length(desc);
    if (len >= PJX_DICT_CACHE_DESC) return;
    dict_cache_entry *e = &dict_cache[dict_cache_next];
    dict_cache_next = (dict_cache_next + 1) % PJX_DICT_CACHE;
    Py_XDECREF(e->dict);
    pjx_decref(e->converted);
    Py_INCREF(dict);
    pjx_incref(converted);
    e->dict = dict;
    e->version = ((PyDictObject *)dict)->ma_version_tag;
    memcpy(e->desc, desc, len);
    e->desc[len] = '\0';
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

static conversion dict_from_python(PyObject *value, const char *kv_desc, pjx_slot *slot,
                                   pjx_identity *id, int32_t entry) {
    const char *value_desc = kv_desc;
    pjx_skip_descriptor(&value_desc);
    pjx_dict *d = pjx_dict_new(pjx_descriptor_kind(kv_desc), pjx_descriptor_kind(value_desc));
    if (d == NULL) return runtime_failed();
    if (entry >= 0 && memo_bind(id, entry, &d->ob) < 0) {
        pjx_decref(d);
        return FAILED;
    }
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    while (PyDict_Next(value, &pos, &k, &v)) {
        pjx_slot ks, vs;
        const char *kd = kv_desc, *vd = value_desc;
        conversion c = convert_in(k, &kd, &ks, id, 0);
        if (c != CONVERTED) {
            pjx_decref(d);
            return c;
        }
        c = convert_in(v, &vd, &vs, id, 0);
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

static conversion set_from_python(PyObject *value, const char *item_desc, pjx_slot *slot,
                                  pjx_identity *id, int32_t entry) {
    pjx_dict *s = pjx_set_new(pjx_descriptor_kind(item_desc));
    if (s == NULL) return runtime_failed();
    if (entry >= 0 && memo_bind(id, entry, &s->ob) < 0) {
        pjx_decref(s);
        return FAILED;
    }
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
        conversion c = convert_in(item, &d, &is, id, 0);
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


/* A NaN is equal only to itself, the same object (CPython's containers
 * compare items by identity first: `x in [x]`), so within a call one
 * Python NaN object is one box, and that box comes back as that object. */
static conversion nan_from_python(PyObject *value, pjx_slot *slot, pjx_identity *id) {
    int32_t i = find_py(id, value);
    if (i < 0) {
        i = add_entry(id, value, 0);
        if (i < 0) return FAILED;
        pjx_object *box = pjx_box_float(PyFloat_AS_DOUBLE(value));
        if (box == NULL) return runtime_failed();
        id->entries[i].desc = "f";
        id->entries[i].desc_len = 1;
        id->entries[i].synced = 1; /* nothing to write back */
        if (memo_bind(id, i, box) < 0) {
            pjx_decref(box);
            return FAILED;
        }
        slot->o = box; /* memo_bind took the memo's own reference */
        return CONVERTED;
    }
    pjx_incref(id->entries[i].rt);
    slot->o = id->entries[i].rt;
    return CONVERTED;
}

static PyObject *nan_to_python(pjx_object *box, pjx_identity *id) {
    int32_t i = find_rt(id, box);
    if (i < 0) {
        PyObject *py = PyFloat_FromDouble(((pjx_box *)box)->value.f);
        if (py == NULL) return NULL;
        i = add_entry(id, py, 0);
        Py_DECREF(py);
        if (i < 0 || memo_bind(id, i, box) < 0) return NULL;
        id->entries[i].input = 0;
        id->entries[i].synced = 1;
    }
    Py_INCREF(id->entries[i].py);
    return id->entries[i].py;
}

/* ---- Any ------------------------------------------------------------------
 * A Python value of any supported type: scalars boxed, None as NULL,
 * containers with Any items (List[Any], Dict[Any, Any], ...). */
static conversion any_from_python(PyObject *value, pjx_slot *slot, pjx_identity *id, int force) {
    const char *d;
    if (value == Py_None) {
        slot->o = NULL;
        return CONVERTED;
    }
    if (PyBool_Check(value)) {
        slot->o = pjx_box_bool(value == Py_True);
        return CONVERTED;
    }
    if (id != NULL && PyFloat_CheckExact(value) && isnan(PyFloat_AS_DOUBLE(value)))
        return nan_from_python(value, slot, id);
    if (PyLong_Check(value) || PyFloat_Check(value)) {
        d = PyLong_Check(value) ? "i" : "f";
        pjx_slot scalar;
        conversion c = convert_in(value, &d, &scalar, NULL, 0);
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
    if (PyTuple_Check(value)) return fill_tuple(value, "a", 1, slot, id);
    if (PyUnicode_Check(value)) d = "s";
    else if (PyBytes_Check(value)) d = "y";
    else if (PyList_Check(value)) d = "l[a]";
    else if (PyDict_Check(value)) d = "d[aa]";
    else if (PyAnySet_Check(value)) d = "e[a]";
    else return pjx_ndarray_from_python(value, "A[**]", slot); /* an array, or MISMATCH */
    return convert_in(value, &d, slot, id, force);
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

static PyObject *any_to_python(pjx_object *o, pjx_identity *id) {
    const char *d;
    char desc[8];
    if (o == NULL) Py_RETURN_NONE;
    switch (o->type_id) {
    case PJX_TYPE_INT: return int_to_python(((pjx_box *)o)->value.i);
    case PJX_TYPE_FLOAT:
        if (id != NULL && isnan(((pjx_box *)o)->value.f) && shared_runtime_object(o))
            return nan_to_python(o, id);
        return PyFloat_FromDouble(((pjx_box *)o)->value.f);
    case PJX_TYPE_BOOL: return PyBool_FromLong((long)((pjx_box *)o)->value.i);
    case PJX_TYPE_STR: d = "s"; break;
    case PJX_TYPE_BYTES: d = "y"; break;
    case PJX_TYPE_INSTANCE: return pjx_wrap_instance((pjx_instance *)o);
    case PJX_TYPE_NDARRAY: return pjx_ndarray_to_python((pjx_ndarray *)o);
    case PJX_TYPE_LIST:
        snprintf(desc, sizeof desc, "l[%s]", kind_descriptor(((const pjx_list *)o)->kind));
        d = desc;
        break;
    case PJX_TYPE_TUPLE: {
        const pjx_tuple *t = (const pjx_tuple *)o;
        PyObject *tuple = PyTuple_New(t->size);
        if (tuple == NULL) return NULL;
        for (int64_t i = 0; i < t->size; i++) {
            const char *item_desc = kind_descriptor(PJX_TUPLE_KINDS(t)[i]);
            PyObject *item = convert_out(t->items[i], &item_desc, id);
            if (item == NULL) {
                Py_DECREF(tuple);
                return NULL;
            }
            PyTuple_SET_ITEM(tuple, i, item);
        }
        PyObject *cls = named_tuple_class_of(t);
        return cls ? as_named_tuple(tuple, cls) : tuple;
    }
    case PJX_TYPE_DICT: case PJX_TYPE_SET: {
        const pjx_dict *dict = (const pjx_dict *)o;
        snprintf(desc, sizeof desc, "%c[%s%s]", o->type_id == PJX_TYPE_DICT ? 'd' : 'e',
                 kind_descriptor(dict->key_kind),
                 o->type_id == PJX_TYPE_DICT ? kind_descriptor(dict->value_kind) : "");
        d = desc;
        break;
    }
    default:
        PyErr_Format(PyExc_SystemError, "pyjitx: cannot convert a runtime object of type %u",
                     o->type_id);
        return NULL;
    }
    return convert_out((pjx_slot){.o = o}, &d, id);
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

static conversion union_from_python(PyObject *value, const char *members, pjx_slot *slot,
                                    pjx_identity *id, int force) {
    for (int lenient = 0; lenient < 2; lenient++) {
        for (const char *m = members; *m && *m != ']';) {
            const char *next = m;
            pjx_skip_descriptor(&next);
            if (lenient || exact_member(value, m)) {
                const char *md = m;
                conversion c = convert_in(value, &md, slot, id, force);
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
    return convert_in(value, desc, slot, NULL, 0);
}

/* A dict by its descriptor `d` ("d[..]"): from the converted-dict cache
 * where it may be, else converted (and bound to the memo's `entry`). */
static conversion dict_in(PyObject *value, const char *d, pjx_slot *slot, pjx_identity *id,
                          int32_t entry) {
#ifdef PJX_DICT_CACHE
    int cacheable = converting_mutable == 0 && !(id != NULL && id->no_dict_cache) &&
                    immutable_descriptor(d + 2);
    if (cacheable) {
        const char *vd = d + 2;
        pjx_skip_descriptor(&vd);
        cacheable = immutable_descriptor(vd);
    }
    if (cacheable) {
        pjx_dict *hit = dict_cache_find(value, d);
        if (hit != NULL) {
            if (entry >= 0 && memo_bind(id, entry, &hit->ob) < 0) {
                pjx_decref(hit);
                return FAILED;
            }
            slot->o = &hit->ob;
            return CONVERTED;
        }
    }
    conversion c = dict_from_python(value, d + 2, slot, id, entry);
    if (c == CONVERTED && cacheable && PyDict_GET_SIZE(value) >= 64)
        dict_cache_store(value, d, (pjx_dict *)slot->o);
    return c;
#else
    return dict_from_python(value, d + 2, slot, id, entry);
#endif
}

/* Python -> slot.  With an identity, a list, dict or set goes through the
 * memo (shared_in) when it may be reached again: more than one reference,
 * a subclass, or `force` (FORCE_ITEM: a tuple's item; FORCE_ARGUMENT: an
 * argument itself, which the call's slot and the caller keep alive). */
static conversion convert_in(PyObject *value, const char **desc, pjx_slot *slot,
                             pjx_identity *id, int force) {
    const char *d = *desc;
    if (*d == '!') {
        d++;
        converting_mutable++;
        conversion result = convert_in(value, &d, slot, id, force);
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
            conversion result = convert_in(index, &i_desc, slot, NULL, 0);
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
        if (id != NULL && (force || Py_REFCNT(value) > 1 || !PyList_CheckExact(value)))
            return shared_in(value, d, slot, id, force);
        return list_from_python(value, d + 2, slot, id, -1);
    case 't':
        if (!PyTuple_Check(value)) return MISMATCH;
        return tuple_from_python(value, d + 2, slot, id);
    case 'T':
        if (!PyTuple_Check(value)) return MISMATCH;
        return fill_tuple(value, d + 2, 1, slot, id);
    case 'o': {
        if (value == Py_None) {
            slot->o = NULL;
            return CONVERTED;
        }
        const char *inner = d + 2;
        return convert_in(value, &inner, slot, id, force);
    }
    case 'd':
        if (!PyDict_Check(value)) return MISMATCH;
        if (id != NULL && (force || Py_REFCNT(value) > 1 || !PyDict_CheckExact(value)))
            return shared_in(value, d, slot, id, force);
        return dict_in(value, d, slot, id, -1);
    case 'e':
        if (!PyAnySet_Check(value)) return MISMATCH;
        /* (a frozenset always: written back, it stays itself and checks
         * that nothing changed it) */
        if (id != NULL && (force || Py_REFCNT(value) > 1 || !PySet_CheckExact(value)))
            return shared_in(value, d, slot, id, force);
        return set_from_python(value, d + 2, slot, id, -1);
    case 'c':
        return pjx_instance_from_python(value, strtoll(d + 2, NULL, 10), slot);
    case 'E':
        return enum_from_python(value, d, slot);
    case 'N':
        return named_tuple_from_python(value, d, slot, id);
    case 'a':
        return any_from_python(value, slot, id, force);
    case 'u':
        return union_from_python(value, d + 2, slot, id, force);
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
                               void (*set)(PyObject *, Py_ssize_t, PyObject *), pjx_identity *id) {
    if (seq == NULL) return NULL;
    const char *d = item_desc;
    for (int64_t i = 0; i < n; i++) {
        if (shared) d = item_desc;
        PyObject *item = convert_out(items[i], &d, id);
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

static PyObject *list_to_python(const pjx_list *l, const char *item_desc, pjx_identity *id) {
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
    return fill_sequence(list, l->items, l->size, item_desc, 1, set_list_item, id);
}

/* A new dict or set (`c` 'd' or 'e') of the runtime one. */
static PyObject *dict_to_python(pjx_dict *dict, char c, const char *key_desc, pjx_identity *id) {
    const char *value_desc = key_desc;
    pjx_skip_descriptor(&value_desc);
    PyObject *result = c == 'd' ? PyDict_New() : PySet_New(NULL);
    if (result == NULL) return NULL;
    int64_t pos = 0;
    pjx_slot k, v;
    while (pjx_dict_next(dict, &pos, &k, &v)) {
        const char *kd = key_desc;
        PyObject *key = convert_out(k, &kd, id);
        if (key == NULL) goto fail;
        int rc;
        if (c == 'd') {
            const char *vd = value_desc;
            PyObject *val = convert_out(v, &vd, id);
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

/* Makes the Python list, dict or set `target` hold what the runtime
 * container `o` (of descriptor `d`, "l[..]", "d[..]", "e[..]") holds, in
 * place: the caller's object stays itself, as CPython's would. */
static int refill(PyObject *target, pjx_object *o, const char *d, pjx_identity *id) {
    int rc = 0;
    if (*d == 'l') {
        PyObject *fresh = list_to_python((const pjx_list *)o, d + 2, id);
        if (fresh == NULL) return -1;
        if (PyList_Check(target)) rc = PyList_SetSlice(target, 0, PY_SSIZE_T_MAX, fresh);
        Py_DECREF(fresh);
        return rc;
    }
    PyObject *fresh = dict_to_python((pjx_dict *)o, *d, d + 2, id);
    if (fresh == NULL) return -1;
    if (PyDict_Check(target)) {
        PyDict_Clear(target);
        rc = PyDict_Update(target, fresh);
    } else if (PySet_Check(target)) { /* (a frozenset cannot have changed) */
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
    Py_DECREF(fresh);
    return rc;
}

static PyObject *shared_out(pjx_object *o, const char *d, pjx_identity *id);

static inline int shared_runtime_object(const pjx_object *o) {
    return __atomic_load_n(&o->refcount, __ATOMIC_RELAXED) != 1;
}

static PyObject *convert_out(pjx_slot slot, const char **desc, pjx_identity *id) {
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
    case 'E': return enum_to_python(slot, d, id);
    case 'N': return named_tuple_to_python(slot, d, id);
    case 'a': case 'u': return any_to_python(slot.o, id);
    case 'A': return pjx_ndarray_to_python((pjx_ndarray *)slot.o);
    case 'T': {
        const pjx_tuple *t = (const pjx_tuple *)slot.o;
        PyObject *cls = named_tuple_class_of(t);
        PyObject *tuple = fill_sequence(PyTuple_New(t->size), t->items, t->size, d + 2, 1,
                                        set_tuple_item, id);
        return cls && tuple ? as_named_tuple(tuple, cls) : tuple;
    }
    case 'o': {
        if (slot.o == NULL) Py_RETURN_NONE;
        const char *inner = d + 2;
        return convert_out(slot, &inner, id);
    }
    case 'y': {
        const pjx_bytes *b = (const pjx_bytes *)slot.o;
        return PyBytes_FromStringAndSize(b->data, b->size);
    }
    case 'l':
        if (id != NULL && shared_runtime_object(slot.o)) return shared_out(slot.o, d, id);
        return list_to_python((const pjx_list *)slot.o, d + 2, id);
    case 'g': { /* a generator's items, collected: Python gets an iterator over them */
        PyObject *list = list_to_python((const pjx_list *)slot.o, d + 2, id);
        if (list == NULL) return NULL;
        PyObject *iterator = PyObject_GetIter(list);
        Py_DECREF(list);
        return iterator;
    }
    case 't': {
        const pjx_tuple *t = (const pjx_tuple *)slot.o;
        PyObject *cls = named_tuple_class_of(t);
        PyObject *tuple = fill_sequence(PyTuple_New(t->size), t->items, t->size, d + 2, 0,
                                        set_tuple_item, id);
        return cls && tuple ? as_named_tuple(tuple, cls) : tuple;
    }
    case 'd': case 'e':
        if (id != NULL && shared_runtime_object(slot.o)) return shared_out(slot.o, d, id);
        return dict_to_python((pjx_dict *)slot.o, c, d + 2, id);
    default:
        PyErr_Format(PyExc_SystemError, "pyjitx: cannot convert descriptor '%s' yet", d);
        return NULL;
    }
}

PyObject *pjx_to_python(pjx_slot slot, const char **desc) { return convert_out(slot, desc, NULL); }

int pjx_write_back(PyObject *target, pjx_slot slot, const char *desc) {
    if (*desc == '!') desc++;
    if (*desc == 'o') {
        if (slot.o == NULL) return 0;
        desc += 2;
    }
    if ((*desc == 'l' || *desc == 'd' || *desc == 'e') && slot.o != NULL)
        return refill(target, slot.o, desc, NULL);
    if (*desc == 'a' && slot.o != NULL) {
        char d[8];
        const pjx_object *o = slot.o;
        if (o->type_id == PJX_TYPE_LIST) {
            snprintf(d, sizeof d, "l[%s]", kind_descriptor(((const pjx_list *)o)->kind));
        } else if (o->type_id == PJX_TYPE_DICT || o->type_id == PJX_TYPE_SET) {
            const pjx_dict *dict = (const pjx_dict *)o;
            snprintf(d, sizeof d, "%c[%s%s]", o->type_id == PJX_TYPE_DICT ? 'd' : 'e',
                     kind_descriptor(dict->key_kind),
                     o->type_id == PJX_TYPE_DICT ? kind_descriptor(dict->value_kind) : "");
        } else {
            return 0;
        }
        return refill(target, slot.o, d, NULL);
    }
    return 0;
}

/* ---- identity within one call (_convert.h) --------------------------------- */

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

static int32_t find_py(const pjx_identity *id, const PyObject *py) {
    if (id->by_py.mask != 0) return ptr_index_find(&id->by_py, py);
    for (int32_t i = 0; i < id->n; i++)
        if (id->entries[i].py == py) return i;
    return -1;
}

static int32_t find_rt(const pjx_identity *id, const pjx_object *rt) {
    if (id->by_rt.mask != 0) return ptr_index_find(&id->by_rt, rt);
    for (int32_t i = 0; i < id->n; i++)
        if (id->entries[i].rt == rt) return i;
    return -1;
}

/* A new entry for `py` (a new reference taken unless `borrowed`, in which
 * case memo_bind takes none either); -1 with MemoryError. */
static int32_t add_entry(pjx_identity *id, PyObject *py, int borrowed) {
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
    e->mutable_ = converting_mutable > 0;
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

/* Records the runtime object made for entry `i` (its own reference). */
static int32_t memo_bind(pjx_identity *id, int32_t i, pjx_object *rt) {
    if (!id->entries[i].borrowed) pjx_incref(rt);
    id->entries[i].rt = rt;
    if (id->by_rt.mask != 0) {
        ptr_index_put(&id->by_rt, rt, i);
    } else if (id->n > PJX_IDENTITY_INLINE && rebuild_index(id, 1) < 0) {
        return -1;
    }
    return 0;
}

static int32_t descriptor_length(const char *d) {
    const char *end = d;
    pjx_skip_descriptor(&end);
    return (int32_t)(end - d);
}

static conversion conflict(pjx_identity *id, int kind, const pjx_identity_entry *e, const char *d) {
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
static conversion shared_in(PyObject *value, const char *d, pjx_slot *slot, pjx_identity *id,
                            int force) {
    int32_t len = descriptor_length(d);
    int32_t i = find_py(id, value);
    if (i >= 0) {
        pjx_identity_entry *e = &id->entries[i];
        if (e->filling) return conflict(id, PJX_CONFLICT_CYCLE, e, d);
        if (e->desc_len == len && memcmp(e->desc, d, (size_t)len) == 0) {
            if (converting_mutable) e->mutable_ = 1;
            pjx_incref(e->rt);
            slot->o = e->rt;
            return CONVERTED;
        }
        /* the same object as another type: only a copy that nothing changes */
        if (converting_mutable || e->mutable_) return conflict(id, PJX_CONFLICT_TYPES, e, d);
        return *d == 'l' ? list_from_python(value, d + 2, slot, id, -1)
             : *d == 'd' ? dict_in(value, d, slot, id, -1)
                         : set_from_python(value, d + 2, slot, id, -1);
    }
    i = add_entry(id, value, force == FORCE_ARGUMENT);
    if (i < 0) return FAILED;
    id->entries[i].desc = d;
    id->entries[i].desc_len = len;
    id->entries[i].filling = 1;
    conversion c = *d == 'l' ? list_from_python(value, d + 2, slot, id, i)
                 : *d == 'd' ? dict_in(value, d, slot, id, i)
                             : set_from_python(value, d + 2, slot, id, i);
    id->entries[i].filling = 0;
    return c;
}

conversion pjx_from_python_in(PyObject *value, const char **desc, pjx_slot *slot,
                              pjx_identity *id, int param) {
    id->param = param;
    return convert_in(value, desc, slot, id, FORCE_ARGUMENT);
}

/* Entry i's Python object made to hold what its runtime object holds. */
static int sync_entry(pjx_identity *id, int32_t i) {
    pjx_identity_entry *e = &id->entries[i];
    e->synced = 1;
    /* (the entries may move while the items convert) */
    return refill(e->py, e->rt, e->desc, id);
}

/* A runtime list, dict or set that more than one place holds: the Python
 * object it came from (written back first when it may have changed), or
 * the one already made for it, or a new one, recorded. */
/* ---- the insides of arguments nothing changed ------------------------------
 * On the way in the memo records only what could be reached twice; a
 * container that only its parent held (refcount 1) is not in it.  On the
 * way out such an object can be held twice -- `return rows[0]`, the row
 * then in the result and in the argument -- and must come back as the
 * argument's own object.  The runtime objects of arguments that nothing
 * changed still hold their items where the conversion put them, so the
 * first time the way out meets an unknown runtime object held twice, it
 * walks those arguments in step with their Python objects and records
 * every container in them. */
static int walk_items(pjx_identity *id, PyObject *py, pjx_object *rt);

static int walk_item(pjx_identity *id, PyObject *py, int32_t kind, pjx_slot v) {
    if (kind != PJX_KIND_OBJ || v.o == NULL) return 0;
    uint32_t t = v.o->type_id;
    if (t == PJX_TYPE_TUPLE) return walk_items(id, py, v.o); /* no identity of its own */
    if (t != PJX_TYPE_LIST && t != PJX_TYPE_DICT && t != PJX_TYPE_SET) return 0;
    if (find_rt(id, v.o) >= 0) return 0; /* recorded (and walked) already */
    int32_t i = add_entry(id, py, 0);
    if (i < 0 || memo_bind(id, i, v.o) < 0) return -1;
    id->entries[i].synced = 1; /* unchanged: nothing to write back */
    return walk_items(id, py, v.o);
}

static int walk_items(pjx_identity *id, PyObject *py, pjx_object *rt) {
    switch (rt->type_id) {
    case PJX_TYPE_LIST: {
        const pjx_list *l = (const pjx_list *)rt;
        if (!PyList_Check(py) || PyList_GET_SIZE(py) != l->size) return 0;
        for (int64_t i = 0; i < l->size; i++)
            if (walk_item(id, PyList_GET_ITEM(py, i), l->kind, l->items[i]) < 0) return -1;
        return 0;
    }
    case PJX_TYPE_TUPLE: {
        const pjx_tuple *t = (const pjx_tuple *)rt;
        if (!PyTuple_Check(py) || PyTuple_GET_SIZE(py) != t->size) return 0;
        for (int64_t i = 0; i < t->size; i++)
            if (walk_item(id, PyTuple_GET_ITEM(py, i), PJX_TUPLE_KINDS(t)[i], t->items[i]) < 0)
                return -1;
        return 0;
    }
    case PJX_TYPE_DICT: {
        pjx_dict *d = (pjx_dict *)rt;
        if (!PyDict_Check(py) || PyDict_GET_SIZE(py) != d->size) return 0;
        Py_ssize_t ppos = 0;
        int64_t rpos = 0;
        PyObject *k, *v;
        pjx_slot rk, rv;
        while (PyDict_Next(py, &ppos, &k, &v) && pjx_dict_next(d, &rpos, &rk, &rv))
            if (walk_item(id, v, d->value_kind, rv) < 0) return -1;
        return 0;
    }
    default: return 0; /* a set's items are hashable: no containers to find */
    }
}

static int walk_unchanged_arguments(pjx_identity *id) {
    id->walked = 1;
    for (int32_t i = 0, n = id->n; i < n; i++) {
        pjx_identity_entry *e = &id->entries[i];
        if (e->input && !e->mutable_ && e->rt != NULL && walk_items(id, e->py, e->rt) < 0)
            return -1;
    }
    return 0;
}

static PyObject *shared_out(pjx_object *o, const char *d, pjx_identity *id) {
    int32_t i = find_rt(id, o);
    if (i < 0 && !id->walked) {
        if (walk_unchanged_arguments(id) < 0) return NULL;
        i = find_rt(id, o);
    }
    if (i >= 0) {
        pjx_identity_entry *e = &id->entries[i];
        if (!e->synced && e->mutable_ && sync_entry(id, i) < 0) return NULL;
        PyObject *py = id->entries[i].py;
        Py_INCREF(py);
        return py;
    }
    PyObject *py = *d == 'l' ? PyList_New(0) : *d == 'd' ? PyDict_New() : PySet_New(NULL);
    if (py == NULL) return NULL;
    i = add_entry(id, py, 0);
    Py_DECREF(py); /* the entry's reference keeps it */
    if (i < 0 || memo_bind(id, i, o) < 0) return NULL;
    id->entries[i].input = 0;
    id->entries[i].synced = 1;
    /* recorded before its items convert: a runtime cycle comes back as one */
    if (refill(py, o, d, id) < 0) return NULL;
    Py_INCREF(py);
    return py;
}

int pjx_identity_write_back(pjx_identity *id) {
    for (int32_t i = 0; i < id->n; i++) {
        pjx_identity_entry *e = &id->entries[i];
        if (e->input && e->mutable_ && !e->synced && e->rt != NULL && sync_entry(id, i) < 0)
            return -1;
    }
    return 0;
}

PyObject *pjx_to_python_in(pjx_slot slot, const char **desc, pjx_identity *id) {
    return convert_out(slot, desc, id);
}

void pjx_identity_conflict_error(const pjx_identity *id, PyObject *fname, PyObject *names) {
    const char *what = id->conflict_kind == 'l' ? "list" : id->conflict_kind == 'd' ? "dict" : "set";
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
    char c = *d;
    if (c == 'l' || c == 'g' || c == 'e' || c == 'd' || c == 'a') {
        if (*n < PJX_MAX_POSITIONS)
            out[*n] = (position){d, descriptor_length(d), c == 'g' ? 'l' : c, (uint8_t)repeat,
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
        if (*d == 'l' || *d == 'd' || *d == 'e') mask |= (uint32_t)1 << p;
    }
    return mask;
}
