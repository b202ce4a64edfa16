/* Python's signal handlers while compiled code runs.
 *
 * CPython's C-level handler only records a signal; the Python handler runs
 * later, in the main thread, between two bytecodes.  Compiled code runs no
 * bytecode, so without help a SIGINT or a SIGALRM would wait for the
 * compiled call to return.  The help:
 *
 *   - For each signal that has a Python handler, a C handler of ours is put
 *     in front of CPython's: it calls CPython's (which records the signal
 *     as usual), then, if the main thread is inside compiled code, sets the
 *     runtime's pjx_signal_pending, which every compiled loop polls.
 *   - The runtime then calls run_python_handlers() below: on the main thread
 *     it takes the GIL and calls PyErr_CheckSignals(), which runs the
 *     handlers; one that raises (KeyboardInterrupt) becomes the runtime's
 *     pending error, its exception object attached (runtime.h, origins), so
 *     it unwinds through compiled code and reaches the caller as itself.
 *   - Python runs handlers in the main thread only.  Another thread that
 *     sees the word leaves it for the main thread while that is inside
 *     compiled code, and clears it otherwise (CPython then runs the handler
 *     itself): it never waits or loops on it.
 *
 * When: the handlers are chained on the first compiled call from the main
 * thread, and again on the first such call after signal.signal() (wrapped
 * by pyjitx/signals.py) replaced one; between those, a call pays a few
 * plain loads and stores (_signals.h), which no benchmark can see.
 *
 * A pyfunc's Python code runs CPython's handlers itself, so for its
 * duration the main thread counts as outside compiled code. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>

#include "pyjitx/runtime.h"
#include "_pycall.h"
#include "_signals.h"

static unsigned long main_thread;   /* PyThread_get_thread_ident() of the main thread */
/* (_signals.h says what these are) */
__thread int8_t pjx_thread_role __attribute__((tls_model("initial-exec")));
atomic_int pjx_main_depth;
atomic_int pjx_signals_tripped;
atomic_int pjx_rechain_needed = 1;
static struct sigaction previous[NSIG]; /* the handler each of ours calls first */

static void chained_handler(int sig, siginfo_t *info, void *context) {
    int saved_errno = errno;
    const struct sigaction *prev = &previous[sig];
    /* CPython's first: when the main thread looks, the signal is recorded */
    if (prev->sa_flags & SA_SIGINFO)
        prev->sa_sigaction(sig, info, context);
    else if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN)
        prev->sa_handler(sig);
    atomic_store(&pjx_signals_tripped, 1);
    if (atomic_load(&pjx_main_depth) > 0) pjx_request_interrupt();
    errno = saved_errno;
}

static int is_ours(const struct sigaction *action) {
    return (action->sa_flags & SA_SIGINFO) && action->sa_sigaction == chained_handler;
}

/* _chain_signal(signum): puts our handler in front of the one installed
 * (CPython's, for a signal with a Python handler).  Returns whether it did. */
static PyObject *chain_signal(PyObject *module, PyObject *arg) {
    long sig = PyLong_AsLong(arg);
    if (sig == -1 && PyErr_Occurred()) return NULL;
    if (sig <= 0 || sig >= NSIG) {
        PyErr_Format(PyExc_ValueError, "signal number %ld out of range", sig);
        return NULL;
    }
    struct sigaction current;
    if (sigaction((int)sig, NULL, &current) < 0) return PyErr_SetFromErrno(PyExc_OSError);
    if (is_ours(&current)) Py_RETURN_TRUE;
    if (!(current.sa_flags & SA_SIGINFO) &&
        (current.sa_handler == SIG_DFL || current.sa_handler == SIG_IGN))
        Py_RETURN_FALSE; /* no C handler records it for Python: nothing to chain */
    previous[sig] = current;
    struct sigaction ours = current; /* CPython's mask and flags (SA_ONSTACK) */
    ours.sa_sigaction = chained_handler;
    ours.sa_flags |= SA_SIGINFO;
    if (sigaction((int)sig, &ours, NULL) < 0) return PyErr_SetFromErrno(PyExc_OSError);
    Py_RETURN_TRUE;
}

/* _signals_changed(): signal.signal() was called; chain again before the
 * next compiled call from the main thread. */
static PyObject *signals_changed(PyObject *module, PyObject *unused) {
    atomic_store(&pjx_rechain_needed, 1);
    Py_RETURN_NONE;
}

/* pyjitx.signals.chain_handlers(), with the GIL, on the main thread. */
static void rechain(void) {
    atomic_store(&pjx_rechain_needed, 0);
    PyObject *signals = PyImport_ImportModule("pyjitx.signals");
    PyObject *result = signals ? PyObject_CallMethod(signals, "chain_handlers", NULL) : NULL;
    Py_XDECREF(signals);
    if (result == NULL) {
        /* the calls still run, as they did before signals were chained;
         * the failure is reported, not raised from every call */
        PyErr_WriteUnraisable(NULL);
        return;
    }
    Py_DECREF(result);
}

int pjx_signals_thread_role(void) {
    pjx_thread_role = PyThread_get_thread_ident() == main_thread ? 1 : 2;
    return pjx_thread_role;
}

static int on_main_thread(void) {
    return (pjx_thread_role ? pjx_thread_role : pjx_signals_thread_role()) == 1;
}

/* The depth is raised already; `depth` is what it was. */
int pjx_signals_enter_slowly(int depth) {
    if (atomic_load_explicit(&pjx_rechain_needed, memory_order_relaxed)) rechain();
    if (atomic_load_explicit(&pjx_signals_tripped, memory_order_relaxed)) {
        atomic_store(&pjx_signals_tripped, 0);
        if (PyErr_CheckSignals() < 0) {
            atomic_store_explicit(&pjx_main_depth, depth, memory_order_relaxed);
            return -1;
        }
    }
    return 1;
}

/* A pyfunc's Python code runs CPython's handlers itself: for its duration
 * the main thread counts as out of compiled code (so that other threads
 * do not keep seeing a word only the main thread's next poll would clear),
 * and a signal that came meanwhile is looked at again after it. */
int pjx_signals_python_enter(void) {
    if (!on_main_thread()) return -1;
    int depth = atomic_load_explicit(&pjx_main_depth, memory_order_relaxed);
    atomic_store_explicit(&pjx_main_depth, 0, memory_order_relaxed);
    return depth;
}

void pjx_signals_python_leave(int depth) {
    if (depth < 0) return;
    atomic_store(&pjx_main_depth, depth);
    if (depth > 0 && atomic_load(&pjx_signals_tripped)) pjx_request_interrupt();
}

/* The runtime's signal hook (runtime.h): called by compiled code on any
 * thread when pjx_signal_pending is set. */
static int32_t run_python_handlers(void) {
    if (!on_main_thread()) {
        /* stale when the main thread is not in compiled code: CPython runs
         * the handler in Python; otherwise the main thread will clear it */
        if (atomic_load(&pjx_main_depth) == 0) pjx_clear_interrupt();
        return 0;
    }
    /* cleared before the handlers run: a signal during them sets it again */
    pjx_clear_interrupt();
    atomic_store(&pjx_signals_tripped, 0);
    PyGILState_STATE gil = PyGILState_Ensure();
    int status = PyErr_CheckSignals();
    if (status < 0) pjx_runtime_error_from_python();
    PyGILState_Release(gil);
    return status < 0 ? -1 : 0;
}

static PyMethodDef signal_functions[] = {
    {"_chain_signal", chain_signal, METH_O,
     "Puts pyjitx's handler in front of a signal's C handler."},
    {"_signals_changed", signals_changed, METH_NOARGS,
     "Chain the handlers again before the next compiled call."},
    {NULL, NULL, 0, NULL},
};

int pjx_signals_init(PyObject *module) {
    /* the main thread as threading knows it: pyjitx may be imported from
     * another thread */
    PyObject *threading = PyImport_ImportModule("threading");
    PyObject *main = threading ? PyObject_CallMethod(threading, "main_thread", NULL) : NULL;
    PyObject *ident = main ? PyObject_GetAttrString(main, "ident") : NULL;
    Py_XDECREF(threading);
    Py_XDECREF(main);
    if (ident == NULL) return -1;
    main_thread = PyLong_AsUnsignedLong(ident);
    Py_DECREF(ident);
    if (main_thread == (unsigned long)-1 && PyErr_Occurred()) return -1;
    pjx_set_signal_hook(run_python_handlers);
    return PyModule_AddFunctions(module, signal_functions);
}
