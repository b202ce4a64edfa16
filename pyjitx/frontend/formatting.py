"""str.format and %-formatting with a literal format string, expanded at
compile time into format() calls and one join."""
from __future__ import annotations

import ast
import string
from typing import TYPE_CHECKING, List

from ..ir import ops
from ..ir.types import STR

if TYPE_CHECKING:
    from .builder import FunctionBuilder


def str_format(b: "FunctionBuilder", template: ops.Value, node: ast.Call) -> ops.Value:
    from . import strings

    if not isinstance(template, ops.Constant):
        raise b.error(node, "str.format() needs a literal format string in compiled code")
    try:
        parsed = list(string.Formatter().parse(template.value))
    except ValueError as exc:
        raise b.error(node, f"bad format string: {exc}") from None
    args = [b.expr.value(a) for a in node.args]
    kwargs = {kw.arg: b.expr.value(kw.value) for kw in node.keywords}
    pieces: List[ops.Value] = []
    auto = 0
    for literal, field, spec, conversion in parsed:
        if literal:
            pieces.append(ops.Constant(STR, literal))
        if field is None:
            continue
        if field == "":
            key: object = auto
            auto += 1
        elif field.isdigit():
            key = int(field)
        else:
            key = field
        if isinstance(key, int):
            if key >= len(args):
                raise b.error(node, f"Replacement index {key} out of range for positional args "
                              "tuple")
            value = args[key]
        else:
            if key not in kwargs:
                raise b.error(node, f"str.format() has no argument '{key}'",
                              hint="attribute and index lookups in fields are not supported")
            value = kwargs[key]
        if conversion == "r":
            value = strings.to_repr(b, value, node)
        elif conversion == "s":
            value = strings.to_str(b, value, node)
        if spec:
            if "{" in spec:
                raise b.error(node, "nested replacement fields in format specs are not "
                              "supported")
            pieces.append(strings.format_value(b, value, ops.Constant(STR, spec), node))
        else:
            pieces.append(strings.to_str(b, value, node))
    return strings.concat_all(b, pieces, node)


def percent_format(b: "FunctionBuilder", template: ops.Value, right_node, right: ops.Value,
                   node: ast.AST) -> ops.Value:
    raise b.error(node, "%-formatting is not supported yet", hint="use an f-string")
