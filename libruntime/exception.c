/* Exceptions as values, for try/except in compiled code.
 *
 * A raised exception lives in the thread's error state (error.c) as a kind
 * and a message.  `except` tests the pending kind against a class and its
 * subclasses; `except ... as e` and `finally` take the pending exception
 * out as a pjx_exception object (pjx_err_fetch) and can put it back
 * (pjx_err_restore) to re-raise.
 *
 * Kinds below PJX_USER_EXCEPTION_BASE are Python's built-in classes, with
 * their hierarchy below; user-defined classes get kinds from the host
 * (the Python bridge) with their parent kind registered here. */
#include "internal.h"
#include "pyjitx/json.h"

#include <string.h>

static const int32_t builtin_parent[PJX_EXC__COUNT] = {
    [PJX_EXC_EXCEPTION] = 0,
    [PJX_EXC_ARITHMETIC] = PJX_EXC_EXCEPTION,
    [PJX_EXC_ZERO_DIVISION] = PJX_EXC_ARITHMETIC,
    [PJX_EXC_OVERFLOW] = PJX_EXC_ARITHMETIC,
    [PJX_EXC_VALUE] = PJX_EXC_EXCEPTION,
    [PJX_EXC_TYPE] = PJX_EXC_EXCEPTION,
    [PJX_EXC_INDEX] = PJX_EXC_LOOKUP,
    [PJX_EXC_KEY] = PJX_EXC_LOOKUP,
    [PJX_EXC_ASSERTION] = PJX_EXC_EXCEPTION,
    [PJX_EXC_RECURSION] = PJX_EXC_RUNTIME,
    [PJX_EXC_UNBOUND_LOCAL] = PJX_EXC_NAME,
    [PJX_EXC_MEMORY] = PJX_EXC_EXCEPTION,
    [PJX_EXC_RUNTIME] = PJX_EXC_EXCEPTION,
    [PJX_EXC_NOT_IMPLEMENTED] = PJX_EXC_RUNTIME,
    [PJX_EXC_STOP_ITERATION] = PJX_EXC_EXCEPTION,
    [PJX_EXC_UNICODE_DECODE] = PJX_EXC_VALUE,
    [PJX_EXC_UNICODE_ENCODE] = PJX_EXC_VALUE,
    [PJX_EXC_LOOKUP] = PJX_EXC_EXCEPTION,
    [PJX_EXC_ATTRIBUTE] = PJX_EXC_EXCEPTION,
    [PJX_EXC_NAME] = PJX_EXC_EXCEPTION,
    [PJX_EXC_OS] = PJX_EXC_EXCEPTION,
    [PJX_EXC_FILE_NOT_FOUND] = PJX_EXC_OS,
    /* KeyboardInterrupt, SystemExit and BaseException have no parent kind:
     * only `except BaseException` and a bare `except` (which match any
     * kind) and their own classes catch them */
};

#define PJX_MAX_USER_EXCEPTIONS (1 << 17)
static int32_t user_parent[PJX_MAX_USER_EXCEPTIONS];

int32_t pjx_register_exception_class(int32_t kind, int32_t parent) {
    int32_t index = kind - PJX_USER_EXCEPTION_BASE;
    if (index < 0 || index >= PJX_MAX_USER_EXCEPTIONS) {
        pjx_err_set(PJX_EXC_RUNTIME, "too many exception classes");
        return -1;
    }
    user_parent[index] = parent;
    return 0;
}

static int32_t parent_of(int32_t kind) {
    if (kind > 0 && kind < PJX_EXC__COUNT) return builtin_parent[kind];
    /* json.JSONDecodeError is raised by the runtime itself (json_load.c):
     * a ValueError even where no Python registered the class (C++ hosts) */
    if (kind == PJX_EXC_JSON_DECODE) return PJX_EXC_VALUE;
    int32_t index = kind - PJX_USER_EXCEPTION_BASE;
    if (index >= 0 && index < PJX_MAX_USER_EXCEPTIONS) return user_parent[index];
    return 0;
}

int64_t pjx_exception_kind_matches(int32_t kind, int32_t cls) {
    for (int depth = 0; kind != 0 && depth < 64; depth++) {
        if (kind == cls) return 1;
        kind = parent_of(kind);
    }
    return 0;
}

int64_t pjx_err_matches(int32_t cls) { return pjx_exception_kind_matches(pjx_err_kind(), cls); }

void pjx_err_set_str(int32_t kind, pjx_str *message) {
    if (message == NULL) {
        pjx_err_set(kind, NULL);
        return;
    }
    pjx_err_set(kind, message->data);
}

pjx_exception *pjx_err_fetch(void) {
    int32_t kind = pjx_err_kind();
    const char *text = pjx_err_message();
    int64_t n = (int64_t)strlen(text);
    pjx_exception *e = pjx_object_new(sizeof(pjx_exception), PJX_TYPE_EXCEPTION);
    pjx_str *message = e ? pjx_str_from_utf8(text, n) : NULL;
    if (e == NULL || message == NULL) {
        /* out of memory while catching: keep the original error pending */
        if (e) pjx_free(e);
        return NULL;
    }
    e->kind = kind;
    e->message = message;
    e->origin = pjx_err_take_origin();
    pjx_err_clear();
    return e;
}

void pjx_err_restore(pjx_exception *e) {
    if (e == NULL) return; /* fetch failed: the error is still pending */
    pjx_err_set(e->kind, e->message->data);
    if (e->origin != NULL) {
        pjx_origin_retain(e->origin);
        pjx_err_set_origin(e->origin);
    }
}

void pjx_exception_dealloc(pjx_exception *e) {
    pjx_origin_release(e->origin);
    pjx_decref(e->message);
    pjx_free(e);
}

pjx_str *pjx_exception_str(pjx_exception *e) {
    pjx_incref(e->message);
    return e->message;
}

int64_t pjx_exception_kind(pjx_exception *e) { return e->kind; }
