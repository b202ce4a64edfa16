"""The standard library's class makers in compiled code: enum.Enum classes
(pyjitx.frontend.enums), typing.NamedTuple and collections.namedtuple
classes (pyjitx.frontend.namedtuples) and dataclasses
(pyjitx.frontend.dataclasses_).

The rest of the frontend reaches them through the few hooks below, each
called at one place of the generic code (a call, an attribute, an
operator, a conversion to text): a hook answers None (or NOT_MINE) when
the value or class is none of these, and the generic code goes on.  The
helpers at the end are shared by the three modules."""
from __future__ import annotations

import ast
import enum
import types
import zlib
from typing import TYPE_CHECKING, Any, Callable, List, Optional

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import INT, STR, EnumType, NamedTupleType, Type

if TYPE_CHECKING:
    from .builder import FunctionBuilder

NOT_MINE = object()


def class_key(cls: type) -> int:
    """A class's key in boundary descriptors: stable across processes,
    derived from the qualified name as compiled classes' ids are."""
    return zlib.crc32(f"{cls.__module__}.{cls.__qualname__}".encode()) | (1 << 32)


# ------------------------------------------------------------ classes


def is_enum_class(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, enum.Enum)


def is_named_tuple_class(obj: Any) -> bool:
    return (isinstance(obj, type) and issubclass(obj, tuple) and obj is not tuple
            and isinstance(obj.__dict__.get("_fields"), tuple))


def compiled_class_of(cls: type) -> Optional[type]:
    """What frontend.classes.original_class makes of a user class: the
    class compiled for a dataclass (its generated methods written out),
    None for enum and named-tuple classes (no compiled classes: their
    values are a value and a tuple), else the class itself."""
    if is_enum_class(cls) or is_named_tuple_class(cls):
        return None
    from . import dataclasses_

    return dataclasses_.compiled_class(cls)


def type_of_class(cls: Any) -> Optional[Type]:
    """The IR type an annotation naming an enum or named-tuple class gives."""
    if is_enum_class(cls):
        from .enums import enum_info

        return enum_info(cls).type
    if is_named_tuple_class(cls):
        from .namedtuples import named_tuple_info

        return named_tuple_info(cls).type
    return None


def class_of_type(t: Type) -> Optional[type]:
    """The class of every value of type t, for an enum member (an enum
    class with members has no subclasses) or a named tuple (the class
    compiled code knows it as); None for other types."""
    if isinstance(t, EnumType):
        from .enums import info_of as enum_info

        return enum_info(t).cls
    if isinstance(t, NamedTupleType):
        from .namedtuples import info_of as tuple_info

        return tuple_info(t).cls
    return None


def type_of_value(value: Any) -> Optional[Type]:
    """The IR type of a Python argument that is an enum member or a named
    tuple (for an unannotated parameter), else None."""
    if isinstance(value, enum.Enum):
        return type_of_class(type(value))
    if isinstance(value, tuple) and is_named_tuple_class(type(value)):
        return type_of_class(type(value))
    return None


def constant(obj: Any) -> Optional[ops.Constant]:
    """An enum member as a constant (None for anything else)."""
    if isinstance(obj, enum.Enum):
        from .enums import member_constant

        return member_constant(obj)
    return None


def mentions_std_types(module: ops.Module) -> bool:
    """Does the module's code hold enum members or named tuples?  Such code
    needs their classes registered with the bridge, which this process
    does as it compiles (so it is not cached on disk)."""
    for fn in module.functions:
        types = list(fn.signature.param_types) + [fn.signature.return_type]
        for block in fn.blocks:
            types.extend(op.type for op in block.ops)
            types.extend(p.type for p in block.params)
        if any(_mentions(t) for t in types):
            return True
    return False


def _mentions(t: Type) -> bool:
    from ..ir.types import _parts

    if isinstance(t, (EnumType, NamedTupleType)):
        return True
    return any(_mentions(part) for part in _parts(t))


def mentions_members(t: Type) -> bool:
    """Does a value of type t hold enum members (at any depth)?"""
    from ..ir.types import _parts

    return isinstance(t, EnumType) or any(mentions_members(part) for part in _parts(t))


# ------------------------------------------------------------ hooks


def resolve_attribute(b: "FunctionBuilder", base: Any, node: ast.Attribute) -> Any:
    """`Color.RED`, `Color.RED.value`, `P._fields`: the object, or NOT_MINE."""
    if is_enum_class(base) or isinstance(base, enum.Enum):
        from .enums import resolve_attribute as resolve

        return resolve(b, base, node)
    if base is object and node.attr == "__setattr__":
        return object.__setattr__
    if is_named_tuple_class(base):
        if not hasattr(base, node.attr):
            raise b.error(node, f"type object '{base.__name__}' has no attribute '{node.attr}'")
        return getattr(base, node.attr)
    return NOT_MINE


def is_class_path(obj: Any) -> bool:
    """Is `obj` a class whose attributes compiled code reads statically?
    (`object` for object.__setattr__.)"""
    return is_enum_class(obj) or is_named_tuple_class(obj) or isinstance(obj, enum.Enum) or \
        obj is object


def claims_call(target: Any) -> bool:
    """Is a call of `target` one that call() below answers by reading its
    arguments one by one (so that `*t`/`**{...}` there are unpacked first)?"""
    import dataclasses

    if is_enum_class(target):  # (a named tuple's class and methods bind as functions do)
        return True
    if isinstance(target, types.MethodType) and is_named_tuple_class(target.__self__) and \
            target.__func__.__name__ == "_make":
        return True
    return any(target is f for f in (dataclasses.replace, dataclasses.asdict,
                                      dataclasses.astuple, dataclasses.is_dataclass,
                                      object.__setattr__))


def call(b: "FunctionBuilder", node: ast.Call, target: Any) -> Optional[ops.Value]:
    """A call of an enum or named-tuple class, of a function of the
    dataclasses module, of object.__setattr__, of len/list/... on an enum
    class, or of an enum member's method; None for other calls."""
    if is_enum_class(target):
        from .enums import lookup

        return lookup(b, node, target)
    if is_named_tuple_class(target):
        from .namedtuples import construct

        return construct(b, node, target)
    if isinstance(target, types.MethodType) and is_named_tuple_class(target.__self__) and \
            target.__func__.__name__ == "_make":
        from .namedtuples import make

        return make(b, node, target.__self__)
    from . import dataclasses_, enums

    special = dataclasses_.call(b, node, target)
    if special is not None:
        return special
    return enums.call(b, node, target)


def attribute(b: "FunctionBuilder", value: ops.Value, node: ast.Attribute) -> Optional[ops.Value]:
    """value.attr on an enum member or a named tuple."""
    if isinstance(value.type, EnumType):
        from .enums import attribute as enum_attribute

        return enum_attribute(b, value, node)
    if isinstance(value.type, NamedTupleType):
        from .namedtuples import attribute as tuple_attribute

        return tuple_attribute(b, value, node)
    return None


def method_call(b: "FunctionBuilder", receiver: ops.Value, name: str,
                node: ast.Call) -> Optional[ops.Value]:
    if isinstance(receiver.type, EnumType):
        from .enums import method_call as enum_method

        return enum_method(b, receiver, name, node)
    if isinstance(receiver.type, NamedTupleType):
        from .namedtuples import method_call as tuple_method

        return tuple_method(b, receiver, name, node)
    return None


def to_text(b: "FunctionBuilder", value: ops.Value, node: ast.AST,
            use_str: bool) -> Optional[ops.Value]:
    """str()/repr() of an enum member, a named tuple, or a container (or
    Optional) holding members."""
    from .stdtext import holds_members, text as held_text

    if holds_members(value.type):
        return held_text(b, value, node, use_str)
    if isinstance(value.type, EnumType):
        from .enums import text

        return text(b, value, node, "str" if use_str else "repr")
    if isinstance(value.type, NamedTupleType):
        from .namedtuples import repr_of

        return repr_of(b, value, node, use_str)
    return None


def isinstance_answer(value_type: Type, cls: Any) -> Optional[bool]:
    """isinstance(x, cls) decided by x's static type where x or cls is an
    enum or named-tuple type (None: not such a test)."""
    from .enums import isinstance_answer as enum_answer
    from .namedtuples import isinstance_answer as tuple_answer

    answer = enum_answer(value_type, cls)
    return answer if answer is not None else tuple_answer(value_type, cls)


def static_attribute(b: "FunctionBuilder", node: ast.Attribute) -> Optional[ops.Value]:
    """An attribute of a member or class named statically that compiled
    code computes: `Color.RED.label` (a property), `Point._fields`."""
    target = named_object(b, node.value)
    if isinstance(target, enum.Enum):
        from .enums import member_attribute

        return member_attribute(b, target, node)
    if is_named_tuple_class(target):
        from .namedtuples import class_attribute

        return class_attribute(b, target, node)
    return None


def class_subscript(b: "FunctionBuilder", node: ast.Subscript) -> Optional[ops.Value]:
    """Color["RED"]."""
    cls = named_class(b, node.value)
    if is_enum_class(cls):
        from .enums import getitem

        return getitem(b, cls, node)
    return None


def class_membership(b: "FunctionBuilder", op_node: ast.cmpop, item: ops.Value,
                     container: ast.expr, node: ast.AST) -> Optional[ops.Value]:
    """`x in Color` (None: the container is no enum class)."""
    cls = named_class(b, container)
    if not is_enum_class(cls):
        return None
    from .enums import class_contains

    result = class_contains(b, item, cls, node)
    if isinstance(op_node, ast.In):
        return result
    if isinstance(result, ops.Constant):
        return ops.Constant(result.type, not result.value)
    return b.emit(ops.Unary("bool_not", result))


def iterable(b: "FunctionBuilder", node: ast.expr) -> Optional[ops.Value]:
    """An enum class iterated (`for c in Color`, `list(Color)`): its members."""
    cls = named_class(b, node)
    if is_enum_class(cls):
        from .enums import members_list

        return members_list(b, cls, node)
    return None


def named_class(b: "FunctionBuilder", node: ast.expr) -> Any:
    """The class a Name or dotted name refers to at compile time, or None
    (a local, or no class)."""
    obj = named_object(b, node)
    return obj if isinstance(obj, type) else None


def named_object(b: "FunctionBuilder", node: ast.expr) -> Any:
    """What a global Name or a dotted name over a module or class refers
    to at compile time, or None (a local, an expression, no such name)."""
    from ..errors import CompileError

    if isinstance(node, ast.Name):
        if node.id in b.locals or node.id in b.lambda_bindings or node.id.startswith(".") or \
                node.id in b.state_names:  # (`global x`: module state, a value)
            return None
        try:
            return b.lookup_global(node.id, node)
        except CompileError:  # (an undefined name is reported where it is used)
            return None
    if isinstance(node, ast.Attribute):
        from .calls import _is_module_path, resolve_attribute as resolve

        if not _is_module_path(b, node.value):
            return None
        try:
            found = resolve(b, node)
        except CompileError:
            return None
        return None if found is NOT_MINE else found
    return None


def decay(b: "FunctionBuilder", value: ops.Value) -> ops.Value:
    """An IntEnum (or other int- or str-mixin) member as its value, where
    a number or a str is needed; any other value unchanged."""
    if isinstance(value.type, EnumType):
        from .enums import decay as decay_member

        return decay_member(b, value)
    return value


# ------------------------------------------------------------ helpers


def retype(b: "FunctionBuilder", value: ops.Value, to: Type) -> ops.Value:
    """The same value seen as type `to` (an enum member as its value and back)."""
    if value.type == to:
        return value
    if isinstance(value, ops.Constant):
        return ops.Constant(to, value.value)
    return b.emit(ops.Retype(value, to))


def equals_constant(b: "FunctionBuilder", value: ops.Value, key: Any) -> ops.Value:
    """value == key for an int or str value and a constant of its type."""
    if value.type == STR:
        same = b.emit(ops.PrimitiveCall(prims.STR_EQ, [value, ops.Constant(STR, key)]))
        return b.emit(ops.Compare("ne", same, ops.Constant(INT, 0)))
    return b.emit(ops.Compare("eq", value, ops.Constant(INT, key)))


def select(b: "FunctionBuilder", value: ops.Value, cases: List[tuple],
           default: ops.Value) -> ops.Value:
    """The result of the first (key, result) case whose key the value
    equals, else `default` (a chain of selects that LLVM turns into a
    switch or a table)."""
    result = default
    for key, case_result in reversed(cases):
        result = b.emit(ops.Select(equals_constant(b, value, key), case_result, result))
    return result


def raise_now(b: "FunctionBuilder", exc_class: type, message: ops.Value, node: ast.AST) -> None:
    """Raises exc_class(message) here; building goes on in an unreachable
    block."""
    from .. import exceptions as registry

    kind = registry.kind_of(exc_class)
    if kind >= registry.USER_BASE:
        b.session.dependencies[f"exc:{exc_class.__module__}:{exc_class.__qualname__}"] = str(kind)
    b.emit(ops.PrimitiveCall(prims.ERR_SET_STR, [ops.Constant(INT, kind), message],
                             b.lineno(node)))
    b.propagate(node)
    unreachable = b.new_block("unreachable")
    b.seal(unreachable)
    b.start(unreachable)


def raise_unless(b: "FunctionBuilder", ok: ops.Value, exc_class: type,
                 message: Callable[[], ops.Value], node: ast.AST) -> None:
    """Raises exc_class(message()) where `ok` is false; goes on where it is true."""
    if isinstance(ok, ops.Constant):
        if not ok.value:
            raise_now(b, exc_class, message(), node)
        return
    good, bad = b.new_block("ok"), b.new_block("raise")
    b.branch(ok, good, bad)
    b.seal(good)
    b.seal(bad)
    b.start(bad)
    raise_now(b, exc_class, message(), node)
    if b.block is not None:
        b.terminate(ops.Unreachable())
    b.start(good)


def _named_tuple_met(cls: type) -> None:
    """The bridge met an instance of a named-tuple class (_convert.c)."""
    from .namedtuples import register_from_bridge

    register_from_bridge(cls)


def _install_bridge_hook() -> None:
    from .. import _ext

    _ext.set_named_tuple_hook(_named_tuple_met)


_install_bridge_hook()
