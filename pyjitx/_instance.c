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
#include "_locks.h"

#include <string.h>

static PyObject *class_registry; /* class id (int) -> Python type */

static void instance_dealloc(PyObject *self) {
    if (((pjx_py_instance *)self)->weakrefs != NULL) PyObject_ClearWeakRefs(self);
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
    .tp_weaklistoffset = offsetof(pjx_py_instance, weakrefs),
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
    /* locked: a compiled method of another thread may replace the field
     * (and free what it held) or change the container it holds */
    int taken = pjx_take_lock(pjx_instance_lock_word(inst));
    if (taken < 0) return NULL;
    pjx_slot slot = inst->fields[index];
    PyObject *result;
    if (pjx_descriptor_kind(desc) == PJX_KIND_OBJ && slot.o == NULL && desc[0] != 'o') {
        PyErr_Format(PyExc_AttributeError, "'%s' object has no attribute '%s'",
                     Py_TYPE(obj)->tp_name, name);
        result = NULL;
    } else {
        const char *d = desc;
        result = pjx_to_python(slot, &d);
    }
    if (taken) pjx_give_back_lock(pjx_instance_lock_word(inst));
    return result;
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
    pjx_identity id; /* shared objects stay shared; a cycle is refused */
    pjx_identity_init(&id, 1);
    pjx_mismatch_watch();
    conversion c = pjx_from_python_in(value, &d, &slot, &id, 0);
    PyObject *where = pjx_mismatch_take();
    pjx_identity_release(&id);
    if (c != MISMATCH || id.conflict != PJX_CONFLICT_NONE) Py_CLEAR(where);
    if (where != NULL) {
        /* a wrong item inside: where */
        PyErr_Format(PyExc_TypeError, "attribute '%s' of %s: %s%U", name, Py_TYPE(obj)->tp_name,
                     name, where);
        Py_DECREF(where);
        return NULL;
    }
    if (c == FAILED) return NULL;
    if (c == MISMATCH && id.conflict != PJX_CONFLICT_NONE) {
        PyErr_Format(id.conflict == PJX_CONFLICT_CYCLE ? PyExc_ValueError : PyExc_TypeError,
                     "attribute '%s' of %s: %s", name, Py_TYPE(obj)->tp_name,
                     id.conflict == PJX_CONFLICT_CYCLE
                     ? "a container that contains itself cannot be held by compiled code"
                     : "one container reached as two types");
        return NULL;
    }
    if (c == MISMATCH) {
        char expected[256];
        pjx_descriptor_name(desc, expected, sizeof expected);
        PyErr_Format(PyExc_TypeError, "attribute '%s' of %s must be %s, not %s", name,
                     Py_TYPE(obj)->tp_name, expected, Py_TYPE(value)->tp_name);
        return NULL;
    }
    int taken = pjx_take_lock(pjx_instance_lock_word(inst));
    if (taken < 0) {
        pjx_release_slot(slot, desc);
        return NULL;
    }
    pjx_slot old = inst->fields[index];
    inst->fields[index] = slot;
    if (taken) pjx_give_back_lock(pjx_instance_lock_word(inst));
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

/* instance_address(obj): the address of the runtime instance, which
 * identifies it while any wrapper of it lives (wrappers are made per
 * conversion, so Python's id() does not). */
static PyObject *instance_address(PyObject *module, PyObject *obj) {
    pjx_instance *inst = instance_arg(obj);
    if (inst == NULL) return NULL;
    return PyLong_FromVoidPtr(inst);
}

/* registered_class(class_id): the Python type registered for a class id,
 * or None (a loaded pipeline registers stand-ins only where none is). */
static PyObject *registered_class(PyObject *module, PyObject *id) {
    if (!PyLong_Check(id)) {
        PyErr_SetString(PyExc_TypeError, "registered_class() expects an int class id");
        return NULL;
    }
    PyObject *type = class_registry ? PyDict_GetItemWithError(class_registry, id) : NULL;
    if (type == NULL) {
        if (PyErr_Occurred()) return NULL;
        Py_RETURN_NONE;
    }
    Py_INCREF(type);
    return type;
}

/* snapshot(value): `value` with its lists, dicts and sets copied, deeply
 * (tuples are rebuilt only when something inside them is copied), and
 * everything else shared: the arguments of a compiled constructor as
 * received, kept for saving pipelines (pyjitx/pipeline/construction.py).
 * `memo` maps id -> copy so that shared and cyclic structure stays so. */
static PyObject *snapshot_value(PyObject *value, PyObject **memo);

static PyObject *memo_find(PyObject **memo, PyObject *value, PyObject **key) {
    if (*memo == NULL && (*memo = PyDict_New()) == NULL) return NULL;
    *key = PyLong_FromVoidPtr(value);
    if (*key == NULL) return NULL;
    PyObject *found = PyDict_GetItemWithError(*memo, *key);
    if (found == NULL && PyErr_Occurred()) Py_CLEAR(*key);
    return found;
}

static PyObject *snapshot_container(PyObject *value, PyObject **memo) {
    PyObject *key = NULL;
    PyObject *found = memo_find(memo, value, &key);
    if (found != NULL) {
        Py_XDECREF(key);
        Py_INCREF(found);
        return found;
    }
    if (key == NULL) return NULL;
    PyObject *copy = NULL;
    if (PyList_CheckExact(value)) {
        Py_ssize_t n = PyList_GET_SIZE(value);
        copy = PyList_New(n);
        if (copy == NULL || PyDict_SetItem(*memo, key, copy) < 0) goto fail;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *item = snapshot_value(PyList_GET_ITEM(value, i), memo);
            if (item == NULL) goto fail;
            PyList_SET_ITEM(copy, i, item);
        }
    } else if (PyDict_CheckExact(value)) {
        copy = PyDict_New();
        if (copy == NULL || PyDict_SetItem(*memo, key, copy) < 0) goto fail;
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        while (PyDict_Next(value, &pos, &k, &v)) {
            PyObject *item = snapshot_value(v, memo);
            if (item == NULL || PyDict_SetItem(copy, k, item) < 0) {
                Py_XDECREF(item);
                goto fail;
            }
            Py_DECREF(item);
        }
    } else { /* a set: its items are hashable, so immutable enough to share */
        copy = PySet_New(value);
        if (copy == NULL || PyDict_SetItem(*memo, key, copy) < 0) goto fail;
    }
    Py_DECREF(key);
    return copy;
fail:
    Py_DECREF(key);
    Py_XDECREF(copy);
    return NULL;
}

static PyObject *snapshot_value(PyObject *value, PyObject **memo) {
    if (PyList_CheckExact(value) || PyDict_CheckExact(value) || PySet_CheckExact(value)) {
        if (Py_EnterRecursiveCall(" while copying constructor arguments")) return NULL;
        PyObject *copy = snapshot_container(value, memo);
        Py_LeaveRecursiveCall();
        return copy;
    }
    if (PyTuple_CheckExact(value)) {
        Py_ssize_t n = PyTuple_GET_SIZE(value);
        PyObject *copy = NULL;
        if (Py_EnterRecursiveCall(" while copying constructor arguments")) return NULL;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *item = PyTuple_GET_ITEM(value, i);
            PyObject *snap = snapshot_value(item, memo);
            if (snap == NULL) goto tuple_fail;
            if (snap != item && copy == NULL) {
                copy = PyTuple_New(n);
                if (copy == NULL) {
                    Py_DECREF(snap);
                    goto tuple_fail;
                }
                for (Py_ssize_t j = 0; j < i; j++) {
                    Py_INCREF(PyTuple_GET_ITEM(value, j));
                    PyTuple_SET_ITEM(copy, j, PyTuple_GET_ITEM(value, j));
                }
            }
            if (copy != NULL) PyTuple_SET_ITEM(copy, i, snap);
            else Py_DECREF(snap);
        }
        Py_LeaveRecursiveCall();
        if (copy != NULL) return copy;
        Py_INCREF(value);
        return value;
    tuple_fail:
        Py_LeaveRecursiveCall();
        Py_XDECREF(copy); /* (its unfilled items are NULL: safe) */
        return NULL;
    }
    Py_INCREF(value);
    return value;
}

static PyObject *snapshot(PyObject *module, PyObject *value) {
    PyObject *memo = NULL;
    PyObject *copy = snapshot_value(value, &memo);
    Py_XDECREF(memo);
    return copy;
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
    {"instance_address", instance_address, METH_O, "the address of the runtime instance"},
    {"registered_class", registered_class, METH_O,
     "the Python type registered for a class id, or None"},
    {"snapshot", snapshot, METH_O,
     "value with its lists, dicts and sets copied deeply, everything else shared"},
    {"same_instance", same_instance, METH_VARARGS, "do two wrappers hold one runtime instance?"},
    {NULL, NULL, 0, NULL},
};
