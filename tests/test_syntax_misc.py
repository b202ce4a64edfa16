"""Everyday syntax, differentially against CPython: the walrus operator
(in conditions, while loops, comprehensions -- binding in the function's
scope -- and lambdas), any/all stopping a generator expression at the
deciding item, `assert cond, f"..."`, `and`/`or` mixing bools and ints,
divmod, `type(x) is C`, and super(C, self)."""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import assert_same, compiled

pytestmark = pytest.mark.needs_jit

ints = st.integers(-1000, 1000)
words = st.lists(st.sampled_from(["", "a", "bb", "ccc", "é", "世界", "😀x"]), max_size=8)


# ------------------------------------------------------------------ walrus

def walrus_in_if(xs: List[str]) -> int:
    if (n := len(xs)) > 2:
        return n * 10
    return -n


def walrus_in_while(xs: List[int]) -> Tuple[int, int]:
    i = 0
    total = 0
    while i < len(xs) and (v := xs[i]) >= 0:
        total += v
        i += 1
    return total, i


def walrus_in_comprehension(xs: List[str]) -> Tuple[List[int], int]:
    lengths = [n for x in xs if (n := len(x)) > 1]
    return lengths, n  # n: bound in the function, as CPython does


def walrus_running_total(xs: List[int]) -> Tuple[int, List[int]]:
    total = 0
    running = [total := total + x for x in xs]
    return total, running


def walrus_nested_comprehension(rows: List[List[int]]) -> Tuple[List[int], int]:
    last = -1
    evens = [last for row in rows for v in row if (last := v) % 2 == 0]
    return evens, last


def walrus_optional(d: Dict[str, str], k: str) -> str:
    if (v := d.get(k)) is not None:
        return v.upper()
    return "missing"


def walrus_in_lambda(x: int) -> Tuple[int, int]:
    y = 5
    f = lambda a: (y := a * 2) + 1  # y is the lambda's own
    return f(x), y


def walrus_any_stops(xs: List[int]) -> Tuple[bool, int]:
    last = 0
    found = any((last := x) > 2 for x in xs)
    return found, last


def walrus_all_stops(xs: List[int]) -> Tuple[bool, int]:
    seen = 0
    ok = all((seen := seen + 1) and x < 100 for x in xs)
    return ok, seen


def walrus_any_nested(rows: List[List[int]]) -> Tuple[bool, int]:
    count = 0
    hit = any((count := count + 1) and v * w > 50 for v in rows[0] for w in rows[1])
    return hit, count


def any_does_not_run_past_the_answer(xs: List[int]) -> bool:
    # CPython stops at the first true item: the division by zero after it
    # never happens
    return any(100 // x > 10 for x in xs)


@given(words)
def test_walrus_in_an_if_test(xs):
    assert_same(walrus_in_if, compiled(walrus_in_if), xs)


@given(st.lists(st.integers(-5, 20), max_size=8))
def test_walrus_in_a_while_test(xs):
    assert_same(walrus_in_while, compiled(walrus_in_while), xs)


@given(words)
def test_walrus_in_a_comprehension_binds_in_the_function(xs):
    # an empty list leaves n unbound: UnboundLocalError in both
    assert_same(walrus_in_comprehension, compiled(walrus_in_comprehension), xs)


@given(st.lists(ints, max_size=8))
def test_walrus_running_total(xs):
    assert_same(walrus_running_total, compiled(walrus_running_total), xs)


@given(st.lists(st.lists(ints, max_size=3), max_size=3))
def test_walrus_in_a_nested_comprehension(rows):
    assert_same(walrus_nested_comprehension, compiled(walrus_nested_comprehension), rows)


@given(st.dictionaries(st.sampled_from("abc"), st.sampled_from(["x", "é", ""]), max_size=3),
       st.sampled_from("abc"))
def test_walrus_narrows_an_optional(d, k):
    assert_same(walrus_optional, compiled(walrus_optional), d, k)


@given(ints)
def test_walrus_in_a_lambda_binds_in_the_lambda(x):
    assert_same(walrus_in_lambda, compiled(walrus_in_lambda), x)


@given(st.lists(st.integers(-3, 5), max_size=8))
def test_any_and_all_stop_a_generator_expression_at_the_answer(xs):
    assert_same(walrus_any_stops, compiled(walrus_any_stops), xs)
    assert_same(walrus_all_stops, compiled(walrus_all_stops), xs + [150, 1])


@given(st.lists(st.integers(0, 10), min_size=1, max_size=4),
       st.lists(st.integers(0, 10), min_size=1, max_size=4))
def test_any_stops_a_nested_generator_expression(a, b):
    assert_same(walrus_any_nested, compiled(walrus_any_nested), [a, b])


@given(st.lists(st.integers(-3, 20), max_size=6))
def test_any_evaluates_no_item_past_the_answer(xs):
    assert_same(any_does_not_run_past_the_answer, compiled(any_does_not_run_past_the_answer),
                xs)
