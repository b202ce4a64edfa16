"""Nested functions and lambdas: compiled inline at each call.

A `def` inside a compiled function, or a lambda assigned to a local, is a
compile-time value: each call expands its body in the calling function
with its own renamed locals (`.f3.x`), so the names it reads from the
enclosing function are simply the enclosing function's variables -- read
at the time of the call, as Python's closures read their cells -- and a
`nonlocal` name is written in place.  `return` leaves the expansion with
a value.  This gives closures without allocating closure objects or
cells.

Functions also pass as arguments: a module-level function, or a nested
function or lambda that reads nothing from its enclosing function, is
handed to a compiled callee as a zero-size value whose type names the
function (FunctionRefType); the callee is specialised on it and calls it
like its own nested function.

Not supported (clear CompileErrors): recursive nested functions, function
values stored in containers, returned, or passed to Python, and passing a
nested function that reads enclosing locals to another function.
"""
from __future__ import annotations

import ast
import copy
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Set, Union

from ..ir import ops
from ..ir.types import NONE, FunctionRefType

if TYPE_CHECKING:
    from .builder import FunctionBuilder

FunctionNode = Union[ast.FunctionDef, ast.Lambda]


class LocalFunction:
    """A nested def or lambda known at compile time."""

    def __init__(self, node: FunctionNode, name: str, free_names: Set[str], key: int) -> None:
        self.node = node
        self.name = name
        # names the body reads from an enclosing function
        self.free_names = free_names
        # the same in every rebuild of the enclosing function (its types
        # are remembered across rebuilds)
        self.key = key
        _REGISTRY[self.key] = self

    @property
    def is_lambda(self) -> bool:
        return isinstance(self.node, ast.Lambda)

    def ref_type(self) -> FunctionRefType:
        return FunctionRefType(self.name, self.key)


# FunctionRefType key -> what it names (a LocalFunction or a Python function)
_REGISTRY: Dict[int, Any] = {}


def ref_type_of_global(pyfunc: Any) -> FunctionRefType:
    """A module-level function as a value."""
    key = id(pyfunc)
    _REGISTRY[key] = pyfunc
    return FunctionRefType(pyfunc.__qualname__, key)


def named_function(t: FunctionRefType) -> Any:
    return _REGISTRY[t.key]


def bound_names(node: FunctionNode) -> Set[str]:
    """Parameters and locals of a function node (not of functions nested in it)."""
    args = node.args
    names = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    if args.vararg:
        names.add(args.vararg.arg)
    if args.kwarg:
        names.add(args.kwarg.arg)
    return names | assigned_names(node)


def assigned_names(node: FunctionNode) -> Set[str]:
    """The names a function's own body binds (assignments, except clauses,
    nested defs), without those declared nonlocal or global."""
    names: Set[str] = set()
    if isinstance(node, ast.Lambda):
        return names
    declared_outside: Set[str] = set()
    for sub in _walk_own(node):
        if isinstance(sub, (ast.Nonlocal, ast.Global)):
            declared_outside.update(sub.names)
        elif isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)):
            names.add(sub.id)
        elif isinstance(sub, ast.ExceptHandler) and sub.name:
            names.add(sub.name)
        elif isinstance(sub, ast.FunctionDef):
            names.add(sub.name)
    return names - declared_outside


def _walk_own(node: ast.AST):
    """ast.walk over a function's own body, not into nested functions."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        sub = stack.pop()
        yield sub
        if not isinstance(sub, (ast.FunctionDef, ast.Lambda, ast.AsyncFunctionDef)):
            stack.extend(ast.iter_child_nodes(sub))


def free_names(node: FunctionNode, enclosing_locals: Set[str]) -> Set[str]:
    """The enclosing function's locals that `node` reads or writes."""
    own = bound_names(node)
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return (used - own) & enclosing_locals


class _Renamer(ast.NodeTransformer):
    """Renames a function's own locals to fresh names (respecting functions
    nested in it, whose own parameters shadow them)."""

    def __init__(self, mapping: Dict[str, str]) -> None:
        self.scopes: List[Dict[str, str]] = [mapping]

    def _lookup(self, name: str) -> Optional[str]:
        return self.scopes[-1].get(name)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        new = self._lookup(node.id)
        if new is not None:
            node.id = new
        return node

    def _nested(self, node: FunctionNode) -> ast.AST:
        shadowed = bound_names(node)
        self.scopes.append({k: v for k, v in self.scopes[-1].items() if k not in shadowed})
        try:
            if isinstance(node, ast.Lambda):
                node.body = self.visit(node.body)
            else:
                node.body = [self.visit(s) for s in node.body]
        finally:
            self.scopes.pop()
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        return self._nested(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        new = self._lookup(node.name)
        if new is not None:
            node.name = new
        return self._nested(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.AST:
        if node.name and self._lookup(node.name):
            node.name = self._lookup(node.name)
        self.generic_visit(node)
        return node


class InlineFrame:
    """An expansion in progress: where `return` goes."""

    def __init__(self, fn: LocalFunction, result_var: str, exit_block: ops.Block) -> None:
        self.fn = fn
        self.result_var = result_var
        self.exit_block = exit_block


def define(b: "FunctionBuilder", node: FunctionNode, name: str) -> None:
    """`def name(...)` or `name = lambda ...` in a compiled function."""
    b.write_var(name, function_value(b, node, name), node)


def function_value(b: "FunctionBuilder", node: FunctionNode, name: str = "<lambda>") -> ops.Value:
    """A nested function or lambda as a value (a zero-size constant naming it)."""
    if isinstance(node, ast.FunctionDef) and node.decorator_list:
        raise b.error(node, "decorators on nested functions are not supported")
    args = node.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
        raise b.error(node, "nested functions take plain positional parameters here")
    key = hash((b.pyfunc.__module__, b.pyfunc.__qualname__, name, node.lineno, node.col_offset))
    fn = LocalFunction(node, name, free_names(node, set(b.locals)), key)
    # an SSA value like any other: two different functions reaching one
    # name is the usual "assigned ... elsewhere" error
    return ops.Constant(fn.ref_type(), None)


def call(b: "FunctionBuilder", fn: LocalFunction, node: ast.Call,
         given: Optional[List[ops.Value]] = None) -> ops.Value:
    """fn(args): its body expanded here."""
    if any(frame.fn is fn for frame in b.inline_frames):
        raise b.error(node, f"recursive nested function '{fn.name}' is not supported",
                      hint="define it at module level (module-level functions may recurse)")
    values = given if given is not None else _arguments(b, fn, node)
    b.inline_serial += 1  # per build, so that rebuilds name things alike
    serial = b.inline_serial
    own = bound_names(fn.node)
    mapping = {name: f".{fn.name}{serial}.{name}" for name in own}
    body = copy.deepcopy(fn.node)
    body = _rename(body, mapping)
    params = [a.arg for a in fn.node.args.args]
    for param, value in zip(params, values):
        b.write_var(mapping[param], value, node)
    if isinstance(body, ast.Lambda):
        return b.expr.value(body.body)
    result_var = f".{fn.name}{serial}.return"
    exit_block = b.new_block("inlined_return")
    b.inline_frames.append(InlineFrame(fn, result_var, exit_block))
    try:
        b.statements(body.body)
        if b.block is not None:
            b.write_var(result_var, ops.Constant(NONE, None), node)
            b.goto(exit_block)
    finally:
        b.inline_frames.pop()
    b.seal(exit_block)
    if not b.ssa_has_preds(exit_block):
        b.block = None  # every path raised
        return ops.Constant(NONE, None)
    b.start(exit_block)
    return b.read_var(result_var, node)


def _rename(node: FunctionNode, mapping: Dict[str, str]) -> FunctionNode:
    renamer = _Renamer(mapping)
    if isinstance(node, ast.Lambda):
        node.body = renamer.visit(node.body)
    else:
        node.body = [renamer.visit(s) for s in node.body]
    return node


def _arguments(b: "FunctionBuilder", fn: LocalFunction, node: ast.Call) -> List[ops.Value]:
    """The argument values, bound to fn's parameters as Python binds them."""
    params = fn.node.args.args
    defaults = fn.node.args.defaults
    first_default = len(params) - len(defaults)
    if len(node.args) > len(params):
        raise b.error(node, f"{fn.name}() takes {len(params)} positional arguments but "
                      f"{len(node.args)} were given")
    bound: Dict[str, ops.Value] = {}
    for p, arg in zip(params, node.args):
        if isinstance(arg, ast.Starred):
            raise b.error(arg, "*args in calls is not supported")
        bound[p.arg] = b.expr.value(arg)
    names = [p.arg for p in params]
    for kw in node.keywords:
        if kw.arg not in names:
            raise b.error(kw, f"{fn.name}() got an unexpected keyword argument '{kw.arg}'")
        if kw.arg in bound:
            raise b.error(kw, f"{fn.name}() got multiple values for argument '{kw.arg}'")
        bound[kw.arg] = b.expr.value(kw.value)
    values: List[ops.Value] = []
    for i, p in enumerate(params):
        if p.arg in bound:
            values.append(bound[p.arg])
        elif i >= first_default:
            values.append(b.expr.value(defaults[i - first_default]))
        else:
            raise b.error(node, f"{fn.name}() missing required argument: '{p.arg}'")
    return values


def check_passable(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> None:
    """A function value handed to another compiled function must not read
    the caller's locals (its body is expanded in the callee)."""
    if not isinstance(value.type, FunctionRefType):
        return
    target = named_function(value.type)
    if isinstance(target, LocalFunction) and target.free_names:
        raise b.error(node, f"'{target.name}' reads {', '.join(sorted(target.free_names))} "
                      "from this function and cannot be passed to another function",
                      hint="pass the values as arguments too, or call it here")


def call_value(b: "FunctionBuilder", value: ops.Value, node: ast.Call) -> ops.Value:
    """f(args) where f holds a function value."""
    from .calls import user_call

    assert isinstance(value.type, FunctionRefType)
    target = named_function(value.type)
    if isinstance(target, LocalFunction):
        return call(b, target, node)
    return user_call(b, node, target)
