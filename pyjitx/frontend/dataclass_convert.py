"""dataclasses.asdict() and astuple() in compiled code.

CPython walks the value recursively: a dataclass instance becomes a dict
(or tuple) of its fields, lists, dicts, sets and tuples are rebuilt around
their converted items, other values are deep-copied (the same objects, for
the immutable ones compiled code holds).  Compiled code does that walk
with one written-out function per type met -- `def conv(v): return [conv2(x)
for x in v]` --, so that a recursive dataclass (a tree) converts by
recursive calls at run time.  The functions are compiled along, like any
plain Python function compiled code calls."""
from __future__ import annotations

import ast
import dataclasses
import itertools
import linecache
import types
from typing import TYPE_CHECKING, Any, Dict, Optional, Set, Tuple

from ..errors import CompileError
from ..ir import ops
from ..ir.types import (ClassType, DictType, ListType, NamedTupleType, OptionalType, SetType,
                        TupleType, Type, VarTupleType)

if TYPE_CHECKING:
    from .builder import FunctionBuilder

_FUNCTIONS: Dict[Tuple[Type, bool], types.FunctionType] = {}
_serial = itertools.count()


def convert(b: "FunctionBuilder", value: ops.Value, node: ast.AST, as_dict: bool) -> ops.Value:
    """asdict(value) / astuple(value) of a dataclass instance."""
    from .calls import call_compiled

    t = value.type
    if not as_dict and _recursive(t, set()):
        raise b.error(node, f"astuple() of a {t} would be a tuple holding tuples of itself, "
                      "which has no static type", hint="use asdict(), or build the tuples "
                      "you need from the fields")
    try:
        fn = _function(t, as_dict)
    except CompileError as exc:
        if exc.location is not None:
            raise
        raise b.error(node, exc.message, exc.hint) from None
    return call_compiled(b, node, fn, [value])


def _twin(t: Type) -> Optional[type]:
    from .dataclasses_ import _twin_of_type

    return _twin_of_type(t)


def _needs_conversion(t: Type) -> bool:
    """Does asdict()/astuple() make something new of a value of type t
    (rather than give the value itself, which is immutable)?"""
    if _twin(t) is not None:
        return True
    if isinstance(t, (ListType, SetType, DictType)):
        return True  # (rebuilt: the copy CPython's deepcopy makes)
    if isinstance(t, OptionalType):
        return _needs_conversion(t.item)
    if isinstance(t, TupleType):
        return any(_needs_conversion(i) for i in t.items)
    if isinstance(t, VarTupleType):
        return _needs_conversion(t.item)
    if isinstance(t, ClassType):
        return True  # (refused where it is met: a deep copy of an instance)
    return False


def _recursive(t: Type, seen: Set[Type]) -> bool:
    """Does a dataclass type hold itself (directly or through containers)?"""
    twin = _twin(t)
    if twin is not None:
        if t in seen:
            return True
        seen = seen | {t}
        from .classes import info_for

        info = info_for(twin)
        return any(_recursive(info.field_types[f.name], seen)
                   for f in dataclasses.fields(twin.__pjx_dataclass__))
    from ..ir.types import _parts

    return any(_recursive(part, seen) for part in _parts(t))


def _expression(t: Type, text: str, as_dict: bool, scope: Dict[str, Any]) -> str:
    """The source of asdict()/astuple() of the value `text` of type t."""
    if not _needs_conversion(t):
        return text
    fn = _function(t, as_dict)
    name = f"__pjx_conv{id(fn)}"
    scope[name] = fn
    return f"{name}({text})"


def _function(t: Type, as_dict: bool) -> types.FunctionType:
    key = (t, as_dict)
    made = _FUNCTIONS.get(key)
    if made is not None:
        return made
    scope: Dict[str, Any] = {"__builtins__": __builtins__, "Any": Any, "Dict": Dict}
    name = f"__pjx_{'asdict' if as_dict else 'astuple'}_{next(_serial)}"
    # (registered first: a recursive dataclass's function calls itself)
    header = f"def {name}(v)"
    twin = _twin(t)
    if twin is not None:
        from .classes import info_for

        info = info_for(twin)
        scope["__pjx_cls"] = twin
        header = f"def {name}(v: __pjx_cls)" + (" -> Dict[str, Any]" if as_dict else "")
        fn = _placeholder(key, name)
        fields = dataclasses.fields(twin.__pjx_dataclass__)
        if as_dict:
            lines = ["    d: Dict[str, Any] = {}"]
            lines += [f"    d[{f.name!r}] = "
                      f"{_expression(info.field_types[f.name], f'v.{f.name}', as_dict, scope)}"
                      for f in fields]
            lines.append("    return d")
        else:
            items = "".join(_expression(info.field_types[f.name], f"v.{f.name}", as_dict, scope)
                            + ", " for f in fields)
            lines = [f"    return ({items})"]
    elif isinstance(t, OptionalType):
        fn = _placeholder(key, name)
        lines = ["    if v is None:", "        return None",
                 f"    return {_expression(t.item, 'v', as_dict, scope)}"]
    elif isinstance(t, ListType):
        fn = _placeholder(key, name)
        lines = [f"    return [{_expression(t.item, 'x', as_dict, scope)} for x in v]"]
    elif isinstance(t, SetType):
        fn = _placeholder(key, name)
        lines = [f"    return {{{_expression(t.item, 'x', as_dict, scope)} for x in v}}"]
    elif isinstance(t, DictType):
        fn = _placeholder(key, name)
        lines = [f"    return {{{_expression(t.key, 'k', as_dict, scope)}: "
                 f"{_expression(t.value, 'x', as_dict, scope)} for k, x in v.items()}}"]
    elif isinstance(t, TupleType):
        fn = _placeholder(key, name)
        items = "".join(_expression(item, f"v[{i}]", as_dict, scope) + ", "
                        for i, item in enumerate(t.items))
        if isinstance(t, NamedTupleType):
            from .namedtuples import info_of

            scope["__pjx_tuple"] = info_of(t).cls  # (a named tuple stays one, as in CPython)
            lines = [f"    return __pjx_tuple({items})"]
        else:
            lines = [f"    return ({items})"]
    elif isinstance(t, VarTupleType):
        fn = _placeholder(key, name)
        lines = [f"    return tuple([{_expression(t.item, 'x', as_dict, scope)} for x in v])"]
    else:
        raise CompileError(f"asdict()/astuple() would copy a {t} instance with copy.deepcopy, "
                           "which compiled code does not do",
                           hint="hold dataclass instances, containers and plain values in the "
                                "fields")
    source = header + ":\n" + "\n".join(lines) + "\n"
    filename = f"<pyjitx-generated {name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec", dont_inherit=True), scope)
    made = scope[name]
    fn.__code__ = made.__code__  # (the placeholder others already call)
    fn.__globals__.update(scope)
    fn.__annotations__ = made.__annotations__
    return fn


def _placeholder(key: Tuple[Type, bool], name: str) -> types.FunctionType:
    """The function for `key`, registered before its body is written (so
    that a body may call it), filled in by _function."""
    glob: Dict[str, Any] = {"__builtins__": __builtins__}
    exec(f"def {name}(v):\n    pass\n", glob)
    fn = glob[name]
    _FUNCTIONS[key] = fn
    return fn


