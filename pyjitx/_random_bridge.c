/* The interpreter's random generator lent to compiled code.
 *
 * Compiled code's module-level random functions draw from the runtime's
 * generator (libruntime/include/pyjitx/random.h).  In a Python process the
 * bridge puts the interpreter's generator (random._inst: its Mersenne
 * Twister words and index, and gauss_next) into it when a call of code
 * that draws from it begins, and takes it back when the call ends
 * (random_borrow / random_return, pyjitx/api.py), so compiled code and
 * Python draw from one sequence as in CPython: `random.seed(1)` in Python
 * then compiled draws give CPython's numbers.  Nested and concurrent calls
 * share one loan (a count, changed with the GIL held); a pyfunc called
 * from compiled code gets the generator back for its duration (_pycall.c).
 *
 * The words are copied straight from the _random.Random object's memory
 * (PyObject_HEAD, int index, uint32_t state[624], unchanged since Python
 * 2.3) once a comparison with getstate() has shown that layout; otherwise
 * getstate()/setstate() move them (slower, same result). */
#include <Python.h>
#include "pyjitx/random.h"
#include "_random_bridge.h"

typedef struct {
    PyObject_HEAD
    int index;
    uint32_t state[624];
} random_object;

static PyObject *instance;    /* random._inst */
static int direct;            /* its memory has random_object's layout */
static long lent;             /* calls running with it lent */
static PyObject *gauss_name;  /* "gauss_next", interned */
/* gauss_next as lent (a strong reference): given back untouched when the
 * runtime's pair is still that value, saving a float and an attribute
 * store on each call that drew no gauss */
static PyObject *gauss_lent;
static uint8_t gauss_lent_has;
static double gauss_lent_value;

static int words_from_getstate(PyObject *inst, uint32_t words[624], int *index, PyObject **gauss) {
    PyObject *state = PyObject_CallMethod(inst, "getstate", NULL);
    if (state == NULL) return -1;
    PyObject *internal = PyTuple_Check(state) && PyTuple_GET_SIZE(state) == 3
                             ? PyTuple_GET_ITEM(state, 1) : NULL;
    if (internal == NULL || !PyTuple_Check(internal) || PyTuple_GET_SIZE(internal) != 625) {
        Py_DECREF(state);
        PyErr_SetString(PyExc_TypeError, "random.getstate() returned an unexpected state");
        return -1;
    }
    for (int i = 0; i < 625; i++) {
        unsigned long v = PyLong_AsUnsignedLong(PyTuple_GET_ITEM(internal, i));
        if (v == (unsigned long)-1 && PyErr_Occurred()) {
            Py_DECREF(state);
            return -1;
        }
        if (i < 624) words[i] = (uint32_t)v;
        else *index = (int)v;
    }
    if (gauss != NULL) *gauss = Py_NewRef(PyTuple_GET_ITEM(state, 2));
    Py_DECREF(state);
    return 0;
}

static int find_instance(void) {
    if (instance != NULL) return 0;
    PyObject *module = PyImport_ImportModule("random");
    if (module == NULL) return -1;
    PyObject *inst = PyObject_GetAttrString(module, "_inst");
    Py_DECREF(module);
    if (inst == NULL) return -1;
    PyObject *core = PyImport_ImportModule("_random");
    PyObject *base = core ? PyObject_GetAttrString(core, "Random") : NULL;
    Py_XDECREF(core);
    if (base == NULL) {
        Py_DECREF(inst);
        return -1;
    }
    int layout = PyType_Check(base) && PyObject_TypeCheck(inst, (PyTypeObject *)base) &&
                 ((PyTypeObject *)base)->tp_basicsize >= (Py_ssize_t)sizeof(random_object);
    Py_DECREF(base);
    if (layout) { /* the memory must say what getstate() says */
        uint32_t words[624];
        int index;
        if (words_from_getstate(inst, words, &index, NULL) < 0) {
            Py_DECREF(inst);
            return -1;
        }
        const random_object *r = (const random_object *)inst;
        layout = r->index == index && memcmp(r->state, words, sizeof words) == 0;
    }
    gauss_name = PyUnicode_InternFromString("gauss_next");
    if (gauss_name == NULL) {
        Py_DECREF(inst);
        return -1;
    }
    direct = layout;
    instance = inst;
    return 0;
}

/* The interpreter's generator into the runtime's (GIL held). */
static int lend(void) {
    if (find_instance() < 0) return -1;
    pjx_list *st = pjx_random_global();
    if (st == NULL) return PyErr_NoMemory(), -1;
    uint32_t words[624];
    int index;
    if (direct) { /* (straight from its memory: no copy in between) */
        const random_object *r = (const random_object *)instance;
        for (int i = 0; i < 624; i++) st->items[i].i = r->state[i];
        index = r->index;
    } else if (words_from_getstate(instance, words, &index, NULL) < 0) {
        return -1;
    } else {
        for (int i = 0; i < 624; i++) st->items[i].i = words[i];
    }
    PyObject *gauss = PyObject_GetAttr(instance, gauss_name);
    if (gauss == NULL) return -1;
    double g = 0.0;
    if (gauss != Py_None) {
        g = PyFloat_AsDouble(gauss);
        if (g == -1.0 && PyErr_Occurred()) {
            Py_DECREF(gauss);
            return -1;
        }
    }
    st->items[624].i = index;
    pjx_random_set_gauss_next(st, gauss != Py_None, g);
    gauss_lent_has = gauss != Py_None;
    gauss_lent_value = g;
    Py_XSETREF(gauss_lent, gauss); /* (the reference read above) */
    return 0;
}

/* The runtime's generator back into the interpreter's (GIL held). */
static int take_back(void) {
    pjx_list *st = pjx_random_global();
    if (st == NULL || instance == NULL) return 0;
    uint8_t has;
    double g;
    if (pjx_random_has_gauss(st, &has) < 0 || pjx_random_gauss_next(st, &g) < 0) {
        PyErr_SetString(PyExc_SystemError, pjx_err_message());
        pjx_err_clear();
        return -1;
    }
    int64_t index = st->items[624].i;
    if (index < 0 || index > 624) index = 624;
    if (direct) {
        random_object *r = (random_object *)instance;
        for (int i = 0; i < 624; i++) r->state[i] = (uint32_t)st->items[i].i;
        r->index = (int)index;
    } else {
        PyObject *words = PyTuple_New(625);
        if (words == NULL) return -1;
        for (int i = 0; i < 625; i++) {
            PyObject *w = PyLong_FromUnsignedLong(i < 624 ? (uint32_t)st->items[i].i
                                                          : (unsigned long)index);
            if (w == NULL) {
                Py_DECREF(words);
                return -1;
            }
            PyTuple_SET_ITEM(words, i, w);
        }
        PyObject *result = PyObject_CallMethod(instance, "setstate", "((iOO))", 3, words,
                                               Py_None);
        Py_DECREF(words);
        if (result == NULL) return -1;
        Py_DECREF(result);
    }
    if (gauss_lent != NULL && has == gauss_lent_has &&
        (!has || memcmp(&g, &gauss_lent_value, sizeof g) == 0)) {
        /* the value lent, unchanged by compiled code: left as it is, unless
         * Python code (another thread) stored another meanwhile */
        PyObject *now = PyObject_GetAttr(instance, gauss_name);
        if (now == NULL) return -1;
        Py_DECREF(now);
        if (now == gauss_lent) return 0;
    }
    PyObject *gauss = has ? PyFloat_FromDouble(g) : Py_NewRef(Py_None);
    if (gauss == NULL) return -1;
    int rc = PyObject_SetAttr(instance, gauss_name, gauss);
    Py_DECREF(gauss);
    return rc;
}

int pjx_random_bridge_pause(void) { return lent > 0 ? take_back() : 0; }

int pjx_random_bridge_resume(void) { return lent > 0 ? lend() : 0; }

int pjx_random_bridge_borrow(void) {
    if (lent == 0 && lend() < 0) return -1;
    lent++;
    return 0;
}

int pjx_random_bridge_return(void) { return lent > 0 && --lent == 0 ? take_back() : 0; }

static PyObject *random_borrow(PyObject *module, PyObject *unused) {
    if (pjx_random_bridge_borrow() < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *random_return(PyObject *module, PyObject *unused) {
    if (pjx_random_bridge_return() < 0) return NULL;
    Py_RETURN_NONE;
}

/* random_direct() -> bool: are the words copied straight (for the tests) */
static PyObject *random_direct(PyObject *module, PyObject *unused) {
    if (find_instance() < 0) return NULL;
    return PyBool_FromLong(direct);
}

PyMethodDef pjx_random_bridge_functions[] = {
    {"random_borrow", random_borrow, METH_NOARGS,
     "random_borrow(): lend the interpreter's random generator to compiled code"},
    {"random_return", random_return, METH_NOARGS,
     "random_return(): take it back once the last call that borrowed it ends"},
    {"random_direct", random_direct, METH_NOARGS,
     "random_direct(): whether the generator's words are copied straight"},
    {NULL, NULL, 0, NULL},
};
