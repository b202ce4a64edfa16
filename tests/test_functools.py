"""functools in compiled code, differentially against CPython: reduce
(with and without an initial value, CPython's TypeError on an empty
iterable, operator functions and lambdas reading the caller's locals),
partial of compiled functions (called with more positional and keyword
arguments), cmp_to_key as a sort key, and lru_cache / cache on functions
that compiled code calls -- memoised recursion gives CPython's answer,
fast, and the caches evict as CPython's (maxsize)."""
from __future__ import annotations

import functools
import operator
import time
from functools import cache, cmp_to_key, lru_cache, partial, reduce
from typing import List

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx
import pyjitx.runtime

from difftest import INT64_MAX, INT64_MIN, assert_same, compiled, expect_raises, ints

pytestmark = pytest.mark.needs_jit

letters = st.sampled_from(["a", "b", "é", "e\u0301", "世", "界", "😀", "ß", "Z", " ", ""])
text = st.lists(letters, max_size=10).map("".join)
words = st.lists(st.lists(letters, max_size=3).map("".join), max_size=6)
small_lists = st.lists(st.integers(-1000, 1000), max_size=8)


# ------------------------------------------------------------------ reduce

def reductions(a: List[int], start: int):
    return (reduce(lambda x, y: x + y, a, 0), reduce(operator.mul, a[:4], 1),
            reduce(lambda x, y: x * 10 + y + start, a, start), reduce(max, a, start),
            functools.reduce(operator.sub, a, start))


def reduce_no_initial(a: List[int]) -> int:
    return reduce(lambda x, y: x - y, a)


def reduce_strings(ws: List[str]):
    return reduce(lambda x, y: y + x, ws, ""), reduce(operator.add, ws + ["!"])


def reduce_generator(n: int) -> int:
    return reduce(operator.add, (i * i for i in range(n)), 0)


@given(small_lists, st.integers(-100, 100))
def test_reduce(a, start):
    assert_same(reductions, compiled(reductions), a, start)


@given(st.lists(ints, max_size=5))
def test_reduce_without_initial(a):
    # an empty list: TypeError "reduce() of empty iterable with no initial
    # value" (CPython's message; the harness compares the type)
    if not a:
        with pytest.raises(TypeError, match="reduce\\(\\) of empty iterable with no initial value"):
            compiled(reduce_no_initial)(a)
    total = a[0] if a else 0
    ok = True
    for x in a[1:]:
        total -= x
        ok = ok and INT64_MIN <= total <= INT64_MAX
    if ok:
        assert_same(reduce_no_initial, compiled(reduce_no_initial), a)
    else:
        expect_raises(compiled(reduce_no_initial), OverflowError, a)


@given(words)
def test_reduce_strings(ws):
    assert_same(reduce_strings, compiled(reduce_strings), ws)


@given(st.integers(0, 50))
def test_reduce_generator(n):
    assert_same(reduce_generator, compiled(reduce_generator), n)


# ------------------------------------------------------------------ partial

def scale(x: int, y: int, z: int = 1, *, sep: str = ",") -> str:
    return f"{x * y * z}{sep}"


def greet(name: str, greeting: str = "hello") -> str:
    return f"{greeting} {name}"


def partials(a: int, b: int, s: str):
    double = partial(scale, 2)
    fixed = functools.partial(scale, a, b, sep=s)
    hi = partial(greet, greeting=s)
    return (double(a), double(a, b), double(a, z=b), double(a, b, sep=s), fixed(),
            fixed(3), hi("世界"), hi(name=s), [double(x) for x in range(3)],
            partial(lambda x, y: x - y, a)(b))


@given(st.integers(-1000, 1000), st.integers(-1000, 1000), text)
def test_partial(a, b, s):
    assert_same(partials, compiled(partials), a, b, s)


# ------------------------------------------------------------------ cmp_to_key

def by_length_then_reverse(x: str, y: str) -> int:
    if len(x) != len(y):
        return len(x) - len(y)
    return (x < y) - (x > y)


def cmp_sorts(ws: List[str]):
    in_place = list(ws)
    in_place.sort(key=cmp_to_key(lambda x, y: len(y) - len(x)))
    return (sorted(ws, key=cmp_to_key(by_length_then_reverse)),
            sorted(ws, key=functools.cmp_to_key(by_length_then_reverse), reverse=True),
            in_place)


@given(words)
def test_cmp_to_key(ws):
    assert_same(cmp_sorts, compiled(cmp_sorts), ws)


# ------------------------------------------------------------------ lru_cache

@lru_cache(maxsize=None)
def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def fib_of(n: int) -> int:
    return fib(n)


@cache
def grid_paths(r: int, c: int) -> int:
    if r == 0 or c == 0:
        return 1
    return grid_paths(r - 1, c) + grid_paths(r, c - 1)


def paths_of(r: int, c: int) -> int:
    return grid_paths(r, c)


@lru_cache(maxsize=128)
def edit_distance(a: str, b: str) -> int:
    if not a:
        return len(b)
    if not b:
        return len(a)
    if a[0] == b[0]:
        return edit_distance(a[1:], b[1:])
    return 1 + min(edit_distance(a[1:], b), edit_distance(a, b[1:]),
                   edit_distance(a[1:], b[1:]))


def distance(a: str, b: str) -> int:
    return edit_distance(a, b)


def test_memoised_fib_is_right_and_fast():
    f = compiled(fib_of)
    assert f(90) == 2880067194370816120
    started = time.perf_counter()
    assert f(92) == 7540113804746346429
    # unmemoised, fib(92) is ~10**19 calls: only a cache finishes at all
    assert time.perf_counter() - started < 1.0
    expect_raises(f, OverflowError, 93)  # past int64, as every compiled int
    assert pyjitx.runtime.cache_entries() >= 93


@given(st.integers(0, 80))
def test_fib_matches_cpython(n):
    assert_same(fib_of, compiled(fib_of), n)


@given(st.integers(0, 20), st.integers(0, 20))
def test_cache_two_arguments(r, c):
    assert_same(paths_of, compiled(paths_of), r, c)


@given(st.lists(letters, max_size=6).map("".join), st.lists(letters, max_size=6).map("".join))
def test_lru_cache_with_strings(a, b):
    assert_same(distance, compiled(distance), a, b)


@lru_cache(maxsize=2)
def shout(w: str) -> str:
    return w.upper() + "!"


def shout_all(ws: List[str]) -> List[str]:
    return [shout(w) for w in ws]


@given(words)
def test_bounded_cache_results(ws):
    assert_same(shout_all, compiled(shout_all), ws)



@lru_cache(maxsize=2)
def counted(n: int) -> int:
    return n * n


def count_misses(ns: List[int]) -> int:
    # how many entries the bounded cache keeps: at most maxsize
    total = 0
    for n in ns:
        total += counted(n)
    return total


def test_bounded_cache_evicts_least_recently_used():
    pyjitx.runtime.clear_caches()
    f = compiled(count_misses)
    assert f([1, 2, 1, 3, 1, 4]) == 1 + 4 + 1 + 9 + 1 + 16
    assert pyjitx.runtime.cache_entries() == 2  # maxsize=2: (1 and 4) kept


@lru_cache(maxsize=0)
def uncached(n: int) -> int:
    return n + 1


def call_uncached(n: int) -> int:
    return uncached(n) + uncached(n)


def test_maxsize_zero_caches_nothing():
    pyjitx.runtime.clear_caches()
    assert_same(call_uncached, compiled(call_uncached), 5)
    assert pyjitx.runtime.cache_entries() == 0


def clear_then(n: int) -> int:
    a = fib(n)
    fib.cache_clear()
    return a


def test_cache_clear_in_compiled_code():
    compiled(fib_of)(30)
    assert pyjitx.runtime.cache_entries() > 0
    assert compiled(clear_then)(20) == 6765
    assert pyjitx.runtime.cache_entries() == 0


def info(n: int):
    return fib.cache_info()


def test_cache_info_is_a_clear_compile_error():
    with pytest.raises(pyjitx.CompileError, match="cache_info\\(\\) is not available"):
        pyjitx.compile(info)(1)


@lru_cache
def unhashable(xs: List[int]) -> int:
    return len(xs)


def call_unhashable(xs: List[int]) -> int:
    return unhashable(xs)


def test_unhashable_argument_is_cpythons_type_error():
    assert_same(call_unhashable, compiled(call_unhashable), [1, 2])


def test_compiling_a_cached_function_compiles_its_body():
    f = pyjitx.compile(fib)  # the lru_cache wrapper: its body, recursing through the cache
    started = time.perf_counter()
    assert f(91) == 4660046610375530309
    assert time.perf_counter() - started < 1.0
    assert_same(fib, f, 40)


@lru_cache(maxsize=64)
def collatz_steps(n: int) -> int:
    if n == 1:
        return 0
    return 1 + collatz_steps(n // 2 if n % 2 == 0 else 3 * n + 1)


def total_steps(lo: int, hi: int) -> int:
    total = 0
    for n in range(lo, hi):
        total += collatz_steps(n)
    return total


def test_bounded_cache_shared_by_threads():
    # compiled code runs without the GIL: the caches are locked in the runtime,
    # and a small maxsize makes the threads evict each other's entries
    import threading

    f = compiled(total_steps)
    expected = {lo: total_steps(lo, lo + 300) for lo in (1, 200, 400, 600)}  # CPython
    got = {}

    def work(lo: int) -> None:
        for _ in range(20):
            got[lo] = f(lo, lo + 300)

    threads = [threading.Thread(target=work, args=(lo,)) for lo in expected]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == expected
    assert pyjitx.runtime.cache_entries() <= 64
