/* pyjitx runtime: the random module's generator, CPython's Mersenne
 * Twister with CPython's seeding, so that a seed gives the numbers
 * CPython's random gives (libruntime/random.c; the rest of random.py is
 * written in the compiled subset, pyjitx/stdlib_random.py).
 *
 * A generator's state is a list of PJX_RANDOM_STATE_SIZE ints: the 624
 * words of the twister, the index of the next word (as getstate()
 * returns them), whether gauss() holds its second value and that value's
 * bits.  Every function takes such a list (ValueError "state vector is the
 * wrong size" for another) and holds a lock on it while it works.
 *
 * pjx_random_global() is the generator of the module-level functions
 * (random.random() in compiled code).  A C++ host seeds it with
 * pjx_random_seed_int / pjx_random_seed_bytes (random.seed(n) /
 * random.seed(b"...") or random.seed(s.encode())); until then it is seeded
 * from the system's randomness, as CPython seeds its own at start-up.  In
 * a Python process the bridge hands compiled code the interpreter's own
 * generator's state for the duration of each call (docs/guide/stdlib.md). */
#ifndef PYJITX_RANDOM_H
#define PYJITX_RANDOM_H

#include "pyjitx/object.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PJX_RANDOM_STATE_SIZE 627

/* flags of pjx_random_randrange / randint */
#define PJX_RANDRANGE_STOP_GIVEN 1  /* stop is not None */
#define PJX_RANDRANGE_STEP_IS_ONE 2 /* `step is 1` (random.py's test of an omitted step) */
#define PJX_RANDRANGE_START_BOOL 4  /* messages print True/False for bool arguments */
#define PJX_RANDRANGE_STOP_BOOL 8
#define PJX_RANDRANGE_STEP_BOOL 16

/* The module-level generator (a borrowed reference to an immortal list;
 * NULL with MemoryError if it could not be made). */
PJX_EXPORT pjx_list *pjx_random_global(void);

/* random.seed(n) of an int (its absolute value), seeding from a hash
 * (float seeds: the bits of hash(x) as an unsigned number), of bytes
 * (version 2: the bytes and their SHA-512), version 1 of a str, and from
 * the system's randomness (random.seed() / seed(None)). */
PJX_EXPORT int32_t pjx_random_seed_int(pjx_list *state, int64_t n);
PJX_EXPORT int32_t pjx_random_seed_uint(pjx_list *state, int64_t bits);
PJX_EXPORT int32_t pjx_random_seed_bytes(pjx_list *state, pjx_bytes *a);
PJX_EXPORT int32_t pjx_random_seed_v1(pjx_list *state, pjx_str *a);
PJX_EXPORT int32_t pjx_random_seed_urandom(pjx_list *state);

/* random() in [0, 1); getrandbits(k) (OverflowError past 63 bits of
 * result); _randbelow(n) for n > 0 (0 for n <= 0) */
PJX_EXPORT int32_t pjx_random_random(pjx_list *state, double *out);
PJX_EXPORT int32_t pjx_random_getrandbits(pjx_list *state, int64_t k, int64_t *out);
PJX_EXPORT int32_t pjx_random_randbelow(pjx_list *state, int64_t n, int64_t *out);
/* randrange(start, stop, step) and randint(a, b) of ints, with CPython's
 * messages; widths beyond 64 bits are exact */
PJX_EXPORT int32_t pjx_random_randrange(pjx_list *state, int64_t start, int64_t stop,
                                        int64_t step, int64_t flags, int64_t *out);
PJX_EXPORT int32_t pjx_random_randint(pjx_list *state, int64_t a, int64_t b, int64_t flags,
                                      int64_t *out);
/* gauss(0, 1): random.py's pair, the second value kept in the state */
PJX_EXPORT int32_t pjx_random_gauss(pjx_list *state, double *out);
PJX_EXPORT int32_t pjx_random_has_gauss(pjx_list *state, uint8_t *out);
PJX_EXPORT int32_t pjx_random_gauss_next(pjx_list *state, double *out);
PJX_EXPORT int32_t pjx_random_set_gauss_next(pjx_list *state, uint8_t has, double value);
/* randbytes(n) */
PJX_EXPORT pjx_bytes *pjx_random_randbytes(pjx_list *state, int64_t n);

#ifdef __cplusplus
}
#endif
#endif
