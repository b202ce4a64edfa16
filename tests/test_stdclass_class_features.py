"""Dataclasses, enums and named tuples meeting the class features of
everyday code, differentially against CPython: attributes that a
dataclass's __post_init__ or another method assigns first (late fields,
with CPython's AttributeError before the assignment; a frozen one's
through object.__setattr__), dataclasses, enums and named tuples defined
inside a compiled function (local classes), and dataclass instances
handed to Python by a function that compiled the class along (an instance
of the user's class there: isinstance, dataclasses.fields, Python-only
methods, copies, comparisons and hashes with the instances Python
makes)."""
from __future__ import annotations

import copy
import dataclasses
import enum
import pickle
from dataclasses import dataclass, field
from typing import List, NamedTuple, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import assert_same, compiled

pytestmark = pytest.mark.needs_jit

small = st.integers(-2 ** 62, 2 ** 62)
words = st.text(alphabet=st.sampled_from("ab é中😀"), max_size=6)


# ------------------------------------------------------------ late fields


@dataclass
class Tally:
    name: str
    n: int = 0
    seen: List[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.double = self.n // 2 * 2  # not a field: first assigned outside __init__

    def arm(self) -> None:
        self.armed = len(self.name) > 1

    def python_only(self) -> str:  # never compiled: Python calls it
        return f"{self.name}:{self.double}"


def tally(name: str, n: int, arm: bool) -> Tuple[int, bool, str]:
    t = Tally(name, n)
    if arm:
        t.arm()
    return t.double, t.armed, repr(t)  # AttributeError unless armed, as in CPython


def make_tally(name: str, n: int, arm: bool) -> Tally:
    t = Tally(name, n, [name])
    if arm:
        t.arm()
    return t


@given(words, small, st.booleans())
def test_attributes_a_dataclass_assigns_after_init(name, n, arm):
    assert_same(tally, compiled(tally), name, n, arm)


def test_an_unassigned_attribute_of_a_dataclass_is_cpythons_attribute_error():
    message = "'Tally' object has no attribute 'armed'"
    with pytest.raises(AttributeError, match=message):
        tally("x", 1, False)
    with pytest.raises(AttributeError, match=message):
        compiled(tally)("x", 1, False)
    got = compiled(make_tally)("x", 1, False)  # and from Python
    with pytest.raises(AttributeError, match=message):
        got.armed
    got.armed = True
    assert got.armed is True


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def __post_init__(self) -> None:  # (a frozen dataclass assigns through object)
        object.__setattr__(self, "length", self.end - self.start)

    def mark(self, label: str) -> None:
        object.__setattr__(self, "label", label)


def span(start: int, end: int, label: str) -> Tuple[int, str, str]:
    s = Span(start, end)
    if label:
        s.mark(label)
    return s.length, s.label, repr(s)  # AttributeError without a label, as in CPython


def make_span(start: int, end: int) -> Span:
    return Span(start, end)


@given(st.integers(-2 ** 61, 2 ** 61), st.integers(-2 ** 61, 2 ** 61), words)
def test_attributes_a_frozen_dataclass_assigns_through_object_setattr(start, end, label):
    assert_same(span, compiled(span), start, end, label)
    got = compiled(make_span)(start, end)
    assert got.length == end - start and got == Span(start, end)
    with pytest.raises(AttributeError, match="'Span' object has no attribute 'label'"):
        got.label
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'length'"):
        got.length = 0


# ------------------------------------------------------------ instances to Python


@given(words, small, st.booleans())
def test_dataclass_instances_compiled_along_come_back_as_the_users_class(name, n, arm):
    got, expected = compiled(make_tally)(name, n, arm), make_tally(name, n, arm)
    assert isinstance(got, Tally) and dataclasses.is_dataclass(got)
    assert repr(got) == repr(expected)
    assert got.python_only() == expected.python_only()
    assert [f.name for f in dataclasses.fields(got)] == ["name", "n", "seen"]
    assert dataclasses.asdict(got) == dataclasses.asdict(expected)
    assert (got.armed, got.seen) == (expected.armed, expected.seen) if arm else \
        not hasattr(got, "armed")
    for again in (copy.copy(got), copy.deepcopy(got), pickle.loads(pickle.dumps(got))):
        assert repr(again) == repr(got) and again.double == got.double
        assert hasattr(again, "armed") == arm


@dataclass(order=True)
class Version:
    major: int
    minor: int = 0
    note: str = field(default="", compare=False)


@dataclass(frozen=True)
class Key:
    name: str
    n: int


@dataclass
class Sub(Version):
    patch: int = 0


def make_version(major: int, minor: int, note: str) -> Version:
    return Version(major, minor, note)


def make_key(name: str, n: int) -> Key:
    return Key(name, n)


def make_sub(major: int) -> Sub:
    return Sub(major)


def comparisons(a: Version, b: Version) -> list:
    return [a == b, b == a, a != b, b != a, a < b, b < a, a <= b, b >= a, a > b]


@given(small, st.integers(-2, 2), words, st.integers(-2, 2), st.integers(-2, 2), words)
def test_instances_compiled_along_compare_with_those_python_makes(a, b, s, c, d, t):
    made, made_too, python = (compiled(make_version)(a, b, s), compiled(make_version)(c, d, t),
                              Version(c, d, t))
    expected = comparisons(Version(a, b, s), Version(c, d, t))
    assert comparisons(made, python) == expected  # (Python's instance on either side)
    assert comparisons(made, made_too) == expected
    assert sorted([python, made, made_too]) == sorted([python, Version(a, b, s), Version(c, d, t)])
    assert Sub(c) != compiled(make_version)(c, 0, "") and compiled(make_sub)(c) != Version(c)
    assert compiled(make_sub)(c) == Sub(c) and not compiled(make_sub)(c) < Sub(c)


@given(words, small)
def test_frozen_instances_compiled_along_are_keys_for_those_python_makes(name, n):
    made = compiled(make_key)(name, n)
    assert made == Key(name, n) and hash(made) == hash(Key(name, n))
    assert {Key(name, n): "python"}[made] == "python" and made in {Key(name, n)}
    assert made != Key(name + "x", n) and Key(name, n + 1) != made


@dataclass(slots=True)
class Slotted:
    a: int
    b: str = "x"


class PlainSlots:
    __slots__ = ("a",)

    def __init__(self, a: int) -> None:
        self.a = a


def make_slotted(a: int, b: str) -> Slotted:
    return Slotted(a, b)


def make_plain_slots(a: int) -> PlainSlots:
    return PlainSlots(a)


@given(small, words)
def test_instances_of_slotted_classes_compiled_along_come_back(a, b):
    # (a class with __slots__ cannot be a base of the compiled type: the
    # instances are not isinstance of it, but come back and compare)
    got = compiled(make_slotted)(a, b)
    assert repr(got) == repr(Slotted(a, b)) and got == Slotted(a, b) and Slotted(a, b) == got
    assert dataclasses.astuple(got) == (a, b) and got != Slotted(a, b + "!")
    assert compiled(make_plain_slots)(a).a == a


# ------------------------------------------------------------ local classes


def local_dataclass(a: int, b: str) -> str:
    @dataclass(order=True)
    class P:
        a: int
        b: str = "q"

    x, y = P(a), P(a, b)
    return f"{x!r} {y!r} {x == y} {x < y} {dataclasses.astuple(y)}"


def local_enum(v: int) -> str:
    class Light(enum.Enum):
        RED = 1
        AMBER = 2
        GREEN = 3

    light = Light(v)  # ValueError 'v is not a valid local_enum.<locals>.Light'
    return f"{light!r} {light.name} {[m.value for m in Light]} {light is Light.RED}"


def local_named_tuple(a: int, b: str) -> str:
    class Pt(NamedTuple):
        a: int
        b: str = "z"

    p = Pt(a)
    q = p._replace(b=b)
    return f"{p!r} {q} {q.b} {p < q} {q._asdict()} {q[0] + 1}"


@given(small, words)
def test_a_dataclass_defined_in_a_compiled_function(a, b):
    assert_same(local_dataclass, compiled(local_dataclass), a, b)


@given(st.integers(-2, 5))
def test_an_enum_defined_in_a_compiled_function(v):
    assert_same(local_enum, compiled(local_enum), v)
    if not 1 <= v <= 3:  # (assert_same compares ValueError's message)
        with pytest.raises(ValueError, match=f"{v} is not a valid local_enum.<locals>.Light"):
            compiled(local_enum)(v)


@given(small, words)
def test_a_named_tuple_defined_in_a_compiled_function(a, b):
    assert_same(local_named_tuple, compiled(local_named_tuple), a, b)


def local_dataclass_using_a_local(x: int) -> int:
    @dataclass
    class Q:
        a: int = x  # (the function's local: refused)

    return Q().a


def test_a_local_dataclass_using_the_functions_locals_is_a_compile_error():
    assert local_dataclass_using_a_local(3) == 3
    with pytest.raises(pyjitx.CompileError,
                       match=r"class Q uses the local 'x' of local_dataclass_using_a_local\(\)"):
        compiled(local_dataclass_using_a_local)(3)
