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
    numbering = None   # "auto" or "manual", as CPython checks it
    for literal, field, spec, conversion in parsed:
        if literal:
            pieces.append(ops.Constant(STR, literal))
        if field is None:
            continue
        if field == "":
            if numbering == "manual":
                raise b.error(node, "cannot switch from manual field specification to "
                              "automatic field numbering",
                              hint="CPython raises ValueError for this template")
            numbering = "auto"
            key: object = auto
            auto += 1
        elif field.isdigit():
            if numbering == "auto":
                raise b.error(node, "cannot switch from automatic field numbering to manual "
                              "field specification",
                              hint="CPython raises ValueError for this template")
            numbering = "manual"
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
                              hint=("attribute and index lookups in fields are not supported"
                                    if "." in key or "[" in key else ""))
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


# ------------------------------------------------------------- %-formatting

_PCT_FLAGS = {"-": 1, "+": 2, " ": 4, "#": 8, "0": 16}   # PJX_PCT_* (format.h)
_PCT_CONVERSIONS = "diuoxXeEfFgGcsra"
_INT_CONVERSIONS = "diuoxXc"     # and the float ones take an int too


class _Spec:
    __slots__ = ("flags", "width", "precision", "conv", "index")

    def __init__(self) -> None:
        self.flags = 0
        self.width: object = -1        # int, or "*"
        self.precision: object = -1    # int, or "*"
        self.conv = ""
        self.index = 0


def parse_percent(template: str) -> List[object]:
    """The pieces of a printf-style template: literal str and _Spec, parsed
    as CPython 3.11's PyUnicode_Format does.  Raises ValueError with
    CPython's message for a malformed template."""
    pieces: List[object] = []
    literal: List[str] = []
    i, n = 0, len(template)
    while i < n:
        ch = template[i]
        if ch != "%":
            literal.append(ch)
            i += 1
            continue
        i += 1
        if i < n and template[i] == "%":
            literal.append("%")
            i += 1
            continue
        spec = _Spec()
        if i < n and template[i] == "(":
            raise ValueError("mapping keys (%(name)s) are not supported")
        while i < n and template[i] in _PCT_FLAGS:
            spec.flags |= _PCT_FLAGS[template[i]]
            i += 1
        if i < n and template[i] == "*":
            spec.width = "*"
            i += 1
        else:
            start = i
            while i < n and template[i] in "0123456789":
                i += 1
            if i > start:
                spec.width = int(template[start:i])
                if spec.width > 2**62:
                    raise ValueError("width too big")
        if i < n and template[i] == ".":
            i += 1
            if i < n and template[i] == "*":
                spec.precision = "*"
                i += 1
            else:
                start = i
                while i < n and template[i] in "0123456789":
                    i += 1
                spec.precision = int(template[start:i] or "0")
                if spec.precision > 2**62:
                    raise ValueError("precision too big")
        while i < n and template[i] in "hlL":
            i += 1
        if i >= n:
            raise ValueError("incomplete format")
        spec.conv = template[i]
        spec.index = i
        i += 1
        if literal:
            pieces.append("".join(literal))
            literal = []
        pieces.append(spec)
    if literal:
        pieces.append("".join(literal))
    return pieces


def _type_name(t) -> str:
    from ..ir.types import DictType, ListType, SetType, TupleType

    for cls, name in ((ListType, "list"), (DictType, "dict"), (SetType, "set"),
                      (TupleType, "tuple")):
        if isinstance(t, cls):
            return name
    return {"None": "NoneType"}.get(str(t), str(t))


def _raise_at_run_time(b: "FunctionBuilder", kind: str, message: str, node: ast.AST) -> None:
    """CPython raises here whenever this line runs: raise at run time too
    (not at compile time: the line may never run)."""
    from ..ir.types import BOOL

    fail = b.new_block("pctfail")
    ok = b.new_block("pctok")
    b.branch(ops.Constant(BOOL, True), fail, ok)
    b.seal(fail)
    b.seal(ok)
    b.start(fail)
    b.terminate(ops.Raise(kind, message, b.lineno(node)))
    b.start(ok)


def percent_format(b: "FunctionBuilder", template: ops.Value, right_node, right: ops.Value,
                   node: ast.AST) -> ops.Value:
    """`"literal %d template" % value` / `% (a, b)`: the template is parsed
    at compile time; every conversion is one runtime call (format.h)."""
    from . import containers, strings
    from ..ir import primitives as prims
    from ..ir.types import BOOL, DictType, FLOAT, INT, ListType, TupleType

    if not (isinstance(template, ops.Constant) and template.type == STR
            and isinstance(template.value, str)):
        raise b.error(node, "%-formatting needs a literal format string in compiled code",
                      hint="use an f-string")
    try:
        pieces = parse_percent(template.value)
    except ValueError as exc:
        raise b.error(node, str(exc), hint="CPython raises ValueError for this template")
    # the arguments, in order
    if isinstance(right.type, TupleType):
        args = [containers.prim(b, prims.TUPLE_GET, [right, ops.Constant(INT, i)], node, t)
                for i, t in enumerate(right.type.items)]
        single = False
    else:
        args = [right]
        single = True
    mapping_like = single and isinstance(right.type, (ListType, DictType))
    specs = [p for p in pieces if isinstance(p, _Spec)]
    needed = sum(1 + (s.width == "*") + (s.precision == "*") for s in specs)
    if needed > len(args):
        raise b.error(node, "not enough arguments for format string",
                      hint="CPython raises TypeError for this")
    if needed < len(args) and not (mapping_like and needed == 0):
        raise b.error(node, "not all arguments converted during string formatting",
                      hint="CPython raises TypeError for this")
    for spec in specs:
        if spec.conv not in _PCT_CONVERSIONS:
            c = spec.conv
            shown = c if 31 <= ord(c) <= 126 else "?"
            raise b.error(node, f"unsupported format character '{shown}' ({ord(c):#x}) at "
                          f"index {spec.index}", hint="CPython raises ValueError for this")

    out: List[ops.Value] = []
    it = iter(args)
    for piece in pieces:
        if isinstance(piece, str):
            out.append(ops.Constant(STR, piece))
            continue
        spec = piece
        flags: ops.Value = ops.Constant(INT, spec.flags)
        width: ops.Value = ops.Constant(INT, spec.width if spec.width != "*" else -1)
        precision: ops.Value = ops.Constant(INT, spec.precision
                                            if spec.precision != "*" else -1)
        if spec.width == "*":
            w = next(it)
            if w.type not in (INT, BOOL):
                _raise_at_run_time(b, "TypeError", "* wants int", node)
                w = ops.Constant(INT, 0)
            w = b.expr.coerce(w, INT, node)
            negative = b.emit(ops.Compare("lt", w, ops.Constant(INT, 0)))
            flags = b.emit(ops.Select(negative, ops.Constant(INT, spec.flags | 1), flags))
            width = b.emit(ops.Select(negative, b.emit(ops.IntArith(
                "sub", ops.Constant(INT, 0), w)), w))
        if spec.precision == "*":
            p = next(it)
            if p.type not in (INT, BOOL):
                _raise_at_run_time(b, "TypeError", "* wants int", node)
                p = ops.Constant(INT, 0)
            p = b.expr.coerce(p, INT, node)
            negative = b.emit(ops.Compare("lt", p, ops.Constant(INT, 0)))
            precision = b.emit(ops.Select(negative, ops.Constant(INT, 0), p))
        value = next(it)
        conv = ops.Constant(INT, ord(spec.conv))
        t = value.type
        if t == INT:
            out.append(strings.emit_prim(b, prims.PERCENT_FORMAT_INT,
                                         [value, flags, width, precision, conv], node))
        elif t == BOOL:
            out.append(strings.emit_prim(b, prims.PERCENT_FORMAT_BOOL,
                                         [b.expr.coerce(value, INT, node), flags, width,
                                          precision, conv], node))
        elif t == FLOAT:
            out.append(strings.emit_prim(b, prims.PERCENT_FORMAT_FLOAT,
                                         [value, flags, width, precision, conv], node))
        elif t == STR:
            out.append(strings.emit_prim(b, prims.PERCENT_FORMAT_STR,
                                         [value, flags, width, precision, conv], node))
        elif spec.conv in "sra":
            if spec.conv == "s":
                text = strings.to_str(b, value, node)
            elif spec.conv == "r":
                text = strings.to_repr(b, value, node)
            else:
                text = strings.to_ascii(b, value, node)
            out.append(strings.emit_prim(b, prims.PERCENT_PAD_TEXT,
                                         [text, flags, width, precision], node))
        else:
            name = _type_name(t)
            if spec.conv == "c":
                message = "%c requires int or char"
            elif spec.conv in "eEfFgG":
                message = f"must be real number, not {name}"
            elif spec.conv in "oxX":
                message = f"%{spec.conv} format: an integer is required, not {name}"
            else:
                message = f"%{spec.conv} format: a real number is required, not {name}"
            _raise_at_run_time(b, "TypeError", message, node)
            out.append(ops.Constant(STR, ""))
    return strings.concat_all(b, out, node)
