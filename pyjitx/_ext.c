/* The CPython bridge: the only file of pyjitx's native code that includes
 * Python.h.  It owns
 *   - Dispatcher, the callable that Python code sees for a compiled
 *     function: it unboxes the arguments in C, releases the GIL, calls the
 *     packed entry of the compiled code and boxes the result;
 *   - the translation of the runtime's thread-local exception into a Python
 *     exception;
 *   - the table of runtime symbol addresses that the JIT links against, so
 *     that compiled code and this bridge share one runtime instance.
 * The runtime itself (libruntime/) is compiled into this extension. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include "pyjitx/runtime.h"
#include "pyjitx/math.h"
#include "pyjitx/object.h"
#include "pyjitx/format.h"

#define PJX_MAX_PARAMS 32

typedef int32_t (*packed_entry)(const uint64_t *args, uint64_t *out);

/* Kinds of values that cross the boundary, one letter each; the compiler
 * (pyjitx/backend/abi.py) uses the same letters.  Lower case converts as an
 * annotation allows (an int for a float, a bool for an int); upper case
 * accepts exactly that Python type, for parameters specialised on the
 * argument's type, so that another type reaches its own specialisation. */
enum {
    KIND_INT = 'i',
    KIND_FLOAT = 'f',
    KIND_BOOL = 'b',
    KIND_NONE = 'n',
    KIND_EXACT_INT = 'I',
    KIND_EXACT_FLOAT = 'F',
};

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *dict;
    PyObject *weakrefs;
    PyObject *slow_path;   /* callable(args: tuple, kwargs: dict|None) */
    PyObject *keepalive;   /* owner of the machine code behind `entry` */
    packed_entry entry;    /* NULL until compiled */
    Py_ssize_t nparams;
    char kinds[PJX_MAX_PARAMS];
    char ret_kind;
} Dispatcher;

/* ---- exceptions --------------------------------------------------------- */

static PyObject *python_exception_type(int32_t kind) {
    switch (kind) {
    case PJX_EXC_ARITHMETIC: return PyExc_ArithmeticError;
    case PJX_EXC_ZERO_DIVISION: return PyExc_ZeroDivisionError;
    case PJX_EXC_OVERFLOW: return PyExc_OverflowError;
    case PJX_EXC_VALUE: return PyExc_ValueError;
    case PJX_EXC_TYPE: return PyExc_TypeError;
    case PJX_EXC_INDEX: return PyExc_IndexError;
    case PJX_EXC_KEY: return PyExc_KeyError;
    case PJX_EXC_ASSERTION: return PyExc_AssertionError;
    case PJX_EXC_RECURSION: return PyExc_RecursionError;
    case PJX_EXC_UNBOUND_LOCAL: return PyExc_UnboundLocalError;
    case PJX_EXC_MEMORY: return PyExc_MemoryError;
    case PJX_EXC_RUNTIME: return PyExc_RuntimeError;
    case PJX_EXC_NOT_IMPLEMENTED: return PyExc_NotImplementedError;
    case PJX_EXC_STOP_ITERATION: return PyExc_StopIteration;
    case PJX_EXC_LOOKUP: return PyExc_LookupError;
    case PJX_EXC_ATTRIBUTE: return PyExc_AttributeError;
    case PJX_EXC_NAME: return PyExc_NameError;
    case PJX_EXC_OS: return PyExc_OSError;
    case PJX_EXC_FILE_NOT_FOUND: return PyExc_FileNotFoundError;
    default: return PyExc_Exception;
    }
}

/* Moves this thread's runtime exception into Python's error indicator. */
static void raise_runtime_error(void) {
    int32_t kind = pjx_err_kind();
    const char *message = pjx_err_message();
    PyObject *type = python_exception_type(kind);
    if (message[0] == '\0')
        PyErr_SetNone(type);
    else
        PyErr_SetString(type, message);
    pjx_err_clear();
}

/* ---- unboxing and boxing ----------------------------------------------- */

typedef enum { CONVERTED, MISMATCH, FAILED } conversion;

static conversion unbox(PyObject *value, char kind, uint64_t *slot) {
    switch (kind) {
    case KIND_EXACT_INT:
        if (!PyLong_Check(value) || PyBool_Check(value)) return MISMATCH;
        return unbox(value, KIND_INT, slot);
    case KIND_EXACT_FLOAT:
        if (!PyFloat_Check(value)) return MISMATCH;
        return unbox(value, KIND_FLOAT, slot);
    case KIND_INT: {
        if (!PyLong_Check(value)) {
            if (PyFloat_Check(value) || !PyIndex_Check(value)) return MISMATCH;
            PyObject *index = PyNumber_Index(value);
            if (index == NULL) return FAILED;
            conversion result = unbox(index, kind, slot);
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
        int64_t i = (int64_t)v;
        memcpy(slot, &i, sizeof i);
        return CONVERTED;
    }
    case KIND_FLOAT: {
        double d;
        if (PyFloat_Check(value)) {
            d = PyFloat_AS_DOUBLE(value);
        } else if (PyLong_Check(value)) {
            d = PyLong_AsDouble(value);
            if (d == -1.0 && PyErr_Occurred()) return FAILED;
        } else {
            return MISMATCH;
        }
        memcpy(slot, &d, sizeof d);
        return CONVERTED;
    }
    case KIND_BOOL:
        if (value == Py_True) { *slot = 1; return CONVERTED; }
        if (value == Py_False) { *slot = 0; return CONVERTED; }
        return MISMATCH;
    case KIND_NONE:
        if (value == Py_None) { *slot = 0; return CONVERTED; }
        return MISMATCH;
    default:
        PyErr_Format(PyExc_SystemError, "pyjitx: unknown value kind '%c'", kind);
        return FAILED;
    }
}

static PyObject *box(uint64_t slot, char kind) {
    switch (kind) {
    case KIND_INT: {
        int64_t i;
        memcpy(&i, &slot, sizeof i);
        return PyLong_FromLongLong(i);
    }
    case KIND_FLOAT: {
        double d;
        memcpy(&d, &slot, sizeof d);
        return PyFloat_FromDouble(d);
    }
    case KIND_BOOL:
        return PyBool_FromLong((long)(slot & 0xFF));
    case KIND_NONE:
        Py_RETURN_NONE;
    default:
        PyErr_Format(PyExc_SystemError, "pyjitx: unknown value kind '%c'", kind);
        return NULL;
    }
}

/* ---- Dispatcher --------------------------------------------------------- */

static PyObject *call_slow_path(Dispatcher *self, PyObject *const *args,
                                size_t nargsf, PyObject *kwnames) {
    if (self->slow_path == NULL) {
        PyErr_SetString(PyExc_TypeError, "pyjitx: uninitialised Dispatcher");
        return NULL;
    }
    return PyObject_Vectorcall(self->slow_path, args, nargsf, kwnames);
}

/* Calls the compiled code with already unboxed arguments. */
static PyObject *call_entry(Dispatcher *self, const uint64_t *slots) {
    uint64_t out = 0;
    int32_t status;
    packed_entry entry = self->entry;
    Py_BEGIN_ALLOW_THREADS
    status = entry(slots, &out);
    Py_END_ALLOW_THREADS
    if (status != 0) {
        raise_runtime_error();
        return NULL;
    }
    return box(out, self->ret_kind);
}

static PyObject *dispatcher_vectorcall(PyObject *callable, PyObject *const *args,
                                       size_t nargsf, PyObject *kwnames) {
    Dispatcher *self = (Dispatcher *)callable;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (self->entry == NULL || kwnames != NULL || nargs != self->nparams)
        return call_slow_path(self, args, nargsf, kwnames);
    uint64_t slots[PJX_MAX_PARAMS];
    for (Py_ssize_t i = 0; i < nargs; i++) {
        switch (unbox(args[i], self->kinds[i], &slots[i])) {
        case CONVERTED: break;
        case MISMATCH: return call_slow_path(self, args, nargsf, kwnames);
        case FAILED: return NULL;
        }
    }
    return call_entry(self, slots);
}

static PyObject *dispatcher_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    Dispatcher *self = (Dispatcher *)PyType_GenericNew(type, args, kwargs);
    if (self != NULL) self->vectorcall = dispatcher_vectorcall;
    return (PyObject *)self;
}

static int dispatcher_init(Dispatcher *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"slow_path", NULL};
    PyObject *slow_path;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:Dispatcher", keywords, &slow_path))
        return -1;
    if (!PyCallable_Check(slow_path)) {
        PyErr_SetString(PyExc_TypeError, "slow_path must be callable");
        return -1;
    }
    Py_INCREF(slow_path);
    Py_XSETREF(self->slow_path, slow_path);
    self->vectorcall = dispatcher_vectorcall;
    return 0;
}

static const char *kind_name(char kind) {
    switch (kind) {
    case KIND_INT: case KIND_EXACT_INT: return "int";
    case KIND_FLOAT: case KIND_EXACT_FLOAT: return "float";
    case KIND_BOOL: return "bool";
    case KIND_NONE: return "None";
    default: return "?";
    }
}

static int check_kinds(const char *kinds, Py_ssize_t n, const char *what) {
    for (Py_ssize_t i = 0; i < n; i++) {
        switch (kinds[i]) {
        case KIND_INT: case KIND_FLOAT: case KIND_BOOL: case KIND_NONE:
        case KIND_EXACT_INT: case KIND_EXACT_FLOAT: break;
        default:
            PyErr_Format(PyExc_ValueError, "pyjitx: unknown %s kind '%c'", what, kinds[i]);
            return -1;
        }
    }
    return 0;
}

/* _set_entry(address, param_kinds, return_kind, keepalive): installs the
 * fast path.  `keepalive` owns the machine code at `address`. */
static PyObject *dispatcher_set_entry(Dispatcher *self, PyObject *args) {
    unsigned long long address;
    const char *kinds, *ret_kind;
    Py_ssize_t nkinds, nret;
    PyObject *keepalive;
    if (!PyArg_ParseTuple(args, "Ks#s#O", &address, &kinds, &nkinds, &ret_kind,
                          &nret, &keepalive))
        return NULL;
    if (nkinds > PJX_MAX_PARAMS) {
        PyErr_Format(PyExc_ValueError, "pyjitx: at most %d parameters", PJX_MAX_PARAMS);
        return NULL;
    }
    if (nret != 1 || check_kinds(kinds, nkinds, "parameter") < 0 ||
        check_kinds(ret_kind, 1, "return"))
        return NULL;
    memcpy(self->kinds, kinds, (size_t)nkinds);
    self->nparams = nkinds;
    self->ret_kind = ret_kind[0];
    Py_INCREF(keepalive);
    Py_XSETREF(self->keepalive, keepalive);
    self->entry = (packed_entry)(uintptr_t)address;
    Py_RETURN_NONE;
}

/* call_packed(address, param_kinds, return_kind, args: tuple): calls a
 * packed entry with arguments already bound in parameter order (the slow
 * path, after defaults and keywords).  A wrong type raises TypeError naming
 * the parameter from `names` (a tuple of str). */
static PyObject *call_packed(PyObject *module, PyObject *const *argv, Py_ssize_t argc) {
    if (argc != 6) {
        PyErr_SetString(PyExc_TypeError, "call_packed(address, kinds, ret_kind, args, names, fname)");
        return NULL;
    }
    unsigned long long address = PyLong_AsUnsignedLongLong(argv[0]);
    if (address == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
    Py_ssize_t nkinds, nret;
    const char *kinds = PyUnicode_AsUTF8AndSize(argv[1], &nkinds);
    const char *ret_kind = PyUnicode_AsUTF8AndSize(argv[2], &nret);
    if (kinds == NULL || ret_kind == NULL) return NULL;
    PyObject *args = argv[3], *names = argv[4], *fname = argv[5];
    if (!PyTuple_Check(args) || !PyTuple_Check(names) || nret != 1 ||
        PyTuple_GET_SIZE(args) != nkinds || PyTuple_GET_SIZE(names) != nkinds ||
        check_kinds(kinds, nkinds, "parameter") < 0 ||
        check_kinds(ret_kind, 1, "return") < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "call_packed: bad arguments");
        return NULL;
    }
    uint64_t small[PJX_MAX_PARAMS];
    uint64_t *slots = small;
    if (nkinds > PJX_MAX_PARAMS) {
        slots = PyMem_Malloc(sizeof(uint64_t) * (size_t)nkinds);
        if (slots == NULL) return PyErr_NoMemory();
    }
    PyObject *result = NULL;
    for (Py_ssize_t i = 0; i < nkinds; i++) {
        PyObject *value = PyTuple_GET_ITEM(args, i);
        switch (unbox(value, kinds[i], &slots[i])) {
        case CONVERTED: break;
        case MISMATCH:
            PyErr_Format(PyExc_TypeError, "%U() argument '%U' must be %s, not %s", fname,
                         PyTuple_GET_ITEM(names, i), kind_name(kinds[i]), Py_TYPE(value)->tp_name);
            goto done;
        case FAILED: goto done;
        }
    }
    Dispatcher fake;
    fake.entry = (packed_entry)(uintptr_t)address;
    fake.ret_kind = ret_kind[0];
    result = call_entry(&fake, slots);
done:
    if (slots != small) PyMem_Free(slots);
    return result;
}

static PyObject *dispatcher_get(PyObject *self, PyObject *obj, PyObject *type) {
    /* A compiled function stored on a class behaves like a plain function. */
    if (obj == NULL || obj == Py_None) {
        Py_INCREF(self);
        return self;
    }
    return PyMethod_New(self, obj);
}

static int dispatcher_traverse(Dispatcher *self, visitproc visit, void *arg) {
    Py_VISIT(self->dict);
    Py_VISIT(self->slow_path);
    Py_VISIT(self->keepalive);
    return 0;
}

static int dispatcher_clear(Dispatcher *self) {
    self->entry = NULL;
    Py_CLEAR(self->dict);
    Py_CLEAR(self->slow_path);
    Py_CLEAR(self->keepalive);
    return 0;
}

static void dispatcher_dealloc(Dispatcher *self) {
    PyObject_GC_UnTrack(self);
    if (self->weakrefs != NULL) PyObject_ClearWeakRefs((PyObject *)self);
    dispatcher_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef dispatcher_methods[] = {
    {"_set_entry", (PyCFunction)dispatcher_set_entry, METH_VARARGS, NULL},
    {NULL},
};

static PyMemberDef dispatcher_members[] = {
    {"__dictoffset__", T_PYSSIZET, offsetof(Dispatcher, dict), READONLY},
    {"__weaklistoffset__", T_PYSSIZET, offsetof(Dispatcher, weakrefs), READONLY},
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(Dispatcher, vectorcall), READONLY},
    {NULL},
};

static PyGetSetDef dispatcher_getset[] = {
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL, NULL},
    {NULL},
};

static PyTypeObject DispatcherType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pyjitx._ext.Dispatcher",
    .tp_basicsize = sizeof(Dispatcher),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL |
                Py_TPFLAGS_METHOD_DESCRIPTOR,
    .tp_doc = "A compiled function as Python sees it.",
    .tp_new = dispatcher_new,
    .tp_init = (initproc)dispatcher_init,
    .tp_dealloc = (destructor)dispatcher_dealloc,
    .tp_traverse = (traverseproc)dispatcher_traverse,
    .tp_clear = (inquiry)dispatcher_clear,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(Dispatcher, vectorcall),
    .tp_dictoffset = offsetof(Dispatcher, dict),
    .tp_weaklistoffset = offsetof(Dispatcher, weakrefs),
    .tp_methods = dispatcher_methods,
    .tp_members = dispatcher_members,
    .tp_getset = dispatcher_getset,
    .tp_descr_get = dispatcher_get,
};

/* ---- module functions --------------------------------------------------- */

static PyObject *runtime_symbols(PyObject *module, PyObject *unused) {
    PyObject *table = PyDict_New();
    if (table == NULL) return NULL;
#define PJX_SYMBOL(name)                                                  \
    {                                                                     \
        PyObject *address = PyLong_FromVoidPtr((void *)&name);            \
        if (address == NULL || PyDict_SetItemString(table, #name, address) < 0) { \
            Py_XDECREF(address);                                          \
            Py_DECREF(table);                                             \
            return NULL;                                                  \
        }                                                                 \
        Py_DECREF(address);                                               \
    }
#include "pyjitx/symbols.def"
#undef PJX_SYMBOL
    return table;
}

static PyObject *live_objects(PyObject *module, PyObject *unused) {
    return PyLong_FromLongLong(pjx_live_objects());
}

static PyObject *set_recursion_limit(PyObject *module, PyObject *arg) {
    long limit = PyLong_AsLong(arg);
    if (limit == -1 && PyErr_Occurred()) return NULL;
    pjx_set_recursion_limit((int32_t)limit);
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"call_packed", (PyCFunction)(void (*)(void))call_packed, METH_FASTCALL,
     "Calls a packed entry with bound arguments (the slow path)."},
    {"runtime_symbols", runtime_symbols, METH_NOARGS,
     "Addresses of the runtime's symbols, for the JIT linker."},
    {"live_objects", live_objects, METH_NOARGS,
     "Number of runtime objects currently allocated."},
    {"set_recursion_limit", set_recursion_limit, METH_O,
     "Depth at which compiled recursion raises RecursionError."},
    {NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "pyjitx._ext", "pyjitx's CPython bridge.", -1, module_methods,
};

PyMODINIT_FUNC PyInit__ext(void) {
    if (PyType_Ready(&DispatcherType) < 0) return NULL;
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL) return NULL;
    Py_INCREF(&DispatcherType);
    if (PyModule_AddObject(module, "Dispatcher", (PyObject *)&DispatcherType) < 0 ||
        PyModule_AddIntConstant(module, "ABI_VERSION", PJX_ABI_VERSION) < 0 ||
        PyModule_AddIntConstant(module, "MAX_FAST_PARAMS", PJX_MAX_PARAMS) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
