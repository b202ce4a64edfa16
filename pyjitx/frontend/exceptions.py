"""raise, try/except/else/finally, and exception classes.

A raised exception is the runtime's pending error (a kind and a message).
Inside a `try`, every op that can raise ends its block with a TryGoto
whose failure edge leads to the handler (see FunctionBuilder.emit), so SSA
construction sees the handler's real predecessors.  The handler tests the
pending kind against each `except` clause; a clause takes the exception
out (pjx_err_fetch), which clears it; no match re-raises to the enclosing
handler or out of the function.  `finally` runs on the normal path and,
with the exception held aside, on the exceptional one.

Exception classes: Python's built-ins map to the runtime's fixed kinds;
user-defined subclasses get a kind derived from their qualified name and
are registered with the runtime and the bridge (pyjitx.exceptions)."""
from __future__ import annotations

import ast
import builtins
import io
from typing import TYPE_CHECKING, List, Optional

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import BOOL, EXCEPTION, EXCEPTION_CLASS, NONE, STR, OptionalType, Type
from .. import exceptions as registry

if TYPE_CHECKING:
    from .builder import FunctionBuilder


def exception_kind(b: "FunctionBuilder", node: ast.expr) -> int:
    """The runtime kind of the exception class named by `node`."""
    return _kind_of_class(b, node, exception_class(b, node))


def exception_class(b: "FunctionBuilder", node: ast.expr) -> type:
    """The exception class named by `node`."""
    if isinstance(node, ast.Name):
        cls = b.lookup_global(node.id, node)
    elif isinstance(node, ast.Attribute):
        from .calls import resolve_attribute

        cls = resolve_attribute(b, node)
    else:
        raise b.error(node, "expected an exception class name")
    if not (isinstance(cls, type) and issubclass(cls, BaseException)):
        raise b.error(node, f"'{ast.unparse(node)}' is not an exception class")
    return cls


def _kind_of_class(b: "FunctionBuilder", node: ast.expr, cls: type) -> int:
    try:
        kind = registry.kind_of(cls)
    except ValueError as exc:
        raise b.error(node, str(exc), hint="compiled code raises and catches the common built-in "
                      "exceptions (ValueError, TypeError, KeyError, IndexError, OSError, ...) and "
                      "subclasses of Exception") from None
    if kind >= registry.USER_BASE:
        b.session.dependencies[f"exc:{cls.__module__}:{cls.__qualname__}"] = str(kind)
    return kind


def build_raise(b: "FunctionBuilder", stmt: ast.Raise) -> None:
    exc = stmt.exc
    if exc is None:
        if not b.caught:
            raise b.error(stmt, "a bare 'raise' is supported inside an except clause only")
        b.emit(ops.PrimitiveCall(prims.ERR_RESTORE, [b.caught[-1]], b.lineno(stmt)))
        b.propagate(stmt)
        return
    if isinstance(exc, (ast.Constant, ast.JoinedStr)):  # raise 'a string': evaluated, then
        b.expr.value(exc)                               # CPython's TypeError
        _raise_type_error(b, stmt)
        return
    if isinstance(exc, ast.Name) and exc.id in b.locals:
        value = b.read_var(exc.id, exc)
        if value.type == OptionalType(EXCEPTION):  # __exit__'s exc (TypeError if None)
            value = b.expr.unwrap(value, exc)
        if value.type != EXCEPTION:
            raise b.error(exc, "can only raise exceptions")
        b.emit(ops.PrimitiveCall(prims.ERR_RESTORE, [value], b.lineno(stmt)))
        b.propagate(stmt)
        return
    if isinstance(exc, ast.Call):
        class_node, args = exc.func, exc.args
        if exc.keywords:
            raise b.error(exc, "exception constructors take positional arguments here")
    else:
        class_node, args = exc, []
    kind = exception_kind(b, class_node)
    if len(args) > 1:
        raise b.error(exc, "exceptions with more than one argument are not supported",
                      hint="format one message, e.g. raise ValueError(f'{a}: {b}')")
    if args:
        from .strings import to_repr, to_str

        # str(KeyError(k)) is repr(k) (and the bridge rebuilds the key from it)
        cls = b.lookup_global(class_node.id, class_node) if isinstance(class_node, ast.Name) else None
        is_key_error = isinstance(cls, type) and issubclass(cls, KeyError)
        message = (to_repr if is_key_error else to_str)(b, b.expr.value(args[0]), args[0])
    else:
        message = ops.Constant(STR, None)
    b.emit(ops.PrimitiveCall(prims.ERR_SET_STR, [ops.Constant(ops.INT, kind), message],
                             b.lineno(stmt)))
    b.propagate(stmt)


def _raise_type_error(b: "FunctionBuilder", stmt: ast.Raise) -> None:
    """`raise` of a value that is no exception: CPython's TypeError, at run time."""
    kind = registry.kind_of(TypeError)
    b.emit(ops.PrimitiveCall(prims.ERR_SET_STR, [
        ops.Constant(ops.INT, kind), ops.Constant(STR, "exceptions must derive from BaseException")],
        b.lineno(stmt)))
    b.propagate(stmt)


class FinallyContext:
    """A try statement with a `finally` whose body, handlers or else clause
    is being built: a return, break or continue leaving it runs the finally
    body first (contexts.leave inlines it at the jump)."""

    def __init__(self, b: "FunctionBuilder", stmt: ast.Try) -> None:
        self.finalbody = stmt.finalbody
        self.loop_depth = len(b.loops)
        self.handler_depth = len(b.handlers)
        self.frame_depth = len(b.inline_frames)
        self.context_depth = len(b.open_contexts)  # the contexts around it
        self.node = stmt

    def run_exit(self, b: "FunctionBuilder") -> None:
        # The body runs where the try statement stands: a break in it ends
        # the loop around the try, a return in it unwinds only the
        # contexts outside (b.handlers was set by leave()).
        loops, contexts, caught = b.loops, b.open_contexts, b.caught
        b.loops = loops[:self.loop_depth]
        b.open_contexts = contexts[:self.context_depth]
        try:
            b.statements(self.finalbody)
        finally:
            b.loops, b.open_contexts, b.caught = loops, contexts, caught


def build_try(b: "FunctionBuilder", stmt: ast.Try) -> None:
    # a handler or the finally body may run after any op of the body: what
    # the body's assignments told (narrowing) holds in neither, nor after
    from . import narrowing

    outer = dict(b.narrowed)
    try:
        _build_try(b, stmt, outer)
    finally:
        b.narrowed = narrowing.without(outer, narrowing.bound_names([stmt]))


def _build_try(b: "FunctionBuilder", stmt: ast.Try, outer: dict) -> None:
    from . import narrowing

    if stmt.finalbody:
        fin_handler = b.new_block("finally_exc")
        fin_normal = b.new_block("finally")
        b.open_contexts.append(FinallyContext(b, stmt))
        b.handlers.append(fin_handler)
        try:
            _try_except(b, stmt, fin_normal)
        finally:
            b.handlers.pop()
            b.open_contexts.pop()
        after = b.new_block("endtry")
        # normal path
        b.seal(fin_normal)
        if b.ssa_has_preds(fin_normal):
            b.start(fin_normal)
            b.statements(stmt.finalbody)
            if b.block is not None:
                b.goto(after)
        # exceptional path: hold the exception aside while `finally` runs
        b.seal(fin_handler)
        b.start(fin_handler)
        b.narrowed = narrowing.without(outer, narrowing.bound_names([stmt]))
        saved = b.emit(ops.PrimitiveCall(prims.ERR_FETCH, [], b.lineno(stmt)))
        b.statements(stmt.finalbody)
        if b.block is not None:
            b.emit(ops.PrimitiveCall(prims.ERR_RESTORE, [saved], b.lineno(stmt)))
            b.propagate(stmt)
        b._continue_at(after)
        return
    after = b.new_block("endtry")
    _try_except(b, stmt, after)
    b._continue_at(after)


def _try_except(b: "FunctionBuilder", stmt: ast.Try, exit_block: ops.Block) -> None:
    """try/except/else, continuing at exit_block (not started)."""
    if not stmt.handlers:
        b.statements(stmt.body)
        if b.block is not None:
            b.statements(stmt.orelse)
        if b.block is not None:
            b.goto(exit_block)
        return
    handler = b.new_block("except")
    b.handlers.append(handler)
    b.statements(stmt.body)
    b.handlers.pop()
    if b.block is not None:
        b.statements(stmt.orelse)  # not protected by this try's handlers
        if b.block is not None:
            b.goto(exit_block)
    b.seal(handler)
    b.start(handler)
    from . import narrowing

    for clause in stmt.handlers:
        b.narrowed = narrowing.without(b.narrowed, narrowing.bound_names(stmt.body))
        matched = b.new_block("caught")
        rest = b.new_block("nomatch")
        _match(b, clause.type, matched, rest)
        b.seal(matched)
        b.seal(rest)
        b.start(matched)
        caught = b.emit(ops.PrimitiveCall(prims.ERR_FETCH, [], b.lineno(clause)))
        if clause.name:
            b.write_var(clause.name, caught, clause)
        b.caught.append(caught)
        b.statements(clause.body)
        b.caught.pop()
        if b.block is not None:
            b.goto(exit_block)
        b.start(rest)
    b.propagate(stmt)


# classes compiled code raises whose runtime kind hangs under their first
# base only (pyjitx/fileio.py raises io.UnsupportedOperation)
_SECOND_BASES = (io.UnsupportedOperation,)


def _match(b: "FunctionBuilder", type_node: Optional[ast.expr], matched: ops.Block,
           rest: ops.Block) -> None:
    if type_node is None:
        b.goto(matched)
        return
    names = type_node.elts if isinstance(type_node, ast.Tuple) else [type_node]
    result: Optional[ops.Value] = None
    for name in names:
        cls = exception_class(b, name)
        kind = _kind_of_class(b, name, cls)
        if kind == registry.BASE_EXCEPTION:
            b.goto(matched)
            return
        # the runtime's kinds have one parent each: a class with a second
        # base the clause names (io.UnsupportedOperation is an OSError and a
        # ValueError) is matched by its own kind too
        kinds = [kind] + [_kind_of_class(b, name, extra) for extra in _SECOND_BASES
                          if extra is not cls and issubclass(extra, cls)]
        for k in kinds:
            hit = b.emit(ops.PrimitiveCall(prims.ERR_MATCHES, [ops.Constant(ops.INT, k)],
                                           b.lineno(name)))
            result = hit if result is None else b.emit(ops.IntArith("or", result, hit))
    cond = b.emit(ops.Convert("int_to_bool", result))
    b.branch(cond, matched, rest)


def exception_str(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> ops.Value:
    """str(e) of an exception (or of an Optional one: "None" for None)."""
    if value.type in (EXCEPTION_CLASS, OptionalType(EXCEPTION_CLASS)):
        raise b.error(node, "str() of an exception class is not supported",
                      hint="test it with issubclass(), or use str() of the exception")
    if value.type == EXCEPTION:
        return b.emit(ops.PrimitiveCall(prims.EXCEPTION_STR, [value], b.lineno(node)))
    result = f".excstr{b.next_loop_id()}"
    present, absent, after = b.new_block("exception"), b.new_block("none"), b.new_block("str")
    b.branch(b.emit(ops.OptionalOp("is_none", value, BOOL)), absent, present)
    b.seal(present)
    b.seal(absent)
    b.start(absent)
    b.write_var(result, ops.Constant(STR, "None"), node)
    b.goto(after)
    b.start(present)
    b.write_var(result, exception_str(b, b.expr.unwrap(value, node), node), node)
    b.goto(after)
    b.seal(after)
    b.start(after)
    return b.read_var(result, node)


def is_exception(t: Type) -> bool:
    """An exception or its class (`except ... as e`, __exit__'s arguments),
    or Optional of one."""
    if isinstance(t, OptionalType):
        t = t.item
    return t in (EXCEPTION, EXCEPTION_CLASS)


def kind_test(b: "FunctionBuilder", value: ops.Value, classes_node: ast.expr, node: ast.AST,
              what: str) -> ops.Value:
    """isinstance(e, C) of an exception, issubclass(t, C) of its class
    (`what`): the runtime kind of the exception matches C's (or one of a
    tuple's), subclasses and user-defined classes included.  None is no
    instance, and no class at all (TypeError), as in Python."""
    names = classes_node.elts if isinstance(classes_node, ast.Tuple) else [classes_node]
    kinds = [exception_kind(b, name) for name in names]
    if not isinstance(value.type, OptionalType):
        return _kind_matches(b, value, kinds, node)
    result = f".kindtest{b.next_loop_id()}"
    present, absent, after = b.new_block("exception"), b.new_block("none"), b.new_block("kindtest")
    b.branch(b.emit(ops.OptionalOp("is_none", value, BOOL)), absent, present)
    b.seal(present)
    b.seal(absent)
    b.start(absent)
    if what == "issubclass":
        b.terminate(ops.Raise("TypeError", "issubclass() arg 1 must be a class", b.lineno(node)))
    else:
        b.write_var(result, ops.Constant(BOOL, False), node)
        b.goto(after)
    b.start(present)
    b.write_var(result, _kind_matches(b, b.expr.unwrap(value, node), kinds, node), node)
    b.goto(after)
    b.seal(after)
    b.start(after)
    return b.read_var(result, node)


def _kind_matches(b: "FunctionBuilder", exc: ops.Value, kinds: List[int],
                  node: ast.AST) -> ops.Value:
    if registry.BASE_EXCEPTION in kinds:
        return ops.Constant(BOOL, True)
    # (an exception's class is held as the exception: the same kind)
    kind = b.emit(ops.PrimitiveCall(prims.EXCEPTION_KIND, [exc], b.lineno(node)))
    hit: Optional[ops.Value] = None
    for k in kinds:
        one = b.emit(ops.PrimitiveCall(prims.EXCEPTION_KIND_MATCHES,
                                       [kind, ops.Constant(ops.INT, k)], b.lineno(node)))
        hit = one if hit is None else b.emit(ops.IntArith("or", hit, one))
    return b.emit(ops.Convert("int_to_bool", hit))
