"""`yield` generators, expanded inline where they are consumed.

A generator called as the iterable of a `for` (statement or comprehension)
is not an object in compiled code: its body is built right there, with its
parameters bound to the argument values, and each `yield v` becomes
"assign v to the loop target and run the loop body".  So

    def tokens(text):                    for t in tokens(s):
        for w in text.split():               counts[t] = counts.get(t, 0) + 1
            if w:
                yield w.lower()

builds as two nested loops, the consumer's body inside the generator's
loop, with no frame, no heap-allocated state and no indirect call per
item.  The control flow maps directly:

- `yield v` in the generator: the consumer's body, entered with v; what
  follows the yield is where the body's `continue` (and its end) resumes;
- `return` in the generator, or the end of its body: the loop is
  exhausted (the consumer's `else:` clause runs);
- `break` in the consumer's body: leaves the whole expansion.

The generator's locals are renamed (`w` becomes `w.3` for expansion 3),
so they can clash neither with the consumer's nor with another expansion
of the same generator.  While the generator's statements are built, the
builder takes the generator's *frame* -- its module's globals, source map,
locals, loops -- and at each yield it switches back to the consumer's
frame (its locals, loops and `try` handlers: an exception raised by the
consumer's body is not seen by a `try` around the yield, as in CPython)
to build the body.

Why inline rather than a state machine: the text pipelines this compiler
serves iterate a generator once, right where it is called; expanding it
costs nothing at run time and reuses every loop form already compiled
well (word buffers, UTF-8 walks).  The price is that the consumer's body
is built once per `yield` in the generator (code size), and that a
generator object cannot exist as a value: storing one, passing it around
or calling next() on it is a CompileError with a hint.

The element type is the join of the yielded values' types, as a
function's return type is the join of its returns (int and float give
float); a return annotation `Iterator[T]`, `Iterable[T]` or
`Generator[T, ...]` fixes it to T instead.

Called from Python, a compiled generator function runs to completion and
returns an iterator over the collected items (`build_eager_entry`).
"""
from __future__ import annotations

import ast
import builtins
import copy
import inspect
import types
import typing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple

from ..errors import CompileError
from ..ir import ops
from ..ir.types import ANY, UNKNOWN, ListType, Type, unify, with_article
from .annotations import SUPPORTED_TYPES_HINT, annotation_text, type_from_annotation
from .session import Retry

if TYPE_CHECKING:
    from .builder import FunctionBuilder

VALUE_HINT = ("a generator runs inline where it is iterated: use it directly as the iterable "
              "of a for loop or comprehension, or materialise it with list(...)")


def is_generator_function(pyfunc: Any) -> bool:
    return isinstance(pyfunc, types.FunctionType) and inspect.isgeneratorfunction(pyfunc)


def called_generator(b: "FunctionBuilder", node: ast.expr) -> Optional[types.FunctionType]:
    """The generator function that `node` calls (`gen(...)`, `module.gen(...)`,
    a compiled generator, `Class.static_gen(...)`), or None."""
    from .calls import _is_dispatcher, _is_module_path, resolve_attribute

    if not isinstance(node, ast.Call):
        return None
    func = node.func
    from .stdlib_dispatch import generator_for

    standard = generator_for(b, node)  # itertools.islice(...), chain.from_iterable(...)
    if standard is not None:
        return standard
    if isinstance(func, ast.Name):
        if func.id in b.locals or func.id in b.lambda_bindings or func.id.startswith("."):
            return None
        target = b.lookup_global(func.id, func)
    elif isinstance(func, ast.Attribute) and _is_module_path(b, func.value):
        target = resolve_attribute(b, func)
    else:
        return None
    if isinstance(target, staticmethod):
        target = target.__func__
    if _is_dispatcher(target):
        target = target.py_func
    from .stdlib import stand_in_function

    target = stand_in_function(target)  # heapq.merge
    return target if is_generator_function(target) else None


# ------------------------------------------------------------ frames


@dataclass
class _Frame:
    """What the builder needs to build the statements of one function body
    (the consumer's, or an expanded generator's)."""

    pyfunc: Any
    parsed: Any
    node: ast.FunctionDef
    source_map: Any
    locals: set
    loops: list
    handlers: list
    caught: list
    narrowed: dict
    lambda_bindings: dict
    line: int
    inline: Optional["Expansion"]
    open_contexts: list = field(default_factory=list)  # its with/finally being built


def _save(b: "FunctionBuilder") -> _Frame:
    return _Frame(b.pyfunc, b.parsed, b.node, b.source_map, b.locals, b.loops, b.handlers,
                  b.caught, b.narrowed, b.lambda_bindings, b.line, b.inline, b.open_contexts)


def _enter(b: "FunctionBuilder", frame: _Frame) -> None:
    """Makes `frame` current, with copies of its stacks (loops, handlers,
    caught exceptions), so that building in it -- once per yield -- starts
    from the saved frame each time."""
    b.pyfunc, b.parsed, b.node, b.source_map = frame.pyfunc, frame.parsed, frame.node, frame.source_map
    b.locals = frame.locals
    b.loops = list(frame.loops)
    b.handlers = list(frame.handlers)
    b.caught = list(frame.caught)
    # shared, not copied: a local assigned in any copy of the loop body is
    # no longer narrowed after the loop
    b.narrowed = frame.narrowed
    b.lambda_bindings = frame.lambda_bindings
    b.line = frame.line
    b.inline = frame.inline
    b.open_contexts = list(frame.open_contexts)


def _chain(b: "FunctionBuilder") -> Tuple[Any, ...]:
    """The generators whose bodies (lexically) contain the code being built."""
    return b.inline.chain if b.inline is not None else ()


# --------------------------------------------------------- expansion


@dataclass
class Expansion:
    """One generator call, expanded at one loop."""

    pyfunc: Any
    chain: Tuple[Any, ...]                # enclosing generators, this one last
    consumer: _Frame                      # where the loop is
    assign: Callable[[ops.Value], None]   # binds an item to the loop target (consumer frame)
    body: Callable[[], None]              # the loop body (consumer frame)
    break_target: ops.Block               # after the whole loop
    exhausted: ops.Block                  # the generator returned or ran off its end
    element_holder: str                   # var_types key of the joined element type
    annotated: Optional[Type]             # the element type from Iterator[T], if any
    tree: ast.FunctionDef = field(repr=False, default=None)  # renamed copy, kept alive
    first_yield: Optional[ast.AST] = None


def loop_over(b: "FunctionBuilder", pyfunc: types.FunctionType, args: List[ops.Value],
              call_node: ast.AST, assign: Callable[[ops.Value], None], body: Callable[[], None],
              orelse: List[ast.stmt]) -> None:
    """for <target> in pyfunc(*args): body  else: orelse -- with pyfunc's
    body expanded inline.  `assign` binds each item to the target."""
    if pyfunc in _chain(b):
        raise b.error(call_node, f"generator '{pyfunc.__name__}' iterates itself (recursion), "
                      "which pyjitx cannot expand inline",
                      hint="rewrite the recursion with an explicit stack, or make a recursive "
                           "helper that returns a list")
    from .builder import _assigned_names
    from .source import parse_function

    parsed = parse_function(pyfunc)
    b.session.depend_on_source(pyfunc, parsed.source_hash)
    _check_supported(parsed)
    uid = b.next_loop_id()
    params = list(inspect.signature(pyfunc).parameters)
    renamed = {name: f"{name}.{uid}" for name in sorted(_assigned_names(parsed.node) | set(params))}
    for name, new in renamed.items():
        b.source_names[new] = name
    tree = _Renamer(renamed).visit(copy.deepcopy(parsed.node))

    consumer = _save(b)
    expansion = Expansion(
        pyfunc=pyfunc, chain=_chain(b) + (pyfunc,), consumer=consumer, assign=assign, body=body,
        break_target=b.new_block("genend"), exhausted=b.new_block("genexhausted"),
        element_holder=f".yield{uid}", annotated=element_annotation(parsed), tree=tree)
    b.expansions.append(expansion)

    _enter(b, _Frame(pyfunc, parsed, tree, parsed.source_map, set(renamed.values()), [],
                     consumer.handlers, consumer.caught, {}, {}, b.lineno(tree), expansion))
    for name, value in zip(params, args):
        b.write_var(renamed[name], value, tree)
    b.statements(tree.body)
    if b.block is not None:
        b.goto(expansion.exhausted)
    _enter(b, consumer)
    b._continue_at(expansion.exhausted)
    if b.block is not None:
        b.statements(orelse)
        if b.block is not None:
            b.goto(expansion.break_target)
    b._continue_at(expansion.break_target)


def build_yield(b: "FunctionBuilder", node: ast.expr) -> None:
    """`yield v` or `yield from iterable`, as a statement of an expanded
    generator."""
    expansion = b.inline
    if expansion is None:
        raise b.error(node, "'yield' outside a generator that pyjitx expands",
                      hint="a generator is expanded where a for loop (or list(), sum(), ...) "
                           "consumes it; yield cannot appear elsewhere")
    if isinstance(node, ast.YieldFrom):
        from .loops import build_for

        # `yield from it` is `for x in it: yield x`; a generator call is
        # expanded in turn by build_for
        build_for(b, None, node.value, lambda: _deliver(b, expansion, b.loop_item, node), [], node)
        return
    value = ops.Constant(ops.NONE, None) if node.value is None else b.expr.value(node.value)
    _deliver(b, expansion, value, node)


def _deliver(b: "FunctionBuilder", expansion: Expansion, value: ops.Value, node: ast.AST) -> None:
    """Runs the consumer's loop body on `value`, then resumes the generator."""
    value = _as_element(b, expansion, value, node)
    resume = b.new_block("resume")
    generator = _save(b)
    _enter(b, expansion.consumer)
    from .builder import LoopContext

    b.loops.append(LoopContext(resume, expansion.break_target))
    expansion.assign(value)
    expansion.body()
    if b.block is not None:
        b.goto(resume)
    _enter(b, generator)
    b._continue_at(resume)


def build_return(b: "FunctionBuilder", stmt: ast.Return) -> None:
    """`return [v]` in an expanded generator: the loop is exhausted.  (The
    value would be StopIteration.value, which a for loop drops; it is still
    evaluated, as CPython does.)"""
    if stmt.value is not None:
        b.expr.value(stmt.value)
    b._leave_contexts(0)  # the generator's own with/finally (b.open_contexts is its frame's)
    if b.block is not None:
        b.goto(b.inline.exhausted)


def _as_element(b: "FunctionBuilder", expansion: Expansion, value: ops.Value,
                node: ast.AST) -> ops.Value:
    """The yielded value as the generator's element type: the annotated
    one, or the join of all yields (a wider join rebuilds, as returns do)."""
    if expansion.annotated is not None:
        target = expansion.annotated
        if value.type not in (target, ANY) and unify(value.type, target) != target:
            raise b.error(node, f"yields {with_article(value.type)}, but the generator is "
                          f"annotated to yield {target}")
        return b.expr.coerce(value, target, node)
    holder = expansion.element_holder
    known = b.var_types.get(holder)
    if expansion.first_yield is None:
        expansion.first_yield = node
    if known is None:
        b.var_types[holder] = value.type
        return value
    if known == value.type:
        return value
    joined = unify(known, value.type)
    if joined is None:
        loc = b.source_map.locate(expansion.first_yield)
        raise b.error(node, f"yields {with_article(value.type)} here but {with_article(known)} "
                      f"at line {loc.line if loc else '?'}",
                      hint="a generator yields one type (int and float unify to float); "
                           "annotate it `-> Iterator[Any]` to yield values of several types")
    if joined != known:
        b.var_types[holder] = joined
        raise Retry()
    return b.expr.coerce(value, known, node)


# ------------------------------------------------- materialised and entry


def call_arguments(b: "FunctionBuilder", call: ast.Call, pyfunc: types.FunctionType) -> List[ops.Value]:
    """The argument values of a generator call, as its annotations type them.
    A function value may read the caller's locals: the generator expands in
    the caller (closures.call reads them there).  The standard library's
    stand-ins (pyjitx/stdlib) also take generator calls, each iterated where
    the stand-in iterates its parameter (LazyIterable)."""
    from .calls import bind_arguments, typed_arguments

    if _is_stand_in(pyfunc):
        call = _lazy_arguments(b, call)
    return typed_arguments(b, call, pyfunc, bind_arguments(b, call, pyfunc), inline=True)[0]


def _is_stand_in(pyfunc: Any) -> bool:
    return getattr(pyfunc, "__module__", "").startswith("pyjitx.stdlib.")


class LazyIterable:
    """A generator call passed to a stand-in generator: its function and
    argument values, evaluated where the call is (as Python evaluates a
    generator's arguments when it is made); expanded where the stand-in
    iterates the parameter it is bound to, once (the stand-ins iterate
    each such parameter once, as an iterator is iterated once)."""

    def __init__(self, b: "FunctionBuilder", pyfunc: types.FunctionType, args: List[ops.Value],
                 node: ast.AST) -> None:
        from ..ir.types import LazyIterType
        from .closures import _REGISTRY

        # the key, so the type, must be the same in each rebuild of the
        # function (a new one each time would never let its types settle):
        # numbered per build, in the function being built (another function
        # compiled meanwhile numbers its own)
        b.lazy_serial = getattr(b, "lazy_serial", 0) + 1
        key = -(((id(b.pyfunc) & 0xFFFFFFFFFF) << 20) | b.lazy_serial)
        self.pyfunc, self.args, self.node = pyfunc, args, node
        self.type = LazyIterType(pyfunc.__name__, key)
        _REGISTRY[self.type.key] = self


def lazy_of(value: ops.Value) -> Optional[LazyIterable]:
    """The generator call a value stands for (a stand-in's parameter), or None."""
    from ..ir.types import LazyIterType
    from .closures import _REGISTRY

    if isinstance(value.type, LazyIterType):
        return _REGISTRY.get(value.type.key)
    return None


def _lazy_arguments(b: "FunctionBuilder", call: ast.Call) -> ast.Call:
    """The call with each argument that is a generator call replaced by a
    name bound to its LazyIterable (a copy: the node stays as written)."""
    args = []
    changed = False
    from .stdlib_functools import function_node

    for arg in call.args:
        generator = called_generator(b, arg) if not isinstance(arg, ast.Starred) else None
        if generator is None:
            # (operator.add, max: the lambda they are, as function values)
            as_function = function_node(b, arg) if not isinstance(arg, ast.Starred) else arg
            changed = changed or as_function is not arg
            args.append(as_function)
            continue
        lazy = LazyIterable(b, generator, call_arguments(b, arg, generator), arg)
        name = f".lazy{-lazy.type.key}"
        b.lambda_bindings[name] = ops.Constant(lazy.type, None)
        args.append(ast.copy_location(ast.Name(id=name, ctx=ast.Load()), arg))
        changed = True
    keywords = []
    for kw in call.keywords:  # accumulate(xs, func=operator.add)
        as_function = function_node(b, kw.value) if kw.arg is not None else kw.value
        changed = changed or as_function is not kw.value
        keywords.append(kw if as_function is kw.value else
                        ast.copy_location(ast.keyword(arg=kw.arg, value=as_function), kw))
    if not changed:
        return call
    return ast.copy_location(ast.Call(func=call.func, args=args, keywords=keywords), call)


def collect(b: "FunctionBuilder", pyfunc: types.FunctionType, args: List[ops.Value],
            node: ast.AST) -> ops.Value:
    """Every item of pyfunc(*args), in a new list (list(gen(...)), and what
    sorted/min/max/join/... take)."""
    from . import containers

    annotated = element_annotation(_parse(pyfunc))
    result = containers.new_list(b, annotated or UNKNOWN, node)

    def append(item: ops.Value) -> None:
        if result.type.item == UNKNOWN:
            # the first yield tells the element type (an empty new list can
            # take it in place: nothing has used it yet); a later wider
            # yield rebuilds the function (generators._as_element)
            containers.retype_fresh(result, ListType(item.type))
        containers.append(b, result, containers.coerce_item(b, item, result.type.item, node,
                                                            "the generator's list"), node)

    loop_over(b, pyfunc, args, node, append, lambda: None, [])
    if result.type.item == UNKNOWN:
        raise b.error(node, f"cannot infer what generator '{pyfunc.__name__}' yields: none of "
                      "its yields is reachable", hint="annotate it, e.g. '-> Iterator[int]'")
    return result


def collect_call(b: "FunctionBuilder", call: ast.Call, pyfunc: types.FunctionType) -> ops.Value:
    return collect(b, pyfunc, call_arguments(b, call, pyfunc), call)


def build_eager_entry(b: "FunctionBuilder") -> None:
    """The body of a generator function compiled on its own (called from
    Python): it runs the generator to completion and returns its items as
    a list, which the bridge hands to Python as an iterator over them."""
    args = [b.read_var(name, b.node) for name in b.signature.param_names]
    items = collect(b, b.pyfunc, args, b.node)
    b.write_var(".generated", items, b.node)
    b.do_return(ast.copy_location(ast.Name(id=".generated", ctx=ast.Load()), b.node), b.node)


def value_error(b: "FunctionBuilder", node: ast.AST, pyfunc: types.FunctionType) -> CompileError:
    """A generator call used where its value (a generator object) is needed."""
    return b.error(node, f"a generator object ('{pyfunc.__name__}(...)') cannot be used as a "
                   "value in compiled code", hint=VALUE_HINT)


# ------------------------------------------------------ the element type


_ITERATOR_NAMES = {"Iterator", "Iterable", "Generator"}


def element_annotation(parsed) -> Optional[Type]:
    """T from a generator's return annotation Iterator[T], Iterable[T] or
    Generator[T, S, R]; None without an annotation (or a bare Iterator)."""
    node = parsed.node.returns
    if node is None:
        return None
    annotation = parsed.pyfunc.__annotations__.get("return", annotation_text(node))
    scope = parsed.pyfunc.__globals__
    if isinstance(annotation, str):
        try:
            tree = ast.parse(annotation.strip(), mode="eval").body
        except SyntaxError:
            tree = None
        if tree is not None and _dotted_last(tree) in _ITERATOR_NAMES:
            return None  # bare Iterator: from the yields
        if isinstance(tree, ast.Subscript) and _dotted_last(tree.value) in _ITERATOR_NAMES:
            first = tree.slice.elts[0] if isinstance(tree.slice, ast.Tuple) else tree.slice
            item = type_from_annotation(ast.unparse(first), scope)
            if item is not None:
                return item
    else:
        origin = typing.get_origin(annotation) or annotation
        if getattr(origin, "__name__", None) in _ITERATOR_NAMES and \
                getattr(origin, "__module__", "") in ("typing", "collections.abc"):
            args = typing.get_args(annotation)
            if not args:
                return None
            item = type_from_annotation(args[0], scope)
            if item is not None:
                return item
    raise parsed.source_map.error(
        node, f"unsupported return annotation '{annotation_text(node)}' for a generator",
        hint="annotate a generator with Iterator[T], Iterable[T] or Generator[T, None, None]; "
             + SUPPORTED_TYPES_HINT)


def _dotted_last(node: ast.expr) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _parse(pyfunc: types.FunctionType):
    from .source import parse_function

    return parse_function(pyfunc)


# ---------------------------------------------------------- what is out


def _check_supported(parsed) -> None:
    """Yields that inline expansion cannot honour: one whose value is used
    (send()), and one inside a `try` whose `finally` (or a handler that
    catches GeneratorExit) CPython would run when the consumer leaves the
    loop early -- the expanded code would skip it."""
    statements = {id(s.value) for s in ast.walk(parsed.node)
                  if isinstance(s, ast.Expr) and isinstance(s.value, (ast.Yield, ast.YieldFrom))}
    for node in ast.walk(parsed.node):
        if isinstance(node, (ast.Yield, ast.YieldFrom)) and id(node) not in statements:
            raise parsed.source_map.error(
                node, "the value of a yield expression (what send() passes in) is not supported",
                hint="use yield as a statement: 'yield v' or 'yield from gen(...)'")
        if not isinstance(node, ast.Try):
            continue
        if node.finalbody:
            guarded = node.body + [s for h in node.handlers for s in h.body] + node.orelse
            where = _first_yield(guarded)
            if where is not None:
                raise parsed.source_map.error(
                    where, "'yield' inside try/finally is not supported",
                    hint="CPython runs the finally block when the consumer stops early; move "
                         "the yield out of the try, or use try/except")
        for handler in node.handlers:
            if _catches_generator_exit(parsed.pyfunc, handler.type):
                where = _first_yield(node.body)
                if where is not None:
                    raise parsed.source_map.error(
                        where, "'yield' inside a try whose handler catches GeneratorExit (a "
                        "bare except, BaseException) is not supported",
                        hint="catch Exception (or narrower) around a yield")


def _first_yield(stmts: List[ast.stmt]) -> Optional[ast.AST]:
    for stmt in stmts:
        for node in ast.walk(stmt):
            if isinstance(node, (ast.Yield, ast.YieldFrom)):
                return node
    return None


def _catches_generator_exit(pyfunc: types.FunctionType, type_node: Optional[ast.expr]) -> bool:
    if type_node is None:
        return True
    names = type_node.elts if isinstance(type_node, ast.Tuple) else [type_node]
    for name in names:
        if not isinstance(name, ast.Name):
            continue
        cls = pyfunc.__globals__.get(name.id, getattr(builtins, name.id, None))
        if isinstance(cls, type) and issubclass(GeneratorExit, cls):
            return True
    return False


class _Renamer(ast.NodeTransformer):
    """Renames a generator's locals in (a copy of) its AST; a lambda's
    parameters shadow them inside the lambda."""

    def __init__(self, names: Dict[str, str]) -> None:
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self.names.get(node.id, node.id)
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.ExceptHandler:
        if node.name is not None:
            node.name = self.names.get(node.name, node.name)
        self.generic_visit(node)
        return node

    def visit_MatchAs(self, node: ast.AST) -> ast.AST:  # (match captures are names too)
        if node.name is not None:
            node.name = self.names.get(node.name, node.name)
        self.generic_visit(node)
        return node

    visit_MatchStar = visit_MatchAs

    def visit_MatchMapping(self, node: ast.MatchMapping) -> ast.MatchMapping:
        if node.rest is not None:
            node.rest = self.names.get(node.rest, node.rest)
        self.generic_visit(node)
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.Lambda:
        args = node.args
        shadowed = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
        shadowed |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
        outer = self.names
        self.names = {k: v for k, v in outer.items() if k not in shadowed}
        self.generic_visit(node)
        self.names = outer
        return node
