"""The match statement, differentially against CPython: literal, capture,
wildcard, value (dotted names), singleton, sequence (with *rest), mapping
(with **rest), class (positional through __match_args__, keywords; compiled
classes and built-ins such as int(x), str()), OR and `as` patterns, guards,
nested patterns; on typed values, Optionals, unions and Any; in loops,
nested functions and generators."""
from __future__ import annotations

import math
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union

import pytest
from hypothesis import given
from hypothesis import strategies as st

from difftest import assert_same, compiled

pytestmark = pytest.mark.needs_jit

ints = st.integers(-50, 50)
texts = st.text(alphabet="abé世 ", max_size=4)
LIMIT = 10


class Color:
    RED = 1
    GREEN = 2


def literals(x: int) -> str:
    match x:
        case 0:
            return "zero"
        case 1 | 2 | 3:
            return "small"
        case Color.RED:  # (never reached: 1 matched above)
            return "red"
        case -1:
            return "minus one"
        case n if n < 0:
            return f"negative {n}"
        case n if n > LIMIT:
            return f"big {n}"
        case _:
            return "other"


def strings(s: str) -> str:
    match s:
        case "":
            return "empty"
        case "yes" | "y":
            return "yes"
        case [a, b]:  # a str is not a sequence pattern's subject
            return "two"
        case other:
            return "said " + other


def sequences(xs: List[int]) -> str:
    match xs:
        case []:
            return "empty"
        case [x]:
            return f"one {x}"
        case [0, *rest]:
            return f"zero then {rest}"
        case [first, *middle, last] if first == last:
            return f"same ends around {middle}"
        case [first, second, *_]:
            return f"starts {first} {second}"
    return "unreachable"


def commands(words: List[str]) -> str:
    match words:
        case ["go", ("north" | "south") as direction]:
            return "go " + direction
        case ["go", _]:
            return "cannot go"
        case ["drop", *objects]:
            return "drop " + ",".join(objects)
        case ["quit"] | ["exit"]:
            return "bye"
        case _:
            return "?"


def tuples(t: Tuple[int, str]) -> str:
    match t:
        case (0, s):
            return "zero " + s
        case (n, "a") | (n, "b"):
            return f"ab {n}"
        case (n, s) if len(s) > 2:
            return f"long {n}"
        case _:
            return "other"


def mappings(d: Dict[str, int]) -> str:
    match d:
        case {"a": 1, **others}:
            return f"a1 and {sorted(others.items())}"
        case {"a": a, "b": b}:
            return f"a {a} b {b}"
        case {"c": _}:
            return "has c"
        case {}:
            return f"some {len(d)}"
    return "unreachable"


def dynamic(x: Any) -> str:
    match x:
        case None:
            return "none"
        case True:
            return "true"
        case False:
            return "false"
        case int(n) if n > 100:
            return "big int"
        case int(n):
            return f"int {n + 1}"
        case float(f):
            return f"float {f * 2}"
        case str() as s:
            return "str " + s.upper()
        case {"type": "point", "at": [px, py]}:
            return f"point {px},{py}"
        case {"k": v, **rest}:
            return f"k {v} and {len(rest)}"
        case [[a, b], [c, d]]:
            return f"matrix {a * d - b * c}"
        case [1, *_, last]:
            return f"from 1 to {last}"
        case (a, b):
            return f"pair {a} {b}"
        case [*items]:
            return f"{len(items)} items"
        case {**rest}:
            return f"map of {len(rest)}"
        case _:
            return "other"


class Shape:
    def __init__(self, name: str) -> None:
        self.name = name


class Circle(Shape):
    __match_args__ = ("r",)

    def __init__(self, r: float) -> None:
        super().__init__("circle")
        self.r = r


class Rect(Shape):
    __match_args__ = ("w", "h")

    def __init__(self, w: float, h: float) -> None:
        super().__init__("rect")
        self.w = w
        self.h = h


def area(kind: int, a: float, b: float) -> float:
    s: Shape = Circle(a) if kind == 0 else Rect(a, b) if kind == 1 else Shape("blob")
    match s:
        case Circle(0.0):
            return 0.0
        case Circle(r):
            return math.pi * r * r
        case Rect(w, h) if w == h:
            return w * w
        case Rect(w=w, h=h):
            return w * h
        case Shape(name=n):
            return float(len(n))
    return -1.0


def shape_in_any(kind: int) -> str:
    x: Any = Circle(2.0) if kind == 0 else Rect(1.0, 1.0) if kind == 1 else kind
    match x:
        case Circle(r=r) as c:
            return f"circle {r} {c.name}"
        case Rect():
            return "rect " + x.name  # narrowed by the class pattern
        case int(k):
            return f"int {k}"
    return "?"


def optional(x: Optional[List[int]]) -> str:
    match x:
        case None:
            return "none"
        case [a, b]:
            return f"pair {a + b}"
        case list():
            return f"list of {len(x)}"
    return "?"


def union(x: Union[int, str]) -> str:
    match x:
        case int():
            return f"int {x + 1}"
        case str():
            return x.upper()
    return "?"


def in_a_loop(xs: List[Any]) -> List[str]:
    out: List[str] = []
    for x in xs:
        match x:
            case 0:
                continue
            case "stop":
                break
            case int(n) if n > 100:
                out.append("big")
            case int(n):
                out.append(str(n * 2))
            case _:
                out.append("?")
    return out


def in_a_nested_function(pairs: List[Tuple[str, int]]) -> List[str]:
    def describe(p: Tuple[str, int]) -> str:
        match p:
            case (name, 0):
                return name + " none"
            case (name, n):
                return f"{name} {n}"
        return "?"

    return [describe(p) for p in pairs]


def sums(xs: List[Any]) -> Iterator[int]:
    for x in xs:
        match x:
            case [a, b]:
                yield a + b
            case int(n):
                yield n


def in_a_generator(xs: List[Any]) -> List[int]:
    return list(sums(xs))


def bound_after_the_match(x: Any) -> Any:
    match x:
        case [first, *rest]:
            pass
        case _:
            pass
    return rest  # unbound when the first case did not match: UnboundLocalError


anys = st.recursive(
    st.one_of(st.none(), st.booleans(), ints, st.floats(-5, 5), texts),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.tuples(inner, inner),
                            st.dictionaries(st.sampled_from(["k", "type", "at", "z"]), inner,
                                            max_size=3)),
    max_leaves=6)


@given(st.one_of(ints, st.sampled_from([0, 1, 2, 3, -1, LIMIT, LIMIT + 1])))
def test_literal_or_capture_guard_and_wildcard_patterns(x):
    assert_same(literals, compiled(literals), x)


@given(st.one_of(texts, st.sampled_from(["", "yes", "y", "ab"])))
def test_patterns_on_a_str(s):
    assert_same(strings, compiled(strings), s)


@given(st.lists(st.integers(0, 3), max_size=5))
def test_sequence_patterns_on_a_list(xs):
    assert_same(sequences, compiled(sequences), xs)


@given(st.lists(st.sampled_from(["go", "north", "south", "east", "drop", "x", "quit", "exit"]),
                max_size=4))
def test_sequence_or_and_as_patterns(words):
    assert_same(commands, compiled(commands), words)


@given(st.tuples(st.integers(0, 3), st.sampled_from(["a", "b", "cde", "", "é世界"])))
def test_patterns_on_a_tuple(t):
    assert_same(tuples, compiled(tuples), t)


@given(st.dictionaries(st.sampled_from("abcd"), st.integers(0, 2), max_size=4))
def test_mapping_patterns(d):
    assert_same(mappings, compiled(mappings), d)


@given(anys)
def test_every_kind_of_pattern_on_an_any(x):
    assert_same(dynamic, compiled(dynamic), x)


@pytest.mark.parametrize("x", [{"type": "point", "at": [1, 2]}, {"k": 1, "z": 2}, [[1, 2], [3, 4]],
                               [1, 5, 9], (4, "a"), [6, 7], {1: 2}, 2.5, True, 200])
def test_chosen_values_on_an_any(x):
    assert_same(dynamic, compiled(dynamic), x)


@given(st.integers(0, 2), st.floats(0, 5), st.floats(0, 5))
def test_class_patterns_of_compiled_classes(kind, a, b):
    assert_same(area, compiled(area), kind, a, b)
    assert_same(area, compiled(area), kind, a, a)


@pytest.mark.parametrize("kind", [0, 1, 2])
def test_class_patterns_on_an_any(kind):
    assert_same(shape_in_any, compiled(shape_in_any), kind)


@given(st.none() | st.lists(ints, max_size=3))
def test_patterns_on_an_optional(x):
    assert_same(optional, compiled(optional), x)


@given(ints | texts)
def test_patterns_on_a_union(x):
    assert_same(union, compiled(union), x)


@given(st.lists(st.one_of(st.integers(-5, 200), st.sampled_from(["stop", "x"])), max_size=6))
def test_match_in_a_loop_with_break_and_continue(xs):
    assert_same(in_a_loop, compiled(in_a_loop), xs)


@given(st.lists(st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 2)), max_size=3))
def test_match_in_a_nested_function(pairs):
    assert_same(in_a_nested_function, compiled(in_a_nested_function), pairs)


@given(st.lists(st.one_of(ints, st.lists(ints, min_size=2, max_size=2), texts), max_size=4))
def test_match_in_a_generator(xs):
    assert_same(in_a_generator, compiled(in_a_generator), xs)


@given(st.one_of(st.lists(ints, max_size=3), ints))
def test_names_bound_by_a_case_stay_bound_after_the_match(x):
    assert_same(bound_after_the_match, compiled(bound_after_the_match), x)
