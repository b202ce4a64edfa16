"""`@classmethod`s of compiled classes.

A classmethod is compiled once per class it is called through: its first
parameter, `cls`, is that class, known at compile time.  It is no run-time
value -- the parameter is left out of the compiled function (its type in
the specialisation key is a BoundClass) -- and inside the body `cls`
names the class the way a global name would, so `cls(...)` constructs it,
`cls.CONSTANT` reads its constants (a subclass's overrides included),
`cls.other()` calls its static and class methods and `isinstance(x, cls)`
tests for it.

`C.make(...)` and `cls.make(...)` call C's specialisation.  Through an
instance, `obj.make(...)` follows the run-time class as Python does: a
test of the instance's class against each compiled subclass known when
the code is compiled (most derived first) picks the specialisation.
"""
from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple

from ..ir import ops
from ..ir.types import ClassType, Type

if TYPE_CHECKING:
    from .builder import FunctionBuilder


@dataclass(frozen=True)
class BoundClass(Type):
    """The type of a classmethod's `cls`: the class it is called through.
    Only ever in a specialisation key, never the type of a value."""

    cls: ClassType

    def __str__(self) -> str:
        return f"type[{self.cls.name}]"


def bound_classes(pyfunc: Callable, arg_types: Tuple[Type, ...]) -> Dict[str, type]:
    """The parameters of a specialisation that are compile-time classes,
    by name (a classmethod's `cls`)."""
    from .classes import info_of_type

    names = list(inspect.signature(pyfunc).parameters)
    return {name: info_of_type(t.cls).pyclass for name, t in zip(names, arg_types)
            if isinstance(t, BoundClass)}


def call(b: "FunctionBuilder", node: ast.AST, method: classmethod, pyclass: type,
         values: Optional[List[ops.Value]] = None) -> ops.Value:
    """pyclass.method(args): `values` bound already, or else from the call."""
    from .calls import bind_arguments, call_compiled
    from .classes import info_for

    func = method.__func__
    if not inspect.isfunction(func):
        raise b.error(node, f"classmethod '{getattr(func, '__name__', func)}' wraps no plain "
                      "function")
    if values is None:
        values = bind_arguments(b, node, func, skip_first=True)
    return call_compiled(b, node, func, values, (BoundClass(info_for(pyclass).type),))


def call_on_instance(b: "FunctionBuilder", receiver: ops.Value, node: ast.Call,
                     method_of: Callable[[type], Any]) -> ops.Value:
    """receiver.name(args) (or super().name(args)) for a classmethod: `cls`
    is the receiver's run-time class, among the compiled classes it may be;
    `method_of(cls)` is the classmethod that class resolves the name to."""
    from .calls import bind_arguments
    from .classes import info_for, info_of_type, original_class, user_subclasses

    static = info_of_type(receiver.type).pyclass  # type: ignore[arg-type]
    values = bind_arguments(b, node, method_of(static).__func__, skip_first=True)
    subclasses = [sub for sub in user_subclasses(static) if original_class(sub) is sub]
    if not subclasses:
        return call(b, node, method_of(static), static, values)
    result = f".classmethod{b.next_loop_id()}"
    done = b.new_block("classmethod_done")
    for sub in sorted(subclasses, key=lambda c: len(c.__mro__), reverse=True):
        method = method_of(sub)
        if not isinstance(method, classmethod):
            raise b.error(node, f"'{ast.unparse(node.func)}' may reach {sub.__name__}, where it "
                          "is no classmethod", hint="a subclass keeps a classmethod a "
                          "classmethod")
        is_sub = b.emit(ops.InstanceOf(receiver, info_for(sub).type, b.lineno(node)))
        this, rest = b.new_block("classmethod_of"), b.new_block("classmethod_else")
        b.branch(is_sub, this, rest)
        b.seal(this)
        b.seal(rest)
        b.start(this)
        b.write_var(result, call(b, node, method, sub, values), node)
        b.goto(done)
        b.start(rest)
    b.write_var(result, call(b, node, method_of(static), static, values), node)
    b.goto(done)
    b._continue_at(done)
    return b.read_var(result, node)


def super_call(b: "FunctionBuilder", node: ast.Call, name: str, base: Any) -> Optional[ops.Value]:
    """super().name(args) where the base (a ClassInfo) resolves `name` to a
    classmethod: called with the class of the method being built (or of its
    instance); None if it is no classmethod."""
    member, _ = base.find(name)
    if not isinstance(member, classmethod):
        return None
    first = b.node.args.args[0].arg if b.node.args.args else None
    if first in b.class_bindings:  # inside a classmethod: its cls
        return call(b, node, member, b.class_bindings[first])
    receiver = b.read_var(first, node) if first else None
    # (classes.super_call has checked that `self` is an instance)
    assert receiver is not None and isinstance(receiver.type, ClassType)
    return call_on_instance(b, receiver, node, lambda cls: member)


def resolved(pyclass: type, name: str) -> Any:
    """What `pyclass.name` is, by the MRO (for the classmethod of a
    subclass)."""
    for klass in pyclass.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    return None
