"""bytearray in compiled code.

A bytearray is held as a list of ints 0..255 (libruntime/bytearray.c) but
typed BYTEARRAY, so that only bytearray's operations apply to it, with
CPython's checks and messages ("byte must be in range(0, 256)", "bytearray
index out of range"), and it crosses into Python as a real bytearray
(boundary descriptor 'Y', written back in place when the code changes an
argument).  What only reads it -- iteration, len, slicing, equality of two
bytearrays -- goes through the list's code on the same object seen as a
List[int] (prims.BYTEARRAY_ITEMS, a cast: no copy).  What bytes can do
without making a bytes (decode, find, startswith ...) goes through a bytes
copy.  Everything else is a CompileError that names the operation, never
the list's behaviour (which differs: a list takes 300, prints as [..]).
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import BOOL, BYTEARRAY, BYTES, INT, NONE, UNKNOWN, ListType, with_article
from .containers import prim

if TYPE_CHECKING:
    from .builder import FunctionBuilder

# methods of bytes that return no bytes: a bytearray answers them as its
# bytes copy does (those returning bytes would have to return a bytearray)
_READ_METHODS = ("decode", "find", "rfind", "count", "index", "startswith", "endswith")
_SUPPORTED = ("bytearray(), bytearray(n), bytearray(bytes), bytearray(bytearray), "
              "bytearray(List[int]); ba[i], ba[i] = v, ba[a:b:c], ba[a:b] = x, del ba[i], "
              "del ba[a:b:c], len, in, iteration, ==, <, +, +=, *; append, extend, pop, clear, "
              "copy, reverse, " + ", ".join(_READ_METHODS) + "; bytes(ba)")
HINT = "supported on a bytearray in compiled code: " + _SUPPORTED


def items(b: "FunctionBuilder", ba: ops.Value, node: ast.AST) -> ops.Value:
    """The bytearray seen as the List[int] it is held as (same object)."""
    return prim(b, prims.BYTEARRAY_ITEMS, [ba], node, ListType(INT))


def to_bytes(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> ops.Value:
    return prim(b, prims.BYTEARRAY_TO_BYTES, [value], node, BYTES)


def _int(b: "FunctionBuilder", value: ops.Value, node: ast.AST, what: str) -> ops.Value:
    if value.type not in (INT, BOOL):
        raise b.error(node, f"{what} takes an int in compiled code, not {with_article(value.type)}",
                      hint="CPython raises TypeError here")
    return b.expr.coerce(value, INT, node)


def _is_int_list(t) -> bool:
    return isinstance(t, ListType) and t.item in (INT, BOOL)


# ------------------------------------------------------------ construction


def construct(b: "FunctionBuilder", node: ast.Call, _target=None) -> ops.Value:
    """bytearray(), bytearray(n), bytearray(bytes | bytearray | List[int])."""
    if node.keywords or len(node.args) > 1:
        raise b.error(node, "bytearray() takes at most one positional argument in compiled "
                      "code", hint="bytearray(s.encode(encoding)) for a str")
    if not node.args:
        return prim(b, prims.BYTEARRAY_NEW, [ops.Constant(INT, 0)], node, BYTEARRAY)
    return from_value(b, b.expr.value(node.args[0]), node, "bytearray")


def from_value(b: "FunctionBuilder", value: ops.Value, node: ast.AST, name: str) -> ops.Value:
    t = value.type
    if t in (INT, BOOL):
        return prim(b, prims.BYTEARRAY_NEW, [b.expr.coerce(value, INT, node)], node, BYTEARRAY)
    if t == BYTES:
        return prim(b, prims.BYTEARRAY_FROM_BYTES, [value], node, BYTEARRAY)
    if t == BYTEARRAY or _is_int_list(t):  # (a copy, each item checked)
        return prim(b, prims.BYTEARRAY_FROM_INTS, [value], node, BYTEARRAY)
    if isinstance(t, ListType) and t.item == UNKNOWN:  # bytearray([]): an empty literal
        return prim(b, prims.BYTEARRAY_NEW, [ops.Constant(INT, 0)], node, BYTEARRAY)
    raise b.error(node, f"{name}() of {with_article(t)} is not supported in compiled code",
                  hint=f"{name}() takes an int, bytes, a bytearray or a List[int] here; "
                       "bytearray(s.encode(encoding)) for a str")


def bytes_call(b: "FunctionBuilder", node: ast.Call, _target=None) -> ops.Value:
    """bytes(), bytes(n), bytes(bytes | bytearray | List[int])."""
    if node.keywords or len(node.args) > 1:
        raise b.error(node, "bytes() takes at most one positional argument in compiled code",
                      hint="s.encode(encoding) for a str")
    if not node.args:
        return ops.Constant(BYTES, b"")
    value = b.expr.value(node.args[0])
    if value.type == BYTES:
        return value  # (bytes are immutable: CPython returns the same object)
    if value.type == BYTEARRAY:
        return to_bytes(b, value, node)
    if _is_int_list(value.type):  # (its own message: "bytes must be in range(0, 256)")
        return prim(b, prims.BYTES_FROM_INTS, [value], node, BYTES)
    return to_bytes(b, from_value(b, value, node, "bytes"), node)


# ------------------------------------------------------------ methods


def method_call(b: "FunctionBuilder", ba: ops.Value, name: str, node: ast.Call) -> ops.Value:
    none = ops.Constant(NONE, None)
    if name in _READ_METHODS:
        from . import strings

        return strings.method_call(b, to_bytes(b, ba, node), name, node)
    if node.keywords:
        raise b.error(node, f"bytearray.{name}() takes no keyword arguments")
    args = [b.expr.value(a) for a in node.args]

    def arity(low: int, high: int) -> None:
        if not low <= len(args) <= high:
            raise b.error(node, f"bytearray.{name}() takes {low}"
                          + (f" to {high}" if high != low else "")
                          + f" argument{'' if high == 1 else 's'} ({len(args)} given)")

    if name == "append":
        arity(1, 1)
        prim(b, prims.BYTEARRAY_APPEND, [ba, _int(b, args[0], node, "bytearray.append()")], node)
        return none
    if name == "extend":
        arity(1, 1)
        extend(b, ba, args[0], node)
        return none
    if name == "pop":
        arity(0, 1)
        index = _int(b, args[0], node, "bytearray.pop()") if args else ops.Constant(INT, -1)
        return prim(b, prims.BYTEARRAY_POP, [ba, index], node, INT)
    if name == "clear":
        arity(0, 0)
        prim(b, prims.LIST_CLEAR, [ba], node)
        return none
    if name == "copy":
        arity(0, 0)
        return prim(b, prims.BYTEARRAY_FROM_INTS, [ba], node, BYTEARRAY)
    if name == "reverse":
        arity(0, 0)
        prim(b, prims.LIST_REVERSE, [ba], node)
        return none
    raise b.error(node.func, f"bytearray.{name}() is not supported in compiled code", hint=HINT)


def extend(b: "FunctionBuilder", ba: ops.Value, other: ops.Value, node: ast.AST) -> None:
    """ba.extend(x) and ba += x, in place."""
    t = other.type
    if t == BYTES:
        prim(b, prims.BYTEARRAY_EXTEND_BYTES, [ba, other], node)
    elif t == BYTEARRAY or _is_int_list(t):
        # (ba.extend(ba) reads the items before any is added: list_extend's rule)
        prim(b, prims.BYTEARRAY_EXTEND_INTS, [ba, other], node)
    else:
        raise b.error(node, f"extending a bytearray with {with_article(t)} is not supported in "
                      "compiled code", hint="extend it with bytes, a bytearray or a List[int]")


# ------------------------------------------------------------ index and slice


def subscript(b: "FunctionBuilder", ba: ops.Value, node: ast.Subscript) -> ops.Value:
    from .containers import _index
    from .strings import slice_bounds

    if isinstance(node.slice, ast.Slice):
        part = prim(b, prims.LIST_SLICE, [items(b, ba, node)] + slice_bounds(b, node.slice), node,
                    ListType(INT))
        return prim(b, prims.BYTEARRAY_OF_ITEMS, [part], node, BYTEARRAY)
    return prim(b, prims.BYTEARRAY_GETITEM, [ba, _index(b, node.slice, "bytearray")], node, INT)


def store_subscript(b: "FunctionBuilder", ba: ops.Value, target: ast.Subscript,
                    value: ops.Value) -> None:
    from .containers import _index
    from .strings import slice_bounds

    if isinstance(target.slice, ast.Slice):
        if target.slice.step is not None:  # (CPython's size errors there are bytearray's own)
            raise b.error(target, "assigning to an extended slice of a bytearray (one with a "
                          "step) is not supported in compiled code",
                          hint="assign item by item in a loop")
        if value.type == BYTES:
            new = prim(b, prims.BYTEARRAY_FROM_BYTES, [value], target, BYTEARRAY)
        elif value.type == BYTEARRAY or _is_int_list(value.type):  # (a copy: ba[:0] = ba)
            new = prim(b, prims.BYTEARRAY_FROM_INTS, [value], target, BYTEARRAY)
        else:
            raise b.error(target, f"assigning {with_article(value.type)} to a slice of a "
                          "bytearray is not supported in compiled code",
                          hint="assign bytes, a bytearray or a List[int]")
        prim(b, prims.LIST_SET_SLICE, [items(b, ba, target)] + slice_bounds(b, target.slice)
             + [items(b, new, target)], target)
        return
    index = _index(b, target.slice, "bytearray")
    prim(b, prims.BYTEARRAY_SETITEM, [ba, index, _int(b, value, target, "bytearray item "
                                                     "assignment")], target)


# ------------------------------------------------------------ operators


def binary(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value,
           node: ast.AST) -> Optional[ops.Value]:
    lt, rt = left.type, right.type
    if op == "add" and lt == BYTEARRAY:
        if isinstance(node, ast.AugAssign):  # ba += x: in place, ba itself
            extend(b, left, right, node)
            return left
        if rt not in (BYTES, BYTEARRAY):
            return None
        result = prim(b, prims.BYTEARRAY_FROM_INTS, [left], node, BYTEARRAY)
        extend(b, result, right, node)
        return result
    if op == "add" and lt == BYTES and rt == BYTEARRAY:  # bytes + bytearray is bytes
        return prim(b, prims.BYTES_CONCAT, [left, to_bytes(b, right, node)], node, BYTES)
    if op == "mul" and not isinstance(node, ast.AugAssign):
        ba, count = (left, right) if lt == BYTEARRAY else (right, left)
        if ba.type != BYTEARRAY or count.type not in (INT, BOOL):
            return None
        repeated = prim(b, prims.LIST_REPEAT, [items(b, ba, node),
                                               b.expr.coerce(count, INT, node)], node,
                        ListType(INT))
        return prim(b, prims.BYTEARRAY_OF_ITEMS, [repeated], node, BYTEARRAY)
    return None


def compare(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value,
            node: ast.AST) -> Optional[ops.Value]:
    """bytearray against bytes or bytearray: by content, as bytes compare."""
    from . import strings

    sides = []
    for side in (left, right):
        if side.type == BYTEARRAY:
            side = to_bytes(b, side, node)
        elif side.type != BYTES:
            if op in ("eq", "ne"):  # (a bytearray equals no str, int, list ...)
                return ops.Constant(BOOL, op == "ne")
            return None
        sides.append(side)
    return strings.compare(b, op, sides[0], sides[1], node)


def contains(b: "FunctionBuilder", item: ops.Value, container: ops.Value,
             node: ast.AST) -> ops.Value:
    """`item in ba` (an int, bytes or a bytearray), and `ba in some_bytes`."""
    from .strings import int_to_bool

    if container.type == BYTES:  # (item is the bytearray)
        return int_to_bool(b, prim(b, prims.BYTES_CONTAINS, [container, to_bytes(b, item, node)],
                                   node, INT))
    if item.type in (INT, BOOL):
        found = prim(b, prims.BYTEARRAY_CONTAINS_INT, [container, b.expr.coerce(item, INT, node)],
                     node, INT)
        return int_to_bool(b, found)
    if item.type == BYTEARRAY:
        item = to_bytes(b, item, node)
    if item.type == BYTES:
        return int_to_bool(b, prim(b, prims.BYTEARRAY_CONTAINS_BYTES, [container, item], node,
                                   INT))
    raise b.error(node, f"'in <bytearray>' takes an int or bytes left operand, not "
                  f"{with_article(item.type)}")


def delete_subscript(b: "FunctionBuilder", ba: ops.Value, target: ast.Subscript) -> None:
    """del ba[i], del ba[a:b:c]."""
    from .containers import _index
    from .strings import slice_bounds

    if isinstance(target.slice, ast.Slice):
        prim(b, prims.LIST_DEL_SLICE, [items(b, ba, target)] + slice_bounds(b, target.slice),
             target)
        return
    prim(b, prims.BYTEARRAY_DELITEM, [ba, _index(b, target.slice, "bytearray")], target)


def unsupported(b: "FunctionBuilder", what: str, node: ast.AST):
    return b.error(node, f"{what} is not supported in compiled code", hint=HINT)
