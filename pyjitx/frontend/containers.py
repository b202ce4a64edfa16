"""Lists, dicts, sets and tuples in compiled code (filled in with the
container runtime)."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from ..ir import ops
from ..ir.types import with_article

if TYPE_CHECKING:
    from .builder import FunctionBuilder


def binary(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value,
           node: ast.AST) -> Optional[ops.Value]:
    return None


def compare(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value,
            node: ast.AST) -> Optional[ops.Value]:
    return None


def contains(b: "FunctionBuilder", item: ops.Value, container: ops.Value,
             node: ast.AST) -> ops.Value:
    raise b.error(node, f"'in' is not supported on {with_article(container.type)} yet")


def subscript(b: "FunctionBuilder", value: ops.Value, node: ast.Subscript) -> ops.Value:
    raise b.error(node, f"{with_article(value.type)} cannot be indexed yet")


def method_call(b: "FunctionBuilder", receiver: ops.Value, name: str,
                node: ast.Call) -> ops.Value:
    raise b.error(node.func, f"{with_article(receiver.type)} has no method '{name}' in "
                  "compiled code yet")


def iterable_as_list(b: "FunctionBuilder", node: ast.expr) -> ops.Value:
    value = b.expr.value(node)
    from ..ir.types import ListType

    if isinstance(value.type, ListType):
        return value
    raise b.error(node, f"expected a list, got {with_article(value.type)}")
