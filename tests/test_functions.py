"""Differential tests: functions -- defaults, keyword arguments, recursion,
mutual recursion, calls to decorated and to plain module-level functions,
global constants, tuple unpacking, augmented assignment, UnboundLocalError,
RecursionError, specialisation of unannotated parameters, and the compiled
function object's attributes (.py_func, .signatures, .inspect_*)."""
from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import pyjitx
from difftest import (INT64_MAX, INT64_MIN, assert_result, assert_same, bools,
                      finite_floats, floats, ints, is_disabled, small_ints)

# ------------------------------------------------------- module constants
SCALE = 3
RATE = 0.5
FLAG = True
OFF = False
NEG = -7
BIG = 2 ** 62
TINY = 1e-300


def uses_globals(a: int) -> float:
    if FLAG and not OFF:
        return a * SCALE + RATE + NEG
    return 0.0


def uses_global_int(a: int) -> int:
    return a // 2 + BIG + NEG


def uses_global_float(x: float) -> float:
    return x * TINY + math.pi


# --------------------------------------------------- defaults / keywords

def with_defaults(a: int, b: int = 10, c: float = 2.5) -> float:
    return a * b + c


def kw_caller(a: int, b: int) -> float:
    return (with_defaults(b=a, a=b) + with_defaults(a) + with_defaults(a, c=1.0)
            + with_defaults(c=0.25, b=2, a=a) + with_defaults(a, b, 0.125))


def bool_default(a: int, neg: bool = False) -> int:
    if neg:
        return -a
    return a


def calls_bool_default(a: int) -> int:
    return bool_default(a) * 10 + bool_default(a, neg=True) + bool_default(a, True)


# ------------------------------------- calls: decorated and plain callees

@pyjitx.compile
def dec_square(x: int) -> int:
    return x * x


@pyjitx.compile
def dec_kw(a: int, b: int = 1) -> int:
    return a * 100 + b


def calls_decorated(a: int) -> int:
    return dec_square(a) + dec_square(a + 1) + dec_kw(b=a, a=3) + dec_kw(a)


def calls_decorated_ref(a: int) -> int:
    return a * a + (a + 1) * (a + 1) + (3 * 100 + a) + (a * 100 + 1)


def helper_typed(x: int) -> int:
    return x + 1


def helper_untyped(x, y):
    return x * 2 + y


def helper_chain(x: int) -> int:
    return helper_typed(x) * 2


def calls_plain(a: int, b: float) -> float:
    return helper_untyped(a, b) + helper_untyped(b, b) + helper_untyped(a, a) + helper_chain(a)


def calls_plain_int(a: int) -> int:
    return helper_untyped(a, a) + helper_typed(a)


def helper_returns_bool(a: int) -> bool:
    return a > 0


def calls_bool_helper(a: int) -> int:
    if helper_returns_bool(a):
        return 1
    return 0


def helper_no_return(a: int) -> None:
    b = a


def calls_none_helper(a: int) -> int:
    helper_no_return(a)
    return a


def inner_div(a: int) -> int:
    return 100 // a


def inner_fdiv(x: float) -> float:
    return 1.0 / x


def outer_propagates(a: int, x: float) -> float:
    b = inner_div(a) + 1
    return inner_fdiv(x) + b


def inner_overflow(a: int) -> int:
    return a * a


def outer_overflow(a: int) -> int:
    if a > 0:
        return inner_overflow(a)
    return 0


def callee_float_default(x: float, scale: float = 0.5, shift: int = -1) -> float:
    return x * scale + shift


def calls_float_default(x: float) -> float:
    return callee_float_default(x) + callee_float_default(x, shift=2) + callee_float_default(scale=2.0, x=x)


def eval_order_binop(a: int, x: float) -> float:
    return (1 // a) + (1.0 / x)


def eval_order_binop_rev(a: int, x: float) -> float:
    return (1.0 / x) + (1 // a)


def two_args(p: int, q: float) -> float:
    return p + q


def eval_order_call_args(a: int, x: float) -> float:
    return two_args(1 // a, 1.0 / x)


def eval_order_call_kwargs(a: int, x: float) -> float:
    return two_args(q=1.0 / x, p=1 // a)


def shadowed_global(a: int) -> int:
    if a > 0:
        SCALE = 10
    return SCALE          # local in the whole function: UnboundLocalError if a <= 0


def default_from_global(a: int, b: int = SCALE, c: float = RATE) -> float:
    return a * b + c


def calls_default_from_global(a: int) -> float:
    return default_from_global(a) + default_from_global(a, c=0.0)


def 函数_ünïcödé(数量: int, größe: float) -> float:
    总和 = 数量 * 2
    for ī in range(3):
        总和 += ī
    return 总和 + größe


def weird_names(self: int, args: int, kwargs: int, ret: int, i64: int, define: float,
                label: int, _: int, __x: int) -> float:
    return self + args * 2 + kwargs * 3 + ret * 4 + i64 * 5 + define + label + _ + __x


def many_params(a0: int, a1: int, a2: int, a3: int, a4: int, a5: int, a6: int, a7: int,
                a8: int, a9: int, a10: int, a11: int, a12: int, a13: int, a14: int,
                a15: int, a16: int, a17: int, a18: int, a19: int, a20: int, a21: int,
                a22: int, a23: int, a24: int, a25: int, a26: int, a27: int, a28: int,
                a29: int, a30: int, a31: int, a32: int, a33: int, a34: float,
                a35: float, a36: bool, a37: bool, a38: int, a39: int) -> float:
    s = (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14
         + a15 + a16 + a17 + a18 + a19 + a20 + a21 + a22 + a23 + a24 + a25 + a26 + a27
         + a28 + a29 + a30 + a31 + a32 + a33 + a38 * 1000 + a39 * 7)
    if a36 and not a37:
        s += 1
    return s + a34 * 0.5 + a35


def calls_many_params(k: int) -> float:
    return many_params(k, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
                       19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 0.5,
                       1.5, True, False, a39=k, a38=2)


@pyjitx.compile
def dec_fact(n: int) -> int:
    if n <= 1:
        return 1
    return n * dec_fact(n - 1)


def dec_fact_ref(n: int) -> int:
    return math.factorial(n) if n > 1 else 1


# ---------------------------------------------------------------- recursion

def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def fact_rec(n: int) -> int:
    if n <= 1:
        return 1
    return n * fact_rec(n - 1)


def count_down(n: int, acc: int = 0) -> int:
    if n <= 0:
        return acc
    return count_down(n - 1, acc=acc + n)


def power_rec(x: float, n: int) -> float:
    if n == 0:
        return 1.0
    if n % 2 == 0:
        h = power_rec(x, n // 2)
        return h * h
    return x * power_rec(x, n - 1)


def is_even(n: int) -> bool:
    if n == 0:
        return True
    return is_odd(n - 1)


def is_odd(n: int) -> bool:
    if n == 0:
        return False
    return is_even(n - 1)


def hofstadter_f(n: int) -> int:
    if n == 0:
        return 1
    return n - hofstadter_m(hofstadter_f(n - 1))


def hofstadter_m(n: int) -> int:
    if n == 0:
        return 0
    return n - hofstadter_f(hofstadter_m(n - 1))


# ------------------------------------------------- assignment statements

def fib_iter(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def rotate3(a: int, b: int, c: int) -> int:
    a, b, c = c, a, b
    return a * 1 + b * 1000 + c * 1000000


def swap_float(x: float, y: float) -> float:
    x, y = y, x
    return x - y * 0.5


def unpack_chain(a: int) -> int:
    x = y = a
    x += 1
    return x * 10 + y


def augmented_int(a: int, b: int) -> int:
    x = a
    x += b
    x -= 3
    x *= 2
    x //= 3
    x %= 1000
    x **= 2
    x <<= 3
    x >>= 1
    x |= 5
    x &= 0xFFFF
    x ^= a
    return x


def augmented_float(x: float, y: float) -> float:
    z = x
    z += y
    z -= 1.5
    z *= 0.75
    z /= 3.0
    z %= 7.0
    z //= 0.25
    z **= 2.0
    return z


def augmented_mixed(a: int, x: float) -> float:
    y = x
    y += a
    y *= 2
    y -= a
    return y


def unbound(a: int) -> int:
    if a > 0:
        x = a
    return x


# ------------------------------------------------------ specialisation

def poly(a, b):
    return a * b + a


def untyped_cmp(a, b):
    return a < b


def untyped_default(a, b=2, c=0.5):
    return a * b + c


def untyped_calls_untyped(a, b):
    return poly(a, b) + poly(b, a)


# ------------------------------------------------------ compiled twins

def _pair(fn):
    return fn, pyjitx.compile(fn)


USES_GLOBALS, USES_GLOBAL_INT, USES_GLOBAL_FLOAT = (
    _pair(uses_globals), _pair(uses_global_int), _pair(uses_global_float))
WITH_DEFAULTS, KW_CALLER = _pair(with_defaults), _pair(kw_caller)
BOOL_DEFAULT, CALLS_BOOL_DEFAULT = _pair(bool_default), _pair(calls_bool_default)
c_calls_decorated = pyjitx.compile(calls_decorated)
CALLS_PLAIN, CALLS_PLAIN_INT = _pair(calls_plain), _pair(calls_plain_int)
CALLS_BOOL_HELPER, CALLS_NONE_HELPER = _pair(calls_bool_helper), _pair(calls_none_helper)
OUTER_PROPAGATES, OUTER_OVERFLOW = _pair(outer_propagates), _pair(outer_overflow)
CALLS_FLOAT_DEFAULT = _pair(calls_float_default)
EVAL_ORDER = [_pair(f) for f in (eval_order_binop, eval_order_binop_rev,
                                  eval_order_call_args, eval_order_call_kwargs)]
SHADOWED_GLOBAL = _pair(shadowed_global)
DEFAULT_FROM_GLOBAL, CALLS_DEFAULT_FROM_GLOBAL = (_pair(default_from_global),
                                                  _pair(calls_default_from_global))
UNICODE_FN, WEIRD_NAMES = _pair(函数_ünïcödé), _pair(weird_names)
MANY_PARAMS, CALLS_MANY_PARAMS = _pair(many_params), _pair(calls_many_params)
FIB, FACT_REC, COUNT_DOWN, POWER_REC = _pair(fib), _pair(fact_rec), _pair(count_down), _pair(power_rec)
IS_EVEN, HOF_F = _pair(is_even), _pair(hofstadter_f)
FIB_ITER, ROTATE3, SWAP_FLOAT, UNPACK_CHAIN = (_pair(fib_iter), _pair(rotate3),
                                               _pair(swap_float), _pair(unpack_chain))
AUG_INT, AUG_FLOAT, AUG_MIXED = _pair(augmented_int), _pair(augmented_float), _pair(augmented_mixed)
UNBOUND = _pair(unbound)
POLY, UNTYPED_CMP = _pair(poly), _pair(untyped_cmp)
UNTYPED_DEFAULT, UNTYPED_CALLS = _pair(untyped_default), _pair(untyped_calls_untyped)


def same(pair, *args, **kwargs):
    return assert_same(pair[0], pair[1], *args, **kwargs)


# ------------------------------------------------------------------ tests

@given(small_ints, floats)
def test_global_constants(a, x):
    same(USES_GLOBALS, a)
    same(USES_GLOBAL_INT, a)
    same(USES_GLOBAL_FLOAT, x)


@given(small_ints, small_ints, floats)
def test_default_arguments_from_python(a, b, c):
    same(WITH_DEFAULTS, a)
    same(WITH_DEFAULTS, a, b)
    same(WITH_DEFAULTS, a, b, c)
    same(WITH_DEFAULTS, a, c=c)
    same(WITH_DEFAULTS, a, b=b)
    same(WITH_DEFAULTS, c=c, a=a)
    same(WITH_DEFAULTS, b=b, c=c, a=a)


@given(small_ints, small_ints)
def test_keywords_and_defaults_between_compiled_functions(a, b):
    same(KW_CALLER, a, b)


@given(small_ints, bools)
def test_bool_default(a, neg):
    same(BOOL_DEFAULT, a)
    same(BOOL_DEFAULT, a, neg)
    same(BOOL_DEFAULT, a, neg=neg)
    same(CALLS_BOOL_DEFAULT, a)


@given(small_ints)
def test_calls_decorated_compiled_functions(a):
    assert_same(calls_decorated_ref, c_calls_decorated, a)
    assert_same(lambda x: x * x, dec_square, a)
    assert_same(lambda a, b=1: a * 100 + b, dec_kw, a, b=a)


@given(small_ints, floats)
@example(0, -0.0)
@example(3, math.nan)
def test_calls_plain_module_functions(a, x):
    same(CALLS_PLAIN, a, x)
    same(CALLS_PLAIN_INT, a)
    same(CALLS_BOOL_HELPER, a)
    same(CALLS_NONE_HELPER, a)


@given(ints, floats)
@example(0, 1.0)
@example(5, 0.0)
@example(5, -0.0)
@example(3037000500, 1.0)
def test_exceptions_propagate_through_compiled_calls(a, x):
    same(OUTER_PROPAGATES, a, x)
    same(OUTER_OVERFLOW, a)
    same(CALLS_FLOAT_DEFAULT, x)


@given(st.sampled_from([0, 1, -1, 3]), st.sampled_from([0.0, -0.0, 2.0]))
def test_evaluation_order_left_to_right(a, x):
    # both operands may raise ZeroDivisionError with different messages:
    # the message shows which one ran first
    for pair in EVAL_ORDER:
        same(pair, a, x)


@given(ints)
@example(0)
@example(5)
def test_assigned_global_name_is_local(a):
    same(SHADOWED_GLOBAL, a)


@given(small_ints)
def test_defaults_evaluated_from_globals(a):
    same(DEFAULT_FROM_GLOBAL, a)
    same(DEFAULT_FROM_GLOBAL, a, c=1.5)
    same(CALLS_DEFAULT_FROM_GLOBAL, a)


@given(small_ints, floats)
def test_unicode_identifiers(n, x):
    same(UNICODE_FN, n, x)
    same(UNICODE_FN, größe=x, 数量=n)


@given(st.lists(small_ints, min_size=8, max_size=8), floats)
def test_parameter_names_that_are_keywords_elsewhere(v, x):
    same(WEIRD_NAMES, v[0], v[1], v[2], v[3], v[4], x, v[5], v[6], v[7])
    same(WEIRD_NAMES, v[0], args=v[1], kwargs=v[2], ret=v[3], i64=v[4], define=x,
         label=v[5], _=v[6], __x=v[7])


@given(small_ints, floats, bools)
def test_forty_parameters(k, x, flag):
    args = [k + i for i in range(34)] + [x, x * 2, flag, not flag, k, -k]
    same(MANY_PARAMS, *args)
    same(CALLS_MANY_PARAMS, k)


@given(st.integers(-2, 25))
@example(20)
@example(21)
def test_decorated_function_calls_itself(n):
    assert_same(dec_fact_ref, dec_fact, n)


@given(st.integers(-3, 20))
def test_recursion_fib(n):
    same(FIB, n)


@given(st.integers(-3, 30))
@example(20)
@example(21)    # 21! does not fit int64: OverflowError
def test_recursion_factorial(n):
    same(FACT_REC, n)


@given(st.integers(-3, 300), floats, st.integers(0, 200))
@example(0, 2.0, 1024)
@example(10, -0.0, 3)
def test_recursion_with_keywords_and_floats(n, x, k):
    same(COUNT_DOWN, n)
    same(POWER_REC, x, k)


@given(st.integers(0, 300))
@example(0)
@example(1)
def test_mutual_recursion(n):
    same(IS_EVEN, n)


@given(st.integers(0, 25))
def test_mutual_recursion_nested_calls(n):
    same(HOF_F, n)


@given(st.integers(-2, 91))
@example(91)
@example(90)
def test_tuple_unpacking_fibonacci(n):
    same(FIB_ITER, n)


@given(small_ints, small_ints, small_ints, floats, floats)
def test_tuple_unpacking_rotations(a, b, c, x, y):
    same(ROTATE3, a, b, c)
    same(SWAP_FLOAT, x, y)
    same(UNPACK_CHAIN, a)


@given(small_ints, small_ints)
@example(0, 0)
@example(-1, 3)
def test_augmented_assignment_int(a, b):
    same(AUG_INT, a, b)


@given(floats, floats)
@example(0.0, 0.0)
@example(-7.0, 1.5)
def test_augmented_assignment_float(x, y):
    same(AUG_FLOAT, x, y)


@given(small_ints, floats)
def test_augmented_assignment_mixed(a, x):
    same(AUG_MIXED, a, x)


@given(ints)
@example(0)
@example(-1)
def test_unbound_local(a):
    same(UNBOUND, a)


@given(small_ints, small_ints, floats, floats, bools, bools)
def test_unannotated_parameters_are_specialised(a, b, x, y, p, q):
    same(POLY, a, b)
    same(POLY, x, y)
    same(POLY, a, x)
    same(POLY, x, a)
    same(POLY, p, q)          # bool * bool + bool is an int
    same(UNTYPED_CMP, a, b)
    same(UNTYPED_CMP, x, y)
    same(UNTYPED_CMP, a, y)


@given(small_ints, small_ints, floats, bools)
def test_unannotated_parameters_with_defaults_and_keywords(a, b, x, p):
    same(UNTYPED_DEFAULT, a)
    same(UNTYPED_DEFAULT, x)
    same(UNTYPED_DEFAULT, a, b)
    same(UNTYPED_DEFAULT, a, x)
    same(UNTYPED_DEFAULT, a, c=b)
    same(UNTYPED_DEFAULT, c=x, b=a, a=b)
    same(UNTYPED_DEFAULT, p, p, p)
    same(POLY, b=a, a=x)
    same(POLY, p, a)
    same(POLY, a, p)
    same(UNTYPED_CALLS, a, b)
    same(UNTYPED_CALLS, x, a)
    same(UNTYPED_CALLS, p, x)


@pytest.mark.needs_jit
def test_signatures_grow_with_specialisations():
    c = pyjitx.compile(poly, cache=False)
    c(1, 2)
    n1 = len(c.signatures)
    assert n1 >= 1
    c(1.5, 2.5)
    assert len(c.signatures) >= n1 + 1
    c(1, 2)                      # already specialised: nothing new
    c(1.5, 2.5)
    n2 = len(c.signatures)
    c(3, 4)
    assert len(c.signatures) == n2
    assert c(2, 3) == 8 and type(c(2, 3)) is int
    assert c(2.0, 3.0) == 8.0 and type(c(2.0, 3.0)) is float


@pytest.mark.needs_jit
def test_py_func_is_the_original():
    assert FIB[1].py_func is fib
    assert dec_square.py_func.__name__ == "dec_square"
    assert dec_square.py_func(7) == 49


@pytest.mark.needs_jit
def test_signatures_of_annotated_function():
    c = pyjitx.compile(with_defaults, eager=True)
    sigs = c.signatures
    assert len(sigs) >= 1
    c(1)
    assert len(c.signatures) == len(sigs)


@pytest.mark.needs_jit
@pytest.mark.parametrize("what", ["inspect_ir", "inspect_llvm", "inspect_asm"])
def test_inspect_returns_text_naming_the_function(what):
    c = pyjitx.compile(fact_rec)
    assert c(5) == 120
    text = getattr(c, what)()
    assert isinstance(text, str)
    assert text.strip()
    assert "fact_rec" in text


@pytest.mark.needs_jit
def test_compile_options_forms():
    for kwargs in ({"cache": False, "opt": 0}, {"cache": False, "opt": 3},
                   {"cache": False, "opt": 2, "eager": True}, {"opt": 1}):
        c = pyjitx.compile(fib, **kwargs)
        assert c(15) == 610
        assert c.py_func is fib
    deco = pyjitx.compile(cache=False, opt=2)
    c = deco(fib_iter)
    assert c(50) == 12586269025


def test_options_forms_work_without_jit_too():
    # decorator-with-options form is valid whether or not the JIT is on
    c = pyjitx.compile(cache=False)(fib_iter)
    assert c(10) == 55


# ------------------------------------------------------- RecursionError

_RECURSION_SCRIPT = textwrap.dedent('''
    import sys
    import pyjitx


    def down(n: int) -> int:
        if n == 0:
            return 0
        return down(n - 1) + 1


    def ping(n: int) -> int:
        if n == 0:
            return 0
        return pong(n - 1) + 1


    def pong(n: int) -> int:
        if n == 0:
            return 0
        return ping(n - 1) + 1


    def forever(n: int) -> int:
        return forever(n + 1) + 1


    c_down = pyjitx.compile(down)
    c_ping = pyjitx.compile(ping)
    c_forever = pyjitx.compile(forever)
    print("down500", c_down(500), flush=True)
    print("ping500", c_ping(500), flush=True)
    for name, fn, arg in (("down", c_down, 100000), ("ping", c_ping, 10 ** 7),
                          ("forever", c_forever, 0), ("down-again", c_down, 5000)):
        try:
            print(name, "returned", fn(arg), flush=True)
        except RecursionError:
            print(name, "RecursionError", flush=True)
        except BaseException as e:
            print(name, "other", type(e).__name__, e, flush=True)
    print("after", c_down(100), flush=True)
''')


def test_deep_recursion_raises_recursion_error(tmp_path):
    # In a subprocess: a compiled stack overflow would kill the test runner.
    script = tmp_path / "deep_recursion.py"
    script.write_text(_RECURSION_SCRIPT)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [os.path.dirname(os.path.dirname(os.path.abspath(pyjitx.__file__)))]
        + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=300, env=env)
    out = proc.stdout
    assert proc.returncode == 0, (
        f"subprocess died (rc={proc.returncode})\nstdout:\n{out}\nstderr:\n{proc.stderr[-3000:]}")
    lines = out.splitlines()
    assert "down500 500" in lines, out
    assert "ping500 500" in lines, out
    assert "down RecursionError" in lines, out
    assert "ping RecursionError" in lines, out
    assert "forever RecursionError" in lines, out
    assert "down-again RecursionError" in lines, out
    assert "after 100" in lines, out
