"""Methods beyond the plain call `obj.m(...)`: super(C, self), and methods
as values -- bound (`ins = xs.insert`, `f = self.method`) and unbound
(`str.upper`, `key=str.lower`)."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional, Tuple

from ..ir import ops
from ..ir.types import ClassType

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
