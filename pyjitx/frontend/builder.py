"""Builds the typed SSA IR of one Python function from its AST.

Statements and control flow live here; expression typing and operator
semantics live in pyjitx.frontend.expressions, calls of built-ins and of
the math module in pyjitx.frontend.calls.  Local variable types are
inferred by building: a local takes the type of its first assignment; an
assignment of a wider type (int -> float) records the wider type and the
build starts over (session.Retry).
"""
from __future__ import annotations

import ast
import builtins
import inspect
from typing import Any, Dict, List, Optional, Set, Tuple

from ..errors import CompileError
from ..ir import ops, passes
from ..ir import primitives as prims
from ..ir.types import (with_article, BOOL, DictType, ListType, SetType, FLOAT, INT, NONE, STR, FunctionRefType,
                        FunctionType, NDArrayType, NONE_SO_FAR, Type, has_open_array, holds_functions, join, unify)
from .annotations import (SUPPORTED_TYPES_HINT, annotation_scope, annotation_text,
                          is_callable_annotation,
                          type_from_annotation)
from . import narrowing
from .classmethods import bound_classes
from .session import CompileSession, InProgress, Retry, describe
from .source import ParsedFunction
from .ssa import SSABuilder

_SUPPORTED_STATEMENTS = ("assignments (plain, augmented, annotated, unpacking), if/elif/else, "
                         "match, while, for, break, continue, return, pass, assert, "
                         "try/except/finally, raise, with, del, nested def, global, nonlocal "
                         "and expression statements")

_UNSUPPORTED_STATEMENT_HINTS = {
    ast.AsyncFunctionDef: "coroutines (async def, await, async for/with) are not supported",
    ast.AsyncFor: "coroutines (async def, await, async for/with) are not supported",
    ast.AsyncWith: "coroutines (async def, await, async for/with) are not supported",
}


_RETURNS_HINT = ("a function value cannot be returned along with values of other types: "
                 "return one or the other")


def _assigned_names(node: ast.FunctionDef) -> Set[str]:
    """The names the function's own body binds (not its parameters; nested
    functions have theirs)."""
    from .closures import assigned_names

    return assigned_names(node)


class LoopContext:
    def __init__(self, continue_target: ops.Block, break_target: ops.Block) -> None:
        self.continue_target = continue_target
        self.break_target = break_target


def _error_kind(name: str) -> int:
    from ..backend.abi import ERROR_KINDS

    return ERROR_KINDS[name]


# the SSA name of the exact int a float local was last assigned
INT_SHADOW = "%int:"


class FunctionBuilder:
    def __init__(self, session: CompileSession, parsed: ParsedFunction,
                 signature: ops.FunctionSignature, var_types: Dict[str, Type],
                 progress: InProgress) -> None:
        from .expressions import ExpressionBuilder  # cycle: expressions use builder

        self.session = session
        self.parsed = parsed
        self.pyfunc = parsed.pyfunc
        self.node = parsed.node
        self.source_map = parsed.source_map
        self.signature = signature
        self.progress = progress
        self.var_types: Dict[str, Type] = dict(var_types)
        self.var_origin: Dict[str, ast.AST] = {}
        # locals with an annotation (`n: int = 0`): they keep that type, and
        # what is assigned to them later converts to it (anys.assign_declared)
        self.declared_locals: Dict[str, Type] = {}
        self.return_preset_next: Optional[Type] = progress.return_preset
        # a classmethod's `cls`: a name for the class it was called through,
        # looked up like a global (classmethods.py)
        self.class_bindings: Dict[str, type] = bound_classes(self.pyfunc, progress.key[1])
        self.locals = _assigned_names(self.node) | set(signature.param_names)
        # errors about values whose type a later assignment may still widen
        # (a local that is None so far): raised if the build ends without
        # the rebuild that would tell (defer_error)
        self.deferred_errors: List[CompileError] = []
        # local -> the narrower type its last assignment gave it (write_var)
        self.assigned_narrowings: Dict[str, Type] = {}
        # module-level names this function declares `global` (module_state.py)
        from .module_state import declared_names, shared_names

        self.state_names = declared_names(self.node)
        # and those another function of the module declares global, read here
        # (not assigned: assigned without `global` they are this function's)
        self.state_names |= {name for name in shared_names(self.pyfunc) if name not in self.locals
                             and name in self.pyfunc.__globals__}
        for name in self.class_bindings:
            if name in self.locals:
                where = next((n for n in ast.walk(self.node) if isinstance(n, ast.Name)
                              and n.id == name and not isinstance(n.ctx, ast.Load)), self.node)
                raise self.error(where, f"classmethod {self.pyfunc.__qualname__}() assigns "
                                 f"to '{name}', its class", hint="use another local name")
        self.fn = ops.Function(signature)
        self.ssa = SSABuilder(self._var_type, self._undefined)
        self.block: Optional[ops.Block] = None
        self.loops: List[LoopContext] = []
        self.loop_count = 0
        self.first_return: Optional[ast.AST] = None
        self.guessed_reads: Set[str] = set()
        self.expr = ExpressionBuilder(self)
        # lambda parameters bound to values while a key function is inlined
        self.lambda_bindings: Dict[str, ops.Value] = {}
        # Any locals known to hold one type here (inside `if isinstance(x, T):`)
        self.narrowed: Dict[str, Type] = {}
        # names bound by import statements inside the function (stmt_Import)
        self.imported: Dict[str, Any] = {}
        # expansions of nested functions in progress (pyjitx.frontend.closures)
        self.inline_frames: List["InlineFrame"] = []
        self.inline_serial = 0
        # the type a container literal should have (by id of its AST node):
        # its annotation, so that [1, "a"] can be a List[Any]
        self.expected: Dict[int, Type] = {}
        # the current item of an internal loop (as_list, sort keys)
        self.loop_item: Optional[ops.Value] = None
        # innermost last: where a failing op goes inside `try` blocks
        self.handlers: List[ops.Block] = []
        # exceptions of the enclosing except clauses (for a bare `raise`)
        self.caught: List[ops.Value] = []
        # the `with` items around the statement being built, innermost last
        # (contexts.OpenContext: what return/break/continue must exit)
        self.open_contexts: List[Any] = []
        # the generator expansion whose body is being built here, if any
        # (pyjitx.frontend.generators swaps the frame fields above and this)
        self.inline = None
        self.expansions: list = []
        # an expanded generator's renamed locals -> their names in its source
        self.source_names: Dict[str, str] = {}
        self.return_annotation = self._annotated_return_type()
        if self.return_annotation is not None:
            progress.return_preset = self.return_annotation
        self.line = self.node.lineno

    # ------------------------------------------------------------ helpers

    def error(self, node: Optional[ast.AST], message: str, hint: str = "") -> CompileError:
        return self.source_map.error(node, message, hint)

    def lineno(self, node: ast.AST) -> int:
        return getattr(node, "lineno", 0) + self.source_map.line_offset

    def _var_type(self, name: str) -> Type:
        if name.startswith("?"):
            return BOOL
        if name.startswith(INT_SHADOW):
            return INT
        return self.var_types.get(name, INT)

    def _undefined(self, name: str) -> ops.Value:
        if name.startswith("?"):
            return ops.Constant(BOOL, False)
        # (an int shadow is read only where every path assigned one: narrowed)
        assert not name.startswith(INT_SHADOW), f"{name} read where no path assigned it"
        return ops.Undefined(self._var_type(name))

    def exact_int(self, name: str) -> ops.Value:
        """The int a float local was last assigned (narrowed to INT)."""
        assert self.block is not None
        return self.ssa.read(INT_SHADOW + name, self.block)

    def new_block(self, hint: str = "b") -> ops.Block:
        block = self.fn.new_block(hint)
        self.ssa.add_block(block)
        return block

    def emit(self, op: ops.Op) -> ops.Op:
        assert self.block is not None
        if isinstance(op, ops.PrimitiveCall) and op.operands and \
                isinstance(op.operands[0], ops.ModuleConstant) and op.primitive.name in passes.MUTATORS:
            from .module_constants import check_unchanged

            check_unchanged(self, op)
        if op.line < 0:
            op.line = self.line
        self.block.ops.append(op)
        if op.can_raise and self.handlers:
            # inside a try: the op ends its block, with an edge to the handler
            cont = self.new_block("tried")
            self.terminate(ops.TryGoto(cont, self.handlers[-1], op.line))
            self.seal(cont)
            self.start(cont)
        return op

    def poll_signals(self) -> ops.Op:
        """At the head of every loop, so that each iteration checks for a
        pending signal: Python's handlers run (and may raise, e.g.
        KeyboardInterrupt, which a `try` around the loop sees) while a long
        loop runs instead of after it returns.  Costs a load and a branch
        (and see build_range_for for the loops where it costs more)."""
        return self.emit(ops.PrimitiveCall(prims.POLL_SIGNALS, []))

    def propagate(self, node: ast.AST) -> None:
        """The pending exception goes to the innermost handler, or out."""
        if self.handlers:
            self.goto(self.handlers[-1])
        else:
            self.terminate(ops.Propagate(self.lineno(node)))

    def terminate(self, terminator: ops.Terminator) -> None:
        if isinstance(terminator, ops.Raise) and self.handlers:
            kind = ops.Constant(INT, _error_kind(terminator.kind))
            message = ops.Constant(STR, terminator.message)
            self.block.ops.append(ops.PrimitiveCall(prims.ERR_SET_STR, [kind, message],
                                                    terminator.line))
            terminator = ops.Goto(self.handlers[-1], terminator.line)
        assert self.block is not None and self.block.terminator is None
        self.block.terminator = terminator
        for edge in terminator.edges:
            self.ssa.add_edge(self.block, edge.target)
        self.block = None

    def goto(self, target: ops.Block, args: Optional[List[ops.Value]] = None) -> None:
        term = ops.Goto(target)
        term.edges[0].args = list(args or [])
        self.terminate(term)

    def branch(self, cond: ops.Value, if_true: ops.Block, if_false: ops.Block) -> None:
        self.terminate(ops.Branch(cond, if_true, if_false))

    def start(self, block: ops.Block) -> None:
        self.block = block

    def seal(self, block: ops.Block) -> None:
        self.ssa.seal(block)

    def next_loop_id(self) -> int:
        self.loop_count += 1
        return self.loop_count - 1

    # --------------------------------------------------------- variables

    def write_var(self, name: str, value: ops.Value, node: ast.AST) -> None:
        if name in self.state_names:
            from . import module_state

            module_state.write(self, name, value, node)
            return
        self.narrowed.pop(name, None)  # assigned: no longer the narrowed value
        assigned = value.type
        exact = value if assigned == INT else None
        declared = self.declared_locals.get(name)
        if declared is not None and value.type != declared:
            from .anys import assign_declared

            value = assign_declared(self, self.source_names.get(name, name), value, declared, node)
        if isinstance(value.type, FunctionRefType):
            from .closures import check_copy

            check_copy(self, name, value, node)
        known = self.var_types.get(name)
        if known is None and value.type == NONE and not name.startswith("?"):
            # None for now: a later assignment may make it an Optional
            self.var_types[name] = known = NONE_SO_FAR
            self.var_origin[name] = node
            value = self.expr.coerce(value, NONE_SO_FAR, node)
        if known is None:
            self.var_types[name] = value.type
            self.var_origin[name] = node
            if name in self.guessed_reads and value.type != INT:
                raise Retry()
        elif known != value.type:
            # a local may hold values of different types, as in Python: it
            # becomes their union (held as an Any); int and float join as float
            wider = join(known, value.type)
            if wider is None:
                origin = self.var_origin.get(name)
                where = ""
                if origin is not None:
                    loc = self.source_map.locate(origin)
                    where = f" (first assigned {with_article(known)} at line {loc.line})" if loc else ""
                shown = self.source_names.get(name, name)
                raise self.error(
                    node, f"local '{shown}' is assigned {with_article(value.type)} here but holds "
                          f"{with_article(known)} elsewhere{where}",
                    hint="a function value and a value of another type cannot share a local: "
                         "use two variables")
            if wider != known:
                self.var_types[name] = wider
                raise Retry()
            value = self.expr.coerce(value, wider, node)
        assert self.block is not None
        self.ssa.write(name, self.block, value)
        self.ssa.write("?" + name, self.block, ops.Constant(BOOL, True))
        held = self.var_types.get(name)
        if held is not None and narrowing.narrows(held, assigned):
            # `if r is None: r = n` -- until the next assignment, r holds an int
            self.narrowed[name] = assigned
            if held == FLOAT and exact is not None:
                # `x = int(x)` in a float local: reads until the next
                # assignment see this int itself (exact, an int to str(),
                # isinstance, //, indexing), as in CPython
                self.ssa.write(INT_SHADOW + name, self.block, exact)
            self.assigned_narrowings[name] = assigned
        else:
            self.assigned_narrowings.pop(name, None)

    def read_var(self, name: str, node: ast.AST) -> ops.Value:
        assert self.block is not None
        if name in self.state_names:
            from . import module_state

            return module_state.read(self, name, node)
        if name not in self.var_types:
            # Read before any assignment in source order (e.g. in a loop):
            # guess int; a different type learned later triggers a rebuild.
            self.guessed_reads.add(name)
        defined = self.ssa.read("?" + name, self.block)
        value = self.ssa.read(name, self.block)
        if not (isinstance(defined, ops.Constant) and defined.value is True):
            self.emit(ops.CheckBound(defined, self.source_names.get(name, name), self.lineno(node)))
        return value

    # ------------------------------------------------------------- build

    def _annotated_return_type(self) -> Optional[Type]:
        preset = getattr(self.pyfunc, "__pjx_return_type__", None)
        if preset is not None:  # generated code (module_constants): its exact type
            return preset
        node = self.node.returns
        if node is None or inspect.isgeneratorfunction(self.pyfunc):
            return None  # a generator's annotation types its items (generators.py)
        annotation = self.pyfunc.__annotations__.get("return", annotation_text(node))
        result = type_from_annotation(annotation, annotation_scope(self.pyfunc))
        if result is None:
            raise self.error(node, f"unsupported return type annotation '{annotation_text(node)}'",
                             hint=SUPPORTED_TYPES_HINT)
        if has_open_array(result):
            return None  # -> NDArray: the array type the body returns
        return result

    def build(self) -> ops.Function:
        entry = self.new_block("entry")
        self.start(entry)
        for name, type_ in zip(self.signature.param_names, self.signature.param_types):
            param = entry.add_param(type_, name)
            self.var_types.setdefault(name, type_)
            if self.var_types[name] != type_:
                # A parameter re-assigned with a wider type: widen on entry.
                param_value = self.expr.coerce(param, self.var_types[name], self.node)
            else:
                param_value = param
            self.ssa.write(name, entry, param_value)
            self.ssa.write("?" + name, entry, ops.Constant(BOOL, True))
        self.seal(entry)
        body = self.new_block("body")
        self.goto(body)
        self.seal(body)
        self.start(body)
        if inspect.isgeneratorfunction(self.pyfunc):
            from .generators import build_eager_entry

            build_eager_entry(self)
        else:
            self.statements(self.node.body)
        if self.block is not None:
            self.do_return(None, self.node)
        self._settle_none_locals()
        if self.deferred_errors:  # no rebuild told the types they waited for
            raise self.deferred_errors[0]
        self._settle_return_type()
        passes.simplify(self.fn)
        self._check_word_buffers()  # after simplify: no trivial block params left
        return self.fn

    # Ops that read a str argument without keeping it: operand positions.
    _READS_ONLY = {"dict_get": (1,), "dict_getitem": (1,), "dict_contains": (1,),
                   "set_contains": (1,), "list_contains": (1,), "list_count": (1,),
                   "str_eq": (0, 1), "str_compare": (0, 1), "str_contains": (0, 1),
                   "str_split_next": (2,),
                   # json.loads copies what it keeps out of the text
                   "json_loads": (0,),
                   # unicodedata: results are new strings (normalize copies a
                   # scratch word it would otherwise return itself)
                   "str_normalize": (0, 1), "str_is_normalized": (0, 1),
                   **{f"unicodedata_{name}": (0,) for name in (
                       "category", "combining", "mirrored", "east_asian_width",
                       "decomposition")}}

    def _check_word_buffers(self) -> None:
        """The AST check in loops.py lets `for w in s.split()` reuse one
        word buffer; here the IR confirms that the buffer only reaches ops
        that read it (a dict's get, not some object's get that keeps its
        argument).  Otherwise the function is rebuilt without buffers."""
        buffers = {op for block in self.fn.blocks for op in block.ops
                   if isinstance(op, ops.PrimitiveCall) and op.primitive.name == "str_split_scratch"}
        if not buffers:
            return
        for block in self.fn.blocks:
            for op in block.ops:
                for position, value in enumerate(op.operands):
                    if value not in buffers or isinstance(op, ops.Length):
                        continue
                    if isinstance(op, ops.PrimitiveCall) and \
                            position in self._READS_ONLY.get(op.primitive.name, ()):
                        continue
                    self.progress.no_word_buffers = True
                    raise Retry()
            term = block.terminator
            leaks = list(term.operands) + [a for edge in term.edges for a in edge.args]
            if any(v in buffers for v in leaks):
                self.progress.no_word_buffers = True
                raise Retry()

    def return_annotation_admits_none(self) -> bool:
        t = self.return_annotation
        return t is None or unify(NONE, t) == t

    def _settle_return_type(self) -> None:
        if self.signature.return_type is None:  # every path raises
            self.signature.return_type = self.return_annotation or NONE

    def _settle_none_locals(self) -> None:
        """A local assigned None and nothing else is None, statically (a
        rebuild with that knowledge: `"%d" % x` is then a known TypeError)."""
        only_none = [n for n, t in self.var_types.items() if t == NONE_SO_FAR]
        if only_none:
            for name in only_none:
                self.var_types[name] = NONE
            raise Retry()

    # -------------------------------------------------------- statements

    def statements(self, body: List[ast.stmt]) -> None:
        outer = dict(self.narrowed)
        for stmt in body:
            if self.block is None:
                break  # unreachable code after return/break/continue
            self.line = self.lineno(stmt)
            self.statement(stmt)
        # narrowings found here (an early return) end with these statements;
        # what the last assignment to a local told still holds after them
        assigned = {name: t for name, t in self.narrowed.items()
                    if self.assigned_narrowings.get(name) == t}
        self.narrowed = narrowing.without(outer, narrowing.bound_names(body))
        self.narrowed.update(assigned)

    def statement(self, stmt: ast.stmt) -> None:
        method = getattr(self, "stmt_" + type(stmt).__name__, None)
        if method is None:
            hint = _UNSUPPORTED_STATEMENT_HINTS.get(type(stmt), "supported statements: " +
                                                    _SUPPORTED_STATEMENTS)
            raise self.error(stmt, f"unsupported statement '{type(stmt).__name__}'", hint=hint)
        try:
            method(stmt)
        except CompileError as exc:
            if exc.location is not None:
                raise
            # (raised where no node is known, e.g. a type refusing an item
            # type: placed at the statement)
            raise self.error(stmt, exc.message, exc.hint) from None

    def stmt_FunctionDef(self, stmt: ast.FunctionDef) -> None:
        from .closures import define

        define(self, stmt, stmt.name)

    def stmt_Nonlocal(self, stmt: ast.Nonlocal) -> None:
        pass  # a nested function's body is expanded in place: its names are ours

    def stmt_Pass(self, stmt: ast.Pass) -> None:
        pass

    def stmt_Expr(self, stmt: ast.Expr) -> None:
        if isinstance(stmt.value, ast.Constant):
            return  # a docstring, a string used as a comment, or `...` as a body
        if isinstance(stmt.value, (ast.Yield, ast.YieldFrom)):
            from .generators import build_yield

            build_yield(self, stmt.value)
            return
        self.expr.value(stmt.value)

    def stmt_Assign(self, stmt: ast.Assign) -> None:
        if len(stmt.targets) == 1 and isinstance(stmt.targets[0], (ast.Tuple, ast.List)):
            self._unpack(stmt.targets[0], stmt.value)
            return
        if (len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Lambda)):
            from .closures import define

            define(self, stmt.value, stmt.targets[0].id)
            return
        target = stmt.targets[0]
        if isinstance(target, ast.Name) and isinstance(self.var_types.get(target.id),
                                                         (ListType, DictType, SetType)):
            # a container local whose type an earlier build learned from its
            # uses (`xs = [None] * n; xs[0] = 5`): its literal is made so
            self.expected.setdefault(id(stmt.value), self.var_types[target.id])
        value = self.expr.value(stmt.value)
        for target in stmt.targets:
            if isinstance(target, (ast.Tuple, ast.List)):
                raise self.error(target, "unpacking in a chained assignment is not supported",
                                 hint="assign, then unpack: `c = (1, 2)`, then `a, b = c`")
            self._assign(target, value)

    def _unpack(self, target: ast.expr, value_node: ast.expr) -> None:
        elts = target.elts  # type: ignore[attr-defined]
        if not isinstance(value_node, (ast.Tuple, ast.List)):
            self.unpack_value(target, self.expr.value(value_node), value_node)
            return
        if any(isinstance(e, ast.Starred) for e in elts + value_node.elts) or \
                len(elts) != len(value_node.elts):
            # `a, *rest = 1, 2, 3`, or a count that does not match: the
            # literal as a tuple (unpack_value raises Python's ValueError)
            self.unpack_value(target, self.expr.value(value_node), value_node)
            return
        # all values first, then the targets in order, as Python does
        values = [self.expr.value(v) for v in value_node.elts]
        for sub_target, value in zip(elts, values):
            self._assign(sub_target, value)  # (a nested target unpacks its value)

    def _unpack_tuple_starred(self, elts: List[ast.expr], star: int, value: ops.Value,
                              node: ast.AST) -> None:
        """first, *middle, last = a_tuple: the starred target gets a list of
        the items between (of their joined type)."""
        from . import containers
        from ..ir.types import ListType, UNKNOWN

        items = value.type.items
        n, after = len(items), len(elts) - star - 1
        if n < len(elts) - 1:
            raise self.error(node, f"not enough values to unpack (expected at least "
                             f"{len(elts) - 1}, got {n})")

        def item(index: int) -> ops.Value:
            return containers.prim(self, prims.TUPLE_GET, [value, ops.Constant(INT, index)], node,
                                   items[index])

        for index in range(star):
            self._assign(elts[index], item(index))
        middle = list(range(star, n - after))
        item_type = UNKNOWN
        for index in middle:
            item_type = join(item_type, items[index]) if item_type != UNKNOWN else items[index]
            if item_type is None:
                raise self.error(node, "the starred target would hold function values and "
                                 "other values together")
        rest = containers.new_list(self, item_type, node)
        for index in middle:
            containers.append(self, rest, self.expr.coerce(item(index), item_type, node), node)
        self._assign(elts[star].value, rest)
        for offset in range(after):
            self._assign(elts[star + 1 + offset], item(n - after + offset))

    def unpack_value(self, target: ast.expr, value: ops.Value, node: ast.AST) -> None:
        """a, b = value (a tuple, or a list of known length at run time)."""
        from . import containers
        from ..ir.types import ListType, TupleType

        elts = target.elts  # type: ignore[attr-defined]
        starred = [i for i, e in enumerate(elts) if isinstance(e, ast.Starred)]
        if isinstance(value.type, TupleType):
            n = len(value.type.items)
            if starred:
                self._unpack_tuple_starred(elts, starred[0], value, node)
                return
            if n != len(elts):
                message = (f"too many values to unpack (expected {len(elts)})" if n > len(elts)
                           else f"not enough values to unpack (expected {len(elts)}, got {n})")
                raise self.error(node, message)
            for index, sub in enumerate(elts):
                item = containers.prim(self, prims.TUPLE_GET, [value, ops.Constant(INT, index)],
                                       node, value.type.items[index])
                self._assign(sub, item)
            return
        if isinstance(value.type, ListType) or value.type == STR:
            if value.type == STR:
                value = containers.as_list(self, value, node)
            containers.unpack_list(self, elts, value, node)
            return
        raise self.error(node, f"cannot unpack {with_article(value.type)}")

    def _assign(self, target: ast.expr, value: ops.Value) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            self.unpack_value(target, value, target)
            return
        if isinstance(target, ast.Subscript):
            from . import containers

            containers.store_subscript(self, target, value)
            return
        if isinstance(target, ast.Attribute):
            from .classes import set_attribute

            obj = self.expr.unwrap(self.expr.value(target.value), target)
            set_attribute(self, obj, target.attr, value, target)
            return
        # (a Starred target is an item of a Tuple/List target, unpacked above)
        assert isinstance(target, ast.Name), ast.dump(target)
        self.write_var(target.id, value, target)

    def stmt_With(self, stmt: ast.With) -> None:
        from .contexts import build_with

        build_with(self, stmt)

    def stmt_Match(self, stmt: ast.Match) -> None:
        from .patterns import build_match

        build_match(self, stmt)

    def stmt_Try(self, stmt: ast.Try) -> None:
        from .exceptions import build_try

        # a handler runs after any part of the body: nothing the statement
        # rebinds stays narrowed in it
        self.narrowed = narrowing.without(self.narrowed, narrowing.bound_names([stmt]))

        build_try(self, stmt)

    def stmt_Raise(self, stmt: ast.Raise) -> None:
        from .exceptions import build_raise

        build_raise(self, stmt)

    def stmt_Delete(self, stmt: ast.Delete) -> None:
        from . import containers

        for target in stmt.targets:
            if not isinstance(target, ast.Subscript):
                raise self.error(target, "del is supported on items (del xs[i], del d[k])")
            containers.delete_subscript(self, target)

    def stmt_AnnAssign(self, stmt: ast.AnnAssign) -> None:
        if isinstance(stmt.target, ast.Attribute):  # self.x: T = v (ClassInfo read the type)
            if stmt.value is not None:
                declared = type_from_annotation(annotation_text(stmt.annotation),
                                                self.pyfunc.__globals__)
                if declared is not None:  # ([None] * n takes the declared item type)
                    self.expected[id(stmt.value)] = declared
                self._assign(stmt.target, self.expr.value(stmt.value))
            return
        if not isinstance(stmt.target, ast.Name):
            raise self.error(stmt.target, "annotated assignment to a non-name")
        if is_callable_annotation(annotation_text(stmt.annotation)):
            # f: Callable[[int], int] = g -- the function value's own type
            if stmt.value is not None:
                value = self.expr.value(stmt.value)
                if not isinstance(value.type, FunctionType):
                    raise self.error(stmt.value, f"expected a function, got "
                                     f"{with_article(value.type)}")
                self.write_var(stmt.target.id, value, stmt.target)
            return
        declared = type_from_annotation(annotation_text(stmt.annotation), self.pyfunc.__globals__)
        if declared is None:
            raise self.error(stmt.annotation, f"unsupported annotation "
                             f"'{annotation_text(stmt.annotation)}'",
                             hint=SUPPORTED_TYPES_HINT)
        name = stmt.target.id
        known = self.var_types.get(name)
        if known is not None and known != declared and name in self.var_origin:
            shown = self.source_names.get(name, name)
            raise self.error(stmt, f"local '{shown}' is declared {declared} but assigned {with_article(known)}")
        self.var_types[name] = declared
        self.declared_locals[name] = declared
        self.var_origin.setdefault(name, stmt)
        if stmt.value is not None:
            self.expected[id(stmt.value)] = declared
            value = self.expr.coerce(self.expr.value(stmt.value), declared, stmt.value)
            self.write_var(name, value, stmt.target)

    def stmt_AugAssign(self, stmt: ast.AugAssign) -> None:
        if isinstance(stmt.target, ast.Subscript):
            # d[k] += v: the container and key are evaluated once
            from . import containers

            containers.augmented_item(self, stmt)
            return
        if isinstance(stmt.target, ast.Attribute):
            # obj.x += v: obj evaluated once
            from .classes import get_attribute, set_attribute

            obj = self.expr.unwrap(self.expr.value(stmt.target.value), stmt.target)
            current = get_attribute(self, obj, stmt.target)
            result = self.expr.binary(stmt.op, current, self.expr.value(stmt.value), stmt,
                                       inplace=True)
            set_attribute(self, obj, stmt.target.attr, result, stmt.target)
            return
        # (Python's grammar allows no other target)
        assert isinstance(stmt.target, ast.Name), ast.dump(stmt.target)
        # (read as the name is read anywhere: a narrowed value as narrowed)
        current = self.expr.read_name(stmt.target.id, stmt.target)
        if isinstance(current.type, NDArrayType):  # a += x changes the array in place
            from . import arrays
            from .expressions import _BINOPS

            result = arrays.augmented(self, _BINOPS.get(type(stmt.op), type(stmt.op).__name__),
                                      current,
                                      self.expr.value(stmt.value), stmt)
            self.write_var(stmt.target.id, result, stmt.target)
            return
        # (containers.binary changes lists, sets and dicts in place here)
        result = self.expr.binary(stmt.op, current, self.expr.value(stmt.value), stmt,
                                  inplace=True)
        self.write_var(stmt.target.id, result, stmt.target)

    def stmt_Return(self, stmt: ast.Return) -> None:
        if self.inline is not None:  # inside an expanded generator: the loop ends
            from .generators import build_return

            build_return(self, stmt)
            return
        self.do_return(stmt.value, stmt)

    def do_return(self, value_node: Optional[ast.expr], node: ast.AST) -> None:
        if self.inline_frames:  # inside an expanded nested function
            frame = self.inline_frames[-1]
            value = ops.Constant(NONE, None) if value_node is None else self.expr.value(value_node)
            self.write_var(frame.result_var, value, node)
            self._leave_contexts(0)
            if self.block is not None:
                self.goto(frame.exit_block)
            return
        where = value_node if value_node is not None else node
        if value_node is not None and self.return_annotation is not None:
            self.expected[id(value_node)] = self.return_annotation
        value = ops.Constant(NONE, None) if value_node is None else self.expr.value(value_node)
        from .closures import check_returnable

        check_returnable(self, value, where)
        target = self.return_annotation or self.return_preset_next
        if target is not None and self.return_annotation is None:
            # the join of the returns seen in an earlier build: a return of
            # a type it lacks widens it again
            wider = join(value.type, target)
            if wider is None:
                raise self.error(where, f"returns {with_article(value.type)}, but also "
                                 f"{with_article(target)}, and they cannot share a variable",
                                 hint="a function value and a value of another type cannot be "
                                      "returned by one function")
            if wider != target:
                self.return_preset_next = wider
                raise Retry()
        if target is not None:
            if value.type == NONE and target != NONE and \
                    getattr(self.pyfunc, "__isabstractmethod__", False) and \
                    not self.return_annotation_admits_none():
                # an abstract method's placeholder body (`...`): runs only when
                # a subclass calls it through super(), where CPython gets None
                self.signature.return_type = target
                self._leave_contexts(0)
                if self.block is None:
                    return
                self.terminate(ops.Raise(
                    "TypeError", f"abstract method {self.pyfunc.__qualname__}() returned None, "
                    f"not {target}", self.lineno(node)))
                return
            if value.type != target:
                # int -> float, an Any checked at run time, a member into a union
                try:
                    value = self.expr.coerce(value, target, where)
                except CompileError:
                    raise self.error(where, f"returns {with_article(value.type)}, but the function "
                                     f"is annotated to return {target}",
                                     hint="return a value of the annotated type, or widen the "
                                          "annotation (Union[...], Optional[...], Any)") from None
            self.signature.return_type = target
        elif self.signature.return_type is None:
            self.signature.return_type = value.type
            self.first_return = where
        elif value.type != self.signature.return_type:
            joined = join(value.type, self.signature.return_type)
            if joined is None:
                loc = self.source_map.locate(self.first_return)
                raise self.error(
                    where, f"returns {with_article(value.type)} here but {with_article(self.signature.return_type)} "
                           f"at line {loc.line if loc else '?'}",
                    hint=_RETURNS_HINT)
            self.return_preset_next = joined
            raise Retry()
        seen = self.progress.return_so_far
        self.progress.return_so_far = value.type if seen is None else (join(seen, value.type) or seen)
        self._leave_contexts(0)
        if self.block is not None:  # (a finally body may have ended the path)
            self.terminate(ops.Return(value, self.lineno(node)))

    def stmt_If(self, stmt: ast.If) -> None:
        from .arrays import static_test

        known = static_test(self, stmt.test)
        if known is None:
            from .type_tests import static_type_test

            known = static_type_test(self, stmt.test)
        if known is not None:  # decided by a type: only the branch taken is built
            self.statements(stmt.body if known else stmt.orelse)
            return
        then_block = self.new_block("then")
        else_block = self.new_block("else") if stmt.orelse else None
        after = self.new_block("endif")
        paths = narrowing.paths_of(self, stmt.test)
        self.expr.condition(stmt.test, then_block, else_block or after)
        outer = dict(self.narrowed)
        self.narrowed.update(paths.when_true)
        then_falls = self._build_arm(then_block, stmt.body, after)
        then_end = dict(self.narrowed)
        else_falls = True
        self.narrowed = dict(outer)  # (the else path runs none of the body)
        self.narrowed.update(paths.when_false)
        if else_block is not None:
            else_falls = self._build_arm(else_block, stmt.orelse, after)
        else_end = dict(self.narrowed)
        self._continue_at(after)
        # after the if: what held before, unless an arm rebinds it; and what
        # the test told on the only path that falls through (an early return)
        rebound = narrowing.bound_names(stmt.body + stmt.orelse)
        self.narrowed = narrowing.without(outer, rebound)
        if then_falls and else_falls:
            # a name both ways narrowed alike (`if r is None: r = n`): narrowed after
            for name in rebound:
                if name in then_end and then_end[name] == else_end.get(name):
                    self.narrowed[name] = then_end[name]
        if then_falls and not else_falls:
            self.narrowed.update(narrowing.without(paths.when_true, narrowing.bound_names(stmt.body)))
        elif else_falls and not then_falls:
            self.narrowed.update(narrowing.without(paths.when_false,
                                                   narrowing.bound_names(stmt.orelse)))

    def _build_arm(self, block: ops.Block, stmts: List[ast.stmt], after: ops.Block) -> bool:
        """Builds `stmts` in `block` (all of whose predecessors exist) and
        falls through to `after` unless they left the block; says whether
        they fell through."""
        self.seal(block)
        self.start(block)
        self.statements(stmts)
        if self.block is None:
            return False
        self.goto(after)
        return True

    def _continue_at(self, after: ops.Block) -> None:
        """Continues building in the join block `after`, now complete; if no
        path reaches it the code that follows is unreachable."""
        self.seal(after)
        self.start(after)
        if not self.ssa_has_preds(after):
            self.terminate(ops.Unreachable())

    def ssa_has_preds(self, block: ops.Block) -> bool:
        return bool(self.ssa._preds[block])

    def stmt_While(self, stmt: ast.While) -> None:
        header = self.new_block("while")
        body = self.new_block("loop")
        orelse = self.new_block("loopelse") if stmt.orelse else None
        after = self.new_block("endwhile")
        # the header runs again after the body: what the body rebinds is
        # not narrowed there, nor after the loop
        rebound = narrowing.bound_names(stmt.body + [stmt.test])
        self.narrowed = narrowing.without(self.narrowed, rebound)
        paths = narrowing.paths_of(self, stmt.test)
        self.goto(header)
        self.start(header)
        self.poll_signals()
        self.expr.condition(stmt.test, body, orelse or after)
        self.seal(body)
        outer = dict(self.narrowed)
        self.narrowed.update(paths.when_true)  # each run of the body starts with the test true
        self._loop_body(stmt.body, body, continue_target=header, break_target=after)
        self.narrowed = outer
        self.seal(header)
        self._loop_else(orelse, stmt.orelse, after)
        self.narrowed = narrowing.without(outer, narrowing.bound_names(stmt.orelse))

    def _loop_body(self, body_stmts: List[ast.stmt], body: ops.Block,
                   continue_target: ops.Block, break_target: ops.Block) -> None:
        self.loops.append(LoopContext(continue_target, break_target))
        self.start(body)
        self.statements(body_stmts)
        if self.block is not None:
            self.goto(continue_target)
        self.loops.pop()

    def _loop_else(self, orelse: Optional[ops.Block], stmts: List[ast.stmt],
                   after: ops.Block) -> None:
        if orelse is not None:
            self._build_arm(orelse, stmts, after)
        self._continue_at(after)

    def stmt_For(self, stmt: ast.For) -> None:
        from .loops import build_for

        self.narrowed = narrowing.without(
            self.narrowed, narrowing.bound_names(stmt.body + stmt.orelse + [stmt.target]))

        before = dict(self.narrowed)
        build_for(self, stmt.target, stmt.iter, lambda: self.statements(stmt.body), stmt.orelse,
                  stmt, body=stmt.body)
        # the body may run no time, and a break skips the else clause: what
        # their assignments told holds after the loop in neither case
        self.narrowed = narrowing.without(before, narrowing.bound_names(
            stmt.body + stmt.orelse + [stmt.target]))

    def stmt_Break(self, stmt: ast.Break) -> None:
        assert self.loops, "'break' outside loop: Python's compiler refuses it"
        target = self.loops[-1].break_target
        self._leave_contexts(len(self.loops))
        if self.block is not None:
            self.goto(target)

    def stmt_Continue(self, stmt: ast.Continue) -> None:
        assert self.loops, "'continue' outside loop: Python's compiler refuses it"
        target = self.loops[-1].continue_target
        self._leave_contexts(len(self.loops))
        if self.block is not None:
            self.goto(target)

    def _leave_contexts(self, loop_depth: int) -> None:
        """Exits the `with` blocks a jump leaves (see contexts.leave)."""
        if self.open_contexts:
            from .contexts import leave

            leave(self, loop_depth)

    def stmt_ClassDef(self, stmt: ast.ClassDef) -> None:
        from .local_classes import build

        build(self, stmt)

    def stmt_Global(self, stmt: ast.Global) -> None:
        pass  # the names are module state throughout the function (module_state.py)

    def stmt_Assert(self, stmt: ast.Assert) -> None:
        paths = narrowing.paths_of(self, stmt.test)
        fail = self.new_block("assertfail")
        ok = self.new_block("assertok")
        self.expr.condition(stmt.test, ok, fail)
        self.seal(fail)
        self.seal(ok)
        self.start(fail)
        if stmt.msg is None or (isinstance(stmt.msg, ast.Constant) and
                                isinstance(stmt.msg.value, str)):
            message = None if stmt.msg is None else stmt.msg.value
            self.terminate(ops.Raise("AssertionError", message, self.lineno(stmt)))
        else:  # a message computed only when the assertion fails, as in Python
            outer = dict(self.narrowed)
            self.narrowed.update(paths.when_false)
            raise_stmt = ast.Raise(exc=ast.Call(func=ast.Name("AssertionError", ast.Load()),
                                                args=[stmt.msg], keywords=[]), cause=None)
            ast.copy_location(raise_stmt, stmt)
            ast.fix_missing_locations(raise_stmt)
            from .exceptions import build_raise

            build_raise(self, raise_stmt)
            self.narrowed = outer
        self.start(ok)
        self.narrowed.update(paths.when_true)

    # ------------------------------------------------------ name lookup

    def stmt_Import(self, stmt: ast.Import) -> None:
        """`import math` inside the function: the module is imported now, at
        compile time, and the name refers to it from here on (compiled code
        does not run import statements: the binding is all they do)."""
        import importlib

        for alias in stmt.names:
            try:
                module = importlib.import_module(alias.name)
            except ImportError as exc:
                raise self.error(stmt, f"cannot import {alias.name}: {exc}") from None
            if alias.asname:
                self.imported[alias.asname] = module
            else:  # `import os.path` binds `os`
                top = alias.name.partition(".")[0]
                self.imported[top] = importlib.import_module(top)

    def stmt_ImportFrom(self, stmt: ast.ImportFrom) -> None:
        import importlib
        import importlib.util

        package = getattr(inspect.getmodule(self.pyfunc), "__package__", None) or ""
        name = "." * stmt.level + (stmt.module or "")
        try:
            module = importlib.import_module(importlib.util.resolve_name(name, package))
        except (ImportError, ValueError) as exc:
            raise self.error(stmt, f"cannot import from {name}: {exc}") from None
        for alias in stmt.names:  # (`import *` inside a function is Python's SyntaxError)
            if hasattr(module, alias.name):
                value = getattr(module, alias.name)
            else:  # a submodule
                try:
                    value = importlib.import_module(f"{module.__name__}.{alias.name}")
                except ImportError:
                    raise self.error(stmt, f"cannot import name '{alias.name}' from "
                                     f"'{module.__name__}'") from None
            self.imported[alias.asname or alias.name] = value

    def lookup_global(self, name: str, node: ast.AST) -> Any:
        """The Python object a non-local name refers to at compile time."""
        bound = self.class_bindings.get(name)
        if bound is not None:
            return bound
        imported = self.imported.get(name)
        if imported is not None:
            return imported
        code = self.pyfunc.__code__
        if name in code.co_freevars and self.pyfunc.__closure__:
            cell = self.pyfunc.__closure__[code.co_freevars.index(name)]
            try:
                value = cell.cell_contents
            except ValueError:
                raise self.error(node, f"free variable '{name}' has no value when "
                                 f"{self.pyfunc.__name__}() is compiled",
                                 hint=f"assign '{name}' before the first call of "
                                      f"{self.pyfunc.__name__}()") from None
            key = f"free:{self.pyfunc.__module__}:{self.pyfunc.__qualname__}:{name}"
        elif name in self.pyfunc.__globals__:
            value = self.pyfunc.__globals__[name]
            if name.startswith("__pjx_"):  # bound by pyjitx in code it generated
                return value
            key = f"global:{self.pyfunc.__module__}:{name}"
        elif hasattr(builtins, name):
            return getattr(builtins, name)
        else:
            raise self.error(node, f"name '{name}' is not defined")
        self.session.dependencies[key] = describe(value)
        return value

    def module_annotation(self, name: str) -> Any:
        """The module's annotation of global `name` (`VOCAB: Dict[str, int]
        = {}`), if any: the type of a captured value."""
        if name in self.pyfunc.__code__.co_freevars or name in self.class_bindings:
            return None
        return self.pyfunc.__globals__.get("__annotations__", {}).get(name)

    def default_values(self, pyfunc) -> Dict[str, Any]:
        return {
            name: p.default for name, p in inspect.signature(pyfunc).parameters.items()
            if p.default is not inspect.Parameter.empty
        }
