"""divmod(a, b): `(a // b, a % b)` with CPython's signs, and its own
ZeroDivisionError messages ("integer division or modulo by zero", "float
divmod()"); of Anys, decided at run time (libruntime/any.c)."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import ANY, FLOAT, INT, TupleType, arithmetic_result, is_any

if TYPE_CHECKING:
    from .builder import FunctionBuilder


def divmod_call(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    from . import containers
    from .anys import box

    if node.keywords:
        raise b.error(node.keywords[0], "divmod() takes no keyword arguments")
    if len(node.args) != 2:
        raise b.error(node, f"divmod expected 2 arguments, got {len(node.args)}")
    left, right = (b.expr.unwrap(b.expr.value(arg), arg) for arg in node.args)
    if is_any(left.type) or is_any(right.type):
        return containers.prim(b, prims.ANY_DIVMOD, [box(b, left, node), box(b, right, node)],
                               node, TupleType((ANY, ANY)))
    result = arithmetic_result(left.type, right.type) \
        if left.type.is_numeric and right.type.is_numeric else None
    if result is None:
        raise b.error(node, f"unsupported operand type(s) for divmod(): '{left.type}' and "
                      f"'{right.type}'")
    left, right = b.expr.coerce(left, result, node), b.expr.coerce(right, result, node)
    zero = b.emit(ops.Compare("eq", right, ops.Constant(result, 0 if result == INT else 0.0)))
    fail, ok = b.new_block("divmod_zero"), b.new_block("divmod")
    b.branch(zero, fail, ok)
    b.seal(fail)
    b.seal(ok)
    b.start(fail)
    b.terminate(ops.Raise("ZeroDivisionError", "integer division or modulo by zero"
                          if result == INT else "float divmod()", b.lineno(node)))
    b.start(ok)
    quotient = b.expr.binary(ast.FloorDiv(), left, right, node)
    remainder = b.expr.binary(ast.Mod(), left, right, node)
    assert result in (INT, FLOAT)
    return containers.build_tuple(b, [quotient, remainder], node)
