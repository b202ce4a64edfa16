"""collections.defaultdict's factory in compiled code (stdlib_collections.py
routes here).

The runtime makes what a built-in factory makes (list, int, set, Counter,
defaultdict(int) ...; `lambda: []` and `lambda: defaultdict(int)` are such
too), so that any code holding the dict -- an annotated parameter, an Any,
Python -- gets the same default.  Any other factory (a function, a lambda
computing something, a compiled class) is part of the defaultdict's type
(DefaultDictType.factory) and called where code holding it by that type
reads a missing key; the runtime keeps only its name and, for Python, how
to find it (a module-level function or class by name, a lambda that reads
no local by its source)."""
from __future__ import annotations

import ast
import collections
from typing import TYPE_CHECKING, Any, Optional, Tuple

from ..ir import ops
from ..ir import primitives as prims
from ..ir import primitives_stdlib as sp
from ..ir.types import (BOOL, BYTES, FLOAT, INT, STR, UNKNOWN, ClassType, CounterType,
                        DefaultDictType, DequeType, DictType, FunctionRefType, ListType,
                        OrderedDictType, SetType, TupleType, Type, dict_like, has_unknown, unify,
                        with_article)
from .stdlib_collections import (_keywords_dict, _kind, _prim, _single_argument, descriptor_of,
                                 learn_through)

if TYPE_CHECKING:
    from .builder import FunctionBuilder

# libruntime collections.h PJX_FACTORY_*: the factories the runtime makes itself
FACTORY_CODES = {None: 0, list: 1, int: 2, float: 3, str: 4, bytes: 5, bool: 6, set: 7, dict: 8,
                 tuple: 9, collections.Counter: 10, collections.OrderedDict: 11,
                 collections.deque: 12, collections.defaultdict: 13}
_COMPILED_FACTORY = 14


def new_defaultdict(b: "FunctionBuilder", node: ast.Call) -> ops.Value:
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
    for cls in FACTORY_CODES:
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
        return FACTORY_CODES[list], _builtin_value_type(list)
    if isinstance(body, ast.Dict) and not body.keys:
        return FACTORY_CODES[dict], _builtin_value_type(dict)
    if isinstance(body, ast.Constant) and type(body.value) in (int, float, str, bytes, bool) \
            and not body.value:
        cls = type(body.value)
        return FACTORY_CODES[cls], _builtin_value_type(cls)
    if isinstance(body, ast.Call) and not body.keywords:
        cls = _builtin_factory(b, body.func)
        if cls is None:
            return None
        if not body.args:
            return FACTORY_CODES[cls], _builtin_value_type(cls)
        if cls is collections.defaultdict and len(body.args) == 1:
            inner = _builtin_factory(b, body.args[0])
            if inner is not None and inner is not collections.defaultdict:
                return (FACTORY_CODES[cls] | FACTORY_CODES[inner] << 8,
                        DefaultDictType(UNKNOWN, _builtin_value_type(inner)))
            if isinstance(body.args[0], ast.Constant) and body.args[0].value is None:
                return FACTORY_CODES[cls], _builtin_value_type(cls)
    return None


def _factory(b: "FunctionBuilder", node: Optional[ast.expr], call: ast.Call) -> Factory:
    from .classes import original_class

    module = b.pyfunc.__module__
    if node is None or (isinstance(node, ast.Constant) and node.value is None):
        return Factory(0, UNKNOWN, "None", None)
    cls = _builtin_factory(b, node)
    if cls is not None:
        return Factory(FACTORY_CODES[cls], _builtin_value_type(cls), repr(cls), None)
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


def compiled_factory_get(b: "FunctionBuilder", d: ops.Value, key: ops.Value,
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


def factory_mismatch(value_type: Type, to: Type) -> Optional[Tuple[str, str]]:
    """(message, hint) where a defaultdict meets one of the same items but
    of another kind of factory (their types print alike), else None."""
    if not (isinstance(value_type, DefaultDictType) and isinstance(to, DefaultDictType)) or \
            (value_type.key, value_type.value) != (to.key, to.value) or \
            value_type.factory == to.factory:
        return None

    def words(factory: object) -> str:
        return "a built-in or None" if factory is None else "compiled code"

    message = (f"expected {with_article(to)} whose default_factory is {words(to.factory)}, got "
               f"one whose default_factory is {words(value_type.factory)}")
    if to.factory is None:
        return message, ("a declared defaultdict keeps a built-in factory (int, list ...) or "
                         "None: leave the variable unannotated, and its type comes from the "
                         "defaultdict(...) call")
    return message, "give each defaultdict this variable holds the same factory"
