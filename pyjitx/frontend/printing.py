"""print() and the standard streams.

`print(*objects, sep=" ", end="\\n", file=None, flush=False)` as CPython
defines it: the arguments are evaluated first, then each object is
converted with str(); `*iterables` among the objects are unpacked.  The
text goes to

- sys.stdout (file omitted or None) or sys.stderr: one runtime write of the
  whole line (libruntime/io.c).  Under Python the writer goes through
  sys.stdout / sys.stderr (taking the GIL), so the text lands after what
  Python's own print() buffered and follows their redirection; a C++ host
  writes C stdio's streams;
- an instance with a write(str) method -- an io.StringIO (pyjitx.stringio
  stands in for it) or a compiled class -- through calls of that method,
  one per object and separator and one for `end`, as CPython makes them;
  `flush=True` calls its flush().

`sys.stdout.write(s)` / `sys.stderr.write(s)` and their flush() are
compiled too.
"""
from __future__ import annotations

import ast
import sys
from typing import TYPE_CHECKING, List, Optional, Tuple

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import BOOL, INT, NONE, STR, ClassType, ListType, OptionalType, with_article

if TYPE_CHECKING:
    from .builder import FunctionBuilder

_STREAMS = {"stdout": 1, "stderr": 2}
_FILE_HINT = ("print() writes to sys.stdout, sys.stderr, an io.StringIO, a file from open() or "
              "an instance of a compiled class with a write(str) method (an io.StringIO "
              "parameter is annotated io.StringIO, not Any)")


def stream_of(b: "FunctionBuilder", node: ast.expr) -> Optional[int]:
    """1 or 2 when `node` is sys.stdout or sys.stderr."""
    if not (isinstance(node, ast.Attribute) and node.attr in _STREAMS
            and isinstance(node.value, ast.Name) and node.value.id not in b.locals):
        return None
    try:
        module = b.lookup_global(node.value.id, node.value)
    except Exception:  # noqa: BLE001 - no such global: not the sys module
        return None
    return _STREAMS[node.attr] if module is sys else None


def print_call(b: "FunctionBuilder", node: ast.Call, _target) -> ops.Value:
    # every argument first, in the order written, as Python evaluates them
    from .signatures import tuple_items

    objects: List[Tuple[bool, ops.Value, ast.expr]] = []
    for arg in node.args:
        starred = isinstance(arg, ast.Starred)
        value = b.expr.value(arg.value if starred else arg)
        items = tuple_items(b, value, arg) if starred else None
        if items is not None:  # *t of a tuple: its items, whatever their types
            objects += [(False, item, arg) for item in items]
        else:
            objects.append((starred, value, arg))
    sep = end = flush = None
    stream: Optional[int] = 1
    file: Optional[ops.Value] = None
    for kw in node.keywords:
        if kw.arg is None:
            raise b.error(kw, "print() with **kwargs is not supported",
                          hint="pass sep=, end=, file= and flush= by name")
        if kw.arg == "file":
            stream = stream_of(b, kw.value)
            if stream is None:
                file = b.expr.value(kw.value)
                if file.type == NONE:
                    stream, file = 1, None
                elif not isinstance(file.type, ClassType):
                    raise b.error(kw.value, f"print() cannot write to {with_article(file.type)}",
                                  hint=_FILE_HINT)
            continue
        if kw.arg not in ("sep", "end", "flush"):
            raise b.error(kw, f"'{kw.arg}' is an invalid keyword argument for print()")
        value = b.expr.value(kw.value)
        if kw.arg == "flush":
            flush = (value, kw.value)
            continue
        text = _text_option(b, kw.arg, value, kw.value)
        if kw.arg == "sep":
            sep = text
        else:
            end = text
    sep = sep if sep is not None else ops.Constant(STR, " ")
    end = end if end is not None else ops.Constant(STR, "\n")
    if file is not None:
        _to_instance(b, file, objects, sep, end, flush, node)
    else:
        text = _joined(b, objects, sep, end, node)
        wants_flush = b.expr.truthy(*flush) if flush is not None else ops.Constant(BOOL, False)
        b.emit(ops.PrimitiveCall(prims.PRINT_TO, [ops.Constant(INT, stream), text,
                                            b.expr.coerce(wants_flush, INT, node)],
                                 b.lineno(node)))
    return ops.Constant(NONE, None)


def _text_option(b: "FunctionBuilder", name: str, value: ops.Value,
                 node: ast.expr) -> Optional[ops.Value]:
    """sep= or end=: a str, or None for the default (None when it is None)."""
    if value.type == STR:
        return value
    if value.type == NONE:
        return None
    if value.type == OptionalType(STR):
        default = " " if name == "sep" else "\n"
        holder = f".print{name}{b.next_loop_id()}"
        given, absent, after = b.new_block("given"), b.new_block("default"), b.new_block("opt")
        b.branch(b.emit(ops.OptionalOp("is_none", value, BOOL)), absent, given)
        b.seal(given)
        b.seal(absent)
        b.start(given)
        b.write_var(holder, b.expr.unwrap(value, node), node)
        b.goto(after)
        b.start(absent)
        b.write_var(holder, ops.Constant(STR, default), node)
        b.goto(after)
        b.seal(after)
        b.start(after)
        return b.read_var(holder, node)
    raise b.error(node, f"{name} must be None or a string, not {value.type}")


def _each_item(b: "FunctionBuilder", iterable: ops.Value, node: ast.AST, body) -> None:
    """body(item) for each item of a starred argument."""
    from .loops import build_for

    build_for(b, None, node, lambda: body(b.loop_item), [], node, iterable=iterable)


def _joined(b: "FunctionBuilder", objects, sep: ops.Value, end: ops.Value,
            node: ast.AST) -> ops.Value:
    """The line print() writes: str() of the objects, sep between, end after."""
    from . import strings

    if not any(starred for starred, _, _ in objects):
        pieces: List[ops.Value] = []
        for index, (_, value, arg) in enumerate(objects):
            if index:
                pieces.append(sep)
            pieces.append(strings.to_str(b, value, arg))
        return strings.concat_all(b, pieces + [end], node)
    parts = b.emit(ops.PrimitiveCall(prims.LIST_NEW, [ops.Constant(INT, 4), ops.Constant(INT, 0)],
                                     b.lineno(node), ListType(STR)))

    def add(value: ops.Value, where: ast.AST) -> None:
        b.emit(ops.PrimitiveCall(prims.LIST_APPEND, [parts, strings.to_str(b, value, where)],
                                 b.lineno(where)))

    for starred, value, arg in objects:
        if starred:
            _each_item(b, value, arg, lambda item, arg=arg: add(item, arg))
        else:
            add(value, arg)
    line = strings.emit_prim(b, prims.STR_JOIN, [sep, parts], node)
    return strings.emit_prim(b, prims.STR_CONCAT, [line, end], node)


def call_method(b: "FunctionBuilder", receiver: ops.Value, name: str, values: List[ops.Value],
                node: ast.AST) -> ops.Value:
    """receiver.name(*values) on an instance of a compiled class."""
    from .classes import method_call

    uid = b.next_loop_id()
    names = [f".printarg{uid}.{i}" for i in range(len(values))]
    call = ast.Call(func=ast.Attribute(value=ast.Name(id=f".printfile{uid}", ctx=ast.Load()),
                                       attr=name, ctx=ast.Load()),
                    args=[ast.Name(id=n, ctx=ast.Load()) for n in names], keywords=[])
    for sub in ast.walk(call):
        ast.copy_location(sub, node)
    b.lambda_bindings.update(zip(names, values))
    try:
        return method_call(b, receiver, name, call)
    finally:
        for n in names:
            b.lambda_bindings.pop(n, None)


def _to_instance(b: "FunctionBuilder", file: ops.Value, objects, sep: ops.Value, end: ops.Value,
                 flush, node: ast.AST) -> None:
    """print(..., file=obj): obj.write() of each piece, as CPython calls it."""
    from . import strings

    first = f".printfirst{b.next_loop_id()}"
    b.write_var(first, ops.Constant(BOOL, True), node)

    def piece(value: ops.Value, where: ast.AST) -> None:
        text = strings.to_str(b, value, where)
        write_sep, after = b.new_block("printsep"), b.new_block("printpiece")
        b.expr.condition_value(b.read_var(first, node), after, write_sep)
        b.seal(write_sep)
        b.start(write_sep)
        call_method(b, file, "write", [sep], node)
        b.goto(after)
        b.seal(after)
        b.start(after)
        call_method(b, file, "write", [text], node)
        b.write_var(first, ops.Constant(BOOL, False), node)

    for starred, value, arg in objects:
        if starred:
            _each_item(b, value, arg, lambda item, arg=arg: piece(item, arg))
        else:
            piece(value, arg)
    call_method(b, file, "write", [end], node)
    if flush is not None:
        do_flush, after = b.new_block("printflush"), b.new_block("printed")
        b.expr.condition_value(b.expr.truthy(*flush), do_flush, after)
        b.seal(do_flush)
        b.start(do_flush)
        call_method(b, file, "flush", [], node)
        b.goto(after)
        b.seal(after)
        b.start(after)


def stream_call(b: "FunctionBuilder", node: ast.Call, func: ast.Attribute) -> Optional[ops.Value]:
    """sys.stdout.write(s) / .flush() (and sys.stderr's), or None if
    `func` is not a method of those."""
    stream = stream_of(b, func.value)
    if stream is None:
        return None
    if node.keywords:
        raise b.error(node.keywords[0], f"{func.attr}() takes no keyword arguments")
    if func.attr == "flush" and not node.args:
        b.emit(ops.PrimitiveCall(prims.FLUSH_STREAM, [ops.Constant(INT, stream)], b.lineno(node)))
        return ops.Constant(NONE, None)
    if func.attr == "write" and len(node.args) == 1:
        text = b.expr.unwrap(b.expr.value(node.args[0]), node.args[0])
        if text.type != STR:
            raise b.error(node.args[0], f"write() argument must be str, not {text.type}")
        b.emit(ops.PrimitiveCall(prims.PRINT_TO, [ops.Constant(INT, stream), text, ops.Constant(INT, 0)],
                                 b.lineno(node)))
        return b.emit(ops.Length(text))
    raise b.error(func, f"sys.{func.value.attr}.{func.attr}() is not supported in compiled code",
                  hint=f"compiled code calls sys.{func.value.attr}.write(s) and "
                       f"sys.{func.value.attr}.flush(), and print(..., file=sys.{func.value.attr})")
