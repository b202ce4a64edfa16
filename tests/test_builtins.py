"""Differential tests: builtins (abs, min, max, round, int, float, bool) and
the math module (functions, constants, domain and range errors)."""
from __future__ import annotations

import math

from hypothesis import example, given
from hypothesis import strategies as st

import pyjitx
from difftest import (INT64_MAX, INT64_MIN, assert_same, bools, finite_floats,
                      floats, ints)

# ---------------------------------------------------------------- subjects


def abs_i(a: int) -> int:
    return abs(a)


def abs_f(a: float) -> float:
    return abs(a)


def abs_b(a: bool) -> int:
    return abs(a)


def min2_i(a: int, b: int) -> int:
    return min(a, b)


def max2_i(a: int, b: int) -> int:
    return max(a, b)


def min3_i(a: int, b: int, c: int) -> int:
    return min(a, b, c)


def max4_i(a: int, b: int, c: int, d: int) -> int:
    return max(a, b, c, d)


def min2_f(a: float, b: float) -> float:
    return min(a, b)


def max2_f(a: float, b: float) -> float:
    return max(a, b)


def min3_f(a: float, b: float, c: float) -> float:
    return min(a, b, c)


def max3_f(a: float, b: float, c: float) -> float:
    return max(a, b, c)


def min2_b(a: bool, b: bool) -> bool:
    return min(a, b)


def max2_b(a: bool, b: bool) -> bool:
    return max(a, b)


def round_f(a: float) -> int:
    return round(a)


def round_fn(a: float, n: int) -> float:
    return round(a, n)


def round_i(a: int) -> int:
    return round(a)


def round_in(a: int, n: int) -> int:
    return round(a, n)


def int_of_f(a: float) -> int:
    return int(a)


def int_of_i(a: int) -> int:
    return int(a)


def int_of_b(a: bool) -> int:
    return int(a)


def float_of_i(a: int) -> float:
    return float(a)


def float_of_f(a: float) -> float:
    return float(a)


def float_of_b(a: bool) -> float:
    return float(a)


def bool_of_i(a: int) -> bool:
    return bool(a)


def bool_of_f(a: float) -> bool:
    return bool(a)


def bool_of_b(a: bool) -> bool:
    return bool(a)


def not_i(a: int) -> bool:
    return not a


def not_f(a: float) -> bool:
    return not a


def zero_arg_ctors() -> float:
    return float(int() + 1) + float() + bool()


# math: one float argument -> float
def m_sqrt(x: float) -> float:
    return math.sqrt(x)


def m_exp(x: float) -> float:
    return math.exp(x)


def m_log(x: float) -> float:
    return math.log(x)


def m_log2(x: float) -> float:
    return math.log2(x)


def m_log10(x: float) -> float:
    return math.log10(x)


def m_sin(x: float) -> float:
    return math.sin(x)


def m_cos(x: float) -> float:
    return math.cos(x)


def m_tan(x: float) -> float:
    return math.tan(x)


def m_fabs(x: float) -> float:
    return math.fabs(x)


# math: float -> int
def m_floor(x: float) -> int:
    return math.floor(x)


def m_ceil(x: float) -> int:
    return math.ceil(x)


def m_trunc(x: float) -> int:
    return math.trunc(x)


def m_floor_i(x: int) -> int:
    return math.floor(x)


def m_ceil_i(x: int) -> int:
    return math.ceil(x)


def m_trunc_i(x: int) -> int:
    return math.trunc(x)


# math: two float arguments
def m_atan2(y: float, x: float) -> float:
    return math.atan2(y, x)


def m_fmod(x: float, y: float) -> float:
    return math.fmod(x, y)


def m_hypot(x: float, y: float) -> float:
    return math.hypot(x, y)


def m_copysign(x: float, y: float) -> float:
    return math.copysign(x, y)


def m_pow(x: float, y: float) -> float:
    return math.pow(x, y)


def m_logb(x: float, b: float) -> float:
    return math.log(x, b)


# math: predicates
def m_isnan(x: float) -> bool:
    return math.isnan(x)


def m_isinf(x: float) -> bool:
    return math.isinf(x)


def m_isfinite(x: float) -> bool:
    return math.isfinite(x)


# math: integer functions
def m_gcd(a: int, b: int) -> int:
    return math.gcd(a, b)


def m_factorial(n: int) -> int:
    return math.factorial(n)


def m_isqrt(n: int) -> int:
    return math.isqrt(n)


# math on int arguments (converted to float)
def m_sqrt_i(n: int) -> float:
    return math.sqrt(n)


def m_log_i(n: int) -> float:
    return math.log(n)


def m_exp_i(n: int) -> float:
    return math.exp(n)


def m_atan2_if(y: int, x: float) -> float:
    return math.atan2(y, x)


# constants
def m_constants() -> float:
    return math.pi * 2.0 + math.e


def m_pi() -> float:
    return math.pi


def m_e() -> float:
    return math.e


def m_inf() -> float:
    return math.inf


def m_neg_inf() -> float:
    return -math.inf


def m_nan_is_nan() -> bool:
    return math.isnan(math.nan)


def m_nan_ne() -> bool:
    return math.nan != math.nan


def m_circle(r: float) -> float:
    return math.pi * r * r


# ----------------------------------------------------------- compiled twins

def _pair(fn):
    return fn, pyjitx.compile(fn)


ABS_I, ABS_F, ABS_B = _pair(abs_i), _pair(abs_f), _pair(abs_b)
MIN2_I, MAX2_I, MIN3_I, MAX4_I = _pair(min2_i), _pair(max2_i), _pair(min3_i), _pair(max4_i)
MIN2_F, MAX2_F, MIN3_F, MAX3_F = _pair(min2_f), _pair(max2_f), _pair(min3_f), _pair(max3_f)
MIN2_B, MAX2_B = _pair(min2_b), _pair(max2_b)
ROUND_F, ROUND_FN, ROUND_I, ROUND_IN = _pair(round_f), _pair(round_fn), _pair(round_i), _pair(round_in)
INT_OF_F, INT_OF_I, INT_OF_B = _pair(int_of_f), _pair(int_of_i), _pair(int_of_b)
FLOAT_OF_I, FLOAT_OF_F, FLOAT_OF_B = _pair(float_of_i), _pair(float_of_f), _pair(float_of_b)
BOOL_OF_I, BOOL_OF_F, BOOL_OF_B = _pair(bool_of_i), _pair(bool_of_f), _pair(bool_of_b)
NOT_I, NOT_F = _pair(not_i), _pair(not_f)
ZERO_ARG_CTORS = _pair(zero_arg_ctors)

MATH_F1 = [_pair(f) for f in (m_sqrt, m_exp, m_log, m_log2, m_log10, m_sin, m_cos,
                              m_tan, m_fabs)]
MATH_F_TO_I = [_pair(f) for f in (m_floor, m_ceil, m_trunc)]
MATH_I_TO_I = [_pair(f) for f in (m_floor_i, m_ceil_i, m_trunc_i)]
MATH_F2 = [_pair(f) for f in (m_atan2, m_fmod, m_hypot, m_copysign, m_pow, m_logb)]
MATH_PRED = [_pair(f) for f in (m_isnan, m_isinf, m_isfinite)]
M_GCD, M_FACTORIAL, M_ISQRT = _pair(m_gcd), _pair(m_factorial), _pair(m_isqrt)
M_SQRT_I, M_LOG_I, M_EXP_I = _pair(m_sqrt_i), _pair(m_log_i), _pair(m_exp_i)
M_ATAN2_IF = _pair(m_atan2_if)
MATH_CONSTS = [_pair(f) for f in (m_constants, m_pi, m_e, m_inf, m_neg_inf,
                                  m_nan_is_nan, m_nan_ne)]
M_CIRCLE = _pair(m_circle)


def same(pair, *args):
    assert_same(pair[0], pair[1], *args)


# -------------------------------------------------------------------- abs

@given(ints)
@example(INT64_MIN)
@example(INT64_MIN + 1)
@example(INT64_MAX)
@example(0)
def test_abs_int(a):
    same(ABS_I, a)


@given(floats)
@example(-0.0)
@example(-math.inf)
@example(math.nan)
@example(-5e-324)
def test_abs_float(a):
    same(ABS_F, a)


@given(bools)
def test_abs_bool_gives_int(a):
    same(ABS_B, a)


# --------------------------------------------------------------- min / max

@given(ints, ints, ints, ints)
@example(1, 1, 1, 1)
@example(INT64_MIN, INT64_MAX, 0, -1)
def test_min_max_int(a, b, c, d):
    same(MIN2_I, a, b)
    same(MAX2_I, a, b)
    same(MIN3_I, a, b, c)
    same(MAX4_I, a, b, c, d)


@given(floats, floats, floats)
@example(math.nan, 1.0, 0.0)        # min(nan, x) is nan: nothing compares < nan
@example(1.0, math.nan, 0.0)        # ... but min(x, nan) is x
@example(0.0, -0.0, 0.0)            # ties keep the first argument
@example(-0.0, 0.0, -0.0)
@example(1.0, 1.0, math.nan)
@example(-math.inf, math.nan, math.inf)
def test_min_max_float(a, b, c):
    same(MIN2_F, a, b)
    same(MAX2_F, a, b)
    same(MIN3_F, a, b, c)
    same(MAX3_F, a, b, c)


@given(bools, bools)
def test_min_max_bool_stays_bool(a, b):
    same(MIN2_B, a, b)
    same(MAX2_B, a, b)


# ------------------------------------------------------------------ round

@given(floats)
@example(0.5)
@example(1.5)
@example(2.5)
@example(-0.5)
@example(-1.5)
@example(-2.5)
@example(0.49999999999999994)
@example(4503599627370497.0)
@example(9.2233720368547748e18)    # just below 2**63: fits
@example(9.223372036854775808e18)  # 2**63: OverflowError
@example(-9.223372036854775808e18) # -2**63: fits
@example(math.inf)
@example(-math.inf)
@example(math.nan)
@example(-0.0)
def test_round_float_to_int(a):
    same(ROUND_F, a)


@given(floats, st.one_of(st.integers(-5, 20), st.integers(-400, 400),
                         st.sampled_from([INT64_MAX, INT64_MIN, 308, 309, 323, 324, -308])))
@example(2.675, 2)
@example(0.125, 2)
@example(0.375, 2)
@example(1.5, 0)
@example(2.5, 0)
@example(-2.5, 0)
@example(-0.0, 1)
@example(1234.5678, -2)
@example(15.0, -1)
@example(25.0, -1)
@example(-0.4, 0)
@example(1e300, -300)
@example(1.7976931348623157e308, -308)
@example(math.inf, 2)
@example(math.nan, 2)
@example(5e-324, 323)
@example(5e-324, 324)
@example(0.5, INT64_MIN)
@example(0.5, INT64_MAX)
def test_round_float_ndigits(a, n):
    same(ROUND_FN, a, n)


# (ndigits stays small: CPython computes 10 ** -ndigits as a big int)
@given(ints, st.one_of(st.integers(-25, 5), st.sampled_from([-19, -18, -20, 100])))
@example(15, -1)
@example(25, -1)
@example(-15, -1)
@example(-25, -1)
@example(150, -2)
@example(250, -2)
@example(INT64_MAX, -1)        # rounds up past 2**63-1: OverflowError
@example(INT64_MIN, -1)
@example(INT64_MIN, -19)
@example(INT64_MAX, -19)
@example(5 * 10 ** 18, -19)
@example(-5 * 10 ** 18, -19)
@example(123, 2)
def test_round_int(a, n):
    same(ROUND_I, a)
    same(ROUND_IN, a, n)


# ---------------------------------------------------- int / float / bool

@given(floats)
@example(-0.9)
@example(0.9)
@example(9.2233720368547748e18)
@example(9.223372036854775808e18)
@example(-9.223372036854775808e18)
@example(-9.223372036854777e18)
@example(1e300)
@example(math.inf)
@example(-math.inf)
@example(math.nan)
def test_int_of_float(a):
    same(INT_OF_F, a)


@given(ints, bools)
def test_int_of_int_and_bool(a, b):
    same(INT_OF_I, a)
    same(INT_OF_B, b)


@given(ints, floats, bools)
@example(2 ** 53 + 1, 0.0, True)
@example(INT64_MAX, -0.0, False)
@example(-(2 ** 53) - 3, math.nan, True)
def test_float_of(a, x, b):
    same(FLOAT_OF_I, a)
    same(FLOAT_OF_F, x)
    same(FLOAT_OF_B, b)


@given(ints, floats, bools)
@example(0, -0.0, False)
@example(0, math.nan, True)
def test_bool_of_and_not(a, x, b):
    same(BOOL_OF_I, a)
    same(BOOL_OF_F, x)
    same(BOOL_OF_B, b)
    same(NOT_I, a)
    same(NOT_F, x)


def test_zero_argument_constructors():
    same(ZERO_ARG_CTORS)


# ------------------------------------------------------------------- math

math_floats = st.one_of(
    floats,
    st.floats(-800, 800),            # exp overflow region, trig, logs
    st.floats(0.0, 1e-300),
    st.sampled_from([1e22, 1e300, 3.14159, 710.0, 709.78, -745.2, 1e16, 2 ** 60 + 0.0]),
)


@given(math_floats)
@example(-1.0)
@example(0.0)
@example(-0.0)
@example(math.inf)
@example(-math.inf)
@example(math.nan)
@example(1000.0)
@example(-1000.0)
@example(709.8)
@example(5e-324)
@example(1e22)
@example(math.pi / 2)
def test_math_unary_float(x):
    for pair in MATH_F1:
        same(pair, x)


@given(floats)
@example(-0.5)
@example(0.5)
@example(-0.0)
@example(math.inf)
@example(-math.inf)
@example(math.nan)
@example(9.223372036854775808e18)
@example(-9.223372036854775808e18)
@example(-9.2233720368547758e18 - 2048.0)
@example(1e300)
def test_math_float_to_int(x):
    for pair in MATH_F_TO_I:
        same(pair, x)


@given(ints)
def test_math_int_to_int(n):
    for pair in MATH_I_TO_I:
        same(pair, n)


@given(math_floats, math_floats)
@example(1.0, 0.0)               # fmod: math domain error
@example(math.inf, 1.0)
@example(0.0, -1.0)              # pow: math domain error
@example(-8.0, 1.0 / 3.0)        # pow: math domain error
@example(10.0, 400.0)            # pow: math range error
@example(math.inf, math.nan)     # hypot(inf, nan) is inf
@example(math.nan, -math.inf)
@example(1e308, 1e308)
@example(3.0, 4.0)
@example(5e-324, 5e-324)
@example(-0.0, -0.0)
@example(1.0, -0.0)
@example(-1.0, math.nan)
@example(8.0, 2.0)               # log(x, base)
@example(10.0, 1.0)              # log base 1: ZeroDivisionError
@example(0.0, 2.0)
@example(2.0, 0.0)
@example(2.0, -2.0)
def test_math_binary_float(x, y):
    for pair in MATH_F2:
        same(pair, x, y)


@given(floats)
def test_math_predicates(x):
    for pair in MATH_PRED:
        same(pair, x)


@given(ints, ints)
@example(0, 0)
@example(INT64_MIN, 0)          # 2**63: OverflowError
@example(INT64_MIN, INT64_MIN)
@example(0, INT64_MIN)
@example(INT64_MIN, 6)
@example(-12, 18)
@example(INT64_MAX, INT64_MAX - 1)
def test_math_gcd(a, b):
    same(M_GCD, a, b)


@given(st.integers(-5, 30))
@example(20)
@example(21)
@example(0)
@example(-1)
def test_math_factorial(n):
    same(M_FACTORIAL, n)


@given(ints)
@example(0)
@example(-1)
@example(INT64_MAX)
@example(2 ** 62)
@example(2 ** 62 - 1)
@example(3037000499 ** 2)
@example(3037000499 ** 2 - 1)
def test_math_isqrt(n):
    same(M_ISQRT, n)


@given(ints)
@example(0)
@example(-1)
@example(2 ** 53 + 1)
@example(INT64_MAX)
@example(1000)
def test_math_of_int_args(n):
    same(M_SQRT_I, n)
    same(M_LOG_I, n)
    same(M_EXP_I, n)


@given(ints, floats)
def test_math_mixed_int_float(y, x):
    same(M_ATAN2_IF, y, x)


def test_math_constants():
    for pair in MATH_CONSTS:
        same(pair)


@given(floats)
def test_math_constant_in_expression(r):
    same(M_CIRCLE, r)
