"""bisect in compiled code (pyjitx/stdlib_bisect.py): bisect_left/right,
insort_left/right with lo, hi and key=, differential against CPython's
_bisect on generated lists, ties included."""
from __future__ import annotations

import bisect
from typing import List, Optional, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from difftest import assert_same, assert_same_effects, compiled, unicode_text

pytestmark = pytest.mark.needs_jit


def positions(xs: List[int], x: int) -> List[int]:
    xs = sorted(xs)
    return [bisect.bisect_left(xs, x), bisect.bisect_right(xs, x), bisect.bisect(xs, x),
            bisect.bisect_left(xs, x, 1), bisect.bisect_right(xs, x, 0, len(xs) // 2),
            bisect.bisect_left(xs, x, hi=-1), bisect.bisect_right(xs, x, lo=2, hi=None)]


def positions_str(words: List[str], w: str) -> Tuple[int, int]:
    words = sorted(words)
    return bisect.bisect_left(words, w), bisect.bisect_right(words, w)


def keyed(pairs: List[Tuple[str, int]], n: int) -> List[int]:
    pairs = sorted(pairs, key=lambda p: p[1])
    return [bisect.bisect_left(pairs, n, key=lambda p: p[1]),
            bisect.bisect_right(pairs, n, key=lambda p: p[1]),
            bisect.bisect_right(pairs, n, 1, key=lambda p: p[1])]


def insorts(xs: List[int], ys: List[int]) -> List[int]:
    out: List[int] = []
    for i, y in enumerate(ys):
        if i % 2:
            bisect.insort_left(out, y)
        else:
            bisect.insort_right(out, y)
    for x in xs:
        bisect.insort(out, x, 0, len(out))
    return out


def insort_keyed(pairs: List[Tuple[str, float]]) -> List[Tuple[str, float]]:
    out: List[Tuple[str, float]] = []
    for p in pairs:
        bisect.insort(out, p, key=lambda q: q[1])
        bisect.insort_left(out, p, key=lambda q: q[1])
    return out


def negative_lo(xs: List[int]) -> int:
    return bisect.bisect_left(xs, 1, -1)


small = st.integers(-20, 20)


@given(st.lists(small, max_size=30), small)
def test_positions(xs, x):
    assert_same(positions, compiled(positions), xs, x)


@given(st.lists(unicode_text, max_size=10), unicode_text)
def test_positions_of_text(words, w):
    assert_same(positions_str, compiled(positions_str), words, w)


@given(st.lists(st.tuples(st.text(max_size=3), small), max_size=12), small)
def test_key(pairs, n):
    assert_same(keyed, compiled(keyed), pairs, n)


@given(st.lists(small, max_size=15), st.lists(small, max_size=15))
def test_insort(xs, ys):
    assert_same(insorts, compiled(insorts), xs, ys)


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "中"]),
                          st.sampled_from([0.5, 1.0, -2.0, 1.0])), max_size=10))
def test_insort_key_keeps_ties_in_order(pairs):
    assert_same(insort_keyed, compiled(insort_keyed), pairs)


def test_lo_must_be_non_negative():
    assert_same(negative_lo, compiled(negative_lo), [1, 2])
    with pytest.raises(ValueError, match="lo must be non-negative"):
        compiled(negative_lo)([1, 2])


def test_insort_writes_back():
    def grow(xs: List[int], x: int) -> None:
        bisect.insort(xs, x)

    assert_same_effects(grow, compiled(grow), [1, 3, 5], 4)
