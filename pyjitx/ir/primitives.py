"""The one table that links IR-level primitive operations to the C runtime.

Each Primitive names its C symbol, its argument and result types and its
error convention.  A primitive that can raise follows the runtime's
convention (`int32_t f(args..., T *out)`, -1 on error); one that cannot
returns its result directly (`T f(args...)`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Tuple

from .types import BOOL, FLOAT, INT, Type


@dataclass(frozen=True)
class Primitive:
    name: str
    symbol: str
    arg_types: Tuple[Type, ...]
    result_type: Type
    can_raise: bool


PRIMITIVES: Dict[str, Primitive] = {}


def primitive(name: str, symbol: str, arg_types: Tuple[Type, ...], result_type: Type,
              can_raise: bool = True) -> Primitive:
    prim = Primitive(name, symbol, arg_types, result_type, can_raise)
    assert name not in PRIMITIVES, name
    PRIMITIVES[name] = prim
    return prim


# ---- arithmetic (libruntime/scalar.c, libruntime/intfloat.c)
INT_POW = primitive("int_pow", "pjx_int_pow", (INT, INT), INT)
INT_TRUEDIV = primitive("int_truediv", "pjx_int_truediv", (INT, INT), FLOAT)
FLOAT_POW = primitive("float_pow", "pjx_float_pow", (FLOAT, FLOAT), FLOAT)
FLOAT_FLOORDIV = primitive("float_floordiv", "pjx_float_floordiv", (FLOAT, FLOAT), FLOAT)
FLOAT_MOD = primitive("float_mod", "pjx_float_mod", (FLOAT, FLOAT), FLOAT)
FLOAT_TO_INT = primitive("float_to_int", "pjx_float_to_int", (FLOAT,), INT)
FLOAT_ROUND = primitive("float_round", "pjx_float_round", (FLOAT,), INT)
FLOAT_ROUND_NDIGITS = primitive("float_round_ndigits", "pjx_float_round_ndigits", (FLOAT, INT), FLOAT)
INT_ROUND_NDIGITS = primitive("int_round_ndigits", "pjx_int_round_ndigits", (INT, INT), INT)
# Three-way exact comparison: -1, 0, 1, or 2 when unordered (NaN).
COMPARE_INT_FLOAT = primitive("compare_int_float", "pjx_compare_int_float", (INT, FLOAT), INT,
                              can_raise=False)

# ---- the math module (libruntime/math.c): name -> (arg types, result type)
MATH_FUNCTIONS: Dict[str, Tuple[Tuple[Type, ...], Type]] = {
    **{name: ((FLOAT,), FLOAT) for name in (
        "sqrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan",
        "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "fabs",
        "degrees", "radians", "erf", "erfc", "gamma", "lgamma", "cbrt")},
    **{name: ((FLOAT, FLOAT), FLOAT) for name in (
        "atan2", "fmod", "copysign", "hypot", "pow", "remainder", "log_base")},
    **{name: ((FLOAT,), INT) for name in ("floor", "ceil", "trunc")},
    **{name: ((FLOAT,), BOOL) for name in ("isnan", "isinf", "isfinite")},
    **{name: ((INT, INT), INT) for name in ("gcd", "lcm", "comb", "perm")},
    **{name: ((INT,), INT) for name in ("isqrt", "factorial")},
    "ldexp": ((FLOAT, INT), FLOAT),
    "isclose": ((FLOAT, FLOAT, FLOAT, FLOAT), BOOL),
}

MATH = {
    name: primitive(f"math_{name}", f"pjx_math_{name}", args, result)
    for name, (args, result) in MATH_FUNCTIONS.items()
}
