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


# --- an int assigned to a float local is that int until the next assignment
# (chaos.py: `x = (p.x - minx) / width * w; x = int(x); im[x][...]`)

def int_of_a_float_indexes(xs: List[int], v: float) -> int:
    x = v * 2
    x = int(x)
    if x >= len(xs):
        x -= 1
    return xs[x] + x


def int_then_float_prints_each(n: int) -> str:
    t = n
    s = str(t)
    t = n / 4
    return s + " " + str(t) + " " + str(isinstance(t, int))


def huge_ints_stay_exact(n: int, flag: bool) -> Any:
    y = 0.5
    if flag:
        y = 2 ** 60 + n
    else:
        y = n * 3
    return y


def float_path_may_meet(n: int, flag: bool) -> str:
    y = n
    if flag:
        y = n / 2
    return repr(y * 1.0)


def typed_uses_of_the_int(v: float) -> str:
    x = v
    x = int(x)
    return f"{x} {x // 2} {x / 2} {type(x).__name__} {-x} {x % 3}"


def loop_rebinding_ends_the_int(xs: List[float]) -> str:
    t = 0
    s = repr(t)
    for v in xs:
        t += v
    return s + " " + repr(t * 1.0)


ints = st.integers(-10 ** 6, 10 ** 6)
floats = st.floats(-1e6, 1e6, allow_nan=False)


@given(st.lists(st.integers(-100, 100), min_size=1, max_size=6), st.floats(0, 3, allow_nan=False))
def test_int_of_a_float_local_indexes_a_list(xs, v):
    assert_same(int_of_a_float_indexes, pyjitx.compile(int_of_a_float_indexes), xs, v)


@given(ints)
def test_an_int_then_a_float_in_one_local(n):
    assert_same(int_then_float_prints_each, pyjitx.compile(int_then_float_prints_each), n)


@given(ints, st.booleans())
def test_ints_beyond_2_to_53_assigned_to_a_float_local_stay_exact(n, flag):
    assert_same(huge_ints_stay_exact, pyjitx.compile(huge_ints_stay_exact), n, flag)


@given(ints, st.booleans())
def test_int_narrowing_ends_where_a_float_path_meets(n, flag):
    assert_same(float_path_may_meet, pyjitx.compile(float_path_may_meet), n, flag)


@given(floats)
def test_the_int_of_a_float_local_behaves_as_an_int(v):
    assert_same(typed_uses_of_the_int, pyjitx.compile(typed_uses_of_the_int), v)


@given(st.lists(floats, max_size=4))
def test_a_loop_that_rebinds_ends_the_int(xs):
    assert_same(loop_rebinding_ends_the_int, pyjitx.compile(loop_rebinding_ends_the_int), xs)
