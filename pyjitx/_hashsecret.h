/* The interpreter's hash secret handed to the runtime (_hashsecret.c). */
#ifndef PYJITX_HASHSECRET_H
#define PYJITX_HASHSECRET_H

#include <Python.h>

/* Sets the runtime's secret, algorithm and hash(None) from this
 * interpreter, and module.HASH_MATCHES to whether it now hashes as the
 * interpreter does; -1 with a Python exception on failure. */
int pjx_hash_secret_init(PyObject *module);
extern PyMethodDef pjx_hash_functions[];

#endif
