"""`with` statements over instances of compiled classes.

`with expr as target: body` is Python's protocol, built on the try/except
machinery of exceptions.py: the manager is evaluated, its `__enter__`
called and the result assigned; the body runs with a handler of its own
(every op in it that can raise has an edge there); leaving the body
normally -- or by return, break or continue -- calls
`__exit__(None, None, None)`; an exception calls `__exit__` with the
exception held aside (err_fetch) and re-raises it unless the result is
true.  Several items nest, the first outermost.

`__exit__` receives the exception as Python passes it, except for the
traceback, which is None: exc_type is an `Optional[type]` (held as the
exception itself, see types.ExceptionClassType) that `is None` and
`issubclass()` test, exc an `Optional[Exception]` (`isinstance()`,
`str()`, `raise exc`).  So its three parameters must be unannotated or
annotated as admitting None (`Optional[...]`, `X | None`).  `with` in
Python code over a compiled class still passes None for all three (see
pyjitx/classes.py).
"""
from __future__ import annotations

import ast
import inspect
import typing
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from ..errors import CompileError
from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import (EXCEPTION, EXCEPTION_CLASS, NONE, ClassType, OptionalType, Type,
                        with_article)

if TYPE_CHECKING:
    from .builder import FunctionBuilder


class OpenContext:
    """A `with` item whose body is being built: what leaving the body early
    (return, break, continue) must call, and from where."""

    def __init__(self, b: "FunctionBuilder", manager: ops.Value, node: ast.AST) -> None:
        self.manager = manager
        self.loop_depth = len(b.loops)          # the loops around it
        self.handler_depth = len(b.handlers)    # the handlers outside its own
        self.frame_depth = len(b.inline_frames)  # the expanded function it is in
        self.node = node

    def run_exit(self, b: "FunctionBuilder") -> None:
        _call_exit(b, self.manager, self.node)


def build_with(b: "FunctionBuilder", stmt: ast.With) -> None:
    from . import narrowing

    _reject_generator_managers(b, stmt)
    outer = dict(b.narrowed)
    _enter(b, stmt.items, stmt.body)
    # (an __exit__ that swallows an exception skips the rest of the body:
    # what its assignments told does not hold after the statement)
    b.narrowed = narrowing.without(outer, narrowing.bound_names([stmt]))


def _enter(b: "FunctionBuilder", items: List[ast.withitem], body: List[ast.stmt]) -> None:
    """The first item around the rest (the body inside the last)."""
    if not items:
        b.statements(body)
        return
    item = items[0]
    where = item.context_expr
    manager = b.expr.unwrap(b.expr.value(where), where)
    _check_manager(b, manager, where)
    from .classes import call_special

    entered = call_special(b, manager, "__enter__", [], where)
    handler = b.new_block("with_exc")
    b.open_contexts.append(OpenContext(b, manager, where))
    b.handlers.append(handler)
    if item.optional_vars is not None:
        b._assign(item.optional_vars, entered)  # failing here, __exit__ runs too
    _enter(b, items[1:], body)
    b.handlers.pop()
    b.open_contexts.pop()
    after = b.new_block("endwith")
    if b.block is not None:
        _call_exit(b, manager, where)
        b.goto(after)
    b.seal(handler)
    if b.ssa_has_preds(handler):
        _exceptional_exit(b, handler, manager, where, after)
    b._continue_at(after)


def _exceptional_exit(b: "FunctionBuilder", handler: ops.Block, manager: ops.Value,
                      where: ast.AST, after: ops.Block) -> None:
    """The body raised: __exit__ runs with the exception held aside; a true
    result swallows it, otherwise it is raised again."""
    b.start(handler)
    held = b.emit(ops.PrimitiveCall(prims.ERR_FETCH, [], b.lineno(where)))
    cls = b.emit(ops.OptionalOp("wrap", held, EXCEPTION_CLASS))  # its class: the same object
    swallow = b.expr.truthy(_call_exit(b, manager, where, [cls, held]), where)
    reraise = b.new_block("with_reraise")
    if isinstance(swallow, ops.Constant):
        b.goto(after if swallow.value else reraise)
    else:
        b.branch(swallow, after, reraise)
    b.seal(reraise)
    b.start(reraise)
    if b.ssa_has_preds(reraise):
        b.emit(ops.PrimitiveCall(prims.ERR_RESTORE, [held], b.lineno(where)))
        b.propagate(where)
    else:
        b.terminate(ops.Unreachable())


def _call_exit(b: "FunctionBuilder", manager: ops.Value, where: ast.AST,
               exception: Optional[List[ops.Value]] = None) -> ops.Value:
    """__exit__(exc_type, exc, None), or with None for both."""
    from .classes import call_special

    none = ops.Constant(NONE, None)
    result = call_special(b, manager, "__exit__", (exception or [none, none]) + [none], where)
    assert result is not None  # _check_manager saw it
    return result


def leave(b: "FunctionBuilder", loop_depth: int) -> None:
    """Before `return` (loop_depth 0) or `break`/`continue` (the depth of
    the loop they leave an iteration of): what every `with` and `finally`
    being left runs on the way out -- `__exit__(None, None, None)`, or the
    finally body inlined at the jump as CPython's compiler does -- innermost
    first, each outside its own handler (an exception from it goes to the
    handlers around that statement).  A finally body that ends the path
    itself (its own return, break or raise) stops the unwinding: the
    original jump does not happen, as in Python; b.block is then None."""
    frame_depth = len(b.inline_frames)
    inside = b.handlers
    try:
        for context in reversed(b.open_contexts):
            if context.loop_depth < loop_depth or context.frame_depth < frame_depth:
                break
            b.handlers = inside[:context.handler_depth]
            context.run_exit(b)
            if b.block is None:
                break
    finally:
        b.handlers = inside


def _check_manager(b: "FunctionBuilder", manager: ops.Value, where: ast.AST) -> None:
    from .classes import has_special

    t = manager.type
    if not isinstance(t, ClassType):
        raise b.error(where, f"'with' over {with_article(t)} is not supported",
                      hint="compiled code runs 'with' over instances of compiled classes that "
                           "define __enter__ and __exit__")
    missing = [name for name in ("__enter__", "__exit__") if not has_special(t, name)]
    if missing:
        raise b.error(where, f"'{t}' object does not support the context manager protocol",
                      hint=f"define {' and '.join(missing)} on the class")


def _reject_generator_managers(b: "FunctionBuilder", stmt: ast.With) -> None:
    """`with some_contextmanager(...)`: a generator-based manager
    (contextlib.contextmanager) cannot run in compiled code; say so rather
    than fail on the helper function the decorator made."""
    for item in stmt.items:
        call = item.context_expr
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                and call.func.id not in b.locals):
            continue
        try:
            target = b.lookup_global(call.func.id, call.func)
        except CompileError:
            continue
        inner = inspect.unwrap(target) if callable(target) else None
        if inner is not target and inspect.isgeneratorfunction(inner):
            raise b.error(stmt, f"'with' over the generator-based context manager "
                          f"'{call.func.id}' is not supported",
                          hint="compiled code runs 'with' over instances of compiled classes "
                               "that define __enter__ and __exit__")


# ------------------------------------------------------- __exit__'s types


# __exit__'s exception parameters as compiled code types them (module docstring)
EXIT_PARAM_TYPES = (OptionalType(EXCEPTION_CLASS), OptionalType(EXCEPTION), NONE)


def exit_exception_params(method: Any) -> Dict[str, Type]:
    """__exit__'s three exception parameters with the types compiled code
    gives them (see the module docstring).  A CompileError if __exit__ has
    another shape or an annotation that excludes None."""
    from .source import parse_function

    params = list(inspect.signature(method).parameters.values())[1:]
    if len(params) != 3 or any(p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                               for p in params):
        parsed = parse_function(method)
        raise parsed.source_map.error(
            parsed.node, f"{method.__qualname__}: __exit__ takes (self, exc_type, exc_value, "
            "traceback)")
    for p in params:
        if p.annotation is not inspect.Parameter.empty and not _admits_none(p.annotation):
            parsed = parse_function(method)
            arg = next((a for a in parsed.node.args.args if a.arg == p.name), parsed.node)
            raise parsed.source_map.error(
                arg, f"{method.__qualname__}: parameter '{p.name}' is annotated "
                f"{_annotation_text(p.annotation)}, but __exit__ receives None for the "
                "exception arguments when the body does not raise (and for the traceback "
                "always, in compiled code)",
                hint="annotate them Optional[...] (or X | None), or leave them unannotated")
    return {p.name: t for p, t in zip(params, EXIT_PARAM_TYPES)}


def _admits_none(annotation: Any) -> bool:
    if isinstance(annotation, str):
        try:
            return _node_admits_none(ast.parse(annotation.strip(), mode="eval").body)
        except SyntaxError:
            return False
    if annotation is None or annotation is type(None) or annotation is typing.Any \
            or annotation is object:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        return any(_admits_none(a) for a in typing.get_args(annotation))
    return False


def _node_admits_none(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is None or (isinstance(node.value, str)
                                      and _admits_none(node.value))
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
    if name in ("None", "Any", "object"):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _node_admits_none(node.left) or _node_admits_none(node.right)
    if isinstance(node, ast.Subscript):
        generic = node.value.attr if isinstance(node.value, ast.Attribute) else \
            getattr(node.value, "id", None)
        if generic == "Optional":
            return True
        if generic == "Union":
            elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            return any(_node_admits_none(e) for e in elts)
    return False


def _annotation_text(annotation: Any) -> str:
    return annotation if isinstance(annotation, str) else getattr(
        annotation, "__name__", repr(annotation))
