"""Nested functions, lambdas and functions as values: compiled inline at
each call (defunctionalised).

A `def` inside a compiled function, or a lambda, is a compile-time value:
each call expands its body in the calling function with its own renamed
locals (`.f3.x`), so the names it reads from the enclosing function are
simply the enclosing function's variables -- read at the time of the
call, as Python's closures read their cells -- and a `nonlocal` name is
written in place.  `return` leaves the expansion with a value.  This gives
closures without allocating closure objects or cells.  Default values that
read locals are computed where the function is defined, as in Python, and
kept in hidden locals.

A value naming one function has a zero-size type (FunctionRefType), so a
call through it is a direct expansion.  Where different functions meet --
a list, dict or tuple of them, an if/else, a local assigned in branches,
returns of different functions -- the type widens to the set of them
(FunctionSetType), held at run time as the key of the one it is; a call
switches on the key and expands (or, for a module-level function, calls)
each member.  Every member must accept the call's arguments and the
results must join to one type, else a CompileError names the functions.
Containers hold functions as their keys, so `List[function a|b]` is a list
of i64 slots, and storing a function a local container does not hold yet
rebuilds it with the larger set.

Functions also pass to compiled callees, which are specialised on the
function (or set) and expand it themselves, and are returned from them.

Not supported (clear CompileErrors):
- a function that reads its enclosing function's locals, or has defaults
  computed there, leaving that function (passed to or returned from
  another function): its body, expanded elsewhere, could not reach them;
- a function defined in a loop whose definitions would each need values
  of their own (defaults that read locals, or the locals of a nested
  function it is returned from) kept beyond the loop's iteration, e.g.
  appended to a list: compiled code keeps one copy of those values; such
  a function can still be called where it is defined;
- comparing or hashing function values (==, in, sort, sets, dict keys),
  holding them in instance attributes or Any, passing them to Python;
- recursive nested functions.
"""
from __future__ import annotations

import ast
import copy
import inspect
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Set, Union

from ..ir import ops
from ..ir.types import (NONE, FunctionRefType, FunctionSetType, Type,
                        function_members, unify, with_article)

if TYPE_CHECKING:
    from .builder import FunctionBuilder

FunctionNode = Union[ast.FunctionDef, ast.Lambda]


class LocalFunction:
    """A nested def or lambda known at compile time."""

    def __init__(self, node: FunctionNode, name: str, free_names: Set[str], key: int,
                 where: str, var_name: Optional[str], in_loop: bool,
                 stored_defaults: Dict[str, str]) -> None:
        self.node = node
        self.name = name
        # names the body reads from an enclosing function
        self.free_names = free_names
        # the same in every rebuild of the enclosing function (its types
        # are remembered across rebuilds)
        self.key = key
        self.where = where  # "line:column", for messages
        # the local a `def` or `name = lambda ...` binds (None for a lambda
        # written where it is used)
        self.var_name = var_name
        # defined inside a loop: the definition may run more than once
        self.in_loop = in_loop
        # parameter name -> the hidden local holding its default: a default
        # that reads locals is computed where the function is defined, as
        # in Python
        self.stored_defaults = stored_defaults
        self.qualname = name
        self.module: Optional[str] = None
        _REGISTRY[self.key] = self

    def spec(self):
        """Its parameters, for binding a call (pyjitx.frontend.signatures)."""
        from .signatures import Spec

        return Spec.of_node(self.qualname, self.node.args, self.module)

    @property
    def is_lambda(self) -> bool:
        return isinstance(self.node, ast.Lambda)

    def ref_type(self) -> FunctionRefType:
        return FunctionRefType(self.name, self.key)

    def describe(self) -> str:
        what = "the lambda" if self.is_lambda else f"'{self.name}'"
        return f"{what} at {self.where}"

    def state(self) -> Optional[str]:
        """What ties the function to the function defining it (why it
        cannot leave it), or None."""
        if self.free_names:
            names = ", ".join(sorted(_shown(n) for n in self.free_names))
            return f"reads {names} from this function"
        if self.stored_defaults:
            return "has default values computed in this function"
        return None

    def per_definition(self) -> Optional[str]:
        """Why each run of the definition would need values of its own, or
        None.  Compiled code keeps one copy of a function's defaults and of
        a nested function's locals, so such a function, defined in a loop,
        may be called but not kept across iterations."""
        if not self.in_loop:
            return None
        if self.stored_defaults:
            return "its default values"
        own = sorted(_shown(n) for n in self.free_names if n.startswith("."))
        if own:
            return f"the nested function's {', '.join(own)}"
        return None


def _shown(name: str) -> str:
    """A local's name in the source (expansions rename locals `.f3.x`)."""
    return name.rsplit(".", 1)[-1]


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
    if isinstance(node, ast.Lambda):  # only a walrus binds in a lambda (in its own scope)
        return {sub.target.id for sub in _walk_own(node) if isinstance(sub, ast.NamedExpr)}
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
        elif isinstance(sub, (ast.MatchAs, ast.MatchStar)) and sub.name:  # match captures
            names.add(sub.name)
        elif isinstance(sub, ast.MatchMapping) and sub.rest:
            names.add(sub.rest)
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
    """The enclosing functions' locals that `node` reads or writes (those of
    an expanded nested function are renamed `.f3.x`)."""
    own = bound_names(node)
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return {n for n in used - own if n in enclosing_locals or n.startswith(".")}


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

    def visit_MatchAs(self, node: ast.AST) -> ast.AST:  # (match captures are names too)
        if node.name and self._lookup(node.name):
            node.name = self._lookup(node.name)
        self.generic_visit(node)
        return node

    visit_MatchStar = visit_MatchAs

    def visit_MatchMapping(self, node: ast.MatchMapping) -> ast.AST:
        if node.rest and self._lookup(node.rest):
            node.rest = self._lookup(node.rest)
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
    b.write_var(name, function_value(b, node, name, var_name=name), node)


def function_value(b: "FunctionBuilder", node: FunctionNode, name: str = "<lambda>",
                   var_name: Optional[str] = None) -> ops.Value:
    """A nested function or lambda as a value (a zero-size constant naming it)."""
    if isinstance(node, ast.FunctionDef) and node.decorator_list:
        raise b.error(node, "decorators on nested functions are not supported")
    args = node.args
    # the node as renamed by an enclosing expansion is part of the key: two
    # expansions of one nested function make two different functions
    key = hash((b.pyfunc.__module__, b.pyfunc.__qualname__, name, node.lineno, node.col_offset,
                ast.dump(node)))
    positional = args.posonlyargs + args.args
    first_default = len(positional) - len(args.defaults)
    stored: Dict[str, str] = {}
    for param, default in list(zip(positional[first_default:], args.defaults)) + \
            list(zip(args.kwonlyargs, args.kw_defaults)):
        if default is not None and _reads_locals(b, default):
            hidden = f".default{key}.{param.arg}"
            b.write_var(hidden, b.expr.value(default), default)
            stored[param.arg] = hidden
    fn = LocalFunction(node, _shown(name) if name.startswith(".") else name,
                       free_names(node, set(b.locals)), key,
                       f"{b.lineno(node)}:{node.col_offset}", var_name,
                       in_loop=bool(b.loops), stored_defaults=stored)
    # its __qualname__, as CPython's messages name it (f.<locals>.g)
    outer = b.inline_frames[-1].fn.qualname if b.inline_frames else b.pyfunc.__qualname__
    fn.qualname = f"{outer}.<locals>.{'<lambda>' if isinstance(node, ast.Lambda) else fn.name}"
    fn.module = b.pyfunc.__module__
    # where its names are looked up, should a generator expanded in this
    # function call it (a lambda given to a generator: generators.py)
    fn.definer = (b.pyfunc, b.source_map)
    # an SSA value like any other: two different functions reaching one
    # name make it a FunctionSetType
    return ops.Constant(fn.ref_type(), None)


def _reads_locals(b: "FunctionBuilder", node: ast.expr) -> bool:
    return any(isinstance(n, ast.Name) and (n.id in b.locals or n.id.startswith(".")
                                            or n.id in b.lambda_bindings)
               for n in ast.walk(node))


def call(b: "FunctionBuilder", fn: LocalFunction, node: ast.Call,
         given: Optional[List[ops.Value]] = None) -> ops.Value:
    """fn(args): its body expanded here."""
    if any(frame.fn is fn for frame in b.inline_frames):
        raise b.error(node, f"recursive nested function '{fn.name}' is not supported",
                      hint="define it at module level (module-level functions may recurse)")
    expand = getattr(fn, "call", None)
    if expand is not None:  # a method as a value (methods.MethodValue): its call
        return expand(b, node)
    values = given if given is not None else _arguments(b, fn, node)
    definer = getattr(fn, "definer", None)
    if definer is not None and definer[0] is not b.pyfunc:
        # called inside a generator expanded in the function that defined
        # it: its body reads that function's globals and its locals (which
        # are this function's variables too)
        saved = (b.pyfunc, b.source_map, b.locals)
        b.pyfunc, b.source_map = definer
        b.locals = set(b.locals) | fn.free_names
        try:
            return _expand(b, fn, node, values)
        finally:
            b.pyfunc, b.source_map, b.locals = saved
    return _expand(b, fn, node, values)


def _expand(b: "FunctionBuilder", fn: LocalFunction, node: ast.Call,
            values: List[ops.Value]) -> ops.Value:
    b.inline_serial += 1  # per build, so that rebuilds name things alike
    serial = b.inline_serial
    own = bound_names(fn.node)
    mapping = {name: f".{fn.name}{serial}.{name}" for name in own}
    body = copy.deepcopy(fn.node)
    body = _rename(body, mapping)
    for param, value in zip(fn.spec().params, values):
        b.write_var(mapping[param.name], value, node)
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
        # every path raised: the code after the call is unreachable, but it
        # is still built (in the exit block, which nothing enters), with a
        # placeholder result of the declared return type
        b.start(exit_block)
        return ops.Undefined(_declared_return(b, body))
    b.start(exit_block)
    return b.read_var(result_var, node)


def _declared_return(b: "FunctionBuilder", node: ast.FunctionDef) -> "Type":
    from .annotations import annotation_text, type_from_annotation

    if node.returns is None:
        return NONE
    declared = type_from_annotation(annotation_text(node.returns), b.pyfunc.__globals__)
    return declared if declared is not None else NONE


def _rename(node: FunctionNode, mapping: Dict[str, str]) -> FunctionNode:
    renamer = _Renamer(mapping)
    if isinstance(node, ast.Lambda):
        node.body = renamer.visit(node.body)
    else:
        node.body = [renamer.visit(s) for s in node.body]
    return node


def _arguments(b: "FunctionBuilder", fn: LocalFunction, node: ast.Call) -> List[ops.Value]:
    """The argument values, bound to fn's parameters as Python binds them."""
    from .signatures import bind, flatten

    args = fn.node.args
    positional = args.posonlyargs + args.args
    defaults = dict(zip([a.arg for a in positional[len(positional) - len(args.defaults):]],
                        args.defaults))
    defaults.update((a.arg, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None)

    def default_of(param) -> ops.Value:
        if param.name in fn.stored_defaults:
            return b.read_var(fn.stored_defaults[param.name], node)
        return b.expr.value(defaults[param.name])

    spec = fn.spec()
    values = bind(b, spec, flatten(b, node, spec.shown()), node, default_of)
    return [values[p.name] for p in spec.params]


def check_passable(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> None:
    """A function value handed to another compiled function must not read
    the caller's locals (its body is expanded in the callee)."""
    _check_leaves(b, value, node, "passed to another function")


def check_returnable(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> None:
    """Likewise for a function value returned to the caller."""
    _check_leaves(b, value, node, "returned from it")


def _check_leaves(b: "FunctionBuilder", value: ops.Value, node: ast.AST, how: str) -> None:
    for member in function_members(value.type):
        target = named_function(member)
        state = target.state() if isinstance(target, LocalFunction) else None
        if state is not None:
            name = "the lambda" if target.is_lambda else f"'{target.name}'"
            raise b.error(node, f"{name} {state} and cannot be {how}",
                          hint="pass the values as arguments too, or call it here")


def check_copy(b: "FunctionBuilder", name: str, value: ops.Value, node: ast.AST) -> None:
    """A function with per-definition values (LocalFunction.per_definition)
    lives in the local it is defined into only."""
    target = named_function(value.type)
    if isinstance(target, LocalFunction) and name != target.var_name and \
            not hasattr(target, "call"):  # (a bound method goes with its hidden receiver)
        _require_one_definition(b, target, node)


def _require_one_definition(b: "FunctionBuilder", target: LocalFunction, node: ast.AST) -> None:
    values = target.per_definition()
    if values is not None:
        raise b.error(node, f"{target.describe()} is defined in a loop and each definition "
                      f"has {values}; compiled code keeps one copy of them, so it can be "
                      "called but not kept as a value",
                      hint="pass the values as arguments when calling it")


def widen(b: "FunctionBuilder", value: ops.Value, to: FunctionSetType, node: ast.AST) -> ops.Value:
    """A function value as a value of the set `to` (its key)."""
    if unify(value.type, to) != to:
        raise b.error(node, f"expected {with_article(to)}, got {with_article(value.type)}")
    if isinstance(value.type, FunctionRefType):
        target = named_function(value.type)
        if isinstance(target, LocalFunction):
            _require_one_definition(b, target, node)
        return ops.Constant(to, value.type.key)
    if isinstance(value, ops.Constant):
        return ops.Constant(to, value.value)
    return b.emit(ops.WidenFunction(value, to))


def call_value(b: "FunctionBuilder", value: ops.Value, node: ast.Call) -> ops.Value:
    """f(args) where f holds a function value."""
    from .calls import user_call

    if isinstance(value.type, FunctionSetType):
        if isinstance(value, ops.Constant):  # known here
            member = next(m for m in value.type.members if m.key == value.value)
            return call_value(b, ops.Constant(member, None), node)
        return _call_one_of(b, value, node)
    assert isinstance(value.type, FunctionRefType)
    target = named_function(value.type)
    if isinstance(target, LocalFunction):
        return call(b, target, node)
    return user_call(b, node, target)


def _call_one_of(b: "FunctionBuilder", value: ops.Value, node: ast.Call) -> ops.Value:
    """f(args) where f is one of several functions: the arguments are
    evaluated once, then a switch on f's key calls (expands) each member;
    the results join in one local."""
    members = value.type.members
    _check_arguments_fit(b, members, node)
    uid = b.next_loop_id()
    bound: Dict[str, ops.Value] = {}

    def evaluated(arg: ast.expr, index: Any) -> ast.expr:
        if isinstance(arg, ast.Starred):  # *xs: the sequence, unpacked by each member's call
            return ast.copy_location(ast.Starred(value=evaluated(arg.value, index),
                                                 ctx=ast.Load()), arg)
        name = f".fnarg{uid}.{index}"
        bound[name] = b.expr.value(arg)
        return ast.copy_location(ast.Name(id=name, ctx=ast.Load()), arg)

    args = [evaluated(arg, i) for i, arg in enumerate(node.args)]
    keywords = [ast.copy_location(ast.keyword(arg=kw.arg, value=evaluated(
        kw.value, kw.arg if kw.arg is not None else f"**{i}")), kw)
        for i, kw in enumerate(node.keywords)]
    fixed = ast.copy_location(ast.Call(func=node.func, args=args, keywords=keywords), node)
    result = f".fncall{uid}"
    after = b.new_block("fncalled")
    joined: Optional[Type] = None
    first: Optional[FunctionRefType] = None  # the member that returned `joined` first
    b.lambda_bindings.update(bound)
    try:
        for index, member in enumerate(members):
            if index < len(members) - 1:  # the last one needs no test
                arm, rest = b.new_block("fnarm"), b.new_block("fnnext")
                key = ops.Constant(value.type, member.key)
                b.branch(b.emit(ops.Compare("eq", value, key)), arm, rest)
                b.seal(arm)
                b.seal(rest)
                b.start(arm)
            returned = call_value(b, ops.Constant(member, None), fixed)
            if b.block is not None:
                wider = returned.type if joined is None else unify(joined, returned.type)
                if wider is None:
                    raise b.error(node, f"the functions this call may reach return "
                                  f"{with_article(joined)} ({_describe(first)}) and "
                                  f"{with_article(returned.type)} ({_describe(member)})",
                                  hint="functions called through one value return one type")
                if joined is None:
                    first = member
                joined = wider
                b.write_var(result, returned, node)
                b.goto(after)
            if index < len(members) - 1:
                b.start(rest)
    finally:
        for name in bound:
            b.lambda_bindings.pop(name, None)
    b.seal(after)
    if not b.ssa_has_preds(after):
        b.block = None  # every member raised
        return ops.Constant(NONE, None)
    b.start(after)
    return b.read_var(result, node)


def _check_arguments_fit(b: "FunctionBuilder", members, node: ast.Call) -> None:
    """Every function a call may reach must accept its arguments."""
    from .signatures import has_unpacking

    if has_unpacking(node):
        return  # (the lengths are known at run time: each call binds them)
    for member in members:
        try:
            _signature(named_function(member)).bind(
                *node.args, **{kw.arg: kw for kw in node.keywords})
        except TypeError as exc:
            others = " or ".join(_describe(m) for m in members if m != member)
            error = b.error(node, f"this call may reach {_describe(member)} or {others}, and "
                            f"{_describe(member)} cannot take its arguments: {exc}",
                            hint="functions called through one value take the same arguments")
            raise error from None


def _signature(target: Any) -> inspect.Signature:
    if not isinstance(target, LocalFunction):
        return inspect.signature(target)
    return inspect.Signature(target.spec().params)


def _describe(member: FunctionRefType) -> str:
    target = named_function(member)
    if isinstance(target, LocalFunction):
        return target.describe()
    return f"{target.__qualname__}()"
