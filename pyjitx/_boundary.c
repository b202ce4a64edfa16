/* The boundary between the user's code and pyjitx's, for CompileError.
 *
 * A CompileError is found deep inside the compiler, and by the time it
 * reaches the user its traceback lists forty or more of pyjitx's own
 * frames above the message that matters.  Python code cannot take its own
 * frame out of a traceback (the frame is added as the exception leaves it),
 * so the frames are dropped here, in C, where the exception leaves pyjitx:
 *   - the Dispatcher's slow path (the first call of a compiled function),
 *     _ext.c;
 *   - UserBoundary, a callable wrapping the Python entry points a user
 *     calls directly (pyjitx.compile, pyjitx.trace, a compiled class's
 *     constructor ...).
 * pyjitx.errors.for_user decides what goes (the frames of files inside the
 * package; nothing when PYJITX_DEBUG is set). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include "_boundary.h"

static PyObject *compile_error_type; /* pyjitx.errors.CompileError */
static PyObject *for_user;           /* pyjitx.errors.for_user */

static int load_helpers(void) {
    if (for_user != NULL) return 0;
    PyObject *module = PyImport_ImportModule("pyjitx.errors");
    if (module == NULL) return -1;
    compile_error_type = PyObject_GetAttrString(module, "CompileError");
    for_user = compile_error_type ? PyObject_GetAttrString(module, "for_user") : NULL;
    Py_DECREF(module);
    if (for_user == NULL) {
        Py_CLEAR(compile_error_type);
        return -1;
    }
    return 0;
}

/* Calls for_user(exc) on a normalised exception; the exception keeps
 * whatever traceback for_user left it. */
static void rewrite(PyObject *exc) {
    if (load_helpers() < 0) {
        PyErr_Clear();
        return;
    }
    int is_compile_error = PyObject_IsInstance(exc, compile_error_type);
    if (is_compile_error != 1) {
        if (is_compile_error < 0) PyErr_Clear();
        return;
    }
    PyObject *result = PyObject_CallOneArg(for_user, exc);
    if (result == NULL) PyErr_Clear(); /* the original error matters more */
    Py_XDECREF(result);
}

void pjx_error_for_user(void) {
    if (!PyErr_Occurred()) return;
#if PY_VERSION_HEX >= 0x030C0000
    PyObject *exc = PyErr_GetRaisedException();
    rewrite(exc);
    PyErr_SetRaisedException(exc);
#else
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (value == NULL) {
        PyErr_Restore(type, value, tb);
        return;
    }
    if (tb != NULL) PyException_SetTraceback(value, tb);
    Py_XDECREF(tb);
    rewrite(value);
    tb = PyException_GetTraceback(value); /* new reference, or NULL */
    PyErr_Restore(type, value, tb);
#endif
}

/* ---- UserBoundary --------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *dict;
    PyObject *weakrefs;
    PyObject *wrapped;
} UserBoundary;

static PyObject *boundary_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf,
                                     PyObject *kwnames) {
    UserBoundary *self = (UserBoundary *)callable;
    if (self->wrapped == NULL) {
        PyErr_SetString(PyExc_TypeError, "pyjitx: uninitialised UserBoundary");
        return NULL;
    }
    PyObject *result = PyObject_Vectorcall(self->wrapped, args, nargsf, kwnames);
    if (result == NULL) pjx_error_for_user();
    return result;
}

static PyObject *boundary_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    UserBoundary *self = (UserBoundary *)PyType_GenericNew(type, args, kwargs);
    if (self != NULL) self->vectorcall = boundary_vectorcall;
    return (PyObject *)self;
}

static int boundary_init(UserBoundary *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"wrapped", NULL};
    PyObject *wrapped;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:UserBoundary", keywords, &wrapped))
        return -1;
    if (!PyCallable_Check(wrapped)) {
        PyErr_SetString(PyExc_TypeError, "UserBoundary wraps a callable");
        return -1;
    }
    Py_INCREF(wrapped);
    Py_XSETREF(self->wrapped, wrapped);
    self->vectorcall = boundary_vectorcall;
    return 0;
}

static PyObject *boundary_get(PyObject *self, PyObject *obj, PyObject *type) {
    /* stored on a class, it binds as a function does */
    if (obj == NULL || obj == Py_None) {
        Py_INCREF(self);
        return self;
    }
    return PyMethod_New(self, obj);
}

static PyObject *boundary_repr(UserBoundary *self) {
    if (self->wrapped == NULL) return PyUnicode_FromString("<pyjitx UserBoundary>");
    return PyObject_Repr(self->wrapped);
}

static int boundary_traverse(UserBoundary *self, visitproc visit, void *arg) {
    Py_VISIT(self->dict);
    Py_VISIT(self->wrapped);
    return 0;
}

static int boundary_clear(UserBoundary *self) {
    Py_CLEAR(self->dict);
    Py_CLEAR(self->wrapped);
    return 0;
}

static void boundary_dealloc(UserBoundary *self) {
    PyObject_GC_UnTrack(self);
    if (self->weakrefs != NULL) PyObject_ClearWeakRefs((PyObject *)self);
    boundary_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMemberDef boundary_members[] = {
    {"__dictoffset__", T_PYSSIZET, offsetof(UserBoundary, dict), READONLY},
    {"__weaklistoffset__", T_PYSSIZET, offsetof(UserBoundary, weakrefs), READONLY},
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(UserBoundary, vectorcall), READONLY},
    {"__pjx_wrapped__", T_OBJECT, offsetof(UserBoundary, wrapped), READONLY},
    {NULL},
};

static PyGetSetDef boundary_getset[] = {
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL, NULL},
    {NULL},
};

static PyTypeObject UserBoundaryType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pyjitx._ext.UserBoundary",
    .tp_basicsize = sizeof(UserBoundary),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL |
                Py_TPFLAGS_METHOD_DESCRIPTOR,
    .tp_doc = "A pyjitx entry point: a CompileError leaves it with the user's frames only.",
    .tp_new = boundary_new,
    .tp_init = (initproc)boundary_init,
    .tp_dealloc = (destructor)boundary_dealloc,
    .tp_traverse = (traverseproc)boundary_traverse,
    .tp_clear = (inquiry)boundary_clear,
    .tp_call = PyVectorcall_Call,
    .tp_repr = (reprfunc)boundary_repr,
    .tp_vectorcall_offset = offsetof(UserBoundary, vectorcall),
    .tp_dictoffset = offsetof(UserBoundary, dict),
    .tp_weaklistoffset = offsetof(UserBoundary, weakrefs),
    .tp_members = boundary_members,
    .tp_getset = boundary_getset,
    .tp_descr_get = boundary_get,
};

int pjx_boundary_init(PyObject *module) {
    if (PyType_Ready(&UserBoundaryType) < 0) return -1;
    Py_INCREF(&UserBoundaryType);
    if (PyModule_AddObject(module, "UserBoundary", (PyObject *)&UserBoundaryType) < 0) {
        Py_DECREF(&UserBoundaryType);
        return -1;
    }
    return 0;
}
