"""Functions and methods as values, differentially against CPython: a
lambda kept in a local and called, bound methods (`ins = perm.insert`,
`get = d.get`, `f = self.method`) which keep their object as Python's do,
unbound methods of built-in types (`g = str.upper`, `key=str.lower`,
`str.strip(s)`), a module's function and a static method read as values."""
from __future__ import annotations

from typing import Dict, List, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

import everyday_helpers
from difftest import assert_same, compiled

pytestmark = pytest.mark.needs_jit

ints = st.integers(-1000, 1000)
words = st.lists(st.sampled_from(["b", "A", "a", " x ", "Été", "ß", "中"]), max_size=6)


def lambda_in_a_local(x: int, k: int) -> Tuple[int, int]:
    sq = lambda v: v * v + k
    add = lambda a, b=1: a + b
    return sq(x) + sq(2), add(x) + add(x, b=k)


def permutations(n: int) -> List[List[int]]:
    # the classic idiom: a bound method kept in a local
    out: List[List[int]] = []
    for i in range(n):
        perm: List[int] = []
        ins = perm.insert
        for j in range(i + 1):
            ins(0, j)
        out.append(perm)
    return out


def bound_methods_of_builtins(d: Dict[str, int], ks: List[str], s: str) -> Tuple[List[int], str, int]:
    get = d.get
    join = "-".join
    split = s.split
    count = s.count
    return [get(k, -1) for k in ks], join(split()), count("a")


def bound_method_keeps_its_object(xs: List[int]) -> Tuple[List[int], List[int]]:
    first = xs
    add = first.append
    xs = [0]  # rebinding the name does not change the bound method's object
    add(7)
    return first, xs


def chosen_bound_method(flag: bool, xs: List[int], ys: List[int]) -> Tuple[List[int], List[int]]:
    add = xs.append if flag else ys.append
    add(9)
    return xs, ys


class Scaler:
    def __init__(self, k: int) -> None:
        self.k = k

    def scale(self, x: int) -> int:
        return x * self.k

    def apply(self, xs: List[int]) -> List[int]:
        f = self.scale
        return [f(x) for x in xs]

    @staticmethod
    def twice(x: int) -> int:
        return 2 * x


def methods_of_instances(xs: List[int], k: int) -> List[int]:
    s = Scaler(k)
    g = s.scale
    s = Scaler(k + 1)  # g keeps the first instance
    h = Scaler.twice
    return s.apply(xs) + [g(1), s.scale(1), h(k)]


def unbound_methods(ws: List[str]) -> Tuple[List[str], List[str], str]:
    up = str.upper
    return (sorted(ws, key=str.lower), [up(w) for w in ws],
            str.strip(" ".join(ws)) + str.lower("ABC"))


def module_functions(words_: List[str]) -> List[bool]:
    stop = everyday_helpers.is_stopword
    return [stop(w) for w in words_]


@given(ints, ints)
def test_a_lambda_in_a_local(x, k):
    assert_same(lambda_in_a_local, compiled(lambda_in_a_local), x, k)


@given(st.integers(0, 6))
def test_bound_list_method_in_a_loop(n):
    assert_same(permutations, compiled(permutations), n)


@given(st.dictionaries(st.sampled_from("abc"), ints, max_size=3),
       st.lists(st.sampled_from("abcd"), max_size=4), st.text(alphabet="ab c", max_size=8))
def test_bound_methods_of_dicts_and_strs(d, ks, s):
    assert_same(bound_methods_of_builtins, compiled(bound_methods_of_builtins), d, ks, s)


@given(st.lists(ints, max_size=3))
def test_a_bound_method_keeps_its_object(xs):
    assert_same(bound_method_keeps_its_object, compiled(bound_method_keeps_its_object), xs)


@given(st.booleans(), st.lists(ints, max_size=3), st.lists(ints, max_size=3))
def test_a_bound_method_chosen_at_run_time(flag, xs, ys):
    assert_same(chosen_bound_method, compiled(chosen_bound_method), flag, xs, ys)


@given(st.lists(ints, max_size=4), st.integers(-5, 5))
def test_methods_of_compiled_instances_as_values(xs, k):
    assert_same(methods_of_instances, compiled(methods_of_instances), xs, k)


@given(words)
def test_unbound_methods_of_str(ws):
    assert_same(unbound_methods, compiled(unbound_methods), ws)


@given(st.lists(st.sampled_from(["the", "a", "cat", "of"]), max_size=4))
def test_functions_of_modules_as_values(ws):
    assert_same(module_functions, compiled(module_functions), ws)


def keeps_in_a_list(lists: List[List[int]]) -> int:
    adders = []
    for xs in lists:
        adders.append(xs.append)  # each needs its own list: not kept by compiled code
    return len(adders)


def test_bound_methods_made_in_a_loop_cannot_be_kept():
    with pytest.raises(pyjitx.CompileError, match="each definition has its object"):
        pyjitx.compile(keeps_in_a_list)([[1], [2]])
