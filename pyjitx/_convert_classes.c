/* The classes of the standard library's class makers at the boundary
 * (_convert.h): enum members and instances of named-tuple classes.  The
 * conversions themselves (_convert.c in, _convert_out.c out) ask here for
 * the class of a descriptor, the shape of a tuple and the member of a
 * value.
 *
 * E[<key>/<qualname>:X] is a member of an enum class, held by compiled code
 * as its value (descriptor X); N[<key>/<qualname>:t[...]] an instance of a
 * named-tuple class, held as the tuple it is.  The frontend registers each
 * class under its key (register_boundary_class), with, for an enum, the
 * members by value: the values compiled code may hold (flags' combinations
 * included), which convert back to those very members.  Guarded by the
 * GIL. */
#include "_convert_internal.h"

#include "pyjitx/containers.h"

#include <stdlib.h>
#include <string.h>

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
 * pjx_tuple_shape_of). */
PyObject *pjx_set_named_tuple_hook(PyObject *module, PyObject *fn) {
    Py_XDECREF(named_tuple_hook);
    Py_INCREF(fn);
    named_tuple_hook = fn;
    Py_RETURN_NONE;
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

PyObject *pjx_boundary_class(const char *d, const char **inner) {
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

int pjx_is_boundary_instance(PyObject *value, const char *d) {
    const char *inner;
    PyObject *entry = pjx_boundary_class(d, &inner);
    if (entry == NULL) return -1;
    return PyObject_IsInstance(value, PyTuple_GET_ITEM(entry, 0));
}

int64_t pjx_tuple_shape_of(PyObject *value) {
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

PyObject *pjx_named_tuple_class_of(const pjx_tuple *t) {
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

PyObject *pjx_new_tuple_of(PyObject *cls, Py_ssize_t n) {
    if (cls == NULL) return PyTuple_New(n);
    /* as tuple.__new__(cls, items) makes one (tuple_subtype_new): the
     * class's own allocation, its items filled in place */
    PyTypeObject *type = (PyTypeObject *)cls;
    return type->tp_alloc(type, n);
}

conversion pjx_enum_value_in(PyObject *value, const char *d, PyObject **out,
                             const char **inner) {
    PyObject *entry = pjx_boundary_class(d, inner);
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
    *out = v;
    return CONVERTED;
}

PyObject *pjx_enum_member_out(const char *d, PyObject *value) {
    const char *inner;
    PyObject *entry = pjx_boundary_class(d, &inner);
    if (entry == NULL) return NULL;
    PyObject *member = PyDict_GetItemWithError(PyTuple_GET_ITEM(entry, 1), value);
    if (member != NULL) {
        Py_INCREF(member);
    } else if (!PyErr_Occurred()) {
        member = PyObject_CallOneArg(PyTuple_GET_ITEM(entry, 0), value); /* Python's own lookup */
    }
    return member;
}
