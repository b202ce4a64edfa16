/* Per-thread exception state.  Compiled code runs without the GIL and in
 * C++ host threads, so the pending exception lives in thread-local storage
 * and is handed to the caller through the -1 return convention. */
#include "pyjitx/runtime.h"
#include "pyjitx/json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const int32_t PJX_ABI_SYMBOL = PJX_ABI_VERSION;

/* Messages up to this size live in the thread's state; longer ones (a
 * KeyError of a long key's repr) on the heap, since CPython never cuts a
 * message short. */
#define PJX_MESSAGE_INLINE 512

typedef struct {
    int32_t kind;
    void *origin; /* the host's exception object (runtime.h), or NULL */
    char *heap; /* the message when it does not fit `inline_`, else NULL */
    char inline_[PJX_MESSAGE_INLINE];
} pjx_error_state;

static _Thread_local pjx_error_state tls_error;

static void set_message(const char *message, size_t n) {
    /* (message may be the current one: copied before the old one is freed) */
    char *old_heap = tls_error.heap;
    char *new_heap = NULL;
    char *out = tls_error.inline_;
    if (n >= PJX_MESSAGE_INLINE) {
        new_heap = malloc(n + 1);
        if (new_heap != NULL) {
            out = new_heap;
        } else { /* out of memory: the message cut on a character boundary */
            n = PJX_MESSAGE_INLINE - 1;
            while (n > 0 && ((unsigned char)message[n] & 0xC0) == 0x80) n--;
        }
    }
    memmove(out, message, n);
    out[n] = '\0';
    tls_error.heap = new_heap;
    free(old_heap);
}

static pjx_origin_fn origin_retain, origin_release;

void pjx_set_origin_hooks(pjx_origin_fn retain, pjx_origin_fn release) {
    origin_retain = retain;
    origin_release = release;
}

/* Releases the pending error's origin.  First thing when the error state
 * changes: the host's release may run code of its own (a destructor) that
 * uses the error state of this thread, and what it leaves there is then
 * overwritten. */
static void drop_origin(void) {
    void *origin = tls_error.origin;
    if (origin == NULL) return;
    tls_error.origin = NULL;
    if (origin_release != NULL) origin_release(origin);
}

void pjx_err_set_origin(void *origin) {
    drop_origin();
    tls_error.origin = origin;
}

void *pjx_err_take_origin(void) {
    void *origin = tls_error.origin;
    tls_error.origin = NULL;
    return origin;
}

/* pjx_exception (exception.c) holds an origin with a reference of its own */
void pjx_origin_retain(void *origin) {
    if (origin != NULL && origin_retain != NULL) origin_retain(origin);
}

void pjx_origin_release(void *origin) {
    if (origin != NULL && origin_release != NULL) origin_release(origin);
}

void pjx_err_set(int32_t kind, const char *message) {
    if (tls_error.origin != NULL) {
        /* (message may be the pending one's: copied before anything runs) */
        size_t n = message ? strlen(message) : 0;
        char *copy = malloc(n + 1);
        if (copy != NULL && n) memcpy(copy, message, n);
        drop_origin();
        tls_error.kind = kind;
        set_message(copy ? copy : "", copy ? n : 0);
        free(copy);
        return;
    }
    tls_error.kind = kind;
    if (message == NULL) message = "";
    set_message(message, strlen(message));
}

void pjx_err_format(int32_t kind, const char *format, ...) {
    char buffer[PJX_MESSAGE_INLINE];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    if (n < 0) n = 0;
    if ((size_t)n < sizeof buffer) {
        pjx_err_set(kind, buffer);
        return;
    }
    char *long_message = malloc((size_t)n + 1);
    if (long_message == NULL) {
        pjx_err_set(kind, buffer); /* cut short rather than lost */
        return;
    }
    va_start(args, format);
    vsnprintf(long_message, (size_t)n + 1, format, args);
    va_end(args);
    pjx_err_set(kind, long_message);
    free(long_message);
}

int32_t pjx_err_kind(void) { return tls_error.kind; }

const char *pjx_err_message(void) { return tls_error.heap ? tls_error.heap : tls_error.inline_; }

void pjx_err_clear(void) {
    drop_origin();
    tls_error.kind = PJX_OK;
    set_message("", 0);
}

static const char *const kind_names[PJX_EXC__COUNT] = {
    [PJX_OK] = "NoError",
    [PJX_EXC_EXCEPTION] = "Exception",
    [PJX_EXC_ARITHMETIC] = "ArithmeticError",
    [PJX_EXC_ZERO_DIVISION] = "ZeroDivisionError",
    [PJX_EXC_OVERFLOW] = "OverflowError",
    [PJX_EXC_VALUE] = "ValueError",
    [PJX_EXC_TYPE] = "TypeError",
    [PJX_EXC_INDEX] = "IndexError",
    [PJX_EXC_KEY] = "KeyError",
    [PJX_EXC_ASSERTION] = "AssertionError",
    [PJX_EXC_RECURSION] = "RecursionError",
    [PJX_EXC_UNBOUND_LOCAL] = "UnboundLocalError",
    [PJX_EXC_MEMORY] = "MemoryError",
    [PJX_EXC_RUNTIME] = "RuntimeError",
    [PJX_EXC_NOT_IMPLEMENTED] = "NotImplementedError",
    [PJX_EXC_STOP_ITERATION] = "StopIteration",
    [PJX_EXC_UNICODE_DECODE] = "UnicodeDecodeError",
    [PJX_EXC_UNICODE_ENCODE] = "UnicodeEncodeError",
    [PJX_EXC_LOOKUP] = "LookupError",
    [PJX_EXC_ATTRIBUTE] = "AttributeError",
    [PJX_EXC_NAME] = "NameError",
    [PJX_EXC_OS] = "OSError",
    [PJX_EXC_FILE_NOT_FOUND] = "FileNotFoundError",
    [PJX_EXC_KEYBOARD_INTERRUPT] = "KeyboardInterrupt",
    [PJX_EXC_SYSTEM_EXIT] = "SystemExit",
    [PJX_EXC_BASE_EXCEPTION] = "BaseException",
};

const char *pjx_err_kind_name(int32_t kind) {
    if (kind == PJX_EXC_JSON_DECODE) return "JSONDecodeError";
    if (kind < 0 || kind >= PJX_EXC__COUNT || kind_names[kind] == NULL)
        return "Exception";
    return kind_names[kind];
}

/* ---- recursion limit ----------------------------------------------------
 * Compiled functions on a call cycle pass their depth along the cycle and
 * compare it with this limit (CPython's default), so runaway recursion
 * raises RecursionError instead of overflowing the C stack. */
int32_t pjx_recursion_limit = 1000;

void pjx_set_recursion_limit(int32_t limit) { pjx_recursion_limit = limit; }
