/* math module primitives: see libruntime/math.c */
#ifndef PYJITX_MATH_H
#define PYJITX_MATH_H
#include "pyjitx/runtime.h"
#endif
