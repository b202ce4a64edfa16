"""The Python <-> compiled boundary: argument conversion and checking,
arity and keyword errors, results' types, PYJITX_DISABLE_JIT."""
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
                      floats, huge_ints, ints, is_disabled, small_ints)

# ---------------------------------------------------------------- subjects


def take_int(a: int) -> int:
    return a + 0


def ident_int(a: int) -> int:
    return a


def take_float(x: float) -> float:
    return x * 1.0


def ident_float(x: float) -> float:
    return x


def take_bool(flag: bool) -> int:
    if flag:
        return 1
    return 0


def ident_bool(flag: bool) -> bool:
    return flag


def three(a: int, bee: float, c: bool) -> float:
    if c:
        return a + bee
    return a - bee


def with_default(a: int, b: int = 5) -> int:
    return a * 1000 + b


def returns_none(a: int) -> None:
    return None


def returns_nothing(a: int) -> None:
    a = a + 0


def no_args() -> int:
    return 42


# ----------------------------------------------------------- compiled twins

def _pair(fn):
    return fn, pyjitx.compile(fn)


TAKE_INT, IDENT_INT = _pair(take_int), _pair(ident_int)
TAKE_FLOAT, IDENT_FLOAT = _pair(take_float), _pair(ident_float)
TAKE_BOOL, IDENT_BOOL = _pair(take_bool), _pair(ident_bool)
THREE, WITH_DEFAULT = _pair(three), _pair(with_default)
RETURNS_NONE, RETURNS_NOTHING, NO_ARGS = _pair(returns_none), _pair(returns_nothing), _pair(no_args)


def same(pair, *args, **kwargs):
    return assert_same(pair[0], pair[1], *args, **kwargs)


def type_error_naming(fn, param, *args, **kwargs):
    with pytest.raises(TypeError) as info:
        fn(*args, **kwargs)
    assert f"'{param}'" in str(info.value), (
        f"TypeError message does not name parameter '{param}': {info.value}")


# --------------------------------------------------------- accepted values

@given(ints, floats, bools)
@example(INT64_MAX, -0.0, True)
@example(INT64_MIN, math.nan, False)
def test_values_round_trip(a, x, flag):
    same(TAKE_INT, a)
    same(IDENT_INT, a)
    same(TAKE_FLOAT, x)
    same(IDENT_FLOAT, x)
    same(TAKE_BOOL, flag)
    same(IDENT_BOOL, flag)


@given(ints, floats, bools)
def test_mixed_parameters_positional_and_keyword(a, x, flag):
    same(THREE, a, x, flag)
    same(THREE, a, x, c=flag)
    same(THREE, a, bee=x, c=flag)
    same(THREE, c=flag, a=a, bee=x)


@given(small_ints, small_ints)
def test_defaults_and_keywords_from_python(a, b):
    same(WITH_DEFAULT, a)
    same(WITH_DEFAULT, a, b)
    same(WITH_DEFAULT, a, b=b)
    same(WITH_DEFAULT, b=b, a=a)
    same(WITH_DEFAULT, a=a)


@given(bools)
def test_int_parameter_accepts_bool(flag):
    same(TAKE_INT, flag)          # True + 0 == 1 (an int) in both
    if not is_disabled(IDENT_INT[1], ident_int):
        assert IDENT_INT[1](flag) == int(flag)


@given(st.one_of(ints, st.integers(-(2 ** 53), 2 ** 53)))
@example(2 ** 53 + 1)
@example(INT64_MAX)
def test_float_parameter_accepts_int(a):
    same(TAKE_FLOAT, a)           # a * 1.0 is a float in both
    if not is_disabled(IDENT_FLOAT[1], ident_float):
        assert_result(IDENT_FLOAT[1], float(a), a)


def test_none_results():
    same(RETURNS_NONE, 3)
    same(RETURNS_NOTHING, 3)
    same(NO_ARGS)


# --------------------------------------------------------- rejected values

@pytest.mark.needs_jit
@given(huge_ints)
def test_huge_int_argument_overflows(big):
    with pytest.raises(OverflowError):
        TAKE_INT[1](big)
    with pytest.raises(OverflowError):
        THREE[1](big, 1.0, True)


@pytest.mark.needs_jit
@pytest.mark.parametrize("value", ["1", 1.0, 2.5, None, 1j, [1], b"x"])
def test_int_parameter_wrong_type(value):
    type_error_naming(TAKE_INT[1], "a", value)


@pytest.mark.needs_jit
@pytest.mark.parametrize("value", ["1.0", None, 1j, [1.0]])
def test_float_parameter_wrong_type(value):
    type_error_naming(TAKE_FLOAT[1], "x", value)


@pytest.mark.needs_jit
@pytest.mark.parametrize("value", [1, 0, 1.0, None, "True"])
def test_bool_parameter_accepts_only_bool(value):
    type_error_naming(TAKE_BOOL[1], "flag", value)


@pytest.mark.needs_jit
def test_wrong_type_names_the_right_parameter():
    type_error_naming(THREE[1], "bee", 1, "x", True)
    type_error_naming(THREE[1], "c", 1, 2.0, 1)
    type_error_naming(THREE[1], "a", None, 2.0, True)
    type_error_naming(THREE[1], "c", a=1, bee=2.0, c=None)
    type_error_naming(WITH_DEFAULT[1], "b", 1, b=1.5)


# ----------------------------------------------------- arity and keywords

ARITY_CASES = [
    ((), {}),                              # missing a
    ((1, 2, 3), {}),                       # too many
    ((1,), {"zz": 2}),                     # unknown keyword
    ((1,), {"a": 2}),                      # a given twice
    ((), {"b": 2}),                        # missing a
    ((1, 2), {"b": 3}),                    # b given twice
]


@pytest.mark.parametrize("args,kwargs", ARITY_CASES)
def test_arity_and_keyword_errors_like_python(args, kwargs):
    same(WITH_DEFAULT, *args, **kwargs)    # TypeError in both


@pytest.mark.parametrize("args,kwargs", [((1,), {}), ((), {"a": 1}), ((1, 2.0), {})])
def test_arity_errors_no_args_and_three(args, kwargs):
    same(NO_ARGS, *args, **kwargs)
    same(THREE, *args, **kwargs)


@pytest.mark.needs_jit
def test_arity_error_message_names_function_or_parameter():
    with pytest.raises(TypeError) as info:
        WITH_DEFAULT[1]()
    msg = str(info.value)
    assert "with_default" in msg or "'a'" in msg, msg


# ---------------------------------------------------- PYJITX_DISABLE_JIT

_DISABLED_SCRIPT = textwrap.dedent('''
    import pyjitx


    def f(a: int, b: float = 1.5) -> float:
        return a + b


    class K:
        def __init__(self, v: int) -> None:
            self.v = v


    g = pyjitx.compile(f)
    assert g is f, g
    assert pyjitx.compile(cache=False)(f) is f
    assert pyjitx.compile(f, cache=False, opt=0, eager=True) is f
    assert pyjitx.compile(K) is K
    big = 2 ** 100
    assert g(big) == big + 1.5            # plain Python: no int64 limit
    assert g("x", "y") == "xy"            # plain Python: no type checks


    @pyjitx.compile
    def h(a: int) -> int:
        return a * 2


    assert not hasattr(h, "py_func") or h.py_func is h
    assert h.__code__ is not None and h(2 ** 70) == 2 ** 71
    print("DISABLED-OK")
''')


def test_disable_jit_returns_function_untouched(tmp_path):
    script = tmp_path / "disabled.py"
    script.write_text(_DISABLED_SCRIPT)
    env = dict(os.environ)
    env["PYJITX_DISABLE_JIT"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(
        [os.path.dirname(os.path.dirname(os.path.abspath(pyjitx.__file__)))]
        + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "DISABLED-OK" in proc.stdout
