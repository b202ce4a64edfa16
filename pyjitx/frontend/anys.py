"""`Any` in the frontend: boxing a typed value into an Any, the checked
cast back, and the operators on Any operands (each a runtime call that
dispatches on the run-time type with Python's rules, libruntime any.c).
Methods switch over the static types that have them (str, bytes, compiled
classes); the methods of list, dict, set and tuple, and slices, are
runtime calls too (any_methods.c), since a container's item kinds are
known only at run time.

Where a static type is known the compiler keeps using it: an Any appears
only where the source says Any (annotations, unannotated container
parameters) or where values of different types meet in one variable.
`isinstance(x, T)` narrows x to T inside the `if` (pyjitx.frontend.narrowing).
"""
from __future__ import annotations

import ast
import inspect
from typing import TYPE_CHECKING, Callable, List, Optional, Tuple

from ..errors import CompileError
from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import (ArrayType, is_any, UnionType, ANY, BOOL, BYTEARRAY, FLOAT, INT, NONE, STR,
                        ClassType, Type, with_article)
from ..cache_classes import record_any_candidates

if TYPE_CHECKING:
    from .builder import FunctionBuilder

# any.h's operator numbers
BINARY_CODES = {"add": 0, "sub": 1, "mul": 2, "truediv": 3, "floordiv": 4, "mod": 5, "pow": 6,
                "lshift": 7, "rshift": 8, "and": 9, "or": 10, "xor": 11}
COMPARE_CODES = {"lt": 0, "le": 1, "eq": 2, "ne": 3, "gt": 4, "ge": 5}
UNARY_CODES = {ast.USub: 0, ast.UAdd: 1, ast.Invert: 2}


def _prim(b: "FunctionBuilder", prim: prims.Primitive, args, node: ast.AST,
          result_type: Optional[Type] = None) -> ops.Value:
    return b.emit(ops.PrimitiveCall(prim, args, b.lineno(node), result_type))


def box(b: "FunctionBuilder", value: ops.Value, node: ast.AST, as_type: Type = ANY) -> ops.Value:
    """A typed value as an Any (or as a union, `as_type`, which is held as
    one: the same pointer)."""
    boxed = _box(b, value, node)
    if boxed.type != as_type:
        boxed = b.emit(ops.OptionalOp("wrap", boxed, as_type))
    return boxed


def _box(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> ops.Value:
    t = value.type
    if is_any(t):
        return value
    if isinstance(t, ArrayType):  # (held as a list: an Any would take it for one)
        from .stdarrays import unsupported as array_unsupported

        raise array_unsupported(b, "an array.array held as an Any (or in a union)", node)
    if t == BYTEARRAY:  # (held as a list of ints: an Any would take it for one)
        from .bytearrays import unsupported

        raise unsupported(b, "a bytearray held as an Any (or in a union)", node)
    if t == INT:
        return _prim(b, prims.BOX_INT, [value], node)
    if t == FLOAT:
        return _prim(b, prims.BOX_FLOAT, [value], node)
    if t == BOOL:
        return _prim(b, prims.BOX_BOOL, [b.expr.coerce(value, INT, node)], node)
    if t == NONE:
        return ops.Constant(ANY, None)
    if t.is_refcounted:  # the same object (an Optional's None is NULL, as Any's)
        descriptor = _typed_container_descriptor(b, t, node)
        if descriptor is not None:
            # a list, dict or set of objects records the type compiled code
            # holds it as: stores through the Any are checked against it
            return _prim(b, prims.ANY_BOX_CONTAINER,
                         [value, ops.Constant(prims.CSTR, descriptor)], node)
        return b.emit(ops.OptionalOp("wrap", value, ANY))
    raise b.error(node, f"{with_article(t)} cannot be held in an Any",
                  hint="an Any holds what Python code can hold too: numbers, str, bytes, None, "
                       "containers and instances; function values stay in typed locals")


def _holds_typed_objects(t: Type) -> bool:
    """Is t a list, dict or set with object slots, or does it hold one
    (through tuples and Optionals, which cannot change)?  Only those need
    their type at run time: unboxed slots (List[int]) are checked by kind,
    and an instance's fields are reached through its class."""
    from ..ir.types import (KIND_OBJ, DictType, ListType, OptionalType, SetType, TupleType,
                            VarTupleType, slot_kind)

    if isinstance(t, OptionalType):
        return _holds_typed_objects(t.item)
    from ..ir.types import DequeType

    if isinstance(t, (ListType, SetType, DequeType)):
        return slot_kind(t.item) == KIND_OBJ
    if isinstance(t, DictType):
        return KIND_OBJ in (slot_kind(t.key), slot_kind(t.value))
    if isinstance(t, TupleType):
        return any(_holds_typed_objects(item) for item in t.items)
    if isinstance(t, VarTupleType):
        return _holds_typed_objects(t.item)
    return False


def _typed_container_descriptor(b: "FunctionBuilder", t: Type, node: ast.AST) -> Optional[str]:
    """The boundary descriptor of t where boxing it must record it
    (libruntime any.h "Item types"), else None."""
    from ..backend.abi import boundary_descriptor
    from ..ir.types import UNKNOWN

    if not _holds_typed_objects(t) or UNKNOWN in _component_types(t):
        return None  # (an empty literal's item type is learned by a rebuild)
    try:
        return boundary_descriptor(t)
    except CompileError as exc:  # functions inside
        raise b.error(node, f"{with_article(t)} cannot be held in an Any",
                      hint=exc.hint or "functions are values inside compiled code only")


def _component_types(t: Type) -> List[Type]:
    """t and every type inside it."""
    from ..ir.types import DictType, ListType, OptionalType, SetType, TupleType, VarTupleType

    from ..ir.types import DequeType

    found = [t]
    if isinstance(t, (ListType, SetType, OptionalType, VarTupleType, DequeType)):
        found += _component_types(t.item)
    elif isinstance(t, DictType):
        found += _component_types(t.key) + _component_types(t.value)
    elif isinstance(t, TupleType):
        for item in t.items:
            found += _component_types(item)
    return found


def unbox(b: "FunctionBuilder", value: ops.Value, to: Type, node: ast.AST) -> ops.Value:
    """An Any as the static type `to`: TypeError at run time when it holds
    a value of another type (containers are checked item by item)."""
    from ..backend.abi import boundary_descriptor

    if is_any(to):  # Any and unions: the same pointer
        return value if value.type == to else b.emit(ops.OptionalOp("wrap", value, to))
    if to == INT:
        return _prim(b, prims.ANY_TO_INT, [value], node)
    if to == FLOAT:
        return _prim(b, prims.ANY_TO_FLOAT, [value], node)
    if to == BOOL:
        return b.emit(ops.Convert("int_to_bool", _prim(b, prims.ANY_TO_BOOL, [value], node)))
    if to == NONE:
        raise b.error(node, "an Any cannot be used where None is expected",
                      hint="compare it with `is None` instead")
    if to.is_refcounted:
        descriptor = ops.Constant(prims.CSTR, boundary_descriptor(to))
        return _prim(b, prims.ANY_CAST, [value, descriptor], node, result_type=to)
    raise b.error(node, f"an Any cannot be used as {with_article(to)}")


def assign_declared(b: "FunctionBuilder", name: str, value: ops.Value, declared: Type,
                    node: ast.AST) -> ops.Value:
    """`name = value` where the local `name` is annotated `declared`: the
    local keeps its type.  An Any is checked when assigned (TypeError
    naming the local, the annotation and what the Any held); a value that
    widens to the annotation converts; anything else does not compile."""
    from .builder import _error_kind

    if value.type != ANY or declared == ANY:
        try:
            return b.expr.coerce(value, declared, node)
        except CompileError:
            raise b.error(node, f"local '{name}' is annotated {declared} but assigned "
                          f"{with_article(value.type)} here",
                          hint="a local keeps the type of its annotation: convert the value, "
                               "or annotate the local with a type that holds both") from None
    handler = b.new_block("annotated_mismatch")
    b.handlers.append(handler)
    try:
        result = unbox(b, value, declared, node)
    finally:
        b.handlers.pop()
    checked = b.block
    b.seal(handler)
    if b.ssa_has_preds(handler):
        b.start(handler)
        line = b.lineno(node)
        caught = b.emit(ops.PrimitiveCall(prims.ERR_FETCH, [], line))
        text = b.emit(ops.PrimitiveCall(prims.EXCEPTION_STR, [caught], line))
        prefix = ops.Constant(STR, f"local '{name}' is annotated {declared}: ")
        message = b.expr.binary(ast.Add(), prefix, text, node)
        b.emit(ops.PrimitiveCall(prims.ERR_SET_STR, [ops.Constant(INT, _error_kind("TypeError")),
                                                     message], line))
        b.propagate(node)
    b.start(checked)
    return result


def binary(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value,
           node: ast.AST) -> ops.Value:
    code = ops.Constant(INT, BINARY_CODES[op])
    return _prim(b, prims.ANY_BINARY, [code, box(b, left, node), box(b, right, node)], node)


def unary(b: "FunctionBuilder", op_node: ast.unaryop, operand: ops.Value, node: ast.AST) -> ops.Value:
    return _prim(b, prims.ANY_UNARY, [ops.Constant(INT, UNARY_CODES[type(op_node)]), operand], node)


def compare(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value,
            node: ast.AST) -> ops.Value:
    code = ops.Constant(INT, COMPARE_CODES[op])
    result = _prim(b, prims.ANY_COMPARE, [code, box(b, left, node), box(b, right, node)], node)
    return b.emit(ops.Convert("int_to_bool", result))


def is_none(b: "FunctionBuilder", value: ops.Value) -> ops.Value:
    return b.emit(ops.OptionalOp("is_none", value, BOOL))


def truthy(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> ops.Value:
    return b.emit(ops.Convert("int_to_bool", _prim(b, prims.ANY_TRUTHY, [value], node)))


def length(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> ops.Value:
    return _prim(b, prims.ANY_LEN, [value], node)


def getitem(b: "FunctionBuilder", value: ops.Value, key: ops.Value, node: ast.AST) -> ops.Value:
    return _prim(b, prims.ANY_GETITEM, [value, box(b, key, node)], node)


def setitem(b: "FunctionBuilder", value: ops.Value, key: ops.Value, item: ops.Value,
            node: ast.AST) -> None:
    _prim(b, prims.ANY_SETITEM, [value, box(b, key, node), box(b, item, node)], node)


def getslice(b: "FunctionBuilder", value: ops.Value, part: ast.Slice, node: ast.AST) -> ops.Value:
    """value[start:stop:step] of a str, bytes, list or tuple in an Any (the
    bounds go as they are: a dict's KeyError names them, False as False)."""
    bounds = [ops.Constant(ANY, None) if bound is None else box(b, b.expr.value(bound), bound)
              for bound in (part.lower, part.upper, part.step)]
    return _prim(b, prims.ANY_GETSLICE, [value] + bounds, node)


def setslice(b: "FunctionBuilder", value: ops.Value, part: ast.Slice, items: ops.Value,
             node: ast.AST) -> None:
    """value[start:stop:step] = items on a list in an Any (items any iterable)."""
    from .strings import slice_bounds

    _prim(b, prims.ANY_SETSLICE, [value] + slice_bounds(b, part) + [box(b, items, node)], node)


def delete(b: "FunctionBuilder", value: ops.Value, key: ast.expr, node: ast.AST) -> None:
    """del value[key] / del value[start:stop:step] on a list or dict in an Any."""
    from .strings import slice_bounds

    if isinstance(key, ast.Slice):
        _prim(b, prims.ANY_DELSLICE, [value] + slice_bounds(b, key), node)
    else:
        _prim(b, prims.ANY_DELITEM, [value, box(b, b.expr.value(key), key)], node)


def slice_index(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> ops.Value:
    """A slice bound that is an Any: its int, or ABSENT for None."""
    return _prim(b, prims.ANY_SLICE_INDEX, [value], node)


def contains(b: "FunctionBuilder", item: ops.Value, container: ops.Value, node: ast.AST) -> ops.Value:
    result = _prim(b, prims.ANY_CONTAINS, [box(b, container, node), box(b, item, node)], node)
    return b.emit(ops.Convert("int_to_bool", result))


def items(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> ops.Value:
    """`for x in value`: the items as a List[Any]."""
    return _prim(b, prims.ANY_ITEMS, [value], node)


def to_int(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> ops.Value:
    return _prim(b, prims.ANY_INT, [value], node)


def to_float(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> ops.Value:
    return _prim(b, prims.ANY_FLOAT, [value], node)


# isinstance(x, T) on an Any: libruntime's PJX_TYPE_* numbers
_TYPE_IDS = {str: 1, bytes: 2, list: 3, dict: 4, set: 5, tuple: 6, int: 9, float: 10, bool: 11,
             type(None): 100}
# ... and the static type an isinstance test narrows to
_NARROWS = {str: "str", bytes: "bytes", int: "int", float: "float", bool: "bool"}


def isinstance_check(b: "FunctionBuilder", value: ops.Value, cls: type, node: ast.AST) -> Optional[ops.Value]:
    from .classes import info_for, original_class

    from ..arrays import is_ndarray_class

    if is_ndarray_class(cls):  # an Any holds numpy arrays and torch tensors as NDArray
        return _is_instance(b, value, _NDARRAY_TYPE_ID, 0, node)
    pyclass = original_class(cls)
    if pyclass is not None:
        return _is_instance(b, value, 0, info_for(pyclass).type.class_id, node)
    import collections

    flavours = {collections.Counter: 101, collections.OrderedDict: 102,
                collections.defaultdict: 103, collections.deque: 13}  # (any.h's numbers)
    for flavour, number in flavours.items():
        if cls is flavour:
            return _is_instance(b, value, number, 0, node)
    if cls in _TYPE_IDS:
        return _is_instance(b, value, _TYPE_IDS[cls], 0, node)
    return None


_NDARRAY_TYPE_ID = 12  # PJX_TYPE_NDARRAY



def _is_instance(b: "FunctionBuilder", value: ops.Value, type_id: int, class_id: int,
                 node: ast.AST) -> ops.Value:
    """Does the Any hold a value of built-in type `type_id` / compiled class
    `class_id` (any.h pjx_any_isinstance)?"""
    result = _prim(b, prims.ANY_ISINSTANCE,
                   [value, ops.Constant(INT, type_id), ops.Constant(INT, class_id)], node)
    return b.emit(ops.Convert("int_to_bool", result))


def isinstance_narrowed_type(cls) -> Optional[Type]:
    """The static type an Any has where `isinstance(x, cls)` is true, if
    cls names one (str, int, a compiled class ...)."""
    from ..arrays import is_ndarray_class
    from .annotations import type_from_annotation
    from .classes import class_type_of

    if cls in _NARROWS:
        return type_from_annotation(_NARROWS[cls])
    if is_ndarray_class(cls) or not isinstance(cls, type):
        return None  # (an array's dtype and rank are not known statically)
    class_type = class_type_of(cls) if isinstance(cls, type) else None
    return class_type if isinstance(class_type, ClassType) else None


# ------------------------------------------------- methods and attributes


# any.h's PJX_METHOD_* numbers: the methods of list, dict, set and tuple.
# These run in the runtime (any_methods.c), which looks at the container's
# item kinds -- a List[int] boxed in compiled code and a List[Any] from
# Python take the same call -- and converts the arguments to them.
CONTAINER_METHODS = prims.CONTAINER_METHODS
_MAX_METHOD_ARGS = 3  # pjx_any_method's a0..a2


def method_call(b: "FunctionBuilder", value: ops.Value, name: str, node: ast.Call) -> ops.Value:
    """x.name(...) on an Any: a run-time switch over the types that have the
    method (str, bytes, compiled classes known now), each branch the typed
    call on the narrowed value; then, for the name of a list/dict/set/tuple
    method, the runtime's call (which raises AttributeError for a type
    without it), else AttributeError."""
    from ..ir.types import BYTES, STR
    from . import classes, strings

    candidates: List[Tuple[Type, Callable[[ops.Value], ops.Value]]] = []
    if name in prims.STR_METHODS or name in ("join", "format"):
        candidates.append((STR, lambda v: strings.method_call(b, v, name, node)))
    if name in prims.BYTES_METHODS:
        candidates.append((BYTES, lambda v: strings.method_call(b, v, name, node)))
    members = _class_members(value)
    if members is not None and not any(_has(t, name) for t in members):
        raise b.error(node, f"no member of {value.type} has a method '{name}'")
    if members is not None:  # a union of compiled classes: those only, typed
        return _switch(b, value, [(t, lambda v: classes.method_call(b, v, name, node))
                                  for t in members if _has(t, name)], name, node, typed=True)
    infos = [info for info in classes.known_classes() if method_candidate(info, name)]
    record_any_candidates(b.session, "anymethod", name, infos)
    for info in infos:
        candidates.append((info.type, lambda v: classes.method_call(b, v, name, node)))
    fallback = None
    if name in CONTAINER_METHODS:
        fallback = lambda: _container_method(b, value, name, node)  # noqa: E731
    return _switch(b, value, candidates, name, node, fallback)


def method_candidate(info, name: str) -> bool:
    """Does x.name(...) on an Any have a branch for instances of `info`?"""
    member, _ = info.find(name)
    return inspect.isfunction(member) or isinstance(member, staticmethod)


def attribute_candidate(info, name: str) -> bool:
    """Does x.name on an Any have a branch for instances of `info`?"""
    member, _ = info.find(name)
    return name in info.field_names or isinstance(member, property) or (
        member is not None and not callable(member))


def _class_members(value: ops.Value) -> Optional[List[ClassType]]:
    """The classes of a `Union[A, B]` of compiled classes (no None, no other
    type), else None: an attribute or method of it is looked up in those
    classes alone, and has their common type where they agree."""
    t = value.type
    if isinstance(t, UnionType) and t.members and all(isinstance(m, ClassType) for m in t.members):
        return list(t.members)
    return None


def _has(t: ClassType, name: str) -> bool:
    """Has the class a method, field or class attribute `name`?  (A member
    without it is left to the run-time AttributeError, CPython's.)"""
    from . import classes

    info = classes.info_of_type(t)
    member, _ = info.find(name)
    return member is not None or name in info.field_names


def _container_method(b: "FunctionBuilder", value: ops.Value, name: str, node: ast.Call) -> ops.Value:
    """The runtime's pjx_any_method call for x.name(args).  The methods
    take positional arguments only (as Python's do), but for sort's
    keywords: `reverse` is passed as its one argument; a key function
    needs the static item type, so it is a compile-time error here."""
    # (`*t` and `**{...}` are unpacked before: calls.StaticCall)
    keywords = {kw.arg: kw.value for kw in node.keywords}
    args = [box(b, b.expr.value(arg), arg) for arg in node.args]
    if name == "sort":
        if args:
            raise b.error(node, "sort() takes no positional arguments")
        for key in keywords:
            if key not in ("key", "reverse"):
                raise b.error(node, f"sort() got an unexpected keyword argument '{key}'")
        key = keywords.get("key")
        if key is not None and not (isinstance(key, ast.Constant) and key.value is None):
            raise b.error(key, "sort(key=...) on an Any is not supported",
                          hint="narrow it first: `if isinstance(x, list):`, then "
                               "`xs: List[Any] = x` and `xs.sort(key=...)`")
        if "reverse" in keywords:
            args = [box(b, b.expr.value(keywords["reverse"]), keywords["reverse"])]
    elif keywords:
        raise b.error(node, f"{name}() of a list, dict or set takes no keyword arguments")
    if len(args) > _MAX_METHOD_ARGS:
        raise b.error(node, f"{name}() on an Any takes at most {_MAX_METHOD_ARGS} arguments "
                            "in compiled code")
    unused = [ops.Constant(ANY, None)] * (_MAX_METHOD_ARGS - len(args))
    return _prim(b, prims.ANY_METHOD, [ops.Constant(INT, CONTAINER_METHODS[name]), value,
                                       ops.Constant(INT, len(args))] + args + unused, node)


def lookup_method(b: "FunctionBuilder", container: ops.Value, name: str, args: List[ops.Value],
                  result: Type, node: ast.AST) -> ops.Value:
    """container.name(*args) -- a lookup (count, index, remove, get, pop,
    discard) of a typed container whose item type the argument does not
    have -- through the runtime's method of the container as an Any, which
    compares across types as Python does (1.0 among ints, an int among
    floats exactly, [1] among lists of floats); the result as `result`."""
    boxed = [box(b, a, node) for a in args]
    unused = [ops.Constant(ANY, None)] * (_MAX_METHOD_ARGS - len(boxed))
    value = _prim(b, prims.ANY_METHOD, [ops.Constant(INT, CONTAINER_METHODS[name]),
                                        box(b, container, node),
                                        ops.Constant(INT, len(boxed))] + boxed + unused, node)
    if result == NONE:
        return ops.Constant(NONE, None)
    return unbox(b, value, result, node)


def attribute(b: "FunctionBuilder", value: ops.Value, node: ast.Attribute) -> ops.Value:
    """x.name on an Any: the attribute of whichever compiled class x is."""
    from . import classes

    members = _class_members(value)
    if members is not None and not any(_has(t, node.attr) for t in members):
        raise b.error(node, f"no member of {value.type} has an attribute '{node.attr}'")
    if members is not None:
        return _switch(b, value, [(t, lambda v: classes.get_attribute(b, v, node))
                                  for t in members if _has(t, node.attr)], node.attr, node, typed=True)
    candidates: List[Tuple[Type, Callable[[ops.Value], ops.Value]]] = []
    infos = [info for info in classes.known_classes() if attribute_candidate(info, node.attr)]
    record_any_candidates(b.session, "anyattr", node.attr, infos)
    for info in infos:
        candidates.append((info.type, lambda v: classes.get_attribute(b, v, node)))
    return _switch(b, value, candidates, node.attr, node)


def _switch(b: "FunctionBuilder", value: ops.Value, candidates, name: str, node: ast.AST,
            fallback: Optional[Callable[[], ops.Value]] = None, typed: bool = False) -> ops.Value:
    """Test the candidates' types in turn, each hit running its typed
    branch; where none matches, `fallback` (an Any result) or else
    AttributeError.  `typed`: where every branch's result has the same
    static type, the result has that type (not boxed into an Any)."""
    # (the candidates depend on the classes known now: the disk cache
    # checks them at load, pyjitx/cache_classes.py)
    b.session.any_dispatch = True
    after = b.new_block("any_dispatched")
    incoming = []
    rejected: List[CompileError] = []

    def attempt(block, build: Callable[[], ops.Value]) -> None:
        blocks_before = len(b.fn.blocks)
        try:
            result = build()
        except CompileError as exc:
            rejected.append(exc)
            # this type takes no such call (`b"".split(",")`): for a value of
            # it, the call raises TypeError at run time, as in Python.  Undo
            # what the attempt built (inside a `try`, its fallible calls
            # already ended `block` with edges to the handler)
            dropped = set(b.fn.blocks[blocks_before:])
            del b.fn.blocks[blocks_before:]
            block.ops.clear()
            block.terminator = None
            b.ssa.roll_back(dropped, block)
            b.block = block
            b.terminate(ops.Raise("TypeError", exc.message.split("\n")[0], b.lineno(node)))
        else:
            incoming.append((b.block, result))
            b.goto(after)

    for static_type, build in candidates:
        test = _type_test(b, value, static_type, node)
        hit, miss = b.new_block("any_is"), b.new_block("any_not")
        b.branch(test, hit, miss)
        b.seal(hit)
        b.seal(miss)
        b.start(hit)
        if typed:  # (boxed, where the branches differ, by _merge)
            attempt(hit, lambda: build(unbox(b, value, static_type, node)))
        else:
            attempt(hit, lambda: box(b, build(unbox(b, value, static_type, node)), node))
        b.start(miss)
    if fallback is not None and candidates:
        attempt(b.block, fallback)
    elif fallback is not None:
        # no typed branch: a call the runtime cannot take is the program's error
        result = fallback()  # (may end in another block: an argument's own dispatch)
        incoming.append((b.block, result))
        b.goto(after)
    else:
        _prim(b, prims.ANY_NO_ATTRIBUTE, [value, ops.Constant(prims.CSTR, name)], node)
        b.propagate(node)
    if not incoming and rejected and typed:
        # no member of the union takes the call: the code after it could never
        # run, and is not built -- the first type's reason, at compile time
        raise rejected[0]
    if not incoming:
        b.seal(after)
        b.start(after)
        b.terminate(ops.Unreachable())
        b.block = None
        return ops.Constant(ANY, None)
    result_type: Type = ANY
    if typed:
        kinds = {result.type for _, result in incoming}
        if len(kinds) == 1 and NONE not in kinds:
            # (a union there, `Optional[float]`, is held as an Any already)
            result_type = kinds.pop()
    return b.expr._merge(after, result_type, incoming, node)


def _type_test(b: "FunctionBuilder", value: ops.Value, t: Type, node: ast.AST) -> ops.Value:
    from ..ir.types import BYTES, STR

    if isinstance(t, ClassType):
        return _is_instance(b, value, 0, t.class_id, node)
    return _is_instance(b, value, _TYPE_IDS[{STR: str, BYTES: bytes}[t]], 0, node)


def math_round(b: "FunctionBuilder", name: str, value: ops.Value, node: ast.AST) -> ops.Value:
    """math.floor/ceil/trunc of an Any: an int (a bool is one) is itself, a
    float rounds; anything else is CPython's TypeError."""
    holds_int = isinstance_check(b, value, int, node)
    int_block, float_block = b.new_block("round_int"), b.new_block("round_float")
    after = b.new_block("rounded")
    b.expr.condition_value(holds_int, int_block, float_block)
    b.seal(int_block)
    b.seal(float_block)
    b.start(int_block)
    as_int = _prim(b, prims.ANY_AS_INDEX, [value], node)
    int_end = b.block
    b.goto(after)
    b.start(float_block)
    as_float = _prim(b, prims.ANY_REAL, [value], node)
    rounded = b.emit(ops.PrimitiveCall(prims.MATH[name], [as_float], b.lineno(node)))
    float_end = b.block
    b.goto(after)
    return b.expr._merge(after, INT, [(int_end, as_int), (float_end, rounded)], node)
