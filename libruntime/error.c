/* Per-thread exception state.  Compiled code runs without the GIL and in
 * C++ host threads, so the pending exception lives in thread-local storage
 * and is handed to the caller through the -1 return convention. */
#include "pyjitx/runtime.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const int32_t PJX_ABI_SYMBOL = PJX_ABI_VERSION;

#define PJX_MESSAGE_CAP 512

typedef struct {
    int32_t kind;
    char message[PJX_MESSAGE_CAP];
} pjx_error_state;

static _Thread_local pjx_error_state tls_error;

void pjx_err_set(int32_t kind, const char *message) {
    tls_error.kind = kind;
    if (message == NULL) {
        tls_error.message[0] = '\0';
        return;
    }
    size_t n = strlen(message);
    if (n >= PJX_MESSAGE_CAP) {
        n = PJX_MESSAGE_CAP - 1;
        /* never cut a UTF-8 sequence in half */
        while (n > 0 && ((unsigned char)message[n] & 0xC0) == 0x80) n--;
    }
    memcpy(tls_error.message, message, n);
    tls_error.message[n] = '\0';
}

void pjx_err_format(int32_t kind, const char *format, ...) {
    char buffer[PJX_MESSAGE_CAP];
    va_list args;
    va_start(args, format);
    vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    pjx_err_set(kind, buffer);
}

int32_t pjx_err_kind(void) { return tls_error.kind; }

const char *pjx_err_message(void) { return tls_error.message; }

void pjx_err_clear(void) {
    tls_error.kind = PJX_OK;
    tls_error.message[0] = '\0';
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
};

const char *pjx_err_kind_name(int32_t kind) {
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
