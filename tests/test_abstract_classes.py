"""abc.ABC subclasses, as CPython runs them: a class that leaves an
@abstractmethod unimplemented cannot be instantiated (TypeError with
CPython's message, from Python and from compiled code); a subclass that
implements every one works through base-typed references; an abstract
method's placeholder body (`...`) is fine."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import List

import pytest

import pyjitx

pytestmark = pytest.mark.needs_jit


class Shape(ABC):
    @abstractmethod
    def area(self) -> float:
        ...

    @abstractmethod
    def name(self) -> str:
        """Subclasses say what they are."""

    def describe(self) -> str:
        return f"{self.name()} of area {self.area():.2f}"


class Square(Shape):
    def __init__(self, side: float) -> None:
        self.side = side

    def area(self) -> float:
        return self.side * self.side

    def name(self) -> str:
        return "square"


class HalfDone(Shape):
    def __init__(self) -> None:
        self.k = 1

    def area(self) -> float:
        return 0.0


def describe_all(sides: List[float]) -> List[str]:
    shapes: List[Shape] = [Square(s) for s in sides]
    return [s.describe() for s in shapes]


def make_half_done() -> int:
    return HalfDone().k


def make_shape() -> float:
    return Shape().area()


def message_of(fn) -> str:
    with pytest.raises(TypeError) as info:
        fn()
    return str(info.value)


def test_a_complete_subclass_works_through_the_base():
    assert pyjitx.compile(describe_all)([1.0, 2.5]) == describe_all([1.0, 2.5])


@pytest.mark.parametrize("fn", [make_half_done, make_shape], ids=lambda f: f.__name__)
def test_an_abstract_class_is_not_instantiated(fn):
    assert message_of(pyjitx.compile(fn)) == message_of(fn)


def test_from_python_too():
    assert message_of(pyjitx.compile(HalfDone)) == message_of(HalfDone)
    assert pyjitx.compile(Square)(2.0).area() == 4.0
