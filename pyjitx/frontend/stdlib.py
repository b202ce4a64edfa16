"""Standard-library modules in compiled code whose functions are written in
the compiled subset (pyjitx/stdlib_*.py) or are runtime primitives.

random: `random.X(...)` (the bound methods of random's hidden instance)
compiles as `stdlib_random._X(<the module-level state>, ...)`, a method
call `r.X(...)` on a random.Random(...) made in compiled code as
`_X(r._state, ...)`, and random.Random is stdlib_random.Random.  Inside
stdlib_random, calls of its `_mt_*` functions are the runtime's
primitives (libruntime/random.c).

The module-level state: in a Python process the bridge lends compiled code
the interpreter's own generator for the length of each call of code that
draws from it (CompileSession.uses_random; pyjitx/_random_bridge.c), so
`random.seed(1)` in Python followed by compiled draws gives CPython's
numbers, and compiled draws advance Python's generator; a pipeline op and
a C++ host draw from the runtime's own generator (random.h).

bisect and heapq: their functions (the C ones of _bisect and _heapq, and
heapq.py's nlargest/nsmallest/merge) compile as calls of
pyjitx/stdlib_bisect.py's and stdlib_heapq.py's, specialised on the
arguments.  time: the clocks are runtime primitives (libruntime/stdtime.c).
operator.itemgetter/attrgetter(...) make the lambda they stand for
(`lambda o: o[i]`, `lambda o: (o.a, o.b)`), a function value to pass as
`key=`."""
from __future__ import annotations

import ast
import bisect as _bisect_module
import heapq as _heapq_module
import operator as _operator_module
import random as _random_module
import time as _time_module
from typing import TYPE_CHECKING, Any, Callable, Dict, Optional

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import BOOL, FLOAT, INT, ClassType, is_any

if TYPE_CHECKING:
    from .builder import FunctionBuilder

_stdlib_random = None


def _random_impl():
    global _stdlib_random
    if _stdlib_random is None:
        from .. import stdlib_random

        _stdlib_random = stdlib_random
    return _stdlib_random


def _tables() -> Dict[int, Callable]:
    """id(object) -> how to build a call of it."""
    impl = _random_impl()
    table: Dict[int, Callable] = {}
    for name, fn in impl.METHODS.items():
        bound = getattr(_random_module, name, None)
        if bound is not None and getattr(bound, "__self__", None) is _random_module._inst:
            table[id(bound)] = lambda b, node, fn=fn: _module_level_call(b, node, fn)
    for name, fn in impl.PRIMITIVES.items():
        table[id(fn)] = lambda b, node, name=name: _primitive_call(b, node, name)
    from .. import fileio

    for name, fn in fileio.PRIMITIVES.items():
        table[id(fn)] = lambda b, node, name=name: _primitive_call(b, node, name, prims.FILE)
    for original, replacement in _replacements().items():
        table[id(original)] = lambda b, node, fn=replacement: _compiled_along(b, node, fn)
    for name, prim in prims.TIME.items():
        table[id(getattr(_time_module, name))] = \
            lambda b, node, name=name, prim=prim: _clock(b, node, name, prim)
    table[id(_time_module.sleep)] = _sleep
    table[id(_operator_module.itemgetter)] = lambda b, node: _getter(b, node, "itemgetter")
    table[id(_operator_module.attrgetter)] = lambda b, node: _getter(b, node, "attrgetter")
    return table


def _replacements() -> Dict[Any, Callable]:
    """Standard-library functions -> the subset's versions of them."""
    from .. import stdlib_bisect, stdlib_heapq

    found: Dict[Any, Callable] = {
        _bisect_module.bisect: stdlib_bisect.bisect_right,
        _bisect_module.insort: stdlib_bisect.insort_right,
    }
    for name in ("bisect_left", "bisect_right", "insort_left", "insort_right"):
        found[getattr(_bisect_module, name)] = getattr(stdlib_bisect, name)
    for name in ("heappush", "heappop", "heapify", "heapreplace", "heappushpop", "nlargest",
                 "nsmallest", "merge"):
        found[getattr(_heapq_module, name)] = getattr(stdlib_heapq, name)
    return found


def stand_in_function(target: Any) -> Any:
    """A generator function's version in the subset (heapq.merge), for the
    loops that expand it; anything else unchanged."""
    if target is _heapq_module.merge:
        from .. import stdlib_heapq

        return stdlib_heapq.merge
    return target


def _compiled_along(b: "FunctionBuilder", node: ast.Call, fn: Callable) -> ops.Value:
    from .calls import user_call

    return user_call(b, node, fn)


def _clock(b: "FunctionBuilder", node: ast.Call, name: str,
           prim: prims.Primitive) -> ops.Value:
    if node.args or node.keywords:
        raise b.error(node, f"time.{name}() takes no arguments")
    return b.emit(ops.PrimitiveCall(prim, [], b.lineno(node)))


def _sleep(b: "FunctionBuilder", node: ast.Call) -> ops.Value:
    if len(node.args) != 1 or node.keywords:
        raise b.error(node, "time.sleep() takes exactly one argument (the seconds)")
    value = b.expr.value(node.args[0])
    if not (value.type.is_numeric or is_any(value.type)):
        raise b.error(node.args[0], f"'{value.type}' object cannot be interpreted as an integer "
                      "or float")
    if is_any(value.type):
        value = b.emit(ops.PrimitiveCall(prims.ANY_REAL, [value], b.lineno(node)))
    seconds = b.expr.coerce(value, FLOAT, node)
    return b.emit(ops.PrimitiveCall(prims.TIME_SLEEP, [seconds], b.lineno(node)))


def _getter(b: "FunctionBuilder", node: ast.Call, kind: str) -> ops.Value:
    """operator.itemgetter(i, ...) / attrgetter("a.b", ...): the lambda
    they stand for, a function value (typically a sort key)."""
    if node.keywords or not node.args or any(isinstance(a, ast.Starred) for a in node.args):
        raise b.error(node, f"operator.{kind}() takes one or more positional arguments here")
    param = f"_{kind}_item"
    parts = []
    for arg in node.args:
        subject = ast.Name(id=param, ctx=ast.Load())
        if kind == "itemgetter":
            parts.append(ast.Subscript(value=subject, slice=arg, ctx=ast.Load()))
            continue
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            raise b.error(arg, "operator.attrgetter() takes attribute names as string literals "
                          "in compiled code")
        read: ast.expr = subject
        for attr in arg.value.split("."):
            read = ast.Attribute(value=read, attr=attr, ctx=ast.Load())
        parts.append(read)
    body = parts[0] if len(parts) == 1 else ast.Tuple(elts=parts, ctx=ast.Load())
    lam = ast.Lambda(args=ast.arguments(posonlyargs=[], args=[ast.arg(arg=param)], vararg=None,
                                        kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]),
                     body=body)
    given = {id(sub) for arg in node.args for sub in ast.walk(arg)}
    for sub in ast.walk(lam):
        if id(sub) not in given:
            ast.copy_location(sub, node)
    return b.expr.value(lam)


_TABLE: Optional[Dict[int, Callable]] = None


def call(b: "FunctionBuilder", node: ast.Call, target: Any) -> Optional[ops.Value]:
    """The call of `target` if it is one of these functions, else None."""
    global _TABLE
    if _TABLE is None:
        _TABLE = _tables()
    build = _TABLE.get(id(target))
    return build(b, node) if build is not None else None


def stand_in(cls: type) -> type:
    """The compiled class that stands in for a standard-library class."""
    if cls is _random_module.Random:
        return _random_impl().Random
    return cls


def method_call(b: "FunctionBuilder", receiver: ops.Value, name: str,
                node: ast.Call) -> Optional[ops.Value]:
    """r.X(...) of a random.Random made in compiled code: random.py's X
    specialised on the arguments, over the instance's state (the class's
    own methods, with Any parameters, serve calls from Python)."""
    if not isinstance(receiver.type, ClassType):
        return None
    impl = _random_impl()
    if receiver.type.name != impl.Random.__qualname__ or name not in impl.METHODS:
        return None
    from .classes import get_attribute, info_of_type

    if info_of_type(receiver.type).pyclass is not impl.Random:
        return None
    field = ast.copy_location(ast.Attribute(value=node.func, attr="_state", ctx=ast.Load()),
                              node)
    state = get_attribute(b, receiver, field)
    return _state_call(b, node, impl.METHODS[name], state)


def _module_level_call(b: "FunctionBuilder", node: ast.Call, fn: Callable) -> ops.Value:
    return _state_call(b, node, fn, _global_state(b, node))


def _global_state(b: "FunctionBuilder", node: ast.AST) -> ops.Value:
    b.session.uses_random = True  # (the bridge lends it Python's generator)
    prim = prims.RANDOM["_mt_global"]
    return b.emit(ops.PrimitiveCall(prim, [], b.lineno(node), prim.result_type))


def _state_call(b: "FunctionBuilder", node: ast.Call, fn: Callable,
                state: ops.Value) -> ops.Value:
    from .calls import bind_arguments, call_compiled

    values = bind_arguments(b, node, fn, skip_first=True)
    return call_compiled(b, node, fn, [state] + values)


def _primitive_call(b: "FunctionBuilder", node: ast.Call, name: str,
                    table: Optional[Dict[str, prims.Primitive]] = None) -> ops.Value:
    """A call of stdlib_random's _mt_<name>(...) (or fileio's _fd_<name>):
    the runtime's primitive."""
    if name == "_mt_global":
        return _global_state(b, node)
    prim = (table or prims.RANDOM)[name]
    if node.keywords or len(node.args) != len(prim.arg_types):
        count = len(prim.arg_types)
        raise b.error(node, f"{name}() takes {count} positional argument"
                      f"{'' if count == 1 else 's'}")
    args = []
    for arg, want in zip(node.args, prim.arg_types):
        value = b.expr.value(arg)
        if want in (INT, FLOAT, BOOL) or is_any(value.type):
            value = b.expr.coerce(value, want if want in (INT, FLOAT, BOOL) else value.type, arg)
        args.append(value)
    return b.emit(ops.PrimitiveCall(prim, args, b.lineno(node)))


# ---- str methods written in the subset (pyjitx/stdlib_str.py)

_STR_METHODS = {"removeprefix": ("str", "bytes"), "removesuffix": ("str", "bytes"),
                "translate": ("str",)}


def str_method(b: "FunctionBuilder", receiver: ops.Value, name: str,
               node: ast.Call) -> Optional[ops.Value]:
    """s.removeprefix(p), s.removesuffix(p), s.translate(table), or None."""
    if name not in _STR_METHODS or str(receiver.type) not in _STR_METHODS[name]:
        return None
    from .. import stdlib_str
    from .calls import bind_arguments, call_compiled

    fn = getattr(stdlib_str, name)
    return call_compiled(b, node, fn, [receiver] + bind_arguments(b, node, fn, skip_first=True))


def static_call(b: "FunctionBuilder", node: ast.Call) -> Optional[ops.Value]:
    """str.maketrans(...), or None."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == "maketrans"
            and isinstance(func.value, ast.Name) and func.value.id not in b.locals):
        return None
    try:
        if b.lookup_global(func.value.id, func.value) is not str:
            return None
    except Exception:
        return None
    from .. import stdlib_str

    return _compiled_along(b, node, stdlib_str.maketrans)
