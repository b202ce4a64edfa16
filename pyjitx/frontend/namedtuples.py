"""typing.NamedTuple and collections.namedtuple classes in compiled code.

An instance is the tuple it is (types.NamedTupleType, a TupleType): every
tuple operation applies -- indexing, unpacking, len, iteration, `in`, ==
and ordering with any tuple, hashing, slicing and `+` (which give plain
tuples, as in Python) -- and the class adds what it defines: construction
with keywords and defaults, fields by name, _replace, _asdict, _fields,
the repr `P(x=1, y=2)`, and the methods and properties of its body.  At
the boundary it converts from and to instances of the class itself (N
descriptors, _convert.c).  Fields are typed by the class's annotations; a
collections.namedtuple's fields, which have none, are Any."""
from __future__ import annotations

import ast
import collections
import inspect
import types
import typing
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ..errors import CompileError
from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import ANY, INT, STR, DictType, NamedTupleType, TupleType, Type, with_article
from .stdclasses import class_key, is_named_tuple_class

if TYPE_CHECKING:
    from .builder import FunctionBuilder

_INFOS: Dict[type, "NamedTupleInfo"] = {}
_BY_KEY: Dict[int, "NamedTupleInfo"] = {}
# where collections.namedtuple writes the methods every such class has
_GENERATED_IN = collections.__file__


class NamedTupleInfo:
    def __init__(self, cls: type) -> None:
        from .annotations import SUPPORTED_TYPES_HINT, type_from_annotation

        self.cls = cls
        self.fields: Tuple[str, ...] = cls._fields
        self.defaults: Dict[str, Any] = dict(getattr(cls, "_field_defaults", {}))
        annotations = cls.__dict__.get("__annotations__", {})
        module = inspect.getmodule(cls)
        scope = vars(module) if module is not None else {}
        items: List[Type] = []
        for name in self.fields:
            if name not in annotations:
                items.append(ANY)  # (collections.namedtuple: untyped)
                continue
            annotation = annotations[name]
            if isinstance(annotation, typing.ForwardRef):  # (postponed annotations)
                annotation = annotation.__forward_arg__
            t = type_from_annotation(annotation, scope)
            if t is None:
                raise CompileError(f"named tuple {cls.__qualname__}: unsupported annotation "
                                   f"{annotations[name]!r} of field '{name}'",
                                   hint=SUPPORTED_TYPES_HINT)
            items.append(t)
        self.type = NamedTupleType(tuple(items), cls.__qualname__, class_key(cls))
        from .. import _ext

        _ext.register_boundary_class(self.type.key, cls, None)

    @property
    def name(self) -> str:
        return self.cls.__name__

    def own_function(self, name: str) -> Optional[types.FunctionType]:
        """A method the class body defines (not one namedtuple writes)."""
        for klass in self.cls.__mro__:
            if klass is tuple or klass is object:
                return None
            member = klass.__dict__.get(name)
            if member is not None:
                if isinstance(member, types.FunctionType) and \
                        member.__code__.co_filename != _GENERATED_IN:
                    return member
                return None
        return None


def shape_key(t: NamedTupleType) -> int:
    """The key a runtime tuple of the class carries (_convert.c's shape_of_key)."""
    return (t.key & 0xFFFFFFFF) or 1


def register_from_bridge(cls: type) -> None:
    """A named-tuple class the bridge meets in an argument (an instance in
    a List[Any]): registered, so that its runtime tuples keep its repr and
    come back as its instances.  A class compiled code cannot type is left
    a plain tuple's."""
    try:
        named_tuple_info(cls)
    except CompileError:
        pass


def named_tuple_info(cls: type) -> NamedTupleInfo:
    info = _INFOS.get(cls)
    if info is None:
        info = NamedTupleInfo(cls)
        _INFOS[cls] = info
        _BY_KEY[info.type.key] = info
    return info


def info_of(t: NamedTupleType) -> NamedTupleInfo:
    return _BY_KEY[t.key]


def _build(b: "FunctionBuilder", info: NamedTupleInfo, values: List[ops.Value],
           node: ast.AST) -> ops.Value:
    """A new instance of the fields' values (converted to the fields' types)."""
    from .containers import kind, prim

    converted = []
    for value, t, name in zip(values, info.type.items, info.fields):
        if value.type != t:
            try:
                value = b.expr.coerce(value, t, node)
            except CompileError:
                raise b.error(node, f"field '{name}' of {info.name} is {with_article(t)}, not "
                              f"{with_article(value.type)}") from None
        converted.append(value)
    result = prim(b, prims.TUPLE_NEW, [ops.Constant(INT, len(converted))], node, info.type)
    # (its class's shape: repr inside containers and an Any, the class in Python)
    prim(b, prims.TUPLE_SET_SHAPE, [result, ops.Constant(INT, shape_key(info.type))], node)
    for index, value in enumerate(converted):
        if value.type.is_refcounted:
            b.emit(ops.IncRef(value))  # tuple_set_steal takes a reference
        prim(b, prims.TUPLE_SET_STEAL, [result, ops.Constant(INT, index), kind(value.type),
                                        value], node)
    return result


def construct(b: "FunctionBuilder", node: ast.Call, cls: type) -> ops.Value:
    """P(1, y=2): the fields by position and keyword, defaults for the rest."""
    from .calls import bind_arguments

    info = named_tuple_info(cls)
    values = bind_arguments(b, node, cls.__new__, skip_first=True)
    return _build(b, info, values, node)


def _field(b: "FunctionBuilder", value: ops.Value, index: int, node: ast.AST) -> ops.Value:
    from .containers import prim

    return prim(b, prims.TUPLE_GET, [value, ops.Constant(INT, index)], node,
                value.type.items[index])  # type: ignore[attr-defined]


def _fields_tuple(b: "FunctionBuilder", info: NamedTupleInfo, node: ast.AST) -> ops.Value:
    from .containers import build_tuple

    return build_tuple(b, [ops.Constant(STR, name) for name in info.fields], node)


def class_attribute(b: "FunctionBuilder", cls: type, node: ast.Attribute) -> Optional[ops.Value]:
    """P._fields."""
    if node.attr == "_fields":
        return _fields_tuple(b, named_tuple_info(cls), node)
    return None


def attribute(b: "FunctionBuilder", value: ops.Value, node: ast.Attribute) -> ops.Value:
    """p.x, p._fields, p.a_property."""
    info = info_of(value.type)  # type: ignore[arg-type]
    if node.attr in info.fields:
        return _field(b, value, info.fields.index(node.attr), node)
    if node.attr == "_fields":
        return _fields_tuple(b, info, node)
    member = inspect.getattr_static(info.cls, node.attr, None)
    if isinstance(member, property) and isinstance(member.fget, types.FunctionType):
        from .calls import call_compiled

        return call_compiled(b, node, member.fget, [value])
    raise b.error(node, f"'{info.name}' object has no attribute '{node.attr}' in compiled code",
                  hint=f"its fields are {', '.join(info.fields)}; compiled code also reads "
                       "the properties its class defines")


def method_call(b: "FunctionBuilder", value: ops.Value, name: str,
                node: ast.Call) -> Optional[ops.Value]:
    """p._replace(...), p._asdict(), and the methods the class defines
    (None: a tuple method, count or index)."""
    info = info_of(value.type)  # type: ignore[arg-type]
    own = info.own_function(name)
    if own is not None:
        from .calls import bind_arguments, call_compiled

        return call_compiled(b, node, own, [value] + bind_arguments(b, node, own, skip_first=True))
    if name == "_replace":
        return _replace(b, info, value, node)
    if name == "_asdict":
        return _asdict(b, info, value, node)
    return None


def _replace(b: "FunctionBuilder", info: NamedTupleInfo, value: ops.Value,
             node: ast.Call) -> ops.Value:
    if node.args:
        raise b.error(node, f"{info.name}._replace() takes keyword arguments only",
                      hint="name the fields to change: p._replace(x=1)")
    changes: Dict[str, ops.Value] = {}
    for kw in node.keywords:
        if kw.arg is None or kw.arg not in info.fields:
            raise b.error(kw, f"{info.name}._replace(): got unexpected field name "
                          f"{kw.arg!r}", hint=f"the fields are {', '.join(info.fields)}")
        changes[kw.arg] = b.expr.value(kw.value)
    values = [changes[name] if name in changes else _field(b, value, index, node)
              for index, name in enumerate(info.fields)]
    return _build(b, info, values, node)


def _asdict(b: "FunctionBuilder", info: NamedTupleInfo, value: ops.Value,
            node: ast.Call) -> ops.Value:
    """{field: value}: a Dict[str, T] where the fields share a type T, else
    a Dict[str, Any]."""
    from .containers import kind, prim

    if node.args or node.keywords:
        raise b.error(node, f"{info.name}._asdict() takes no arguments")
    items = set(info.type.items)
    item = items.pop() if len(items) == 1 else ANY
    result = prim(b, prims.DICT_NEW, [kind(STR), kind(item)], node, DictType(STR, item))
    for index, name in enumerate(info.fields):
        field = b.expr.coerce(_field(b, value, index, node), item, node)
        prim(b, prims.DICT_SETITEM, [result, ops.Constant(STR, name), field], node)
    return result


def repr_of(b: "FunctionBuilder", value: ops.Value, node: ast.AST,
            use_str: bool = False) -> ops.Value:
    """repr(p) (and str(p), the same): `P(x=1, y=2)`, or the class's own
    __repr__/__str__."""
    info = info_of(value.type)  # type: ignore[arg-type]
    for name in (("__str__", "__repr__") if use_str else ("__repr__",)):
        own = info.own_function(name)
        if own is not None:
            from .calls import call_compiled

            result = call_compiled(b, node, own, [value])
            if result.type != STR:
                raise b.error(node, f"{name} returned {with_article(result.type)}, not a str")
            return result
    from .strings import concat_all, to_repr

    pieces: List[ops.Value] = []
    for index, name in enumerate(info.fields):
        prefix = f"{info.name}(" if index == 0 else ", "
        pieces.append(ops.Constant(STR, f"{prefix}{name}="))
        pieces.append(to_repr(b, _field(b, value, index, node), node))
    pieces.append(ops.Constant(STR, ")" if info.fields else f"{info.name}()"))
    return concat_all(b, pieces, node)


def make(b: "FunctionBuilder", node: ast.Call, cls: type) -> ops.Value:
    """P._make(iterable) of a tuple: its items as the fields."""
    info = named_tuple_info(cls)
    if len(node.args) != 1 or node.keywords:
        raise b.error(node, f"{info.name}._make() takes one iterable")
    items = b.expr.value(node.args[0])
    if not isinstance(items.type, TupleType):
        raise b.error(node.args[0], f"{info.name}._make() takes a tuple here, not "
                      f"{with_article(items.type)}", hint="pass a tuple of the fields' values")
    if len(items.type.items) != len(info.fields):
        from .stdclasses import raise_now

        raise_now(b, TypeError, ops.Constant(STR, f"Expected {len(info.fields)} arguments, got "
                                                  f"{len(items.type.items)}"), node)
        return ops.Constant(info.type, None)
    values = [_field(b, items, index, node) for index in range(len(info.fields))]
    return _build(b, info, values, node)


def isinstance_answer(value_type: Type, cls: Any) -> Optional[bool]:
    if isinstance(value_type, NamedTupleType):
        return isinstance(cls, type) and issubclass(info_of(value_type).cls, cls)
    if is_named_tuple_class(cls) and isinstance(value_type, TupleType):
        return False
    return None
