/* Plain Python called from compiled code, where the user asked for it
 * with pyjitx.pyfunc(fn).
 *
 * Compiled code cannot hold a Python object's address: object files are
 * position-independent and outlive no process, but they should not bake
 * in addresses either.  So each wrapped function is registered here once,
 * under a small integer handle (its index in a list that keeps it alive for
 * the life of the process), and the compiled call passes the handle and
 * the boundary descriptors of the parameters and the result as constants.
 *
 * Compiled code runs without the GIL; the call takes it (PyGILState, so a
 * thread that already holds it may call too), converts, calls, converts
 * back and releases it.  A Python exception becomes the runtime's pending
 * error with the same kind and message (pyjitx.exceptions.runtime_kind
 * picks the kind), and the exception object itself rides along as the
 * error's origin (runtime.h): if compiled code does not catch it, the
 * caller gets that object back, class, arguments and traceback intact. */
#include "_pycall.h"
#include "_signals.h"
#include "_random_bridge.h"

#include <string.h>

static PyObject *python_functions; /* list: handle -> callable */

/* register_pyfunc(fn) -> handle */
static PyObject *register_pyfunc(PyObject *module, PyObject *fn) {
    if (!PyCallable_Check(fn)) {
        PyErr_SetString(PyExc_TypeError, "register_pyfunc() takes a callable");
        return NULL;
    }
    if (python_functions == NULL && (python_functions = PyList_New(0)) == NULL) return NULL;
    if (PyList_Append(python_functions, fn) < 0) return NULL;
    return PyLong_FromSsize_t(PyList_GET_SIZE(python_functions) - 1);
}

PyMethodDef pjx_pycall_functions[] = {
    {"register_pyfunc", register_pyfunc, METH_O,
     "Registers a callable for compiled code; returns its handle."},
    {NULL, NULL, 0, NULL},
};

/* pyjitx.exceptions.runtime_kind(cls) -> (kind, exact) for the class of
 * the Python error being translated; (RuntimeError, not exact) if even
 * that fails. */
static void runtime_kind(PyObject *type, long *kind, int *exact) {
    /* what a signal handler raises, found without running Python (the
     * first exception would import pyjitx.exceptions while Ctrl-C waits) */
    if (type == PyExc_KeyboardInterrupt || type == PyExc_SystemExit) {
        *kind = type == PyExc_KeyboardInterrupt ? PJX_EXC_KEYBOARD_INTERRUPT : PJX_EXC_SYSTEM_EXIT;
        *exact = 1;
        return;
    }
    *kind = PJX_EXC_RUNTIME;
    *exact = 0;
    PyObject *module = PyImport_ImportModule("pyjitx.exceptions");
    PyObject *found = module ? PyObject_CallMethod(module, "runtime_kind", "O", type) : NULL;
    Py_XDECREF(module);
    if (found == NULL || !PyArg_ParseTuple(found, "lp", kind, exact)) {
        PyErr_Clear();
        *kind = PJX_EXC_RUNTIME;
        *exact = 0;
    }
    Py_XDECREF(found);
}

/* The error state's references to Python exception objects (its origins):
 * taken and dropped with the GIL, from whichever thread runs the code. */
static void retain_origin(void *origin) {
    PyGILState_STATE gil = PyGILState_Ensure();
    Py_INCREF((PyObject *)origin);
    PyGILState_Release(gil);
}

static void release_origin(void *origin) {
    PyGILState_STATE gil = PyGILState_Ensure();
    Py_DECREF((PyObject *)origin);
    PyGILState_Release(gil);
}

void pjx_pycall_init(void) { pjx_set_origin_hooks(retain_origin, release_origin); }

/* Moves Python's pending error into the runtime's error state: same kind
 * and message; a class the runtime has no kind for is raised as its
 * nearest supported base (else RuntimeError, or BaseException for what
 * `except Exception` does not catch) with its own name in front of the
 * message.  The exception object goes along as the error's origin. */
void pjx_runtime_error_from_python(void) {
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    if (type == NULL) { /* a C callable failed without saying why */
        pjx_err_set(PJX_EXC_RUNTIME, "pyjitx: a Python call failed without an exception");
        return;
    }
    PyErr_NormalizeException(&type, &value, &traceback);
    long kind;
    int exact;
    runtime_kind(type, &kind, &exact);
    PyObject *text = value != NULL ? PyObject_Str(value) : NULL;
    const char *message = text != NULL ? PyUnicode_AsUTF8(text) : NULL;
    if (message == NULL) {
        PyErr_Clear();
        message = "";
    }
    if (exact)
        pjx_err_set((int32_t)kind, message);
    else if (message[0] == '\0')
        pjx_err_set((int32_t)kind, ((PyTypeObject *)type)->tp_name);
    else
        pjx_err_format((int32_t)kind, "%s: %s", ((PyTypeObject *)type)->tp_name, message);
    Py_XDECREF(text);
    if (value != NULL && PyExceptionInstance_Check(value)) {
        if (traceback != NULL) PyException_SetTraceback(value, traceback);
        pjx_err_set_origin(value); /* the reference passes to the error state */
        value = NULL;
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
}

/* TypeError: the function returned a value its annotation does not allow
 * (`where`: the place of a wrong item inside it, or NULL). */
static void wrong_result(PyObject *fn, PyObject *result, const char *result_desc, PyObject *where) {
    char expected[256];
    pjx_descriptor_name(result_desc, expected, sizeof expected);
    PyObject *name = PyObject_GetAttrString(fn, "__qualname__");
    const char *fname = name != NULL && PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : NULL;
    if (fname == NULL) {
        PyErr_Clear();
        fname = "pyfunc";
    }
    const char *inside = where != NULL ? PyUnicode_AsUTF8(where) : NULL;
    if (inside != NULL) {
        pjx_err_format(PJX_EXC_TYPE, "%s() must return %s: result%s", fname, expected, inside);
    } else {
        PyErr_Clear();
        pjx_err_format(PJX_EXC_TYPE, "%s() must return %s, not %s", fname, expected,
                       Py_TYPE(result)->tp_name);
    }
    Py_XDECREF(name);
}

#define PJX_STACK_ARGS 8

static int32_t call_with_gil(int64_t handle, const char *param_descs, const char *result_desc,
                             const uint64_t *args, uint64_t *out) {
    if (python_functions == NULL || handle < 0 || handle >= PyList_GET_SIZE(python_functions)) {
        pjx_err_set(PJX_EXC_RUNTIME, "pyjitx: no Python function under this handle");
        return -1;
    }
    PyObject *fn = PyList_GET_ITEM(python_functions, handle); /* the list keeps it alive */
    Py_ssize_t n = 0;
    for (const char *d = param_descs; *d; pjx_skip_descriptor(&d)) n++;
    PyObject *stack[PJX_STACK_ARGS];
    PyObject **argv = n <= PJX_STACK_ARGS ? stack : PyMem_Malloc(sizeof(PyObject *) * (size_t)n);
    if (argv == NULL) {
        pjx_err_set(PJX_EXC_MEMORY, NULL);
        return -1;
    }
    Py_ssize_t converted = 0;
    PyObject *result = NULL;
    const char *d = param_descs;
    /* one runtime object passed twice (or held twice) is one Python object */
    pjx_identity id;
    pjx_identity_init(&id, 0);
    for (; converted < n; converted++) {
        pjx_slot slot;
        slot.bits = args[converted];
        argv[converted] = pjx_to_python_in(slot, &d, &id);
        if (argv[converted] == NULL) break;
    }
    pjx_identity_release(&id);
    if (converted == n) result = PyObject_Vectorcall(fn, argv, (size_t)n, NULL);
    for (Py_ssize_t i = 0; i < converted; i++) Py_DECREF(argv[i]);
    if (argv != stack) PyMem_Free(argv);
    if (result == NULL) {
        pjx_runtime_error_from_python();
        return -1;
    }
    pjx_slot slot;
    const char *rd = result_desc;
    int32_t status = -1;
    /* and a Python object the result holds twice is one runtime object (a
     * list that holds itself is refused, not followed forever) */
    pjx_identity_init(&id, 1);
    pjx_mismatch_watch();
    conversion c = pjx_from_python_in(result, &rd, &slot, &id, 0);
    PyObject *where = pjx_mismatch_take();
    switch (c) {
    case CONVERTED:
        *out = slot.bits;
        status = 0;
        break;
    case MISMATCH:
        if (id.conflict != PJX_CONFLICT_NONE)
            pjx_err_format(id.conflict == PJX_CONFLICT_CYCLE ? PJX_EXC_VALUE : PJX_EXC_TYPE,
                           "the result of a pyfunc holds %s", id.conflict == PJX_CONFLICT_CYCLE
                           ? "a container that contains itself, which compiled code cannot hold"
                           : "one container as two types");
        else
            wrong_result(fn, result, result_desc, where);
        break;
    case FAILED:
        pjx_runtime_error_from_python();
        break;
    }
    pjx_identity_release(&id);
    Py_XDECREF(where);
    Py_DECREF(result);
    return status;
}

int32_t pjx_call_python(int64_t handle, const char *param_descs, const char *result_desc,
                        const uint64_t *args, uint64_t *out) {
    PyGILState_STATE gil = PyGILState_Ensure();
    int depth = pjx_signals_python_enter();
    /* (Python code sees the random generator compiled code has advanced) */
    int32_t status = pjx_random_bridge_pause() < 0
                         ? -1 : call_with_gil(handle, param_descs, result_desc, args, out);
    if (status < 0 && PyErr_Occurred()) pjx_runtime_error_from_python();
    if (pjx_random_bridge_resume() < 0) {
        if (status == 0) pjx_runtime_error_from_python();
        else PyErr_Clear();
        status = -1;
    }
    pjx_signals_python_leave(depth);
    PyGILState_Release(gil);
    return status;
}
