/* Primitives for Python's `math` module functions on scalars, defined in
 * libruntime/math.c.  Same convention as runtime.h: return 0 and store the
 * result through `out`, or return -1 with the exception set (CPython's type
 * and message: ValueError "math domain error", OverflowError "math range
 * error", ...).  Python ints are int64_t; an int result outside int64
 * raises OverflowError.  Predicates and functions that cannot fail still
 * follow the convention and always return 0.  Every symbol here is listed
 * in math_symbols.def. */
#ifndef PYJITX_MATH_H
#define PYJITX_MATH_H
#include "pyjitx/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* float -> float */
PJX_EXPORT int32_t pjx_math_sqrt(double x, double *out);
PJX_EXPORT int32_t pjx_math_cbrt(double x, double *out);
PJX_EXPORT int32_t pjx_math_exp(double x, double *out);
PJX_EXPORT int32_t pjx_math_exp2(double x, double *out);
PJX_EXPORT int32_t pjx_math_expm1(double x, double *out);
PJX_EXPORT int32_t pjx_math_log(double x, double *out);
PJX_EXPORT int32_t pjx_math_log2(double x, double *out);
PJX_EXPORT int32_t pjx_math_log10(double x, double *out);
PJX_EXPORT int32_t pjx_math_log1p(double x, double *out);
PJX_EXPORT int32_t pjx_math_sin(double x, double *out);
PJX_EXPORT int32_t pjx_math_cos(double x, double *out);
PJX_EXPORT int32_t pjx_math_tan(double x, double *out);
PJX_EXPORT int32_t pjx_math_asin(double x, double *out);
PJX_EXPORT int32_t pjx_math_acos(double x, double *out);
PJX_EXPORT int32_t pjx_math_atan(double x, double *out);
PJX_EXPORT int32_t pjx_math_sinh(double x, double *out);
PJX_EXPORT int32_t pjx_math_cosh(double x, double *out);
PJX_EXPORT int32_t pjx_math_tanh(double x, double *out);
PJX_EXPORT int32_t pjx_math_asinh(double x, double *out);
PJX_EXPORT int32_t pjx_math_acosh(double x, double *out);
PJX_EXPORT int32_t pjx_math_atanh(double x, double *out);
PJX_EXPORT int32_t pjx_math_fabs(double x, double *out);
PJX_EXPORT int32_t pjx_math_erf(double x, double *out);
PJX_EXPORT int32_t pjx_math_erfc(double x, double *out);
PJX_EXPORT int32_t pjx_math_gamma(double x, double *out);
PJX_EXPORT int32_t pjx_math_lgamma(double x, double *out);
PJX_EXPORT int32_t pjx_math_degrees(double x, double *out);
PJX_EXPORT int32_t pjx_math_radians(double x, double *out);
PJX_EXPORT int32_t pjx_math_ulp(double x, double *out);

/* (float, float) -> float */
PJX_EXPORT int32_t pjx_math_log_base(double x, double base, double *out); /* math.log(x, base) */
PJX_EXPORT int32_t pjx_math_atan2(double y, double x, double *out);
PJX_EXPORT int32_t pjx_math_copysign(double x, double y, double *out);
PJX_EXPORT int32_t pjx_math_fmod(double x, double y, double *out);
PJX_EXPORT int32_t pjx_math_remainder(double x, double y, double *out);
PJX_EXPORT int32_t pjx_math_hypot(double x, double y, double *out);
PJX_EXPORT int32_t pjx_math_pow(double x, double y, double *out);
PJX_EXPORT int32_t pjx_math_nextafter(double x, double y, double *out);

/* (float, int) -> float */
PJX_EXPORT int32_t pjx_math_ldexp(double x, int64_t i, double *out);

/* float -> int (errors as int(float): NaN, infinity, outside int64) */
PJX_EXPORT int32_t pjx_math_floor(double x, int64_t *out);
PJX_EXPORT int32_t pjx_math_ceil(double x, int64_t *out);
PJX_EXPORT int32_t pjx_math_trunc(double x, int64_t *out);

/* predicates -> bool (0 or 1) */
PJX_EXPORT int32_t pjx_math_isnan(double x, uint8_t *out);
PJX_EXPORT int32_t pjx_math_isinf(double x, uint8_t *out);
PJX_EXPORT int32_t pjx_math_isfinite(double x, uint8_t *out);
/* math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol); Python's defaults
 * are rel_tol=1e-09, abs_tol=0.0 */
PJX_EXPORT int32_t pjx_math_isclose(double a, double b, double rel_tol, double abs_tol,
                                    uint8_t *out);

/* int functions */
PJX_EXPORT int32_t pjx_math_gcd(int64_t a, int64_t b, int64_t *out);
PJX_EXPORT int32_t pjx_math_lcm(int64_t a, int64_t b, int64_t *out);
PJX_EXPORT int32_t pjx_math_isqrt(int64_t n, int64_t *out);
PJX_EXPORT int32_t pjx_math_factorial(int64_t n, int64_t *out);
PJX_EXPORT int32_t pjx_math_comb(int64_t n, int64_t k, int64_t *out);
PJX_EXPORT int32_t pjx_math_perm(int64_t n, int64_t k, int64_t *out);

#ifdef __cplusplus
}
#endif
#endif
