/* Scalar primitives behind Python's operators and builtins on int and float:
 * int ** int, float ** float, float // float, float % float, int(float),
 * round(float), round(float, n) and round(int, n).
 *
 * Each one reproduces CPython 3.11's result and exception (type and
 * message) bit for bit; see Objects/floatobject.c and Objects/longobject.c.
 * The deviations, all forced by `int` being int64_t and by the lack of a
 * complex type, raise documented errors instead:
 *   - an int result outside int64 raises OverflowError;
 *   - int ** negative int (a float in Python) raises ValueError;
 *   - negative float ** non-integer float (a complex in Python) raises
 *     ValueError.
 * math-module functions live in math.c. */
#include "pyjitx/runtime.h"
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------ */

static int32_t int_overflow_pow(int64_t base, int64_t exp) {
    pjx_err_format(PJX_EXC_OVERFLOW,
                   "int result too large: %" PRId64 " ** %" PRId64
                   " overflows 64-bit pyjitx int", base, exp);
    return -1;
}

/* PyErr_SetFromErrno: the message is str(OSError-style args). */
static int32_t errno_error(int code) {
    pjx_err_format(code == ERANGE ? PJX_EXC_OVERFLOW : PJX_EXC_VALUE, "(%d, '%s')", code,
                   strerror(code));
    return -1;
}

/* CPython's DOUBLE_IS_ODD_INTEGER. */
static int is_odd_integer(double x) { return fmod(fabs(x), 2.0) == 1.0; }

/* PyLong_FromDouble for a double that is already integral (or inf/NaN). */
static int32_t integral_to_int(double whole, int64_t *out) {
    if (isnan(whole)) {
        pjx_err_set(PJX_EXC_VALUE, "cannot convert float NaN to integer");
        return -1;
    }
    if (isinf(whole)) {
        pjx_err_set(PJX_EXC_OVERFLOW, "cannot convert float infinity to integer");
        return -1;
    }
    /* -2**63 and 2**63 are exact doubles */
    if (whole < -9223372036854775808.0 || whole >= 9223372036854775808.0) {
        pjx_err_set(PJX_EXC_OVERFLOW, "int too large for pyjitx int (64-bit signed)");
        return -1;
    }
    *out = (int64_t)whole;
    return 0;
}

/* ---- int ** int --------------------------------------------------------- */

int32_t pjx_int_pow(int64_t base, int64_t exp, int64_t *out) {
    if (exp < 0) {
        if (base == 0) {   /* CPython: 0 ** -n goes through float pow */
            pjx_err_set(PJX_EXC_ZERO_DIVISION, "0.0 cannot be raised to a negative power");
            return -1;
        }
        pjx_err_set(PJX_EXC_VALUE,
                    "pyjitx: int ** negative int gives a float in Python; use a float base");
        return -1;
    }
    int64_t result = 1, square = base;
    for (int64_t e = exp; e != 0; e >>= 1) {
        if ((e & 1) && __builtin_mul_overflow(result, square, &result))
            return int_overflow_pow(base, exp);
        /* Squaring only when bits remain: an overflowing square with bits
         * left means the result overflows too (|result| >= 1 here). */
        if (e > 1 && __builtin_mul_overflow(square, square, &square))
            return int_overflow_pow(base, exp);
    }
    *out = result;
    return 0;
}

/* ---- float ** float (float_pow) ----------------------------------------- */

/* Non-finite operands and zero base: the IEEE/C99 special values. */
static double pow_special(double base, double exp) {
    if (isnan(base)) return base;
    if (isnan(exp)) return base == 1.0 ? 1.0 : exp;
    if (isinf(exp)) {
        double size = fabs(base);
        if (size == 1.0) return 1.0;
        return (exp > 0.0) == (size > 1.0) ? fabs(exp) : 0.0;
    }
    /* base is infinite, or zero with exp >= 0 */
    int odd = is_odd_integer(exp);
    if (isinf(base)) {
        if (exp > 0.0) return odd ? base : fabs(base);
        return odd ? copysign(0.0, base) : 0.0;
    }
    return odd ? base : 0.0;
}

/* Negative finite base, finite non-integer exponent: CPython hands these to
 * complex pow, whose result has modulus pow(-base, exp).  It raises
 * OverflowError when that modulus overflows; otherwise it returns a complex,
 * which pyjitx cannot represent. */
static int32_t complex_pow_error(double base, double exp) {
    if (isinf(pow(-base, exp))) {
        pjx_err_set(PJX_EXC_OVERFLOW, "complex exponentiation");
        return -1;
    }
    pjx_err_set(PJX_EXC_VALUE,
                "pyjitx: negative number cannot be raised to a fractional power (complex result)");
    return -1;
}

int32_t pjx_float_pow(double base, double exp, double *out) {
    if (exp == 0.0) {
        *out = 1.0;   /* x ** 0 is 1, even for NaN and 0 */
        return 0;
    }
    if (base == 0.0 && exp < 0.0 && !isinf(exp)) {
        pjx_err_set(PJX_EXC_ZERO_DIVISION, "0.0 cannot be raised to a negative power");
        return -1;
    }
    if (!isfinite(base) || !isfinite(exp) || base == 0.0) {
        *out = pow_special(base, exp);
        return 0;
    }
    int negate = 0;
    if (base < 0.0) {
        if (exp != floor(exp)) return complex_pow_error(base, exp);
        base = -base;
        negate = is_odd_integer(exp);
    }
    if (base == 1.0) {
        *out = negate ? -1.0 : 1.0;
        return 0;
    }
    errno = 0;
    double result = pow(base, exp);
    /* CPython's _Py_ADJUST_ERANGE1: overflow is an error, underflow is not */
    if (errno == 0 && isinf(result)) errno = ERANGE;
    else if (errno == ERANGE && result == 0.0) errno = 0;
    if (errno != 0) return errno_error(errno);
    *out = negate ? -result : result;
    return 0;
}

/* ---- float // float and float % float ----------------------------------- */

int32_t pjx_float_floordiv(double a, double b, double *out) {
    if (b == 0.0) {
        pjx_err_set(PJX_EXC_ZERO_DIVISION, "float floor division by zero");
        return -1;
    }
    double mod = fmod(a, b);
    double div = (a - mod) / b;   /* exact-ish multiple, fixed up below */
    if (mod != 0.0 && (b < 0.0) != (mod < 0.0)) div -= 1.0;
    double result;
    if (div != 0.0) {
        result = floor(div);
        if (div - result > 0.5) result += 1.0;
    } else {
        result = copysign(0.0, a / b);
    }
    *out = result;
    return 0;
}

int32_t pjx_float_mod(double a, double b, double *out) {
    if (b == 0.0) {
        pjx_err_set(PJX_EXC_ZERO_DIVISION, PJX_PY_AT_LEAST(3, 13) ? "float modulo by zero"
                                                                  : "float modulo");
        return -1;
    }
    double mod = fmod(a, b);
    if (mod != 0.0) {
        if ((b < 0.0) != (mod < 0.0)) mod += b;   /* sign of the divisor */
    } else {
        mod = copysign(0.0, b);
    }
    *out = mod;
    return 0;
}

/* ---- int(float), round(float) ------------------------------------------ */

int32_t pjx_float_to_int(double x, int64_t *out) { return integral_to_int(trunc(x), out); }

int32_t pjx_float_round(double x, int64_t *out) {
    double rounded = round(x);   /* halves away from zero ... */
    if (fabs(x - rounded) == 0.5) rounded = 2.0 * round(x / 2.0);   /* ... then to even */
    return integral_to_int(rounded, out);
}

/* ---- round(float, ndigits) ----------------------------------------------
 * CPython rounds the exact binary value of x to a decimal string with
 * round-half-even (dtoa mode 3), then converts that string back.  glibc's
 * printf is exact and rounds half-even in the default rounding mode, and
 * its strtod is correctly rounded, so both steps can be done with them. */

/* Outside this window round() returns x, or a zero with the sign of x. */
#define ROUND_NDIGITS_MAX 323    /* (DBL_MANT_DIG - DBL_MIN_EXP) * log10(2) */
#define ROUND_NDIGITS_MIN (-308) /* -(DBL_MAX_EXP + 1) * log10(2) */

/* Buffers: 309 integer digits + '.' + 323 decimals + sign + NUL, rounded up. */
#define ROUND_BUFFER 720

static int32_t rounded_to_double(const char *text, double *out) {
    double rounded = strtod(text, NULL);
    if (isinf(rounded)) {
        pjx_err_set(PJX_EXC_OVERFLOW, "rounded value too large to represent");
        return -1;
    }
    *out = rounded;
    return 0;
}

/* x rounded to a multiple of 10**places (places >= 1), half-even. */
static int32_t round_to_tens(double x, int places, double *out) {
    char whole[ROUND_BUFFER], text[ROUND_BUFFER];
    double size = fabs(x);
    snprintf(whole, sizeof whole, "%.0f", floor(size));   /* exact */
    int digits = size < 1.0 ? 0 : (int)strlen(whole);
    int keep = digits - places;   /* significant digits that survive */
    if (keep >= 1) {
        snprintf(text, sizeof text, "%.*e", keep - 1, x);
        return rounded_to_double(text, out);
    }
    int up = 0;
    if (keep == 0) {   /* 10**(places-1) <= |x| < 10**places: 0 or 10**places */
        int above_half = whole[0] > '5' || floor(size) != size ||
                         strspn(whole + 1, "0") != strlen(whole + 1);
        up = whole[0] > '5' || (whole[0] == '5' && above_half);   /* tie -> 0 (even) */
    }
    if (!up) {
        *out = copysign(0.0, x);
        return 0;
    }
    snprintf(text, sizeof text, "%s1e%d", x < 0.0 ? "-" : "", places);
    return rounded_to_double(text, out);
}

int32_t pjx_float_round_ndigits(double x, int64_t ndigits, double *out) {
    if (!isfinite(x) || ndigits > ROUND_NDIGITS_MAX) {
        *out = x;
        return 0;
    }
    if (ndigits < ROUND_NDIGITS_MIN) {
        *out = 0.0 * x;
        return 0;
    }
    if (ndigits < 0) return round_to_tens(x, (int)-ndigits, out);
    char text[ROUND_BUFFER];
    snprintf(text, sizeof text, "%.*f", (int)ndigits, x);
    return rounded_to_double(text, out);
}

/* ---- round(int, ndigits) ------------------------------------------------ */

int32_t pjx_int_round_ndigits(int64_t x, int64_t ndigits, int64_t *out) {
    if (ndigits >= 0) {
        *out = x;
        return 0;
    }
    if (ndigits < -19) {   /* 10**20 / 2 > |x|: always rounds to 0 */
        *out = 0;
        return 0;
    }
    __int128 unit = 1;
    for (int64_t i = 0; i < -ndigits; i++) unit *= 10;
    __int128 q = x / unit, r = x % unit;
    if (r < 0) {   /* floor division */
        q -= 1;
        r += unit;
    }
    if (2 * r > unit || (2 * r == unit && (q & 1))) q += 1;   /* half to even */
    __int128 result = q * unit;
    if (result > INT64_MAX || result < INT64_MIN) {
        pjx_err_format(PJX_EXC_OVERFLOW,
                       "int result too large: round(%" PRId64 ", %" PRId64
                       ") overflows 64-bit pyjitx int", x, ndigits);
        return -1;
    }
    *out = (int64_t)result;
    return 0;
}
