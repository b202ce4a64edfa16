"""Python annotations -> IR types.

Annotations arrive evaluated (typing objects, builtins, `list[int]`) or as
strings (postponed evaluation, or the source text of a local's annotation);
strings are parsed as Python expressions over the names below.
"""
from __future__ import annotations

import ast
import typing
from typing import Any, Optional

from ..ir.types import (ANY, BOOL, BYTEARRAY, BYTES, FLOAT, INT, NONE, STR, ClassType, DictType, ListType, NDArrayType,
                        SetType, TupleType, Type, VarTupleType, make_union)

_BY_OBJECT = {int: INT, float: FLOAT, bool: BOOL, type(None): NONE, None: NONE,
              str: STR, bytes: BYTES, bytearray: BYTEARRAY}
_BY_NAME = {"int": INT, "float": FLOAT, "bool": BOOL, "None": NONE, "str": STR,
            "bytes": BYTES, "bytearray": BYTEARRAY, "Any": ANY, "object": ANY}
# A container annotation without its item types (`List`, `dict`, `Tuple`)
# holds Any items, as typing reads it.
_BARE = {list: ListType(ANY), dict: DictType(ANY, ANY), set: SetType(ANY),
         tuple: VarTupleType(ANY), frozenset: SetType(ANY)}
_BARE_NAMES = {"List": list, "list": list, "Dict": dict, "dict": dict, "Set": set, "set": set,
               "Tuple": tuple, "tuple": tuple, "FrozenSet": frozenset, "frozenset": frozenset}
_GENERIC_NAMES = {"List": list, "list": list, "Dict": dict, "dict": dict, "Set": set,
                  "set": set, "Tuple": tuple, "tuple": tuple, "Optional": "optional",
                  "Union": "union"}


SUPPORTED_TYPES_HINT = (
    "supported types: int, float, bool, None, str, bytes, bytearray, Any, List[T], Dict[K, V], Set[T], "
    "Tuple[A, B, ...], Tuple[T, ...] (also list[T] etc.), Optional[T], Union[A, B] and A | B, "
    "compiled classes, Callable[...], pyjitx.NDArray / NDArray[dtype, ndim], collections' "
    "Counter[T], OrderedDict[K, V], DefaultDict[K, V], Deque[T]")


def type_from_annotation(annotation: Any, scope: Optional[dict] = None) -> Optional[Type]:
    """The IR type of an evaluated annotation (or its string form, whose
    other names -- compiled classes -- are looked up in `scope`), or None
    if pyjitx has no such type."""
    if isinstance(annotation, str):
        try:
            node = ast.parse(annotation.strip(), mode="eval").body
        except SyntaxError:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            # a quoted annotation under `from __future__ import annotations`
            # ("'List[Node]'" as a string): the text inside the quotes
            return type_from_annotation(node.value, scope)
        return _type_from_node(node, scope)
    if annotation is typing.Any or annotation is object:
        return ANY
    import array

    if annotation is array.array:  # (no typecode: an unannotated parameter takes the argument's)
        return None
    if isinstance(annotation, typing.ForwardRef):  # `Optional["Node"]`: the name, read now
        return type_from_annotation(annotation.__forward_arg__, scope)
    from .stdlib_collections import annotation_type

    flavoured = annotation_type(annotation, scope)  # Counter[str], Deque[int] ...
    if flavoured is not None:
        return flavoured
    bare = _bare_container(annotation)
    if bare is not None:
        return bare
    array = _array_annotation(annotation)
    if array is not None:
        return array
    if isinstance(annotation, type):
        from .classes import class_type_of
        from .stdclasses import type_of_class

        std = type_of_class(annotation)  # an enum or named-tuple class
        if std is not None:
            return std
        user = class_type_of(annotation)
        if user is not None:
            return user
    try:
        simple = _BY_OBJECT.get(annotation)
    except TypeError:  # unhashable annotation objects
        simple = None
    if simple is not None:
        return simple
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        return _optional([type_from_annotation(a, scope) for a in args])
    return _generic(origin, [type_from_annotation(a, scope) for a in args], args)


def annotation_scope(pyfunc: Any) -> dict:
    """Where the names in pyfunc's annotations are looked up: its module's
    namespace -- for code pyjitx generates (a class's forwarders), the
    namespace of the method it stands for, live (a class named in an
    annotation may be defined after the forwarder was made)."""
    return getattr(pyfunc, "__pjx_annotation_scope__", None) or pyfunc.__globals__


def parameter_type(annotation: Any, default: Any, scope: Optional[dict] = None) -> Optional[Type]:
    """A parameter's type: its annotation's, admitting None where None is its
    default (`def f(x: int = None)` takes None, as Python code expects)."""
    t = type_from_annotation(annotation, scope)
    if t is not None and default is None and t != NONE:
        t = make_union(t, NONE)
    return t


def _bare_container(annotation: Any) -> Optional[Type]:
    """`list`, `typing.List`, `Dict` ... with no item types: containers of Any."""
    try:
        if annotation in _BARE:
            return _BARE[annotation]
    except TypeError:  # unhashable annotation objects
        return None
    origin = typing.get_origin(annotation)
    if origin in _BARE and not typing.get_args(annotation) and \
            getattr(annotation, "_name", None) is not None:
        return _BARE[origin]
    return None


def _array_annotation(annotation: Any) -> Optional[NDArrayType]:
    """pyjitx.NDArray, NDArray[dtype, ndim], numpy.ndarray, torch.Tensor."""
    from ..arrays import ArraySpec, NDArray

    if isinstance(annotation, ArraySpec):
        return NDArrayType(annotation.dtype, annotation.ndim)
    if annotation is NDArray:
        return NDArrayType("", -1)
    if isinstance(annotation, type) and (annotation.__module__, annotation.__name__) in (
            ("numpy", "ndarray"), ("torch", "Tensor")):
        return NDArrayType("", -1)
    return None


def _array_node(node: ast.expr) -> Optional[NDArrayType]:
    """The string forms: NDArray, np.ndarray, NDArray[np.float32, 2],
    NDArray["float32"]."""
    from ..arrays import dtype_name

    if _dotted_name(node) in ("NDArray", "ndarray", "Tensor"):
        return NDArrayType("", -1)
    if not (isinstance(node, ast.Subscript) and _dotted_name(node.value) == "NDArray"):
        return None
    elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    if not 1 <= len(elts) <= 2:
        return None
    first = elts[0]
    dtype = dtype_name(first.value if isinstance(first, ast.Constant) else _dotted_name(first))
    if dtype is None:
        return None
    ndim = -1
    if len(elts) == 2:
        if not (isinstance(elts[1], ast.Constant) and type(elts[1].value) is int):
            return None
        ndim = elts[1].value
    return NDArrayType(dtype, ndim)


def _optional(members: list) -> Optional[Type]:
    """Optional[T], Union[A, B, ...] and A | B: a nullable pointer for one
    object type and None, else a union held as an Any (ir.types.make_union)."""
    if not members or any(m is None for m in members):
        return None
    return make_union(*members)


def _generic(origin: Any, items: list, raw_args: tuple = ()) -> Optional[Type]:
    if origin is tuple:
        if raw_args == ((),):  # Tuple[()]
            return TupleType(())
        if len(items) == 2 and raw_args and raw_args[1] is Ellipsis:
            return VarTupleType(items[0]) if items[0] is not None else None
        if any(t is None for t in items):
            return None
        return TupleType(tuple(items))
    if any(t is None for t in items):
        return None
    if origin is list and len(items) == 1:
        return ListType(items[0])
    if origin is set and len(items) == 1:
        return SetType(items[0])
    if origin is dict and len(items) == 2:
        return DictType(items[0], items[1])
    return None


def _type_from_node(node: ast.expr, scope: Optional[dict] = None) -> Optional[Type]:
    if isinstance(node, ast.Constant) and node.value is None:
        return NONE
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return type_from_annotation(node.value, scope)
    array = _array_node(node)
    if array is not None:
        return array
    from .stdlib_collections import annotation_node

    flavoured = annotation_node(node, scope, _type_from_node)  # "Counter[str]" ...
    if flavoured is not None:
        return flavoured
    name = _dotted_name(node)
    if name is not None:
        simple = _BY_NAME.get(name)
        if simple is not None:
            return simple
        target = _scope_value(node, scope)
        if target is not None:
            # a class (also module.Class), or an alias such as
            # `Image = NDArray[np.uint8, 3]` or `Vec = List`
            if isinstance(target, type) or typing.get_origin(target) is not None or \
                    type(target).__name__ == "ArraySpec" or target is typing.Any:
                return type_from_annotation(target, scope)
            return None
        if isinstance(node, ast.Name) and node.id in _BARE_NAMES:
            return _BARE[_BARE_NAMES[node.id]]
        if isinstance(node, ast.Name):
            return forward_class_type(node.id, scope)
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _optional([_type_from_node(node.left, scope), _type_from_node(node.right, scope)])
    if isinstance(node, ast.Subscript):
        origin = _GENERIC_NAMES.get(_dotted_name(node.value) or "")
        if origin is None:
            # an alias of a generic (`Vec = List` ... `Vec[int]`)
            target = _scope_value(node.value, scope)
            origin = _alias_origin(target)
        if origin is None:
            return None
        elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if origin == "optional":
            return _optional([_type_from_node(elts[0], scope), NONE]) if len(elts) == 1 else None
        if origin == "union":
            return _optional([_type_from_node(e, scope) for e in elts])
        if origin is tuple and len(elts) == 1 and isinstance(elts[0], ast.Tuple) and not elts[0].elts:
            return TupleType(())
        if origin is tuple and len(elts) == 2 and isinstance(elts[1], ast.Constant) \
                and elts[1].value is Ellipsis:
            item = _type_from_node(elts[0], scope)
            return VarTupleType(item) if item is not None else None
        return _generic(origin, [_type_from_node(e, scope) for e in elts])
    return None


def forward_class_type(name: str, scope: Optional[dict]) -> Optional[Type]:
    """The type of a class the module defines further down, named in an
    annotation read before its class statement ran (an instance made at
    import time whose field holds such a class): read from the module's
    source, with the id and base the class will have.  None when the
    source has no class of that name at module level."""
    from .classes import class_id_for

    module_name = (scope or {}).get("__name__")
    filename = (scope or {}).get("__file__")
    if not module_name or not filename:
        return None
    tree = _module_tree(filename)
    if tree is None:
        return None
    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == name:
            base = None
            if stmt.bases:
                if len(stmt.bases) != 1 or stmt.keywords:
                    return None
                base = _type_from_node(stmt.bases[0], scope)
                if base is not None and not isinstance(base, ClassType):
                    return None  # (object, list, Generic[...]: not a compiled base)
            return ClassType(name, class_id_for(module_name, name), base)
    return None


def _module_tree(filename: str) -> Optional[ast.Module]:
    import linecache

    from .source import _parsed_file

    lines = linecache.getlines(filename)
    return _parsed_file(filename, lines) if lines else None


def _scope_value(node: ast.expr, scope: Optional[dict]) -> Any:
    """What a name (or a dotted name: `models.Node`) in a string annotation
    refers to in the scope the annotation was written in, or None."""
    if scope is None:
        return None
    if isinstance(node, ast.Name):
        return scope.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = _scope_value(node.value, scope)
        return getattr(owner, node.attr, None) if owner is not None else None
    return None


_ALIAS_ORIGINS = {list: list, dict: dict, set: set, tuple: tuple, frozenset: set,
                  typing.Optional: "optional", typing.Union: "union"}


def _alias_origin(target: Any) -> Any:
    """The generic an alias names: list for `List` or `list`, "optional"
    for `Optional` ..., else None."""
    if target is None:
        return None
    try:
        if target in _ALIAS_ORIGINS:
            return _ALIAS_ORIGINS[target]
    except TypeError:
        return None
    origin = typing.get_origin(target)
    return _ALIAS_ORIGINS.get(origin) if origin is not None else None


def _dotted_name(node: ast.expr) -> Optional[str]:
    """'List' for `List` and `typing.List`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr
    return None


def annotation_text(node: Optional[ast.expr]) -> str:
    return ast.unparse(node) if node is not None else "?"


def type_of_python_value(value: Any) -> Optional[Type]:
    """The IR type that a Python argument value converts to (scalars only:
    an unannotated parameter is specialised on its argument's scalar type)."""
    from .stdclasses import type_of_value

    std = type_of_value(value)  # an enum member (an IntEnum's too), a named tuple
    if std is not None:
        return std
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, float):
        return FLOAT
    if value is None:
        return NONE
    if isinstance(value, str):
        return STR
    if isinstance(value, bytes):
        return BYTES
    if isinstance(value, bytearray):
        return BYTEARRAY
    import array

    if type(value) is array.array and value.typecode in "bBhHiIlLqQfd":
        from ..ir.types import ArrayType

        return ArrayType(value.typecode)
    from .classes import class_type_of_instance

    instance_type = class_type_of_instance(value)
    if instance_type is not None:
        return instance_type
    if isinstance(value, (list, dict, tuple, set, frozenset)):
        return ANY  # an unannotated container parameter holds Any items
    from ..arrays import array_type_of

    array = array_type_of(value)
    if array is not None:
        return NDArrayType(*array)
    try:  # numpy scalars and other int-likes
        import operator
        operator.index(value)
        return INT
    except TypeError:
        pass
    if hasattr(value, "__float__") and not isinstance(value, (str, bytes)):
        return FLOAT
    return None


get_type_hints = typing.get_type_hints


def is_callable_annotation(annotation: Any) -> bool:
    """`Callable[...]` (typing or collections.abc, or its text): a function
    value, whose exact type is the function (or set of functions) given --
    a parameter so annotated is specialised on its argument."""
    import collections.abc

    if isinstance(annotation, str):
        try:
            node = ast.parse(annotation.strip(), mode="eval").body
        except SyntaxError:
            return False
        if isinstance(node, ast.Subscript):
            node = node.value
        name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
        return name == "Callable"
    return annotation in (typing.Callable, collections.abc.Callable) or \
        typing.get_origin(annotation) is collections.abc.Callable
