/* The leaves of the conversions (_convert.c, _convert_out.c): descriptors,
 * scalars and strings both ways, and the caches of converted ints and
 * dicts. */
#include "_convert_internal.h"

#include "pyjitx/any.h"

#include <math.h>
#include <string.h>

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

const char *pjx_kind_descriptor(int32_t kind) {
    switch (kind) {
    case PJX_KIND_INT: return "i";
    case PJX_KIND_FLOAT: return "f";
    case PJX_KIND_BOOL: return "b";
    case PJX_KIND_NONE: return "n";
    default: return "a";
    }
}

void pjx_release_slot(pjx_slot slot, const char *desc) {
    if (pjx_descriptor_kind(desc) == PJX_KIND_OBJ) pjx_decref(slot.o);
}

/* ---- leaves ------------------------------------------------------------------ */

conversion pjx_runtime_failed(void) {
    /* a runtime allocation failed: its exception is pending in pjx_err */
    pjx_err_clear();
    PyErr_NoMemory();
    return FAILED;
}

conversion pjx_str_from_python(PyObject *value, pjx_slot *slot) {
    Py_ssize_t nbytes;
    const char *utf8 = PyUnicode_AsUTF8AndSize(value, &nbytes);
    if (utf8 == NULL) return FAILED; /* lone surrogates: UnicodeEncodeError */
    pjx_str *s = pjx_str_alloc(nbytes, PyUnicode_GET_LENGTH(value));
    if (s == NULL) return pjx_runtime_failed();
    memcpy(s->data, utf8, (size_t)nbytes);
    slot->o = &s->ob;
    return CONVERTED;
}

/* numpy arrays and tensors offer __index__ and __float__ (for one item),
 * but are no numbers: an int or float parameter refuses them by name
 * rather than converting one or failing inside numpy.  (They are the
 * objects that export DLPack.) */
static int is_array(PyObject *value) {
    static PyObject *dlpack;
    if (dlpack == NULL && (dlpack = PyUnicode_InternFromString("__dlpack__")) == NULL) {
        PyErr_Clear();
        return 0;
    }
    return _PyType_Lookup(Py_TYPE(value), dlpack) != NULL;
}

/* What float(x) takes besides float and int: numpy's floating and integer
 * scalars, and other numbers with __float__ or __index__ (not a str, whose
 * float() parses it, nor an array). */
static int float_like(PyObject *value) {
    PyNumberMethods *nb = Py_TYPE(value)->tp_as_number;
    return nb != NULL && (nb->nb_float != NULL || nb->nb_index != NULL) && !is_array(value);
}

conversion pjx_int_from_python(PyObject *value, pjx_slot *slot) {
    if (!PyLong_Check(value)) {
        /* an int-like (numpy integer): its __index__, as operator.index */
        if (PyFloat_Check(value) || !PyIndex_Check(value) || is_array(value)) return MISMATCH;
        PyObject *index = PyNumber_Index(value);
        if (index == NULL) return FAILED;
        conversion result = pjx_int_from_python(index, slot);
        Py_DECREF(index);
        return result;
    }
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (overflow) {
        PyErr_SetString(PyExc_OverflowError, "Python int too large for pyjitx int (64-bit signed)");
        return FAILED;
    }
    if (v == -1 && PyErr_Occurred()) return FAILED;
    slot->i = (int64_t)v;
    return CONVERTED;
}

conversion pjx_float_from_python(PyObject *value, pjx_slot *slot) {
    if (PyFloat_Check(value)) {
        slot->f = PyFloat_AS_DOUBLE(value);
        return CONVERTED;
    }
    if (!PyLong_Check(value) && !float_like(value)) return MISMATCH;
    /* float(x): an int rounds (OverflowError past the float range), a
     * numpy float32 widens exactly */
    slot->f = PyFloat_AsDouble(value);
    if (slot->f == -1.0 && PyErr_Occurred()) return FAILED;
    return CONVERTED;
}

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

PyObject *pjx_int_to_python(int64_t v) {
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

PyObject *pjx_str_to_python(const pjx_str *s) {
    if (s->nbytes == 1) /* CPython's own one-character strings, as its str ops return */
        return PyUnicode_FromOrdinal((unsigned char)s->data[0]);
    if (s->ob.flags & PJX_STR_ASCII) {
        PyObject *u = PyUnicode_New(s->nbytes, 127);
        if (u == NULL) return NULL;
        memcpy(PyUnicode_DATA(u), s->data, (size_t)s->nbytes);
        return u;
    }
    return PyUnicode_DecodeUTF8(s->data, s->nbytes, "strict");
}

/* ---- converted-dict cache ------------------------------------------------
 * A lookup table passed on every call (text2ids' vocabulary) would be
 * converted every time.  Dicts of immutable keys and values that the callee
 * does not mutate are converted once and reused while the Python dict is
 * unchanged: CPython 3.11 bumps a dict's ma_version_tag (a global counter)
 * on every change, and the cache holds a reference to the dict, so its
 * address cannot be reused.  Guarded by the GIL. */
#if PY_VERSION_HEX < 0x030C0000
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

int pjx_immutable_descriptor(const char *d) {
    switch (*d) {
    case 'i': case 'I': case 'f': case 'F': case 'b': case 'n': case 's': case 'y': return 1;
    case 'E': case 'N': return pjx_immutable_descriptor(strchr(d, ':') + 1);
    case 't': {
        d += 2;
        while (*d && *d != ']') {
            if (!pjx_immutable_descriptor(d)) return 0;
            pjx_skip_descriptor(&d);
        }
        return 1;
    }
    default: return 0;
    }
}

pjx_dict *pjx_dict_cache_find(PyObject *dict, const char *desc) {
    uint64_t version = ((PyDictObject *)dict)->ma_version_tag;
    size_t len = (size_t)pjx_descriptor_length(desc);
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

void pjx_dict_cache_store(PyObject *dict, const char *desc, pjx_dict *converted) {
    size_t len = (size_t)pjx_descriptor_length(desc);
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
