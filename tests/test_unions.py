"""Unions and Optional scalars, differentially against CPython: annotated
`Optional[int]`, `Union[int, str]`, `T | None` parameters and results;
locals that Python code assigns values of different types; `d.get(k)`
without a default; narrowing by `is None`, `is not None`, isinstance,
truthiness, `and`/`or`, conditional expressions, assert and an early
return; and the boundary's TypeError for a value of no member type."""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Tuple, Union

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import assert_same, compiled

pytestmark = pytest.mark.needs_jit

ints = st.integers(-10**6, 10**6)
maybe_ints = st.none() | ints
floats = st.floats(allow_nan=False, allow_infinity=False, width=64) | st.sampled_from(
    [0.0, -0.0, math.inf, -math.inf])
texts = st.text(alphabet="aZé世😀 ", max_size=6)


# ---------------------------------------------------------------- Optional scalars

def increment(x: Optional[int]) -> int:
    if x is None:
        return -1
    return x + 1


def increment_or_zero(x: Optional[int] = None) -> int:
    return x + 1 if x is not None else 0


def scaled(x: Optional[float], k: float) -> Optional[float]:
    if x is None:
        return None
    return x * k


def truthy_value(x: Optional[int]) -> str:
    if x:
        return f"set {x}"
    return "unset or zero"


def or_default(x: Optional[int]) -> int:
    return x or 7


def and_chain(x: Optional[int]) -> bool:
    return x is not None and x > 3


def assert_present(x: Optional[int]) -> int:
    assert x is not None, f"missing value (got {x})"
    return x * 2


def while_halving(x: Optional[int]) -> int:
    steps = 0
    while x is not None and x > 1:
        x = x // 2 if x % 2 == 0 else None
        steps += 1
    return steps


@given(maybe_ints)
def test_optional_int_narrowed_by_is_none_and_early_return(x):
    assert_same(increment, compiled(increment), x)


@given(maybe_ints)
def test_optional_int_with_a_none_default(x):
    assert_same(increment_or_zero, compiled(increment_or_zero), x)
    assert compiled(increment_or_zero)() == 0


@given(st.none() | floats, floats)
def test_optional_float_result(x, k):
    assert_same(scaled, compiled(scaled), x, k)


@given(maybe_ints)
def test_truthiness_and_or_narrow(x):
    for fn in (truthy_value, or_default, and_chain):
        assert_same(fn, compiled(fn), x)


@given(maybe_ints)
def test_assert_narrows_and_formats_its_message(x):
    assert_same(assert_present, compiled(assert_present), x)


@given(maybe_ints)
def test_a_loop_that_reassigns_the_optional(x):
    assert_same(while_halving, compiled(while_halving), x)


def test_a_value_of_no_member_type_is_a_type_error_naming_the_parameter():
    with pytest.raises(TypeError, match="argument 'x' must be Optional\\[int\\], not str"):
        compiled(increment)("3")
    assert compiled(increment)(True) == 2  # a bool is an int, as in CPython


# ------------------------------------------------------------------- unions

def describe(x: Union[int, str]) -> str:
    if isinstance(x, str):
        return x.upper()
    return str(x * 2)


def describe_pep604(x: int | str | None) -> str:
    if x is None:
        return "none"
    if isinstance(x, int):
        return f"int {x + 1}"
    return f"str {x.lower()!r}"


def length_of(x: Union[List[int], str, None]) -> int:
    if x is None:
        return -1
    return len(x)


def total(items: List[Union[int, float]]) -> float:
    t = 0.0
    for v in items:
        t += v
    return t


@given(ints | texts)
def test_union_narrowed_by_isinstance(x):
    assert_same(describe, compiled(describe), x)


@given(st.none() | ints | texts)
def test_pep_604_union_with_none(x):
    assert_same(describe_pep604, compiled(describe_pep604), x)


@given(st.none() | texts | st.lists(ints, max_size=4))
def test_union_of_a_container_and_str(x):
    assert_same(length_of, compiled(length_of), x)


@given(st.lists(ints | floats, max_size=6))
def test_list_of_a_union(xs):
    assert_same(total, compiled(total), xs)


def test_union_rejects_other_types_at_the_boundary():
    with pytest.raises(TypeError, match="must be Union\\[int, str\\], not float"):
        compiled(describe)(1.5)


# ------------------------------------------------------- locals of several types

def maybe_encoded(s: str, flag: bool) -> Any:
    out = s
    if flag:
        out = s.encode()
    return out


def best_index(xs: List[int]) -> Optional[int]:
    best = None
    for i, x in enumerate(xs):
        if best is None or x > xs[best]:
            best = i
    return best


def parse(text: str):
    value = None
    if text.isdigit():
        value = int(text)
    elif text:
        value = text
    return value


def mixed_returns(n: int):
    if n < 0:
        return "negative"
    if n == 0:
        return None
    return n * 2


@given(texts, st.booleans())
def test_a_local_holding_str_or_bytes(s, flag):
    assert_same(maybe_encoded, compiled(maybe_encoded), s, flag)


@given(st.lists(ints, max_size=6))
def test_none_then_int_is_an_optional_int(xs):
    assert_same(best_index, compiled(best_index), xs)


@given(st.text(alphabet="0123ab", max_size=4))
def test_a_local_of_three_types(text):
    assert_same(parse, compiled(parse), text)


@given(ints)
def test_unannotated_returns_of_several_types(n):
    assert_same(mixed_returns, compiled(mixed_returns), n)


# ------------------------------------------------- dict.get without a default

def count_words(words: List[str]) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for w in words:
        seen = counts.get(w)
        counts[w] = 1 if seen is None else seen + 1
    return counts


def lookup_float(table: Dict[str, float], key: str) -> float:
    v = table.get(key)
    if v is None:
        return -1.0
    return v / 2


def lookup_list(table: Dict[str, List[str]], key: str) -> int:
    found = table.get(key)
    return len(found) if found else 0


@given(st.lists(st.sampled_from(["a", "b", "é", "世"]), max_size=8))
def test_get_without_default_of_an_int_dict(words):
    assert_same(count_words, compiled(count_words), words)


@given(st.dictionaries(st.sampled_from("abc"), floats, max_size=3), st.sampled_from("abcd"))
def test_get_without_default_of_a_float_dict(table, key):
    assert_same(lookup_float, compiled(lookup_float), table, key)


@given(st.dictionaries(st.sampled_from("abc"), st.lists(texts, max_size=2), max_size=3),
       st.sampled_from("abcd"))
def test_get_without_default_of_a_list_dict(table, key):
    assert_same(lookup_list, compiled(lookup_list), table, key)


# ------------------------------------------------------------ narrowing limits

def rebinding_in_a_loop(xs: List[int]) -> List[str]:
    # x is narrowed to int after the test, but the loop rebinds it to a
    # float: the narrowing must not outlive the rebinding
    x: Union[int, float, None] = None
    out = []
    for v in xs:
        if x is not None:
            out.append(repr(x))
        if v % 2:
            x = v
        else:
            x = v / 2
    return out


def narrowed_then_rebound(x: Optional[int], flag: bool) -> str:
    if x is None:
        return "none"
    if flag:
        x = None
    return repr(x)


@given(st.lists(ints, max_size=6))
def test_narrowing_ends_where_a_loop_rebinds(xs):
    assert_same(rebinding_in_a_loop, compiled(rebinding_in_a_loop), xs)


@given(maybe_ints, st.booleans())
def test_narrowing_ends_where_an_arm_rebinds(x, flag):
    assert_same(narrowed_then_rebound, compiled(narrowed_then_rebound), x, flag)


def test_signatures_name_the_unions():
    compiled(increment)(1)
    assert compiled(increment).signatures == ["(x: Optional[int]) -> int"]
    compiled(describe_pep604)(None)
    assert compiled(describe_pep604).signatures == ["(x: Union[int, str, None]) -> str"]


def test_pairs_of_optionals_in_tuples():
    def first_present(pairs: List[Tuple[Optional[int], str]]) -> Optional[str]:
        for n, s in pairs:
            if n is not None and n > 0:
                return s * n
        return None
    f = pyjitx.compile(first_present)
    for pairs in ([], [(None, "a")], [(0, "a"), (2, "b")], [(None, "x"), (1, "y")]):
        assert f(pairs) == first_present(pairs)
