"""itertools in compiled code, differentially against CPython: each
function is a stand-in generator expanded inline where it is iterated
(pyjitx/stdlib/itertools_impl.py), so the items, their order, the
errors and their messages must be CPython's -- for lists of ints at the
int64 edges, Unicode text (accents, decomposed letters, CJK, emoji,
empty strings) and generator calls, which are consumed lazily as
CPython consumes an iterator (count() with a break, islice(count(), n)).

Deviation (documented in docs/guide/stdlib.md): groupby's groups are
lists, not views of the shared iterator; the tests take list(g)."""
from __future__ import annotations

import itertools
import operator
from itertools import (accumulate, chain, combinations, combinations_with_replacement,
                       compress, count, cycle, dropwhile, filterfalse, groupby, islice,
                       pairwise, permutations, product, repeat, starmap, takewhile,
                       zip_longest)
from typing import List, Optional, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import INT64_MAX, INT64_MIN, assert_same, compiled, expect_raises, ints

pytestmark = pytest.mark.needs_jit

letters = st.sampled_from(["a", "b", "é", "e\u0301", "世", "界", "😀", "ß", "Z", " ", ""])
text = st.lists(letters, max_size=10).map("".join)
int_lists = st.lists(ints, max_size=8)
small_lists = st.lists(st.integers(-50, 50), max_size=6)
words = st.lists(st.lists(letters, max_size=3).map("".join), max_size=6)


def evens(n: int):
    for i in range(n):
        if i % 2 == 0:
            yield i


def logged(xs: List[int], log: List[int]):
    # a generator with a side effect: shows how many items were pulled
    for x in xs:
        log.append(x)
        yield x


# ------------------------------------------------------------------ chain

def chains(a: List[int], b: List[int], s: str):
    return (list(chain(a, b)), list(chain(a)), list(chain(s, s)),
            list(chain.from_iterable([a, b, a])), [x for x in itertools.chain(a, b, a)],
            list(chain(evens(len(a)), b)), list(chain.from_iterable(s.split())),
            sum(chain(a, b), 0) if len(a) + len(b) < 2 else 0)


@given(int_lists, int_lists, text)
def test_chain(a, b, s):
    assert_same(chains, compiled(chains), a, b, s)


# ------------------------------------------------------------------ islice

def slices(a: List[int], start: int, stop: int, step: int):
    return (list(islice(a, stop)), list(islice(a, start, stop)),
            list(islice(a, start, stop, step)), list(islice(a, None)),
            list(islice(a, start, None)), list(islice(a, None, stop, step)),
            list(islice(a, start, None, step)))


def slice_stop(s: str, stop: int):
    return "".join(islice(s, stop))


def slice_generator(a: List[int], start: int, stop: int, step: int):
    log: List[int] = []
    got = list(islice(logged(a, log), start, stop, step))
    return got, log


@given(int_lists, st.integers(-2, 10), st.integers(-2, 10), st.integers(-1, 4))
def test_islice(a, start, stop, step):
    assert_same(slices, compiled(slices), a, start, stop, step)  # ValueError messages too
    assert_same(slice_generator, compiled(slice_generator), a, start, stop, step)


@given(text, st.integers(-3, 12))
def test_islice_text(s, stop):
    assert_same(slice_stop, compiled(slice_stop), s, stop)


def test_islice_messages():
    for args in (([1, 2], -1, 5, 1), ([1, 2], 1, -1, 1), ([1, 2], 0, 5, 0), ([1, 2], 0, 5, -2)):
        assert_same(slices, compiled(slices), *args)
    assert_same(slice_stop, compiled(slice_stop), "abc", -1)


def islice_keywords(a: List[int]):
    return list(islice(a, stop=2))


def test_islice_keywords_is_a_compile_error():
    with pytest.raises(pyjitx.CompileError, match="islice\\(\\) takes no keyword arguments"):
        pyjitx.compile(islice_keywords)([1])


# ------------------------------------------------------------------ infinite ones, lazily

def counting(n: int, start: int, step: int):
    out = []
    for i in count(start, step):
        if len(out) >= n:
            break
        out.append(i)
    first = []
    for i in count():
        if i >= n:
            break
        first.append(i)
    return (out, first, list(islice(count(start), n)), list(zip(count(start, step), "abc")),
            list(zip("xyz", count())), [(c, i) for i, c in zip(count(1), "世界")])


@given(st.integers(0, 8), st.integers(-10 ** 12, 10 ** 12), st.integers(-5, 5))
def test_count(n, start, step):
    assert_same(counting, compiled(counting), n, start, step)


def repeats(s: str, n: int):
    return (list(repeat(s, n)), list(repeat(n, times=2)), list(islice(repeat(s), 3)),
            list(zip(repeat(s), [1, 2])), list(repeat(s, 0)), [s * k for k in repeat(2, n)])


@given(text, st.integers(-3, 5))
def test_repeat(s, n):
    assert_same(repeats, compiled(repeats), s, n)


def cycling(a: List[int], n: int):
    got = []
    for x in cycle(a):
        if len(got) >= n:
            break
        got.append(x)
    return got, list(islice(cycle("ab"), n))


@given(small_lists, st.integers(0, 9))
def test_cycle(a, n):
    assert_same(cycling, compiled(cycling), a, n)


# ------------------------------------------------------------------ combinatorics

def combinatorics(a: List[int], r: int):
    return (list(combinations(a, r)), list(permutations(a, r)), list(permutations(a)),
            list(combinations_with_replacement(a, r)), len(list(combinations(a, 2))),
            [(y, x) for x, y in combinations(a, 2)], [b for _, b in permutations(a, 2)])


@given(st.lists(ints, max_size=5), st.integers(-1, 5))
def test_combinations_permutations(a, r):
    assert_same(combinatorics, compiled(combinatorics), a, r)  # ValueError for r < 0


def text_combinations(s: str, r: int):
    return ["".join(c) for c in combinations(s, r)], ["".join(p) for p in permutations(s, r)]


@given(st.lists(letters, max_size=4).map("".join), st.integers(0, 3))
def test_combinations_text(s, r):
    assert_same(text_combinations, compiled(text_combinations), s, r)


def products(a: List[int], s: str, n: int):
    return (list(product(a, s)), list(product(a, repeat=2)), list(product(s, repeat=n)),
            list(product(a, s, a)), list(product()), list(product(a, repeat=0)),
            ["".join(p) for p in product("ab", s)])


@given(st.lists(ints, max_size=3), st.lists(letters, max_size=3).map("".join),
       st.integers(-1, 3))
def test_product(a, s, n):
    assert_same(products, compiled(products), a, s, n)  # repeat < 0: ValueError


# ------------------------------------------------------------------ grouping, windows

def groups(s: str):
    return ([(k, list(g)) for k, g in groupby(s)],
            [(k, "".join(g)) for k, g in groupby(s, key=lambda c: c.isalpha())],
            [k for k, _ in groupby(sorted(s))], [len(list(g)) for _, g in groupby(s, None)])


@given(text)
def test_groupby(s):
    assert_same(groups, compiled(groups), s)


def group_numbers(a: List[int]):
    return [(k, list(g)) for k, g in groupby(a, key=lambda x: x % 3)]


@given(st.lists(st.integers(-5, 5), max_size=10))
def test_groupby_key_numbers(a):
    assert_same(group_numbers, compiled(group_numbers), a)


def windows(a: List[int], s: str):
    return (list(pairwise(a)), list(pairwise(s)), [y - x for x, y in pairwise(a)],
            list(pairwise(evens(len(a)))))


@given(st.lists(st.integers(-10 ** 9, 10 ** 9), max_size=8), text)
def test_pairwise(a, s):
    assert_same(windows, compiled(windows), a, s)


def while_ones(a: List[int], limit: int, s: str):
    return (list(takewhile(lambda x: x < limit, a)), list(dropwhile(lambda x: x < limit, a)),
            "".join(takewhile(str.isalpha, s)), "".join(dropwhile(lambda c: c != " ", s)),
            list(filterfalse(lambda x: x > limit, a)), list(filterfalse(None, [0, 1, 2, 0])),
            list(compress(a, [1, 0, 1])), list(starmap(lambda x, y: x * y, [(1, 2), (3, limit)])))


@given(int_lists, st.integers(-100, 100), text)
def test_takewhile_dropwhile(a, limit, s):
    assert_same(while_ones, compiled(while_ones), a, limit, s)


# ------------------------------------------------------------------ accumulate

def accumulations(a: List[int]):
    return (list(accumulate(a)), list(accumulate(a, lambda x, y: x * y)),
            list(accumulate(a, initial=100)), list(accumulate(a, max)),
            list(accumulate(a, min, initial=0)), list(accumulate(a, operator.sub)),
            list(accumulate(a, func=operator.add, initial=None)))


def words_joined(ws: List[str]):
    return list(accumulate(ws)), list(accumulate(ws, lambda x, y: y + x, initial=""))


@given(small_lists)
def test_accumulate(a):
    assert_same(accumulations, compiled(accumulations), a)


@given(words)
def test_accumulate_strings(ws):
    assert_same(words_joined, compiled(words_joined), ws)


def running_total(a: List[int]) -> List[int]:
    return list(accumulate(a))


@given(st.lists(st.sampled_from([INT64_MAX, INT64_MIN, 1, -1, 0]), max_size=5))
def test_accumulate_at_the_int64_edges(a):
    # int is int64 in compiled code: a partial sum past it is OverflowError
    sums, total = [], 0
    for x in a:
        total += x
        sums.append(total)
    if all(INT64_MIN <= s <= INT64_MAX for s in sums):
        assert_same(running_total, compiled(running_total), a)
    else:
        expect_raises(compiled(running_total), OverflowError, a)


def test_huge_ints_do_not_cross_the_boundary():
    expect_raises(compiled(running_total), OverflowError, [1, 2 ** 70])


# ------------------------------------------------------------------ zip_longest

def longest(a: List[int], s: str):
    return (list(zip_longest(a, s)), list(zip_longest(a, s, fillvalue="-")),
            list(zip_longest(s, s[:1], s[:2], fillvalue="?")), list(zip_longest(a)),
            [x for x in zip_longest(a, [s])])


@given(int_lists, text)
def test_zip_longest(a, s):
    assert_same(longest, compiled(longest), a, s)


# ------------------------------------------------------------------ errors at compile time

def kept_iterator(a: List[int]):
    it = chain(a, a)
    return list(it)


def endless_zip(n: int):
    return list(zip(count(), repeat(n)))


def test_iterator_values_are_compile_errors_with_a_hint():
    with pytest.raises(pyjitx.CompileError) as info:
        pyjitx.compile(kept_iterator)([1])
    assert "makes an iterator" in str(info.value) and "inline" in str(info.value)
    with pytest.raises(pyjitx.CompileError, match="never ends"):
        pyjitx.compile(endless_zip)(1)


# ------------------------------------------------------------------ pipelines

def ngram_counts(text: str, n: int) -> List[Tuple[str, int]]:
    tokens = text.split()
    grams = [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
    out = []
    for key, group in groupby(sorted(grams)):
        out.append((key, len(list(group))))
    return list(islice(out, 5))


@given(st.lists(st.sampled_from(["the", "cat", "é", "世界", "😀"]), max_size=12).map(" ".join),
       st.integers(1, 3))
def test_preprocessing_pipeline(s, n):
    assert_same(ngram_counts, compiled(ngram_counts), s, n)


def optional_first(a: List[int]) -> Optional[int]:
    for x in dropwhile(lambda v: v < 0, a):
        return x
    return None


@given(int_lists)
def test_return_from_inside(a):
    assert_same(optional_first, compiled(optional_first), a)
