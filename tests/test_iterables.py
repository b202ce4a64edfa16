"""Iterables as values, differentially against CPython: range/enumerate/
zip/reversed outside for-loops, tuple() of iterables (Tuple[T, ...]),
dict() of pairs, min/max over iterables with key= and default=, in-place
augmented assignment on containers (aliases see the change), list slice
assignment, and for-loops over str walking UTF-8."""
from __future__ import annotations

from typing import Dict, List, Tuple

from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import assert_same, compiled

small = st.integers(-20, 20)
words = st.lists(st.text(alphabet="abé世😀 ", max_size=4), max_size=6)


def ranges(a: int, b: int, c: int) -> List[int]:
    if c == 0:
        c = 1
    r = range(a, b, c)
    return list(r) + [len(r), sum(r), int(3 in r)]


def enumerate_zip_reversed(xs: List[str], ys: List[int]) -> List[str]:
    out = [f"{i}:{x}" for i, x in list(enumerate(xs, 1))]
    out += [f"{x}={y}" for x, y in list(zip(xs, ys))]
    out += list(reversed(xs))
    return out


def tuples(xs: List[int]) -> Tuple[int, ...]:
    t = tuple(x * x for x in xs)
    u = tuple(xs)
    return t + u[1:] + (len(t),)


def pairs(keys: List[str], values: List[int]) -> Dict[str, int]:
    d = dict(zip(keys, values))
    e = dict((k, len(k)) for k in keys)
    d |= e
    return d


def extremes(xs: List[str]) -> List[str]:
    longest = max(xs, key=lambda s: len(s), default="-")
    first = min(xs, default="-")
    return [longest, first, max("b", "a", "c")]


def inplace(xs: List[int], s: List[int]) -> List[int]:
    alias = xs
    xs += [7]
    alias *= 2
    ss = set(s)
    other = ss
    ss |= {99}
    xs[1:2] = [len(other), len(ss)]
    return alias


def chars(text: str) -> List[str]:
    out = []
    for i, ch in enumerate(text):
        out.append(str(i) + ch + str(ord(ch)))
    for ch in text:
        if ch == " ":
            break
        out.append(ch.upper())
    else:
        out.append("no space")
    return out


COMPILED = {f.__name__: pyjitx.compile(f) for f in (
    ranges, enumerate_zip_reversed, tuples, pairs, extremes, inplace, chars)}


@given(small, small, st.integers(-4, 4))
def test_range_values(a, b, c):
    assert_same(ranges, COMPILED["ranges"], a, b, c)


@given(words, st.lists(small, max_size=6))
def test_enumerate_zip_reversed(xs, ys):
    assert_same(enumerate_zip_reversed, COMPILED["enumerate_zip_reversed"], xs, ys)


@given(st.lists(small, max_size=5))
def test_variable_length_tuples(xs):
    assert_same(tuples, COMPILED["tuples"], xs)


@given(words, st.lists(small, max_size=6))
def test_dict_of_pairs(keys, values):
    assert_same(pairs, COMPILED["pairs"], keys, values)


@given(words)
def test_min_max_over_iterables(xs):
    assert_same(extremes, COMPILED["extremes"], xs)


@given(st.lists(small, min_size=1, max_size=5), st.lists(small, max_size=5))
def test_inplace_augmented_assignment(xs, s):
    assert_same(inplace, COMPILED["inplace"], list(xs), s)


@given(st.text(max_size=12))
def test_iterating_over_text(text):
    assert_same(chars, COMPILED["chars"], text)


def words_looked_up(texts: List[str], table: Dict[str, int]) -> List[int]:
    # the word is only looked up, measured and compared: one buffer serves
    out = []
    for text in texts:
        for word in text.split():
            if word in table and len(word) > 1 and word != "x":
                out.append(table[word])
            else:
                out.append(table.get(word, -1))
    return out


def words_kept(texts: List[str]) -> List[str]:
    # the word escapes (appended, compared by identity-free ops, kept after
    # the loop): every word must be its own string
    kept = []
    last = ""
    for text in texts:
        for word in text.split():
            kept.append(word)
            last = word
    kept.append(last)
    return kept


COMPILED["words_looked_up"] = pyjitx.compile(words_looked_up)
COMPILED["words_kept"] = pyjitx.compile(words_kept)
text_lines = st.lists(st.text(alphabet="ab xé世\u3000\t\n", max_size=12), max_size=4)


@given(text_lines, st.dictionaries(st.sampled_from(["a", "ab", "é", "世", "x", "b"]),
                                   st.integers(-5, 5)))
def test_split_words_looked_up(texts, table):
    assert_same(words_looked_up, COMPILED["words_looked_up"], texts, table)


@given(text_lines)
def test_split_words_kept(texts):
    assert_same(words_kept, COMPILED["words_kept"], texts)


def normalise(a: str, b: str, sep: str) -> str:
    # sep.join(s.split()) and a + b + c take one-pass paths in compiled code
    return sep.join(a.split()) + "|" + a + b + sep + "|" + b + a


COMPILED["normalise"] = pyjitx.compile(normalise)


@given(st.text(alphabet="ab é世\u3000\t\n\x1c\x85", max_size=10),
       st.text(alphabet="xé ", max_size=4), st.sampled_from(["", " ", "_", "—"]))
def test_join_split_and_three_way_concatenation(a, b, sep):
    assert_same(normalise, COMPILED["normalise"], a, b, sep)


def test_ordering_str_against_int_is_a_compile_error():
    # CPython raises TypeError for 1 < "a"; == and != are simply False/True
    def mixed(s: str) -> bool:
        return 1 < s

    def equal(s: str) -> bool:
        return 1 == s or s != 2

    import pytest

    with pytest.raises(pyjitx.CompileError, match="not supported"):
        pyjitx.compile(mixed, eager=True)
    assert_same(equal, compiled(equal), "a")
