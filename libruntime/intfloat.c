/* Operations mixing int and float that CPython computes exactly, where the
 * obvious C expression would round: comparison of an int with a float, and
 * true division of two ints (correctly rounded, as CPython's long_true_divide). */
#include "pyjitx/runtime.h"

#include <math.h>

/* -1, 0 or 1 as i is less than, equal to or greater than d; 2 if d is NaN. */
int64_t pjx_compare_int_float(int64_t i, double d) {
    if (isnan(d)) return 2;
    if (d >= 9223372036854775808.0) return -1;   /* d >= 2**63 > any int64 */
    if (d < -9223372036854775808.0) return 1;    /* d < -2**63 */
    double whole = floor(d);                      /* exact, and in int64 range */
    int64_t t = (int64_t)whole;
    if (i < t) return -1;
    if (i > t) return 1;
    return whole == d ? 0 : -1;                   /* i == floor(d) < d */
}

static int bit_length(unsigned __int128 x) {
    int bits = 0;
    while (x != 0) { x >>= 1; bits++; }
    return bits;
}

/* a / b rounded once to the nearest double (ties to even). */
int32_t pjx_int_truediv(int64_t a, int64_t b, double *out) {
    if (b == 0) {
        pjx_err_set(PJX_EXC_ZERO_DIVISION, "division by zero");
        return -1;
    }
    const int64_t exact = (int64_t)1 << 53;
    if (a >= -exact && a <= exact && b >= -exact && b <= exact) {
        *out = (double)a / (double)b;   /* both exact: one IEEE rounding */
        return 0;
    }
    int negative = (a < 0) != (b < 0);
    unsigned __int128 n = a < 0 ? (unsigned __int128)(-(__int128)a) : (unsigned __int128)a;
    unsigned __int128 d = b < 0 ? (unsigned __int128)(-(__int128)b) : (unsigned __int128)b;
    if (n == 0) {
        *out = negative ? -0.0 : 0.0;
        return 0;
    }
    /* Scale the numerator so the quotient has at least 55 significant bits,
     * then fold the remainder into a sticky bit: converting that integer to
     * double rounds exactly as the infinitely precise quotient would. */
    int shift = 56 + bit_length(d) - bit_length(n);   /* quotient >= 2**55 */
    if (shift < 0) shift = 0;
    n <<= shift;   /* n < 2**64 and shift <= 56 + 63: no bits are lost */
    unsigned __int128 q = n / d, r = n % d;
    if (r != 0) q |= 1;
    double result = ldexp((double)q, -shift);
    *out = negative ? -result : result;
    return 0;
}
