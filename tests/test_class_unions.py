"""Unions of compiled classes (`Point | Vector`), differentially against
CPython: an attribute or a method of the union has the members' common
type where they agree (a float, an Optional[float], a class), not Any;
a member without the attribute is CPython's AttributeError at run time;
operators with a union operand dispatch on the member (`Point | Vector`
+ Vector); a union passed to a method or constructor parameter is checked
at run time (as a plain function's parameter is); a tuple from an Any
(`kwargs.get('colour', (1, 1, 1))`) held as its declared Tuple[float, ...]
(boxed floats unboxed, ints widened); and a class first met while a
runtime hook (__repr__) is compiled (raytrace's classes)."""
from __future__ import annotations

import math
from typing import Any, List, Optional, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx
from difftest import assert_same

pytestmark = pytest.mark.needs_jit

coords = st.floats(-1e6, 1e6, allow_nan=False)


class Vec:
    def __init__(self, x: float, y: float) -> None:
        self.x = x
        self.y = y

    def __add__(self, other: "Pt | Vec") -> "Pt | Vec":
        if other.is_point():
            return Pt(self.x + other.x, self.y + other.y)
        return Vec(self.x + other.x, self.y + other.y)

    def dot(self, other: "Vec") -> float:
        return self.x * other.x + self.y * other.y

    def is_point(self) -> bool:
        return False

    def hit(self, limit: float) -> Optional[float]:
        return None if self.x > limit else self.x

    def scaled(self, k: float) -> "Vec":
        return Vec(self.x * k, self.y * k)

    def __repr__(self) -> str:
        return f"Vec({self.x!r}, {self.y!r})"


class Pt:
    def __init__(self, x: float, y: float) -> None:
        self.x = x
        self.y = y

    def __add__(self, other: Vec) -> "Pt":
        return Pt(self.x + other.x, self.y + other.y)

    def __sub__(self, other: "Pt | Vec") -> "Vec | Pt":
        if other.is_point():
            return Vec(self.x - other.x, self.y - other.y)
        return Pt(self.x - other.x, self.y - other.y)

    def is_point(self) -> bool:
        return True

    def hit(self, limit: float) -> Optional[float]:
        return self.y if self.y < limit else None

    def scaled(self, k: float) -> Vec:
        return Vec(self.x * k, self.y * k)

    def __repr__(self) -> str:
        return f"Pt({self.x!r}, {self.y!r})"


def pick(flag: bool, x: float, y: float) -> "Pt | Vec":
    if flag:
        return Pt(x, y)
    return Vec(x, y)


def common_types(flag: bool, x: float, y: float, limit: float) -> str:
    u = pick(flag, x, y)
    total = u.x + u.y                    # float, not Any
    h = u.hit(limit)                     # Optional[float]
    v = u.scaled(2.0)                    # Vec
    d = v.dot(Vec(1.0, 1.0))
    shown = "none" if h is None else f"{h + 1.0!r}"
    return f"{total!r} {shown} {v!r} {d!r} {math.floor(total) if abs(total) < 1e300 else 0}"


def differences(flag: bool, x1: float, y1: float, x2: float, y2: float) -> str:
    cp = Pt(x1, y1) - pick(flag, x2, y2)     # Vec | Pt
    moved = cp + Vec(1.0, 2.0)               # a union operand: each member's __add__
    return repr(moved) + " " + repr(cp.scaled(0.5))


def dot_of_union(flag: bool, x: float, y: float) -> float:
    u = pick(flag, x, y)
    return u.dot(Vec(y, x))                  # Pt has no dot: AttributeError


def union_argument(flag: bool, x: float, y: float) -> float:
    u = pick(flag, x, y)
    return Vec(1.0, 1.0).dot(u)              # checked at run time: a Pt is no Vec


@given(st.booleans(), coords, coords, coords)
def test_attribute_and_method_of_a_union_have_the_common_type(flag, x, y, limit):
    assert_same(common_types, pyjitx.compile(common_types), flag, x, y, limit)


@given(st.booleans(), coords, coords, coords, coords)
def test_operators_on_a_union_operand(flag, x1, y1, x2, y2):
    assert_same(differences, pyjitx.compile(differences), flag, x1, y1, x2, y2)


@given(st.booleans(), coords, coords)
def test_a_member_without_the_method_is_attribute_error(flag, x, y):
    assert_same(dot_of_union, pyjitx.compile(dot_of_union), flag, x, y)
    if flag:
        with pytest.raises(AttributeError, match="'Pt' object has no attribute 'dot'"):
            pyjitx.compile(dot_of_union)(flag, x, y)


def test_the_result_types_are_static():
    def f(flag: bool, x: float) -> float:
        u = pick(flag, x, x)
        return u.x
    sig = pyjitx.compile(common_types)
    assert sig(True, 1.0, 2.0, 3.0) == common_types(True, 1.0, 2.0, 3.0)
    assert pyjitx.compile(f)(False, 2.5) == 2.5


def test_a_union_passed_to_a_method_parameter_is_checked_at_run_time():
    f = pyjitx.compile(union_argument)
    assert f(False, 2.0, 3.0) == union_argument(False, 2.0, 3.0)
    with pytest.raises(TypeError):
        f(True, 2.0, 3.0)


def test_no_member_with_the_method_is_a_compile_error():
    def f(flag: bool) -> float:
        return pick(flag, 1.0, 2.0).nothing()
    with pytest.raises(pyjitx.CompileError, match="no member of Union\\[.*\\] has a method 'nothing'"):
        pyjitx.compile(f)(True)


# ---------------------------------------------------------------- tuples from an Any

class Surface:
    def __init__(self, **kwargs: Any) -> None:
        self.colour: Tuple[float, float, float] = kwargs.get('colour', (1, 1, 1))
        self.k: float = kwargs.get('k', 0.5)

    def shade(self, s: float) -> Tuple[float, float, float]:
        return (self.colour[0] * s + self.k, self.colour[1] * s, self.colour[2] * s)


def shaded(r: Any, g: Any, b: Any, s: float) -> Tuple[float, float, float]:
    return Surface(colour=(r, g, b)).shade(s)


def shaded_default(s: float) -> Tuple[float, float, float]:
    return Surface().shade(s)


def from_any(t: Any) -> float:
    x: Tuple[float, float] = t
    return (x[0] - x[1]) * 1.0   # (an int item is a float once held: `* 1.0` makes CPython's too)


small = st.integers(-10**6, 10**6)


@given(coords | small, coords | small, coords, st.floats(-100, 100))
def test_a_tuple_from_kwargs_is_held_as_its_declared_type(r, g, b, s):
    assert_same(shaded, pyjitx.compile(shaded), r, g, b, s)


@given(st.floats(-100, 100))
def test_a_default_tuple_of_ints_for_floats(s):
    assert_same(shaded_default, pyjitx.compile(shaded_default), s)


@given(coords | small, coords | small)
def test_a_tuple_of_boxed_floats_from_an_any(a, b):
    assert_same(from_any, pyjitx.compile(from_any), (a, b))


def test_a_tuple_of_other_items_is_still_a_type_error():
    f = pyjitx.compile(from_any)
    for bad in [("a", 1.0), (1.0,), (1.0, 2.0, 3.0), ((1.0, 2.0), 1.0)]:
        with pytest.raises(TypeError, match="expected Tuple\\[float, float\\]"):
            f(bad)


# ---------------------------------------------------------------- a class first met in a hook

class Inner:
    def __init__(self, v: float) -> None:
        self.v = v


class Outer:
    def __init__(self, v: float) -> None:
        self.v = v

    def __repr__(self) -> str:
        return f"Outer({Inner(self.v).v!r})"   # Inner: met while the hook compiles


class Leaf(Outer):
    def twice(self) -> float:
        return self.v * 2


def outer_repr(v: float) -> str:
    items: List[Outer] = [Leaf(v)]
    return repr(items) + repr(Leaf(v).twice())


@given(coords)
def test_a_class_first_met_in_a_runtime_hook(v):
    assert_same(outer_repr, pyjitx.compile(outer_repr), v)


# ---------------------------------------------------------------- raise of a non-exception

class Strict:
    def __init__(self, x: float) -> None:
        self.x = x

    def must_be_vector(self) -> "Strict":
        raise 'Points are not vectors!'   # raytrace's: CPython's TypeError when it runs


def raise_a_string(x: float, text: str, which: int) -> str:
    try:
        if which == 0:
            Strict(x).must_be_vector()
        elif which == 1:
            raise f"{text}!"
        else:
            raise 'a constant'
    except TypeError as e:
        return "TypeError: " + str(e)
    return "no"


@given(coords, st.text(alphabet="aé世😀 ", max_size=5), st.integers(0, 2))
def test_raising_a_string_is_cpythons_type_error(x, text, which):
    assert_same(raise_a_string, pyjitx.compile(raise_a_string), x, text, which)
    assert pyjitx.compile(raise_a_string)(x, text, which) == \
        "TypeError: exceptions must derive from BaseException"


def test_a_call_no_member_takes_is_a_compile_error():
    def f(flag: bool, x: float) -> float:
        u = pick(flag, x, x)
        w = u.scaled()          # both members' scaled take a factor
        return w.x + x
    with pytest.raises(pyjitx.CompileError, match="missing 1 required positional argument: 'k'"):
        pyjitx.compile(f)(True, 1.0)
