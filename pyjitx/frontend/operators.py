"""Arithmetic and bitwise operators on instances of compiled classes:
`a + b` calls `a.__add__(b)`, or `b.__radd__(a)`; `a += b` tries
`a.__iadd__(b)` first; `-a`, `+a`, `~a` and `abs(a)` call `__neg__`,
`__pos__`, `__invert__` and `__abs__`.

Python decides at run time, by a method returning NotImplemented, which of
`__add__` and `__radd__` applies.  Compiled code decides when compiling,
by the methods' parameter annotations (as comparisons do, classes.compare):
a method whose annotated parameter does not take the other operand's type
is NotImplemented for it.  The order is CPython's: the left operand's
method, then the right's reflected one -- except that a right operand of
a subclass of the left's class that overrides the reflected method goes
first.  With neither, it is CPython's TypeError, at compile time."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, List, Optional, Tuple

from ..ir import ops
from ..ir.types import ClassType, OptionalType

if TYPE_CHECKING:
    from .builder import FunctionBuilder

# IR operator name -> the dunder stem (`__add__`, `__radd__`, `__iadd__`)
_STEMS = {"add": "add", "sub": "sub", "mul": "mul", "truediv": "truediv",
          "floordiv": "floordiv", "mod": "mod", "pow": "pow", "lshift": "lshift",
          "rshift": "rshift", "and": "and", "or": "or", "xor": "xor", "matmul": "matmul"}
_SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "truediv": "/", "floordiv": "//", "mod": "%",
            "pow": "** or pow()", "lshift": "<<", "rshift": ">>", "and": "&", "or": "|",
            "xor": "^", "matmul": "@"}
_UNARY = {"neg": ("__neg__", "-"), "pos": ("__pos__", "+"), "invert": ("__invert__", "~"),
          "abs": ("__abs__", "abs()")}


def involves_instances(left: ops.Value, right: ops.Value) -> bool:
    """Is either operand an instance (or an Optional one)?"""
    def instance(t) -> bool:
        return isinstance(t.item if isinstance(t, OptionalType) else t, ClassType)

    from .anys import _class_members

    return instance(left.type) or instance(right.type) or \
        _class_members(left) is not None or _class_members(right) is not None


def binary(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value, node: ast.AST,
           inplace: bool = False) -> ops.Value:
    """left <op> right (or left <op>= right) with an instance on a side."""
    from . import anys
    from .classes import call_special

    for side in (left, right):
        members = anys._class_members(side)
        if members is not None:
            # a `Union[A, B]` operand: the operator of each member, chosen at
            # run time (one a member has not is CPython's TypeError then)
            def build(v: ops.Value, side: ops.Value = side) -> ops.Value:
                return binary(b, op, v if side is left else left, v if side is right else right,
                              node, inplace)
            return anys._switch(b, side, [(t, build) for t in members],
                                f"__{_STEMS.get(op, op)}__", node, typed=True)
    stem = _STEMS.get(op)
    if stem is not None:
        for receiver, other, name in _candidates(stem, left, right, inplace):
            if _takes(receiver, name, other):
                result = call_special(b, receiver, name, [other], node)
                assert result is not None
                return result
    symbol = _SYMBOLS.get(op, op) + ("=" if inplace and op != "pow" else "")
    if inplace and op == "pow":
        symbol = "**="
    raise b.error(node, f"unsupported operand type(s) for {symbol}: '{_name(left)}' and "
                  f"'{_name(right)}'", hint=_hint(stem, left, right))


def unary(b: "FunctionBuilder", op: str, operand: ops.Value, node: ast.AST) -> ops.Value:
    """-a, +a, ~a, abs(a) of an instance."""
    from .classes import call_special

    name, symbol = _UNARY[op]
    result = call_special(b, operand, name, [], node)
    if result is None:
        what = "abs()" if op == "abs" else f"unary {symbol}"
        raise b.error(node, f"bad operand type for {what}: '{_name(operand)}'",
                      hint=f"define {name} on the class")
    return result


def _candidates(stem: str, left: ops.Value, right: ops.Value,
                inplace: bool) -> List[Tuple[ops.Value, ops.Value, str]]:
    direct = (left, right, f"__{stem}__")
    reflected = (right, left, f"__r{stem}__")
    order = [direct, reflected]
    if isinstance(right.type, ClassType) and isinstance(left.type, ClassType) and \
            right.type != left.type and right.type.is_subclass_of(left.type) and \
            _overrides(right.type, left.type, f"__r{stem}__"):
        order = [reflected, direct]  # a subclass's reflected method goes first
    if inplace:
        order.insert(0, (left, right, f"__i{stem}__"))
    return [c for c in order if isinstance(c[0].type, ClassType)]


def _takes(receiver: ops.Value, name: str, other: ops.Value) -> bool:
    from .classes import _accepts, has_special

    return has_special(receiver.type, name) and _accepts(receiver, name, other)


def _overrides(sub: ClassType, base: ClassType, name: str) -> bool:
    from .classes import info_of_type

    _, owner = info_of_type(sub).find(name)
    _, base_owner = info_of_type(base).find(name)
    return owner is not None and owner is not base_owner


def _name(value: ops.Value) -> str:
    """The operand's type as CPython's message names it."""
    t = value.type
    if isinstance(t, ClassType):
        return t.name.rsplit(".", 1)[-1]
    text = str(t)
    return {"List": "list", "Dict": "dict", "Set": "set", "Tuple": "tuple"}.get(
        text.split("[", 1)[0], text)


def _hint(stem: Optional[str], left: ops.Value, right: ops.Value) -> str:
    if stem is None:
        return ""
    return (f"define __{stem}__ on the left operand's class (or __r{stem}__ on the right's) "
            "with a parameter annotated to take the other operand")
