"""IR types: small immutable value objects, compared and hashed by value.

Only scalars exist so far; containers, strings, Any and classes add their
own classes here without changing the ones below.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


class Type:
    """Base of all IR types."""

    __slots__ = ()

    @property
    def is_numeric(self) -> bool:
        return self in (INT, FLOAT, BOOL)


@dataclass(frozen=True)
class PrimitiveType(Type):
    """A scalar held in a machine register: int (i64), float (f64), bool, None."""

    name: str

    def __str__(self) -> str:
        return self.name


INT = PrimitiveType("int")
FLOAT = PrimitiveType("float")
BOOL = PrimitiveType("bool")
NONE = PrimitiveType("None")

SCALAR_TYPES = (INT, FLOAT, BOOL, NONE)


def unify(a: Type, b: Type) -> Optional[Type]:
    """The type that holds values of both `a` and `b`, or None if there is
    none.  int and float unify to float: the values compare equal."""
    if a == b:
        return a
    if {a, b} == {INT, FLOAT}:
        return FLOAT
    return None


def arithmetic_result(a: Type, b: Type) -> Optional[Type]:
    """The type of a binary arithmetic operation's operands after Python's
    numeric promotion (bool -> int -> float)."""
    if not (a.is_numeric and b.is_numeric):
        return None
    if FLOAT in (a, b):
        return FLOAT
    return INT


def with_article(t: Type) -> str:
    """'an int', 'a float', 'None': for error messages."""
    name = str(t)
    if t == NONE:
        return "None"
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"
