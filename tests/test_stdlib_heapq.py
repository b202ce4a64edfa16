"""heapq in compiled code (pyjitx/stdlib_heapq.py): the heap after every
push, pop, heapify, replace and pushpop is CPython's list exactly (ties and
equal keys included), nlargest/nsmallest with and without key, merge."""
from __future__ import annotations

import heapq
from typing import List, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from difftest import assert_same, assert_same_effects, compiled

pytestmark = pytest.mark.needs_jit

small = st.integers(-10, 10)
# (priority, name) pairs: equal priorities compare by name, as in CPython
entries = st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["a", "b", "c", "中"])),
                   max_size=25)


def pushes_and_pops(xs: List[int], pops: int) -> Tuple[List[int], List[int]]:
    h: List[int] = []
    for x in xs:
        heapq.heappush(h, x)
    out = [heapq.heappop(h) for _ in range(min(pops, len(h)))]
    return h, out


def heapified(xs: List[int]) -> List[int]:
    heapq.heapify(xs)
    return xs


def replaced(xs: List[int], ys: List[int]) -> Tuple[List[int], List[int]]:
    heapq.heapify(xs)
    got: List[int] = []
    for i, y in enumerate(ys):
        if i % 2:
            got.append(heapq.heappushpop(xs, y))
        elif xs:
            got.append(heapq.heapreplace(xs, y))
    return xs, got


def tuples(es: List[Tuple[int, str]]) -> List[Tuple[int, str]]:
    h: List[Tuple[int, str]] = []
    for e in es:
        heapq.heappush(h, e)
    heapq.heapify(h)
    return [heapq.heappop(h) for _ in range(len(h) // 2)] + h


def largest(xs: List[int], n: int) -> Tuple[List[int], List[int], List[int], List[int]]:
    return (heapq.nlargest(n, xs), heapq.nsmallest(n, xs),
            heapq.nlargest(n, xs, key=lambda x: x % 3), heapq.nsmallest(n, xs, key=lambda x: -x * x))


def largest_words(ws: List[str], n: int) -> Tuple[List[str], List[str]]:
    return heapq.nlargest(n, ws, key=lambda w: len(w)), heapq.nsmallest(n, ws, key=lambda w: len(w))


def merged(a: List[int], b: List[int], c: List[int]) -> List[int]:
    return list(heapq.merge(sorted(a), sorted(b), sorted(c)))


def merged_key(a: List[str], b: List[str]) -> List[str]:
    out: List[str] = []
    for w in heapq.merge(sorted(a, key=lambda w: len(w)), sorted(b, key=lambda w: len(w)),
                         key=lambda w: len(w)):
        out.append(w)
    return out


def merged_reverse(a: List[int], b: List[int]) -> List[int]:
    return list(heapq.merge(sorted(a, reverse=True), sorted(b, reverse=True), reverse=True))


@given(st.lists(small, max_size=40), st.integers(0, 45))
def test_push_pop(xs, pops):
    assert_same(pushes_and_pops, compiled(pushes_and_pops), xs, pops)


@given(st.lists(small, max_size=60))
def test_heapify(xs):
    assert_same_effects(heapified, compiled(heapified), xs)


def test_heapify_large():
    import random

    rng = random.Random(4)
    xs = [rng.randrange(100) for _ in range(6000)]
    assert_same_effects(heapified, compiled(heapified), xs)


@given(st.lists(small, max_size=20), st.lists(small, max_size=20))
def test_replace_pushpop(xs, ys):
    assert_same_effects(replaced, compiled(replaced), xs, ys)


@given(entries)
def test_tuples_and_ties(es):
    assert_same(tuples, compiled(tuples), es)


@given(st.lists(small, max_size=30), st.integers(-2, 35))
def test_nlargest_nsmallest(xs, n):
    assert_same(largest, compiled(largest), xs, n)


@given(st.lists(st.text(max_size=4), max_size=15), st.integers(0, 6))
def test_nlargest_key_ties(ws, n):
    assert_same(largest_words, compiled(largest_words), ws, n)


@given(st.lists(small, max_size=10), st.lists(small, max_size=10), st.lists(small, max_size=10))
def test_merge(a, b, c):
    assert_same(merged, compiled(merged), a, b, c)


@given(st.lists(st.text(max_size=3), max_size=8), st.lists(st.text(max_size=3), max_size=8))
def test_merge_key(a, b):
    assert_same(merged_key, compiled(merged_key), a, b)


@given(st.lists(small, max_size=10), st.lists(small, max_size=10))
def test_merge_reverse(a, b):
    assert_same(merged_reverse, compiled(merged_reverse), a, b)


def test_errors():
    def pop_empty(xs: List[int]) -> int:
        return heapq.heappop(xs)

    def replace_empty(xs: List[int]) -> int:
        return heapq.heapreplace(xs, 1)

    for fn in (pop_empty, replace_empty):
        assert_same(fn, compiled(fn), [])
        with pytest.raises(IndexError, match="index out of range"):
            compiled(fn)([])
