"""Exact type tests: `type(x) is C`, `type(x) == C`, `type(x) is type(y)`
and their negations (`is not`, `!=`).

Unlike isinstance they admit no subclass: `type(True) is int` is False, and
an instance of a subclass is not of its base's type.  The static type
decides where it tells (an `int` local is an int, a `List[str]` a list);
an instance of a compiled class, whose run-time class may be a subclass,
compares its class id; an Any (or a union) asks the runtime.
"""
from __future__ import annotations

import ast
import builtins
from typing import TYPE_CHECKING, Optional

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import (BOOL, BYTES, FLOAT, INT, NONE, STR, ClassType, DictType, ListType,
                        OptionalType, SetType, TupleType, Type, VarTupleType, is_any,
                        with_article)
from .narrowing import NarrowedPaths, _isinstance_paths, _named_class, narrowable

if TYPE_CHECKING:
    from .builder import FunctionBuilder

_EQUALITY = (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)

# the class of every value of a static type
_STATIC_CLASSES = {INT: int, BOOL: bool, FLOAT: float, STR: str, BYTES: bytes, NONE: type(None)}


def type_operand(b: "FunctionBuilder", node: ast.expr) -> Optional[ast.expr]:
    """x, when `node` is `type(x)` with the built-in type."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "type" and len(node.args) == 1 and not node.keywords
            and not isinstance(node.args[0], ast.Starred)):
        return None
    if node.func.id in b.locals or b.lookup_global("type", node.func) is not builtins.type:
        return None
    return node.args[0]


def compare(b: "FunctionBuilder", node: ast.Compare) -> Optional[ops.Value]:
    """The value of an exact type test, or None if `node` is no such test."""
    if len(node.ops) != 1 or not isinstance(node.ops[0], _EQUALITY):
        return None
    left, right = node.left, node.comparators[0]
    left_subject, right_subject = type_operand(b, left), type_operand(b, right)
    if left_subject is None and right_subject is None:
        return None
    if left_subject is not None and right_subject is not None:
        result = same_type(b, b.expr.value(left_subject), b.expr.value(right_subject), node)
    else:
        subject, named = (left_subject, right) if left_subject is not None else (right_subject, left)
        cls = _named_class(b, named)
        if cls is None:
            raise b.error(named, f"'{ast.unparse(named)}' must name a class here",
                          hint="compare type(x) with a class (type(x) is int, type(x) == Point) "
                               "or with another type(y)")
        result = is_type(b, b.expr.value(subject), cls, node)
    if isinstance(node.ops[0], (ast.IsNot, ast.NotEq)):
        if isinstance(result, ops.Constant):
            return ops.Constant(BOOL, not result.value)
        return b.emit(ops.Unary("bool_not", result))
    return result


def _static_class(t: Type) -> Optional[type]:
    if t in _STATIC_CLASSES:
        return _STATIC_CLASSES[t]
    from .stdclasses import class_of_type

    std = class_of_type(t)  # an enum member's class, a named tuple's
    if std is not None:
        return std
    for kind, cls in ((ListType, list), (DictType, dict), (SetType, set),
                      ((TupleType, VarTupleType), tuple)):
        if isinstance(t, kind):
            return cls
    return None


def _unsupported(b: "FunctionBuilder", t: Type, node: ast.AST):
    return b.error(node, f"type() of {with_article(t)} cannot be compared in compiled code",
                   hint="test it with isinstance() instead")


def is_type(b: "FunctionBuilder", value: ops.Value, cls: type, node: ast.AST) -> ops.Value:
    """type(value) is cls."""
    from .classes import info_for, original_class

    t = value.type
    if is_any(t):
        return _any_is_type(b, value, cls, node)
    if isinstance(t, OptionalType):
        return _unless_none(b, value, cls is type(None),
                            lambda item: is_type(b, item, cls, node), node)
    if isinstance(t, ClassType):
        pyclass = original_class(cls)
        if pyclass is None:
            return ops.Constant(BOOL, False)  # an instance is no int, list ...
        target = info_for(pyclass).type
        if target != t and not target.is_subclass_of(t):
            return ops.Constant(BOOL, False)
        class_id = b.emit(ops.ClassIdOf(value, b.lineno(node)))
        return b.emit(ops.Compare("eq", class_id, ops.Constant(INT, target.class_id)))
    static = _static_class(t)
    if static is None:
        raise _unsupported(b, t, node)
    return ops.Constant(BOOL, static is cls)


def _any_is_type(b: "FunctionBuilder", value: ops.Value, cls: type, node: ast.AST) -> ops.Value:
    from .anys import _TYPE_IDS
    from .classes import info_for, original_class

    pyclass = original_class(cls)
    if pyclass is not None:
        type_id, class_id = 0, info_for(pyclass).type.class_id
    elif cls in _TYPE_IDS:
        type_id, class_id = _TYPE_IDS[cls], 0
    else:
        raise b.error(node, f"type(x) is {getattr(cls, '__name__', cls)} of an Any is not "
                      "supported", hint="compare with int, float, bool, str, bytes, list, dict, "
                                        "set, tuple, NoneType or a compiled class")
    result = b.emit(ops.PrimitiveCall(prims.ANY_IS_TYPE, [value, ops.Constant(INT, type_id),
                                                           ops.Constant(INT, class_id)],
                                      b.lineno(node)))
    return b.emit(ops.Convert("int_to_bool", result))


def _unless_none(b: "FunctionBuilder", value: ops.Value, when_none: bool, test,
                 node: ast.AST) -> ops.Value:
    """An Optional's answer: `when_none` for None, else test(the item)."""
    result = f".istype{b.next_loop_id()}"
    present, absent, after = b.new_block("present"), b.new_block("none"), b.new_block("istype")
    b.branch(b.emit(ops.OptionalOp("is_none", value, BOOL)), absent, present)
    b.seal(present)
    b.seal(absent)
    b.start(absent)
    b.write_var(result, ops.Constant(BOOL, when_none), node)
    b.goto(after)
    b.start(present)
    b.write_var(result, test(b.expr.unwrap(value, node)), node)
    b.goto(after)
    b.seal(after)
    b.start(after)
    return b.read_var(result, node)


def same_type(b: "FunctionBuilder", left: ops.Value, right: ops.Value,
              node: ast.AST) -> ops.Value:
    """type(left) is type(right)."""
    from .anys import box

    lt, rt = left.type, right.type
    if isinstance(lt, ClassType) and isinstance(rt, ClassType):
        if lt != rt and not lt.is_subclass_of(rt) and not rt.is_subclass_of(lt):
            return ops.Constant(BOOL, False)
        return b.emit(ops.Compare("eq", b.emit(ops.ClassIdOf(left, b.lineno(node))),
                                  b.emit(ops.ClassIdOf(right, b.lineno(node)))))
    dynamic = (is_any(lt) or is_any(rt) or isinstance(lt, (OptionalType, ClassType))
               or isinstance(rt, (OptionalType, ClassType)))
    if dynamic:
        for t in (lt, rt):
            if not (is_any(t) or isinstance(t, (OptionalType, ClassType)) or _static_class(t)):
                raise _unsupported(b, t, node)
        result = b.emit(ops.PrimitiveCall(prims.ANY_SAME_TYPE, [box(b, left, node),
                                                                 box(b, right, node)],
                                          b.lineno(node)))
        return b.emit(ops.Convert("int_to_bool", result))
    left_class, right_class = _static_class(lt), _static_class(rt)
    for t, cls in ((lt, left_class), (rt, right_class)):
        if cls is None:
            raise _unsupported(b, t, node)
    return ops.Constant(BOOL, left_class is right_class)


def paths(b: "FunctionBuilder", test: ast.Compare) -> NarrowedPaths:
    """What `type(x) is C` tells about the local x: where it holds, x is a
    C (as isinstance would tell); where it fails, nothing (x may still be
    an instance of a subclass of C)."""
    if len(test.ops) != 1 or not isinstance(test.ops[0], _EQUALITY):
        return NarrowedPaths()
    left, right = test.left, test.comparators[0]
    subject = type_operand(b, left)
    named = right
    if subject is None:
        subject, named = type_operand(b, right), left
    if not isinstance(subject, ast.Name) or type_operand(b, named) is not None:
        return NarrowedPaths()
    current = narrowable(b, subject.id)
    if current is None:
        return NarrowedPaths()
    found = _isinstance_paths(b, subject.id, current, named)
    if found is None:
        return NarrowedPaths()
    if isinstance(test.ops[0], (ast.Is, ast.Eq)):
        return NarrowedPaths(found.when_true, {})
    return NarrowedPaths({}, found.when_true)
