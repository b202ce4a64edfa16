"""Operator overloading on compiled classes, against CPython: binary
operators through __op__ and the reflected __rop__ (chosen by the methods'
parameter annotations, as Python's NotImplemented would choose them),
in-place __iop__ with the fallback to __op__, unary -, +, ~ and abs(),
methods returning another class (Point - Point -> Vector), a subclass's
reflected method first, and CPython's TypeError where nothing applies."""
from __future__ import annotations

import math
from typing import List

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx
from difftest import assert_same

coords = st.floats(-1e6, 1e6, allow_nan=False)


class Vector:
    def __init__(self, x: float, y: float) -> None:
        self.x = x
        self.y = y

    def __add__(self, other: "Vector") -> "Vector":
        return Vector(self.x + other.x, self.y + other.y)

    def __sub__(self, other: "Vector") -> "Vector":
        return Vector(self.x - other.x, self.y - other.y)

    def __mul__(self, k: float) -> "Vector":
        return Vector(self.x * k, self.y * k)

    def __rmul__(self, k: float) -> "Vector":
        return Vector(k * self.x, k * self.y)

    def __truediv__(self, k: float) -> "Vector":
        return Vector(self.x / k, self.y / k)

    def __matmul__(self, other: "Vector") -> float:
        return self.x * other.x + self.y * other.y

    def __neg__(self) -> "Vector":
        return Vector(-self.x, -self.y)

    def __pos__(self) -> "Vector":
        return Vector(self.x, self.y)

    def __abs__(self) -> float:
        return math.hypot(self.x, self.y)

    def __repr__(self) -> str:
        return f"Vector({self.x!r}, {self.y!r})"


class Point:
    def __init__(self, x: float, y: float) -> None:
        self.x = x
        self.y = y

    def __sub__(self, other: "Point") -> Vector:
        return Vector(self.x - other.x, self.y - other.y)

    def __repr__(self) -> str:
        return f"Point({self.x!r}, {self.y!r})"


class Counter:
    def __init__(self, n: int) -> None:
        self.n = n
        self.log: List[str] = []

    def __iadd__(self, k: int) -> "Counter":
        self.n += k
        self.log.append("iadd")
        return self

    def __add__(self, k: int) -> "Counter":
        return Counter(self.n + k)

    def __radd__(self, k: int) -> "Counter":
        return Counter(k + self.n)

    def __floordiv__(self, k: int) -> int:
        return self.n // k

    def __mod__(self, k: int) -> int:
        return self.n % k

    def __pow__(self, k: int) -> int:
        return self.n ** k

    def __lshift__(self, k: int) -> int:
        return self.n << k

    def __and__(self, k: int) -> int:
        return self.n & k

    def __or__(self, k: int) -> int:
        return self.n | k

    def __xor__(self, k: int) -> int:
        return self.n ^ k

    def __invert__(self) -> int:
        return ~self.n


class Money:
    def __init__(self, cents: int) -> None:
        self.cents = cents

    def __add__(self, other: "Money") -> "Money":
        return Money(self.cents + other.cents)

    def __radd__(self, other: "Money") -> str:
        return "base radd"


class Euro(Money):
    def __radd__(self, other: "Money") -> str:
        return "subclass radd first"


def vector_ops(ax: float, ay: float, bx: float, by: float, k: float) -> str:
    a, b = Vector(ax, ay), Vector(bx, by)
    c = (a + b) * 2.0 - 3.0 * b
    d = -c + (+a)
    return repr(d) + f" {a @ b!r} {abs(a)!r}"


def division(ax: float, ay: float, k: float) -> str:
    return repr(Vector(ax, ay) / k)


def point_minus_point(x1: float, y1: float, x2: float, y2: float) -> str:
    v = Point(x1, y1) - Point(x2, y2)
    return repr(v) + repr(v + v)


def in_place(n: int, k: int) -> str:
    c = Counter(n)
    same = c
    c += k                         # __iadd__: the same object, changed
    results = [c.n, int(same is c)]
    d = Counter(n)
    d = k + d                      # __radd__
    results.append(d.n)
    return repr(results) + repr(c.log)


def integer_ops(n: int, k: int) -> List[int]:
    c = Counter(n)
    return [c // k, c % k, c ** 2, c << 3, c & k, c | k, c ^ k, ~c]


def accumulate(xs: List[float]) -> str:
    total = Vector(0.0, 0.0)
    for x in xs:
        total += Vector(x, -x)     # no __iadd__: total = total + Vector(...)
    return repr(total)


def subclass_reflected_first(a: int, b: int) -> str:
    return str(Money(a) + Euro(b))


@given(coords, coords, coords, coords, coords)
def test_binary_reflected_and_unary(ax, ay, bx, by, k):
    assert_same(vector_ops, pyjitx.compile(vector_ops), ax, ay, bx, by, k)


@given(coords, coords, st.floats(-4, 4))
def test_truediv_by_zero_is_python_error(ax, ay, k):
    assert_same(division, pyjitx.compile(division), ax, ay, k)
    assert_same(division, pyjitx.compile(division), ax, ay, 0.0)


@given(coords, coords, coords, coords)
def test_method_returning_another_class(x1, y1, x2, y2):
    assert_same(point_minus_point, pyjitx.compile(point_minus_point), x1, y1, x2, y2)


@given(st.integers(-1000, 1000), st.integers(-1000, 1000))
def test_in_place_and_reflected(n, k):
    assert_same(in_place, pyjitx.compile(in_place), n, k)


@given(st.integers(-1000, 1000), st.integers(-50, 50))
def test_integer_dunders(n, k):
    assert_same(integer_ops, pyjitx.compile(integer_ops), n, k)


@given(st.lists(coords, max_size=6))
def test_augmented_falls_back_to_binary(xs):
    assert_same(accumulate, pyjitx.compile(accumulate), xs)


def test_subclass_reflected_method_goes_first():
    assert_same(subclass_reflected_first, pyjitx.compile(subclass_reflected_first), 1, 2)


def test_no_method_is_cpythons_type_error_at_compile_time():
    def bad(n: int) -> Point:
        return Point(1.0, 2.0) + n

    with pytest.raises(TypeError, match=r"unsupported operand type\(s\) for \+: 'Point' and 'int'"):
        bad(1)
    with pytest.raises(pyjitx.CompileError,
                       match=r"unsupported operand type\(s\) for \+: 'Point' and 'int'"):
        pyjitx.compile(bad)(1)

    def bad_neg() -> Point:
        return -Point(1.0, 2.0)

    with pytest.raises(TypeError, match="bad operand type for unary -: 'Point'"):
        bad_neg()
    with pytest.raises(pyjitx.CompileError, match="bad operand type for unary -: 'Point'"):
        pyjitx.compile(bad_neg)()
