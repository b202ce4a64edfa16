"""The `re` module in compiled code: re.compile/match/search/fullmatch/
findall/finditer/split/sub/subn/escape/purge, and the methods and
attributes of compiled patterns (Match objects: regex_match.py).

A pattern must be known when the function is compiled: a literal, a
module-level constant, an expression of those, or a compiled re.Pattern
(module-level, or the value of one).  It is compiled by the interpreter's
own re (pyjitx.regex_program), and the program becomes a module constant
of the object file: built into a runtime Pattern the first time it is
used, then shared (as re's cache shares it).  A bad pattern raises re.error
with CPython's message where the code runs, as re.compile would.  A pattern
only known at run time (a str argument) is a CompileError: compile it with
re.compile at module level and use that, or pass a compiled pattern.
"""
from __future__ import annotations

import ast
import re
import sys
import types
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import (ANY, BOOL, BYTES, INT, NONE, STR, DictType, FunctionType, ListType,
                        MatchType, OptionalType, PatternType, TupleType, Type, is_any,
                        with_article)

if TYPE_CHECKING:
    from .builder import FunctionBuilder

MAXSIZE = sys.maxsize
_REQUIRED = object()
# (a re.Pattern parameter is not a Pattern in compiled code: patterns are
# constants, their programs baked into the code)
_RUNTIME_HINT = ("the pattern must be known when the function is compiled: a literal, a "
                 "module-level constant, or re.compile() of one of those")


def build_pattern(code: bytes, pattern: Any, groupindex: Dict[str, int]) -> Any:
    """In generated code (the builder of a pattern constant): the runtime
    Pattern of a program.  Not callable from Python."""
    raise TypeError("build_pattern() is only meaningful inside compiled code")


# the re functions compiled code calls, with CPython's parameters
_FUNCTIONS: Dict[str, Tuple[Tuple[str, Any], ...]] = {
    "compile": (("pattern", _REQUIRED), ("flags", 0)),
    "search": (("pattern", _REQUIRED), ("string", _REQUIRED), ("flags", 0)),
    "match": (("pattern", _REQUIRED), ("string", _REQUIRED), ("flags", 0)),
    "fullmatch": (("pattern", _REQUIRED), ("string", _REQUIRED), ("flags", 0)),
    "findall": (("pattern", _REQUIRED), ("string", _REQUIRED), ("flags", 0)),
    "finditer": (("pattern", _REQUIRED), ("string", _REQUIRED), ("flags", 0)),
    "split": (("pattern", _REQUIRED), ("string", _REQUIRED), ("maxsplit", 0), ("flags", 0)),
    "sub": (("pattern", _REQUIRED), ("repl", _REQUIRED), ("string", _REQUIRED), ("count", 0),
            ("flags", 0)),
    "subn": (("pattern", _REQUIRED), ("repl", _REQUIRED), ("string", _REQUIRED), ("count", 0),
             ("flags", 0)),
    "escape": (("pattern", _REQUIRED),),
    "purge": (),
}
_BY_OBJECT = {id(getattr(re, name)): name for name in _FUNCTIONS}

# Pattern's methods
_METHODS: Dict[str, Tuple[Tuple[str, Any], ...]] = {
    "match": (("string", _REQUIRED), ("pos", 0), ("endpos", MAXSIZE)),
    "search": (("string", _REQUIRED), ("pos", 0), ("endpos", MAXSIZE)),
    "fullmatch": (("string", _REQUIRED), ("pos", 0), ("endpos", MAXSIZE)),
    "findall": (("string", _REQUIRED), ("pos", 0), ("endpos", MAXSIZE)),
    "finditer": (("string", _REQUIRED), ("pos", 0), ("endpos", MAXSIZE)),
    "split": (("string", _REQUIRED), ("maxsplit", 0)),
    "sub": (("repl", _REQUIRED), ("string", _REQUIRED), ("count", 0)),
    "subn": (("repl", _REQUIRED), ("string", _REQUIRED), ("count", 0)),
}
_MODES = {"match": 0, "search": 1, "fullmatch": 2}


def handles(target: Any) -> bool:
    """Is `target` a re function (or the pattern builder) this module compiles?"""
    return target is build_pattern or (id(target) in _BY_OBJECT and getattr(
        re, _BY_OBJECT[id(target)], None) is target)


def is_regex_type(t: Type) -> bool:
    """Pattern and Match values, also Optional ones (method calls and
    attributes on them come here, None included)."""
    if isinstance(t, OptionalType):
        t = t.item
    return isinstance(t, (PatternType, MatchType))


def call(b: "FunctionBuilder", node: ast.Call, target: Any) -> ops.Value:
    if target is build_pattern:
        return _build(b, node)
    name = _BY_OBJECT[id(target)]
    _register_error(b)
    args = bind(b, node, f"{name}()", _FUNCTIONS[name], python=True)
    if name == "purge":
        return ops.Constant(NONE, None)
    if name == "escape":
        text = _value(b, args["pattern"])
        if text.type not in (STR, BYTES) and not is_any(text.type):
            raise b.error(args["pattern"], f"re.escape() takes a str or bytes, not "
                          f"{with_article(text.type)}")
        return _prim(b, prims.RE_ESCAPE, [text], node, text.type if text.type in (STR, BYTES) else ANY)
    flags = args.get("flags", 0)
    if name == "compile":
        return pattern_value(b, args["pattern"], flags, node)
    # re.X(pattern, ...) is re.compile(pattern, flags).X(...)
    values = {}
    pattern = None
    for key, arg in _source_order(node, args):
        if key == "pattern":
            pattern = pattern_value(b, arg, flags, node)
        elif key != "flags":
            values[key] = arg
    assert pattern is not None
    return _pattern_method(b, pattern, name, values, node)


def method_call(b: "FunctionBuilder", value: ops.Value, func: ast.Attribute,
                node: ast.Call) -> ops.Value:
    """value.<name>(...) for a Pattern or Match (possibly Optional) value."""
    receiver = unwrap(b, value, func.attr, func)
    _register_error(b)
    if isinstance(receiver.type, MatchType):
        from .regex_match import method_call as match_method

        return match_method(b, receiver, func.attr, node)
    params = _METHODS.get(func.attr)
    if params is None:
        raise b.error(func, f"'re.Pattern' object has no method '{func.attr}' in compiled code",
                      hint="supported: " + ", ".join(sorted(_METHODS)))
    args = bind(b, node, f"{func.attr}()", params)
    return _pattern_method(b, receiver, func.attr, dict(_source_order(node, args)), node)


def attribute(b: "FunctionBuilder", value: ops.Value, node: ast.Attribute) -> ops.Value:
    receiver = unwrap(b, value, node.attr, node)
    if isinstance(receiver.type, MatchType):
        from .regex_match import attribute as match_attribute

        return match_attribute(b, receiver, node)
    t: PatternType = receiver.type
    if node.attr == "pattern":
        return _prim(b, prims.RE_PATTERN_TEXT, [receiver], node, t.text)
    if node.attr in ("flags", "groups"):
        return _prim(b, prims.RE_PATTERN_INT, [receiver, ops.Constant(INT, node.attr == "groups")],
                     node, INT)
    if node.attr == "groupindex":
        return _prim(b, prims.RE_PATTERN_GROUPINDEX, [receiver], node, DictType(STR, INT))
    raise b.error(node, f"'re.Pattern' object has no attribute '{node.attr}' in compiled code",
                  hint="supported: pattern, flags, groups, groupindex")


def unwrap(b: "FunctionBuilder", value: ops.Value, attr: str, node: ast.AST) -> ops.Value:
    """A Pattern or Match from an Optional one: AttributeError for None, as
    CPython's `None.group`."""
    if isinstance(value.type, OptionalType):
        return b.emit(ops.OptionalOp("unwrap", value, value.type.item,
                                     message=f"'NoneType' object has no attribute '{attr}'",
                                     error="AttributeError"))
    return value


# ------------------------------------------------------------ arguments


def bind(b: "FunctionBuilder", node: ast.Call, what: str,
         params: Sequence[Tuple[str, Any]], python: bool = False) -> Dict[str, ast.expr]:
    """The argument nodes of the call by parameter name, defaults (as
    constant nodes) for those not given; CPython's TypeErrors as
    CompileErrors, in the words of a function written in Python (`python`:
    re.search and the other module functions) or of a C method (Pattern's
    and Match's)."""
    names = [p for p, _ in params]
    required = sum(1 for _, default in params if default is _REQUIRED)
    if len(node.args) > len(params):
        given_count = len(node.args)
        if not python:
            message = (f"{what} takes at most {len(params)} argument"
                       f"{'' if len(params) == 1 else 's'} ({given_count} given)")
        elif required == len(params):
            message = (f"{what} takes {len(params)} positional argument"
                       f"{'' if len(params) == 1 else 's'} but {given_count} "
                       f"{'was' if given_count == 1 else 'were'} given")
        else:
            message = (f"{what} takes from {required} to {len(params)} positional arguments "
                       f"but {given_count} were given")
        raise b.error(node, message)
    given: Dict[str, ast.expr] = {}
    for name, arg in zip(names, node.args):
        if isinstance(arg, ast.Starred):
            raise b.error(arg, f"{what} takes a fixed list of arguments here: '*' is not supported")
        given[name] = arg
    for kw in node.keywords:
        if kw.arg is None:
            raise b.error(kw, f"{what} takes a fixed list of arguments here: '**' is not supported")
        if kw.arg not in names:
            raise b.error(kw, f"{what} got an unexpected keyword argument '{kw.arg}'" if python
                          else f"'{kw.arg}' is an invalid keyword argument for {what}")
        if kw.arg in given:
            raise b.error(kw, f"{what} got multiple values for argument '{kw.arg}'" if python
                          else f"argument for {what} given by name ('{kw.arg}') and position "
                          f"({names.index(kw.arg) + 1})")
        given[kw.arg] = kw.value
    missing = [name for name, default in params if default is _REQUIRED and name not in given]
    if missing and python:
        quoted = [f"'{m}'" for m in missing]
        if len(quoted) <= 2:
            listed = " and ".join(quoted)
        else:
            listed = ", ".join(quoted[:-1]) + ", and " + quoted[-1]
        raise b.error(node, f"{what} missing {len(missing)} required positional argument"
                      f"{'' if len(missing) == 1 else 's'}: {listed}")
    if missing:
        raise b.error(node, f"{what} missing required argument '{missing[0]}' "
                      f"(pos {names.index(missing[0]) + 1})")
    for name, default in params:
        if name not in given:
            given[name] = ast.copy_location(ast.Constant(default), node)
    return given


def _source_order(node: ast.Call, args: Dict[str, ast.expr]) -> List[Tuple[str, ast.expr]]:
    """The bound arguments in the order Python evaluates them (positional,
    then keywords as written), defaults last."""
    order = {id(a): i for i, a in enumerate(list(node.args) + [kw.value for kw in node.keywords])}
    return sorted(args.items(), key=lambda item: order.get(id(item[1]), len(order)))


def _value(b: "FunctionBuilder", node: ast.expr) -> ops.Value:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and node.value == MAXSIZE:
        return ops.Constant(INT, MAXSIZE)
    return b.expr.value(node)


def _int(b: "FunctionBuilder", node: ast.expr, what: str) -> ops.Value:
    value = _value(b, node)
    if value.type in (INT, BOOL):
        return b.expr.coerce(value, INT, node)
    if is_any(value.type):
        from .anys import unbox

        return unbox(b, value, INT, node)
    raise b.error(node, f"'{value.type}' object cannot be interpreted as an integer",
                  hint=f"the argument '{what}' takes an int")


def _prim(b: "FunctionBuilder", p: prims.Primitive, args: List[ops.Value], node: ast.AST,
          result: Type) -> ops.Value:
    return b.emit(ops.PrimitiveCall(p, args, b.lineno(node), result))


def _register_error(b: "FunctionBuilder") -> None:
    """Code that may raise re.error: the class's kind, known to the bridge
    and recorded (the disk cache and saved pipelines register it again)."""
    from .. import exceptions as registry

    kind = registry.kind_of(re.error)
    b.session.dependencies[f"exc:{re.error.__module__}:{re.error.__qualname__}"] = str(kind)


# ------------------------------------------------------- compile-time patterns


class _NotConstant(Exception):
    pass


def fold(b: "FunctionBuilder", node: ast.expr) -> Any:
    """The value of an expression the compiler can compute: literals,
    module-level constants (re.I, a WORD = r"\\w+", a compiled pattern) and
    +, |, &, ^, ~, - between them.  _NotConstant otherwise."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in b.locals or node.id in b.lambda_bindings or node.id.startswith("."):
            raise _NotConstant
        try:
            value = b.lookup_global(node.id, node)
        except Exception:
            raise _NotConstant from None
        return _foldable(value)
    if isinstance(node, ast.Attribute):
        from .calls import _is_module_path, resolve_attribute

        if not _is_module_path(b, node.value):
            raise _NotConstant
        return _foldable(resolve_attribute(b, node))
    if isinstance(node, ast.BinOp):
        left, right = fold(b, node.left), fold(b, node.right)
        ops_ = {ast.Add: lambda x, y: x + y, ast.BitOr: lambda x, y: x | y,
                ast.BitAnd: lambda x, y: x & y, ast.BitXor: lambda x, y: x ^ y,
                ast.Sub: lambda x, y: x - y}
        op = ops_.get(type(node.op))
        if op is None or type(left) is not type(right) and not (
                isinstance(left, int) and isinstance(right, int)):
            raise _NotConstant
        return op(left, right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Invert, ast.USub)):
        operand = fold(b, node.operand)
        if not isinstance(operand, int):
            raise _NotConstant
        return ~operand if isinstance(node.op, ast.Invert) else -operand
    raise _NotConstant


def _foldable(value: Any) -> Any:
    if isinstance(value, (str, bytes, int, re.Pattern)):
        return value
    raise _NotConstant


def _flags(b: "FunctionBuilder", node: Any) -> int:
    if isinstance(node, int):
        return node
    try:
        value = fold(b, node)
    except _NotConstant:
        raise b.error(node, "the flags of a regular expression must be known when the function "
                      "is compiled", hint="use re's constants (re.I | re.M) or a module-level "
                      "constant") from None
    if not isinstance(value, int):  # (a bool is an int here too, as in CPython)
        raise b.error(node, f"flags must be an int, not {type(value).__name__}")
    return int(value)


def pattern_value(b: "FunctionBuilder", node: ast.expr, flags_node: Any,
                  call_node: ast.AST) -> ops.Value:
    """The compiled Pattern that a `pattern` argument (with `flags`)
    stands for, as re.compile(pattern, flags) makes it."""
    try:
        obj = fold(b, node)
    except _NotConstant:
        obj = None
    if obj is None:
        value = b.expr.value(node)
        if isinstance(value.type, PatternType):
            if _flags(b, flags_node) != 0:
                raise b.error(call_node, "cannot process flags argument with a compiled pattern")
            return value
        if isinstance(value, ops.Constant) and isinstance(value.value, (str, bytes)):
            obj = value.value  # a local holding a literal
        else:
            raise b.error(node, f"regular expression from {with_article(value.type)} known only "
                          "at run time: compiled code runs patterns known when it is compiled",
                          hint=_RUNTIME_HINT)
    flags = _flags(b, flags_node)
    if isinstance(obj, re.Pattern):
        if flags:
            raise b.error(call_node, "cannot process flags argument with a compiled pattern")
        return _constant(b, obj, node)
    if not isinstance(obj, (str, bytes)):
        raise b.error(node, "first argument must be string or compiled pattern")
    if flags & re.DEBUG:
        raise b.error(call_node, "re.DEBUG prints the parse when the pattern is compiled, which "
                      "compiled code does not do", hint="leave re.DEBUG out")
    try:
        compiled = re.compile(obj, flags)
    except re.error as exc:
        return _invalid(b, obj, str(exc), node)
    return _constant(b, compiled, node)


def _constant(b: "FunctionBuilder", compiled: "re.Pattern", node: ast.AST) -> ops.Value:
    from . import module_constants

    name = ast.unparse(node) if isinstance(node, (ast.Name, ast.Attribute)) else "re.compile"
    return module_constants.read(b, name, compiled, node)


def _invalid(b: "FunctionBuilder", pattern: Any, message: str, node: ast.AST) -> ops.Value:
    """A pattern re.compile rejects: a value whose construction raises
    re.error with CPython's message, where the code would compile it."""
    from .module_constants import CapturedConstant
    from .source import synthesised_function

    pool = b.session.module_constants
    key = ("re.error", type(pattern), pattern)
    captured = pool.get(key)  # (keys are ints elsewhere: ids of live objects)
    if captured is None:
        scope = {"__pjx_re_error": re.error, "__name__": getattr(b.pyfunc, "__module__", "__main__")}
        source = f"def __pjx_bad_pattern():\n    raise __pjx_re_error({message!r})\n"
        function = synthesised_function("__pjx_bad_pattern", source, scope)
        function.__qualname__ = "<module value re.compile>"
        function.__pjx_return_type__ = PatternType(isinstance(pattern, bytes), 0)
        captured = pool[key] = CapturedConstant(pattern, function, function.__pjx_return_type__)
    signature = b.session.function_for(captured.function, ())
    op = ops.ModuleConstant(signature, "re.compile", b.lineno(node))
    op.source_node = node
    return b.emit(op)


def pattern_type(compiled: "re.Pattern") -> PatternType:
    return PatternType(isinstance(compiled.pattern, bytes), compiled.groups)


def builder_source(compiled: "re.Pattern", scope: Dict[str, Any]) -> List[str]:
    """The body of the generated function that builds a module constant
    holding this pattern (module_constants)."""
    from ..regex_program import program_of

    program = program_of(compiled)
    scope["__pjx_re_build"] = build_pattern
    return [f"return __pjx_re_build({program.code!r}, {program.pattern!r}, "
            f"{program.groupindex!r})"]


def _build(b: "FunctionBuilder", node: ast.Call) -> ops.Value:
    import struct

    code_node, pattern_node, index_node = node.args
    code = code_node.value
    groups = struct.unpack_from("<5I", code)[3]
    is_bytes = isinstance(pattern_node.value, bytes)
    values = [b.expr.value(code_node), b.expr.value(pattern_node), b.expr.value(index_node)]
    if values[2].type != DictType(STR, INT):
        values[2] = b.expr.coerce(values[2], DictType(STR, INT), index_node)
    return _prim(b, prims.RE_COMPILE, values, node, PatternType(is_bytes, groups))


# ------------------------------------------------------------ Pattern methods


def _text(b: "FunctionBuilder", pattern: PatternType, node: ast.expr, what: str) -> ops.Value:
    """A string argument: the pattern's kind of text (a str pattern on bytes
    is CPython's TypeError at run time, from the runtime), an Optional one
    or an Any."""
    value = _value(b, node)
    t = value.type
    if t in (STR, BYTES) or is_any(t) or (isinstance(t, OptionalType) and t.item in (STR, BYTES)):
        return value
    raise b.error(node, f"expected string or bytes-like object, got '{t}'",
                  hint=f"{what} takes a str (or bytes, for a bytes pattern)")


def _pattern_method(b: "FunctionBuilder", pattern: ops.Value, name: str,
                    args: Dict[str, ast.expr], node: ast.AST) -> ops.Value:
    t: PatternType = pattern.type
    text = t.text
    if name in _MODES or name in ("findall", "finditer"):
        string = _text(b, t, args["string"], f"{name}()")
        pos = _int(b, args.get("pos", ast.Constant(0)), "pos")
        endpos = _int(b, args.get("endpos", ast.Constant(MAXSIZE)), "endpos")
        if name in _MODES:
            return _prim(b, prims.RE_RUN, [pattern, string, pos, endpos,
                                           ops.Constant(INT, _MODES[name])], node,
                         OptionalType(MatchType(t.is_bytes, t.groups)))
        if name == "finditer":
            return _prim(b, prims.RE_FINDITER, [pattern, string, pos, endpos, ops.Constant(INT, 0)],
                         node, ListType(MatchType(t.is_bytes, t.groups)))
        if t.groups < 0:
            item: Type = ANY
        elif t.groups <= 1:
            item = text
        else:
            item = TupleType((text,) * t.groups)
        return _prim(b, prims.RE_FINDALL, [pattern, string, pos, endpos], node, ListType(item))
    if name == "split":
        string = _text(b, t, args["string"], "split()")
        maxsplit = _int(b, args["maxsplit"], "maxsplit")
        item = text if t.groups == 0 else OptionalType(text)
        return _prim(b, prims.RE_SPLIT, [pattern, string, maxsplit], node, ListType(item))
    assert name in ("sub", "subn")
    repl = _value(b, args["repl"])
    string = _text(b, t, args["string"], f"{name}()")
    count = _int(b, args["count"], "count")
    if isinstance(repl.type, FunctionType):
        return _sub_function(b, pattern, repl, string, count, name == "subn", node)
    if repl.type in (STR, BYTES) and repl.type != text:
        raise b.error(args["repl"], f"the replacement of a {'bytes' if t.is_bytes else 'str'} "
                      f"pattern must be {text}, not {repl.type}")
    if repl.type not in (STR, BYTES) and not is_any(repl.type):
        raise b.error(args["repl"], f"{name}() takes a replacement string or a function, not "
                      f"{with_article(repl.type)}")
    if name == "sub":
        return _prim(b, prims.RE_SUB, [pattern, repl, string, count], node, text)
    return _prim(b, prims.RE_SUBN, [pattern, repl, string, count], node, TupleType((text, INT)))


def _sub_function(b: "FunctionBuilder", pattern: ops.Value, repl: ops.Value, string: ops.Value,
                  count: ops.Value, subn: bool, node: ast.AST) -> ops.Value:
    """sub(function, string): the matches first (at most `count`), then
    [function(m) for m in matches] built here, where the function's free
    variables are, then the pieces joined.  A None result adds nothing,
    as in CPython."""
    t: PatternType = pattern.type
    matches = _prim(b, prims.RE_FINDITER,
                    [pattern, string, ops.Constant(INT, 0), ops.Constant(INT, MAXSIZE), count],
                    node, ListType(MatchType(t.is_bytes, t.groups)))
    uid = b.next_loop_id()
    names = {"f": f".re_repl{uid}", "ms": f".re_matches{uid}", "m": f".re_m{uid}"}
    b.lambda_bindings[names["f"]] = repl
    b.lambda_bindings[names["ms"]] = matches
    try:
        comp = ast.ListComp(
            elt=ast.Call(func=ast.Name(id=names["f"], ctx=ast.Load()),
                         args=[ast.Name(id=names["m"], ctx=ast.Load())], keywords=[]),
            generators=[ast.comprehension(target=ast.Name(id=names["m"], ctx=ast.Store()),
                                          iter=ast.Name(id=names["ms"], ctx=ast.Load()),
                                          ifs=[], is_async=0)])
        ast.fix_missing_locations(ast.copy_location(comp, node))
        for sub in ast.walk(comp):
            ast.copy_location(sub, node)
        replacements = b.expr.value(comp)
    finally:
        b.lambda_bindings.pop(names["f"], None)
        b.lambda_bindings.pop(names["ms"], None)
    item = replacements.type.item if isinstance(replacements.type, ListType) else None
    if item not in (t.text, OptionalType(t.text), NONE):
        raise b.error(node, f"the replacement function must return {t.text} (or None), not "
                      f"{with_article(item) if item is not None else 'this'}")
    joined = _prim(b, prims.RE_JOIN_REPLACEMENTS, [string, matches, replacements], node, t.text)
    if not subn:
        return joined
    from .containers import build_tuple

    return build_tuple(b, [joined, b.emit(ops.Length(matches))], node)
