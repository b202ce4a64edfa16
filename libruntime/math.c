/* Primitives for the functions of Python's `math` module that take and
 * return scalars (pjx_math_<name>, declared in pyjitx/math.h).
 *
 * Results and exceptions match CPython 3.11's Modules/mathmodule.c on the
 * same libm (glibc): the same special-value handling, the same wrappers'
 * rules for turning NaN/inf/errno into ValueError("math domain error") and
 * OverflowError("math range error"), and, where CPython computes a function
 * itself instead of calling libm (atan2, remainder, gamma, lgamma, hypot,
 * pow, fmod, ldexp, the logs), the same algorithm with its operations in
 * the same order so that results agree to the bit.  The gamma functions
 * use the Lanczos approximation with Boost's N=13, g=6.0246800407767296
 * parameter set, as CPython does.
 *
 * Integer functions take and return int64_t; a result that does not fit
 * (factorial(21), gcd(-2**63, 0), ...) raises OverflowError, where Python
 * would return a big int. */
#include "pyjitx/math.h"
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const double PJX_PI = 3.141592653589793238462643383279502884197;
static const double PJX_LOG_PI = 1.144729885849400174143427351353058711647;

/* ---- error reporting ---------------------------------------------------- */

static int32_t domain_error(void) {
    pjx_err_set(PJX_EXC_VALUE, "math domain error");
    return -1;
}

static int32_t range_error(void) {
    pjx_err_set(PJX_EXC_OVERFLOW, "math range error");
    return -1;
}

/* CPython's is_error(): called when errno is set after computing r.  An
 * ERANGE with |r| < 1.5 is an underflow and no error: r is the result. */
static int32_t errno_outcome(double r, double *out) {
    int code = errno;
    if (code == EDOM) return domain_error();
    if (code == ERANGE) {
        if (fabs(r) >= 1.5) return range_error();
        *out = r;
        return 0;
    }
    pjx_err_format(PJX_EXC_VALUE, "(%d, '%s')", code, strerror(code));
    return -1;
}

static int32_t int_overflow(const char *call) {
    pjx_err_format(PJX_EXC_OVERFLOW,
                   "int result too large: %s overflows 64-bit pyjitx int", call);
    return -1;
}

/* ---- the wrappers: math_1, math_1a, math_2 -------------------------------- */

/* A libm function without singularities: NaN from a non-NaN is a domain
 * error, inf from a finite x is an overflow (or a domain error when the
 * function cannot overflow). */
static int32_t math_1(double (*f)(double), int can_overflow, double x, double *out) {
    errno = 0;
    double r = f(x);
    if (isnan(r) && !isnan(x)) return domain_error();
    if (isinf(r) && isfinite(x)) return can_overflow ? range_error() : domain_error();
    if (isfinite(r) && errno != 0) return errno_outcome(r, out);
    *out = r;
    return 0;
}

/* A function known to set errno itself. */
static int32_t math_1a(double (*f)(double), double x, double *out) {
    errno = 0;
    double r = f(x);
    if (errno != 0) return errno_outcome(r, out);
    *out = r;
    return 0;
}

static int32_t math_2(double (*f)(double, double), double x, double y, double *out) {
    errno = 0;
    double r = f(x, y);
    if (isnan(r))
        errno = (!isnan(x) && !isnan(y)) ? EDOM : 0;
    else if (isinf(r))
        errno = (isfinite(x) && isfinite(y)) ? ERANGE : 0;
    if (errno != 0) return errno_outcome(r, out);
    *out = r;
    return 0;
}

/* ---- functions CPython computes itself ------------------------------------ */

/* sin(pi * x), accurate near integers; x finite. */
static double sin_pi(double x) {
    double y = fmod(fabs(x), 2.0);
    double r;
    switch ((int)round(2.0 * y)) {
    case 0: r = sin(PJX_PI * y); break;
    case 1: r = cos(PJX_PI * (y - 0.5)); break;
    case 2: r = sin(PJX_PI * (1.0 - y)); break;   /* +0.0 at y == 1 */
    case 3: r = -cos(PJX_PI * (y - 1.5)); break;
    default: r = sin(PJX_PI * (y - 2.0)); break;
    }
    return copysign(1.0, x) * r;
}

#define LANCZOS_N 13
static const double lanczos_g = 6.024680040776729583740234375;
static const double lanczos_g_minus_half = 5.524680040776729583740234375;
/* The Lanczos sum as a rational function: numerator coefficients, and the
 * denominator x*(x+1)*...*(x+11) expanded. */
static const double lanczos_num[LANCZOS_N] = {
    23531376880.410759688572007674451636754734846804940,
    42919803642.649098768957899047001988850926355848959,
    35711959237.355668049440185451547166705960488635843,
    17921034426.037209699919755754458931112671403265390,
    6039542586.3520280050642916443072979210699388420708,
    1439720407.3117216736632230727949123939715485786772,
    248874557.86205415651146038641322942321632125127801,
    31426415.585400194380614231628318205362874684987640,
    2876370.6289353724412254090516208496135991145378768,
    186056.26539522349504029498971604569928220784236328,
    8071.6720023658162106380029022722506138218516325024,
    210.82427775157934587250973392071336271166969580291,
    2.5066282746310002701649081771338373386264310793408,
};
static const double lanczos_den[LANCZOS_N] = {
    0.0, 39916800.0, 120543840.0, 150917976.0, 105258076.0, 45995730.0,
    13339535.0, 2637558.0, 357423.0, 32670.0, 1925.0, 66.0, 1.0,
};

/* Gamma(n) for n = 1..23, all exact. */
static const double gamma_of_integer[23] = {
    1.0, 1.0, 2.0, 6.0, 24.0, 120.0, 720.0, 5040.0, 40320.0, 362880.0,
    3628800.0, 39916800.0, 479001600.0, 6227020800.0, 87178291200.0,
    1307674368000.0, 20922789888000.0, 355687428096000.0,
    6402373705728000.0, 121645100408832000.0, 2432902008176640000.0,
    51090942171709440000.0, 1124000727777607680000.0,
};

/* L_g(x) for x > 0; for x >= 5 as a rational function of 1/x. */
static double lanczos_sum(double x) {
    double num = 0.0, den = 0.0;
    if (x < 5.0) {
        for (int i = LANCZOS_N - 1; i >= 0; i--) {
            num = num * x + lanczos_num[i];
            den = den * x + lanczos_den[i];
        }
    } else {
        for (int i = 0; i < LANCZOS_N; i++) {
            num = num / x + lanczos_num[i];
            den = den / x + lanczos_den[i];
        }
    }
    return num / den;
}

/* Gamma(x) for finite x that is neither 0 nor a negative integer nor a
 * tabulated positive integer; sets errno = ERANGE on overflow. */
static double gamma_lanczos(double x) {
    double ax = fabs(x);
    if (ax < 1e-20) {   /* Gamma(x) ~ 1/x */
        double r = 1.0 / x;
        if (isinf(r)) errno = ERANGE;
        return r;
    }
    if (ax > 200.0) {   /* overflows, or underflows to a signed zero */
        if (x < 0.0) return 0.0 / sin_pi(x);
        errno = ERANGE;
        return HUGE_VAL;
    }
    double y = ax + lanczos_g_minus_half;
    /* z: the rounding error of y, scaled into a correction factor */
    double z = ax > lanczos_g_minus_half ? (y - ax) - lanczos_g_minus_half
                                         : (y - lanczos_g_minus_half) - ax;
    z = z * lanczos_g / y;
    double r;
    if (x < 0.0) {   /* reflection formula */
        r = -PJX_PI / sin_pi(ax) / ax * exp(y) / lanczos_sum(ax);
        r -= z * r;
        if (ax < 140.0) {
            r /= pow(y, ax - 0.5);
        } else {
            double half_power = pow(y, ax / 2.0 - 0.25);
            r /= half_power;
            r /= half_power;
        }
    } else {
        r = lanczos_sum(ax) / exp(y);
        r += z * r;
        if (ax < 140.0) {
            r *= pow(y, ax - 0.5);
        } else {
            double half_power = pow(y, ax / 2.0 - 0.25);
            r *= half_power;
            r *= half_power;
        }
    }
    if (isinf(r)) errno = ERANGE;
    return r;
}

static double gamma_fn(double x) {
    if (!isfinite(x)) {
        if (isnan(x) || x > 0.0) return x;
        errno = EDOM;   /* Gamma(-inf) */
        return NAN;
    }
    if (x == 0.0) {
        errno = EDOM;   /* pole */
        return copysign(HUGE_VAL, x);
    }
    if (x == floor(x)) {
        if (x < 0.0) {
            errno = EDOM;   /* pole at each negative integer */
            return NAN;
        }
        if (x <= 23.0) return gamma_of_integer[(int)x - 1];
    }
    return gamma_lanczos(x);
}

static double lgamma_fn(double x) {
    if (!isfinite(x)) return isnan(x) ? x : HUGE_VAL;
    if (x == floor(x) && x <= 2.0) {
        if (x <= 0.0) {
            errno = EDOM;
            return HUGE_VAL;
        }
        return 0.0;   /* lgamma(1) = lgamma(2) = 0 */
    }
    double ax = fabs(x);
    if (ax < 1e-20) return -log(ax);
    double r = log(lanczos_sum(ax)) - lanczos_g;
    r += (ax - 0.5) * (log(ax + lanczos_g - 0.5) - 1);
    if (x < 0.0) r = PJX_LOG_PI - log(fabs(sin_pi(ax))) - log(ax) - r;
    if (isinf(r)) errno = ERANGE;
    return r;
}

/* atan2 with the C99 special values fixed before libm sees them. */
static double atan2_fn(double y, double x) {
    if (isnan(x) || isnan(y)) return NAN;
    if (isinf(y)) {
        if (isinf(x)) return copysign((copysign(1.0, x) == 1.0 ? 0.25 : 0.75) * PJX_PI, y);
        return copysign(0.5 * PJX_PI, y);
    }
    if (isinf(x) || y == 0.0) return copysign(copysign(1.0, x) == 1.0 ? 0.0 : PJX_PI, y);
    return atan2(y, x);
}

/* IEEE 754 remainder, computed exactly with fmod. */
static double remainder_fn(double x, double y) {
    if (isfinite(x) && isfinite(y)) {
        if (y == 0.0) return NAN;
        double ax = fabs(x), ay = fabs(y);
        double m = fmod(ax, ay);
        double c = ay - m;   /* compare m with ay/2 without computing ay/2 */
        double r;
        if (m < c)
            r = m;
        else if (m > c)
            r = -c;
        else   /* a tie: m if the quotient is even, -m if odd */
            r = m - 2.0 * fmod(0.5 * (ax - m), ay);
        return copysign(1.0, x) * r;
    }
    if (isnan(x)) return x;
    if (isnan(y)) return y;
    if (isinf(x)) return NAN;
    return x;   /* finite x, infinite y */
}

/* The logarithms with their special values handled before libm. */
static double log_with(double (*f)(double), double x) {
    if (isfinite(x)) {
        if (x > 0.0) return f(x);
        errno = EDOM;
        return x == 0.0 ? -HUGE_VAL : NAN;
    }
    if (isnan(x) || x > 0.0) return x;
    errno = EDOM;
    return NAN;   /* log(-inf) */
}

static double log_fn(double x) { return log_with(log, x); }
static double log2_fn(double x) { return log_with(log2, x); }
static double log10_fn(double x) { return log_with(log10, x); }

static double log1p_fn(double x) { return x == 0.0 ? x : log1p(x); }

/* sqrt(a*a + b*b) for a, b >= 0 and finite, max = max(a, b) > 0: CPython's
 * vector_norm for two coordinates (scaling, Dekker splitting, compensated
 * summation and a correction step on the square root). */
static double norm2(double a, double b, double max) {
    const double split = 134217729.0;   /* 2**27 + 1 */
    double csum = 1.0, frac1 = 0.0, frac2 = 0.0, frac3 = 0.0;
    double coords[2] = {a, b};
    int max_exp;
    frexp(max, &max_exp);
    if (max_exp < -1023) {   /* 2**-max_exp would overflow: divide by max */
        for (int i = 0; i < 2; i++) {
            double x = coords[i] / max;
            x = x * x;
            double old = csum;
            csum += x;
            frac1 += (old - csum) + x;
        }
        return max * sqrt(csum - 1.0 + frac1);
    }
    double scale = ldexp(1.0, -max_exp);
    for (int i = 0; i < 2; i++) {
        double x = coords[i] * scale;
        double t = x * split;
        double hi = t - (t - x), lo = x - hi;
        double sq = hi * hi, old = csum;
        csum += sq;
        frac1 += (old - csum) + sq;
        double cross = 2.0 * hi * lo;
        old = csum;
        csum += cross;
        frac2 += (old - csum) + cross;
        frac3 += lo * lo;
    }
    double h = sqrt(csum - 1.0 + (frac1 + frac2 + frac3));
    /* subtract h*h exactly, then correct h by a Newton step */
    double t = h * split;
    double hi = t - (t - h), lo = h - hi;
    double x = -hi * hi, old = csum;
    csum += x;
    frac1 += (old - csum) + x;
    x = -2.0 * hi * lo;
    old = csum;
    csum += x;
    frac2 += (old - csum) + x;
    x = -lo * lo;
    old = csum;
    csum += x;
    frac3 += (old - csum) + x;
    x = csum - 1.0 + (frac1 + frac2 + frac3);
    return (h + x / (2.0 * h)) / scale;
}

/* ---- float -> float ------------------------------------------------------- */

#define MATH_1(name, func, can_overflow)                          \
    int32_t pjx_math_##name(double x, double *out) {              \
        return math_1(func, can_overflow, x, out);                \
    }

MATH_1(sqrt, sqrt, 0)
MATH_1(exp, exp, 1)
MATH_1(exp2, exp2, 1)
MATH_1(expm1, expm1, 1)
MATH_1(log, log_fn, 0)
MATH_1(log2, log2_fn, 0)
MATH_1(log10, log10_fn, 0)
MATH_1(log1p, log1p_fn, 0)
MATH_1(sin, sin, 0)
MATH_1(cos, cos, 0)
MATH_1(tan, tan, 0)
MATH_1(asin, asin, 0)
MATH_1(acos, acos, 0)
MATH_1(atan, atan, 0)
MATH_1(sinh, sinh, 1)
MATH_1(cosh, cosh, 1)
MATH_1(tanh, tanh, 0)
MATH_1(asinh, asinh, 0)
MATH_1(acosh, acosh, 0)
MATH_1(atanh, atanh, 0)
MATH_1(fabs, fabs, 0)
MATH_1(cbrt, cbrt, 0)
#undef MATH_1

int32_t pjx_math_erf(double x, double *out) { return math_1a(erf, x, out); }
int32_t pjx_math_erfc(double x, double *out) { return math_1a(erfc, x, out); }
int32_t pjx_math_gamma(double x, double *out) { return math_1a(gamma_fn, x, out); }
int32_t pjx_math_lgamma(double x, double *out) { return math_1a(lgamma_fn, x, out); }

/* math.log(x, base): log(x) / log(base), each checked as math.log(x). */
int32_t pjx_math_log_base(double x, double base, double *out) {
    double num, den;
    if (pjx_math_log(x, &num) < 0 || pjx_math_log(base, &den) < 0) return -1;
    if (den == 0.0) {
        pjx_err_set(PJX_EXC_ZERO_DIVISION, "float division by zero");
        return -1;
    }
    *out = num / den;
    return 0;
}

int32_t pjx_math_degrees(double x, double *out) {
    *out = x * (180.0 / PJX_PI);
    return 0;
}

int32_t pjx_math_radians(double x, double *out) {
    *out = x * (PJX_PI / 180.0);
    return 0;
}

int32_t pjx_math_ulp(double x, double *out) {
    if (isnan(x)) {
        *out = x;
        return 0;
    }
    x = fabs(x);
    if (isinf(x)) {
        *out = x;
        return 0;
    }
    double next = nextafter(x, INFINITY);
    *out = isinf(next) ? x - nextafter(x, -INFINITY) : next - x;
    return 0;
}

/* ---- (float, float) -> float ---------------------------------------------- */

int32_t pjx_math_atan2(double y, double x, double *out) { return math_2(atan2_fn, y, x, out); }
int32_t pjx_math_copysign(double x, double y, double *out) { return math_2(copysign, x, y, out); }
int32_t pjx_math_remainder(double x, double y, double *out) {
    return math_2(remainder_fn, x, y, out);
}

int32_t pjx_math_fmod(double x, double y, double *out) {
    if (isinf(y) && isfinite(x)) {   /* fmod(x, +-inf) is x */
        *out = x;
        return 0;
    }
    double r = fmod(x, y);
    if (isnan(r) && !isnan(x) && !isnan(y)) return domain_error();
    *out = r;
    return 0;
}

int32_t pjx_math_hypot(double x, double y, double *out) {
    double a = fabs(x), b = fabs(y);
    double max = a > b ? a : b;   /* NaN-insensitive, like CPython's loop */
    if (isinf(a) || isinf(b))
        *out = INFINITY;
    else if (isnan(a) || isnan(b))
        *out = NAN;
    else if (max == 0.0)
        *out = max;
    else
        *out = norm2(a, b, max);
    return 0;
}

/* math.pow: C99 special values; a NaN or an infinity from finite operands
 * is a domain error (negative ** fraction, 0 ** negative) or an overflow. */
static double pow_special(double x, double y) {
    if (isnan(x)) return y == 0.0 ? 1.0 : x;
    if (isnan(y)) return x == 1.0 ? 1.0 : y;
    if (isinf(x)) {
        int odd_y = isfinite(y) && fmod(fabs(y), 2.0) == 1.0;
        if (y > 0.0) return odd_y ? x : fabs(x);
        if (y == 0.0) return 1.0;
        return odd_y ? copysign(0.0, x) : 0.0;
    }
    /* y is infinite */
    if (fabs(x) == 1.0) return 1.0;
    if (y > 0.0 && fabs(x) > 1.0) return y;
    if (y < 0.0 && fabs(x) < 1.0) return -y;
    return 0.0;
}

int32_t pjx_math_pow(double x, double y, double *out) {
    if (!PJX_PY_AT_LEAST(3, 11) && x == 0.0 && isinf(y) && y < 0.0)
        return domain_error(); /* 3.11 made 0.0 ** -inf inf */
    if (!isfinite(x) || !isfinite(y)) {
        *out = pow_special(x, y);
        return 0;
    }
    errno = 0;
    double r = pow(x, y);
    if (isnan(r))
        errno = EDOM;
    else if (isinf(r))
        errno = x == 0.0 ? EDOM : ERANGE;
    if (errno != 0) return errno_outcome(r, out);
    *out = r;
    return 0;
}

int32_t pjx_math_nextafter(double x, double y, double *out) {
    *out = nextafter(x, y);
    return 0;
}

/* ---- float -> int ----------------------------------------------------------- */

int32_t pjx_math_floor(double x, int64_t *out) { return pjx_float_to_int(floor(x), out); }
int32_t pjx_math_ceil(double x, int64_t *out) { return pjx_float_to_int(ceil(x), out); }
int32_t pjx_math_trunc(double x, int64_t *out) { return pjx_float_to_int(x, out); }

/* ---- (float, int) -> float ---------------------------------------------- */

int32_t pjx_math_ldexp(double x, int64_t i, double *out) {
    double r;
    errno = 0;
    if (x == 0.0 || !isfinite(x)) {
        r = x;
    } else if (i > INT_MAX) {
        r = copysign(HUGE_VAL, x);
        errno = ERANGE;
    } else if (i < INT_MIN) {
        r = copysign(0.0, x);
    } else {
        r = ldexp(x, (int)i);
        errno = isinf(r) ? ERANGE : 0;
    }
    if (errno != 0) return errno_outcome(r, out);
    *out = r;
    return 0;
}

/* ---- predicates ------------------------------------------------------------- */

int32_t pjx_math_isnan(double x, uint8_t *out) {
    *out = isnan(x) != 0;
    return 0;
}

int32_t pjx_math_isinf(double x, uint8_t *out) {
    *out = isinf(x) != 0;
    return 0;
}

int32_t pjx_math_isfinite(double x, uint8_t *out) {
    *out = isfinite(x) != 0;
    return 0;
}

int32_t pjx_math_isclose(double a, double b, double rel_tol, double abs_tol, uint8_t *out) {
    if (rel_tol < 0.0 || abs_tol < 0.0) {
        pjx_err_set(PJX_EXC_VALUE, "tolerances must be non-negative");
        return -1;
    }
    if (a == b) {
        *out = 1;
    } else if (isinf(a) || isinf(b)) {
        *out = 0;
    } else {
        double diff = fabs(b - a);
        *out = diff <= fabs(rel_tol * b) || diff <= fabs(rel_tol * a) || diff <= abs_tol;
    }
    return 0;
}

/* ---- integer functions ---------------------------------------------------- */

static uint64_t magnitude(int64_t x) { return x < 0 ? 0 - (uint64_t)x : (uint64_t)x; }

static uint64_t gcd_u64(uint64_t a, uint64_t b) {
    while (b != 0) {
        uint64_t r = a % b;
        a = b;
        b = r;
    }
    return a;
}

int32_t pjx_math_gcd(int64_t a, int64_t b, int64_t *out) {
    uint64_t g = gcd_u64(magnitude(a), magnitude(b));
    if (g > (uint64_t)INT64_MAX) {   /* only 2**63: gcd(-2**63, 0) and alike */
        char call[64];
        snprintf(call, sizeof call, "gcd(%" PRId64 ", %" PRId64 ")", a, b);
        return int_overflow(call);
    }
    *out = (int64_t)g;
    return 0;
}

int32_t pjx_math_lcm(int64_t a, int64_t b, int64_t *out) {
    if (a == 0 || b == 0) {
        *out = 0;
        return 0;
    }
    uint64_t ma = magnitude(a), mb = magnitude(b);
    uint64_t product;
    if (__builtin_mul_overflow(ma / gcd_u64(ma, mb), mb, &product) ||
        product > (uint64_t)INT64_MAX) {
        char call[64];
        snprintf(call, sizeof call, "lcm(%" PRId64 ", %" PRId64 ")", a, b);
        return int_overflow(call);
    }
    *out = (int64_t)product;
    return 0;
}

int32_t pjx_math_isqrt(int64_t n, int64_t *out) {
    if (n < 0) {
        pjx_err_set(PJX_EXC_VALUE, "isqrt() argument must be nonnegative");
        return -1;
    }
    /* the double estimate is within a few units; fix it exactly */
    int64_t r = (int64_t)sqrt((double)n);
    while ((__int128)r * r > n) r--;
    while ((__int128)(r + 1) * (r + 1) <= n) r++;
    *out = r;
    return 0;
}

int32_t pjx_math_factorial(int64_t n, int64_t *out) {
    if (n < 0) {
        pjx_err_set(PJX_EXC_VALUE, "factorial() not defined for negative values");
        return -1;
    }
    if (n > 20) {   /* 21! > 2**63 */
        char call[64];
        snprintf(call, sizeof call, "factorial(%" PRId64 ")", n);
        return int_overflow(call);
    }
    int64_t result = 1;
    for (int64_t i = 2; i <= n; i++) result *= i;
    *out = result;
    return 0;
}

/* The argument checks shared by comb and perm; 1 when k > n (result 0). */
static int32_t check_n_k(int64_t n, int64_t k) {
    if (n < 0) {
        pjx_err_set(PJX_EXC_VALUE, "n must be a non-negative integer");
        return -1;
    }
    if (k < 0) {
        pjx_err_set(PJX_EXC_VALUE, "k must be a non-negative integer");
        return -1;
    }
    return k > n;
}

static int32_t comb_perm_overflow(const char *name, int64_t n, int64_t k) {
    char call[80];
    snprintf(call, sizeof call, "%s(%" PRId64 ", %" PRId64 ")", name, n, k);
    return int_overflow(call);
}

int32_t pjx_math_comb(int64_t n, int64_t k, int64_t *out) {
    int32_t status = check_n_k(n, k);
    if (status != 0) {
        if (status > 0) *out = 0;
        return status < 0 ? -1 : 0;
    }
    int64_t steps = k < n - k ? k : n - k;   /* C(n, k) == C(n, n-k) */
    /* C(n, i+1) = C(n, i) * (n-i) / (i+1), exact; C(n, i) grows with i up
     * to n/2, so the first value past int64 means the result overflows. */
    unsigned __int128 c = 1;
    for (int64_t i = 0; i < steps; i++) {
        c = c * (uint64_t)(n - i) / (uint64_t)(i + 1);
        if (c > INT64_MAX) return comb_perm_overflow("comb", n, k);
    }
    *out = (int64_t)c;
    return 0;
}

int32_t pjx_math_perm(int64_t n, int64_t k, int64_t *out) {
    int32_t status = check_n_k(n, k);
    if (status != 0) {
        if (status > 0) *out = 0;
        return status < 0 ? -1 : 0;
    }
    /* n * (n-1) * ... * (n-k+1): every factor but the last is >= 2, so this
     * overflows within 64 steps unless the product is small. */
    int64_t p = 1;
    for (int64_t i = 0; i < k; i++)
        if (__builtin_mul_overflow(p, n - i, &p)) return comb_perm_overflow("perm", n, k);
    *out = p;
    return 0;
}
