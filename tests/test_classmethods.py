"""`@classmethod` on compiled classes, differentially against CPython:
`C.make(...)`, `Sub.make(...)`, `cls(...)`, `cls.CONSTANT`, `cls.other()`
and `isinstance(x, cls)` inside the body (one specialisation per class),
recursion, keywords and defaults, unannotated parameters, `obj.make()`
following the instance's run-time class, `super()` in and to classmethods,
exceptions.  Then the Python side (`Compiled.make(...)`, through a
subclass and an instance) and the compile errors."""
from __future__ import annotations

from typing import List

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import assert_same, compiled

texts = st.text(alphabet=st.sampled_from(list("ab é中")), max_size=6)


class Unit:
    SYMBOL = "u"
    SCALE = 1

    def __init__(self, amount: int, label: str = "") -> None:
        self.amount = amount
        self.label = label

    @classmethod
    def of(cls, amount: int) -> Unit:
        return cls(amount * cls.SCALE, cls.SYMBOL)

    @classmethod
    def parse(cls, text: str) -> Unit:
        if not text.endswith(cls.SYMBOL):
            raise ValueError(f"not a {cls.SYMBOL} amount: {text!r}")
        return cls.of(int(text[: len(text) - len(cls.SYMBOL)]))

    @classmethod
    def total(cls, amounts: List[int], start: int = 0) -> int:
        if not amounts:
            return start
        return cls.total(amounts[1:], start + amounts[0] * cls.SCALE)

    @classmethod
    def describe_class(cls) -> str:
        return cls.SYMBOL + ":" + str(cls.SCALE) + ":" + str(cls.kind_code())

    @staticmethod
    def kind_code() -> int:
        return 7

    @classmethod
    def is_mine(cls, value: Unit) -> bool:
        return isinstance(value, cls)

    @classmethod
    def pair(cls, a, b):  # unannotated: specialised on the arguments
        return cls.of(a + b)

    def show(self) -> str:
        return f"{self.amount}{self.label} [{self.describe_class()}]"


class Kilo(Unit):
    SYMBOL = "k"
    SCALE = 1000

    @classmethod
    def describe_class(cls) -> str:
        return "kilo " + super().describe_class()


class Mega(Kilo):
    SYMBOL = "M"
    SCALE = 1000000

    def show(self) -> str:
        return "mega " + super().show() + " " + super().describe_class()


def factories(n: int, text: str) -> List[str]:
    units = [Unit.of(n), Kilo.of(n), Mega.of(n), Unit.pair(n, 1), Kilo.pair(n, 2.5 > n)]
    out = [u.show() for u in units]
    out.append(str(Unit.total([n, 1, 2]) + Kilo.total([n], start=5) + Mega.total(amounts=[])))
    out.append(str(Unit.is_mine(units[1])) + str(Kilo.is_mine(units[0])) +
               str(Mega.is_mine(units[2])) + str(Kilo.is_mine(units[2])))
    try:
        out.append(Kilo.parse(text).show())
    except ValueError as e:
        out.append("error " + str(e))
    return out


def through_instances(ns: List[int]) -> List[str]:
    units: List[Unit] = []
    for i, n in enumerate(ns):
        if i % 3 == 0:
            units.append(Unit(n))
        elif i % 3 == 1:
            units.append(Kilo(n))
        else:
            units.append(Mega(n))
    out: List[str] = []
    for u in units:
        made = u.of(u.amount)  # cls is the instance's run-time class
        out.append(made.show() + " " + u.describe_class() + " " + str(u.total([1, 2])))
    return out


def exception_from_classmethod(text: str) -> int:
    return Unit.parse(text).amount


@given(st.integers(-50, 50), st.sampled_from(["12k", "3", "k", "7M", "-4k", "x k"]))
def test_class_methods_per_class(n, text):
    assert_same(factories, compiled(factories), n, text)


@given(st.lists(st.integers(-9, 9), max_size=7))
def test_called_through_an_instance_follows_its_class(ns):
    assert_same(through_instances, compiled(through_instances), ns)


@given(st.sampled_from(["12u", "u", "3", "-1u", "1k"]))
def test_exceptions_from_class_methods(text):
    assert_same(exception_from_classmethod, compiled(exception_from_classmethod), text)


# ---------------------------------------------------------- from Python


CompiledUnit = pyjitx.compile(Unit)
CompiledKilo = pyjitx.compile(Kilo)
CompiledMega = pyjitx.compile(Mega)


@given(st.integers(-1000, 1000))
def test_python_side(n):
    for compiled, plain in ((CompiledUnit, Unit), (CompiledKilo, Kilo), (CompiledMega, Mega)):
        made = compiled.of(n)
        assert type(made) is compiled
        assert made.show() == plain.of(n).show()
        assert compiled.total([n, 2], start=1) == plain.total([n, 2], start=1)
        assert made.describe_class() == plain.describe_class()
        assert compiled.of(n).of(1).show() == plain.of(1).show()  # through an instance
    assert CompiledKilo.is_mine(CompiledMega.of(n)) and not CompiledMega.is_mine(CompiledKilo.of(n))


@pytest.mark.needs_jit
def test_python_side_errors():
    with pytest.raises(ValueError, match="not a k amount"):
        CompiledKilo.parse("12u")
    with pytest.raises(TypeError):
        CompiledUnit.of("x")
    assert CompiledKilo.pair(1, 2).amount == Kilo.pair(1, 2).amount == 3000


# ------------------------------------------------------------- errors


class Assigns:
    @classmethod
    def make(cls) -> int:
        cls = 3
        return cls


class AsValue:
    @classmethod
    def me(cls) -> int:
        return len([cls])


class Base:
    def __init__(self) -> None:
        self.x = 1

    @classmethod
    def make(cls) -> int:
        return 1


class Demoted(Base):
    def make(self) -> int:  # no longer a classmethod
        return 2


def assigns_cls() -> int:
    return Assigns.make()


def cls_as_value() -> int:
    return AsValue.me()


def demoted_through_base(b: Base) -> int:
    return b.make()


@pytest.mark.needs_jit
@pytest.mark.parametrize("fn, args, words", [
    (assigns_cls, (), "assigns to 'cls', its class"),
    (cls_as_value, (), "'cls' (type) cannot be used as a value"),
    (demoted_through_base, (pyjitx.compile(Base)(),), "where it is no classmethod"),
], ids=lambda x: getattr(x, "__name__", None) if callable(x) else None)
def test_compile_errors(fn, args, words):
    with pytest.raises(pyjitx.CompileError) as info:
        pyjitx.compile(fn)(*args)
    assert words in str(info.value)
