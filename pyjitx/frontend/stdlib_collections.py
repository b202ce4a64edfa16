"""collections.Counter, OrderedDict, defaultdict and deque in compiled code.

The three dict subclasses are dicts (ir.types.CounterType ... subclass
DictType), so every dict operation compiles for them as for a dict; this
module adds what each changes: construction, a missing key (a Counter's 0,
a defaultdict's factory), their own methods and operators, == and the
comparisons.  Counter's methods are CPython's own code in the subset
(pyjitx/stdlib/collections_impl.py), compiled along for the Counter's
types; the hot paths (`c[w] += 1`, Counter(words), c.update(words)) are one
runtime call each (libruntime collections.h).

A deque is a runtime list of its own type whose items may start inside
its buffer (both ends O(1)); reads (iteration, len, in, count, ==, sorted,
list(...)) see it as a list of its items, writes are the deque's own
operations with its maxlen.

A defaultdict's factory: the runtime makes what a built-in makes (list,
int, set, Counter, defaultdict(int) ...: `lambda: []` and `lambda:
defaultdict(int)` are such too), so that any code holding the dict -- an
annotated parameter, an Any, Python -- gets the same default.  Any other
factory (a function, a lambda computing something, a compiled class) is
part of the defaultdict's type and called where the code holding it by
that type reads a missing key."""
from __future__ import annotations

import ast
import collections
import typing
from typing import TYPE_CHECKING, Any, List, Optional, Tuple

from ..backend.abi import boundary_descriptor
from ..ir import ops
from ..ir import primitives as prims
from ..ir import primitives_stdlib as sp
from ..ir.types import (ANY, BOOL, BYTES, FLOAT, INT, NONE, STR, UNKNOWN, CounterType,
                        DefaultDictType, DequeType, DictType, ListType,
                        OrderedDictType, SetType, TupleType, Type, dict_like, has_unknown,
                        make_union, unify, with_article)

if TYPE_CHECKING:
    from .builder import FunctionBuilder

CLASSES = (collections.Counter, collections.OrderedDict, collections.defaultdict,
           collections.deque)



def is_collection_class(obj: Any) -> bool:
    return any(obj is c for c in CLASSES)


def flavoured(t: Type) -> bool:
    """A dict subclass of collections, or a deque?"""
    return isinstance(t, (CounterType, OrderedDictType, DefaultDictType, DequeType))


# ------------------------------------------------------------- annotations

_NAMES = {"Counter": collections.Counter, "OrderedDict": collections.OrderedDict,
          "DefaultDict": collections.defaultdict, "defaultdict": collections.defaultdict,
          "Deque": collections.deque, "deque": collections.deque}


def _make(origin: Any, items: List[Optional[Type]]) -> Optional[Type]:
    if any(t is None for t in items):
        return None
    if origin is collections.deque:
        return DequeType(items[0] if items else ANY) if len(items) <= 1 else None
    if origin is collections.Counter:
        if len(items) > 1:
            return None
        return CounterType(items[0] if items else ANY, INT)
    if len(items) not in (0, 2):
        return None
    key, value = items if items else (ANY, ANY)
    if origin is collections.OrderedDict:
        return OrderedDictType(key, value)
    return DefaultDictType(key, value)


def annotation_type(annotation: Any, scope: Optional[dict]) -> Optional[Type]:
    """Counter, Counter[str], typing.Counter[str], DefaultDict[str, List[int]],
    OrderedDict[str, int], Deque[int], collections.deque[int] ... (evaluated)."""
    from .annotations import type_from_annotation

    if is_collection_class(annotation):
        return _make(annotation, [])
    origin = typing.get_origin(annotation)
    if not is_collection_class(origin):
        return None
    return _make(origin, [type_from_annotation(a, scope) for a in typing.get_args(annotation)])


def annotation_node(node: ast.expr, scope: Optional[dict], of_node) -> Optional[Type]:
    """The string forms: "Counter[str]", "collections.deque[int]", "Deque"."""
    from .annotations import _scope_value

    target = node.value if isinstance(node, ast.Subscript) else node
    if not isinstance(target, (ast.Name, ast.Attribute)):
        return None
    found = _scope_value(target, scope)  # (an alias: `from typing import Counter as C`)
    origin = found if is_collection_class(found) else typing.get_origin(found)
    if not is_collection_class(origin):
        name = target.attr if isinstance(target, ast.Attribute) else target.id
        origin = _NAMES.get(name) if found is None else None
    if origin is None:
        return None
    if not isinstance(node, ast.Subscript):
        return _make(origin, [])
    elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    return _make(origin, [of_node(e, scope) for e in elts])


# ------------------------------------------------------------ helpers


def _prim(b: "FunctionBuilder", p: prims.Primitive, args, node: ast.AST,
          result: Optional[Type] = None) -> ops.Value:
    from .containers import prim

    return prim(b, p, args, node, result)


def _kind(t: Type) -> ops.Constant:
    from .containers import kind

    return kind(t)


def _impl(name: str) -> Any:
    from ..stdlib import collections_impl

    return getattr(collections_impl, name)


def _deque():
    from . import stdlib_deque

    return stdlib_deque


def _defaultdict():
    from . import stdlib_defaultdict

    return stdlib_defaultdict


def deque_view(b: "FunctionBuilder", value: ops.Value) -> ops.Value:
    """The deque as a list of its items, for what only reads them."""
    return b.emit(ops.OptionalOp("wrap", value, ListType(value.type.item)))


def call_impl(b: "FunctionBuilder", node: ast.AST, name: str, values: List[ops.Value]) -> ops.Value:
    """collections_impl.<name>(*values), compiled along for their types."""
    from .calls import call_compiled

    return call_compiled(b, node, _impl(name), values)


def _bound_call(b: "FunctionBuilder", node: ast.Call, name: str, receiver: ops.Value) -> ops.Value:
    """receiver.method(args) through collections_impl.<name>, bound as
    CPython binds the method (its messages name Counter.<method>)."""
    from .expressions import constant_value
    from .signatures import Spec, bind, flatten

    impl = _impl(name)
    spec = Spec.of_function(impl)
    flat = flatten(b, node, spec.shown())
    flat.positional.insert(0, (receiver, node))
    values = bind(b, spec, flat, node, lambda p: constant_value(p.default))
    return call_impl(b, node, name, [values[p.name] for p in spec.params])


def descriptor_of(t: Type) -> str:
    """The boundary descriptor a runtime factory records for its values
    ("a" while the type is still being learned)."""
    try:
        return boundary_descriptor(t)
    except Exception:  # noqa: BLE001 - an unknown item type: retyped later (retype)
        return "a"


def learn_through(b: "FunctionBuilder", receiver_node: ast.AST, learned: Type,
                  node: ast.AST) -> bool:
    """`d[k].append(x)`, `d[k][j] = v`, `d[k] += 1` on a dict whose values'
    type is still unknown (`d = defaultdict(list)`): the dict's type becomes
    the one holding `learned` (raises Retry).  False where the receiver is
    not such an item."""
    from .containers import learn_type

    if not isinstance(receiver_node, ast.Subscript) or isinstance(receiver_node.slice, ast.Slice):
        return False
    outer = b.expr.value(receiver_node.value)
    if not isinstance(outer.type, DictType) or not has_unknown(outer.type.value):
        return False
    key = outer.type.key
    if key == UNKNOWN:
        key = b.expr.value(receiver_node.slice).type
    learn_type(b, receiver_node.value, dict_like(outer.type, key, learned), node)
    return True


def _learn_key(b: "FunctionBuilder", container_node: ast.AST, t: DictType, key: ops.Value,
               node: ast.AST) -> None:
    from .containers import learn_type

    if t.key == UNKNOWN:
        if learn_through(b, container_node, dict_like(t, key.type, t.value), node):
            return
        learn_type(b, container_node, dict_like(t, key.type, t.value), node)


# ------------------------------------------------------------ construction


def construct(b: "FunctionBuilder", node: ast.Call, cls: Any) -> ops.Value:
    if cls is collections.deque:
        from .stdlib_deque import new_deque

        return new_deque(b, node)
    if cls is collections.Counter:
        return _new_counter(b, node)
    if cls is collections.OrderedDict:
        return _new_ordered(b, node)
    from .stdlib_defaultdict import new_defaultdict

    return new_defaultdict(b, node)


def _keywords_dict(b: "FunctionBuilder", node: ast.Call) -> Optional[ast.Dict]:
    """Counter(a=1, b=2): the keywords as a dict display (of str keys)."""
    if not node.keywords:
        return None
    for kw in node.keywords:
        if kw.arg is None:
            raise b.error(kw, "**mapping in a Counter(), OrderedDict() or defaultdict() call is "
                          "not supported", hint="pass the mapping itself as the argument")
    display = ast.Dict(keys=[ast.Constant(kw.arg) for kw in node.keywords],
                       values=[kw.value for kw in node.keywords])
    for k, kw in zip(display.keys, node.keywords):
        ast.copy_location(k, kw)
    return ast.copy_location(display, node)


def _single_argument(b: "FunctionBuilder", node: ast.Call, what: str, most: int = 1) -> None:
    if len(node.args) > most:
        raise b.error(node, f"{what} expected at most {most} argument"
                      f"{'s' if most != 1 else ''}, got {len(node.args)}")
    if any(isinstance(a, ast.Starred) for a in node.args):
        raise b.error(node, f"*arguments in a {what} call are not supported",
                      hint="pass the iterable itself")


def _new_counter(b: "FunctionBuilder", node: ast.Call) -> ops.Value:
    from .containers import iterable_as_list

    _single_argument(b, node, "Counter()")
    keywords = _keywords_dict(b, node)
    expected = b.expected.get(id(node))
    t: DictType = expected if isinstance(expected, CounterType) else CounterType(UNKNOWN, INT)
    source = None
    if node.args:
        arg = node.args[0]
        if isinstance(arg, (ast.Dict, ast.DictComp)) or _is_mapping_node(b, arg):
            source = b.expr.value(arg)
        else:
            source = iterable_as_list(b, arg)
        if isinstance(source.type, DictType):
            if t.key == UNKNOWN:
                t = CounterType(source.type.key, source.type.value)
        elif t.key == UNKNOWN:
            t = CounterType(source.type.item, INT)
    if keywords is not None and t.key == UNKNOWN:
        t = CounterType(STR, INT)
    counter = _prim(b, sp.COUNTER_NEW, [_kind(t.key), _kind(t.value)], node, t)
    if source is not None:
        _counter_add_all(b, counter, source, node, 1)
    if keywords is not None:
        _counter_add_all(b, counter, b.expr.value(keywords), node, 1)
    return counter


def _is_mapping_node(b: "FunctionBuilder", arg: ast.expr) -> bool:
    """Is the argument a dict (a name or an attribute read, evaluated twice
    harmlessly)?  Other expressions are taken as iterables."""
    from .generators import called_generator

    if called_generator(b, arg) is not None or isinstance(arg, ast.GeneratorExp):
        return False
    if not isinstance(arg, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)):
        return False
    return isinstance(b.expr.value(arg).type, DictType) if not isinstance(arg, ast.Call) else \
        _call_gives_dict(b, arg)


def _call_gives_dict(b: "FunctionBuilder", arg: ast.Call) -> bool:
    # a call is evaluated once: only calls whose result type is known
    # without running them count (Counter(...), dict(...), OrderedDict(...))
    func = arg.func
    if isinstance(func, ast.Name) and func.id not in b.locals:
        try:
            target = b.lookup_global(func.id, func)
        except Exception:  # noqa: BLE001
            return False
        return target is dict or any(target is c for c in CLASSES[:3])
    return False


def _counter_add_all(b: "FunctionBuilder", counter: ops.Value, source: ops.Value,
                     node: ast.AST, sign: int) -> None:
    """counter.update(source) (sign 1) / .subtract(source) (-1): a mapping's
    counts, or one per item of a list."""
    t: DictType = counter.type
    if isinstance(source.type, DictType):
        name = "update_mapping" if sign > 0 else "subtract_mapping"
        call_impl(b, node, name, [counter, source])
        return
    from .containers import as_list

    items = as_list(b, source, node)
    if items.type.item == t.key and t.value in (INT, FLOAT):
        _prim(b, sp.COUNTER_UPDATE_LIST, [counter, items, ops.Constant(INT, sign)], node)
        return
    call_impl(b, node, "update_iterable" if sign > 0 else "subtract_iterable", [counter, items])


def _new_ordered(b: "FunctionBuilder", node: ast.Call) -> ops.Value:
    from .calls import _dict

    _single_argument(b, node, "OrderedDict()")
    keywords = _keywords_dict(b, node)
    plain_call = ast.copy_location(ast.Call(func=node.func, args=node.args, keywords=[]), node)
    expected = b.expected.get(id(node))
    if not node.args and keywords is None:
        t = expected if isinstance(expected, OrderedDictType) else OrderedDictType(UNKNOWN, UNKNOWN)
        return _prim(b, sp.ODICT_NEW, [_kind(t.key), _kind(t.value)], node, t)
    parts = []
    if node.args:
        parts.append(_dict(b, plain_call, dict))
    if keywords is not None:
        parts.append(b.expr.value(keywords))
    t = OrderedDictType(parts[0].type.key, parts[0].type.value)
    if isinstance(expected, OrderedDictType) and unify(expected, t) == expected:
        t = expected
    result = _prim(b, sp.ODICT_NEW, [_kind(t.key), _kind(t.value)], node, t)
    for part in parts:
        if part.type.key != t.key or part.type.value != t.value:
            raise b.error(node, f"OrderedDict(): {part.type} and {t} hold different items",
                          hint="pass one mapping (or iterable of pairs) whose items share types")
        _prim(b, prims.DICT_UPDATE, [result, part], node)
    return result


def fresh_primitives() -> Tuple[prims.Primitive, ...]:
    """The constructors whose result an assignment may retype (containers.fresh_container)."""
    return (sp.COUNTER_NEW, sp.ODICT_NEW, sp.DEFAULTDICT_NEW, sp.DEQUE_NEW)


def retype(value: ops.PrimitiveCall, to: Type) -> bool:
    """containers.retype_fresh for these constructors; False for others."""
    p = value.primitive
    if p is sp.DEQUE_NEW and isinstance(to, DequeType):
        value.operands[0] = _kind(to.item)
    elif p in (sp.COUNTER_NEW, sp.ODICT_NEW, sp.DEFAULTDICT_NEW) and isinstance(to, DictType):
        value.operands[0:2] = [_kind(to.key), _kind(to.value)]
        if p is sp.DEFAULTDICT_NEW:
            value.operands[3] = ops.Constant(prims.CSTR, descriptor_of(to.value))
    else:
        return False
    value.type = to
    return True


def compatible(value_type: Type, to: Type) -> bool:
    """May a value of value_type be held as `to` without conversion (a
    defaultdict whose factory the runtime makes, as one from an
    annotation; any of them as a plain Dict of the same items)?"""
    if not isinstance(value_type, DictType) or not isinstance(to, DictType):
        return False
    if (value_type.key, value_type.value) != (to.key, to.value):
        return False
    if type(to) is DictType:
        return True
    # (a defaultdict whose factory the runtime makes: whatever the code
    # that made it knew of it)
    return type(to) is type(value_type) and isinstance(to, DefaultDictType) and \
        to.factory is None and value_type.factory is None


def python_class(t: Type) -> Optional[type]:
    """The collections class of a value of type t, or None."""
    for kind, cls in ((CounterType, collections.Counter), (OrderedDictType, collections.OrderedDict),
                      (DefaultDictType, collections.defaultdict), (DequeType, collections.deque)):
        if isinstance(t, kind):
            return cls
    return None


def isinstance_constant(cls: Any, t: Type) -> Optional[bool]:
    """isinstance(x, cls) for a collections class and a static type, or None
    where cls is none of them."""
    if not is_collection_class(cls):
        return None
    own = python_class(t)
    return own is not None and issubclass(own, cls)


# ------------------------------------------------------------ items


def subscript(b: "FunctionBuilder", value: ops.Value, node: ast.Subscript) -> Optional[ops.Value]:
    """c[k], d[k] of a defaultdict, dq[i]; None for what a dict does the same."""
    t = value.type
    if isinstance(t, DequeType):
        if isinstance(node.slice, ast.Slice):
            return _raise(b, "TypeError", "sequence index must be integer, not 'slice'", node,
                          t.item)
        return _prim(b, sp.DEQUE_GET, [value, _deque().deque_index(b, node.slice)], node, t.item)
    if not isinstance(t, (CounterType, DefaultDictType)) or isinstance(node.slice, ast.Slice):
        return None
    key = b.expr.value(node.slice)
    _learn_key(b, node.value, t, key, node)
    return missing_aware_get(b, value, key, node.value, node)


def missing_aware_get(b: "FunctionBuilder", d: ops.Value, key: ops.Value, container_node: ast.AST,
                      node: ast.AST) -> ops.Value:
    """d[key] of a Counter (0 when missing) or a defaultdict (its factory's
    value, stored)."""
    from .containers import _probe

    t = d.type
    probe = _probe(b, key, t.key, node, shown=True)
    if probe is None:  # (a key of another type: through the Any path, which knows both)
        from . import anys

        found = anys.getitem(b, anys.box(b, d, node), key, node)
        return anys.unbox(b, found, t.value, node)
    if isinstance(t, CounterType):
        return _prim(b, sp.COUNTER_GET, [d, probe], node, t.value)
    if t.factory is None:  # (a value type still unknown is learned by its use: d[k].append(x))
        return _prim(b, sp.DEFAULTDICT_GETITEM, [d, probe], node, t.value)
    return _defaultdict().compiled_factory_get(b, d, probe, container_node, node)


def _raise(b: "FunctionBuilder", kind: str, message: str, node: ast.AST, t: Type) -> ops.Value:
    b.terminate(ops.Raise(kind, message, b.lineno(node)))
    dead = b.new_block("unreachable")
    b.seal(dead)
    b.start(dead)
    return ops.Undefined(t)


def store_subscript(b: "FunctionBuilder", container: ops.Value, target: ast.Subscript,
                    value: ops.Value) -> bool:
    """dq[i] = v; False where the dict path does it."""
    from .containers import coerce_item, learn_type

    t = container.type
    if not isinstance(t, DequeType):
        return False
    if isinstance(target.slice, ast.Slice):
        _raise(b, "TypeError", "sequence index must be integer, not 'slice'", target, NONE)
        return True
    if t.item == UNKNOWN:
        learn_type(b, target.value, DequeType(value.type), target)
    _prim(b, sp.DEQUE_SET, [container, _deque().deque_index(b, target.slice),
                            coerce_item(b, value, t.item, target, "this deque")], target)
    return True


def delete_subscript(b: "FunctionBuilder", container: ops.Value, target: ast.Subscript) -> bool:
    """del dq[i], del c[k] (no KeyError); False where the dict path does it."""
    from .containers import _probe

    t = container.type
    if isinstance(t, DequeType):
        if isinstance(target.slice, ast.Slice):
            _raise(b, "TypeError", "sequence index must be integer, not 'slice'", target, NONE)
            return True
        _prim(b, sp.DEQUE_DELITEM, [container, _deque().deque_index(b, target.slice)], target)
        return True
    if isinstance(t, CounterType) and not isinstance(target.slice, ast.Slice):
        key = b.expr.value(target.slice)
        probe = _probe(b, key, t.key, target.slice, shown=True)
        if probe is None:
            return False
        _prim(b, sp.COUNTER_DELITEM, [container, probe], target)
        return True
    return False


def augmented_item(b: "FunctionBuilder", stmt: ast.AugAssign, container: ops.Value) -> bool:
    """c[k] += n (one runtime call for int counts), d[k] op= v of a
    defaultdict (the factory's value first), dq[i] op= v."""
    from .containers import coerce_item

    target = stmt.target
    t = container.type
    if isinstance(t, DequeType):
        index = _deque().deque_index(b, target.slice)
        current = _prim(b, sp.DEQUE_GET, [container, index], target, t.item)
        result = b.expr.binary(stmt.op, current, b.expr.value(stmt.value), stmt, inplace=True)
        _prim(b, sp.DEQUE_SET, [container, index, coerce_item(b, result, t.item, stmt,
                                                               "this deque")], stmt)
        return True
    if not isinstance(t, (CounterType, DefaultDictType)):
        return False
    key = b.expr.value(target.slice)
    _learn_key(b, target.value, t, key, target)
    if isinstance(t, DefaultDictType) and has_unknown(t.value):
        increment = b.expr.value(stmt.value)
        learned = dict_like(t, t.key, increment.type)
        if not learn_through(b, target.value, learned, target):
            from .containers import learn_type

            learn_type(b, target.value, learned, target)
    key = coerce_item(b, key, t.key, target.slice, "this dict")
    if isinstance(t, CounterType) and t.value in (INT, FLOAT) and \
            isinstance(stmt.op, (ast.Add, ast.Sub)):
        amount = b.expr.value(stmt.value)
        if amount.type in (INT, BOOL):
            amount = b.expr.coerce(amount, INT, stmt)
            if isinstance(stmt.op, ast.Sub):
                amount = b.emit(ops.IntArith("sub", ops.Constant(INT, 0), amount))
            _prim(b, sp.COUNTER_ADD, [container, key, amount], stmt)
            return True
        current = missing_aware_get(b, container, key, target.value, target)
        result = b.expr.binary(stmt.op, current, amount, stmt, inplace=True)
    else:
        current = missing_aware_get(b, container, key, target.value, target)
        result = b.expr.binary(stmt.op, current, b.expr.value(stmt.value), stmt, inplace=True)
    if result.type != t.value and unify(result.type, t.value) != t.value:
        from .containers import learn_type

        learn_type(b, target.value, dict_like(t, t.key, unify(result.type, t.value) or
                                              result.type), stmt)
    _prim(b, prims.DICT_SETITEM, [container, key, coerce_item(b, result, t.value, stmt,
                                                              "this dict")], stmt)
    return True


# ------------------------------------------------------------ methods


def method_call(b: "FunctionBuilder", receiver: ops.Value, name: str,
                node: ast.Call) -> Optional[ops.Value]:
    """receiver.name(...) for the collections types; None where the dict
    method is the one (keys, get, pop ...).  The call comes through
    calls._method_call's StaticCall: its `*t`/`**{...}` are already
    unpacked, and other unpacking refused, so node holds plain arguments."""
    t = receiver.type
    if isinstance(t, DequeType):
        return _deque().deque_method(b, receiver, name, node)
    if isinstance(t, CounterType):
        if name in ("update", "subtract"):
            return _counter_update(b, receiver, name, node)
        if name in ("most_common", "elements", "total"):
            return _bound_call(b, node, name, receiver)
        if name == "fromkeys":
            return _raise(b, "NotImplementedError", "Counter.fromkeys() is undefined.  Use "
                          "Counter(iterable) instead.", node, ANY)
    if isinstance(t, OrderedDictType) and name in ("move_to_end", "popitem"):
        return _ordered_method(b, receiver, name, node)
    return None


def _counter_update(b: "FunctionBuilder", counter: ops.Value, name: str,
                    node: ast.Call) -> ops.Value:
    from .containers import iterable_as_list, learn_type

    if len(node.args) > 1:
        raise b.error(node, f"Counter.{name}() takes from 1 to 2 positional arguments but "
                      f"{len(node.args) + 1} were given")
    t: DictType = counter.type
    receiver_node = node.func.value  # type: ignore[attr-defined]
    sources = []
    if node.args and not (isinstance(node.args[0], ast.Constant) and node.args[0].value is None):
        arg = node.args[0]
        mapping = isinstance(arg, (ast.Dict, ast.DictComp)) or _is_mapping_node(b, arg)
        sources.append(b.expr.value(arg) if mapping else iterable_as_list(b, arg))
    keywords = _keywords_dict(b, node)
    if keywords is not None:
        sources.append(b.expr.value(keywords))
    for source in sources:
        key = source.type.key if isinstance(source.type, DictType) else source.type.item
        if t.key == UNKNOWN:
            value = source.type.value if isinstance(source.type, DictType) else INT
            learned = dict_like(t, key, unify(t.value, value) or t.value)
            if not learn_through(b, receiver_node, learned, node):
                learn_type(b, receiver_node, learned, node)
        _counter_add_all(b, counter, source, node, 1 if name == "update" else -1)
    return ops.Constant(NONE, None)


def _ordered_method(b: "FunctionBuilder", d: ops.Value, name: str, node: ast.Call) -> ops.Value:
    from .containers import _probe

    t: DictType = d.type
    args = [b.expr.value(a) for a in node.args]
    keywords = {kw.arg: b.expr.value(kw.value) for kw in node.keywords}
    params = ("key", "last") if name == "move_to_end" else ("last",)
    for kw in keywords:
        if kw not in params or params.index(kw) < len(args):
            raise b.error(node, f"'{kw}' is an invalid keyword argument for {name}()"
                          if kw not in params else
                          f"argument for OrderedDict.{name}() given by name ('{kw}') and position")
    if name == "move_to_end" and not args and "key" not in keywords:
        raise b.error(node, "move_to_end() missing required argument 'key' (pos 1)")
    if len(args) > len(params):
        raise b.error(node, f"{name}() takes at most {len(params)} argument"
                      f"{'s' if len(params) > 1 else ''} ({len(args)} given)")
    values = dict(zip(params, args))
    values.update(keywords)
    last = values.get("last", ops.Constant(BOOL, True))
    last = b.expr.coerce(b.expr.truthy(last, node), INT, node)
    if name == "popitem":
        return _prim(b, sp.ODICT_POPITEM, [d, last], node, TupleType((t.key, t.value)))
    _learn_key(b, node.func.value, t, values["key"], node)  # type: ignore[attr-defined]
    probe = _probe(b, values["key"], t.key, node, shown=True)
    if probe is None:
        return _raise(b, "KeyError", _key_repr(values["key"]), node, NONE) \
            if isinstance(values["key"], ops.Constant) else _move_across(b, d, values["key"], node)
    _prim(b, sp.ODICT_MOVE_TO_END, [d, probe, last], node)
    return ops.Constant(NONE, None)


def _key_repr(value: ops.Constant) -> str:
    return repr(value.value)


def _move_across(b: "FunctionBuilder", d: ops.Value, key: ops.Value, node: ast.AST) -> ops.Value:
    raise b.error(node, f"move_to_end() of {with_article(key.type)} in {d.type}: the key "
                  "must have the keys' type", hint="convert the key first")


def attribute(b: "FunctionBuilder", value: ops.Value, node: ast.Attribute) -> Optional[ops.Value]:
    """dq.maxlen; None for other names."""
    if isinstance(value.type, DequeType) and node.attr == "maxlen":
        return _prim(b, sp.DEQUE_MAXLEN, [value], node, make_union(INT, NONE))
    if isinstance(value.type, DefaultDictType) and node.attr == "default_factory":
        raise b.error(node, "a defaultdict's default_factory is not a value compiled code "
                      "reads", hint="keep the factory in a variable of its own")
    return None


# ------------------------------------------------------------ operators


def binary(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value,
           node: ast.AST) -> Optional[ops.Value]:
    """Counter + - | &, deque + *, OrderedDict/defaultdict |; in place too."""
    lt, rt = left.type, right.type
    inplace = isinstance(node, ast.AugAssign)
    if isinstance(lt, CounterType) and isinstance(rt, CounterType) and \
            op in ("add", "sub", "or", "and"):
        if lt.key != rt.key and UNKNOWN not in (lt.key, rt.key):
            raise b.error(node, f"{lt} and {rt} count different keys",
                          hint="count keys of one type")
        names = {"add": "add", "sub": "sub", "or": "or_", "and": "and_"}
        name = ("i" + names[op].rstrip("_")) if inplace else names[op]
        return call_impl(b, node, name, [left, right])
    if isinstance(lt, DequeType):
        if op == "add" and inplace:
            items = _deque().as_items(b, right, lt, node)
            _prim(b, sp.DEQUE_EXTEND, [left, items], node)
            return left
        if op == "add" and rt == lt:
            return _prim(b, sp.DEQUE_CONCAT, [left, right], node, lt)
        if op == "add":
            return _raise(b, "TypeError", f'can only concatenate deque (not "{_type_name(rt)}") '
                          "to deque", node, lt)
        if op == "mul" and rt in (INT, BOOL):
            count = b.expr.coerce(right, INT, node)
            if inplace:
                _prim(b, sp.DEQUE_INPLACE_REPEAT, [left, count], node)
                return left
            return _prim(b, sp.DEQUE_REPEAT, [left, count], node, lt)
    if isinstance(rt, DequeType) and op == "mul" and lt in (INT, BOOL):
        return _prim(b, sp.DEQUE_REPEAT, [right, b.expr.coerce(left, INT, node)], node, rt)
    if op == "or" and isinstance(lt, (OrderedDictType, DefaultDictType)) and \
            isinstance(rt, DictType) and (lt.key, lt.value) == (rt.key, rt.value):
        if inplace:
            _prim(b, prims.DICT_IOR, [left, right], node)
            return left
        return _prim(b, prims.DICT_OR, [left, right], node, lt)
    return None


def _type_name(t: Type) -> str:
    cls = python_class(t)
    if cls is not None:
        return cls.__name__
    for kind, name in ((ListType, "list"), (DictType, "dict"), (SetType, "set")):
        if isinstance(t, kind):
            return name
    return {INT: "int", FLOAT: "float", STR: "str", BOOL: "bool", BYTES: "bytes"}.get(t, str(t))


def unary(b: "FunctionBuilder", op_node: ast.unaryop, value: ops.Value,
          node: ast.AST) -> Optional[ops.Value]:
    """+c and -c of a Counter."""
    if isinstance(value.type, CounterType) and isinstance(op_node, (ast.UAdd, ast.USub)):
        return call_impl(b, node, "pos" if isinstance(op_node, ast.UAdd) else "neg", [value])
    return None


def compare(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value,
            node: ast.AST) -> Optional[ops.Value]:
    """== between dicts of any flavours (the runtime knows a Counter's and
    two OrderedDicts' own ==), a Counter's inclusion order (<= ...), and
    deques."""
    lt, rt = left.type, right.type
    if isinstance(lt, DictType) and isinstance(rt, DictType) and (flavoured(lt) or flavoured(rt)):
        if op in ("eq", "ne"):
            equal = _prim(b, prims.DICT_EQ, [left, right], node)
            return b.emit(ops.Compare("ne" if op == "eq" else "eq", equal, ops.Constant(INT, 0)))
        if isinstance(lt, CounterType) and isinstance(rt, CounterType):
            return call_impl(b, node, op, [left, right])
        return None
    if isinstance(lt, DequeType) or isinstance(rt, DequeType):
        if type(lt) is not type(rt):
            if op in ("eq", "ne"):
                return ops.Constant(BOOL, op == "ne")
            return None
        from .containers import compare as list_compare

        return list_compare(b, op, deque_view(b, left), deque_view(b, right), node)
    return None


# ------------------------------------------------------------ module constants


def captured_dict_type(b: "FunctionBuilder", value: dict, key: Type, item: Type,
                       node: ast.AST, name: str) -> DictType:
    """The type of a module-level dict, of its flavour."""
    if isinstance(value, collections.Counter):
        return CounterType(key, item)
    if isinstance(value, collections.OrderedDict):
        return OrderedDictType(key, item)
    if isinstance(value, collections.defaultdict):
        if not any(value.default_factory is cls for cls in _defaultdict().FACTORY_CODES):
            raise b.error(node, f"'{name}' is a defaultdict whose default_factory "
                          f"({value.default_factory!r}) compiled code cannot call",
                          hint="module-level defaultdicts compiled code reads use a built-in "
                               "factory (list, int, set, dict, str, Counter ...) or None")
        return DefaultDictType(key, item)
    return DictType(key, item)


def captured_source(scope: dict, value: Any, items: str) -> str:
    """Source that builds a module-level Counter, OrderedDict, defaultdict
    or deque from the display `items` of its items."""
    for cls in CLASSES:
        scope[f"__pjx_{cls.__name__}"] = cls
    if isinstance(value, collections.deque):
        return f"__pjx_deque({items}, {value.maxlen!r})"
    if isinstance(value, collections.defaultdict):
        factory = value.default_factory
        shown = "None" if factory is None else (
            f"__pjx_{factory.__name__}" if is_collection_class(factory) else factory.__name__)
        return f"__pjx_defaultdict({shown}, {items})"
    return f"__pjx_{type(value).__name__}({items})"


def class_method(b: "FunctionBuilder", node: ast.Call, cls: Any, name: str) -> ops.Value:
    """Counter.fromkeys (CPython's NotImplementedError), OrderedDict.fromkeys."""
    if cls is collections.Counter and name == "fromkeys":
        return _raise(b, "NotImplementedError", "Counter.fromkeys() is undefined.  Use "
                      "Counter(iterable) instead.", node, ANY)
    if cls is collections.OrderedDict and name == "fromkeys" and not node.keywords and \
            1 <= len(node.args) <= 2:
        from .containers import iterable_as_list
        from .loops import build_for

        keys = iterable_as_list(b, node.args[0])
        value = b.expr.value(node.args[1]) if len(node.args) == 2 else ops.Constant(NONE, None)
        t = OrderedDictType(keys.type.item, value.type)
        result = _prim(b, sp.ODICT_NEW, [_kind(t.key), _kind(t.value)], node, t)
        build_for(b, None, node, lambda: _prim(b, prims.DICT_SETITEM,
                                               [result, b.loop_item, value], node),
                  [], node, iterable=keys)
        return result
    raise b.error(node, f"{cls.__name__}.{name}() is not supported in compiled code",
                  hint=f"construct it: {cls.__name__}(...)")
