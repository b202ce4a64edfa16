"""Module-level values that compiled code reads: dicts, lists, sets,
frozensets, tuples (named tuples too) and instances of compiled classes
(ints, floats, strs, bytes, bools, None and enum members are plain
constants, expressions.constant_value; they may also be items).

The rule (docs/guide/semantics.md, "Module state"): a module-level name
that compiled code reads without declaring it `global` is captured when
the function is compiled -- compiled code sees the value it had then, and
the disk cache is keyed on that value's contents.  Compiled code cannot
change a captured value (a CompileError says to declare it `global` or to
pass it as an argument).

How: each captured Python object becomes a generated function that
returns it as a literal (`def __pjx_const_3(): return {'a': 1, ...}`),
compiled with the reading function, with the value's exact type as its
return type.  The read is an ops.ModuleConstant: the first call builds the
value and installs it in a per-object-file memo, later reads take it from
there.  So the value lives in the object code itself and works the same
in a saved pipeline and a C++ host.  An object reached twice (a list in
two constants, a singleton instance) is one generated function, so it is
one object in compiled code as in Python."""
from __future__ import annotations

import ast
import builtins
import itertools
import math
import re
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from ..ir import ops
from ..ir.types import (ANY, BOOL, BYTES, FLOAT, INT, NONE, STR, ClassType, DictType,
                        OptionalType,
                        ListType, SetType, TupleType, Type, VarTupleType, is_any, make_union)
from .source import synthesised_function

if TYPE_CHECKING:
    from .builder import FunctionBuilder

import collections

CONTAINERS = (list, dict, set, frozenset, tuple, collections.deque)
# a longer tuple of one item type is a Tuple[T, ...] (an index into it is
# then one operation whatever the position, and its type stays small)
_FIXED_TUPLE_MAX = 8
_serial = itertools.count()


class CapturedConstant:
    """One captured Python object: the function that builds it, and its type."""

    def __init__(self, value: Any, function: Any, type_: Type) -> None:
        self.value = value        # kept alive: the session keys these by id()
        self.function = function
        self.type = type_


def captures(b: "FunctionBuilder", obj: Any) -> bool:
    """Is obj a value this module captures (rather than something else
    compiled code cannot use as a value)?"""
    if isinstance(obj, CONTAINERS) or isinstance(obj, re.Pattern):
        return True
    return _instance_class_type(b, obj) is not None


def read(b: "FunctionBuilder", name: str, obj: Any, node: ast.AST,
         annotation: Any = None) -> ops.Value:
    """The value of module-level `name` (holding obj) in compiled code."""
    captured = _captured(b, obj, name, node, annotation)
    signature = b.session.function_for(captured.function, ())
    from .. import _ext

    if isinstance(obj, _ext.Instance):
        # an instance made in Python: in this process, compiled code uses
        # that very object (pyjitx/api.py presets the memo with it), so that
        # its changes are Python's; a saved pipeline builds a copy instead
        b.session.presets[signature.symbol] = obj
    op = ops.ModuleConstant(signature, name, b.lineno(node))
    op.source_node = node
    return b.emit(op)


def check_unchanged(b: "FunctionBuilder", op: ops.Op) -> None:
    """Refuses an op that would change a captured value in place (called
    for every mutating primitive whose receiver is one)."""
    receiver = op.operands[0]
    node = getattr(receiver, "source_node", None)
    name = getattr(receiver, "name", "it")
    raise b.error(node, f"'{name}' is a module-level {_python_name(receiver.type)} that compiled "
                  "code captured when it was compiled; compiled code cannot change it",
                  hint=f"declare 'global {name}' in the function to share it with Python "
                       "(read when a call starts, written back when it returns), or pass it "
                       "as an argument")


def _python_name(t: Type) -> str:
    for cls, name in ((ListType, "list"), (DictType, "dict"), (SetType, "set")):
        if isinstance(t, cls):
            return name
    return "value"


# ------------------------------------------------------------ the pool

def _captured(b: "FunctionBuilder", obj: Any, name: str, node: ast.AST,
              annotation: Any) -> CapturedConstant:
    pool: Dict[int, CapturedConstant] = b.session.module_constants
    captured = pool.get(id(obj))
    if captured is not None:
        return captured
    # the type its place gives it (a field's, set by the writer of the
    # value holding it), else the module's annotation, else its own
    declared = b.pyfunc.__globals__.get("__pjx_types__", {}).get(name)
    if declared is None and annotation is not None:
        from .annotations import type_from_annotation

        declared = type_from_annotation(annotation, b.pyfunc.__globals__)
    type_ = declared or value_type(b, obj, node, name, set())
    function = builder_function(b, obj, name, node, type_)
    captured = pool[id(obj)] = CapturedConstant(obj, function, type_)
    return captured


def builder_function(b: "FunctionBuilder", obj: Any, name: str, node: ast.AST,
                     type_: Type, fresh: bool = False) -> Any:
    """A generated function that builds obj, as a value of type_, anew at
    each call; `fresh`: the lists, dicts and sets inside it too (otherwise
    they are captured constants of their own, shared)."""
    scope: Dict[str, Any] = {"__name__": getattr(b.pyfunc, "__module__", "__main__"),
                             "__builtins__": builtins}
    body = _SourceWriter(b, scope, fresh).statements(obj, type_)
    fname = f"__pjx_const_{next(_serial)}"
    source = f"def {fname}():\n" + "".join(f"    {line}\n" for line in body)
    function = synthesised_function(fname, source, scope)
    function.__qualname__ = f"<module value {name}>"
    function.__pjx_return_type__ = type_
    return function


# ------------------------------------------------------------ types

def value_type(b: "FunctionBuilder", value: Any, node: ast.AST, name: str, seen: set) -> Type:
    """The exact type of a captured value: items of several types make a
    union (an int and a float stay an int and a float, as in Python); an
    empty container holds Any unless the module annotates it."""
    from .stdclasses import type_of_value

    std = type_of_value(value)  # an enum member (an IntEnum's is an int too), a named tuple
    if std is not None:
        return std
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        if not -2**63 <= value < 2**63:
            raise b.error(node, f"'{name}' holds the integer {value}, which does not fit in "
                          "64 bits", hint="compiled ints are 64-bit: -2**63 to 2**63 - 1")
        return INT
    if isinstance(value, float):
        return FLOAT
    if value is None:
        return NONE
    if isinstance(value, str):
        return STR
    if isinstance(value, bytes):
        return BYTES
    if isinstance(value, re.Pattern):
        from .regex import pattern_type

        return pattern_type(value)
    instance = _instance_class_type(b, value)
    if instance is not None:
        return instance
    if not isinstance(value, CONTAINERS):
        raise b.error(node, f"'{name}' holds a {type(value).__name__} value, which compiled code "
                      "cannot use", hint="module-level values in compiled code are numbers, "
                      "str, bytes, None, lists, dicts, sets, tuples and instances of compiled "
                      "classes")
    if id(value) in seen:
        raise b.error(node, f"'{name}' contains itself, which a captured value cannot",
                      hint="pass it as an argument instead")
    seen = seen | {id(value)}
    if isinstance(value, tuple):
        items = [value_type(b, v, node, name, seen) for v in value]
        if len(items) > _FIXED_TUPLE_MAX and len(set(items)) == 1:
            return VarTupleType(items[0])
        return TupleType(tuple(items))
    if isinstance(value, dict):
        from .stdlib_collections import captured_dict_type

        return captured_dict_type(b, value, _items_type(b, value.keys(), node, name, seen),
                                  _items_type(b, value.values(), node, name, seen), node, name)
    item = _items_type(b, value, node, name, seen)
    if isinstance(value, collections.deque):
        from ..ir.types import DequeType

        return DequeType(item)
    return ListType(item) if isinstance(value, list) else SetType(item)


def _items_type(b, items, node, name, seen) -> Type:
    types: List[Type] = []
    for v in items:
        t = value_type(b, v, node, name, seen)
        if t not in types:
            types.append(t)
    if not types:
        return ANY  # an empty container: annotate it at module level for another type
    joined = make_union(*types) or ANY
    from .stdclasses import mentions_members

    if is_any(joined) and any(mentions_members(t) for t in types):
        # (an Any or a union would hold a member as its bare value)
        raise b.error(node, f"'{name}' holds enum members among values of other types, which "
                      "compiled code cannot hold together",
                      hint="keep members in containers of members (List[Color], "
                           "Dict[str, Color]), or hold their .value")
    return joined


def _instance_class_type(b: "FunctionBuilder", obj: Any) -> Optional[ClassType]:
    """The compiled class type of an instance (of a class compiled with
    @pyjitx.compile, or compiled along), None for other objects."""
    from .classes import class_type_of, class_type_of_instance

    known = class_type_of_instance(obj)
    if known is not None:
        return known
    import enum

    cls = type(obj)
    if cls.__module__ in ("builtins", "typing") or not hasattr(obj, "__dict__") or \
            isinstance(obj, enum.Enum):  # (members are constants of their own kind)
        return None
    try:
        return class_type_of(cls)
    except Exception:  # noqa: BLE001 - not a class compiled code can use
        return None


# ------------------------------------------------------------ source

class _SourceWriter:
    """Python source that builds a captured value: literals for what is
    immutable, and a name per mutable object inside it (another captured
    constant, so that an object reached twice is one object)."""

    def __init__(self, b: "FunctionBuilder", scope: Dict[str, Any], fresh: bool) -> None:
        self.b = b
        self.scope = scope
        self.fresh = fresh
        self.names = itertools.count()

    def statements(self, value: Any, t: Type) -> List[str]:
        if isinstance(value, re.Pattern):  # built from its program (frontend/regex.py)
            from .regex import builder_source

            return builder_source(value, self.scope)
        instance = _instance_class_type(self.b, value)
        if instance is None:
            return [f"return {self.literal(value, t, top=True)}"]
        from .classes import blank_instance, info_for, original_class

        pyclass = original_class(type(value))  # (the user class, not pyjitx's type of it)
        info = info_for(pyclass)
        info.settle(self.b.session)
        self.scope["__pjx_blank"] = blank_instance
        self.scope["__pjx_cls"] = pyclass
        lines = ["obj = __pjx_blank(__pjx_cls)"]
        for field in info.field_names:
            if hasattr(value, field):
                lines.append(f"obj.{field} = "
                             f"{self.literal(getattr(value, field), info.field_types.get(field))}")
        lines.append("return obj")
        return lines

    def literal(self, value: Any, t: Optional[Type], top: bool = False) -> str:
        """Source of value, whose type is t where the place it goes tells
        (a field's, a container's items'), None where it does not."""
        if isinstance(t, OptionalType) and value is not None:
            t = t.item
        std = self.std_literal(value, t, top)
        if std is not None:
            return std
        if isinstance(value, float):
            if math.isnan(value):
                return "float('nan')"
            if math.isinf(value):
                return "float('inf')" if value > 0 else "float('-inf')"
            return repr(value)
        if value is None or isinstance(value, (bool, int, str, bytes)):
            return repr(value)
        if not top and not self.fresh and (isinstance(value, (list, dict, set)) or
                                           not _immutable(value)):
            return self.reference(value, t)
        if isinstance(value, tuple):
            items = (t.items if isinstance(t, TupleType) and len(t.items) == len(value)
                     else [t.item if isinstance(t, VarTupleType) else None] * len(value))
            inner = ", ".join(self.literal(v, i) for v, i in zip(value, items))
            return f"({inner},)" if len(value) == 1 else f"({inner})"
        if isinstance(value, dict):
            kt, vt = (t.key, t.value) if isinstance(t, DictType) else (None, None)
            text = "{" + ", ".join(f"{self.literal(k, kt)}: {self.literal(v, vt)}"
                                   for k, v in value.items()) + "}"
            if type(value) is dict:
                return text
            from .stdlib_collections import captured_source

            return captured_source(self.scope, value, text)
        if isinstance(value, collections.deque):
            from .stdlib_collections import captured_source

            return captured_source(self.scope, value,
                                   "[" + ", ".join(self.literal(v, None) for v in value) + "]")
        item = t.item if isinstance(t, (ListType, SetType)) else None
        if isinstance(value, (set, frozenset)):
            if not value:
                return "set()"
            return "{" + ", ".join(self.literal(v, item) for v in value) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.literal(v, item) for v in value) + "]"
        return self.reference(value, t)

    def std_literal(self, value: Any, t: Optional[Type], top: bool) -> Optional[str]:
        """An enum member (the member itself, a constant in compiled code)
        or a named tuple (a call of its class); None for other values."""
        import enum

        from .stdclasses import is_named_tuple_class

        if isinstance(value, enum.Enum):
            return self.name_for(value)
        if not (isinstance(value, tuple) and is_named_tuple_class(type(value))):
            return None
        if not top and not self.fresh and not _immutable(value):
            return self.reference(value, t)
        items = (t.items if isinstance(t, TupleType) and len(t.items) == len(value)
                 else [None] * len(value))
        inner = ", ".join(self.literal(v, i) for v, i in zip(value, items))
        return f"{self.name_for(type(value))}({inner})"

    def name_for(self, obj: Any) -> str:
        """A name in the builder's scope for obj (an enum member, a class)."""
        name = f"__pjx_o{next(self.names)}"
        self.scope[name] = obj
        return name

    def reference(self, value: Any, t: Optional[Type]) -> str:
        """A name for a mutable object inside the value: captured on its own
        (one object however often it is reached), with the type its place
        gives it where known (`[None] * 10` in a List[Optional[Task]] field)."""
        name = f"__pjx_c{next(self.names)}"
        self.scope[name] = value
        if t is not None:
            self.scope.setdefault("__pjx_types__", {})[name] = t
        return name


def _immutable(value: Any) -> bool:
    import enum

    if value is None or isinstance(value, (bool, int, float, str, bytes, enum.Enum)):
        return True
    if isinstance(value, (tuple, frozenset)):
        return all(_immutable(v) for v in value)
    return False
