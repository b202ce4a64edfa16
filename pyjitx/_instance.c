/* Instances of compiled classes as Python objects.
 *
 * pyjitx._ext.Instance is the base of every Python type that
 * pyjitx.compile makes of a class: it holds one reference to a runtime
 * pjx_instance, so passing an instance back into compiled code costs no
 * copy.  The Python type of a runtime instance is found through a registry
 * keyed by class id (a subclass instance returned through a base-typed
 * result comes back as its own class).  Fields are read and written by
 * index with their boundary descriptor (properties built in
 * pyjitx/classes.py). */
#include "_instance.h"

#include <string.h>

static PyObject *class_registry; /* class id (int) -> Python type */

static void instance_dealloc(PyObject *self) {
    pjx_instance *inst = ((pjx_py_instance *)self)->instance;
    ((pjx_py_instance *)self)->instance = NULL;
    pjx_decref(inst);
    Py_TYPE(self)->tp_free(self);
}

/* object's == and hash, by runtime identity: two Python objects wrapping
 * one runtime instance are the same object as far as Python can tell
 * (except for `is`). */
static PyObject *instance_richcompare(PyObject *a, PyObject *b, int op) {
    if ((op != Py_EQ && op != Py_NE) || !PyObject_TypeCheck(b, &pjx_InstanceType))
        Py_RETURN_NOTIMPLEMENTED;
    int same = ((pjx_py_instance *)a)->instance == ((pjx_py_instance *)b)->instance;
    return PyBool_FromLong(op == Py_EQ ? same : !same);
}

static Py_hash_t instance_hash(PyObject *self) {
    return _Py_HashPointer(((pjx_py_instance *)self)->instance);
}

PyTypeObject pjx_InstanceType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pyjitx._ext.Instance",
    .tp_basicsize = sizeof(pjx_py_instance),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "An instance of a compiled class, living in the pyjitx runtime.",
    .tp_dealloc = instance_dealloc,
    .tp_richcompare = instance_richcompare,
    .tp_hash = instance_hash,
    .tp_new = NULL, /* made by compiled constructors and pjx_wrap_instance */
};

PyObject *pjx_wrap_instance(pjx_instance *inst) {
    PyObject *key = PyLong_FromLongLong(inst->cls->id);
    if (key == NULL) return NULL;
    PyObject *type = class_registry ? PyDict_GetItemWithError(class_registry, key) : NULL;
    Py_DECREF(key);
    if (type == NULL) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError, "pyjitx: no Python class registered for %s",
                         inst->cls->name);
        return NULL;
    }
    PyTypeObject *tp = (PyTypeObject *)type;
    PyObject *obj = tp->tp_alloc(tp, 0);
    if (obj == NULL) return NULL;
    pjx_incref(inst);
    ((pjx_py_instance *)obj)->instance = inst;
    return obj;
}

conversion pjx_instance_from_python(PyObject *value, int64_t class_id, pjx_slot *slot) {
    if (!PyObject_TypeCheck(value, &pjx_InstanceType)) return MISMATCH;
    pjx_instance *inst = ((pjx_py_instance *)value)->instance;
    if (inst == NULL || !pjx_class_is_subclass(inst->cls, class_id)) return MISMATCH;
    pjx_incref(inst);
    slot->o = &inst->ob;
    return CONVERTED;
}

static pjx_instance *instance_arg(PyObject *obj) {
    if (!PyObject_TypeCheck(obj, &pjx_InstanceType) || ((pjx_py_instance *)obj)->instance == NULL) {
        PyErr_SetString(PyExc_TypeError, "expected an instance of a compiled class");
        return NULL;
    }
    return ((pjx_py_instance *)obj)->instance;
}

/* register_class(class_id, type) */
static PyObject *register_class(PyObject *module, PyObject *args) {
    PyObject *id, *type;
    if (!PyArg_ParseTuple(args, "O!O!", &PyLong_Type, &id, &PyType_Type, &type)) return NULL;
    if (class_registry == NULL && (class_registry = PyDict_New()) == NULL) return NULL;
    if (PyDict_SetItem(class_registry, id, type) < 0) return NULL;
    Py_RETURN_NONE;
}

/* get_field(obj, index, descriptor, name) */
static PyObject *get_field(PyObject *module, PyObject *args) {
    PyObject *obj;
    Py_ssize_t index;
    const char *desc, *name;
    if (!PyArg_ParseTuple(args, "Onss", &obj, &index, &desc, &name)) return NULL;
    pjx_instance *inst = instance_arg(obj);
    if (inst == NULL) return NULL;
    if (index < 0 || index >= inst->cls->nfields) {
        PyErr_SetString(PyExc_IndexError, "pyjitx: field index out of range");
        return NULL;
    }
    pjx_slot slot = inst->fields[index];
    if (pjx_descriptor_kind(desc) == PJX_KIND_OBJ && slot.o == NULL && desc[0] != 'o') {
        PyErr_Format(PyExc_AttributeError, "'%s' object has no attribute '%s'",
                     Py_TYPE(obj)->tp_name, name);
        return NULL;
    }
    const char *d = desc;
    return pjx_to_python(slot, &d);
}

/* set_field(obj, index, descriptor, name, value) */
static PyObject *set_field(PyObject *module, PyObject *args) {
    PyObject *obj, *value;
    Py_ssize_t index;
    const char *desc, *name;
    if (!PyArg_ParseTuple(args, "OnssO", &obj, &index, &desc, &name, &value)) return NULL;
    pjx_instance *inst = instance_arg(obj);
    if (inst == NULL) return NULL;
    if (index < 0 || index >= inst->cls->nfields) {
        PyErr_SetString(PyExc_IndexError, "pyjitx: field index out of range");
        return NULL;
    }
    pjx_slot slot;
    const char *d = desc;
    conversion c = pjx_from_python(value, &d, &slot);
    if (c == FAILED) return NULL;
    if (c == MISMATCH) {
        char expected[256];
        pjx_descriptor_name(desc, expected, sizeof expected);
        PyErr_Format(PyExc_TypeError, "attribute '%s' of %s must be %s, not %s", name,
                     Py_TYPE(obj)->tp_name, expected, Py_TYPE(value)->tp_name);
        return NULL;
    }
    pjx_slot old = inst->fields[index];
    inst->fields[index] = slot;
    if (pjx_descriptor_kind(desc) == PJX_KIND_OBJ) pjx_decref(old.o);
    Py_RETURN_NONE;
}

/* blank_like(obj): a new instance of obj's runtime class with every field
 * unset, for unpickling (the fields are then set one by one). */
static PyObject *blank_like(PyObject *module, PyObject *obj) {
    pjx_instance *inst = instance_arg(obj);
    if (inst == NULL) return NULL;
    pjx_instance *fresh = pjx_instance_new(inst->cls);
    if (fresh == NULL) {
        pjx_err_clear();
        return PyErr_NoMemory();
    }
    PyObject *result = pjx_wrap_instance(fresh);
    pjx_decref(fresh);
    return result;
}

static PyObject *class_id_of(PyObject *module, PyObject *obj) {
    pjx_instance *inst = instance_arg(obj);
    if (inst == NULL) return NULL;
    return PyLong_FromLongLong(inst->cls->id);
}

static PyObject *same_instance(PyObject *module, PyObject *args) {
    PyObject *a, *b;
    if (!PyArg_ParseTuple(args, "OO", &a, &b)) return NULL;
    pjx_instance *x = instance_arg(a), *y = instance_arg(b);
    if (x == NULL || y == NULL) return NULL;
    return PyBool_FromLong(x == y);
}

PyMethodDef pjx_instance_functions[] = {
    {"register_class", register_class, METH_VARARGS, "register_class(class_id, type)"},
    {"get_field", get_field, METH_VARARGS, "get_field(obj, index, descriptor, name)"},
    {"set_field", set_field, METH_VARARGS, "set_field(obj, index, descriptor, name, value)"},
    {"blank_like", blank_like, METH_O, "a new instance of obj's runtime class, fields unset"},
    {"class_id_of", class_id_of, METH_O, "the runtime class id of an instance"},
    {"same_instance", same_instance, METH_VARARGS, "do two wrappers hold one runtime instance?"},
    {NULL, NULL, 0, NULL},
};
