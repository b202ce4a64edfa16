"""collections.deque in compiled code (stdlib_collections.py routes here).

A deque is a runtime list of its own type whose items may start inside
its buffer, so both ends are O(1) (libruntime collections.h).  What only
reads it (iteration, len, in, count, reverse, ==, <, sorted, list(...))
sees it as a list of its items (deque_view: the same object typed as a
list); what writes it is the deque's own runtime operation, which keeps
its maxlen and its messages ("pop from an empty deque", "deque index out
of range", "deque already at its maximum size")."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..ir import ops
from ..ir import primitives as prims
from ..ir import primitives_stdlib as sp
from ..ir.types import (ANY, BOOL, FLOAT, INT, NONE, UNKNOWN, DequeType, Type, unify,
                        with_article)
from .stdlib_collections import _kind, _prim, deque_view, learn_through

if TYPE_CHECKING:
    from .builder import FunctionBuilder


def new_deque(b: "FunctionBuilder", node: ast.Call) -> ops.Value:
    from .containers import coerce_item, iterable_as_list
    from .loops import build_for

    if len(node.args) > 2 or any(isinstance(a, ast.Starred) for a in node.args):
        raise b.error(node, f"deque() takes at most 2 arguments ({len(node.args)} given)")
    args = list(node.args)
    for kw in node.keywords:
        if kw.arg not in ("iterable", "maxlen") or (kw.arg == "iterable" and args):
            raise b.error(kw, f"'{kw.arg}' is an invalid keyword argument for deque()")
        if kw.arg == "iterable":
            args.insert(0, kw.value)
        elif len(args) == 0:
            args = [None, kw.value]
        else:
            args.append(kw.value)
    maxlen: ops.Value = ops.Constant(INT, prims.ABSENT_INT)
    if len(args) == 2 and args[1] is not None:
        value = b.expr.value(args[1])
        if value.type == NONE:
            pass
        elif value.type in (INT, BOOL):
            maxlen = b.expr.coerce(value, INT, args[1])
        else:
            raise b.error(args[1], f"an integer is required as maxlen, not {value.type}")
    expected = b.expected.get(id(node))
    if not args or args[0] is None:
        t = expected if isinstance(expected, DequeType) else DequeType(UNKNOWN)
        return _prim(b, sp.DEQUE_NEW, [_kind(t.item), maxlen], node, t)
    items = iterable_as_list(b, args[0])
    item = items.type.item
    if isinstance(expected, DequeType) and expected.item != item and \
            unify(item, expected.item) == expected.item:
        converted = _empty_list(b, expected.item, node)

        def body() -> None:
            _append(b, converted, coerce_item(b, b.loop_item, expected.item, node, "this deque"),
                    node)

        build_for(b, None, node, body, [], node, iterable=items)
        items = converted
    return _prim(b, sp.DEQUE_FROM_LIST, [items, maxlen], node, DequeType(items.type.item))


def _empty_list(b: "FunctionBuilder", item: Type, node: ast.AST) -> ops.Value:
    from .containers import new_list

    return new_list(b, item, node)


def _append(b: "FunctionBuilder", lst: ops.Value, value: ops.Value, node: ast.AST) -> None:
    from .containers import append

    append(b, lst, value, node)


def deque_index(b: "FunctionBuilder", node: ast.expr) -> ops.Value:
    from . import anys

    index = b.expr.value(node)
    if index.type in (INT, BOOL):
        return b.expr.coerce(index, INT, node)
    if index.type == ANY:
        return anys.to_int(b, index, node)
    raise b.error(node, f"sequence index must be integer, not '{index.type}'")


def deque_method(b: "FunctionBuilder", dq: ops.Value, name: str, node: ast.Call) -> ops.Value:
    from .containers import _probe, coerce_item, iterable_as_list, learn_type

    t: DequeType = dq.type
    receiver_node = node.func.value  # type: ignore[attr-defined]
    none = ops.Constant(NONE, None)
    if node.keywords:
        raise b.error(node.keywords[0], f"deque.{name}() takes no keyword arguments")
    arity = {"append": (1, 1), "appendleft": (1, 1), "pop": (0, 0), "popleft": (0, 0),
             "extend": (1, 1), "extendleft": (1, 1), "rotate": (0, 1), "clear": (0, 0),
             "count": (1, 1), "index": (1, 3), "remove": (1, 1), "reverse": (0, 0),
             "insert": (2, 2), "copy": (0, 0)}.get(name)
    if arity is None:
        raise b.error(node.func, f"'collections.deque' object has no attribute '{name}'")
    low, high = arity
    n = len(node.args)
    if not low <= n <= high:
        if high == 0:
            raise b.error(node, f"deque.{name}() takes no arguments ({n} given)")
        if low == high:
            raise b.error(node, f"deque.{name}() takes exactly {'one argument' if low == 1 else f'{low} arguments'} ({n} given)")
        if name == "index":  # (CPython's wordings differ by method)
            bound = "least 1 argument" if n < low else "most 3 arguments"
            raise b.error(node, f"index() takes at {bound} ({n} given)")
        raise b.error(node, f"deque.{name} expected at most {high} argument"
                      f"{'s' if high > 1 else ''}, got {n}")
    if name in ("extend", "extendleft"):
        items = iterable_as_list(b, node.args[0])
        if t.item == UNKNOWN:
            learn_type(b, receiver_node, DequeType(items.type.item), node)
        if items.type.item != t.item:
            from .container_methods import _coerced_list

            items = _coerced_list(b, items, t.item, node, name)
        _prim(b, sp.DEQUE_EXTEND if name == "extend" else sp.DEQUE_EXTENDLEFT, [dq, items], node)
        return none
    args = [b.expr.value(a) for a in node.args]
    if name in ("append", "appendleft", "insert"):
        item = args[-1]
        if t.item == UNKNOWN:
            if not learn_through(b, receiver_node, DequeType(item.type), node):
                learn_type(b, receiver_node, DequeType(item.type), node)
        if t.item == INT and item.type == FLOAT:
            learn_type(b, receiver_node, DequeType(FLOAT), node)
        item = coerce_item(b, item, t.item, node, "this deque")
        if name == "insert":
            _prim(b, sp.DEQUE_INSERT, [dq, b.expr.coerce(args[0], INT, node), item], node)
        else:
            _prim(b, sp.DEQUE_APPEND if name == "append" else sp.DEQUE_APPENDLEFT, [dq, item],
                  node)
        return none
    if name in ("pop", "popleft"):
        return _prim(b, sp.DEQUE_POP if name == "pop" else sp.DEQUE_POPLEFT, [dq], node, t.item)
    if name == "rotate":
        steps = b.expr.coerce(args[0], INT, node) if args else ops.Constant(INT, 1)
        _prim(b, sp.DEQUE_ROTATE, [dq, steps], node)
        return none
    if name == "clear":
        _prim(b, sp.DEQUE_CLEAR, [dq], node)
        return none
    if name == "copy":
        return _prim(b, sp.DEQUE_COPY, [dq], node, t)
    if name == "reverse":
        _prim(b, prims.LIST_REVERSE, [deque_view(b, dq)], node)
        return none
    probe = _probe(b, args[0], t.item, node, shown=name != "count")
    if probe is None:
        if name == "count":
            from .containers import never_equal

            if never_equal(args[0].type, t.item):
                return ops.Constant(INT, 0)
        raise b.error(node, f"deque.{name}() of {with_article(args[0].type)} among {t.item} "
                      "items is not supported", hint="convert the value to the items' type")
    if name == "count":
        return _prim(b, prims.LIST_COUNT, [deque_view(b, dq), probe], node)
    if name == "remove":
        _prim(b, sp.DEQUE_REMOVE, [dq, probe], node)
        return none
    bounds = [b.expr.coerce(a, INT, node) for a in args[1:]]
    bounds += [ops.Constant(INT, prims.ABSENT_INT)] * (2 - len(bounds))
    return _prim(b, sp.DEQUE_INDEX, [dq, probe] + bounds, node)


def as_items(b: "FunctionBuilder", value: ops.Value, t: DequeType, node: ast.AST) -> ops.Value:
    from .containers import as_list

    items = deque_view(b, value) if isinstance(value.type, DequeType) else as_list(b, value, node)
    if items.type.item != t.item:
        from .container_methods import _coerced_list

        items = _coerced_list(b, items, t.item, node, "+=")
    return items
