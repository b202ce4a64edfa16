"""str and bytes in compiled code: operators, indexing and slicing,
methods, conversions to and from numbers, f-strings.

Every operation is one runtime call (libruntime/include/pyjitx/str.h and
format.h) except len(), a field load."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, List, Optional

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import ArrayType, is_any, ANY, BOOL, BYTEARRAY, BYTES, FLOAT, INT, NONE, STR, Type, with_article

if TYPE_CHECKING:
    from .builder import FunctionBuilder

TEXT_TYPES = (STR, BYTES)
ABSENT = ops.Constant(INT, prims.ABSENT_INT)


def emit_prim(b: "FunctionBuilder", prim: prims.Primitive, args: List[ops.Value],
              node: ast.AST, result_type: Optional[Type] = None) -> ops.Value:
    return b.emit(ops.PrimitiveCall(prim, args, b.lineno(node), result_type))


def int_to_bool(b: "FunctionBuilder", value: ops.Value) -> ops.Value:
    return b.emit(ops.Convert("int_to_bool", value))


# ------------------------------------------------------------- operators


def binary(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value,
           node: ast.AST) -> Optional[ops.Value]:
    """`left op right` where one side is str/bytes; None if unsupported."""
    lt, rt = left.type, right.type
    if op == "add" and lt == rt == STR:
        return emit_prim(b, prims.STR_CONCAT, [left, right], node)
    if op == "add" and lt == rt == BYTES:
        return emit_prim(b, prims.BYTES_CONCAT, [left, right], node)
    if op == "mul":
        if lt in TEXT_TYPES and rt in (INT, BOOL):
            text, count = left, right
        elif rt in TEXT_TYPES and lt in (INT, BOOL):
            text, count = right, left
        else:
            return None
        count = b.expr.coerce(count, INT, node)
        prim = prims.STR_REPEAT if text.type == STR else prims.BYTES_REPEAT
        return emit_prim(b, prim, [text, count], node)
    if op == "mod" and lt == STR:
        from .formatting import percent_format

        return percent_format(b, left, node.right if isinstance(node, ast.BinOp) else None,
                              right, node)
    return None


def compare(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value,
            node: ast.AST) -> Optional[ops.Value]:
    if left.type != right.type or left.type not in TEXT_TYPES:
        if op in ("eq", "ne") and (left.type in TEXT_TYPES or right.type in TEXT_TYPES):
            # str == int is simply False in Python
            return ops.Constant(BOOL, op == "ne")
        return None
    is_str = left.type == STR
    if op in ("eq", "ne"):
        equal = emit_prim(b, prims.STR_EQ if is_str else prims.BYTES_EQ, [left, right], node)
        return b.emit(ops.Compare("ne" if op == "eq" else "eq", equal, ops.Constant(INT, 0)))
    order = emit_prim(b, prims.STR_COMPARE if is_str else prims.BYTES_COMPARE, [left, right], node)
    return b.emit(ops.Compare(op, order, ops.Constant(INT, 0)))


def contains(b: "FunctionBuilder", item: ops.Value, text: ops.Value,
             node: ast.AST) -> ops.Value:
    """`item in text`."""
    if text.type == STR:
        if item.type != STR:
            raise b.error(node, f"'in <string>' requires a str as left operand, not "
                          f"{with_article(item.type)}")
        return int_to_bool(b, emit_prim(b, prims.STR_CONTAINS, [text, item], node))
    if item.type == BYTES:
        return int_to_bool(b, emit_prim(b, prims.BYTES_CONTAINS, [text, item], node))
    raise b.error(node, f"'in <bytes>' takes a bytes left operand in compiled code, not "
                  f"{with_article(item.type)}")


def truthy(b: "FunctionBuilder", value: ops.Value) -> ops.Value:
    length = b.emit(ops.Length(value))
    return b.emit(ops.Compare("ne", length, ops.Constant(INT, 0)))


# ------------------------------------------------------- index, slice


def subscript(b: "FunctionBuilder", text: ops.Value, node: ast.Subscript) -> ops.Value:
    is_str = text.type == STR
    if isinstance(node.slice, ast.Slice):
        start, stop, step = slice_bounds(b, node.slice)
        prim = prims.STR_SLICE if is_str else prims.BYTES_SLICE
        return emit_prim(b, prim, [text, start, stop, step], node)
    index = b.expr.value(node.slice)
    if index.type not in (INT, BOOL):
        kind = "string" if is_str else "byte"
        raise b.error(node.slice, f"{kind} indices must be integers, not {index.type}")
    index = b.expr.coerce(index, INT, node)
    prim = prims.STR_GETITEM if is_str else prims.BYTES_GETITEM
    return emit_prim(b, prim, [text, index], node)


def slice_bounds(b: "FunctionBuilder", node: ast.Slice) -> List[ops.Value]:
    """start, stop, step as ints, ABSENT (INT64_MIN) where omitted or None."""
    bounds = []
    for part in (node.lower, node.upper, node.step):
        if part is None:
            bounds.append(ABSENT)
            continue
        value = b.expr.value(part)
        if value.type == NONE:
            bounds.append(ABSENT)
            continue
        if is_any(value.type):  # an int or None, known at run time
            from .anys import slice_index

            bounds.append(slice_index(b, value, part))
            continue
        if value.type not in (INT, BOOL):
            raise b.error(part, "slice indices must be integers or None")
        bounds.append(b.expr.coerce(value, INT, part))
    return bounds


# ------------------------------------------------------------ methods


def method_call(b: "FunctionBuilder", receiver: ops.Value, name: str,
                node: ast.Call) -> ops.Value:
    table = prims.STR_METHODS if receiver.type == STR else prims.BYTES_METHODS
    if name == "join" and receiver.type == STR:
        return _join(b, receiver, node)
    if name in ("startswith", "endswith") and node.args and isinstance(node.args[0], ast.Tuple):
        return _affix_tuple(b, receiver, name, node)
    if name == "format" and receiver.type == STR:
        from .formatting import str_format

        return str_format(b, receiver, node)
    spec = table.get(name)
    if spec is None:
        from .stdlib import str_method

        built = str_method(b, receiver, name, node)  # removeprefix, translate, ...
        if built is not None:
            return built
        raise b.error(node.func, f"'{receiver.type}' object has no method '{name}' in compiled "
                      "code", hint=f"supported: {', '.join(sorted(table))}")
    args = bind_arguments(b, f"{receiver.type}.{name}", spec.params, node)
    result = emit_prim(b, spec.primitive, [receiver] + args, node)
    return int_to_bool(b, result) if spec.returns_bool else result


def bind_arguments(b: "FunctionBuilder", what: str, params, node: ast.Call) -> List[ops.Value]:
    """Positional and keyword arguments matched to `params` ((name, type,
    default)), converted to the parameter types; defaults filled in."""
    if len(node.args) > len(params):
        raise b.error(node, f"{what}() takes at most {len(params)} argument"
                      f"{'' if len(params) == 1 else 's'} ({len(node.args)} given)")
    given = {}
    for (pname, _, _), arg in zip(params, node.args):
        given[pname] = arg
    names = [p[0] for p in params]
    for kw in node.keywords:
        if kw.arg not in names:
            raise b.error(kw, f"{what}() got an unexpected keyword argument '{kw.arg}'")
        given[kw.arg] = kw.value
    values = []
    for pname, ptype, default in params:
        arg_node = given.get(pname)
        if arg_node is None:
            if default is None and ptype not in TEXT_TYPES:
                raise b.error(node, f"{what}() missing required argument '{pname}'")
            values.append(ops.Constant(ptype, default))
            continue
        value = b.expr.value(arg_node)
        if value.type == NONE and (ptype in TEXT_TYPES or (ptype == INT and default == prims.ABSENT_INT)):
            values.append(ops.Constant(ptype, None) if ptype in TEXT_TYPES else ABSENT)
            continue
        if ptype == INT and value.type in (INT, BOOL):
            value = b.expr.coerce(value, INT, arg_node)
        if is_any(value.type) and not is_any(ptype):  # checked at run time (TypeError), as a typed parameter
            from .anys import unbox

            value = unbox(b, value, ptype, arg_node)
        if value.type != ptype:
            raise b.error(arg_node, f"{what}() argument '{pname}' must be {ptype}, not "
                          f"{value.type}")
        values.append(value)
    return values


def _join(b: "FunctionBuilder", sep: ops.Value, node: ast.Call) -> ops.Value:
    from ..ir.types import ListType

    if len(node.args) != 1 or node.keywords:
        raise b.error(node, "str.join() takes exactly one argument")
    arg = node.args[0]
    if (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute)
            and arg.func.attr == "split" and not arg.args and not arg.keywords):
        text = b.expr.unwrap(b.expr.value(arg.func.value), arg)
        if text.type == STR:  # sep.join(s.split()): one pass, no string per word
            return emit_prim(b, prims.STR_JOIN_SPLIT, [sep, text], node)
        items = method_call(b, text, "split", arg)
        return emit_prim(b, prims.STR_JOIN, [sep, items], node)
    items = b.expr.iterable_as_list(arg)
    if items.type != ListType(STR):
        raise b.error(node.args[0], f"str.join() needs an iterable of str, not {items.type}")
    return emit_prim(b, prims.STR_JOIN, [sep, items], node)


def _affix_tuple(b: "FunctionBuilder", receiver: ops.Value, name: str,
                 node: ast.Call) -> ops.Value:
    """s.startswith(("a", "b")): true if any element matches."""
    table = prims.STR_METHODS if receiver.type == STR else prims.BYTES_METHODS
    spec = table[name]
    options = node.args[0].elts
    rest = ast.Call(func=node.func, args=[ast.Constant(value=None)] + node.args[1:],
                    keywords=node.keywords)
    ast.copy_location(rest, node)
    span = bind_arguments(b, f"{receiver.type}.{name}", spec.params, rest)[1:]
    result: Optional[ops.Value] = None
    for option in options:
        affix = b.expr.value(option)
        if affix.type != receiver.type:
            raise b.error(option, f"{name} first arg must be {receiver.type} or a tuple of "
                          f"{receiver.type}, not {affix.type}")
        hit = int_to_bool(b, emit_prim(b, spec.primitive, [receiver, affix] + span, node))
        result = hit if result is None else b.emit(ops.IntArith(
            "or", b.expr.coerce(result, INT, node), b.expr.coerce(hit, INT, node)))
    if result is None:
        return ops.Constant(BOOL, False)
    return result if result.type == BOOL else int_to_bool(b, result)


# -------------------------------------------------------- conversions


def _no_array_text(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> None:
    from ..ir.types import NDArrayType

    if isinstance(value.type, NDArrayType):
        raise b.error(node, "compiled code does not format arrays as numpy does (str, repr, "
                      "print, f-strings)", hint="format its items, e.g. `str(a.tolist())`, or "
                      "return the array to Python")


def to_str(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> ops.Value:
    """str(value)."""
    _no_array_text(b, value, node)
    t = value.type
    if t == BYTEARRAY or isinstance(t, ArrayType):
        return to_repr(b, value, node)
    if t == STR:
        return value
    if t == INT:
        return emit_prim(b, prims.INT_TO_STR, [value], node)
    if t == FLOAT:
        return emit_prim(b, prims.FLOAT_TO_STR, [value], node)
    if t == BOOL:
        return emit_prim(b, prims.BOOL_TO_STR, [b.expr.coerce(value, INT, node)], node)
    if t == NONE:
        return ops.Constant(STR, "None")
    from .exceptions import exception_str, is_exception

    if is_exception(t):
        return exception_str(b, value, node)
    from .classes import to_text

    text = to_text(b, value, node, use_str=True)
    if text is not None:
        return text
    return _slot_text(b, value, node, prims.SLOT_STR)


def _slot_text(b: "FunctionBuilder", value: ops.Value, node: ast.AST, prim) -> ops.Value:
    from ..ir.types import OptionalType, slot_kind

    t = value.type
    kind = slot_kind(t.item if isinstance(t, OptionalType) else t)
    return emit_prim(b, prim, [ops.Constant(INT, kind), value], node)


def to_repr(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> ops.Value:
    _no_array_text(b, value, node)
    t = value.type
    if t == BYTEARRAY:
        return emit_prim(b, prims.BYTEARRAY_REPR, [value], node)
    if isinstance(t, ArrayType):
        from . import stdarrays

        return stdarrays.to_repr(b, value, node)
    if t == STR:
        return emit_prim(b, prims.STR_REPR, [value], node)
    if t in (INT, FLOAT, BOOL, NONE):
        return to_str(b, value, node)
    from .classes import to_text

    text = to_text(b, value, node, use_str=False)
    if text is not None:
        return text
    return _slot_text(b, value, node, prims.SLOT_REPR)


def to_ascii(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> ops.Value:
    """ascii(value): repr with non-ASCII characters escaped."""
    if value.type == STR:
        return emit_prim(b, prims.STR_ASCII, [value], node)
    if value.type in (INT, FLOAT, BOOL, NONE):
        return to_repr(b, value, node)
    return emit_prim(b, prims.ASCII_ESCAPE, [to_repr(b, value, node)], node)


def to_int(b: "FunctionBuilder", text: ops.Value, base: Optional[ops.Value],
           node: ast.AST) -> ops.Value:
    if base is None:
        base = ops.Constant(INT, 10)
    return emit_prim(b, prims.STR_TO_INT, [text, base], node)


def to_float(b: "FunctionBuilder", text: ops.Value, node: ast.AST) -> ops.Value:
    return emit_prim(b, prims.STR_TO_FLOAT, [text], node)


def format_value(b: "FunctionBuilder", value: ops.Value, spec: ops.Value,
                 node: ast.AST) -> ops.Value:
    """format(value, spec)."""
    t = value.type
    from ..ir.types import EnumType

    if isinstance(t, EnumType):  # the class's __format__ (not always its str)
        from .enums import format_member

        return format_member(b, value, spec, node)
    if t == INT:
        return emit_prim(b, prims.FORMAT_INT, [value, spec], node)
    if t == FLOAT:
        return emit_prim(b, prims.FORMAT_FLOAT, [value, spec], node)
    if t == BOOL:
        return emit_prim(b, prims.FORMAT_BOOL, [b.expr.coerce(value, INT, node), spec], node)
    if t == STR:
        return emit_prim(b, prims.FORMAT_STR, [value, spec], node)
    if t == BYTEARRAY:  # (object.__format__: only the empty spec)
        if isinstance(spec, ops.Constant) and spec.value == "":
            return to_str(b, value, node)
        raise b.error(node, "a format spec for a bytearray is not supported in compiled code "
                      "(TypeError: unsupported format string passed to bytearray.__format__ "
                      "in CPython)", hint="format repr(ba) or bytes(ba).hex()")
    return emit_prim(b, prims.FORMAT_STR, [to_str(b, value, node), spec], node)


def _formats_unlike_str(t) -> bool:
    """Is format(x, "") not always str(x)?  An enum member's (Python 3.10's
    IntEnum formats as its int but prints as Color.RED)."""
    from ..ir.types import EnumType

    return isinstance(t, EnumType)


def concat_all(b: "FunctionBuilder", pieces: List[ops.Value], node: ast.AST) -> ops.Value:
    if not pieces:
        return ops.Constant(STR, "")
    if len(pieces) == 1:
        return pieces[0]
    from ..ir.types import ListType

    items = b.emit(ops.PrimitiveCall(prims.LIST_NEW, [ops.Constant(INT, 4),
                                                      ops.Constant(INT, len(pieces))],
                                     b.lineno(node), ListType(STR)))
    for piece in pieces:
        b.emit(ops.PrimitiveCall(prims.LIST_APPEND, [items, piece], b.lineno(node)))
    return emit_prim(b, prims.STR_JOIN, [ops.Constant(STR, ""), items], node)


def fstring(b: "FunctionBuilder", node: ast.JoinedStr) -> ops.Value:
    pieces: List[ops.Value] = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            pieces.append(ops.Constant(STR, part.value))
            continue
        assert isinstance(part, ast.FormattedValue)
        from .typeof import text

        value = text(b, part.value) or b.expr.value(part.value)  # f"{type(x)}"
        if part.conversion == ord("r"):
            value = to_repr(b, value, part)
        elif part.conversion == ord("s"):
            value = to_str(b, value, part)
        elif part.conversion == ord("a"):
            value = to_ascii(b, value, part)
        if part.format_spec is not None:
            spec = fstring(b, part.format_spec)
            pieces.append(format_value(b, value, spec, part))
        elif _formats_unlike_str(value.type):  # (f"{x}" is format(x, ""))
            pieces.append(format_value(b, value, ops.Constant(STR, ""), part))
        else:
            pieces.append(to_str(b, value, part))
    return concat_all(b, pieces, node)
