/* Where a CompileError reaches the user's code (_boundary.c). */
#ifndef PYJITX_BOUNDARY_H
#define PYJITX_BOUNDARY_H

#include <Python.h>

/* After a failed call into pyjitx's Python code: a CompileError in flight
 * loses the compiler's own frames (pyjitx.errors.for_user), unless
 * PYJITX_DEBUG is set.  Any other exception is left as it is. */
void pjx_error_for_user(void);

/* Adds the type UserBoundary to the module. */
int pjx_boundary_init(PyObject *module);

#endif
