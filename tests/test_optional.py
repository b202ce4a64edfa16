"""Optional[T] of object types, differentially against CPython: None and
values across the boundary, `is None` tests, truthiness, None in containers,
and the TypeError when None is used as a value (pyjitx checks where CPython
would fail with an AttributeError/TypeError of its own)."""
from __future__ import annotations

from typing import Dict, List, Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import assert_same, compiled


def first_with(words: List[str], prefix: str) -> Optional[str]:
    for w in words:
        if w.startswith(prefix):
            return w
    return None


def describe(s: Optional[str]) -> str:
    if s is None:
        return "<none>"
    if not s:
        return "<empty>"
    return s.upper()


def lookup(d: Dict[str, List[int]], k: str) -> Optional[List[int]]:
    found = None
    if k in d:
        found = d[k]
    return found


def count_present(xs: List[Optional[str]]) -> int:
    n = 0
    for x in xs:
        if x is not None:
            n += len(x)
    return n


COMPILED = {f.__name__: pyjitx.compile(f) for f in (first_with, describe, lookup, count_present)}
words = st.lists(st.text(alphabet="abé世 ", max_size=4), max_size=5)


@given(words, st.text(alphabet="abé", max_size=2))
def test_optional_result(ws, prefix):
    assert_same(first_with, COMPILED["first_with"], ws, prefix)


@given(st.none() | st.text(alphabet="abé世", max_size=3))
def test_optional_argument(s):
    assert_same(describe, COMPILED["describe"], s)


@given(st.dictionaries(st.sampled_from("abc"), st.lists(st.integers(-9, 9), max_size=3)),
       st.sampled_from("abcd"))
def test_optional_container(d, k):
    assert_same(lookup, COMPILED["lookup"], d, k)


@given(st.lists(st.none() | st.text(alphabet="xé", max_size=3), max_size=5))
def test_none_items(xs):
    assert_same(count_present, COMPILED["count_present"], xs)


def test_none_used_as_a_value_raises_type_error():
    @pyjitx.compile
    def shout(s: Optional[str]) -> str:
        return s.upper()

    assert shout("a") == "A"
    with pytest.raises(TypeError):
        shout(None)


def test_optional_scalar_is_a_clear_error():
    def f(x: Optional[int]) -> int:
        return 0

    with pytest.raises(pyjitx.CompileError, match="for an optional scalar, use Any"):
        pyjitx.compile(f, eager=True)


def optional_equality(xs: List[Optional[str]], y: Optional[str]) -> List[bool]:
    out: List[bool] = []
    for x in xs:
        out.append(x == "é")
        out.append(x != "a")
        out.append(x == y)
        out.append(y != x)
        out.append("é" == x)
    return out


@given(st.lists(st.one_of(st.none(), st.sampled_from(["é", "a", ""])), max_size=5),
       st.one_of(st.none(), st.sampled_from(["é", "a"])))
def test_equality_with_none_values(xs, y):
    assert_same(optional_equality, compiled(optional_equality), xs, y)
