/* NDArray across the Python boundary, through DLPack: numpy arrays and
 * CPU torch tensors in (viewed, not copied), numpy arrays out (over the
 * runtime array's memory). */
#ifndef PYJITX__NDARRAY_H
#define PYJITX__NDARRAY_H

#include "_convert.h"
#include "pyjitx/ndarray.h"

/* `desc` points at "A[..]" (dtype number or '*', ndim or '*').  MISMATCH
 * for a value that is not an array of that dtype and rank. */
conversion pjx_ndarray_from_python(PyObject *value, const char *desc, pjx_slot *slot);
/* A numpy array viewing `a` (borrowed; the numpy array keeps it alive). */
PyObject *pjx_ndarray_to_python(pjx_ndarray *a);
int pjx_ndarray_bridge_init(PyObject *module);

#endif
