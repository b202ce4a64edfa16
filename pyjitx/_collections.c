/* collections.Counter, OrderedDict, defaultdict and deque at the boundary
 * (libruntime/include/pyjitx/collections.h): which runtime object a Python
 * one becomes, and back.
 *
 * A dict subclass keeps its flavour both ways whatever the descriptor
 * says: a Counter passed where Dict[str, int] is declared is a Counter in
 * compiled code (a missing key reads 0 there too, as in CPython) and comes
 * back a Counter.  A defaultdict's factory crosses as what the runtime can
 * make itself (None, list, int, ..., the collections types); one made by
 * compiled code from a module-level function or class, or from a lambda
 * that reads no local, comes back as that Python object, found by its
 * name (or the lambda's source evaluated in its module).  A Python factory
 * of any other kind enters compiled code as a name only: a missing key
 * then raises TypeError there, since compiled code does not call Python. */
#include "_collections.h"

#include "pyjitx/any.h"

#include <string.h>

static PyObject *types[PJX_PY__COUNT];

PyObject *pjx_py_collections_type(int which) {
    if (types[which] == NULL) {
        static const char *const names[] = {"Counter", "OrderedDict", "defaultdict", "deque"};
        PyObject *module = PyImport_ImportModule("collections");
        if (module == NULL) return NULL;
        types[which] = PyObject_GetAttrString(module, names[which]);
        Py_DECREF(module);
    }
    return types[which];
}

static int is_instance(PyObject *v, int which) {
    PyObject *t = pjx_py_collections_type(which);
    if (t == NULL) {
        PyErr_Clear();
        return 0;
    }
    return PyObject_TypeCheck(v, (PyTypeObject *)t);
}

uint32_t pjx_py_dict_flags(PyObject *v) {
    if (PyDict_CheckExact(v)) return 0;
    if (is_instance(v, PJX_PY_COUNTER)) return PJX_DICT_COUNTER;
    if (is_instance(v, PJX_PY_ORDERED)) return PJX_DICT_ORDERED;
    if (is_instance(v, PJX_PY_DEFAULTDICT)) return PJX_DICT_DEFAULT;
    return 0;
}

int pjx_py_is_deque(PyObject *v) { return is_instance(v, PJX_PY_DEQUE); }

uint32_t pjx_descriptor_dict_flags(char c) {
    return c == 'K' ? PJX_DICT_COUNTER : c == 'O' ? PJX_DICT_ORDERED
         : c == 'D' ? PJX_DICT_DEFAULT : 0;
}

/* ---- defaultdict factories ------------------------------------------------- */
static int factory_code(PyObject *f) {
    if (f == Py_None) return PJX_FACTORY_NONE;
    PyObject *builtins[] = {(PyObject *)&PyList_Type, (PyObject *)&PyLong_Type,
                            (PyObject *)&PyFloat_Type, (PyObject *)&PyUnicode_Type,
                            (PyObject *)&PyBytes_Type, (PyObject *)&PyBool_Type,
                            (PyObject *)&PySet_Type, (PyObject *)&PyDict_Type,
                            (PyObject *)&PyTuple_Type};
    for (int i = 0; i < 9; i++)
        if (f == builtins[i]) return PJX_FACTORY_LIST + i;
    for (int which = 0; which < PJX_PY__COUNT; which++) {
        PyObject *t = pjx_py_collections_type(which);
        if (t == NULL) return -1;
        if (f == t) {
            static const int codes[] = {PJX_FACTORY_COUNTER, PJX_FACTORY_ORDERED,
                                        PJX_FACTORY_DEFAULTDICT, PJX_FACTORY_DEQUE};
            return codes[which];
        }
    }
    return PJX_FACTORY_COMPILED;
}

/* "module\nqualname" of a module-level function or class, else NULL (a
 * new reference; NULL without an error for no such name). */
static PyObject *factory_source(PyObject *f) {
    PyObject *module = PyObject_GetAttrString(f, "__module__");
    PyObject *qualname = module ? PyObject_GetAttrString(f, "__qualname__") : NULL;
    PyObject *source = NULL;
    if (qualname != NULL && PyUnicode_Check(module) && PyUnicode_Check(qualname) &&
        PyUnicode_FindChar(qualname, '<', 0, PyUnicode_GET_LENGTH(qualname), 1) < 0)
        source = PyUnicode_FromFormat("%U\n%U", module, qualname);
    Py_XDECREF(module);
    Py_XDECREF(qualname);
    if (source == NULL) PyErr_Clear();
    return source;
}

pjx_dict *pjx_dict_for_python(PyObject *value, uint32_t flags, int32_t key_kind,
                              int32_t value_kind, const char *value_desc) {
    if (flags == PJX_DICT_COUNTER) return pjx_counter_new(key_kind, value_kind);
    if (flags == PJX_DICT_ORDERED) return pjx_odict_new(key_kind, value_kind);
    if (flags != PJX_DICT_DEFAULT) return pjx_dict_new(key_kind, value_kind);
    PyObject *f = PyObject_GetAttrString(value, "default_factory");
    if (f == NULL) return NULL;
    int code = factory_code(f);
    PyObject *name = code < 0 ? NULL : PyObject_Repr(f);
    PyObject *source = code == PJX_FACTORY_COMPILED ? factory_source(f) : NULL;
    pjx_dict *d = NULL;
    if (name != NULL) {
        /* (the descriptor of the values, copied by the runtime) */
        char desc[256];
        size_t n = value_desc ? (size_t)pjx_descriptor_length(value_desc) : 1;
        if (n >= sizeof desc) n = 1, value_desc = NULL;
        memcpy(desc, value_desc ? value_desc : "a", n);
        desc[n] = '\0';
        d = pjx_defaultdict_new(key_kind, value_kind, code, desc, PyUnicode_AsUTF8(name),
                                source ? PyUnicode_AsUTF8(source) : NULL);
        if (d == NULL) {
            pjx_err_clear();
            PyErr_NoMemory();
        }
    }
    Py_XDECREF(source);
    Py_XDECREF(name);
    Py_DECREF(f);
    return d;
}

/* The Python object of a factory that compiled code made (a new
 * reference), found by its name or its source; the results are kept by
 * source (the runtime's copies of sources are one string per text). */
static PyObject *found_factories;

static PyObject *compiled_factory(const pjx_factory *f) {
    if (f->source == NULL) {
        PyErr_Format(PyExc_TypeError,
                     "a defaultdict whose default_factory (%s) is a function that reads "
                     "variables of compiled code cannot be passed to Python",
                     f->name ? f->name : "?");
        return NULL;
    }
    if (found_factories == NULL && (found_factories = PyDict_New()) == NULL) return NULL;
    PyObject *key = PyLong_FromVoidPtr((void *)f->source);
    if (key == NULL) return NULL;
    PyObject *found = PyDict_GetItemWithError(found_factories, key);
    if (found != NULL) {
        Py_DECREF(key);
        Py_INCREF(found);
        return found;
    }
    const char *newline = strchr(f->source, '\n');
    PyObject *module_name = newline ? PyUnicode_FromStringAndSize(f->source, newline - f->source)
                                    : NULL;
    PyObject *module = module_name ? PyImport_Import(module_name) : NULL;
    Py_XDECREF(module_name);
    PyObject *result = NULL;
    if (module != NULL && newline[1] == '=') { /* a lambda: its source in the module */
        PyObject *globals = PyModule_GetDict(module);
        result = PyRun_String(newline + 2, Py_eval_input, globals, globals);
    } else if (module != NULL) { /* a.b.c */
        result = module;
        Py_INCREF(result);
        const char *part = newline + 1;
        while (result != NULL && *part) {
            const char *dot = strchr(part, '.');
            size_t n = dot ? (size_t)(dot - part) : strlen(part);
            PyObject *attr = PyUnicode_FromStringAndSize(part, (Py_ssize_t)n);
            PyObject *next = attr ? PyObject_GetAttr(result, attr) : NULL;
            Py_XDECREF(attr);
            Py_DECREF(result);
            result = next;
            part += n + (dot != NULL);
        }
    }
    Py_XDECREF(module);
    if (result != NULL && PyDict_SetItem(found_factories, key, result) < 0) Py_CLEAR(result);
    Py_DECREF(key);
    return result;
}

static PyObject *factory_object(const pjx_factory *f) {
    if (f->source != NULL || f->code == PJX_FACTORY_COMPILED) return compiled_factory(f);
    switch (f->code & 0xff) {
    case PJX_FACTORY_NONE: Py_RETURN_NONE;
    case PJX_FACTORY_COUNTER: case PJX_FACTORY_ORDERED: case PJX_FACTORY_DEFAULTDICT:
    case PJX_FACTORY_DEQUE: {
        int which = f->code == PJX_FACTORY_COUNTER ? PJX_PY_COUNTER
                  : f->code == PJX_FACTORY_ORDERED ? PJX_PY_ORDERED
                  : f->code == PJX_FACTORY_DEFAULTDICT ? PJX_PY_DEFAULTDICT : PJX_PY_DEQUE;
        PyObject *t = pjx_py_collections_type(which);
        Py_XINCREF(t);
        return t;
    }
    default: {
        PyTypeObject *builtins[] = {&PyList_Type, &PyLong_Type, &PyFloat_Type, &PyUnicode_Type,
                                    &PyBytes_Type, &PyBool_Type, &PySet_Type, &PyDict_Type,
                                    &PyTuple_Type};
        PyObject *t = (PyObject *)builtins[(f->code & 0xff) - PJX_FACTORY_LIST];
        Py_INCREF(t);
        return t;
    }
    }
}

PyObject *pjx_new_python_dict_for(const pjx_dict *d) {
    switch (d->ob.flags) {
    case 0: return PyDict_New();
    case PJX_DICT_COUNTER: case PJX_DICT_ORDERED: {
        PyObject *t = pjx_py_collections_type(d->ob.flags == PJX_DICT_COUNTER ? PJX_PY_COUNTER
                                                                               : PJX_PY_ORDERED);
        return t ? PyObject_CallNoArgs(t) : NULL;
    }
    default: {
        PyObject *t = pjx_py_collections_type(PJX_PY_DEFAULTDICT);
        PyObject *f = t ? factory_object(pjx_defaultdict_factory(d)) : NULL;
        PyObject *r = f ? PyObject_CallOneArg(t, f) : NULL;
        Py_XDECREF(f);
        return r;
    }
    }
}

int pjx_python_dict_set(PyObject *py, PyObject *key, PyObject *value) {
    /* (an OrderedDict keeps its order in a list of its own, which only its
     * own __setitem__ updates) */
    if (PyDict_CheckExact(py) || !is_instance(py, PJX_PY_ORDERED))
        return PyDict_SetItem(py, key, value);
    return PyObject_SetItem(py, key, value);
}

PyObject *pjx_new_python_deque(const pjx_list *dq) {
    PyObject *t = pjx_py_collections_type(PJX_PY_DEQUE);
    if (t == NULL) return NULL;
    PyObject *maxlen = pjx_deque_maxlen((pjx_list *)dq) == NULL
                           ? Py_NewRef(Py_None) : PyLong_FromLongLong(((const pjx_deque *)dq)->maxlen);
    if (maxlen == NULL) return NULL;
    PyObject *empty = PyTuple_New(0);
    PyObject *r = empty ? PyObject_CallFunctionObjArgs(t, empty, maxlen, NULL) : NULL;
    Py_XDECREF(empty);
    Py_DECREF(maxlen);
    return r;
}

int pjx_write_collection(PyObject *target, PyObject *fresh) {
    if (pjx_py_is_deque(target)) {
        PyObject *r = PyObject_CallMethod(target, "clear", NULL);
        if (r == NULL) return -1;
        Py_DECREF(r);
        r = PyObject_CallMethod(target, "extend", "O", fresh);
        if (r == NULL) return -1;
        Py_DECREF(r);
        return 0;
    }
    /* an OrderedDict: cleared and refilled through its own methods */
    PyObject *r = PyObject_CallMethod(target, "clear", NULL);
    if (r == NULL) return -1;
    Py_DECREF(r);
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    while (PyDict_Next(fresh, &pos, &k, &v))
        if (PyObject_SetItem(target, k, v) < 0) return -1;
    return 0;
}

int pjx_needs_collection_write(PyObject *target) {
    return !PyList_CheckExact(target) && !PyDict_CheckExact(target) &&
           (pjx_py_is_deque(target) || is_instance(target, PJX_PY_ORDERED));
}

void pjx_clear_collections(void) { Py_CLEAR(found_factories); }

int pjx_write_back_defaultdicts(PyObject *const *args, const pjx_slot *slots,
                                const char *const *descs, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *arg = args[i];
        const char *d = descs[i];
        /* (a '!' argument is written back whole already) */
        if (*d == '!' || PyDict_CheckExact(arg) || !PyDict_Check(arg) ||
            pjx_py_dict_flags(arg) != PJX_DICT_DEFAULT)
            continue;
        const pjx_object *o = pjx_descriptor_kind(d) == PJX_KIND_OBJ ? slots[i].o : NULL;
        if (o == NULL || o->type_id != PJX_TYPE_DICT ||
            ((const pjx_dict *)o)->size == PyDict_GET_SIZE(arg))
            continue;
        if (pjx_write_back(arg, slots[i], "a") < 0) return -1;
    }
    return 0;
}
