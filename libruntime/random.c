/* The random module's generator (random.h): CPython's Mersenne Twister
 * (Modules/_randommodule.c) with its seeding, and the parts of random.py
 * that need more than 64-bit ints or the generator's words: getrandbits,
 * _randbelow, randrange/randint, gauss's pair, randbytes.  The rest of
 * random.py is written in the compiled subset (pyjitx/stdlib_random.py).
 *
 * A generator's state is a list of PJX_RANDOM_STATE_SIZE ints (random.h),
 * so that a compiled class (random.Random in compiled code) can hold it in
 * a field and getstate()/setstate() can read it.  Each operation holds the
 * state's lock (striped by address): the module-level generator is shared
 * by every thread of a host, and an instance may be reached by two. */
#define _GNU_SOURCE /* clock_gettime */
#include "internal.h"
#include "pyjitx/containers.h"
#include "pyjitx/random.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define N 624
#define M 397
#define S_INDEX 624
#define S_HAS_GAUSS 625
#define S_GAUSS 626

void pjx_sha512(const void *data, int64_t size, unsigned char digest[64]); /* sha512.c */

/* ---- locks ----------------------------------------------------------------- */

static atomic_flag locks[16];

static atomic_flag *lock_of(const pjx_list *st) {
    return &locks[((uintptr_t)st >> 6) & 15];
}

static void lock(const pjx_list *st) {
    atomic_flag *l = lock_of(st);
    while (atomic_flag_test_and_set_explicit(l, memory_order_acquire)) sched_yield();
}

static void unlock(const pjx_list *st) { atomic_flag_clear_explicit(lock_of(st), memory_order_release); }

/* The state's words, or NULL (ValueError) for a list that is no state. */
static pjx_slot *words_of(pjx_list *st) {
    if (st->kind != PJX_KIND_INT || st->size != PJX_RANDOM_STATE_SIZE) {
        pjx_err_set(PJX_EXC_VALUE, "state vector is the wrong size");
        return NULL;
    }
    return st->items;
}

/* ---- the Mersenne Twister (MT19937), as _randommodule.c ---------------------- */

static void twist(pjx_slot *mt) {
    static const uint32_t mag01[2] = {0x0u, 0x9908b0dfu};
    uint32_t y;
    int kk;
    for (kk = 0; kk < N - M; kk++) {
        y = ((uint32_t)mt[kk].i & 0x80000000u) | ((uint32_t)mt[kk + 1].i & 0x7fffffffu);
        mt[kk].i = (uint32_t)mt[kk + M].i ^ (y >> 1) ^ mag01[y & 0x1u];
    }
    for (; kk < N - 1; kk++) {
        y = ((uint32_t)mt[kk].i & 0x80000000u) | ((uint32_t)mt[kk + 1].i & 0x7fffffffu);
        mt[kk].i = (uint32_t)mt[kk + (M - N)].i ^ (y >> 1) ^ mag01[y & 0x1u];
    }
    y = ((uint32_t)mt[N - 1].i & 0x80000000u) | ((uint32_t)mt[0].i & 0x7fffffffu);
    mt[N - 1].i = (uint32_t)mt[M - 1].i ^ (y >> 1) ^ mag01[y & 0x1u];
}

static uint32_t genrand_uint32(pjx_slot *mt) {
    int64_t index = mt[S_INDEX].i;
    if (index < 0 || index >= N) { /* (any index out of range regenerates) */
        twist(mt);
        index = 0;
    }
    uint32_t y = (uint32_t)mt[index].i;
    mt[S_INDEX].i = index + 1;
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= (y >> 18);
    return y;
}

static void init_genrand(pjx_slot *mt, uint32_t s) {
    mt[0].i = s;
    for (int i = 1; i < N; i++) {
        uint32_t prev = (uint32_t)mt[i - 1].i;
        mt[i].i = (uint32_t)(1812433253u * (prev ^ (prev >> 30)) + (uint32_t)i);
    }
    mt[S_INDEX].i = N;
}

static void init_by_array(pjx_slot *mt, const uint32_t *key, size_t length) {
    init_genrand(mt, 19650218u);
    size_t i = 1, j = 0;
    for (size_t k = N > length ? N : length; k; k--) {
        uint32_t prev = (uint32_t)mt[i - 1].i;
        mt[i].i = (uint32_t)(((uint32_t)mt[i].i ^ ((prev ^ (prev >> 30)) * 1664525u)) + key[j] +
                             (uint32_t)j);
        i++;
        j++;
        if (i >= N) {
            mt[0].i = mt[N - 1].i;
            i = 1;
        }
        if (j >= length) j = 0;
    }
    for (size_t k = N - 1; k; k--) {
        uint32_t prev = (uint32_t)mt[i - 1].i;
        mt[i].i = (uint32_t)(((uint32_t)mt[i].i ^ ((prev ^ (prev >> 30)) * 1566083941u)) -
                             (uint32_t)i);
        i++;
        if (i >= N) {
            mt[0].i = mt[N - 1].i;
            i = 1;
        }
    }
    mt[0].i = 0x80000000u; /* MSB is 1, assuring a non-zero initial array */
    mt[S_HAS_GAUSS].i = 0;  /* (random.py's seed() forgets gauss_next) */
}

/* Seeding with a non-negative integer given as its 32-bit words, least
 * significant first: CPython's random_seed uses as many words as the
 * integer's bit length needs, and one for 0. */
static void seed_words(pjx_slot *mt, const uint32_t *words, size_t count) {
    while (count > 1 && words[count - 1] == 0) count--;
    init_by_array(mt, words, count);
}

static void seed_u64(pjx_slot *mt, uint64_t n) {
    uint32_t key[2] = {(uint32_t)n, (uint32_t)(n >> 32)};
    seed_words(mt, key, 2);
}

static int32_t seed_with(pjx_list *st, void (*seed)(pjx_slot *, uint64_t), uint64_t n) {
    lock(st);
    pjx_slot *mt = words_of(st);
    if (mt != NULL) seed(mt, n);
    unlock(st);
    return mt == NULL ? -1 : 0;
}

int32_t pjx_random_seed_int(pjx_list *st, int64_t n) {
    /* random.seed(n) seeds with abs(n), all of its bits */
    uint64_t magnitude = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
    return seed_with(st, seed_u64, magnitude);
}

int32_t pjx_random_seed_uint(pjx_list *st, int64_t bits) {
    /* seeds of other types seed with hash(a) taken as a size_t */
    return seed_with(st, seed_u64, (uint64_t)bits);
}

int32_t pjx_random_seed_bytes(pjx_list *st, pjx_bytes *a) {
    /* version 2: int.from_bytes(a + sha512(a).digest()), big-endian */
    int64_t size = a->size + 64;
    unsigned char *all = pjx_alloc((size_t)size);
    if (all == NULL) return -1;
    memcpy(all, a->data, (size_t)a->size);
    pjx_sha512(a->data, a->size, all + a->size);
    size_t count = (size_t)(size + 3) / 4;
    uint32_t *key = pjx_alloc(count * sizeof *key);
    if (key == NULL) {
        pjx_free(all);
        return -1;
    }
    for (size_t w = 0; w < count; w++) { /* word w holds bytes from the end */
        uint32_t v = 0;
        for (int b = 3; b >= 0; b--) {
            int64_t at = size - 1 - (int64_t)(4 * w + (size_t)b);
            v = v << 8 | (at >= 0 ? all[at] : 0);
        }
        key[w] = v;
    }
    lock(st);
    pjx_slot *mt = words_of(st);
    if (mt != NULL) seed_words(mt, key, count);
    unlock(st);
    pjx_free(key);
    pjx_free(all);
    return mt == NULL ? -1 : 0;
}

int32_t pjx_random_seed_v1(pjx_list *st, pjx_str *a) {
    /* random.py's version 1 seeding of a str (bytes: decoded as Latin-1) */
    uint64_t x = 0;
    const unsigned char *p = (const unsigned char *)a->data, *end = p + a->nbytes;
    int first = 1;
    while (p < end) {
        uint32_t c;
        if (p[0] < 0x80) c = *p++;
        else if (p[0] < 0xE0) { c = (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F); p += 2; }
        else if (p[0] < 0xF0) {
            c = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
            p += 3;
        } else {
            c = (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
                (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
            p += 4;
        }
        if (first) x = (uint64_t)c << 7;
        first = 0;
        x = (1000003u * x) ^ c;
    }
    x ^= (uint64_t)a->length;
    /* (x == -1 cannot hold for the unsigned x: -2 is never taken) */
    return seed_with(st, seed_u64, x);
}

static void seed_from_os(pjx_slot *mt) {
    uint32_t key[N];
    if (pjx_os_urandom(key, sizeof key) == 0) {
        init_by_array(mt, key, N);
        return;
    }
    /* CPython's fallback: the time and the process id */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    uint32_t fallback[5] = {(uint32_t)now.tv_sec, (uint32_t)((uint64_t)now.tv_sec >> 32),
                            (uint32_t)now.tv_nsec, (uint32_t)getpid(), 0};
    struct timespec mono;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    fallback[4] = (uint32_t)(mono.tv_sec * 1000000000ll + mono.tv_nsec);
    init_by_array(mt, fallback, 5);
}

int32_t pjx_random_seed_urandom(pjx_list *st) {
    lock(st);
    pjx_slot *mt = words_of(st);
    if (mt != NULL) seed_from_os(mt);
    unlock(st);
    return mt == NULL ? -1 : 0;
}

/* ---- the module-level generator ---------------------------------------------- */

static pjx_list *global_state;
static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void make_global(void) {
    int64_t mark = pjx_alloc_mark();
    pjx_list *st = pjx_list_new(PJX_KIND_INT, PJX_RANDOM_STATE_SIZE);
    if (st == NULL) return;
    memset(st->items, 0, sizeof(pjx_slot) * PJX_RANDOM_STATE_SIZE);
    st->size = PJX_RANDOM_STATE_SIZE;
    seed_from_os(st->items); /* as CPython seeds random._inst at import */
    st->ob.refcount = -1;     /* immortal: shared by every thread, never freed */
    pjx_keep_forever(mark);
    global_state = st;
}

pjx_list *pjx_random_global(void) {
    pthread_once(&global_once, make_global);
    if (global_state == NULL) pjx_err_set(PJX_EXC_MEMORY, NULL);
    return global_state;
}

/* ---- drawing ------------------------------------------------------------------- */

int32_t pjx_random_random(pjx_list *st, double *out) {
    lock(st);
    pjx_slot *mt = words_of(st);
    if (mt != NULL) {
        uint32_t a = genrand_uint32(mt) >> 5, b = genrand_uint32(mt) >> 6;
        *out = (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }
    unlock(st);
    return mt == NULL ? -1 : 0;
}

/* getrandbits(k) for 0 < k <= 64, the words drawn as CPython draws them
 * (least significant first, the last one shifted) */
static uint64_t bits_u64(pjx_slot *mt, int k) {
    if (k <= 32) return genrand_uint32(mt) >> (32 - k);
    uint64_t low = genrand_uint32(mt);
    uint64_t high = genrand_uint32(mt) >> (64 - k);
    return high << 32 | low;
}

typedef unsigned __int128 u128;

static int bit_length(u128 n) {
    uint64_t high = (uint64_t)(n >> 64), low = (uint64_t)n;
    return high ? 128 - __builtin_clzll(high) : low ? 64 - __builtin_clzll(low) : 0;
}

/* _randbelow_with_getrandbits(n) for n up to 2**64 (randint over every
 * int64 takes 65 bits) */
static u128 below(pjx_slot *mt, u128 n) {
    if (n == 0) return 0; /* (3.10 returns 0; later versions never ask) */
    int k = bit_length(n);
    for (;;) {
        u128 r = k <= 64 ? bits_u64(mt, k)
                         : (u128)bits_u64(mt, 64) | (u128)(genrand_uint32(mt) >> (96 - k)) << 64;
        if (r < n) return r;
    }
}

int32_t pjx_random_getrandbits(pjx_list *st, int64_t k, int64_t *out) {
    if (k < 0) {
        pjx_err_set(PJX_EXC_VALUE, "number of bits must be non-negative");
        return -1;
    }
    if (k > INT32_MAX) { /* (a C int in CPython) */
        pjx_err_set(PJX_EXC_OVERFLOW, "Python int too large to convert to C int");
        return -1;
    }
    if (k == 0) {
        *out = 0;
        return 0;
    }
    lock(st);
    pjx_slot *mt = words_of(st);
    int fits = 1;
    if (mt != NULL) {
        if (k <= 64) {
            uint64_t r = bits_u64(mt, (int)k);
            fits = r <= (uint64_t)INT64_MAX;
            *out = (int64_t)r;
        } else { /* every word is drawn, as CPython does, before the result is known */
            uint64_t low = bits_u64(mt, 64);
            fits = low <= (uint64_t)INT64_MAX;
            *out = (int64_t)low;
            for (int64_t left = k - 64; left > 0; left -= 32)
                if (genrand_uint32(mt) >> (left < 32 ? 32 - left : 0)) fits = 0;
        }
    }
    unlock(st);
    if (mt == NULL) return -1;
    if (!fits) {
        pjx_err_set(PJX_EXC_OVERFLOW, "integer overflow: the result does not fit in a 64-bit pyjitx int");
        return -1;
    }
    return 0;
}

int32_t pjx_random_randbelow(pjx_list *st, int64_t n, int64_t *out) {
    lock(st);
    pjx_slot *mt = words_of(st);
    if (mt != NULL) *out = (int64_t)below(mt, n > 0 ? (u128)n : 0);
    unlock(st);
    return mt == NULL ? -1 : 0;
}

/* ---- randrange and randint, over the exact integers ----------------------------- */

typedef __int128 i128;

static const char *int_text(i128 v, int is_bool, char *buffer, size_t size) {
    if (is_bool) return v ? "True" : "False";
    char digits[48];
    int n = 0;
    unsigned __int128 m = v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    do {
        digits[n++] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m);
    size_t at = 0;
    if (v < 0 && at + 1 < size) buffer[at++] = '-';
    while (n > 0 && at + 1 < size) buffer[at++] = digits[--n];
    buffer[at] = '\0';
    return buffer;
}

static int32_t empty_range(i128 start, i128 stop, i128 step, i128 width, int64_t flags, int three) {
    char a[48], b[48], c[48];
#if PJX_PY_AT_LEAST(3, 12)
    (void)width;
    const char *sa = int_text(start, flags & PJX_RANDRANGE_START_BOOL, a, sizeof a);
    const char *sb = int_text(stop, flags & PJX_RANDRANGE_STOP_BOOL, b, sizeof b);
    if (three)
        pjx_err_format(PJX_EXC_VALUE, "empty range in randrange(%s, %s, %s)", sa, sb,
                       int_text(step, flags & PJX_RANDRANGE_STEP_BOOL, c, sizeof c));
    else
        pjx_err_format(PJX_EXC_VALUE, "empty range in randrange(%s, %s)", sa, sb);
#else
    (void)step;
    if (three)
        pjx_err_set(PJX_EXC_VALUE, "empty range for randrange()");
    else
        pjx_err_format(PJX_EXC_VALUE, "empty range for randrange() (%s, %s, %s)",
                       int_text(start, 0, a, sizeof a), int_text(stop, 0, b, sizeof b),
                       int_text(width, 0, c, sizeof c));
#endif
    return -1;
}

/* random.py's randrange after its arguments became ints (istart, istop,
 * istep), with stop None unless PJX_RANDRANGE_STOP_GIVEN. */
static int32_t randrange(pjx_list *st, i128 start, i128 stop, i128 step, int64_t flags,
                         int64_t *out) {
    u128 n;
    i128 base = start, stride = 1;
    if (!(flags & PJX_RANDRANGE_STOP_GIVEN)) {
        if (!(flags & PJX_RANDRANGE_STEP_IS_ONE)) {
            pjx_err_set(PJX_EXC_TYPE, "Missing a non-None stop argument");
            return -1;
        }
        if (start <= 0) {
            pjx_err_set(PJX_EXC_VALUE, "empty range for randrange()");
            return -1;
        }
        base = 0;
        n = (u128)start;
    } else {
        i128 width = stop - start;
        if (step == 1) {
            if (width <= 0) return empty_range(start, stop, step, width, flags, 0);
            n = (u128)width;
        } else {
            i128 count;
            if (step > 0) count = (width + step - 1) / step;
            else if (step < 0) count = (width + step + 1) / step;
            else {
                pjx_err_set(PJX_EXC_VALUE, "zero step for randrange()");
                return -1;
            }
            /* (C's division truncates, Python's floors: they differ only where
             * the quotient is negative, an empty range either way) */
            if (count <= 0) return empty_range(start, stop, step, width, flags, 1);
            n = (u128)count;
            stride = step;
        }
    }
    lock(st);
    pjx_slot *mt = words_of(st);
    if (mt != NULL) *out = (int64_t)(base + stride * (i128)below(mt, n));
    unlock(st);
    return mt == NULL ? -1 : 0;
}

int32_t pjx_random_randrange(pjx_list *st, int64_t start, int64_t stop, int64_t step,
                             int64_t flags, int64_t *out) {
    return randrange(st, start, stop, step, flags, out);
}

int32_t pjx_random_randint(pjx_list *st, int64_t a, int64_t b, int64_t flags, int64_t *out) {
    /* randrange(a, b + 1): b + 1 is an int even for a bool b */
    return randrange(st, a, (i128)b + 1, 1,
                     (flags & ~(int64_t)PJX_RANDRANGE_STOP_BOOL) | PJX_RANDRANGE_STOP_GIVEN |
                         PJX_RANDRANGE_STEP_IS_ONE,
                     out);
}

/* ---- gauss's pair, and its place in the state ----------------------------------- */

static double random_of(pjx_slot *mt) {
    uint32_t a = genrand_uint32(mt) >> 5, b = genrand_uint32(mt) >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

int32_t pjx_random_gauss(pjx_list *st, double *out) {
    lock(st);
    pjx_slot *mt = words_of(st);
    if (mt != NULL) {
        if (mt[S_HAS_GAUSS].i) {
            mt[S_HAS_GAUSS].i = 0;
            *out = mt[S_GAUSS].f;
        } else { /* random.py's gauss: the pair of Box-Muller, one kept */
            double x2pi = random_of(mt) * 6.283185307179586; /* random.TWOPI */
            double g2rad = sqrt(-2.0 * log(1.0 - random_of(mt)));
            *out = cos(x2pi) * g2rad;
            mt[S_GAUSS].f = sin(x2pi) * g2rad;
            mt[S_HAS_GAUSS].i = 1;
        }
    }
    unlock(st);
    return mt == NULL ? -1 : 0;
}

int32_t pjx_random_has_gauss(pjx_list *st, uint8_t *out) {
    pjx_slot *mt = words_of(st);
    if (mt != NULL) *out = mt[S_HAS_GAUSS].i != 0;
    return mt == NULL ? -1 : 0;
}

int32_t pjx_random_gauss_next(pjx_list *st, double *out) {
    pjx_slot *mt = words_of(st);
    if (mt != NULL) *out = mt[S_GAUSS].f;
    return mt == NULL ? -1 : 0;
}

int32_t pjx_random_set_gauss_next(pjx_list *st, uint8_t has, double value) {
    lock(st);
    pjx_slot *mt = words_of(st);
    if (mt != NULL) {
        mt[S_HAS_GAUSS].i = has != 0;
        mt[S_GAUSS].f = has ? value : 0.0;
    }
    unlock(st);
    return mt == NULL ? -1 : 0;
}

/* ---- bytes ------------------------------------------------------------------------ */

pjx_bytes *pjx_random_randbytes(pjx_list *st, int64_t n) {
    /* getrandbits(n * 8).to_bytes(n, 'little') */
    if (n < 0) {
        pjx_err_set(PJX_EXC_VALUE, "number of bits must be non-negative");
        return NULL;
    }
    if (n > INT32_MAX / 8) {
        pjx_err_set(PJX_EXC_OVERFLOW, "Python int too large to convert to C int");
        return NULL;
    }
    unsigned char *buffer = pjx_alloc((size_t)n + 4);
    if (buffer == NULL) return NULL;
    lock(st);
    pjx_slot *mt = words_of(st);
    if (mt != NULL) {
        int64_t k = n * 8;
        for (int64_t i = 0; k > 0; i += 4, k -= 32) {
            uint32_t r = genrand_uint32(mt);
            if (k < 32) r >>= (32 - k);
            memcpy(buffer + i, &r, 4); /* little-endian words, least significant first */
        }
    }
    unlock(st);
    pjx_bytes *result = mt == NULL ? NULL : pjx_bytes_from_data((const char *)buffer, n);
    pjx_free(buffer);
    return result;
}
