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
import builtins
import collections
import typing
from typing import TYPE_CHECKING, Any, List, Optional, Tuple

from ..backend.abi import boundary_descriptor
from ..ir import ops
from ..ir import primitives as prims
from ..ir import primitives_stdlib as sp
from ..ir.types import (ANY, BOOL, BYTES, FLOAT, INT, NONE, STR, UNKNOWN, ClassType, CounterType,
                        DefaultDictType, DequeType, DictType, FunctionRefType, ListType,
                        OrderedDictType, SetType, TupleType, Type, dict_like, has_unknown,
                        make_union, unify, with_article)

if TYPE_CHECKING:
    from .builder import FunctionBuilder

CLASSES = (collections.Counter, collections.OrderedDict, collections.defaultdict,
           collections.deque)

# libruntime collections.h PJX_FACTORY_*: the factories the runtime makes itself
_FACTORY_CODES = {None: 0, list: 1, int: 2, float: 3, str: 4, bytes: 5, bool: 6, set: 7, dict: 8,
                  tuple: 9, collections.Counter: 10, collections.OrderedDict: 11,
                  collections.deque: 12, collections.defaultdict: 13}
_COMPILED_FACTORY = 14


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
    target = node.value if isinstance(node, ast.Subscript) else node
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
    origin = _NAMES.get(name or "")
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
        return _new_deque(b, node)
    if cls is collections.Counter:
        return _new_counter(b, node)
    if cls is collections.OrderedDict:
        return _new_ordered(b, node)
    return _new_defaultdict(b, node)


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


def _new_defaultdict(b: "FunctionBuilder", node: ast.Call) -> ops.Value:
    from .calls import _dict

    _single_argument(b, node, "defaultdict()", most=2)
    keywords = _keywords_dict(b, node)
    factory = _factory(b, node.args[0] if node.args else None, node)
    t = DefaultDictType(UNKNOWN, factory.value_type, factory.static)
    expected = b.expected.get(id(node))
    parts = []
    if len(node.args) == 2:
        rest = ast.copy_location(ast.Call(func=node.func, args=node.args[1:], keywords=[]), node)
        parts.append(_dict(b, rest, dict))
    if keywords is not None:
        parts.append(b.expr.value(keywords))
    if parts:
        value = unify(t.value, parts[0].type.value) or parts[0].type.value
        t = DefaultDictType(parts[0].type.key, value, factory.static)
    if isinstance(expected, DefaultDictType) and unify(
            DefaultDictType(expected.key, expected.value, factory.static), t) is not None:
        t = DefaultDictType(expected.key, expected.value, factory.static)
    result = _prim(b, sp.DEFAULTDICT_NEW, [
        _kind(t.key), _kind(t.value), ops.Constant(INT, factory.code),
        ops.Constant(prims.CSTR, descriptor_of(t.value)), ops.Constant(prims.CSTR, factory.name),
        ops.Constant(prims.CSTR, factory.source)], node, t)
    for part in parts:
        if part.type.key != t.key or part.type.value != t.value:
            raise b.error(node, f"defaultdict(): {part.type} and {t} hold different items",
                          hint="pass one mapping whose items have the factory's type")
        _prim(b, prims.DICT_UPDATE, [result, part], node)
    return result


class Factory:
    """What defaultdict(factory) calls for a missing key."""

    def __init__(self, code: int, value_type: Type, name: str, source: Optional[str],
                 static: Any = None) -> None:
        self.code = code              # PJX_FACTORY_* (with an inner code << 8)
        self.value_type = value_type  # of what it makes (UNKNOWN: learned at first use)
        self.name = name              # its repr
        self.source = source          # how Python finds it ("module\\nqualname"), or None
        self.static = static          # compiled code calls it: a FunctionRefType / ClassType


def _builtin_value_type(cls: Any) -> Type:
    return {list: ListType(UNKNOWN), int: INT, float: FLOAT, str: STR, bytes: BYTES, bool: BOOL,
            set: SetType(UNKNOWN), dict: DictType(UNKNOWN, UNKNOWN), tuple: TupleType(()),
            collections.Counter: CounterType(UNKNOWN, INT),
            collections.OrderedDict: OrderedDictType(UNKNOWN, UNKNOWN),
            collections.deque: DequeType(UNKNOWN),
            collections.defaultdict: DefaultDictType(UNKNOWN, UNKNOWN)}[cls]


def _global_object(b: "FunctionBuilder", node: ast.expr) -> Any:
    """What a name or dotted name of the module refers to, or None (a local,
    anything else)."""
    from .calls import _is_module_path, resolve_attribute

    try:
        if isinstance(node, ast.Name) and node.id not in b.locals and \
                node.id not in b.lambda_bindings:
            return b.lookup_global(node.id, node)
        if isinstance(node, ast.Attribute) and _is_module_path(b, node.value):
            return resolve_attribute(b, node)
    except Exception:  # noqa: BLE001 - not a module-level name
        return None
    return None


def _builtin_factory(b: "FunctionBuilder", node: ast.expr) -> Optional[Any]:
    """The built-in class a factory expression names (list, int, Counter ...)."""
    target = _global_object(b, node)
    for cls in _FACTORY_CODES:
        if cls is not None and target is cls:
            return cls
    return None


def _lambda_builtin(b: "FunctionBuilder", fn: ast.Lambda) -> Optional[Tuple[int, Type]]:
    """`lambda: []`, `lambda: 0`, `lambda: set()`, `lambda: defaultdict(int)`:
    (code, value type) of the built-in factory it is the same as."""
    if fn.args.args or fn.args.posonlyargs or fn.args.kwonlyargs or fn.args.vararg or \
            fn.args.kwarg:
        return None
    body = fn.body
    if isinstance(body, ast.List) and not body.elts:
        return _FACTORY_CODES[list], _builtin_value_type(list)
    if isinstance(body, ast.Dict) and not body.keys:
        return _FACTORY_CODES[dict], _builtin_value_type(dict)
    if isinstance(body, ast.Constant) and type(body.value) in (int, float, str, bytes, bool) \
            and not body.value:
        cls = type(body.value)
        return _FACTORY_CODES[cls], _builtin_value_type(cls)
    if isinstance(body, ast.Call) and not body.keywords:
        cls = _builtin_factory(b, body.func)
        if cls is None:
            return None
        if not body.args:
            return _FACTORY_CODES[cls], _builtin_value_type(cls)
        if cls is collections.defaultdict and len(body.args) == 1:
            inner = _builtin_factory(b, body.args[0])
            if inner is not None and inner is not collections.defaultdict:
                return (_FACTORY_CODES[cls] | _FACTORY_CODES[inner] << 8,
                        DefaultDictType(UNKNOWN, _builtin_value_type(inner)))
            if isinstance(body.args[0], ast.Constant) and body.args[0].value is None:
                return _FACTORY_CODES[cls], _builtin_value_type(cls)
    return None


def _factory(b: "FunctionBuilder", node: Optional[ast.expr], call: ast.Call) -> Factory:
    from .classes import original_class

    module = b.pyfunc.__module__
    if node is None or (isinstance(node, ast.Constant) and node.value is None):
        return Factory(0, UNKNOWN, "None", None)
    cls = _builtin_factory(b, node)
    if cls is not None:
        return Factory(_FACTORY_CODES[cls], _builtin_value_type(cls), repr(cls), None)
    if isinstance(node, ast.Lambda):
        builtin = _lambda_builtin(b, node)
        value = b.expr.value(node)
        from .closures import named_function

        fn = named_function(value.type)
        source = None if fn.state() else f"{module}\n={ast.unparse(node)}"
        name = f"<function {fn.qualname}>"
        if builtin is not None:
            return Factory(builtin[0], builtin[1], name, source)
        return Factory(_COMPILED_FACTORY, UNKNOWN, name, source, value.type)
    target = _global_object(b, node)
    pyclass = original_class(target) if isinstance(target, type) else None
    if pyclass is not None:
        from .classes import info_for

        return Factory(_COMPILED_FACTORY, UNKNOWN,
                       f"<class '{pyclass.__module__}.{pyclass.__qualname__}'>",
                       f"{pyclass.__module__}\n{pyclass.__qualname__}", info_for(pyclass).type)
    value = b.expr.value(node)
    if isinstance(value.type, FunctionRefType):
        from .closures import LocalFunction, named_function

        fn = named_function(value.type)
        if isinstance(fn, LocalFunction):
            return Factory(_COMPILED_FACTORY, UNKNOWN, f"<function {fn.qualname}>", None,
                           value.type)
        source = None if "<" in fn.__qualname__ else f"{fn.__module__}\n{fn.__qualname__}"
        return Factory(_COMPILED_FACTORY, UNKNOWN, f"<function {fn.__qualname__}>", source,
                       value.type)
    raise b.error(node, f"defaultdict()'s first argument must be callable or None here, not "
                  f"{with_article(value.type)}",
                  hint="pass a class (list, int, set, a compiled class), a function or a lambda")


def _new_deque(b: "FunctionBuilder", node: ast.Call) -> ops.Value:
    from .containers import coerce_item, iterable_as_list
    from .loops import build_for

    if len(node.args) > 2 or any(isinstance(a, ast.Starred) for a in node.args):
        raise b.error(node, f"deque() takes at most 2 arguments ({len(node.args)} given)")
    args = list(node.args)
    for kw in node.keywords:
        if kw.arg not in ("iterable", "maxlen") or (kw.arg == "iterable" and args):
            raise b.error(kw, f"deque() got an unexpected keyword argument '{kw.arg}'")
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


def deque_view(b: "FunctionBuilder", value: ops.Value) -> ops.Value:
    """The deque as a list of its items, for what only reads them."""
    return b.emit(ops.OptionalOp("wrap", value, ListType(value.type.item)))


# ------------------------------------------------------------ items


def subscript(b: "FunctionBuilder", value: ops.Value, node: ast.Subscript) -> Optional[ops.Value]:
    """c[k], d[k] of a defaultdict, dq[i]; None for what a dict does the same."""
    t = value.type
    if isinstance(t, DequeType):
        if isinstance(node.slice, ast.Slice):
            return _raise(b, "TypeError", "sequence index must be integer, not 'slice'", node,
                          t.item)
        return _prim(b, sp.DEQUE_GET, [value, _deque_index(b, node.slice)], node, t.item)
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
    return _compiled_factory_get(b, d, probe, container_node, node)


def _compiled_factory_get(b: "FunctionBuilder", d: ops.Value, key: ops.Value,
                          container_node: ast.AST, node: ast.AST) -> ops.Value:
    """d[key] where compiled code calls the factory: the value, else a new
    one from the factory, stored (CPython's __missing__)."""
    t: DefaultDictType = d.type
    holder = f".dd{b.next_loop_id()}"
    found = _prim(b, prims.DICT_CONTAINS, [d, key], node, BOOL)
    hit, miss, after = b.new_block("dd_hit"), b.new_block("dd_miss"), b.new_block("dd_value")
    b.branch(found, hit, miss)
    b.seal(hit)
    b.seal(miss)
    b.start(miss)
    made = call_factory(b, t.factory, node)
    if has_unknown(t.value):
        from .containers import learn_type

        learned = dict_like(t, t.key, made.type)
        if not learn_through(b, container_node, learned, node):
            learn_type(b, container_node, learned, node)
    from .containers import coerce_item

    made = coerce_item(b, made, t.value, node, "this defaultdict")
    _prim(b, prims.DICT_SETITEM, [d, key, made], node)
    b.write_var(holder, made, node)
    b.goto(after)
    b.start(hit)
    b.write_var(holder, _prim(b, prims.DICT_GETITEM, [d, key], node, t.value), node)
    b.goto(after)
    b.seal(after)
    b.start(after)
    return b.read_var(holder, node)


def call_factory(b: "FunctionBuilder", factory: Any, node: ast.AST) -> ops.Value:
    """factory() for a defaultdict's compiled factory."""
    from . import classes
    from .closures import LocalFunction, call_value, named_function

    call = ast.copy_location(ast.Call(func=ast.Name(id=".factory", ctx=ast.Load()), args=[],
                                      keywords=[]), node)
    ast.copy_location(call.func, node)
    if isinstance(factory, ClassType):
        return classes.construct(b, call, classes.info_of_type(factory).pyclass)
    fn = named_function(factory)
    if isinstance(fn, LocalFunction) and fn.state() and not _defined_here(b, fn):
        raise b.error(node, f"this defaultdict's default_factory, {fn.describe()}, "
                      f"{fn.state()} and can be called only there",
                      hint="make the factory a module-level function (or a lambda that reads "
                           "no local)")
    return call_value(b, ops.Constant(factory, None), call)


def _defined_here(b: "FunctionBuilder", fn: Any) -> bool:
    return all(name in b.locals or name.startswith(".") for name in fn.free_names)


def _raise(b: "FunctionBuilder", kind: str, message: str, node: ast.AST, t: Type) -> ops.Value:
    b.terminate(ops.Raise(kind, message, b.lineno(node)))
    dead = b.new_block("unreachable")
    b.seal(dead)
    b.start(dead)
    return ops.Undefined(t)


def _deque_index(b: "FunctionBuilder", node: ast.expr) -> ops.Value:
    from . import anys

    index = b.expr.value(node)
    if index.type in (INT, BOOL):
        return b.expr.coerce(index, INT, node)
    if index.type == ANY:
        return anys.to_int(b, index, node)
    raise b.error(node, f"sequence index must be integer, not '{index.type}'")


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
    _prim(b, sp.DEQUE_SET, [container, _deque_index(b, target.slice),
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
        _prim(b, sp.DEQUE_DELITEM, [container, _deque_index(b, target.slice)], target)
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
        index = _deque_index(b, target.slice)
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
    method is the one (keys, get, pop ...)."""
    t = receiver.type
    if isinstance(t, DequeType):
        return _deque_method(b, receiver, name, node)
    if isinstance(t, CounterType):
        if name in ("update", "subtract"):
            return _counter_update(b, receiver, name, node)
        if name in ("most_common", "elements", "total"):
            return _bound_call(b, node, name, receiver)
        if name == "fromkeys":
            return _raise(b, "NotImplementedError", "Counter.fromkeys() is undefined.  Use "
                          "Counter(iterable) instead.", node, NONE)
    if isinstance(t, OrderedDictType) and name in ("move_to_end", "popitem"):
        return _ordered_method(b, receiver, name, node)
    return None


def _no_star(b: "FunctionBuilder", node: ast.Call) -> None:
    from .signatures import has_unpacking

    if has_unpacking(node):
        raise b.error(node, "*arguments and **mapping in calls of a Counter's, deque's or "
                      "OrderedDict's methods are not supported", hint="pass the arguments one by one")


def _counter_update(b: "FunctionBuilder", counter: ops.Value, name: str,
                    node: ast.Call) -> ops.Value:
    from .containers import iterable_as_list, learn_type

    _no_star(b, node)
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

    _no_star(b, node)
    t: DictType = d.type
    args = [b.expr.value(a) for a in node.args]
    keywords = {kw.arg: b.expr.value(kw.value) for kw in node.keywords}
    params = ("key", "last") if name == "move_to_end" else ("last",)
    for kw in keywords:
        if kw not in params or params.index(kw) < len(args):
            raise b.error(node, f"OrderedDict.{name}() got an unexpected keyword argument "
                          f"'{kw}'" if kw not in params else
                          f"argument for OrderedDict.{name}() given by name ('{kw}') and position")
    if len(args) > len(params) or (name == "move_to_end" and not args and "key" not in keywords):
        raise b.error(node, f"OrderedDict.{name}() takes {'1 to 2' if len(params) == 2 else '0 to 1'}"
                      f" arguments ({len(args)} given)")
    values = dict(zip(params, args))
    values.update(keywords)
    last = values.get("last", ops.Constant(BOOL, True))
    last = b.expr.coerce(b.expr.truthy(last, node), INT, node)
    if name == "popitem":
        return _prim(b, sp.ODICT_POPITEM, [d, last], node, TupleType((t.key, t.value)))
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


def _deque_method(b: "FunctionBuilder", dq: ops.Value, name: str, node: ast.Call) -> ops.Value:
    from .containers import _probe, as_list, coerce_item, iterable_as_list, learn_type

    _no_star(b, node)
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
        raise b.error(node, f"{name} expected at most {high} argument{'s' if high > 1 else ''}, "
                      f"got {n}")
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
            items = _as_items(b, right, lt, node)
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


def _as_items(b: "FunctionBuilder", value: ops.Value, t: DequeType, node: ast.AST) -> ops.Value:
    from .containers import as_list

    items = deque_view(b, value) if isinstance(value.type, DequeType) else as_list(b, value, node)
    if items.type.item != t.item:
        from .container_methods import _coerced_list

        items = _coerced_list(b, items, t.item, node, "+=")
    return items


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
