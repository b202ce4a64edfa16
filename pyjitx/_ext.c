/* The CPython bridge: the only file of pyjitx's native code that includes
 * Python.h.  It owns
 *   - Dispatcher, the callable that Python code sees for a compiled
 *     function: it unboxes the arguments in C, releases the GIL, calls the
 *     packed entry of the compiled code and boxes the result;
 *   - the translation of the runtime's thread-local exception into a Python
 *     exception;
 *   - the table of runtime symbol addresses that the JIT links against, so
 *     that compiled code and this bridge share one runtime instance (plus
 *     the bridge's own entry points compiled code may call: pjx_call_python,
 *     _pycall.c).
 * The runtime itself (libruntime/) is compiled into this extension. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include "pyjitx/runtime.h"
#include "pyjitx/math.h"
#include "pyjitx/object.h"
#include "pyjitx/str.h"
#include "_convert.h"
#include "_collections.h"
#include "_instance.h"
#include "_state.h"
#include "_pycall.h"
#include "pyjitx/containers.h"
#include "pyjitx/collections.h"
#include "pyjitx/lru_cache.h"
#include "pyjitx/format.h"
#include "pyjitx/any.h"
#include "pyjitx/json.h"
#include "pyjitx/ndarray.h"
#include "pyjitx/regex.h"
#include "_ndarray.h"
#include "_boundary.h"
#include "_hashsecret.h"
#include "_random_bridge.h"
#include "pyjitx/hash.h"
#include "pyjitx/random.h"
#include "pyjitx/stdtime.h"
#include "pyjitx/file.h"
#include "pyjitx/bytearray.h"
#include "pyjitx/array.h"
#include "_locks.h"
#include "_signals.h"

#define PJX_MAX_PARAMS 32

typedef int32_t (*packed_entry)(const uint64_t *args, uint64_t *out);

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *dict;
    PyObject *weakrefs;
    PyObject *slow_path;   /* callable(args: tuple, kwargs: dict|None) */
    PyObject *keepalive;   /* owner of the machine code behind `entry` */
    packed_entry entry;    /* NULL until compiled */
    Py_ssize_t nparams;
    /* boundary descriptors (_convert.h) of each parameter and the result,
     * pointing into `descriptors` */
    PyObject *descriptors; /* tuple of bytes objects: params..., result */
    const char *param_desc[PJX_MAX_PARAMS];
    const char *ret_desc;
    int needs_release; /* some parameter is an object */
    /* an object may be reached twice (pjx_descriptors_need_identity, _convert.h) */
    int identity;
    int no_dict_cache;
    uint32_t container_params; /* bit i: parameter i is a list, dict or set */
    /* bit i: a call takes a lock for parameter i (pjx_add_argument_locks) */
    uint32_t lock_params;
    Py_ssize_t lock_param; /* the one parameter that does, or -1 */
    /* the code draws from random's module-level generator: the
     * interpreter's is lent to it for the call (_random_bridge.c) */
    int lends_random;
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
    case PJX_EXC_UNICODE_DECODE: case PJX_EXC_UNICODE_ENCODE: return PyExc_ValueError;
    case PJX_EXC_LOOKUP: return PyExc_LookupError;
    case PJX_EXC_ATTRIBUTE: return PyExc_AttributeError;
    case PJX_EXC_NAME: return PyExc_NameError;
    case PJX_EXC_OS: return PyExc_OSError;
    case PJX_EXC_FILE_NOT_FOUND: return PyExc_FileNotFoundError;
    case PJX_EXC_KEYBOARD_INTERRUPT: return PyExc_KeyboardInterrupt;
    case PJX_EXC_SYSTEM_EXIT: return PyExc_SystemExit;
    case PJX_EXC_BASE_EXCEPTION: return PyExc_BaseException;
    default: return PyExc_Exception;
    }
}

/* User-defined exception classes by runtime kind (pyjitx/exceptions.py). */
static PyObject *user_exception_classes;

/* Moves this thread's runtime exception into Python's error indicator. */
static void raise_runtime_error(void) {
    PyObject *origin = pjx_err_take_origin();
    if (origin != NULL) {
        /* a Python exception (from a signal handler or a pyfunc) that
         * compiled code did not catch: the caller gets the object itself */
        PyErr_SetObject((PyObject *)Py_TYPE(origin), origin);
        Py_DECREF(origin);
        pjx_err_clear();
        return;
    }
    int32_t kind = pjx_err_kind();
    const char *message = pjx_err_message();
    PyObject *type = python_exception_type(kind);
    if (kind >= PJX_USER_EXCEPTION_BASE && user_exception_classes != NULL) {
        PyObject *key = PyLong_FromLong(kind);
        PyObject *cls = key ? PyDict_GetItemWithError(user_exception_classes, key) : NULL;
        Py_XDECREF(key);
        if (cls != NULL) type = cls;
        PyErr_Clear();
    }
    if (kind == PJX_EXC_UNICODE_DECODE || kind == PJX_EXC_UNICODE_ENCODE) {
        /* CPython's constructors need the span: rebuilt in Python */
        PyObject *module = PyImport_ImportModule("pyjitx.exceptions");
        PyObject *exc = module ? PyObject_CallMethod(module, "unicode_error", "ss",
                                                     pjx_err_kind_name(kind), message) : NULL;
        Py_XDECREF(module);
        if (exc != NULL) {
            PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
            Py_DECREF(exc);
            pjx_err_clear();
            return;
        }
        PyErr_Clear();
    }
    if (kind == PJX_EXC_JSON_DECODE) {
        /* a real json.JSONDecodeError (msg, doc, pos, lineno, colno),
         * rebuilt in Python from the message and the parsed document */
        int64_t nbytes = 0;
        const char *doc = pjx_json_error_document(message, &nbytes);
        PyObject *module = PyImport_ImportModule("pyjitx.exceptions");
        PyObject *exc = NULL;
        if (module != NULL) {
            PyObject *text = doc ? PyUnicode_DecodeUTF8(doc, (Py_ssize_t)nbytes, NULL)
                                 : (Py_INCREF(Py_None), Py_None);
            if (text != NULL)
                exc = PyObject_CallMethod(module, "json_decode_error", "sO", message, text);
            Py_XDECREF(text);
        }
        Py_XDECREF(module);
        if (exc != NULL) {
            PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
            Py_DECREF(exc);
            pjx_err_clear();
            return;
        }
        PyErr_Clear();
        type = PyExc_ValueError;
    }
    if (kind == PJX_EXC_KEY && message[0] != '\0') {
        /* KeyError carries the key itself: its message is the key's repr,
         * rebuilt into the key in Python */
        PyObject *module = PyImport_ImportModule("pyjitx.exceptions");
        PyObject *exc = module ? PyObject_CallMethod(module, "key_error", "s", message) : NULL;
        Py_XDECREF(module);
        if (exc != NULL) {
            PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
            Py_DECREF(exc);
            pjx_err_clear();
            return;
        }
        PyErr_Clear();
    }
    if (message[0] == '\0')
        PyErr_SetNone(type);
    else
        PyErr_SetString(type, message);
    pjx_err_clear();
}

/* ---- calling compiled code ---------------------------------------------- */

static PyObject *call_slow_path(Dispatcher *self, PyObject *const *args,
                                size_t nargsf, PyObject *kwnames) {
    if (self->slow_path == NULL) {
        PyErr_SetString(PyExc_TypeError, "pyjitx: uninitialised Dispatcher");
        return NULL;
    }
    PyObject *result = PyObject_Vectorcall(self->slow_path, args, nargsf, kwnames);
    if (result == NULL) pjx_error_for_user(); /* a CompileError: the user's frames only */
    return result;
}

static void release_slots(const pjx_slot *slots, const char *const *descs, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) pjx_release_slot(slots[i], descs[i]);
}

/* Calls the compiled code with converted arguments; converts the result,
 * writes mutated containers back to the caller's objects and releases the
 * converted arguments (and `id`, the call's identity, when there is one). */
/* (an array.array, R[<typecode>], is written back and returned as a
 * bytearray is: no memo entry, the argument itself) */
static int is_bytearray_desc(const char *d) {
    char c = *d == '!' ? d[1] : *d;
    return c == 'Y' || c == 'R';
}

/* A bytearray argument's own runtime object returned: the argument itself
 * (a new reference; written back with the others), as CPython returns the
 * object it got; NULL if the result is none of them. */
static PyObject *returned_bytearray(pjx_slot out, const char *ret_desc, PyObject *const *args,
                                    const pjx_slot *slots, const char *const *descs,
                                    Py_ssize_t nargs) {
    if (!is_bytearray_desc(ret_desc) || out.o == NULL) return NULL;
    for (Py_ssize_t i = 0; i < nargs; i++)
        if (is_bytearray_desc(descs[i]) && slots[i].o == out.o) return Py_NewRef(args[i]);
    return NULL;
}

static PyObject *call_entry(packed_entry entry, pjx_slot *slots, PyObject *const *args,
                            const char *const *descs, Py_ssize_t nargs, const char *ret_desc,
                            int needs_release, pjx_identity *id, uint32_t returnable) {
    pjx_slot out;
    out.bits = 0;
    int32_t status;
    int signals = pjx_signals_enter();
    if (signals < 0) { /* a signal handler raised before the call began */
        release_slots(slots, descs, nargs);
        if (id != NULL) pjx_identity_release(id);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    status = entry((const uint64_t *)slots, &out.bits);
    Py_END_ALLOW_THREADS
    pjx_signals_leave(signals);
    PyObject *result = NULL;
    if (id != NULL) {
        /* every changed argument object once, then the result, in which an
         * argument's runtime object comes back as the argument itself */
        int written = pjx_identity_write_back(id);
        /* (bytearrays are no memo entries: each changed one written here) */
        for (Py_ssize_t i = 0; i < nargs && written == 0; i++)
            if (descs[i][0] == '!' && is_bytearray_desc(descs[i]))
                written = pjx_write_back(args[i], slots[i], descs[i]);
        if (written == 0) written = pjx_write_back_defaultdicts(args, slots, descs, nargs);
        if (status != 0) {
            if (written < 0) PyErr_Clear(); /* the compiled code's exception wins */
            raise_runtime_error();
        } else if (written == 0) {
            result = returned_bytearray(out, ret_desc, args, slots, descs, nargs);
            const char *d = ret_desc;
            if (result == NULL) result = pjx_to_python_in(out, &d, id);
        }
        if (status == 0) pjx_release_slot(out, ret_desc);
        release_slots(slots, descs, nargs);
        pjx_identity_release(id);
        return result;
    }
    if (status != 0) {
        raise_runtime_error();
    } else {
        /* an argument's own runtime object returned: the argument itself
         * (written back below), as CPython returns the object it got */
        for (Py_ssize_t i = 0; returnable != 0 && i < nargs && i < 32; i++) {
            if ((returnable >> i & 1) && slots[i].o == out.o && out.o != NULL) {
                result = args[i];
                Py_INCREF(result);
                break;
            }
        }
        if (result == NULL) result = returned_bytearray(out, ret_desc, args, slots, descs, nargs);
        if (result == NULL) {
            const char *d = ret_desc;
            result = pjx_to_python(out, &d);
        }
        pjx_release_slot(out, ret_desc);
    }
    if (needs_release) {
        for (Py_ssize_t i = 0; i < nargs; i++) {
            if (descs[i][0] == '!' && pjx_write_back(args[i], slots[i], descs[i]) < 0) {
                Py_CLEAR(result);
            }
        }
        if (pjx_write_back_defaultdicts(args, slots, descs, nargs) < 0) Py_CLEAR(result);
        release_slots(slots, descs, nargs);
    }
    return result;
}

/* Is one list, dict or set passed as two of the arguments? */
static int passes_one_object_twice(const Dispatcher *self, PyObject *const *args) {
    uint32_t mask = self->container_params;
    for (Py_ssize_t i = 0; i < self->nparams && i < 32; i++) {
        if (!(mask >> i & 1)) continue;
        for (Py_ssize_t j = i + 1; j < self->nparams && j < 32; j++)
            if ((mask >> j & 1) && args[i] == args[j] && args[i] != Py_None) return 1;
    }
    return 0;
}

/* One bytearray passed as two arguments (f(ba, ba)) is one runtime object,
 * as it is one object in CPython: the second argument's copy is dropped
 * for the first's.  (A bytearray is no container item, so top-level
 * arguments are the only places one can meet itself; each is written back,
 * with the same bytes.) */
static void share_bytearrays(PyObject *const *args, const char *const *descs, pjx_slot *slots,
                             Py_ssize_t n) {
    for (Py_ssize_t i = 1; i < n; i++) {
        const char *di = descs[i][0] == '!' ? descs[i] + 1 : descs[i];
        if (*di != 'Y' && *di != 'R') continue;
        for (Py_ssize_t j = 0; j < i; j++) {
            const char *dj = descs[j][0] == '!' ? descs[j] + 1 : descs[j];
            if (*dj == *di && strcmp(dj, di) == 0 && args[j] == args[i]) {
                pjx_decref(slots[i].o);
                pjx_incref(slots[j].o);
                slots[i] = slots[j];
                break;
            }
        }
    }
}

/* The fast path of a call whose arguments match the installed entry
 * (count and no keywords); *slow is set when they do not convert, for the
 * caller to take the slow path (after releasing the call's locks). */
static PyObject *dispatch(Dispatcher *self, PyObject *const *args, Py_ssize_t nargs,
                          int *slow) {
    pjx_slot slots[PJX_MAX_PARAMS];
    if (self->identity == PJX_IDENTITY_DEEP ||
        (self->identity == PJX_IDENTITY_ARGUMENTS && passes_one_object_twice(self, args))) {
        pjx_identity id;
        pjx_identity_init(&id, self->no_dict_cache);
        for (Py_ssize_t i = 0; i < nargs; i++) {
            const char *d = self->param_desc[i];
            conversion c = pjx_from_python_in(args[i], &d, &slots[i], &id, (int)i);
            if (c != CONVERTED) {
                release_slots(slots, self->param_desc, i);
                pjx_identity_release(&id);
                /* a conflict too: the slow path names the parameters */
                *slow = c == MISMATCH;
                return NULL;
            }
        }
        share_bytearrays(args, (const char *const *)self->param_desc, slots, nargs);
        return call_entry(self->entry, slots, args, self->param_desc, nargs, self->ret_desc,
                          1, &id, 0);
    }
    for (Py_ssize_t i = 0; i < nargs; i++) {
        const char *d = self->param_desc[i];
        switch (pjx_from_python(args[i], &d, &slots[i])) {
        case CONVERTED: break;
        case MISMATCH:
            release_slots(slots, self->param_desc, i);
            *slow = 1;
            return NULL;
        case FAILED:
            release_slots(slots, self->param_desc, i);
            return NULL;
        }
    }
    share_bytearrays(args, (const char *const *)self->param_desc, slots, nargs);
    return call_entry(self->entry, slots, args, self->param_desc, nargs, self->ret_desc,
                      self->needs_release, NULL,
                      self->identity == PJX_IDENTITY_ARGUMENTS ? self->container_params : 0);
}

static PyObject *dispatcher_vectorcall(PyObject *callable, PyObject *const *args,
                                       size_t nargsf, PyObject *kwnames) {
    Dispatcher *self = (Dispatcher *)callable;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (self->entry == NULL || kwnames != NULL || nargs != self->nparams)
        return call_slow_path(self, args, nargsf, kwnames);
    /* the call's instances and written-back objects are locked from before
     * the arguments are read until after they are written back: one word
     * inline (self alone, the common case), several as a sorted set */
    uint32_t *word = NULL;
    int taken = 0, several = 0;
    pjx_lockset locks;
    if (self->lock_param >= 0) {
        Py_ssize_t i = self->lock_param;
        word = pjx_argument_lock_word(args[i], self->param_desc[i]);
        if (word != NULL && (taken = pjx_take_lock(word)) < 0) return NULL;
    } else if (self->lock_params != 0) {
        several = 1;
        pjx_lockset_init(&locks);
        for (Py_ssize_t i = 0; i < nargs; i++)
            if (self->lock_params >> i & 1)
                pjx_add_argument_locks(&locks, args[i], self->param_desc[i]);
        if (pjx_take_locks(&locks) < 0) return NULL;
    }
    int slow = 0;
    PyObject *result = NULL;
    if (!self->lends_random) {
        result = dispatch(self, args, nargs, &slow);
    } else if (pjx_random_bridge_borrow() == 0) {
        result = dispatch(self, args, nargs, &slow);
        /* the call's exception is set aside while the generator goes back
         * (taking it back runs Python API calls, which must not see it) */
        PyObject *type, *value, *trace;
        PyErr_Fetch(&type, &value, &trace);
        if (pjx_random_bridge_return() < 0) {
            Py_CLEAR(result);
            Py_XDECREF(type);
            Py_XDECREF(value);
            Py_XDECREF(trace);
        } else {
            PyErr_Restore(type, value, trace);
        }
    }
    if (taken) pjx_give_back_lock(word);
    else if (several) pjx_release_locks(&locks);
    /* (the slow path's call takes the locks itself, in call_packed) */
    return slow ? call_slow_path(self, args, nargsf, kwnames) : result;
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

/* Checks that every descriptor of the tuple `descs` (str items) is well
 * formed; returns a new tuple of bytes objects holding them. */
static PyObject *parse_descriptors(PyObject *descs) {
    if (!PyTuple_Check(descs)) {
        PyErr_SetString(PyExc_TypeError, "descriptors must be a tuple of str");
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(descs);
    PyObject *result = PyTuple_New(n);
    if (result == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyTuple_GET_ITEM(descs, i);
        PyObject *encoded = PyUnicode_Check(item) ? PyUnicode_AsASCIIString(item) : NULL;
        if (encoded == NULL) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "descriptor must be str");
            Py_DECREF(result);
            return NULL;
        }
        const char *d = PyBytes_AS_STRING(encoded);
        pjx_skip_descriptor(&d);
        if (*d != '\0' || PyBytes_GET_SIZE(encoded) == 0) {
            PyErr_Format(PyExc_ValueError, "pyjitx: bad descriptor %R", item);
            Py_DECREF(encoded);
            Py_DECREF(result);
            return NULL;
        }
        PyTuple_SET_ITEM(result, i, encoded);
    }
    return result;
}

/* _lend_random(flag): the fast path lends the interpreter's random
 * generator to each call (the code draws from it) */
static PyObject *dispatcher_lend_random(Dispatcher *self, PyObject *flag) {
    int truth = PyObject_IsTrue(flag);
    if (truth < 0) return NULL;
    self->lends_random = truth;
    Py_RETURN_NONE;
}

/* _set_entry(address, param_descriptors, return_descriptor, keepalive):
 * installs the fast path.  `keepalive` owns the machine code at `address`. */
static PyObject *dispatcher_set_entry(Dispatcher *self, PyObject *args) {
    unsigned long long address;
    PyObject *params, *ret, *keepalive;
    if (!PyArg_ParseTuple(args, "KO!UO", &address, &PyTuple_Type, &params, &ret, &keepalive))
        return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(params);
    if (n > PJX_MAX_PARAMS) {
        PyErr_Format(PyExc_ValueError, "pyjitx: at most %d parameters", PJX_MAX_PARAMS);
        return NULL;
    }
    PyObject *ret_tuple = PyTuple_Pack(1, ret);
    if (ret_tuple == NULL) return NULL;
    PyObject *all = PySequence_Concat(params, ret_tuple);
    Py_DECREF(ret_tuple);
    if (all == NULL) return NULL;
    PyObject *parsed = parse_descriptors(all);
    Py_DECREF(all);
    if (parsed == NULL) return NULL;
    Py_XSETREF(self->descriptors, parsed);
    self->needs_release = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        self->param_desc[i] = PyBytes_AS_STRING(PyTuple_GET_ITEM(parsed, i));
        if (pjx_descriptor_kind(self->param_desc[i]) == PJX_KIND_OBJ) self->needs_release = 1;
    }
    self->ret_desc = PyBytes_AS_STRING(PyTuple_GET_ITEM(parsed, n));
    self->identity = pjx_descriptors_need_identity(self->param_desc, n, self->ret_desc,
                                                   &self->no_dict_cache);
    self->container_params = pjx_container_params(self->param_desc, n);
    self->lock_params = 0;
    self->lock_param = -1;
    int nlocking = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        int k = pjx_descriptor_locks(self->param_desc[i]);
        if (k > 0) {
            self->lock_params |= 1u << i;
            self->lock_param = i;
            nlocking += k;
        }
    }
    if (nlocking != 1) self->lock_param = -1;
    self->nparams = n;
    Py_INCREF(keepalive);
    Py_XSETREF(self->keepalive, keepalive);
    self->entry = (packed_entry)(uintptr_t)address;
    Py_RETURN_NONE;
}

/* call_packed(address, param_descriptors, return_descriptor, args, names,
 * fname): calls a packed entry with arguments already bound in parameter
 * order (the slow path, after defaults and keywords).  A wrong type raises
 * TypeError naming the parameter from `names` (a tuple of str). */
static PyObject *call_packed(PyObject *module, PyObject *const *argv, Py_ssize_t argc) {
    if (argc != 6) {
        PyErr_SetString(PyExc_TypeError, "call_packed(address, descs, ret_desc, args, names, fname)");
        return NULL;
    }
    unsigned long long address = PyLong_AsUnsignedLongLong(argv[0]);
    if (address == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
    PyObject *args = argv[3], *names = argv[4], *fname = argv[5];
    if (!PyTuple_Check(argv[1]) || !PyUnicode_Check(argv[2]) || !PyTuple_Check(args) ||
        !PyTuple_Check(names)) {
        PyErr_SetString(PyExc_TypeError, "call_packed: bad arguments");
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(argv[1]);
    if (PyTuple_GET_SIZE(args) != n || PyTuple_GET_SIZE(names) != n) {
        PyErr_SetString(PyExc_ValueError, "call_packed: argument count mismatch");
        return NULL;
    }
    PyObject *ret_tuple = PyTuple_Pack(1, argv[2]);
    if (ret_tuple == NULL) return NULL;
    PyObject *all = PySequence_Concat(argv[1], ret_tuple);
    Py_DECREF(ret_tuple);
    if (all == NULL) return NULL;
    PyObject *parsed = parse_descriptors(all);
    Py_DECREF(all);
    if (parsed == NULL) return NULL;
    pjx_slot *slots = PyMem_Malloc(sizeof(pjx_slot) * (size_t)(n ? n : 1));
    const char **descs = PyMem_Malloc(sizeof(char *) * (size_t)(n ? n : 1));
    PyObject **items = PyMem_Malloc(sizeof(PyObject *) * (size_t)(n ? n : 1));
    PyObject *result = NULL;
    pjx_identity id_storage, *id = NULL;
    pjx_lockset locks; /* as in dispatcher_vectorcall */
    pjx_lockset_init(&locks);
    if (slots == NULL || descs == NULL || items == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    int needs_release = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        descs[i] = PyBytes_AS_STRING(PyTuple_GET_ITEM(parsed, i));
        items[i] = PyTuple_GET_ITEM(args, i);
        if (pjx_descriptor_kind(descs[i]) == PJX_KIND_OBJ) needs_release = 1;
    }
    const char *ret_desc = PyBytes_AS_STRING(PyTuple_GET_ITEM(parsed, n));
    int no_dict_cache;
    if (pjx_descriptors_need_identity(descs, n, ret_desc, &no_dict_cache)) {
        id = &id_storage;
        pjx_identity_init(id, no_dict_cache);
    }
    /* (a wrong item deep inside an argument is named by its place) */
    pjx_mismatch_watch();
    for (Py_ssize_t i = 0; i < n; i++)
        if (pjx_descriptor_locks(descs[i])) pjx_add_argument_locks(&locks, items[i], descs[i]);
    if (pjx_take_locks(&locks) < 0) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        const char *d = descs[i];
        conversion c = id != NULL ? pjx_from_python_in(items[i], &d, &slots[i], id, (int)i)
                                  : pjx_from_python(items[i], &d, &slots[i]);
        switch (c) {
        case CONVERTED: break;
        case MISMATCH: {
            PyObject *where = pjx_mismatch_take();
            if (id != NULL && id->conflict != PJX_CONFLICT_NONE) {
                pjx_identity_conflict_error(id, fname, names);
            } else if (where != NULL) {
                PyObject *name = PyTuple_GET_ITEM(names, i);
                PyErr_Format(PyExc_TypeError, "%U() argument '%U': %U%U", fname, name, name,
                             where);
            } else {
                char expected[256];
                pjx_descriptor_name(descs[i], expected, sizeof expected);
                PyErr_Format(PyExc_TypeError, "%U() argument '%U' must be %s, not %s", fname,
                             PyTuple_GET_ITEM(names, i), expected, Py_TYPE(items[i])->tp_name);
            }
            Py_XDECREF(where);
            release_slots(slots, descs, i);
            goto done;
        }
        case FAILED:
            Py_XDECREF(pjx_mismatch_take());
            release_slots(slots, descs, i);
            goto done;
        }
    }
    Py_XDECREF(pjx_mismatch_take());
    share_bytearrays(items, (const char *const *)descs, slots, n);
    result = call_entry((packed_entry)(uintptr_t)address, slots, items, descs, n, ret_desc,
                        needs_release, id, 0);
    id = NULL; /* released by call_entry */
done:
    if (id != NULL) pjx_identity_release(id);
    pjx_release_locks(&locks);
    PyMem_Free(slots);
    PyMem_Free(descs);
    PyMem_Free(items);
    Py_DECREF(parsed);
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
    Py_VISIT(self->descriptors);
    return 0;
}

static int dispatcher_clear(Dispatcher *self) {
    self->entry = NULL;
    Py_CLEAR(self->dict);
    Py_CLEAR(self->slow_path);
    Py_CLEAR(self->keepalive);
    Py_CLEAR(self->descriptors);
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
    {"_lend_random", (PyCFunction)dispatcher_lend_random, METH_O, NULL},
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
    PJX_SYMBOL(pjx_call_python) /* the bridge's: calls of pyjitx.pyfunc functions */
#undef PJX_SYMBOL
    return table;
}

/* register_exception_class(kind, cls, parent_kind) */
static PyObject *register_exception_class(PyObject *module, PyObject *args) {
    int kind, parent;
    PyObject *cls;
    if (!PyArg_ParseTuple(args, "iOi", &kind, &cls, &parent)) return NULL;
    if (user_exception_classes == NULL) {
        user_exception_classes = PyDict_New();
        if (user_exception_classes == NULL) return NULL;
    }
    PyObject *key = PyLong_FromLong(kind);
    if (key == NULL || PyDict_SetItem(user_exception_classes, key, cls) < 0) {
        Py_XDECREF(key);
        return NULL;
    }
    Py_DECREF(key);
    if (pjx_register_exception_class(kind, parent) < 0) {
        raise_runtime_error();
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *clear_conversion_cache(PyObject *module, PyObject *unused) {
    pjx_clear_conversion_cache();
    Py_RETURN_NONE;
}

static PyObject *clear_lru_caches(PyObject *module, PyObject *unused) {
    pjx_lru_clear_all();
    Py_RETURN_NONE;
}

static PyObject *lru_entries(PyObject *module, PyObject *unused) {
    return PyLong_FromLongLong(pjx_lru_entries());
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

/* print() from compiled code: through sys.stdout / sys.stderr, holding the
 * GIL, so that the text lands after what Python's print() buffered there,
 * and wherever they are redirected; nothing is written when the stream is
 * None (as print() does). */
static int32_t write_to_sys_stream(int32_t stream, const char *data, int64_t size,
                                   int32_t flush) {
    const char *name = stream == 2 ? "stderr" : "stdout";
    PyGILState_STATE gil = PyGILState_Ensure();
    int32_t status = 0;
    PyObject *out = PySys_GetObject(name); /* borrowed */
    if (out != NULL && out != Py_None) {
        PyObject *result = Py_None;
        Py_INCREF(result);
        if (size > 0) {
            PyObject *text = PyUnicode_DecodeUTF8(data, size, "strict");
            Py_DECREF(result);
            result = text == NULL ? NULL : PyObject_CallMethod(out, "write", "O", text);
            Py_XDECREF(text);
        }
        if (result != NULL && flush) {
            Py_DECREF(result);
            result = PyObject_CallMethod(out, "flush", NULL);
        }
        if (result == NULL) {
            PyErr_Clear();
            pjx_err_format(PJX_EXC_OS, "print(): writing to sys.%s failed", name);
            status = -1;
        }
        Py_XDECREF(result);
    }
    PyGILState_Release(gil);
    return status;
}

static PyMethodDef module_methods[] = {
    {"call_packed", (PyCFunction)(void (*)(void))call_packed, METH_FASTCALL,
     "Calls a packed entry with bound arguments (the slow path)."},
    {"runtime_symbols", runtime_symbols, METH_NOARGS,
     "Addresses of the runtime's symbols, for the JIT linker."},
    {"register_exception_class", register_exception_class, METH_VARARGS,
     "Registers a user-defined exception class under a runtime kind."},
    {"register_boundary_class", pjx_register_boundary_class, METH_VARARGS,
     "register_boundary_class(key, cls, members): an enum or named-tuple class at the boundary"},
    {"set_named_tuple_hook", pjx_set_named_tuple_hook, METH_O,
     "set_named_tuple_hook(fn): fn(cls) registers a named-tuple class the bridge meets"},
    {"clear_conversion_cache", clear_conversion_cache, METH_NOARGS,
     "Releases the runtime dicts kept for unchanged Python dict arguments."},
    {"clear_lru_caches", clear_lru_caches, METH_NOARGS,
     "Empties the caches of lru_cache'd functions that compiled code calls."},
    {"lru_entries", lru_entries, METH_NOARGS,
     "Number of entries in those caches."},
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
    if (PyType_Ready(&DispatcherType) < 0 || PyType_Ready(&pjx_InstanceType) < 0) return NULL;
    pjx_set_stream_writer(write_to_sys_stream);
    pjx_pycall_init();
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL) return NULL;
    Py_INCREF(&DispatcherType);
    Py_INCREF(&pjx_InstanceType);
    if (PyModule_AddObject(module, "Dispatcher", (PyObject *)&DispatcherType) < 0 ||
        PyModule_AddObject(module, "Instance", (PyObject *)&pjx_InstanceType) < 0 ||
        PyModule_AddFunctions(module, pjx_instance_functions) < 0 ||
        PyModule_AddFunctions(module, pjx_state_functions) < 0 ||
        PyModule_AddFunctions(module, pjx_pycall_functions) < 0 ||
        PyModule_AddFunctions(module, pjx_hash_functions) < 0 || pjx_hash_secret_init(module) < 0 ||
        PyModule_AddFunctions(module, pjx_random_bridge_functions) < 0 ||
        pjx_ndarray_bridge_init(module) < 0 || pjx_boundary_init(module) < 0 ||
        pjx_signals_init(module) < 0 ||
        PyModule_AddIntConstant(module, "ABI_VERSION", PJX_ABI_VERSION) < 0 ||
        PyModule_AddIntConstant(module, "MAX_FAST_PARAMS", PJX_MAX_PARAMS) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
