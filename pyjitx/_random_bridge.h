/* The interpreter's random generator lent to compiled code (_random_bridge.c). */
#ifndef PYJITX_RANDOM_BRIDGE_H
#define PYJITX_RANDOM_BRIDGE_H

#include <Python.h>

/* Around a pyfunc call from compiled code (GIL held): the generator goes
 * back to the interpreter while Python runs, if it is lent; -1 with a
 * Python exception on failure. */
int pjx_random_bridge_pause(void);
/* The loan itself (GIL held): borrow before a call, return after it. */
int pjx_random_bridge_borrow(void);
int pjx_random_bridge_return(void);
int pjx_random_bridge_resume(void);
extern PyMethodDef pjx_random_bridge_functions[];

#endif
