"""str() and repr() of containers that hold enum members.

A member is held as its bare value, so the runtime's repr of a list, dict,
set or tuple of them would show `[1, 2]` where CPython shows
`[<Color.RED: 1>, <Color.GREEN: 2>]`.  Such a container's text is built by
compiled code instead, by one written-out function per type -- `def
text(v): return "[" + ", ".join([repr(x) for x in v]) + "]"` -- in which
repr() of a member is the member's (pyjitx.frontend.enums).  The
functions are compiled along like any plain function compiled code calls."""
from __future__ import annotations

import ast
import itertools
import linecache
import types
from typing import TYPE_CHECKING, Any, Dict, Tuple

from ..ir import ops
from ..ir.types import (DictType, EnumType, ListType, NamedTupleType, OptionalType, SetType,
                        TupleType, Type, VarTupleType)

if TYPE_CHECKING:
    from .builder import FunctionBuilder

_FUNCTIONS: Dict[Tuple[Type, bool], types.FunctionType] = {}
_serial = itertools.count()


def holds_members(t: Type) -> bool:
    """Does a value of type t hold enum members inside (not being one)?"""
    from ..ir.types import _parts

    return any(isinstance(part, EnumType) or holds_members(part) for part in _parts(t))


def text(b: "FunctionBuilder", value: ops.Value, node: ast.AST, use_str: bool) -> ops.Value:
    """str(value) or repr(value) of a value that holds_members()."""
    from .calls import call_compiled

    return call_compiled(b, node, _function(value.type, use_str), [value])


def _item(t: Type, text_of: str, scope: Dict[str, Any]) -> str:
    """The source of repr() of the value `text_of` of type t."""
    if not holds_members(t):
        return f"repr({text_of})"
    fn = _function(t, False)
    name = f"__pjx_text{id(fn)}"
    scope[name] = fn
    return f"{name}({text_of})"


def _function(t: Type, use_str: bool) -> types.FunctionType:
    key = (t, use_str)
    made = _FUNCTIONS.get(key)
    if made is not None:
        return made
    name = f"__pjx_{'str' if use_str else 'repr'}_{next(_serial)}"
    # (registered before its body is written: a body may call it)
    placeholder: Dict[str, Any] = {"__builtins__": __builtins__}
    exec(f"def {name}(v):\n    pass\n", placeholder)
    fn = placeholder[name]
    _FUNCTIONS[key] = fn
    scope: Dict[str, Any] = {"__builtins__": __builtins__}
    if isinstance(t, OptionalType):
        shown = "str(v)" if use_str else _item(t.item, "v", scope)
        lines = ["    if v is None:", "        return 'None'", f"    return {shown}"]
    elif isinstance(t, ListType):
        lines = [f"    return '[' + ', '.join([{_item(t.item, 'x', scope)} for x in v]) + ']'"]
    elif isinstance(t, SetType):
        lines = ["    if len(v) == 0:", "        return 'set()'",
                 f"    return '{{' + ', '.join([{_item(t.item, 'x', scope)} for x in v]) + '}}'"]
    elif isinstance(t, DictType):
        lines = [f"    return '{{' + ', '.join([{_item(t.key, 'k', scope)} + ': ' + "
                 f"{_item(t.value, 'x', scope)} for k, x in v.items()]) + '}}'"]
    elif isinstance(t, VarTupleType):
        lines = [f"    items = [{_item(t.item, 'x', scope)} for x in v]",
                 "    return '(' + ', '.join(items) + (',' if len(items) == 1 else '') + ')'"]
    elif isinstance(t, NamedTupleType):
        from .namedtuples import info_of

        info = info_of(t)
        parts = " + ', ' + ".join(f"'{field}=' + {_item(item, f'v[{i}]', scope)}"
                                  for i, (field, item) in enumerate(zip(info.fields, t.items)))
        lines = [f"    return '{info.name}(' + {parts or repr('')} + ')'"]
    else:
        assert isinstance(t, TupleType)
        parts = " + ', ' + ".join(_item(item, f"v[{i}]", scope) for i, item in enumerate(t.items))
        lines = [f"    return '(' + {parts} + '{',' if len(t.items) == 1 else ''})'"]
    source = f"def {name}(v):\n" + "\n".join(lines) + "\n"
    filename = f"<pyjitx-generated {name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec", dont_inherit=True), scope)
    fn.__code__ = scope[name].__code__
    fn.__globals__.update(scope)
    return fn
