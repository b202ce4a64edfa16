"""Methods beyond the plain call `obj.m(...)`: super(C, self), and methods
as values -- bound (`ins = xs.insert`, `f = self.method`) and unbound
(`str.upper`, `key=str.lower`)."""
from __future__ import annotations

import ast
import inspect
import types
from typing import TYPE_CHECKING, Optional, Tuple

from ..errors import CompileError
from ..ir import ops
from ..ir.types import (BOOL, BYTES, STR, ClassType, DictType, ListType, SetType, TupleType,
                        VarTupleType, with_article)
from .closures import LocalFunction

if TYPE_CHECKING:
    from .builder import FunctionBuilder


def explicit_super(b: "FunctionBuilder", call: ast.Call,
                   in_classmethod: bool) -> Tuple[object, Optional[ops.Value]]:
    """super(C, obj): the class whose base the lookup starts at (C's
    ClassInfo), and the receiver (None in a classmethod, whose `cls` is no
    value).  With single inheritance, the attribute after C in obj's MRO
    is C's base's."""
    from .calls import _named_object
    from .classes import info_for, original_class

    cls_node, obj_node = call.args
    if isinstance(cls_node, ast.Name) and cls_node.id in b.locals or \
            not isinstance(cls_node, (ast.Name, ast.Attribute)):
        raise b.error(cls_node, "super()'s first argument must name a compiled class here",
                      hint="write super(ClassName, self), or super()")
    pyclass = original_class(_named_object(b, cls_node))
    if pyclass is None:
        raise b.error(cls_node, "super()'s first argument must name a compiled class here",
                      hint="write super(ClassName, self), or super()")
    info = info_for(pyclass)
    self_name = b.node.args.args[0].arg if b.node.args.args else None
    if in_classmethod:
        if not (isinstance(obj_node, ast.Name) and obj_node.id == self_name):
            raise b.error(obj_node, f"super() in a classmethod takes its class, '{self_name}'")
        return info, None
    receiver = b.expr.unwrap(b.expr.value(obj_node), obj_node)
    t = receiver.type
    if not (isinstance(t, ClassType) and (t == info.type or t.is_subclass_of(info.type))):
        raise b.error(call, "super(type, obj): obj must be an instance or subtype of type")
    return info, receiver


# --------------------------------------------------------- methods as values

# the built-in types whose instance methods `T.method` names unbound
_BUILTIN_TYPES = (str, bytes, list, dict, set, tuple, int, float)


def builtin_type_named(b: "FunctionBuilder", node: ast.expr) -> Optional[type]:
    """str, list ... when `node` names one of those types (not a local)."""
    if not isinstance(node, ast.Name) or node.id in b.locals or node.id in b.lambda_bindings:
        return None
    try:
        target = b.lookup_global(node.id, node)
    except CompileError:
        return None
    return target if target in _BUILTIN_TYPES else None


def _is_instance_method(cls: type, name: str) -> bool:
    return isinstance(cls.__dict__.get(name), (types.MethodDescriptorType,
                                               types.WrapperDescriptorType))


def _key(b: "FunctionBuilder", node: ast.AST, what: str) -> int:
    # the same in every rebuild of the function (as closures.function_value's)
    return hash((b.pyfunc.__module__, b.pyfunc.__qualname__, what, node.lineno, node.col_offset,
                 ast.dump(node)))


class MethodValue(LocalFunction):
    """`receiver.name` (bound: the receiver is kept in a hidden local when
    the attribute is read, as Python's bound method keeps it) or
    `T.name` of a built-in type (unbound: the first argument is the
    receiver).  A call is the method call, built where it is made."""

    def __init__(self, b: "FunctionBuilder", node: ast.Attribute, receiver: Optional[str],
                 unbound: Optional[type]) -> None:
        self.attr = node.attr
        self.receiver = receiver  # the hidden local, or None
        self.unbound = unbound
        shown = f"{unbound.__name__}.{node.attr}" if unbound else node.attr
        # a lambda that stands for the bound method, for what reads the node
        call = ast.Call(func=ast.Attribute(value=ast.Name(id=receiver or "_", ctx=ast.Load()),
                                           attr=node.attr, ctx=ast.Load()),
                        args=[ast.Starred(value=ast.Name(id="args", ctx=ast.Load()),
                                          ctx=ast.Load())],
                        keywords=[ast.keyword(arg=None, value=ast.Name(id="kwargs",
                                                                        ctx=ast.Load()))])
        lam = ast.Lambda(args=ast.arguments(posonlyargs=[], args=[],
                                            vararg=ast.arg(arg="args"), kwonlyargs=[],
                                            kw_defaults=[], kwarg=ast.arg(arg="kwargs"),
                                            defaults=[]), body=call)
        for sub in ast.walk(lam):
            ast.copy_location(sub, node)
        super().__init__(lam, shown, {receiver} if receiver else set(),
                         _key(b, node, "method"), f"{b.lineno(node)}:{node.col_offset}", None,
                         in_loop=bool(b.loops), stored_defaults={})
        self.qualname = shown

    def describe(self) -> str:
        return f"the method {self.name} at {self.where}"

    def state(self) -> Optional[str]:
        if self.receiver:
            return "is a bound method, whose object this function holds"
        return None

    def per_definition(self) -> Optional[str]:
        return "its object" if self.receiver and self.in_loop else None

    def call(self, b: "FunctionBuilder", node: ast.Call) -> ops.Value:
        from .calls import build_call

        if self.receiver is not None:
            receiver: ast.expr = ast.Name(id=self.receiver, ctx=ast.Load())
            args = node.args
        else:
            if not node.args or isinstance(node.args[0], ast.Starred):
                raise b.error(node, f"unbound method {self.name}() needs an argument")
            receiver, args = node.args[0], node.args[1:]
            value = b.expr.unwrap(b.expr.value(receiver), receiver)
            expected = _type_of_class(self.unbound)
            if value.type != expected and not (self.unbound is int and value.type == BOOL):
                from .typechecks import _static_class

                cls = _static_class(value.type)
                shown = f"a '{cls.__name__}' object" if cls else with_article(value.type)
                raise b.error(receiver, f"descriptor '{self.attr}' for '{self.unbound.__name__}' "
                              f"objects doesn't apply to {shown}")
            hidden = f".self{b.next_loop_id()}"
            b.lambda_bindings[hidden] = value
            receiver = ast.Name(id=hidden, ctx=ast.Load())
        call = ast.Call(func=ast.Attribute(value=receiver, attr=self.attr, ctx=ast.Load()),
                        args=list(args), keywords=list(node.keywords))
        for sub in (call, call.func, receiver):
            ast.copy_location(sub, node)
        try:
            return build_call(b, call)
        finally:
            if self.receiver is None:
                b.lambda_bindings.pop(receiver.id, None)


def _type_of_class(cls: type):
    from ..ir.types import FLOAT, INT

    return {str: STR, bytes: BYTES, int: INT, float: FLOAT}[cls]


def unbound_method(b: "FunctionBuilder", node: ast.Attribute) -> Optional[ops.Value]:
    """`str.upper` as a value (a function whose first argument is the str)."""
    cls = builtin_type_named(b, node.value)
    if cls is None or cls in (list, dict, set, tuple) or not _is_instance_method(cls, node.attr):
        return None
    return ops.Constant(MethodValue(b, node, None, cls).ref_type(), None)


def bound_method(b: "FunctionBuilder", receiver: ops.Value, node: ast.Attribute) -> Optional[ops.Value]:
    """`obj.method` as a value, when the attribute is a method: the object is
    kept (a hidden local) and a call of the value calls its method."""
    from .classes import info_of_type

    t = receiver.type
    if isinstance(t, ClassType):
        member, _ = info_of_type(t).find(node.attr)
        if not inspect.isfunction(member) or node.attr in info_of_type(t).field_names:
            return None
    elif t in (STR, BYTES) or isinstance(t, (ListType, DictType, SetType, TupleType,
                                             VarTupleType)):
        cls = {STR: str, BYTES: bytes}.get(t) or \
            (list if isinstance(t, ListType) else dict if isinstance(t, DictType)
             else set if isinstance(t, SetType) else tuple)
        if not _is_instance_method(cls, node.attr):
            return None
    else:
        return None
    hidden = f".bound{_key(b, node, 'receiver')}"
    b.write_var(hidden, receiver, node)
    return ops.Constant(MethodValue(b, node, hidden, None).ref_type(), None)
