/* Module state slots (_state.c). */
#ifndef PYJITX_STATE_H
#define PYJITX_STATE_H

#include <Python.h>

extern PyMethodDef pjx_state_functions[];

#endif
