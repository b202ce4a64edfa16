"""typing.NamedTuple and collections.namedtuple classes in compiled code,
differentially against CPython: construction by position, keyword and
defaults (and CPython's TypeError for a missing field), fields by name,
indexing, unpacking, len, iteration, `in`, ==/ordering/hashing as tuples
(with plain tuples too), repr `P(x=1, y=2)` -- also inside containers
and Any values --, _replace, _asdict, _fields, _make, methods and
properties of the class body; and instances crossing the boundary both
ways as instances of the user's class, also through Tuple and Any
parameters."""
from __future__ import annotations

import collections
import enum
from typing import Any, Dict, List, NamedTuple, Optional, Set, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import assert_same, compiled

pytestmark = pytest.mark.needs_jit


class Point(NamedTuple):
    x: int
    y: int = 0

    def norm1(self) -> int:
        return abs(self.x) + abs(self.y)

    @property
    def flipped(self) -> "Point":
        return Point(self.y, self.x)


class Token(NamedTuple):
    text: str
    start: int
    end: int
    score: float = 1.0


class Span(NamedTuple):
    first: Token
    last: Optional[Token] = None


Pair = collections.namedtuple("Pair", ["key", "value"], defaults=[0])

small = st.integers(-50, 50)
points = st.builds(Point, small, small)
words = st.text(alphabet=st.sampled_from("ab é中😀"), max_size=6)


# ------------------------------------------------------------ subjects


def build(x: int, y: int) -> Tuple[Point, Point, Point, Point]:
    return Point(x), Point(x, y), Point(y=y, x=x), Point._make((y, x))


def use(p: Point) -> List[int]:
    a, b = p
    total = 0
    for v in p:
        total += v
    return [p.x, p.y, p[0], p[-1], len(p), a - b, total, p.norm1(), p.flipped.x,
            int(3 in p), p.count(p.x)]


def text(p: Point, t: Token) -> str:
    return f"{p} {p!r} {str(t)} {[p, p]} {({t.text: p})} {Span(t)} {p._fields} {Point._fields}"


def compare(p: Point, q: Point) -> List[bool]:
    return [p == q, p != q, p < q, p <= q, p > q, p == (p.x, p.y), (q.x, q.y) == q,
            hash(p) == hash((p.x, p.y)), p + q == (p.x, p.y, q.x, q.y)]


def replace_and_asdict(t: Token, n: int) -> Tuple[Token, Dict[str, Any], Dict[str, int]]:
    moved = t._replace(start=t.start + n, end=t.end + n)
    return moved, moved._asdict(), Point(n, n + 1)._asdict()


def sort_and_group(ps: List[Point]) -> Tuple[List[Point], Set[Point], Dict[Point, int]]:
    counts: Dict[Point, int] = {}
    for p in ps:
        counts[p] = counts.get(p, 0) + 1
    return sorted(ps), set(ps), counts


def tokens_of(sentence: str) -> List[Token]:
    out: List[Token] = []
    pos = 0
    for word in sentence.split(" "):
        out.append(Token(word, pos, pos + len(word), score=len(word) / 2))
        pos += len(word) + 1
    return out


def spans(tokens: List[Token]) -> List[Span]:
    return [Span(t, tokens[-1] if tokens else None) for t in tokens]


def untyped_pairs(n: int) -> List[Any]:
    return [Pair("k" + str(i), i * i) for i in range(n)] + [Pair("z")]


def missing_field() -> Point:
    return Point()


def bad_make(t: Tuple[int, int, int]) -> Point:
    return Point._make(t)


def through_any(xs: List[Any]) -> List[Any]:
    return xs[::-1] + [repr(xs)]


def as_plain(p: Point) -> Tuple[int, int]:
    return p


def repr_of_plain(t: Tuple[int, int]) -> str:
    return repr(t)


# ------------------------------------------------------------ tests


@given(small, small)
def test_construction(x, y):
    assert_same(build, compiled(build), x, y)


@given(points)
def test_tuple_operations_and_fields(p):
    assert_same(use, compiled(use), p)


@given(points, st.builds(Token, words, small, small))
def test_repr_in_and_out_of_containers(p, t):
    assert_same(text, compiled(text), p, t)


@given(points, points)
def test_comparisons_as_tuples(p, q):
    assert_same(compare, compiled(compare), p, q)


@given(st.builds(Token, words, small, small), small)
def test_replace_and_asdict(t, n):
    assert_same(replace_and_asdict, compiled(replace_and_asdict), t, n)


@given(st.lists(points, max_size=8))
def test_sorting_sets_and_dict_keys(ps):
    assert_same(sort_and_group, compiled(sort_and_group), ps)


@given(st.lists(words, max_size=5).map(" ".join))
def test_lists_of_named_tuples_cross_as_the_class(sentence):
    assert_same(tokens_of, compiled(tokens_of), sentence)
    tokens = tokens_of(sentence)
    assert_same(spans, compiled(spans), tokens)
    assert all(type(s) is Span and type(s.first) is Token
               for s in compiled(spans)(tokens))


@pytest.mark.parametrize("n", [0, 1, 3])
def test_collections_namedtuple(n):
    assert_same(untyped_pairs, compiled(untyped_pairs), n)


def test_errors_as_cpython():
    with pytest.raises(pyjitx.CompileError, match="missing 1 required positional argument: 'x'"):
        compiled(missing_field)()
    assert_same(bad_make, compiled(bad_make), (1, 2, 3))  # TypeError


def test_instances_keep_their_class_through_any_and_tuple_parameters():
    items = [Point(1, 2), Pair("a", 1), (5, 6)]
    assert_same(through_any, compiled(through_any), items)
    got = compiled(through_any)(items)
    assert type(got[1]) is Pair and type(got[2]) is Point and type(got[0]) is tuple
    assert_same(as_plain, compiled(as_plain), Point(3, 4))
    assert_same(repr_of_plain, compiled(repr_of_plain), Point(3, 4))


def test_wrong_arguments_are_type_errors():
    with pytest.raises(TypeError):
        compiled(use)((1, 2))  # a plain tuple is no Point
    with pytest.raises(TypeError):
        compiled(use)(Point("a", 1))


# module-level values that compiled code captures: named tuples (built by
# their class in compiled code) and containers of them and of members
class Mark(enum.Enum):
    ON = 1
    OFF = 2


ORIGIN = Point(0, 0)
ROUTE = [Point(1, 2), Point(3, 4)]
TAGGED = {"a": Pair("x", 1)}
MARKS = {"first": [Mark.ON], "second": [Mark.OFF, Mark.ON]}
MIXED = [Mark.ON, 1]


def captured() -> str:
    return repr(ORIGIN) + repr(ROUTE) + repr(TAGGED) + repr(MARKS) + str(ROUTE[1].y)


def captured_mixed() -> int:
    return len(MIXED)


def test_captured_module_values_hold_named_tuples_and_members():
    assert_same(captured, compiled(captured))
    with pytest.raises(pyjitx.CompileError, match="holds enum members among values of other"):
        compiled(captured_mixed)()


def class_names(p: Point, t: Token, m: Mark) -> List[str]:
    return [type(p).__name__, type(t).__qualname__, str(type(p)), f"{type(m)}",
            type(m).__name__, p.__class__.__name__]


def class_tests(p: Point, t: Token, m: Mark) -> List[bool]:
    return [type(p) is Point, type(p) is tuple, type(p) == Token, type(m) is Mark,
            type(m) is not int, type(p) is type(t), type(p) is type(Point(0, 0))]


def test_the_class_of_a_named_tuple_or_member():
    args = (Point(1, 2), Token("a", 1, 2), Mark.OFF)
    assert_same(class_names, compiled(class_names), *args)
    assert_same(class_tests, compiled(class_tests), *args)
