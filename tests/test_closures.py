"""Nested functions, closures and lambdas, differentially against CPython:
nested defs reading enclosing variables (at call time) and writing them
with `nonlocal`, lambdas stored in variables (with defaults and keyword
arguments), functions and lambdas passed as arguments to compiled
functions, as `key=` arguments, nested functions that raise and return
early, a nested function inside a nested function, and the compile
errors for what is not supported."""
from __future__ import annotations

from typing import Dict, List

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import assert_same, compiled

ints = st.integers(min_value=-10**6, max_value=10**6)
words = st.lists(st.text(alphabet=st.sampled_from(list("abC é中😀")), max_size=5), max_size=8)


def apply_twice(f, x: int) -> int:
    return f(f(x))


def apply_all(f, xs: List[int]) -> List[int]:
    return [f(x) for x in xs]


def negate(x: int) -> int:
    return -x


def counters(xs: List[int], k: int) -> List[int]:
    total = 0
    calls = 0

    def add(v: int) -> int:
        nonlocal total, calls
        calls += 1
        total += v
        return total

    scale = lambda v: v * k  # noqa: E731 (a lambda in a variable is the point)
    out = [add(scale(x)) for x in xs]
    k = 3  # read at call time, as Python's closures do
    out.append(scale(2))
    out.append(total)
    out.append(calls)
    return out


def lambdas(x: int) -> List[int]:
    inc = lambda y, step=2: y + step  # noqa: E731
    pick = lambda a, b: a if a > b else b  # noqa: E731
    return [inc(x), inc(x, 10), inc(step=5, y=x), pick(x, 7), (lambda z: z * z)(3)]


def passing(xs: List[int]) -> List[int]:
    out = apply_all(negate, xs)
    out.append(apply_twice(lambda v: v * 2 + 1, 3))
    out.append(apply_twice(negate, 5))

    def halve(v: int) -> int:
        return v // 2

    out.extend(apply_all(halve, xs))
    return out


def early_return(xs: List[int], limit: int) -> List[str]:
    def classify(v: int) -> str:
        if v < 0:
            return "neg"
        for d in (2, 3, 5):
            if v % d == 0:
                return f"div{d}"
        if v > limit:
            raise ValueError(f"{v} over {limit}")
        return "other"

    out: List[str] = []
    for v in xs:
        try:
            out.append(classify(v))
        except ValueError as e:
            out.append("error:" + str(e))
    return out


def nested_twice(words_: List[str]) -> Dict[str, int]:
    counts: Dict[str, int] = {}

    def count_all() -> None:
        def bump(w: str) -> None:
            counts[w] = counts.get(w, 0) + 1

        for w in words_:
            bump(w.lower())

    count_all()
    count_all()
    return counts


def sort_keys(words_: List[str]) -> List[str]:
    def by_length(w: str) -> int:
        return len(w)

    first = sorted(words_, key=by_length)
    return first + sorted(words_, key=lambda w: (-len(w), w))


def raises_inside(x: int) -> int:
    def check(v: int) -> int:
        if v == 0:
            raise ZeroDivisionError("zero")
        return 100 // v

    return check(x) + check(x + 1)


@given(st.lists(ints, max_size=6), ints)
def test_nonlocal_and_late_binding(xs, k):
    assert_same(counters, compiled(counters), xs, k)


@given(ints)
def test_lambdas_in_variables(x):
    assert_same(lambdas, compiled(lambdas), x)


@given(st.lists(ints, max_size=6))
def test_functions_passed_as_arguments(xs):
    assert_same(passing, compiled(passing), xs)


@given(st.lists(ints, max_size=8), st.integers(0, 100))
def test_early_return_and_raise_in_nested_function(xs, limit):
    assert_same(early_return, compiled(early_return), xs, limit)


@given(words)
def test_nested_function_inside_nested_function(ws):
    assert_same(nested_twice, compiled(nested_twice), ws)


@given(words)
def test_key_functions(ws):
    assert_same(sort_keys, compiled(sort_keys), ws)


@given(st.integers(-3, 3))
def test_exception_from_nested_function(x):
    assert_same(raises_inside, compiled(raises_inside), x)


# ------------------------------------------------------------ errors


def recursive_nested(n: int) -> int:
    def fact(k: int) -> int:
        return 1 if k <= 1 else k * fact(k - 1)

    return fact(n)


def passes_closure(xs: List[int], k: int) -> List[int]:
    return apply_all(lambda v: v + k, xs)


def returns_function(k: int):
    return lambda v: v + k


def returns_lambda_to_python(k: int):
    return lambda v: v + 1


@pytest.mark.parametrize("fn, args, message", [
    (recursive_nested, (3,), "recursive nested function 'fact'"),
    (passes_closure, ([1], 2), "reads k from this function"),
    (returns_function, (1,), "the lambda reads k from this function and cannot be returned"),
    (returns_lambda_to_python, (1,), "cannot cross into Python"),
])
def test_unsupported_uses_are_compile_errors(fn, args, message):
    with pytest.raises(pyjitx.CompileError, match=message):
        pyjitx.compile(fn)(*args)


@pyjitx.compile
def _always_raises_in_expression(x: int, c: bool) -> int:
    def boom(v: int) -> int:
        raise ValueError("no")
    y = boom(x) if c else 0
    z = boom(x) if x > 100 else y
    return z + 1


@pytest.mark.parametrize("x,c", [(1, True), (1, False), (101, False)])
def test_a_nested_function_that_always_raises_can_be_used_in_an_expression(x, c):
    for fn in (_always_raises_in_expression.py_func, _always_raises_in_expression):
        if c or x > 100:
            with pytest.raises(ValueError, match="no"):
                fn(x, c)
        else:
            assert fn(x, c) == 1
