/* Python's signal handlers while compiled code runs (_signals.c). */
#ifndef PYJITX_SIGNALS_H
#define PYJITX_SIGNALS_H

#include <Python.h>

/* Around each call of compiled code, with the GIL held: enter returns 1 on
 * the main thread (after chaining the handlers if needed and running any
 * handler whose signal came just before), 0 on another thread, -1 with a
 * Python exception set (a handler raised: the call must not run); leave
 * takes what enter returned. */
int pjx_signals_enter(void);
void pjx_signals_leave(int entered);

/* Around a pyfunc's call from compiled code, with the GIL held: enter
 * returns what leave takes. */
int pjx_signals_python_enter(void);
void pjx_signals_python_leave(int depth);

/* Sets the runtime's signal hook and adds _chain_signal/_signals_changed. */
int pjx_signals_init(PyObject *module);

#endif
