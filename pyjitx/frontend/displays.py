"""Unpacking in displays: `[*xs, 4]`, `(*t, x)`, `{*a, *b}`, `{**d, "k": v}`.

The items are evaluated in order; a tuple's items are known one by one
(so `(*t, x)` of a fixed tuple is a fixed tuple of their types), any other
iterable is unpacked at run time.  The container's item type is the one
its annotation gives, else the items' common type (int and float join as
float, unrelated types as Any), as for a display without unpacking.  In a
dict, a later key replaces an earlier one, as in Python.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, List, Optional, Tuple, Union

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import (ANY, BOOL, FLOAT, INT, UNKNOWN, DictType, ListType, SetType, TupleType,
                        Type, VarTupleType, unify, with_article)

if TYPE_CHECKING:
    from .builder import FunctionBuilder

Piece = Union[ops.Value, Tuple[str, ops.Value]]  # a value, or ("*", a run-time sequence)


def _pieces(b: "FunctionBuilder", elts: List[ast.expr]) -> List[Tuple[Piece, ast.expr]]:
    from .signatures import _sequence

    pieces: List[Tuple[Piece, ast.expr]] = []
    for elt in elts:
        if not isinstance(elt, ast.Starred):
            pieces.append((b.expr.value(elt), elt))
            continue
        part = _sequence(b, elt.value)
        if isinstance(part, list):
            pieces += [(value, elt) for value in part]
        else:
            pieces.append((("*", part), elt))
    return pieces


def _common(types: List[Type]) -> Type:
    item: Type = UNKNOWN
    for t in types:
        joined = unify(item, t)
        if joined is None and {item, t} <= {INT, BOOL, FLOAT}:
            joined = FLOAT if FLOAT in (item, t) else INT
        item = joined if joined is not None else ANY
    return item


def _item_types(pieces: List[Tuple[Piece, ast.expr]]) -> List[Type]:
    return [p[1].type.item if isinstance(p, tuple) else p.type for p, _ in pieces]


def _fill(b: "FunctionBuilder", pieces: List[Tuple[Piece, ast.expr]], item: Type,
          node: ast.AST) -> ops.Value:
    """A new list of the pieces' items, as `item`s."""
    from . import containers
    from .loops import build_for

    result = containers.new_list(b, item, node)
    for piece, where in pieces:
        if not isinstance(piece, tuple):
            containers.append(b, result, containers.coerce_item(b, piece, item, where,
                                                                "this display"), where)
            continue
        sequence = piece[1]
        if isinstance(sequence.type, ListType) and sequence.type.item == item:
            containers.prim(b, prims.LIST_EXTEND, [result, sequence], where)
            continue
        build_for(b, None, where, lambda where=where: containers.append(
            b, result, containers.coerce_item(b, b.loop_item, item, where, "this display"),
            where), [], where, iterable=sequence)
    return result


def list_display(b: "FunctionBuilder", node: ast.List, expected: Optional[Type]) -> ops.Value:
    pieces = _pieces(b, node.elts)
    item = expected.item if isinstance(expected, ListType) else _common(_item_types(pieces))
    return _fill(b, pieces, item, node)


def set_display(b: "FunctionBuilder", node: ast.Set, expected: Optional[Type]) -> ops.Value:
    from . import containers

    pieces = _pieces(b, node.elts)
    item = expected.item if isinstance(expected, SetType) else _common(_item_types(pieces))
    containers._check_hashable(b, item, node)
    items = _fill(b, pieces, item, node)
    result = containers.prim(b, prims.SET_NEW, [containers.kind(item)], node, SetType(item))
    containers.prim(b, prims.SET_UPDATE_LIST, [result, items], node)
    return result


def tuple_display(b: "FunctionBuilder", node: ast.Tuple, expected: Optional[Type]) -> ops.Value:
    from . import containers

    pieces = _pieces(b, node.elts)
    if not any(isinstance(p, tuple) for p, _ in pieces):  # every item known: a fixed tuple
        made = containers.build_tuple(b, [p for p, _ in pieces], node)
        return b.expr.coerce(made, expected, node) if expected is not None else made
    item = expected.item if isinstance(expected, VarTupleType) else _common(_item_types(pieces))
    return containers.prim(b, prims.TUPLE_FROM_LIST, [_fill(b, pieces, item, node)], node,
                           VarTupleType(item))


def dict_display(b: "FunctionBuilder", node: ast.Dict, expected: Optional[Type]) -> ops.Value:
    from . import containers
    from .loops import build_for

    entries: List[Tuple[Optional[ops.Value], ops.Value, ast.expr]] = []
    for key_node, value_node in zip(node.keys, node.values):
        key = b.expr.value(key_node) if key_node is not None else None
        value = b.expr.unwrap(b.expr.value(value_node), value_node)
        if key is None and not isinstance(value.type, DictType):
            raise b.error(value_node, f"'**' in a dict display takes a dict here, not "
                          f"{with_article(value.type)}",
                          hint="narrow an Any first: `d: Dict[str, Any] = x`")
        entries.append((key, value, value_node))
    if isinstance(expected, DictType):
        key_type, value_type = expected.key, expected.value
    else:
        key_type = _common([v.type.key if k is None else k.type for k, v, _ in entries])
        value_type = _common([v.type.value if k is None else v.type for k, v, _ in entries])
    containers._check_hashable(b, key_type, node)
    result = containers.prim(b, prims.DICT_NEW, [containers.kind(key_type),
                                                 containers.kind(value_type)], node,
                             DictType(key_type, value_type))

    def store(key: ops.Value, value: ops.Value, where: ast.AST) -> None:
        containers.prim(b, prims.DICT_SETITEM, [
            result, containers.coerce_item(b, key, key_type, where, "this dict"),
            containers.coerce_item(b, value, value_type, where, "this dict")], where)

    for key, value, where in entries:
        if key is not None:
            store(key, value, where)
        elif value.type == result.type:
            containers.prim(b, prims.DICT_UPDATE, [result, value], where)
        else:
            pairs = containers.prim(b, prims.DICT_ITEMS, [value], where,
                                    ListType(TupleType((value.type.key, value.type.value))))

            def body(where=where, value=value) -> None:
                pair = b.loop_item
                k, v = (containers.prim(b, prims.TUPLE_GET, [pair, ops.Constant(INT, i)], where,
                                        pair.type.items[i]) for i in range(2))
                store(k, v, where)

            build_for(b, None, where, body, [], where, iterable=pairs)
    return result
