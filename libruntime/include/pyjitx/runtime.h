/* pyjitx runtime: the C ABI shared by compiled code, the Python bridge and
 * C++ hosts.  Nothing here includes Python.h: the runtime must link into a
 * host that has no Python.
 *
 * Calling convention of every compiled entry point and every fallible
 * runtime primitive:
 *
 *     int32_t name(arg0, arg1, ..., result_t *out);
 *
 * returns 0 on success (the result is stored through `out`) and -1 when an
 * exception was raised; the exception then sits in this thread's error
 * state (pjx_err_*).  Scalars pass as int64_t (int), double (float),
 * uint8_t (bool, 0 or 1) and uint8_t (None, always 0).
 *
 * The "packed" entry generated beside each exported function takes every
 * argument as one 8-byte slot, so one C function can call any signature:
 *
 *     int32_t name__packed(const uint64_t *args, uint64_t *out);
 */
#ifndef PYJITX_RUNTIME_H
#define PYJITX_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PJX_EXPORT __attribute__((visibility("default")))

/* Bumped whenever a layout or a calling convention changes.  Every object
 * file references the symbol named by PJX_ABI_SYMBOL, so code built for
 * another ABI fails to link instead of misbehaving at run time. */
#define PJX_ABI_VERSION 2
#define PJX_ABI_SYMBOL pjx_abi_v2
PJX_EXPORT extern const int32_t PJX_ABI_SYMBOL;

/* ---- exceptions ---------------------------------------------------------
 * The kinds mirror Python's built-in exception types.  Keep the numbers
 * stable: they are part of the ABI. */
typedef enum pjx_error_kind {
    PJX_OK = 0,
    PJX_EXC_EXCEPTION = 1,
    PJX_EXC_ARITHMETIC = 2,
    PJX_EXC_ZERO_DIVISION = 3,
    PJX_EXC_OVERFLOW = 4,
    PJX_EXC_VALUE = 5,
    PJX_EXC_TYPE = 6,
    PJX_EXC_INDEX = 7,
    PJX_EXC_KEY = 8,
    PJX_EXC_ASSERTION = 9,
    PJX_EXC_RECURSION = 10,
    PJX_EXC_UNBOUND_LOCAL = 11,
    PJX_EXC_MEMORY = 12,
    PJX_EXC_RUNTIME = 13,
    PJX_EXC_NOT_IMPLEMENTED = 14,
    PJX_EXC_STOP_ITERATION = 15,
    PJX_EXC_UNICODE_DECODE = 16,
    PJX_EXC_UNICODE_ENCODE = 17,
    PJX_EXC_LOOKUP = 18,
    PJX_EXC_ATTRIBUTE = 19,
    PJX_EXC_NAME = 20,
    PJX_EXC_OS = 21,
    PJX_EXC_FILE_NOT_FOUND = 22,
    /* BaseException's other branches: `except Exception` does not catch
     * them (an interrupt from a signal handler, sys.exit() in one, a class
     * deriving from BaseException directly) */
    PJX_EXC_KEYBOARD_INTERRUPT = 23,
    PJX_EXC_SYSTEM_EXIT = 24,
    PJX_EXC_BASE_EXCEPTION = 25,
    PJX_EXC__COUNT
} pjx_error_kind;

/* Raise: copies `message` (UTF-8, NUL-terminated; NULL means none). */
PJX_EXPORT void pjx_err_set(int32_t kind, const char *message);
PJX_EXPORT void pjx_err_format(int32_t kind, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
/* The pending exception of this thread, PJX_OK if none. */
PJX_EXPORT int32_t pjx_err_kind(void);
/* Its message, valid until the next pjx_err_* call on this thread. */
PJX_EXPORT const char *pjx_err_message(void);
PJX_EXPORT void pjx_err_clear(void);
/* Python's name of an exception kind ("ZeroDivisionError"). */
PJX_EXPORT const char *pjx_err_kind_name(int32_t kind);

/* The host's own exception object behind the pending error, if any: the
 * Python bridge attaches the Python exception that a signal handler or a
 * pyjitx.pyfunc raised, so that it reaches the Python caller as itself
 * when compiled code does not catch it.  The error state owns it: a new
 * error or pjx_err_clear releases it, `except ... as e` (pjx_err_fetch)
 * moves it into the exception value and a re-raise takes it back.  Hosts
 * that never attach one (C++ hosts) see none of this. */
typedef void (*pjx_origin_fn)(void *origin);
/* retain and release are called without any lock held, from any thread
 * that runs compiled code; both must be set before any origin is attached. */
PJX_EXPORT void pjx_set_origin_hooks(pjx_origin_fn retain, pjx_origin_fn release);
/* Attaches `origin` (ownership passes) to the pending error. */
PJX_EXPORT void pjx_err_set_origin(void *origin);
/* Detaches and returns the pending error's origin (the caller owns it), or NULL. */
PJX_EXPORT void *pjx_err_take_origin(void);

/* ---- interrupts ----------------------------------------------------------
 * Compiled loops read pjx_signal_pending on every iteration (and recursive
 * functions on every call); while it is 0 that is all they do.  When it is
 * set they call pjx_handle_pending_signals(), which calls the host's hook:
 * the hook returns 0 to let the code go on, or -1 with an exception set
 * (pjx_err_set), which then unwinds through compiled code like any other
 * (`except` may catch it, `finally` runs).  The hook decides when to clear
 * the word (pjx_clear_interrupt); with no hook set the word is cleared and
 * nothing else happens.
 *
 * The Python bridge sets a hook that runs Python's signal handlers (see
 * pyjitx/_signals.c).  A C++ host can cancel running code the same way:
 * set a hook that raises, e.g.
 *     static int32_t cancel(void) {
 *         pjx_clear_interrupt();
 *         pjx_err_set(PJX_EXC_KEYBOARD_INTERRUPT, "cancelled");
 *         return -1;
 *     }
 *     pjx_set_signal_hook(cancel);
 * and call pjx_request_interrupt() from another thread or a signal
 * handler when it wants the running code to stop. */
PJX_EXPORT extern int32_t pjx_signal_pending; /* read atomically */
typedef int32_t (*pjx_signal_hook)(void);
PJX_EXPORT void pjx_set_signal_hook(pjx_signal_hook hook);
/* Sets pjx_signal_pending; async-signal-safe. */
PJX_EXPORT void pjx_request_interrupt(void);
PJX_EXPORT void pjx_clear_interrupt(void);
/* What compiled code calls when pjx_signal_pending is set: 0 or -1. */
PJX_EXPORT int32_t pjx_handle_pending_signals(void);

/* ---- memory -------------------------------------------------------------
 * All runtime allocation goes through these so that tests can check that
 * the number of live objects returns to where it started. */
PJX_EXPORT void *pjx_alloc(size_t size);
PJX_EXPORT void pjx_free(void *ptr);
PJX_EXPORT int64_t pjx_live_objects(void);
/* Module constants (built once by compiled code, then held for the life of
 * the process): mark = pjx_alloc_mark() before building one, and
 * pjx_keep_forever(mark) once it is installed, so that its blocks are not
 * counted as live (not leaks). */
PJX_EXPORT int64_t pjx_alloc_mark(void);
PJX_EXPORT void pjx_keep_forever(int64_t mark);

/* ---- recursion limit ----------------------------------------------------
 * Functions on a call cycle carry their call depth and raise RecursionError
 * when it passes this limit (default 1000, CPython's default). */
PJX_EXPORT extern int32_t pjx_recursion_limit;
PJX_EXPORT void pjx_set_recursion_limit(int32_t limit);

/* ---- scalar primitives (defined in scalar.c / math.c) ---------------- */
PJX_EXPORT int32_t pjx_int_pow(int64_t base, int64_t exp, int64_t *out);
PJX_EXPORT int32_t pjx_float_pow(double base, double exp, double *out);
PJX_EXPORT int32_t pjx_float_floordiv(double a, double b, double *out);
PJX_EXPORT int32_t pjx_float_mod(double a, double b, double *out);
PJX_EXPORT int32_t pjx_float_to_int(double x, int64_t *out);
PJX_EXPORT int32_t pjx_float_round(double x, int64_t *out);
PJX_EXPORT int32_t pjx_float_round_ndigits(double x, int64_t ndigits, double *out);
PJX_EXPORT int32_t pjx_int_round_ndigits(int64_t x, int64_t ndigits, int64_t *out);

/* ---- exact int/float mixing (intfloat.c) ------------------------------ */
/* -1, 0, 1 as i <, ==, > d; 2 when d is NaN.  Cannot fail. */
PJX_EXPORT int64_t pjx_compare_int_float(int64_t i, double d);
PJX_EXPORT int32_t pjx_int_truediv(int64_t a, int64_t b, double *out);

#ifdef __cplusplus
}
#endif
#endif
