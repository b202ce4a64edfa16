"""json.loads and json.dumps in compiled code: calls into the runtime's own
parser and writer (libruntime/json_load.c, json_dump.c), so they run
without the interpreter (the GIL stays released; a C++ host runs them).

json.loads gives an Any.  Where the call's value goes straight into a
declared type (`d: Dict[str, int] = json.loads(s)`, a return of a function
annotated List[str]), the parsed value is rebuilt with that type's slot
kinds (json_convert.c): a parsed dict holds Anys, a Dict[str, int] holds
unboxed ints, so a cast of the Any would not do."""
from __future__ import annotations

import ast
import json
from typing import TYPE_CHECKING, Dict, List, Optional

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import ANY, BOOL, BYTES, INT, NONE, STR, OptionalType, is_any, with_article

if TYPE_CHECKING:
    from .builder import FunctionBuilder

# json.dumps keywords and their bit in the runtime's flags (json.h), with
# CPython's defaults
_FLAGS = {"sort_keys": (1, False), "ensure_ascii": (2, True), "allow_nan": (4, True),
          "skipkeys": (8, False)}
_DUMPS_KEYWORDS = ("indent", "separators", "check_circular") + tuple(_FLAGS)


def is_json_function(target) -> bool:
    """json.loads and json.dumps, and every other callable of the json
    package (refused by call() with a CompileError: compiled would try to
    compile json's own Python code)."""
    return target is json.loads or target is json.dumps or \
        getattr(target, "__module__", None) in ("json", "json.decoder", "json.encoder",
                                                 "json.scanner")


def call(b: "FunctionBuilder", node: ast.Call, target) -> ops.Value:
    if target is json.loads:
        return _loads(b, node)
    if target is json.dumps:
        return _dumps(b, node)
    name = f"json.{getattr(target, '__name__', '?')}"
    raise b.error(node.func, f"{name}() cannot be called from compiled code",
                  hint="compiled code has json.loads(s) and json.dumps(obj, ...); read and "
                       "write files with their text (f.write(json.dumps(x))) or call Python "
                       "through pyjitx.pyfunc")


def _prim(b: "FunctionBuilder", prim: prims.Primitive, args: List[ops.Value], node: ast.AST,
          result_type=None) -> ops.Value:
    return b.emit(ops.PrimitiveCall(prim, args, b.lineno(node), result_type))


def _one_argument(b: "FunctionBuilder", node: ast.Call, name: str, parameter: str) -> None:
    """CPython's TypeErrors for the positional arguments of loads/dumps."""
    if not node.args:
        raise b.error(node, f"{name}() missing 1 required positional argument: '{parameter}'")
    if len(node.args) > 1:
        raise b.error(node.args[1], f"{name}() takes 1 positional argument but "
                      f"{len(node.args)} were given")


def _loads(b: "FunctionBuilder", node: ast.Call) -> ops.Value:
    if node.keywords:
        raise b.error(node.keywords[0], f"json.loads() keyword '{node.keywords[0].arg}' is not "
                      "supported in compiled code",
                      hint="compiled code parses with json.loads(s) and its defaults; convert "
                           "the values afterwards (float(x), int(x)) or call Python through "
                           "pyjitx.pyfunc")
    _one_argument(b, node, "loads", "s")
    arg = node.args[0]
    value = b.expr.value(arg)
    if value.type == STR:
        parsed = _prim(b, prims.JSON_LOADS, [value], node)
    elif value.type == BYTES:
        parsed = _prim(b, prims.JSON_LOADS_BYTES, [value], node)
    elif is_any(value.type) or isinstance(value.type, OptionalType):
        # (an Optional's None: CPython's TypeError "... not NoneType", at run time)
        from .anys import box

        parsed = _prim(b, prims.JSON_LOADS_ANY, [box(b, value, arg)], node)
    else:
        raise b.error(arg, f"the JSON object must be str, bytes or bytearray, not "
                      f"{_python_name(value.type)}")
    return _loads_typed_target(b, node, parsed)


def _loads_typed_target(b: "FunctionBuilder", node: ast.Call, parsed: ops.Value) -> ops.Value:
    """The parsed Any, or, where the call's value goes straight into a
    declared container type, a new value of that type."""
    from ..backend.abi import boundary_descriptor

    expected = b.expected.get(id(node))
    if expected is None or is_any(expected) or not expected.is_refcounted:
        return parsed  # (scalars: the usual unboxing, with its checks)
    try:
        descriptor = boundary_descriptor(expected)
    except Exception:  # noqa: BLE001 - a type with no descriptor: the usual cast
        return parsed
    return _prim(b, prims.JSON_TO_TYPE, [parsed, ops.Constant(prims.CSTR, descriptor)], node,
                 result_type=expected)


def _python_name(t) -> str:
    text = str(t)
    return {"int": "int", "float": "float", "bool": "bool", "None": "NoneType"}.get(
        text, text.split("[")[0].lower())


def _dumps(b: "FunctionBuilder", node: ast.Call) -> ops.Value:
    from .anys import box

    _one_argument(b, node, "dumps", "obj")
    keywords: Dict[str, ast.keyword] = {}
    for kw in node.keywords:
        if kw.arg not in _DUMPS_KEYWORDS:
            raise b.error(kw, f"json.dumps() keyword '{kw.arg}' is not supported in compiled code",
                          hint="compiled code supports indent, separators, sort_keys, "
                               "ensure_ascii, allow_nan, skipkeys and check_circular; convert "
                               "other objects to dicts, lists, str and numbers first")
        keywords[kw.arg] = kw
    obj_node = node.args[0]
    obj = box(b, b.expr.value(obj_node), obj_node)
    indent = _optional_any(b, keywords.get("indent"))
    separators = _optional_any(b, keywords.get("separators"))
    if "check_circular" in keywords:  # (cycles are always found: ValueError)
        b.expr.value(keywords["check_circular"].value)
    # the flags known at compile time fold into a constant; the others are
    # set at run time from their truth
    constant = sum(bit for bit, default in _FLAGS.values() if default)
    dynamic = []
    for name, (bit, _) in _FLAGS.items():
        kw = keywords.get(name)
        if kw is None:
            continue
        if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, (bool, int, type(None))):
            constant = constant & ~bit | (bit if kw.value.value else 0)
        else:
            constant &= ~bit
            dynamic.append((kw.value, bit))
    flags: ops.Value = ops.Constant(INT, constant)
    for value_node, bit in dynamic:
        truth = b.expr.coerce(b.expr.truthy(b.expr.value(value_node), value_node), INT, value_node)
        flags = b.expr.binary(ast.BitOr(), flags, b.expr.binary(
            ast.Mult(), truth, ops.Constant(INT, bit), value_node), value_node)
    return _prim(b, prims.JSON_DUMPS, [obj, indent, separators, flags], node)


def _optional_any(b: "FunctionBuilder", kw: Optional[ast.keyword]) -> ops.Value:
    from .anys import box

    if kw is None:
        return ops.Constant(ANY, None)
    value = b.expr.value(kw.value)
    if value.type == NONE:
        return ops.Constant(ANY, None)
    if value.type not in (INT, BOOL, STR) and not value.type.is_refcounted and \
            not is_any(value.type):
        raise b.error(kw.value, f"json.dumps() {kw.arg} cannot be {with_article(value.type)}")
    return box(b, value, kw.value)
