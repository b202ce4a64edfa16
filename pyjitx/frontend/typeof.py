"""What compiled code can do with the class of a value, `type(x)` or
`x.__class__`, besides comparing it (typechecks.py): read its name
(`type(e).__name__`, `__qualname__`), print it (`str(type(x))`,
f"{type(x)}" -> "<class 'int'>"), and read a class attribute through it
(`self.__class__.WEAKEST`, `type(self).LIMIT`).

A class object is no value in compiled code, so these are recognised as
whole expressions.  The static type decides where it tells everything
(an int is an int); an instance of a compiled class with compiled
subclasses, or an exception, is told apart at run time among the classes
it can be (their ids or kinds), each of whose names is a constant."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, List, Optional, Tuple

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import (BOOL, BYTES, EXCEPTION, FLOAT, INT, NONE, STR, ClassType, DictType,
                        ListType, OptionalType, SetType, TupleType, Type, VarTupleType, is_any,
                        with_article)

if TYPE_CHECKING:
    from .builder import FunctionBuilder

_BUILTIN_NAMES = {INT: "int", FLOAT: "float", BOOL: "bool", STR: "str", BYTES: "bytes",
                  NONE: "NoneType"}


def class_subject(b: "FunctionBuilder", node: ast.expr) -> Optional[ast.expr]:
    """x, when node is `type(x)` or `x.__class__`."""
    from .typechecks import type_operand

    if isinstance(node, ast.Attribute) and node.attr == "__class__":
        return node.value
    return type_operand(b, node)


def attribute(b: "FunctionBuilder", node: ast.Attribute) -> Optional[ops.Value]:
    """`type(x).attr` / `x.__class__.attr`, or None if node is neither."""
    subject = class_subject(b, node.value)
    if subject is None:
        return None
    value = b.expr.value(subject)
    if node.attr in ("__name__", "__qualname__"):
        return _choose(b, value, node, lambda name, qualname: name if node.attr == "__name__"
                       else qualname)
    value = b.expr.unwrap(value, node)
    if not isinstance(value.type, ClassType):
        raise b.error(node, f"'{ast.unparse(node)}': compiled code reads __name__ and __qualname__ "
                      f"of the class of {with_article(value.type)}")
    return _class_attribute(b, value.type, node)


def text(b: "FunctionBuilder", node: ast.expr) -> Optional[ops.Value]:
    """str(type(x)) -- "<class 'int'>", "<class '__main__.Point'>" -- or
    None if node is no class of a value."""
    subject = class_subject(b, node)
    if subject is None:
        return None
    value = b.expr.value(subject)
    return _choose(b, value, node, lambda name, qualname: name, as_text=True)


# ---------------------------------------------------------------- names

def _choose(b: "FunctionBuilder", value: ops.Value, node: ast.AST, pick,
            as_text: bool = False) -> ops.Value:
    """The name (or text) of value's class: a constant where the static type
    tells, else a choice among the classes it can be, at run time."""
    candidates = _candidates(b, value, node)

    def shown(cls: type) -> str:
        if as_text:
            if type(cls).__repr__ is not type.__repr__:
                return repr(cls)  # (a metaclass's own: "<enum 'Color'>", "<flag 'Perm'>")
            module = cls.__module__
            qualified = cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"
            return f"<class '{qualified}'>"
        return pick(cls.__name__, cls.__qualname__)

    default, tests = candidates
    result: ops.Value = ops.Constant(STR, shown(default))
    for test, cls in tests:
        result = b.emit(ops.Select(test(), ops.Constant(STR, shown(cls)), result))
    return result


def _candidates(b: "FunctionBuilder", value: ops.Value, node: ast.AST):
    """(the class when no test holds, [(test, class)] to try in order)."""
    t = value.type
    if isinstance(t, OptionalType):
        # None, or the item's class: told apart only where the item's class
        # is known without looking inside (a test on None would read nothing)
        default, tests = _candidates_of(b, t.item, value, node)
        if tests:
            raise b.error(node, f"the class of {with_article(t)} is told only after "
                          "`is None` is ruled out here", hint="test `x is None` first")
        absent = b.emit(ops.OptionalOp("is_none", value, BOOL))
        return default, [(lambda: absent, type(None))]
    return _candidates_of(b, t, value, node)


def _candidates_of(b: "FunctionBuilder", t: Type, value: ops.Value, node: ast.AST):
    if t in _BUILTIN_NAMES:
        return _builtin(_BUILTIN_NAMES[t]), []
    from .stdclasses import class_of_type

    std = class_of_type(t)  # an enum member's class, a named tuple's
    if std is not None:
        return std, []
    from .stdlib_collections import python_class

    if python_class(t) is not None:  # Counter, deque ...
        return python_class(t), []
    for kind, name in ((ListType, "list"), (DictType, "dict"), (SetType, "set"),
                       ((TupleType, VarTupleType), "tuple")):
        if isinstance(t, kind):
            return _builtin(name), []
    if isinstance(t, ClassType):
        from .classes import info_of_type, user_subclasses
        from .typechecks import is_type

        pyclass = info_of_type(t).pyclass
        tests = [(lambda sub=sub: is_type(b, value, sub, node), sub)
                 for sub in user_subclasses(pyclass)]
        return pyclass, tests
    if t == EXCEPTION:
        return _exception_candidates(b, value, node)
    if is_any(t):
        from .typechecks import is_type

        classes: List[type] = [bool, int, float, str, bytes, list, dict, set, tuple, type(None)]
        return object, [(lambda cls=cls: is_type(b, value, cls, node), cls) for cls in classes]
    raise b.error(node, f"the class of {with_article(t)} is not a value compiled code can use",
                  hint="test it with isinstance() instead")


def _builtin(name: str) -> type:
    import builtins

    return type(None) if name == "NoneType" else getattr(builtins, name)


def _exception_candidates(b: "FunctionBuilder", value: ops.Value, node: ast.AST):
    """An exception's class, among the built-in ones compiled code raises and
    the user classes registered so far, by its run-time kind."""
    import builtins

    from .. import exceptions as registry
    from ..backend.abi import ERROR_KINDS

    kind = b.emit(ops.PrimitiveCall(prims.EXCEPTION_KIND, [value], b.lineno(node)))
    classes: List[Tuple[int, type]] = [(k, getattr(builtins, name))
                                       for name, k in ERROR_KINDS.items()]
    classes += sorted(registry._by_kind.items())

    def test(k: int):
        return lambda: b.emit(ops.Compare("eq", kind, ops.Constant(INT, k)))

    return Exception, [(test(k), cls) for k, cls in classes]


# ------------------------------------------------------------ attributes

def _class_attribute(b: "FunctionBuilder", t: ClassType, node: ast.Attribute) -> ops.Value:
    """A class attribute read through the class of an instance: the static
    class's, which must be every subclass's too."""
    from .classes import class_constant, info_of_type, user_subclasses

    pyclass = info_of_type(t).pyclass
    differing = [sub.__name__ for sub in user_subclasses(pyclass) if node.attr in sub.__dict__]
    if differing:
        raise b.error(node, f"'{ast.unparse(node)}' differs between {pyclass.__name__} and its "
                      f"subclass {differing[0]}, which compiled code tells apart only by "
                      "methods", hint=f"read it through a method that {differing[0]} overrides")
    from .classes import class_attribute

    found = class_attribute(pyclass, node.attr)
    if found is None:
        raise b.error(node, f"type object '{pyclass.__name__}' has no attribute '{node.attr}'")
    holder, value = found
    b.session.depend_on("classattr", holder, node.attr, value)
    if callable(value) or isinstance(value, (staticmethod, classmethod, property)):
        raise b.error(node, f"'{ast.unparse(node)}' is a method: compiled code calls methods on "
                      "the instance", hint=f"call self.{node.attr}(...)")
    return class_constant(b, value, node)
