"""Narrowing: where a test has decided what a local holds, the local reads
as that type.

A union or an Optional local (`x: Optional[int]`, `r = None` then `r = 5`)
is held as an Any or a nullable pointer; after `if x is not None:`, inside
`if isinstance(x, str):`, after `if x is None: return ...`, after
`assert x is not None`, in `x is not None and x > 0` or `y if x else z`,
it reads as its member type -- unboxed again, with a run-time check that
costs a compare.  A narrowing lasts while the test still holds: until the
local is assigned, until the statements it was found in end, and never
into a loop or an exception handler whose code may assign the local before
it runs (narrowing must never claim a type the value does not have: the
check would turn a value CPython accepts into a TypeError).

A narrowing is a dict {local: type}; a test gives two, for the paths
where it is true and where it is false (NarrowedPaths).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Set

from ..ir.types import (ANY, BOOL, BYTES, FLOAT, INT, NONE, STR, ClassType, DictType, ListType,
                        NDArrayType, OptionalType, SetType, TupleType, Type, UnionType,
                        VarTupleType, make_union, UNKNOWN, FunctionRefType, FunctionSetType,
                        has_unknown, is_any)

if TYPE_CHECKING:
    from .builder import FunctionBuilder

Narrowing = Dict[str, Type]


@dataclass
class NarrowedPaths:
    """What a test tells about locals where it is true, and where false."""

    when_true: Narrowing = field(default_factory=dict)
    when_false: Narrowing = field(default_factory=dict)


def bound_names(stmts: Iterable[ast.AST]) -> Set[str]:
    """Every name the statements may bind (assignments, loop and with
    targets, except-as, walrus, del, nested definitions), and every name a
    nested function declares nonlocal or global (a call of it may rebind
    that name)."""
    names: Set[str] = set()
    pending: List[ast.AST] = list(stmts)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Nonlocal, ast.Global)):
            names.update(node.names)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
        pending.extend(ast.iter_child_nodes(node))
    return names


def without(narrowing: Narrowing, names: Set[str]) -> Narrowing:
    return {k: v for k, v in narrowing.items() if k not in names}


def _non_none(t: Type) -> Optional[Type]:
    if isinstance(t, OptionalType):
        return t.item
    if isinstance(t, UnionType) and NONE in t.members:
        return t.without_none()
    return None


def _members(t: Type) -> List[Type]:
    if isinstance(t, UnionType):
        return list(t.members)
    if isinstance(t, OptionalType):
        return [t.item, NONE]
    return [t]


_PYTHON_CLASS_TYPES = {int: (INT, BOOL), float: (FLOAT,), bool: (BOOL,), str: (STR,),
                       bytes: (BYTES,), type(None): (NONE,), list: (ListType,), dict: (DictType,),
                       set: (SetType,), tuple: (TupleType, VarTupleType)}


def _is_instance_of(member: Type, cls: type) -> Optional[bool]:
    """Is every value of `member` an instance of `cls` (True), none of them
    (False), or does it depend on the value (None)?"""
    from ..arrays import is_ndarray_class
    from .classes import class_type_of

    if is_ndarray_class(cls):
        return isinstance(member, NDArrayType)
    expected = _PYTHON_CLASS_TYPES.get(cls)
    if expected is not None:
        return any(member == t if isinstance(t, Type) else isinstance(member, t) for t in expected)
    if cls.__module__ in ("builtins", "typing", "numpy", "torch") or issubclass(cls, BaseException):
        return None  # no compiled class: the run-time test decides
    class_type = class_type_of(cls)
    if isinstance(class_type, ClassType):
        if not isinstance(member, ClassType):
            return False
        if member.is_subclass_of(class_type):
            return True
        return None if class_type.is_subclass_of(member) else False  # a subclass instance, maybe
    return None


def _subclass_types(member: Type, classes: List[type]) -> List[Type]:
    """The compiled subclasses of instance type `member` among `classes`
    (all of them, or none: then the test narrows nothing)."""
    from .classes import class_type_of

    if not isinstance(member, ClassType):
        return []
    found = []
    for cls in classes:
        t = class_type_of(cls)
        if not (isinstance(t, ClassType) and t != member and t.is_subclass_of(member)):
            return []
        found.append(t)
    return found


def _isinstance_paths(b: "FunctionBuilder", name: str, current: Type,
                      classes_node: ast.expr) -> Optional[NarrowedPaths]:
    from .anys import isinstance_narrowed_type

    nodes = classes_node.elts if isinstance(classes_node, ast.Tuple) else [classes_node]
    classes = [_named_class(b, n) for n in nodes]
    if any(cls is None for cls in classes):
        return None
    if current == ANY:  # an Any: what each class names, when it names one type
        if len(classes) != 1:
            return None
        narrowed = isinstance_narrowed_type(classes[0])
        return NarrowedPaths({name: narrowed}) if narrowed is not None else None
    inside, outside = [], []
    for member in _members(current):
        verdicts = [_is_instance_of(member, cls) for cls in classes]
        if any(v is True for v in verdicts):
            inside.append(member)
        elif all(v is False for v in verdicts):
            outside.append(member)
        else:  # depends on the value: possible on both paths
            # (an instance of a base tested against a subclass is, where the
            # test holds, an instance of that subclass)
            inside.extend(_subclass_types(member, classes) or [member])
            outside.append(member)
    paths = NarrowedPaths()
    if inside and set(inside) != set(_members(current)):
        paths.when_true[name] = make_union(*inside)
    if outside and set(outside) != set(_members(current)):
        paths.when_false[name] = make_union(*outside)
    return paths


def narrowable(b: "FunctionBuilder", name: str) -> Optional[Type]:
    """The type of local `name` if narrowing it can tell more, else None."""
    if name not in b.locals or name.startswith("."):
        return None
    t = b.narrowed.get(name) or b.var_types.get(name)
    if isinstance(t, (OptionalType, UnionType, ClassType)) or t == ANY:
        return t  # (an instance of a base class may be one of a subclass)
    return None


def paths_of(b: "FunctionBuilder", test: ast.expr) -> NarrowedPaths:
    """What `test` tells about locals where it is true and where false."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = paths_of(b, test.operand)
        return NarrowedPaths(inner.when_false, inner.when_true)
    if isinstance(test, ast.BoolOp):
        parts = [paths_of(b, v) for v in test.values]
        paths = NarrowedPaths()
        if isinstance(test.op, ast.And):  # all true: every part's truth
            for part in parts:
                paths.when_true.update(part.when_true)
        else:  # all false: every part's falsehood
            for part in parts:
                paths.when_false.update(part.when_false)
        return paths
    if isinstance(test, ast.Name):  # truthiness: a truthy value is not None
        t = narrowable(b, test.id)
        rest = _non_none(t) if t is not None else None
        return NarrowedPaths({test.id: rest}) if rest is not None else NarrowedPaths()
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and \
            isinstance(test.ops[0], (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)) and \
            any(isinstance(side, ast.Call) for side in (test.left, test.comparators[0])):
        from .typechecks import paths

        return paths(b, test)  # type(x) is C
    if isinstance(test, ast.NamedExpr):  # (x := value): what the value's truth tells of x
        return paths_of(b, test.target)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and \
            isinstance(test.ops[0], (ast.Is, ast.IsNot)):
        left, right = test.left, test.comparators[0]
        if isinstance(left, ast.NamedExpr):  # (x := value) is not None
            left = left.target
        if _is_none_literal(left):
            left, right = right, left
        if not (isinstance(left, ast.Name) and _is_none_literal(right)):
            return NarrowedPaths()
        t = narrowable(b, left.id)
        rest = _non_none(t) if t is not None else None
        if rest is None:
            return NarrowedPaths()
        not_none = {left.id: rest}
        return NarrowedPaths({}, not_none) if isinstance(test.ops[0], ast.Is) else \
            NarrowedPaths(not_none, {})
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and \
            test.func.id == "isinstance" and len(test.args) == 2 and not test.keywords and \
            isinstance(test.args[0], ast.Name) and "isinstance" not in b.locals:
        name = test.args[0].id
        t = narrowable(b, name)
        if t is not None:
            paths = _isinstance_paths(b, name, t, test.args[1])
            if paths is not None:
                return paths
    return NarrowedPaths()


def _named_class(b: "FunctionBuilder", node: ast.expr) -> Optional[type]:
    """The class a name (or module.name) in an isinstance test refers to."""
    from .calls import _is_module_path, resolve_attribute

    try:
        if isinstance(node, ast.Name) and node.id not in b.locals:
            value = b.lookup_global(node.id, node)
        elif isinstance(node, ast.Attribute) and _is_module_path(b, node.value):
            value = resolve_attribute(b, node)
        else:
            return None
    except Exception:  # noqa: BLE001 - not a class known at compile time: no narrowing
        return None
    return value if isinstance(value, type) else None


def _is_none_literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def narrows(held: Type, assigned: Type) -> bool:
    """Does assigning a value of type `assigned` to a local of type `held`
    tell more than `held` does (an int into an Optional[int], a str into an
    Any) -- so that reads until the next assignment may use `assigned`?"""
    if assigned == held or assigned in (NONE, UNKNOWN) or is_any(assigned):
        return False
    if isinstance(held, OptionalType):
        return assigned == held.item
    if held == FLOAT:  # an int kept exact (FunctionBuilder.exact_int)
        return assigned == INT
    if is_any(held):
        return not isinstance(assigned, (FunctionRefType, FunctionSetType)) and \
            not has_unknown(assigned)
    return False
