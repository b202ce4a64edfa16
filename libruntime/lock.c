/* Locks that serialise calls on shared state: see pyjitx/lock.h for what
 * they protect and who takes them.  Built on one 32-bit word each so that
 * an instance carries its lock in its header for free, and so that the
 * uncontended path is one atomic instruction to take and one to release. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* syscall() */
#endif
#include "internal.h"
#include "pyjitx/lock.h"

#include <sched.h>
#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#else
#include <time.h>
#endif

#define CONTENDED PJX_LOCK_CONTENDED
#define TOKEN_MASK PJX_LOCK_OWNER

/* ---- the thread's token ------------------------------------------------- */

static uint32_t next_token;
static _Thread_local uint32_t my_token __attribute__((tls_model("initial-exec")));

/* Tokens are handed out once and never reused (2**31 threads in one
 * process before they wrap), so a lock word names its owner exactly. */
static uint32_t token(void) {
    uint32_t t = my_token;
    if (t != 0) return t;
    do {
        t = (__atomic_add_fetch(&next_token, 1, __ATOMIC_RELAXED)) & TOKEN_MASK;
    } while (t == 0);
    my_token = t;
    return t;
}

/* ---- waiting ------------------------------------------------------------ */

uint32_t pjx_lock_token(void) { return token(); }

void pjx_lock_sleep(uint32_t *word, uint32_t value) {
#if defined(__linux__)
    /* returns at once if *word is no longer `value` (EAGAIN), on a wake-up
     * or spuriously: the caller looks again either way */
    syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, value, NULL, NULL, 0);
#else
    if (__atomic_load_n(word, __ATOMIC_RELAXED) == value) {
        struct timespec pause = {0, 50000};
        nanosleep(&pause, NULL);
    }
#endif
}

void pjx_lock_wake_one(uint32_t *word) {
#if defined(__linux__)
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
#else
    (void)word;
#endif
}

void pjx_lock_wake_all(uint32_t *word) {
#if defined(__linux__)
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
#else
    (void)word;
#endif
}

/* ---- one lock ----------------------------------------------------------- */

int32_t pjx_lock_try(uint32_t *word) {
    uint32_t me = token(), expected = 0;
    if (__atomic_compare_exchange_n(word, &expected, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return 1;
    return (expected & TOKEN_MASK) == me ? 0 : -1;
}

void pjx_lock_wait(uint32_t *word) {
    uint32_t me = token();
    /* a short spin first: the holder is usually a call about to return */
    for (int i = 0; i < 64; i++) {
        uint32_t expected = 0;
        if (__atomic_load_n(word, __ATOMIC_RELAXED) == 0 &&
            __atomic_compare_exchange_n(word, &expected, me, 0, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            return;
        sched_yield();
    }
    for (;;) {
        uint32_t old = __atomic_load_n(word, __ATOMIC_RELAXED);
        if (old == 0) {
            /* taken marked contended: others may be asleep on it, and
             * whoever releases it next must wake one of them */
            if (__atomic_compare_exchange_n(word, &old, me | CONTENDED, 0, __ATOMIC_ACQUIRE,
                                            __ATOMIC_RELAXED))
                return;
            continue;
        }
        if (!(old & CONTENDED)) {
            if (!__atomic_compare_exchange_n(word, &old, old | CONTENDED, 0, __ATOMIC_RELAXED,
                                             __ATOMIC_RELAXED))
                continue;
            old |= CONTENDED;
        }
        pjx_lock_sleep(word, old);
    }
}

void pjx_lock_release(uint32_t *word) {
    uint32_t old = __atomic_exchange_n(word, 0, __ATOMIC_RELEASE);
    if (old & CONTENDED) pjx_lock_wake_one(word);
}

/* ---- stripes for other addresses ---------------------------------------- */

#define STRIPE_BITS 12
/* (16 KB; a word each, so neighbouring stripes share cache lines: contention
 * on a stripe is rare, and a small table stays in cache) */
static uint32_t stripes[1u << STRIPE_BITS];

uint32_t *pjx_address_lock_word(const void *address) {
    uint64_t a = (uint64_t)(uintptr_t)address;
    /* objects are 16-byte aligned: the low bits carry nothing */
    uint64_t h = (a >> 4) * 0x9E3779B97F4A7C15ull;
    return &stripes[h >> (64 - STRIPE_BITS)];
}

/* ---- sets --------------------------------------------------------------- */

void pjx_lockset_sort(pjx_lockset *set) {
    /* insertion sort: a call's set is a handful of words */
    int32_t n = set->n;
    for (int32_t i = 1; i < n; i++) {
        uint32_t *w = set->words[i];
        int32_t j = i;
        while (j > 0 && (uintptr_t)set->words[j - 1] > (uintptr_t)w) {
            set->words[j] = set->words[j - 1];
            j--;
        }
        set->words[j] = w;
    }
    int32_t k = 0;
    for (int32_t i = 0; i < n; i++)
        if (k == 0 || set->words[k - 1] != set->words[i]) set->words[k++] = set->words[i];
    set->n = k;
    set->sorted = 1;
}

int32_t pjx_lockset_acquire(pjx_lockset *set) {
    if (!set->sorted) pjx_lockset_sort(set);
    for (; set->next < set->n; set->next++) {
        int32_t rc = pjx_lock_try(set->words[set->next]);
        if (rc < 0) return 1;
        if (rc > 0) set->taken |= 1ull << set->next;
    }
    return 0;
}

void pjx_lockset_wait(pjx_lockset *set) {
    if (set->next >= set->n) return;
    pjx_lock_wait(set->words[set->next]);
    set->taken |= 1ull << set->next;
    set->next++;
}

void pjx_lockset_lock(pjx_lockset *set) {
    while (pjx_lockset_acquire(set)) pjx_lockset_wait(set);
}

void pjx_lockset_release(pjx_lockset *set) {
    for (int32_t i = set->next - 1; i >= 0; i--)
        if (set->taken >> i & 1) pjx_lock_release(set->words[i]);
    pjx_lockset_init(set);
}
