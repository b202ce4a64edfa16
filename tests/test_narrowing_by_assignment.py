"""What an assignment tells about an Optional, Any or union local holds
until the next assignment (`if r is None: r = n` leaves r an int), and no
further than Python guarantees it: not after a loop whose body may not
run, not in an exception handler or after a try whose body may have been
cut short, not after an if whose other arm leaves it None."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from hypothesis import given
from hypothesis import strategies as st

import pyjitx
from difftest import assert_same

small = st.integers(-3, 5)
maybe = st.one_of(st.none(), small)


def default_when_none(r: Optional[int], n: int) -> int:
    if r is None:
        r = n
    return r * 2 + 1          # r is an int on both paths


def one_arm_assigns(r: Optional[int], n: int) -> str:
    if n > 0:
        r = n
    return repr(r)            # still maybe None


def loop_may_not_run(n: int) -> str:
    x: Optional[int] = None
    for i in range(n):
        x = i * 3
    return repr(x)


def while_may_not_run(n: int) -> str:
    x: Optional[str] = None
    i = 0
    while i < n:
        x = "w" * i
        i += 1
    return repr(x)


def try_cut_short(s: str) -> str:
    x: Optional[int] = None
    try:
        x = len(s)
        x = int(s)
    except ValueError:
        return "handler " + repr(x)
    return repr(x)


def lazily_built(cache: Optional[Dict[str, int]], words: List[str]) -> int:
    if cache is None:
        cache = {}
    for w in words:
        cache[w] = cache.get(w, 0) + 1
    return len(cache)


def any_narrowed(x: Any, n: int) -> str:
    if n > 2:
        x = n
        return repr(x + 1)
    return repr(x)


def reassigned_none(n: int) -> str:
    best: Optional[int] = None
    for k in range(n):
        if best is None or k % 3 > best:
            best = k % 3
    return repr(best)


@given(maybe, small)
def test_default_when_none(r, n):
    assert_same(default_when_none, pyjitx.compile(default_when_none), r, n)


@given(maybe, small)
def test_one_arm(r, n):
    assert_same(one_arm_assigns, pyjitx.compile(one_arm_assigns), r, n)


@given(small)
def test_loops_that_may_not_run(n):
    assert_same(loop_may_not_run, pyjitx.compile(loop_may_not_run), n)
    assert_same(while_may_not_run, pyjitx.compile(while_may_not_run), n)


@given(st.sampled_from(["", "12", "x", "日本", "-3"]))
def test_try_cut_short(s):
    assert_same(try_cut_short, pyjitx.compile(try_cut_short), s)


@given(st.one_of(st.none(), st.dictionaries(st.sampled_from("ab"), small, max_size=2)),
       st.lists(st.sampled_from(["a", "b", "é"]), max_size=4))
def test_lazily_built(cache, words):
    assert_same(lazily_built, pyjitx.compile(lazily_built), cache, words)


@given(st.one_of(small, st.text(max_size=2)), small)
def test_any_narrowed(x, n):
    assert_same(any_narrowed, pyjitx.compile(any_narrowed), x, n)


@given(small)
def test_reassigned_in_loop(n):
    assert_same(reassigned_none, pyjitx.compile(reassigned_none), n)
