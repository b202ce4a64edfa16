"""str.translate, str.maketrans (all three forms), removeprefix and
removesuffix (str and bytes), and operator.itemgetter/attrgetter as sort
keys, in compiled code (pyjitx/stdlib_str.py, frontend/stdlib.py),
differential against CPython."""
from __future__ import annotations

import operator
from typing import Any, Dict, List, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx
from difftest import _Raised, _run, assert_same, compiled, short_text, unicode_text

pytestmark = pytest.mark.needs_jit


def two_forms(s: str, x: str, y: str) -> str:
    return s.translate(str.maketrans(x, y))


def three_forms(s: str, x: str, y: str, z: str) -> str:
    return s.translate(str.maketrans(x, y, z))


def from_dict(s: str, table: Dict[str, str]) -> str:
    return s.translate(str.maketrans(table))


def mixed_dict(s: str) -> str:
    return s.translate(str.maketrans({"a": "α", "b": None, 99: "C", "中": 0x6587}))


def int_table(s: str, table: Dict[int, int]) -> str:
    return s.translate(table)


def affixes(s: str, p: str) -> Tuple[str, str]:
    return s.removeprefix(p), s.removesuffix(p)


def byte_affixes(b: bytes, p: bytes) -> Tuple[bytes, bytes]:
    return b.removeprefix(p), b.removesuffix(p)


@given(unicode_text, st.text(max_size=5))
def test_maketrans_two(s, x):
    y = x[::-1]
    assert_same(two_forms, compiled(two_forms), s, x, y)


@given(unicode_text, st.text(max_size=4), st.text(max_size=4))
def test_maketrans_three(s, x, z):
    assert_same(three_forms, compiled(three_forms), s, x, x.upper()[:len(x)].ljust(len(x)), z)


@given(unicode_text, st.dictionaries(st.characters(blacklist_categories=("Cs",)),
                                     st.text(max_size=3), max_size=5))
def test_maketrans_dict(s, table):
    assert_same(from_dict, compiled(from_dict), s, table)


@given(unicode_text)
def test_mixed_dict(s):
    assert_same(mixed_dict, compiled(mixed_dict), s + "abc中")


@given(unicode_text, st.dictionaries(st.integers(0, 200), st.integers(0, 0x10FFFF).filter(
    lambda c: not 0xD800 <= c < 0xE000), max_size=6))
def test_int_table(s, table):
    assert_same(int_table, compiled(int_table), s, table)


@pytest.mark.parametrize("pyfunc, args", [
    (two_forms, ("abc", "ab", "a")), (int_table, ("a", {97: 0x110000})),
    (int_table, ("a", {97: -1})), (from_dict, ("a", {"ab": "x"})),
])
def test_errors(pyfunc, args):
    expected = _run(pyfunc, args, {})
    got = _run(compiled(pyfunc), args, {})
    assert isinstance(expected, _Raised) and isinstance(got, _Raised)
    assert type(got.exc) is type(expected.exc) and str(got.exc) == str(expected.exc)


@given(unicode_text, short_text)
def test_removeprefix_removesuffix(s, p):
    assert_same(affixes, compiled(affixes), s, p)
    assert_same(affixes, compiled(affixes), p + s + p, p)


@given(st.binary(max_size=10), st.binary(max_size=3))
def test_bytes_affixes(b, p):
    assert_same(byte_affixes, compiled(byte_affixes), p + b, p)


# ---- operator.itemgetter / attrgetter as sort keys


def by_items(rows: List[Tuple[str, int, float]]) -> List[List[Tuple[str, int, float]]]:
    return [sorted(rows, key=operator.itemgetter(1)),
            sorted(rows, key=operator.itemgetter(2, 0), reverse=True),
            sorted(rows, key=operator.itemgetter(0))]


def by_dict_key(rows: List[Dict[str, int]]) -> List[Dict[str, int]]:
    return sorted(rows, key=operator.itemgetter("n"))


class Token:
    def __init__(self, text: str, score: float) -> None:
        self.text = text
        self.score = score


def by_attr(words: List[str], scores: List[float]) -> List[str]:
    toks = [Token(w, s) for w, s in zip(words, scores)]
    ranked = sorted(toks, key=operator.attrgetter("score"))
    both = sorted(toks, key=operator.attrgetter("score", "text"))
    return [t.text for t in ranked] + [t.text for t in both]


rows = st.lists(st.tuples(st.sampled_from(["a", "b", "中"]), st.integers(0, 3),
                          st.sampled_from([0.5, 1.0, -1.0])), max_size=10)


@given(rows)
def test_itemgetter_sorts_stably(rs):
    assert_same(by_items, compiled(by_items), rs)


@given(st.lists(st.integers(0, 3).map(lambda n: {"n": n, "m": -n}), max_size=8))
def test_itemgetter_of_dicts(rs):
    assert_same(by_dict_key, compiled(by_dict_key), rs)


@given(st.lists(st.sampled_from(["x", "y", "中"]), max_size=8),
       st.lists(st.sampled_from([0.5, 1.0, 2.0]), min_size=8, max_size=8))
def test_attrgetter(words, scores):
    assert_same(by_attr, compiled(by_attr), words, scores[:len(words)])
