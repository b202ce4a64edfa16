"""Parameters and arguments: `*args`/`**kwargs`, keyword-only and
positional-only parameters, and `f(*xs, **kw)` at call sites."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, List, Optional

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import INT, TupleType

if TYPE_CHECKING:
    from .builder import FunctionBuilder


def tuple_items(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> Optional[List[ops.Value]]:
    """The items of a tuple of known length (`*t` unpacks to them
    statically, whatever their types), or None for any other value."""
    from . import containers

    if not isinstance(value.type, TupleType):
        return None
    return [containers.prim(b, prims.TUPLE_GET, [value, ops.Constant(INT, i)], node, item)
            for i, item in enumerate(value.type.items)]
