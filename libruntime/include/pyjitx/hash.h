/* pyjitx runtime: Python's hash() with the values CPython gives in a
 * process with the same hash secret.
 *
 * hash() of a str or bytes is keyed: CPython hashes the bytes of a str's
 * UCS-1/2/4 representation (and a bytes object's bytes) with SipHash-1-3
 * (SipHash-2-4 before 3.11; an interpreter configured for FNV is not
 * supported) under
 * a 24-byte secret drawn at start-up, or derived from PYTHONHASHSEED.  The
 * runtime keeps such a secret too:
 *
 *   - the Python extension hands it the interpreter's own at import
 *     (pyjitx/_hashsecret.c), so hash() in compiled code equals hash() in
 *     the interpreter it runs in;
 *   - a C++ host either sets it (pjx_hash_set_seed, the PYTHONHASHSEED the
 *     training process ran with; pjx_hash_set_secret, its secret), or lets
 *     the runtime take it from the environment the way CPython does:
 *     PYTHONHASHSEED unset, empty or "random" draws a random secret, an
 *     integer in [0, 4294967295] derives it (0: a secret of zeros), so the
 *     same PYTHONHASHSEED gives the same hashes as in CPython.
 *
 * Ints, floats, tuples and frozensets hash as CPython does (numbers modulo
 * 2**61 - 1, tuples by the xxHash-based combiner, frozensets by the
 * shuffled xor of their items' hashes).  The runtime's dicts and sets do
 * not use these values: they keep their own unkeyed hash of strings (see
 * docs/design.md), which no iteration order depends on. */
#ifndef PYJITX_HASH_H
#define PYJITX_HASH_H

#include "pyjitx/object.h"

#ifdef __cplusplus
extern "C" {
#endif

/* sys.hash_info.algorithm */
enum { PJX_HASH_SIPHASH13 = 1, PJX_HASH_SIPHASH24 = 2 };

/* The secret itself (CPython's _Py_HashSecret, 24 bytes). */
PJX_EXPORT void pjx_hash_set_secret(const unsigned char secret[24]);
/* The secret CPython derives from PYTHONHASHSEED=seed (0: all zeros). */
PJX_EXPORT void pjx_hash_set_seed(uint32_t seed);
/* The algorithm (PJX_HASH_*) and sys.hash_info.cutoff (0 to 7: strings
 * shorter than that hash with DJBX33A); the default is the build
 * interpreter's version's default (SipHash-1-3 from 3.11, cutoff 0).
 * Returns -1 for an unknown algorithm or cutoff. */
PJX_EXPORT int32_t pjx_hash_set_algorithm(int32_t algorithm, int32_t cutoff);
/* hash(None): a constant from Python 3.12 on (the default), the address
 * of None before (the bridge passes the interpreter's). */
PJX_EXPORT void pjx_hash_set_none(int64_t value);
/* The secret in use (taken from the environment first if nothing set it). */
PJX_EXPORT void pjx_hash_get_secret(unsigned char secret[24]);

/* hash(v) as CPython computes it: strs, bytes, ints, floats, bools, None,
 * tuples of these (nested to any depth) and instances (their __hash__);
 * TypeError "unhashable type: 'list'" for the unhashable. */
PJX_EXPORT int32_t pjx_py_hash(int32_t kind, pjx_slot v, int64_t *out);
/* hash(frozenset(s)) of a set's items */
PJX_EXPORT int32_t pjx_py_hash_frozenset(pjx_dict *s, int64_t *out);
/* CPython's _Py_HashBytes: the keyed hash of a byte string */
PJX_EXPORT int64_t pjx_py_hash_buffer(const void *data, int64_t size);

#ifdef __cplusplus
}
#endif
#endif
