"""Methods of lists, dicts and sets in compiled code (one runtime call
each, see libruntime/include/pyjitx/containers.h), and key functions for
sort/sorted/min/max (lambdas inlined, named functions called)."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import (FLOAT, INT, NONE, UNKNOWN, DictType, ListType, SetType,
                        TupleType, Type, VarTupleType, dict_like, has_unknown, make_union,
                        with_article)
from .containers import (ABSENT, _int_bool, _probe, append, as_list, coerce_item, hashable_leaf,
                         kind, learn_functions, learn_type, never_equal, new_list, prim)
from .session import Retry

if TYPE_CHECKING:
    from .builder import FunctionBuilder


def method_call(b: "FunctionBuilder", receiver: ops.Value, name: str,
                node: ast.Call) -> ops.Value:
    t = receiver.type
    from .stdlib_collections import flavoured, method_call as collections_method

    if flavoured(t):  # Counter.most_common, deque.append ...; else the dict's
        result = collections_method(b, receiver, name, node)
        if result is not None:
            return result
    receiver_node = node.func.value  # type: ignore[attr-defined]
    args = [b.expr.value(a) for a in node.args]
    kwargs = {kw.arg: kw.value for kw in node.keywords}
    if isinstance(t, ListType):
        return _list_method(b, receiver, receiver_node, name, args, kwargs, node)
    if isinstance(t, DictType):
        return _dict_method(b, receiver, receiver_node, name, args, node)
    if isinstance(t, SetType):
        return _set_method(b, receiver, receiver_node, name, args, node)
    if isinstance(t, (TupleType, VarTupleType)) and name == "count":
        # as a list of its items (a tuple of one item type; mixed items are
        # refused by as_list)
        items = as_list(b, receiver, node)
        return _list_method(b, items, receiver_node, name, args, kwargs, node)
    raise b.error(node.func, f"{with_article(t)} has no method '{name}' in compiled code")


def _across_types(b, container, name, args, result, node) -> ops.Value:
    """The method through the runtime's Any methods (containers._probe)."""
    from . import anys

    return anys.lookup_method(b, container, name, args, result, node)


def _arity(b, node, name, args, low, high) -> None:
    if not low <= len(args) <= high:
        raise b.error(node, f"{name}() takes {low}" + (f" to {high}" if high != low else "") +
                      f" argument{'' if high == 1 else 's'} ({len(args)} given)")


def _list_method(b, lst, receiver_node, name, args, kwargs, node) -> ops.Value:
    t: ListType = lst.type
    none = ops.Constant(NONE, None)
    if name in ("append", "insert", "remove", "index", "count") and t.item == UNKNOWN:
        if name == "append" and len(args) == 1:
            learn_type(b, receiver_node, ListType(args[0].type), node)
        if name == "insert" and len(args) == 2:
            learn_type(b, receiver_node, ListType(args[1].type), node)
    if name in ("append", "insert") and args:
        learn_functions(b, receiver_node, t.item, args[-1], ListType, node)
    if name == "append":
        _arity(b, node, "append", args, 1, 1)
        if t.item == INT and args[0].type == FLOAT:
            learn_type(b, receiver_node, ListType(FLOAT), node)
        append(b, lst, coerce_item(b, args[0], t.item, node, "this list"), node)
        return none
    if name == "extend":
        _arity(b, node, "extend", args, 1, 1)
        other = as_list(b, args[0], node)
        if other.type != t:
            if t.item == UNKNOWN:
                learn_type(b, receiver_node, other.type, node)
            learn_functions(b, receiver_node, t.item, ops.Undefined(other.type.item), ListType, node)
            other = _coerced_list(b, other, t.item, node, "extend")
        prim(b, prims.LIST_EXTEND, [lst, other], node)
        return none
    if name == "insert":
        _arity(b, node, "insert", args, 2, 2)
        prim(b, prims.LIST_INSERT, [lst, b.expr.coerce(args[0], INT, node),
                                    coerce_item(b, args[1], t.item, node, "this list")], node)
        return none
    if name == "pop":
        _arity(b, node, "pop", args, 0, 1)
        index = b.expr.coerce(args[0], INT, node) if args else ops.Constant(INT, -1)
        return prim(b, prims.LIST_POP, [lst, index], node, t.item)
    if name == "remove":
        _arity(b, node, "remove", args, 1, 1)
        probe = _probe(b, args[0], t.item, node)
        if probe is None:  # compared across types (ValueError when absent)
            return _across_types(b, lst, name, args, NONE, node)
        prim(b, prims.LIST_REMOVE, [lst, probe], node)
        return none
    if name == "index":
        _arity(b, node, "index", args, 1, 3)
        bounds = [b.expr.coerce(a, INT, node) for a in args[1:]]
        probe = _probe(b, args[0], t.item, node, shown=True)
        if probe is None:
            return _across_types(b, lst, name, [args[0]] + bounds, INT, node)
        bounds += [ABSENT] * (2 - len(bounds))
        return prim(b, prims.LIST_INDEX, [lst, probe] + bounds, node)
    if name == "count":
        _arity(b, node, "count", args, 1, 1)
        probe = _probe(b, args[0], t.item, node)
        if probe is None:
            if never_equal(args[0].type, t.item):
                return ops.Constant(INT, 0)
            return _across_types(b, lst, name, args, INT, node)
        return prim(b, prims.LIST_COUNT, [lst, probe], node)
    if name == "clear":
        prim(b, prims.LIST_CLEAR, [lst], node)
        return none
    if name == "copy":
        return prim(b, prims.LIST_COPY, [lst], node, t)
    if name == "reverse":
        prim(b, prims.LIST_REVERSE, [lst], node)
        return none
    if name == "sort":
        if args:
            raise b.error(node, "sort() takes no positional arguments")
        sort_list(b, lst, kwargs, node)
        return none
    raise b.error(node.func, f"list has no method '{name}' in compiled code")


def sort_list(b: "FunctionBuilder", lst: ops.Value, kwargs: dict, node: ast.AST) -> None:
    for key in kwargs:
        if key not in ("key", "reverse"):
            raise b.error(node, f"sort() got an unexpected keyword argument '{key}'")
    reverse = ops.Constant(INT, 0)
    if "reverse" in kwargs:
        reverse = b.expr.coerce(b.expr.truthy(b.expr.value(kwargs["reverse"]), node), INT, node)
    key_node = kwargs.get("key")
    from .enums import check_sortable  # (Enum members do not order)

    if key_node is None or (isinstance(key_node, ast.Constant) and key_node.value is None):
        check_sortable(b, lst, node)
        prim(b, prims.LIST_SORT, [lst, reverse], node)
        return
    from .stdlib_functools import cmp_key, cmp_sorted

    cmp = cmp_key(b, key_node)
    if cmp is not None:  # key=functools.cmp_to_key(compare): a merge sort calling compare
        ordered = cmp_sorted(b, lst, cmp, reverse, node)
        prim(b, prims.LIST_CLEAR, [lst], node)
        prim(b, prims.LIST_EXTEND, [lst, ordered], node)
        return
    keys = _keys_of(b, lst, key_node, node)
    check_sortable(b, keys, node)
    prim(b, prims.LIST_SORT_KEYED, [lst, keys, reverse], node)


def _keys_of(b: "FunctionBuilder", lst: ops.Value, key_node: ast.expr, node: ast.AST) -> ops.Value:
    """[key(x) for x in lst] for a key that is a lambda or a named function."""
    from .loops import build_for

    holder = f".keys{b.next_loop_id()}"
    known = b.var_types.get(holder, ListType(UNKNOWN))
    keys = new_list(b, known.item, node)

    def body() -> None:
        key = call_key(b, key_node, b.loop_item, node)
        if known.item == UNKNOWN:
            b.var_types[holder] = ListType(key.type)
            raise Retry()
        append(b, keys, coerce_item(b, key, known.item, node, "the keys"), node)

    build_for(b, None, node, body, [], node, iterable=lst)
    return keys


def call_key(b: "FunctionBuilder", key_node: ast.expr, item: ops.Value, node: ast.AST) -> ops.Value:
    """key(item) where key is `lambda x: expr` or a function name."""
    if isinstance(key_node, ast.Lambda):
        params = key_node.args.args
        if len(params) != 1 or key_node.args.vararg or key_node.args.kwarg:
            raise b.error(key_node, "a key function takes one argument")
        name = params[0].arg
        saved = b.lambda_bindings.get(name)
        b.lambda_bindings[name] = item
        try:
            return b.expr.value(key_node.body)
        finally:
            if saved is None:
                b.lambda_bindings.pop(name, None)
            else:
                b.lambda_bindings[name] = saved
    from .calls import call_with_values

    return call_with_values(b, key_node, [item], node)


def _dict_method(b, d, receiver_node, name, args, node) -> ops.Value:
    t: DictType = d.type
    none = ops.Constant(NONE, None)
    if has_unknown(t) and name in ("setdefault",) and len(args) == 2:
        learn_type(b, receiver_node, dict_like(t, args[0].type, args[1].type), node)
    if name == "get":
        _arity(b, node, "get", args, 1, 2)
        if len(args) == 2 and t.value == UNKNOWN:  # counts.get(w, 0) on `counts = {}`
            learn_type(b, receiver_node, dict_like(t, t.key if t.key != UNKNOWN else args[0].type,
                                                   args[1].type), node)
        probe = _probe(b, args[0], t.key, node)
        if len(args) == 1 and t.value != NONE:
            # the value or None: an Optional (boxed, for scalar values)
            result = make_union(t.value, NONE)
            if probe is None:
                return ops.Constant(result, None)
            return prim(b, prims.DICT_GET_OPTIONAL, [d, probe], node, result)
        if len(args) == 1:
            default = ops.Constant(NONE, None)
        else:
            default = coerce_item(b, args[1], t.value, node, "this dict")
        if probe is None:
            if never_equal(args[0].type, t.key) and hashable_leaf(args[0].type):
                return default
            return _across_types(b, d, name, [args[0], default], t.value, node)
        return prim(b, prims.DICT_GET, [d, probe, default], node, t.value)
    if name in ("keys", "values", "items"):
        _arity(b, node, name, args, 0, 0)
        result = {"keys": ListType(t.key), "values": ListType(t.value),
                  "items": ListType(TupleType((t.key, t.value)))}[name]
        p = {"keys": prims.DICT_KEYS, "values": prims.DICT_VALUES, "items": prims.DICT_ITEMS}[name]
        return prim(b, p, [d], node, result)
    if name == "pop":
        _arity(b, node, "pop", args, 1, 2)
        key = _probe(b, args[0], t.key, node, shown=len(args) == 1)
        if key is None:  # d.pop(1.0) of a Dict[int, V], d.pop(2) of a Dict[Any, V] ...
            rest = [coerce_item(b, args[1], t.value, node, "this dict")] if len(args) == 2 else []
            return _across_types(b, d, name, [args[0]] + rest, t.value, node)
        if len(args) == 2:
            return prim(b, prims.DICT_POP_DEFAULT,
                        [d, key, coerce_item(b, args[1], t.value, node, "this dict")], node, t.value)
        return prim(b, prims.DICT_POP, [d, key], node, t.value)
    if name == "setdefault":
        _arity(b, node, "setdefault", args, 2, 2)
        return prim(b, prims.DICT_SETDEFAULT, [d, coerce_item(b, args[0], t.key, node, "this dict"),
                                               coerce_item(b, args[1], t.value, node, "this dict")],
                    node, t.value)
    if name == "popitem":
        return prim(b, prims.DICT_POPITEM_TUPLE, [d], node, TupleType((t.key, t.value)))
    if name == "update":
        _arity(b, node, "update", args, 1, 1)
        if args[0].type != t and not (isinstance(args[0].type, DictType) and (
                args[0].type.key, args[0].type.value) == (t.key, t.value)):
            if has_unknown(t):
                learn_type(b, receiver_node, args[0].type, node)
            raise b.error(node, f"cannot update {t} with {args[0].type}")
        prim(b, prims.DICT_UPDATE, [d, args[0]], node)
        return none
    if name == "copy":
        return prim(b, prims.DICT_COPY, [d], node, t)
    if name == "clear":
        prim(b, prims.DICT_CLEAR, [d], node)
        return none
    raise b.error(node.func, f"dict has no method '{name}' in compiled code")


def _set_method(b, s, receiver_node, name, args, node) -> ops.Value:
    t: SetType = s.type
    none = ops.Constant(NONE, None)
    if t.item == UNKNOWN and name == "add" and len(args) == 1:
        learn_type(b, receiver_node, SetType(args[0].type), node)
    if name == "add" and len(args) == 1:
        learn_functions(b, receiver_node, t.item, args[0], SetType, node)
    single = {"add": prims.SET_ADD, "discard": prims.SET_DISCARD, "remove": prims.SET_REMOVE}
    if name in single:
        _arity(b, node, name, args, 1, 1)
        if name != "add":  # a lookup: compared across types where the types differ
            probe = _probe(b, args[0], t.item, node, shown=name == "remove")
            if probe is None:
                return _across_types(b, s, name, args, NONE, node)
            prim(b, single[name], [s, probe], node)
            return none
        prim(b, single[name], [s, coerce_item(b, args[0], t.item, node, "this set")], node)
        return none
    if name == "pop":
        return prim(b, prims.SET_POP, [s], node, t.item)
    if name == "copy":
        return prim(b, prims.SET_COPY, [s], node, t)
    if name == "clear":
        prim(b, prims.SET_CLEAR, [s], node)
        return none
    binary_ops = {"union": prims.SET_UNION, "intersection": prims.SET_INTERSECTION,
                  "difference": prims.SET_DIFFERENCE,
                  "symmetric_difference": prims.SET_SYMMETRIC_DIFFERENCE}
    updates = {"update": prims.SET_UPDATE, "intersection_update": prims.SET_INTERSECTION_UPDATE,
               "difference_update": prims.SET_DIFFERENCE_UPDATE,
               "symmetric_difference_update": prims.SET_SYMMETRIC_DIFFERENCE_UPDATE}
    tests = {"issubset": prims.SET_ISSUBSET, "issuperset": prims.SET_ISSUPERSET,
             "isdisjoint": prims.SET_ISDISJOINT}
    if name in binary_ops or name in updates or name in tests:
        # any iterables, several for all but the symmetric ones and the tests
        single_argument = name.startswith("symmetric_difference") or name in tests
        _arity(b, node, name, args, 1 if single_argument else 0, 1 if single_argument else 99)
        if name == "update":
            for other in args:
                if isinstance(other.type, ListType) and other.type.item == t.item:
                    prim(b, prims.SET_UPDATE_LIST, [s, other], node)
                else:
                    prim(b, prims.SET_UPDATE, [s, _as_set(b, other, t, node, name)], node)
            return none
        if name in tests:
            return _int_bool(b, prim(b, tests[name], [s, _as_set(b, args[0], t, node, name)], node))
        if name in updates:
            for other in args:
                prim(b, updates[name], [s, _as_set(b, other, t, node, name)], node)
            return none
        result = s
        for other in args:  # s.union(a, b) is (s | a) | b, each a new set
            result = prim(b, binary_ops[name], [result, _as_set(b, other, t, node, name)], node, t)
        if result is s:  # s.union(): a copy
            result = prim(b, prims.SET_COPY, [s], node, t)
        return result
    raise b.error(node.func, f"set has no method '{name}' in compiled code")


def _as_set(b, value: ops.Value, t: SetType, node, name: str) -> ops.Value:
    """An iterable argument of a set method, as a set of t's items."""
    if value.type == t:
        return value
    items = as_list(b, value, node)
    if items.type.item != t.item:
        items = _coerced_list(b, items, t.item, node, name)
    result = prim(b, prims.SET_NEW, [kind(t.item)], node, t)
    prim(b, prims.SET_UPDATE_LIST, [result, items], node)
    return result


def _coerced_list(b, items: ops.Value, item: Type, node, name: str) -> ops.Value:
    """A list of other items converted to `item` (ints into a float set, values into an Any one)."""
    from .loops import build_for

    result = new_list(b, item, node)

    def body() -> None:
        append(b, result, coerce_item(b, b.loop_item, item, node, f"{name}()'s argument"), node)

    build_for(b, None, node, body, [], node, iterable=items)
    return result
