/* The interpreter's hash secret, handed to the runtime at import so that
 * hash() in compiled code equals hash() in this interpreter
 * (libruntime/include/pyjitx/hash.h).
 *
 * CPython keeps the secret in the exported data symbol _Py_HashSecret
 * (declared by pyhash.h up to 3.12, by an internal header from 3.13 on,
 * exported all along): it is looked up by name rather than through a
 * header, so one source serves every version.  Whether the runtime now
 * hashes as the interpreter does is then checked on sample strs and bytes
 * of every width (HASH_MATCHES); pyjitx warns at import when it does not
 * (an interpreter built with FNV, or without the symbol). */
#include <Python.h>
#include <dlfcn.h>
#include "pyjitx/hash.h"
#include "pyjitx/str.h"
#include "pyjitx/containers.h"
#include "_hashsecret.h"

/* hash.h's algorithm number for sys.hash_info.algorithm, 0 if unknown */
static int algorithm_number(const char *name) {
    if (strcmp(name, "siphash13") == 0) return PJX_HASH_SIPHASH13;
    if (strcmp(name, "siphash24") == 0) return PJX_HASH_SIPHASH24;
    return 0;
}

/* runtime_hash(value) -> int: the runtime's hash() of a str, bytes, int,
 * float, bool, None or tuple of these, for the checks and the tests */
static int to_slot(PyObject *value, int32_t *kind, pjx_slot *slot);

static PyObject *runtime_hash(PyObject *module, PyObject *value) {
    int32_t kind;
    pjx_slot slot;
    if (to_slot(value, &kind, &slot) < 0) return NULL;
    int64_t h;
    int32_t rc = pjx_py_hash(kind, slot, &h);
    pjx_slot_decref(kind, slot);
    if (rc < 0) {
        PyErr_SetString(PyExc_TypeError, pjx_err_message());
        pjx_err_clear();
        return NULL;
    }
    return PyLong_FromLongLong(h);
}

static int to_slot(PyObject *value, int32_t *kind, pjx_slot *slot) {
    if (value == Py_None) {
        *kind = PJX_KIND_NONE;
        slot->bits = 0;
    } else if (PyBool_Check(value)) {
        *kind = PJX_KIND_BOOL;
        slot->i = value == Py_True;
    } else if (PyLong_CheckExact(value)) {
        *kind = PJX_KIND_INT;
        slot->i = PyLong_AsLongLong(value);
        if (slot->i == -1 && PyErr_Occurred()) return -1;
    } else if (PyFloat_CheckExact(value)) {
        *kind = PJX_KIND_FLOAT;
        slot->f = PyFloat_AS_DOUBLE(value);
    } else if (PyUnicode_CheckExact(value)) {
        Py_ssize_t size;
        const char *utf8 = PyUnicode_AsUTF8AndSize(value, &size);
        if (utf8 == NULL) return -1;
        *kind = PJX_KIND_OBJ;
        slot->o = (pjx_object *)pjx_str_from_utf8(utf8, size);
    } else if (PyBytes_CheckExact(value)) {
        *kind = PJX_KIND_OBJ;
        slot->o = (pjx_object *)pjx_bytes_from_data(PyBytes_AS_STRING(value),
                                                    PyBytes_GET_SIZE(value));
    } else if (PyTuple_CheckExact(value)) {
        Py_ssize_t n = PyTuple_GET_SIZE(value);
        pjx_tuple *t = pjx_tuple_new(n);
        if (t == NULL) return PyErr_NoMemory(), -1;
        for (Py_ssize_t i = 0; i < n; i++) {
            int32_t k;
            pjx_slot item;
            if (to_slot(PyTuple_GET_ITEM(value, i), &k, &item) < 0) {
                pjx_decref(t);
                return -1;
            }
            pjx_tuple_set_steal(t, i, k, item);
        }
        *kind = PJX_KIND_OBJ;
        slot->o = (pjx_object *)t;
    } else {
        PyErr_Format(PyExc_TypeError, "runtime_hash() takes no %s", Py_TYPE(value)->tp_name);
        return -1;
    }
    if (*kind == PJX_KIND_OBJ && slot->o == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* Does the runtime hash these as the interpreter does?  Strings of each
 * PEP 393 width and of every length around the cutoff and SipHash's 8-byte
 * blocks, and bytes. */
static int hashes_match(void) {
    static const char *const samples[] = {
        "", "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh", "abcdefghi",
        "the quick brown fox", "\xc3\xa9", "caf\xc3\xa9", "\xe4\xb8\xad\xe6\x96\x87",
        "x\xf0\x9f\x98\x80", "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd emoji and text",
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        for (int as_bytes = 0; as_bytes < 2; as_bytes++) {
            PyObject *value = as_bytes ? PyBytes_FromString(samples[i])
                                       : PyUnicode_FromString(samples[i]);
            if (value == NULL) return -1;
            Py_hash_t expected = PyObject_Hash(value);
            PyObject *got = runtime_hash(NULL, value);
            Py_DECREF(value);
            if (got == NULL) return -1;
            long long h = PyLong_AsLongLong(got);
            Py_DECREF(got);
            if (expected != (Py_hash_t)h) return 0;
        }
    }
    return 1;
}

int pjx_hash_secret_init(PyObject *module) {
    PyObject *info = PySys_GetObject("hash_info"); /* borrowed */
    if (info == NULL) return -1;
    PyObject *name = PyObject_GetAttrString(info, "algorithm");
    PyObject *cutoff = name ? PyObject_GetAttrString(info, "cutoff") : NULL;
    if (cutoff == NULL) {
        Py_XDECREF(name);
        return -1;
    }
    const char *text = PyUnicode_AsUTF8(name);
    long cut = PyLong_AsLong(cutoff);
    Py_DECREF(cutoff);
    if (text == NULL || (cut == -1 && PyErr_Occurred())) {
        Py_DECREF(name);
        return -1;
    }
    int algorithm = algorithm_number(text);
    Py_DECREF(name);
    int known = algorithm != 0 && pjx_hash_set_algorithm(algorithm, (int32_t)cut) == 0;
    const unsigned char *secret = dlsym(RTLD_DEFAULT, "_Py_HashSecret");
    if (secret != NULL) pjx_hash_set_secret(secret);
    Py_hash_t none_hash = PyObject_Hash(Py_None);
    if (none_hash == -1 && PyErr_Occurred()) return -1;
    pjx_hash_set_none((int64_t)none_hash);
    int matches = known && secret != NULL ? hashes_match() : 0;
    if (matches < 0) return -1;
    return PyModule_AddObject(module, "HASH_MATCHES", Py_NewRef(matches ? Py_True : Py_False));
}

/* hash_secret() -> bytes: the runtime's 24-byte secret */
static PyObject *hash_secret(PyObject *module, PyObject *unused) {
    unsigned char secret[24];
    pjx_hash_get_secret(secret);
    return PyBytes_FromStringAndSize((const char *)secret, 24);
}

/* set_hash_secret(secret, algorithm, cutoff): 24 bytes, or an int taken as
 * PYTHONHASHSEED; hash.h's algorithm number (tests: another interpreter's
 * hashes; they put the interpreter's back after) */
static PyObject *set_hash_secret(PyObject *module, PyObject *args) {
    PyObject *secret;
    int algorithm, cutoff;
    if (!PyArg_ParseTuple(args, "Oii", &secret, &algorithm, &cutoff)) return NULL;
    if (PyBytes_Check(secret) && PyBytes_GET_SIZE(secret) == 24) {
        pjx_hash_set_secret((const unsigned char *)PyBytes_AS_STRING(secret));
    } else if (PyLong_Check(secret)) {
        unsigned long seed = PyLong_AsUnsignedLong(secret);
        if (PyErr_Occurred()) return NULL;
        if (seed > 4294967295ul) return PyErr_Format(PyExc_OverflowError, "seed out of range");
        pjx_hash_set_seed((uint32_t)seed);
    } else {
        return PyErr_Format(PyExc_TypeError, "secret must be 24 bytes or an int");
    }
    if (pjx_hash_set_algorithm(algorithm, cutoff) < 0)
        return PyErr_Format(PyExc_ValueError, "unknown hash algorithm %d or cutoff %d",
                            algorithm, cutoff);
    Py_RETURN_NONE;
}

PyMethodDef pjx_hash_functions[] = {
    {"hash_secret", hash_secret, METH_NOARGS, "hash_secret(): the runtime's hash secret"},
    {"set_hash_secret", set_hash_secret, METH_VARARGS,
     "set_hash_secret(secret, algorithm, cutoff): bytes or a PYTHONHASHSEED"},
    {"runtime_hash", runtime_hash, METH_O,
     "runtime_hash(value): the runtime's hash() of a str, bytes, number, None or tuple"},
    {NULL, NULL, 0, NULL},
};
