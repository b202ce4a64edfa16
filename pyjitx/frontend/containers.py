"""Lists, dicts, sets and tuples in compiled code: literals,
comprehensions, indexing, methods, operators and iteration.

Containers are runtime objects (libruntime/include/pyjitx/containers.h)
whose items are 8-byte slots of the item type's kind, so a List[int] holds
unboxed i64s.  An empty literal has an unknown item type until a use (an
append, an assignment, a return) tells; the builder then rebuilds the
function with the learned type (the same mechanism as scalar widening).
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, List, Optional, Sequence

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import (ArrayType, is_any, join, ANY, BOOL, BYTEARRAY, BYTES, FLOAT, INT, NONE, STR, UNKNOWN, ClassType, DictType,
                        DequeType, FunctionSetType, FunctionType, ListType, NDArrayType, SetType,
                        TupleType, Type, VarTupleType, OptionalType, dict_like, function_set,
                        has_unknown, holds_functions, slot_kind, unify, with_article)
from .session import Retry

if TYPE_CHECKING:
    from .builder import FunctionBuilder

ABSENT = ops.Constant(INT, prims.ABSENT_INT)
_RICH = {"lt": 0, "le": 1, "eq": 2, "ne": 3, "gt": 4, "ge": 5}


def prim(b: "FunctionBuilder", p: prims.Primitive, args: Sequence[ops.Value], node: ast.AST,
         result_type: Optional[Type] = None) -> ops.Value:
    if _compares_functions(p, args, result_type):
        raise function_comparison_error(b, node)
    return b.emit(ops.PrimitiveCall(p, list(args), b.lineno(node), result_type))


# Primitives that compare or hash their items.
_COMPARING = {prims.LIST_REMOVE, prims.LIST_INDEX, prims.LIST_COUNT, prims.LIST_CONTAINS,
              prims.LIST_EQ, prims.LIST_RICHCOMPARE, prims.LIST_SORT, prims.LIST_SORT_KEYED,
              prims.LIST_SORTED, prims.TUPLE_EQ, prims.TUPLE_RICHCOMPARE, prims.TUPLE_CONTAINS,
              prims.DICT_EQ, prims.SET_EQ, prims.SLOT_HASH}


def function_comparison_error(b: "FunctionBuilder", node: ast.AST):
    return b.error(node, "function values cannot be compared or hashed in compiled code",
                   hint="a Python function equals only itself, and each run of a lambda or "
                        "def makes a new one; compiled code does not make function objects")


def _compares_functions(p: prims.Primitive, args: Sequence[ops.Value],
                        result_type: Optional[Type]) -> bool:
    """Would the primitive compare or hash function values (a set of them,
    dict keys, ==, in, sort)?"""
    if p is prims.LIST_SORT_KEYED:  # (items, keys, reverse): only the keys are compared
        args = args[1:2]
    types = [a.type for a in args] + ([result_type] if result_type is not None else [])
    for t in types:
        if isinstance(t, SetType) and holds_functions(t.item):
            return True
        if isinstance(t, DictType) and holds_functions(t.key):
            return True
    return p in _COMPARING and any(holds_functions(t) for t in types)


def kind(t: Type) -> ops.Constant:
    return ops.Constant(INT, slot_kind(t))


def fresh_container(value: ops.Value) -> bool:
    from .stdlib_collections import fresh_primitives

    return isinstance(value, ops.PrimitiveCall) and (value.primitive in (
        prims.LIST_NEW, prims.DICT_NEW, prims.SET_NEW) or value.primitive in fresh_primitives())


def retype_fresh(value: ops.Value, to: Type) -> ops.Value:
    """An empty literal whose item type was unknown, given its real type."""
    assert isinstance(value, ops.PrimitiveCall)
    from .stdlib_collections import retype

    if retype(value, to):  # Counter(), deque(), defaultdict(list) ...
        return value
    value.type = to
    if isinstance(to, (ListType, SetType)):
        value.operands[0] = kind(to.item)
    elif isinstance(to, DictType):
        value.operands[0:2] = [kind(to.key), kind(to.value)]
    return value


def _widen_number(b: "FunctionBuilder", value: ops.Value, to: Type,
                  node: ast.AST) -> Optional[ops.Value]:
    """value as the item type `to` when Python's numeric tower allows it."""
    if value.type == to:
        return value
    if (to == FLOAT and value.type in (INT, BOOL)) or (to == INT and value.type == BOOL):
        return b.expr.coerce(value, to, node)
    return None


def coerce_item(b: "FunctionBuilder", value: ops.Value, to: Type, node: ast.AST,
                what: str) -> ops.Value:
    widened = _widen_number(b, value, to, node)
    if widened is not None:
        return widened
    if (is_any(to) or is_any(value.type)):  # boxed into, or checked out of, an Any
        return b.expr.coerce(value, to, node)
    if isinstance(to, FunctionSetType) and isinstance(value.type, FunctionType) and \
            unify(value.type, to) == to:  # a function as its key
        return b.expr.coerce(value, to, node)
    if fresh_container(value) and unify(value.type, to) == to:
        return retype_fresh(value, to)
    if isinstance(to, ClassType) and isinstance(value.type, ClassType) and value.type.is_subclass_of(to):
        return b.expr.coerce(value, to, node)
    if isinstance(to, OptionalType):
        # None, the item, or an instance of a subclass of it (maybe Optional)
        inner = value.type.item if isinstance(value.type, OptionalType) else value.type
        if value.type == NONE or inner == to.item or (
                isinstance(to.item, ClassType) and isinstance(inner, ClassType)
                and inner.is_subclass_of(to.item)):
            return b.expr.coerce(value, to, node)
    raise b.error(node, f"{what} holds {with_article(to)}, not {with_article(value.type)}")


def learn_type(b: "FunctionBuilder", receiver_node: ast.AST, learned: Type,
               node: ast.AST) -> None:
    """An operation on a container whose item type was unknown decides it:
    record the variable's type and rebuild."""
    if isinstance(receiver_node, ast.Name) and receiver_node.id in b.locals:
        b.var_types[receiver_node.id] = learned
        raise Retry()
    from .stdlib_collections import learn_through

    learn_through(b, receiver_node, learned, node)  # d[k].append(x) of d = defaultdict(list)
    raise b.error(node, "cannot infer the item type of this empty container",
                  hint="annotate the variable, e.g. 'xs: List[int] = []'")


def learn_functions(b: "FunctionBuilder", receiver_node: ast.AST, item: Type, value: ops.Value,
                    make, node: ast.AST) -> None:
    """A value stored into a local container whose items it does not fit,
    where Python would simply store it: the local's type becomes the
    container of both (`make` builds it from the item type) and the
    function is rebuilt; the container literal then takes that type
    (coerce).  `ops = [inc]; ops.append(dec)` holds either function;
    `xs = [None] * n; xs[0] = 5` is a List[Optional[int]]; `[1, 2]` given a
    str holds a union.  A container whose type the source gives (an
    annotated local, a parameter) keeps it."""
    if not (isinstance(receiver_node, ast.Name) and receiver_node.id in b.locals):
        return
    name = receiver_node.id
    if name in b.declared_locals or name in b.signature.param_names or item == UNKNOWN:
        return
    if unify(value.type, item) == item or (item == FLOAT and value.type in (INT, BOOL)):
        return  # it fits
    wider = join(item, value.type)
    if wider is not None and wider != item:
        learn_type(b, receiver_node, make(wider), node)


# ------------------------------------------------------------ literals


def new_list(b: "FunctionBuilder", item: Type, node: ast.AST, capacity: int = 0) -> ops.Value:
    return prim(b, prims.LIST_NEW, [kind(item), ops.Constant(INT, capacity)], node, ListType(item))


def append(b: "FunctionBuilder", lst: ops.Value, value: ops.Value, node: ast.AST) -> None:
    prim(b, prims.LIST_APPEND, [lst, value], node)


def list_literal(b: "FunctionBuilder", node: ast.List) -> ops.Value:
    expected = b.expected.get(id(node))
    if any(isinstance(e, ast.Starred) for e in node.elts):  # [*xs, 4]
        from .displays import list_display

        return list_display(b, node, expected)
    values = _evaluate(b, node.elts, expected.item if isinstance(expected, ListType) else None)
    item = expected.item if isinstance(expected, ListType) else _common_type(b, values, node)
    result = new_list(b, item, node, len(values))
    for value, elt in zip(values, node.elts):
        append(b, result, coerce_item(b, value, item, elt, "this list"), elt)
    return result


def set_literal(b: "FunctionBuilder", node: ast.Set) -> ops.Value:
    expected = b.expected.get(id(node))
    if any(isinstance(e, ast.Starred) for e in node.elts):  # {*a, *b}
        from .displays import set_display

        return set_display(b, node, expected)
    values = _evaluate(b, node.elts, expected.item if isinstance(expected, SetType) else None)
    item = expected.item if isinstance(expected, SetType) else _common_type(b, values, node)
    _check_hashable(b, item, node)
    result = prim(b, prims.SET_NEW, [kind(item)], node, SetType(item))
    for value, elt in zip(values, node.elts):
        prim(b, prims.SET_ADD, [result, coerce_item(b, value, item, elt, "this set")], elt)
    return result


def dict_literal(b: "FunctionBuilder", node: ast.Dict) -> ops.Value:
    expected = b.expected.get(id(node))
    if any(k is None for k in node.keys):  # {**d, "k": v}
        from .displays import dict_display

        return dict_display(b, node, expected)
    if not isinstance(expected, DictType):
        expected = None
    keys = _evaluate(b, node.keys, expected.key if expected else None)  # type: ignore[arg-type]
    values = _evaluate(b, node.values, expected.value if expected else None)
    key_type = expected.key if expected else _common_type(b, keys, node)
    value_type = expected.value if expected else _common_type(b, values, node)
    _check_hashable(b, key_type, node)
    result = prim(b, prims.DICT_NEW, [kind(key_type), kind(value_type)], node,
                  DictType(key_type, value_type))
    for k, v, kn, vn in zip(keys, values, node.keys, node.values):
        prim(b, prims.DICT_SETITEM, [result, coerce_item(b, k, key_type, kn, "this dict"),
                                     coerce_item(b, v, value_type, vn, "this dict")], vn)
    return result


def tuple_literal(b: "FunctionBuilder", node: ast.Tuple) -> ops.Value:
    expected = b.expected.get(id(node))
    if any(isinstance(e, ast.Starred) for e in node.elts):  # (*t, x)
        from .displays import tuple_display

        return tuple_display(b, node, expected)
    if isinstance(expected, TupleType) and len(expected.items) == len(node.elts):
        values = _evaluate(b, node.elts, None, list(expected.items))
        values = [b.expr.coerce(v, t, e) for v, t, e in zip(values, expected.items, node.elts)]
        return build_tuple(b, values, node)
    if isinstance(expected, VarTupleType):
        values = _evaluate(b, node.elts, expected.item)
        values = [b.expr.coerce(v, expected.item, e) for v, e in zip(values, node.elts)]
        return b.expr.coerce(build_tuple(b, values, node), expected, node)
    values = [b.expr.value(e) for e in node.elts]
    if len(values) > 1 and all(isinstance(v.type, FunctionType) for v in values):
        # a tuple of functions holds each as one of them all, so that
        # ops[i] may choose one at run time, as a list of them does
        common = function_set(*(v.type for v in values))
        values = [b.expr.coerce(v, common, e) for v, e in zip(values, node.elts)]
    return build_tuple(b, values, node)


def convert_tuple(b: "FunctionBuilder", value: ops.Value, to: Type,
                  node: ast.AST) -> Optional[ops.Value]:
    """A tuple as another tuple type whose items its items convert to, or
    None where the lengths differ."""
    items = value.type.items
    targets = to.items if isinstance(to, TupleType) else (to.item,) * len(items)
    if len(targets) != len(items):
        return None
    converted = []
    for index, (item, target) in enumerate(zip(items, targets)):
        part = prim(b, prims.TUPLE_GET, [value, ops.Constant(INT, index)], node, item)
        converted.append(b.expr.coerce(part, target, node))
    result = build_tuple(b, converted, node)
    return b.expr.coerce(result, to, node) if result.type != to else result


def build_tuple(b: "FunctionBuilder", values: List[ops.Value], node: ast.AST) -> ops.Value:
    for v in values:
        if has_unknown(v.type):
            raise b.error(node, "cannot infer the item type of an empty container in a tuple",
                          hint="annotate it first, e.g. 'xs: List[int] = []'")
    result = prim(b, prims.TUPLE_NEW, [ops.Constant(INT, len(values))], node,
                  TupleType(tuple(v.type for v in values)))
    for index, value in enumerate(values):
        if value.type.is_refcounted:
            b.emit(ops.IncRef(value))  # tuple_set_steal takes a reference
        prim(b, prims.TUPLE_SET_STEAL, [result, ops.Constant(INT, index), kind(value.type),
                                        value], node)
    return result


def _evaluate(b: "FunctionBuilder", nodes: List[ast.expr], expected: Optional[Type],
              each: Optional[List[Type]] = None) -> List[ops.Value]:
    """The items of a literal; an expected item type (the literal's
    annotation) flows on into nested literals (`each`: one per item, a
    fixed tuple's)."""
    if expected is not None:
        for n in nodes:
            b.expected[id(n)] = expected
    if each is not None:
        for n, t in zip(nodes, each):
            b.expected[id(n)] = t
    return [b.expr.value(n) for n in nodes]


def _common_type(b: "FunctionBuilder", values: List[ops.Value], node: ast.AST) -> Type:
    """The item type of a literal: the items' common type, Any for items
    of unrelated types (as Python would hold them)."""
    item: Type = UNKNOWN
    for value in values:
        joined = unify(item, value.type)
        if joined is None and {item, value.type} <= {INT, BOOL, FLOAT}:
            joined = FLOAT if FLOAT in (item, value.type) else INT
        if joined is None:
            if has_unknown(item) or has_unknown(value.type):
                raise b.error(node, f"items of one container must share a type: found "
                              f"{with_article(item)} and {with_article(value.type)}",
                              hint="annotate the container, e.g. 'xs: List[Any] = [...]'")
            joined = ANY
        item = joined
    return item


def _check_hashable(b: "FunctionBuilder", t: Type, node: ast.AST) -> None:
    if isinstance(t, (ListType, DictType, SetType)):
        raise b.error(node, f"unhashable type: '{str(t).split('[')[0].lower()}'")


# ------------------------------------------------------ comprehensions


class _ComprehensionScope(ast.NodeTransformer):
    """Renames the names a comprehension's `for` targets bind (its own
    scope, as in Python 3: `[x for x in xs]` leaves the function's x alone,
    and a comprehension inside another rebinds only its own)."""

    def __init__(self, names: set, prefix: str) -> None:
        self.names = names
        self.prefix = prefix

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.names:
            return ast.copy_location(ast.Name(id=self.prefix + node.id, ctx=node.ctx), node)
        return node

    def visit_NamedExpr(self, node: ast.NamedExpr) -> ast.AST:
        node.value = self.visit(node.value)  # (the walrus target binds in the function)
        return node


def own_scope(node: ast.expr, uid: int) -> ast.expr:
    """A copy of the comprehension with its targets' names renamed."""
    import copy

    bound = {n.id for gen in node.generators  # type: ignore[attr-defined]
             for n in ast.walk(gen.target) if isinstance(n, ast.Name)}
    if not bound:
        return node
    renamer = _ComprehensionScope(bound, f".c{uid}.")
    scoped = copy.deepcopy(node)
    for index, gen in enumerate(scoped.generators):  # type: ignore[attr-defined]
        gen.target = renamer.visit(gen.target)
        if index > 0:  # the first iterable is evaluated in the enclosing scope
            gen.iter = renamer.visit(gen.iter)
        gen.ifs = [renamer.visit(test) for test in gen.ifs]
    for field in ("elt", "key", "value"):
        if hasattr(scoped, field):
            setattr(scoped, field, renamer.visit(getattr(scoped, field)))
    return scoped


def comprehension(b: "FunctionBuilder", node: ast.expr) -> ops.Value:
    """[...], {...}, {k: v ...} and generator expressions (built as lists)."""
    uid = b.next_loop_id()
    holder = f".comp{uid}"
    learned = b.var_types.get(holder)
    expected = b.expected.get(id(node))
    node = own_scope(node, uid)
    if learned is None and type(expected) is {ast.ListComp: ListType, ast.SetComp: SetType,
                                              ast.DictComp: DictType}.get(type(node)):
        learned = expected  # (its annotation, or what the local became)
    if isinstance(node, ast.DictComp):
        known = learned if isinstance(learned, DictType) else DictType(UNKNOWN, UNKNOWN)
        result = prim(b, prims.DICT_NEW, [kind(known.key), kind(known.value)], node, known)
    elif isinstance(node, ast.SetComp):
        known = learned if isinstance(learned, SetType) else SetType(UNKNOWN)
        result = prim(b, prims.SET_NEW, [kind(known.item)], node, known)
    else:
        known = learned if isinstance(learned, ListType) else ListType(UNKNOWN)
        result = new_list(b, known.item, node)

    def body() -> None:
        if isinstance(node, ast.DictComp):
            k, v = b.expr.value(node.key), b.expr.value(node.value)
            if has_unknown(known):
                b.var_types[holder] = DictType(k.type, v.type)
                raise Retry()
            prim(b, prims.DICT_SETITEM, [result, coerce_item(b, k, known.key, node.key, "dict"),
                                         coerce_item(b, v, known.value, node.value, "dict")], node)
            return
        value = b.expr.value(node.elt)  # type: ignore[attr-defined]
        item = known.item  # type: ignore[union-attr]
        if item == UNKNOWN or (item == INT and value.type == FLOAT):
            b.var_types[holder] = type(known)(value.type)
            raise Retry()
        value = coerce_item(b, value, item, node, "the comprehension")
        if isinstance(node, ast.SetComp):
            prim(b, prims.SET_ADD, [result, value], node)
        else:
            append(b, result, value, node)

    build_generators(b, node.generators, 0, body)  # type: ignore[attr-defined]
    return result


def build_generators(b: "FunctionBuilder", generators: List[ast.comprehension], index: int,
                body) -> None:
    from .loops import build_for

    if index == len(generators):
        body()
        return
    gen = generators[index]
    if gen.is_async:
        raise b.error(gen.target, "async comprehensions are not supported")

    def inner() -> None:
        for cond in gen.ifs:
            then = b.new_block("compif")
            skip = b.new_block("compskip")
            b.expr.condition(cond, then, skip)
            b.seal(then)
            b.seal(skip)
            b.start(skip)
            b.goto(b.loops[-1].continue_target)
            b.start(then)
        build_generators(b, generators, index + 1, body)

    build_for(b, gen.target, gen.iter, inner, [], gen)


def iterable_as_list(b: "FunctionBuilder", node: ast.expr) -> ops.Value:
    """An iterable expression's items as a list (for join, sorted, sum...)."""
    if isinstance(node, ast.GeneratorExp):
        return comprehension(b, node)
    from .generators import called_generator, collect_call

    generator = called_generator(b, node)
    if generator is not None:  # gen(...): expanded into a new list
        return collect_call(b, node, generator)
    value = b.expr.iterable(node)
    return as_list(b, value, node)


def as_list(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> ops.Value:
    t = value.type
    if isinstance(t, ListType):
        return value
    if t == BYTEARRAY:  # (the same object, as the List[int] it is held as)
        from .bytearrays import items

        return items(b, value, node)
    if isinstance(t, ArrayType):  # (the same object, as the list it is held as)
        from . import stdarrays

        return stdarrays.items(b, value, node)
    from .generators import collect, lazy_of

    lazy = lazy_of(value)
    if lazy is not None:  # a generator call given to a stand-in: its items
        return collect(b, lazy.pyfunc, lazy.args, node)
    if is_any(t):  # its items as a new List[Any] (as `for x in value` iterates)
        from . import anys

        return anys.items(b, value, node)
    if isinstance(t, (DictType, SetType)):
        item = t.key if isinstance(t, DictType) else t.item
        return prim(b, prims.DICT_KEYS, [value], node, ListType(item))
    if isinstance(t, DequeType):  # its items, read in place
        from .stdlib_collections import deque_view

        return deque_view(b, value)
    if t in (STR,) or isinstance(t, (TupleType, VarTupleType)):
        from .loops import build_for

        item = item_type(b, t, node)
        result = new_list(b, item, node)

        def body() -> None:
            append(b, result, b.loop_item, node)

        build_for(b, None, node, body, [], node, iterable=value)
        return result
    raise b.error(node, f"{with_article(t)} is not iterable here")


def item_type(b: "FunctionBuilder", t: Type, node: ast.AST) -> Type:
    if isinstance(t, (ListType, SetType, VarTupleType, DequeType)):
        return t.item
    if isinstance(t, DictType):
        return t.key
    if t == STR:
        return STR
    if t == BYTES:
        return INT
    if isinstance(t, TupleType):
        items = set(t.items)
        if len(items) == 1:
            return t.items[0]
        if not t.items:
            return NONE
        raise b.error(node, f"iterating over {t} (items of different types) is not supported",
                      hint="index its items one by one (t[0], t[1]), or hold them in a list, "
                           "whose items are Any: `for x in [1, \"a\"]:`")
    raise AssertionError(f"item_type of {t}: callers pass iterable types only")


# ------------------------------------------------------------ operators


def binary(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value,
           node: ast.AST) -> Optional[ops.Value]:
    from . import stdlib_collections

    done = stdlib_collections.binary(b, op, left, right, node)  # Counter +, deque * ...
    if done is not None:
        return done
    lt, rt = left.type, right.type
    if isinstance(node, ast.AugAssign):
        result = _inplace(b, op, left, right, node)
        if result is not None:
            return result
    if isinstance(lt, ListType):
        if op == "add" and isinstance(rt, ListType):
            joined = unify(lt, rt)
            if joined is None:
                return None
            return prim(b, prims.LIST_CONCAT, [left, right], node, joined)
        if op == "mul" and rt in (INT, BOOL):
            return prim(b, prims.LIST_REPEAT, [left, b.expr.coerce(right, INT, node)], node, lt)
    if op == "add" and _is_tuple(lt) and _is_tuple(rt):
        result = _tuple_concat_type(lt, rt)
        if result is not None:
            return prim(b, prims.TUPLE_CONCAT, [left, right], node, result)
    if isinstance(rt, ListType) and op == "mul" and lt in (INT, BOOL):
        return prim(b, prims.LIST_REPEAT, [right, b.expr.coerce(left, INT, node)], node, rt)
    if op == "mul" and (_is_tuple(lt) and rt in (INT, BOOL) or _is_tuple(rt) and lt in (INT, BOOL)):
        return _tuple_repeat(b, left if _is_tuple(lt) else right,
                             right if _is_tuple(lt) else left, node)
    if isinstance(lt, SetType) and lt == rt:
        p = {"or": prims.SET_UNION, "and": prims.SET_INTERSECTION, "sub": prims.SET_DIFFERENCE,
             "xor": prims.SET_SYMMETRIC_DIFFERENCE}.get(op)
        if p is not None:
            return prim(b, p, [left, right], node, lt)
    if isinstance(lt, DictType) and lt == rt and op == "or":
        return prim(b, prims.DICT_OR, [left, right], node, lt)
    return None


def _tuple_repeat(b: "FunctionBuilder", t: ops.Value, n: ops.Value,
                  node: ast.AST) -> Optional[ops.Value]:
    """t * n: a tuple of its items n times (a fixed tuple for a constant n;
    else of any length, when its items share a type)."""
    count = b.expr.coerce(n, INT, node)
    tt = t.type
    if isinstance(tt, TupleType) and isinstance(count, ops.Constant):
        result = TupleType(tt.items * max(count.value, 0))
    elif isinstance(tt, VarTupleType):
        result = tt
    elif len(set(tt.items)) == 1:
        result = VarTupleType(tt.items[0])
    elif not tt.items:
        result = tt
    else:
        raise b.error(node, f"a {tt} repeated a number of times known only at run time has "
                      "items of different types at unknown positions",
                      hint="repeat a tuple whose items share a type, or by a constant")
    return prim(b, prims.TUPLE_REPEAT, [t, count], node, result)


def _is_tuple(t: Type) -> bool:
    return isinstance(t, (TupleType, VarTupleType))


def _tuple_concat_type(a: Type, b: Type) -> Optional[Type]:
    if isinstance(a, TupleType) and isinstance(b, TupleType):
        return TupleType(a.items + b.items)
    items = set(a.items if isinstance(a, TupleType) else (a.item,)) | \
        set(b.items if isinstance(b, TupleType) else (b.item,))
    return VarTupleType(items.pop()) if len(items) == 1 else None


def _inplace(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value,
             node: ast.AST) -> Optional[ops.Value]:
    """`xs += ys`, `xs *= n`, `d |= e`, `s |= t` (and &=, -=, ^=) change
    the left object in place, as CPython's in-place operators do: other
    names for the same object (a caller's argument) see the change."""
    lt, rt = left.type, right.type
    if isinstance(lt, ListType) and op == "add":
        other = right if isinstance(rt, ListType) else as_list(b, right, node)
        if other.type != lt:
            return None
        prim(b, prims.LIST_EXTEND, [left, other], node)
        return left
    if isinstance(lt, ListType) and op == "mul" and rt in (INT, BOOL):
        prim(b, prims.LIST_INPLACE_REPEAT, [left, b.expr.coerce(right, INT, node)], node)
        return left
    if isinstance(lt, SetType) and lt == rt:
        p = {"or": prims.SET_UPDATE, "and": prims.SET_INTERSECTION_UPDATE,
             "sub": prims.SET_DIFFERENCE_UPDATE,
             "xor": prims.SET_SYMMETRIC_DIFFERENCE_UPDATE}.get(op)
        if p is not None:
            prim(b, p, [left, right], node)
            return left
    if isinstance(lt, DictType) and lt == rt and op == "or":
        prim(b, prims.DICT_IOR, [left, right], node)
        return left
    return None


def compare(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value,
            node: ast.AST) -> Optional[ops.Value]:
    from . import stdlib_collections

    done = stdlib_collections.compare(b, op, left, right, node)  # Counter ==, deque < ...
    if done is not None:
        return done
    lt, rt = left.type, right.type
    if _is_tuple(lt) and _is_tuple(rt) and type(lt) is not type(rt):
        rt = lt  # a fixed and a variable-length tuple compare item by item
    if type(lt) is not type(rt):
        if op in ("eq", "ne"):
            return ops.Constant(BOOL, op == "ne")
        return None
    # (lists, dicts and sets of different item types compare at run time,
    # item by item with Python's rules: [1] == [1.0], [] == [], {1} == {1.0})
    if isinstance(lt, (ListType, TupleType, VarTupleType)):
        is_list = isinstance(lt, ListType)
        if op in ("eq", "ne"):
            equal = prim(b, prims.LIST_EQ if is_list else prims.TUPLE_EQ, [left, right], node)
            return b.emit(ops.Compare("ne" if op == "eq" else "eq", equal, ops.Constant(INT, 0)))
        result = prim(b, prims.LIST_RICHCOMPARE if is_list else prims.TUPLE_RICHCOMPARE,
                      [left, right, ops.Constant(INT, _RICH[op])], node)
        return b.emit(ops.Compare("ne", result, ops.Constant(INT, 0)))
    if isinstance(lt, (DictType, SetType)):
        if op in ("eq", "ne"):
            equal = prim(b, prims.DICT_EQ, [left, right], node)
            return b.emit(ops.Compare("ne" if op == "eq" else "eq", equal, ops.Constant(INT, 0)))
        if isinstance(lt, SetType):
            if op == "le":
                return _int_bool(b, prim(b, prims.SET_ISSUBSET, [left, right], node))
            if op == "ge":
                return _int_bool(b, prim(b, prims.SET_ISSUPERSET, [left, right], node))
            proper = _int_bool(b, prim(b, prims.SET_ISSUBSET if op == "lt" else prims.SET_ISSUPERSET,
                                       [left, right], node))
            different = b.emit(ops.Compare("eq", prim(b, prims.DICT_EQ, [left, right], node),
                                           ops.Constant(INT, 0)))
            return b.emit(ops.Convert("int_to_bool", b.emit(ops.IntArith(
                "and", b.expr.coerce(proper, INT, node), b.expr.coerce(different, INT, node)))))
    return None


def _int_bool(b: "FunctionBuilder", value: ops.Value) -> ops.Value:
    return b.emit(ops.Convert("int_to_bool", value))


def contains(b: "FunctionBuilder", item: ops.Value, container: ops.Value,
             node: ast.AST) -> ops.Value:
    if isinstance(container.type, DequeType):
        from .stdlib_collections import deque_view

        container = deque_view(b, container)
    t = container.type
    if isinstance(t, ListType):
        if t.item == UNKNOWN:
            return ops.Constant(BOOL, False)
        probe = _probe(b, item, t.item, node)
        if probe is None:
            if never_equal(item.type, t.item):
                return ops.Constant(BOOL, False)
            return _contains_across_types(b, item, container, node)
        return _int_bool(b, prim(b, prims.LIST_CONTAINS, [container, probe], node))
    if isinstance(t, (DictType, SetType)):
        key_type = t.key if isinstance(t, DictType) else t.item
        if key_type == UNKNOWN:
            return ops.Constant(BOOL, False)
        probe = _probe(b, item, key_type, node)
        if probe is None:
            if never_equal(item.type, key_type) and hashable_leaf(item.type):
                return ops.Constant(BOOL, False)
            return _contains_across_types(b, item, container, node)
        p = prims.DICT_CONTAINS if isinstance(t, DictType) else prims.SET_CONTAINS
        return prim(b, p, [container, probe], node)
    if isinstance(t, (TupleType, VarTupleType)):
        return _int_bool(b, prim(b, prims.TUPLE_CONTAINS, [container, kind(item.type), item], node))
    raise b.error(node, f"argument of type '{t}' is not iterable")


def _contains_across_types(b: "FunctionBuilder", item: ops.Value, container: ops.Value,
                           node: ast.AST) -> ops.Value:
    from . import anys

    return anys.contains(b, item, container, node)


def _probe(b: "FunctionBuilder", value: ops.Value, to: Type, node: ast.AST,
           shown: bool = False) -> Optional[ops.Value]:
    """A value as a container's item (or key) type for a lookup -- `in`,
    count, index, remove, dict and set keys -- where that keeps Python's
    equality exact: the same type, a bool among ints or floats, a subclass
    instance, and anything among Any items (boxed: the runtime compares a
    box as its value, 1 == 1.0 == True).  None otherwise: the caller takes
    the run-time path of the Any operations, which compares across types
    as Python does (an int among floats exactly, 2**53 + 1 != 2.0**53;
    1.0 among ints; [1] == [1.0]), or, where never_equal says so, knows the
    answer.  `shown`: a miss raises an error that shows the value (index's
    ValueError, KeyError), so a bool stays a bool (KeyError: True)."""
    if holds_functions(value.type) or holds_functions(to):
        raise function_comparison_error(b, node)
    if value.type == to:
        return value
    if value.type == BOOL and to in (INT, FLOAT) and not shown:
        return b.expr.coerce(value, to, node)
    if is_any(to):  # (a union item as an Any: the same box)
        from . import anys

        return anys.box(b, value, node, as_type=to)
    if fresh_container(value) and unify(value.type, to) == to:
        return retype_fresh(value, to)
    if isinstance(to, ClassType) and isinstance(value.type, ClassType) and value.type.is_subclass_of(to):
        return b.expr.coerce(value, to, node)
    return None


def _category(t: Type) -> Optional[str]:
    if t in (INT, FLOAT, BOOL):
        return "number"
    if t in (STR, BYTES, NONE):
        return str(t)
    if isinstance(t, ListType):
        return "list"
    if isinstance(t, (TupleType, VarTupleType)):
        return "tuple"
    if isinstance(t, DictType):
        return "dict"
    if isinstance(t, SetType):
        return "set"
    return None  # Any, Optional, instances (whose __eq__ may take anything)


def never_equal(a: Type, b: Type) -> bool:
    """Can no value of type a equal one of type b?  (Numbers, str, bytes,
    None, lists, tuples, dicts and sets never equal each other.)"""
    ca, cb = _category(a), _category(b)
    return ca is not None and cb is not None and ca != cb


def hashable_leaf(t: Type) -> bool:
    """A number, str, bytes or None: looking it up hashes without error."""
    return t in (INT, FLOAT, BOOL, STR, BYTES, NONE)


# ------------------------------------------------------ index and slice


def subscript(b: "FunctionBuilder", value: ops.Value, node: ast.Subscript) -> ops.Value:
    from .strings import slice_bounds

    t = value.type
    from . import stdlib_collections

    if stdlib_collections.flavoured(t):  # c[k] (0 when missing), dq[i] ...
        found = stdlib_collections.subscript(b, value, node)
        if found is not None:
            return found
    if isinstance(node.slice, ast.Slice):
        bounds = slice_bounds(b, node.slice)
        if isinstance(t, ListType):
            return prim(b, prims.LIST_SLICE, [value] + bounds, node, t)
        if isinstance(t, VarTupleType) or (isinstance(t, TupleType) and len(set(t.items)) == 1):
            item = t.item if isinstance(t, VarTupleType) else t.items[0]
            return prim(b, prims.TUPLE_SLICE, [value] + bounds, node, VarTupleType(item))
        raise b.error(node, f"slicing {with_article(t)} is not supported")
    if isinstance(t, ListType):
        index = _index(b, node.slice, "list")
        return prim(b, prims.LIST_GET, [value, index], node, t.item)
    if isinstance(t, DictType):
        key = b.expr.value(node.slice)
        probe = _probe(b, key, t.key, node.slice, shown=True)
        if probe is None:  # d[1.0] of a Dict[int, V], d[2] of a Dict[Any, V] ...
            from . import anys

            found = anys.getitem(b, anys.box(b, value, node), key, node)
            return anys.unbox(b, found, t.value, node)
        return prim(b, prims.DICT_GETITEM, [value, probe], node, t.value)
    if isinstance(t, VarTupleType):
        return prim(b, prims.TUPLE_GET, [value, _index(b, node.slice, "tuple")], node, t.item)
    if isinstance(t, TupleType):
        index_value = b.expr.value(node.slice)
        if isinstance(index_value, ops.Constant) and index_value.type == INT:
            i = index_value.value
            n = len(t.items)
            if not -n <= i < n:
                raise b.error(node.slice, "tuple index out of range")
            i %= n
            return prim(b, prims.TUPLE_GET, [value, ops.Constant(INT, i)], node, t.items[i])
        if len(set(t.items)) == 1:
            return prim(b, prims.TUPLE_GET, [value, _index(b, node.slice, "tuple")], node,
                        t.items[0])
        raise b.error(node.slice, "a tuple with items of different types takes constant indices")
    raise b.error(node, f"'{t}' object is not subscriptable")


def _index(b: "FunctionBuilder", node: ast.expr, what: str) -> ops.Value:
    index = b.expr.value(node)
    if is_any(index.type):  # its int, or Python's TypeError, at run time
        return prim(b, prims.ANY_INDEX, [index, ops.Constant(prims.CSTR, what)], node, INT)
    if index.type not in (INT, BOOL):
        raise b.error(node, f"{what} indices must be integers or slices, not {index.type}")
    return b.expr.coerce(index, INT, node)


def store_subscript(b: "FunctionBuilder", target: ast.Subscript, value: ops.Value) -> None:
    container = b.expr.unwrap(b.expr.value(target.value), target,
                              "'NoneType' object does not support item assignment")
    t = container.type
    if isinstance(t, NDArrayType):
        from . import arrays

        arrays.store_subscript(b, container, target, value)
        return
    if t == BYTEARRAY:
        from . import bytearrays

        bytearrays.store_subscript(b, container, target, value)
        return
    if isinstance(t, ArrayType):
        from . import stdarrays

        stdarrays.store_subscript(b, container, target, value)
        return
    if is_any(t):
        from . import anys

        if isinstance(target.slice, ast.Slice):
            anys.setslice(b, container, target.slice, value, target)
            return
        anys.setitem(b, container, b.expr.value(target.slice), value, target)
        return
    if isinstance(t, ClassType):
        from .classes import require_special

        if isinstance(target.slice, ast.Slice):
            raise b.error(target.slice, "slices of instances are not supported")
        require_special(b, container, "__setitem__", [b.expr.value(target.slice), value], target,
                        f"'{t}' object does not support item assignment")
        return
    from . import stdlib_collections

    if stdlib_collections.store_subscript(b, container, target, value):  # dq[i] = v
        return
    if isinstance(t, ListType):
        if isinstance(target.slice, ast.Slice):
            from .strings import slice_bounds

            items = as_list(b, value, target)
            if items.type != t:
                raise b.error(target, f"cannot assign {items.type} to a slice of {t}")
            prim(b, prims.LIST_SET_SLICE, [container] + slice_bounds(b, target.slice) + [items],
                 target)
            return
        if t.item == UNKNOWN:
            learn_type(b, target.value, ListType(value.type), target)
        learn_functions(b, target.value, t.item, value, ListType, target)
        index = _index(b, target.slice, "list")
        prim(b, prims.LIST_SET, [container, index, coerce_item(b, value, t.item, target, "this list")],
             target)
        return
    if isinstance(t, DictType):
        key = b.expr.value(target.slice)
        if has_unknown(t):
            learn_type(b, target.value, dict_like(t, unify(t.key, key.type) or key.type,
                                                  unify(t.value, value.type) or value.type), target)
        learn_functions(b, target.value, t.key, key, lambda k: dict_like(t, k, t.value), target)
        learn_functions(b, target.value, t.value, value, lambda v: dict_like(t, t.key, v), target)
        prim(b, prims.DICT_SETITEM, [container, coerce_item(b, key, t.key, target.slice, "this dict"),
                                     coerce_item(b, value, t.value, target, "this dict")], target)
        return
    raise b.error(target, f"'{t}' object does not support item assignment")


def delete_subscript(b: "FunctionBuilder", target: ast.Subscript) -> None:
    from .strings import slice_bounds

    container = b.expr.value(target.value)
    t = container.type
    if t == BYTEARRAY:
        from . import bytearrays

        bytearrays.delete_subscript(b, container, target)
        return
    if isinstance(t, ArrayType):
        from . import stdarrays

        stdarrays.delete_subscript(b, container, target)
        return
    if is_any(t):
        from . import anys

        anys.delete(b, container, target.slice, target)
        return
    from . import stdlib_collections

    if stdlib_collections.delete_subscript(b, container, target):  # del dq[i], del c[k]
        return
    if isinstance(t, ListType):
        if isinstance(target.slice, ast.Slice):
            prim(b, prims.LIST_DEL_SLICE, [container] + slice_bounds(b, target.slice), target)
            return
        prim(b, prims.LIST_DELITEM, [container, _index(b, target.slice, "list")], target)
        return
    if isinstance(t, DictType):
        key = b.expr.value(target.slice)
        probe = _probe(b, key, t.key, target.slice, shown=True)
        if probe is None:
            from . import anys

            _prim_any = anys.box(b, container, target)
            prim(b, prims.ANY_DELITEM, [_prim_any, anys.box(b, key, target)], target)
            return
        prim(b, prims.DICT_DELITEM, [container, probe], target)
        return
    raise b.error(target, f"'{t}' object doesn't support item deletion")


def method_call(b: "FunctionBuilder", receiver: ops.Value, name: str,
                node: ast.Call) -> ops.Value:
    from .container_methods import method_call as call

    return call(b, receiver, name, node)


def sort_list(b: "FunctionBuilder", lst: ops.Value, kwargs: dict, node: ast.AST) -> None:
    from .container_methods import sort_list as sort

    sort(b, lst, kwargs, node)


def call_key(b: "FunctionBuilder", key_node: ast.expr, item: ops.Value, node: ast.AST) -> ops.Value:
    from .container_methods import call_key as call

    return call(b, key_node, item, node)


def unpack_list(b: "FunctionBuilder", elts: List[ast.expr], lst: ops.Value,
                node: ast.AST) -> None:
    """a, b = xs / a, *rest = xs: checks the length at run time as CPython
    does (ValueError)."""
    t: ListType = lst.type
    starred = [i for i, e in enumerate(elts) if isinstance(e, ast.Starred)]
    assert len(starred) <= 1, "several starred targets: Python's compiler refuses them"
    n = b.emit(ops.Length(lst))
    fixed = len(elts) - len(starred)
    prim(b, prims.UNPACK_CHECK, [n, ops.Constant(INT, fixed),
                                 ops.Constant(INT, 1 if starred else 0)], node)
    star = starred[0] if starred else len(elts)
    for i, sub in enumerate(elts[:star]):
        b._assign(sub, prim(b, prims.LIST_GET, [lst, ops.Constant(INT, i)], node, t.item))
    if starred:
        after = len(elts) - star - 1
        stop = b.emit(ops.IntArith("sub", n, ops.Constant(INT, after)))
        middle = prim(b, prims.LIST_SLICE, [lst, ops.Constant(INT, star), stop, ABSENT], node, t)
        b._assign(elts[star].value, middle)  # type: ignore[attr-defined]
        for j, sub in enumerate(elts[star + 1:]):
            index = b.emit(ops.IntArith("sub", n, ops.Constant(INT, after - j)))
            b._assign(sub, prim(b, prims.LIST_GET, [lst, index], node, t.item))


def augmented_item(b: "FunctionBuilder", stmt: ast.AugAssign) -> None:
    """xs[i] += v and d[k] += v: container and index evaluated once."""
    target = stmt.target
    assert isinstance(target, ast.Subscript)
    container = b.expr.value(target.value)
    if isinstance(target.slice, ast.Slice) and not isinstance(container.type, NDArrayType):
        raise b.error(target, "augmented assignment to a slice is not supported",
                      hint="assign the result: `xs[0:2] = xs[0:2] + [9]`")
    t = container.type
    if isinstance(t, NDArrayType):
        from . import arrays

        arrays.augmented_item(b, container, stmt)
        return
    if isinstance(t, ArrayType):  # a[i] += v: the item read, changed, checked and stored
        from . import stdarrays

        key = _index(b, target.slice, "array")
        i = prim(b, prims.ARRAY_INDEX, [container, key, ops.Constant(INT, 0)], target, INT)
        current = b.emit(ops.ListItem(stdarrays.items(b, container, target), i, t.item,
                                      b.lineno(target)))
        result = b.expr.binary(stmt.op, current, b.expr.value(stmt.value), stmt, inplace=True)
        v = stdarrays.item_value(b, t, result, stmt)
        prim(b, prims.LIST_SET, [stdarrays.items(b, container, target), i,
                                 coerce_item(b, v, t.item, stmt, "this array")], stmt)
        return
    if t == BYTEARRAY:  # ba[i] += v: the byte read, changed, checked and stored
        key = _index(b, target.slice, "bytearray")
        current = prim(b, prims.BYTEARRAY_GETITEM, [container, key], target, INT)
        result = b.expr.binary(stmt.op, current, b.expr.value(stmt.value), stmt, inplace=True)
        if result.type not in (INT, BOOL):
            raise b.error(stmt, f"a bytearray item takes an int, not {with_article(result.type)}")
        prim(b, prims.BYTEARRAY_SETITEM, [container, key, b.expr.coerce(result, INT, stmt)], stmt)
        return
    from . import stdlib_collections

    if stdlib_collections.augmented_item(b, stmt, container):  # c[w] += 1 ...
        return
    if isinstance(t, ListType):
        key = _index(b, target.slice, "list")
        current = prim(b, prims.LIST_GET, [container, key], target, t.item)
        result = b.expr.binary(stmt.op, current, b.expr.value(stmt.value), stmt, inplace=True)
        prim(b, prims.LIST_SET, [container, key, coerce_item(b, result, t.item, stmt, "this list")],
             stmt)
        return
    if isinstance(t, DictType):
        key = b.expr.value(target.slice)
        if has_unknown(t):
            increment = b.expr.value(stmt.value)
            learn_type(b, target.value, dict_like(t, key.type, increment.type), target)
        key = coerce_item(b, key, t.key, target.slice, "this dict")
        current = prim(b, prims.DICT_GETITEM, [container, key], target, t.value)
        result = b.expr.binary(stmt.op, current, b.expr.value(stmt.value), stmt, inplace=True)
        prim(b, prims.DICT_SETITEM, [container, key, coerce_item(b, result, t.value, stmt,
                                                                 "this dict")], stmt)
        return
    raise b.error(target, f"'{t}' object does not support item assignment")

