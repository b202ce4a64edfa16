/* Calls of plain Python functions from compiled code (pyjitx.pyfunc),
 * _pycall.c. */
#ifndef PYJITX_PYCALL_H
#define PYJITX_PYCALL_H

#include "_convert.h"

/* The entry point compiled code calls for `f(args)` where f is a
 * pyjitx.pyfunc: takes the GIL, converts the 8-byte argument slots to
 * Python by `param_descs` (the parameters' boundary descriptors, one
 * after another), calls the function registered under `handle`, and
 * converts its result by `result_desc` into *out (a new reference for
 * objects).  Returns 0, or -1 with the Python exception translated into
 * the runtime's error state.  Python-only: a C++ host has no such
 * symbol, and code that calls pyfuncs is never cached. */
int32_t pjx_call_python(int64_t handle, const char *param_descs, const char *result_desc,
                        const uint64_t *args, uint64_t *out);

/* Moves Python's pending exception (the GIL held) into the runtime's error
 * state, the exception object attached as its origin (runtime.h). */
void pjx_runtime_error_from_python(void);

/* Installs the origin hooks; once, at module init. */
void pjx_pycall_init(void);

/* register_pyfunc(fn) -> handle, for the module's method table. */
extern PyMethodDef pjx_pycall_functions[];

#endif
