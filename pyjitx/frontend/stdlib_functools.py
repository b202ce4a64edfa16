"""functools in compiled code.

- reduce(f, iterable[, initial]): the loop, built where it is called (f
  expands inline, so a lambda may read the caller's locals; an iterable
  that is a generator call is expanded, not materialised);
- partial(f, *args, **kwargs): a function value (a lambda calling f with
  the arguments evaluated when partial() is, kept in hidden locals);
- cmp_to_key(cmp) as the key of sorted() / list.sort(): a stable merge
  sort calling cmp (itertools_impl.cmp_sorted), CPython's order for any
  consistent cmp;
- a function decorated with lru_cache(maxsize=...) or cache that compiled
  code calls: its body compiled as any function, each call through a cache
  in the runtime (libruntime lru_cache.c) shared by every compiled caller
  in the process, one per function and argument types, keyed by the bound
  arguments, with CPython's least-recently-used eviction.  It is not the
  Python wrapper's cache: calls from Python fill that one (cache_info()
  counts those); the results are the same for the functions one caches."""
from __future__ import annotations

import ast
import builtins
import functools
import operator
import types
from typing import TYPE_CHECKING, Any, List, Optional

from ..ir import ops
from ..ir.types import BOOL, INT, NONE, unify
from .session import Retry

if TYPE_CHECKING:
    from .builder import FunctionBuilder

# operator's functions given as values (reduce(operator.mul, xs)): the
# expression they compute
_OPERATORS = {operator.add: ast.Add, operator.sub: ast.Sub, operator.mul: ast.Mult,
              operator.truediv: ast.Div, operator.floordiv: ast.FloorDiv,
              operator.mod: ast.Mod, operator.pow: ast.Pow, operator.and_: ast.BitAnd,
              operator.or_: ast.BitOr, operator.xor: ast.BitXor, operator.lshift: ast.LShift,
              operator.rshift: ast.RShift, operator.concat: ast.Add}


def is_functools(obj: Any) -> bool:
    return obj is functools.reduce or obj is functools.partial or obj is functools.cmp_to_key


def is_cached(obj: Any) -> bool:
    """A function wrapped by functools.lru_cache / cache."""
    return hasattr(obj, "cache_info") and hasattr(obj, "__wrapped__") and \
        callable(getattr(obj, "cache_parameters", None))


def function_node(b: "FunctionBuilder", node: ast.expr) -> ast.expr:
    """A function argument as something compiled code calls: operator.add
    and the like become the lambda they are."""
    from .stdlib_defaultdict import _global_object

    target = _global_object(b, node)
    for f, op in _OPERATORS.items():
        if target is f:
            args = ast.arguments(posonlyargs=[], args=[ast.arg(arg="pjx_x"), ast.arg(arg="pjx_y")],
                                 vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                                 defaults=[])
            body = ast.BinOp(left=ast.Name(id="pjx_x", ctx=ast.Load()), op=op(),
                             right=ast.Name(id="pjx_y", ctx=ast.Load()))
            return _located(ast.Lambda(args=args, body=body), node)
    if target is builtins.max or target is builtins.min:  # accumulate(xs, max)
        args = ast.arguments(posonlyargs=[], args=[ast.arg(arg="pjx_x"), ast.arg(arg="pjx_y")],
                             vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                             defaults=[])
        body = ast.Call(func=ast.Name(id=target.__name__, ctx=ast.Load()),
                        args=[ast.Name(id="pjx_x", ctx=ast.Load()),
                              ast.Name(id="pjx_y", ctx=ast.Load())], keywords=[])
        return _located(ast.Lambda(args=args, body=body), node)
    return node


def _located(lam: ast.Lambda, node: ast.AST) -> ast.Lambda:
    for sub in ast.walk(lam):
        ast.copy_location(sub, node)
    return lam


def call(b: "FunctionBuilder", node: ast.Call, target: Any) -> ops.Value:
    if target is functools.reduce:
        return _reduce(b, node)
    if target is functools.partial:
        return _partial(b, node)
    raise b.error(node, "functools.cmp_to_key() is supported as the key of sorted() and "
                  "list.sort() only", hint="write sorted(xs, key=cmp_to_key(compare))")


def _reduce(b: "FunctionBuilder", node: ast.Call) -> ops.Value:
    from .calls import call_with_values
    from .loops import build_for
    from .signatures import has_unpacking

    if has_unpacking(node) or node.keywords or not 2 <= len(node.args) <= 3:
        n = len(node.args)
        raise b.error(node, "reduce() takes no keyword arguments" if node.keywords or
                      has_unpacking(node) else
                      f"reduce expected at {'least 2' if n < 2 else 'most 3'} arguments, got {n}")
    func = function_node(b, node.args[0])
    uid = b.next_loop_id()
    holder, started = f".reduce{uid}", f".reduced{uid}"
    initial = b.expr.value(node.args[2]) if len(node.args) == 3 else None
    if initial is not None:
        known = b.var_types.get(holder, initial.type)
        b.write_var(holder, b.expr.coerce(initial, known, node), node)
    else:
        b.write_var(started, ops.Constant(BOOL, False), node)

    def body() -> None:
        item = b.loop_item
        known = b.var_types.get(holder)
        if initial is None:
            first, rest = b.new_block("reduce_first"), b.new_block("reduce_step")
            after = b.new_block("reduce_next")
            b.branch(b.read_var(started, node), rest, first)
            b.seal(first)
            b.seal(rest)
            b.start(first)
            if known is None:
                b.var_types[holder] = known = item.type
            b.write_var(holder, b.expr.coerce(item, known, node), node)
            b.write_var(started, ops.Constant(BOOL, True), node)
            b.goto(after)
            b.start(rest)
        total = call_with_values(b, func, [b.read_var(holder, node), item], node)
        wider = unify(known, total.type) if known is not None else total.type
        if wider is None:
            raise b.error(node, f"reduce()'s function returns {total.type} where the "
                          f"accumulated value is {known}",
                          hint="return the accumulated value's type")
        if wider != known:
            b.var_types[holder] = wider
            raise Retry()
        b.write_var(holder, b.expr.coerce(total, known, node), node)
        if initial is None:
            b.goto(after)
            b.seal(after)
            b.start(after)

    build_for(b, None, node.args[1], body, [], node)
    if initial is None:
        from .signatures import fail_if

        fail_if(b, b.emit(ops.Unary("bool_not", b.read_var(started, node))),
                "reduce() of empty iterable with no initial value", node)
        if holder not in b.var_types:
            raise b.error(node, "cannot tell the type of what reduce() accumulates from "
                          "this iterable", hint="pass an initial value")
    return b.read_var(holder, node)


def _partial(b: "FunctionBuilder", node: ast.Call) -> ops.Value:
    """partial(f, *args, **kw) as `lambda *rest, **more: f(*args, *rest, **kw, **more)`,
    args and kw evaluated now, into hidden locals."""
    from .closures import function_value
    from .signatures import has_unpacking

    if not node.args or has_unpacking(node):
        raise b.error(node, "partial() takes a function and the arguments to fix, one by one",
                      hint="partial(f, 1, key=2)")
    uid = b.next_loop_id()
    bound: List[ast.expr] = []
    for i, arg in enumerate([function_node(b, node.args[0])] + list(node.args[1:])):
        if isinstance(arg, ast.Lambda) or (isinstance(arg, ast.Name) and i == 0):
            bound.append(arg)  # (a function: called by its name or its own lambda)
            continue
        name = f".partial{uid}.{i}"
        b.write_var(name, b.expr.value(arg), arg)
        bound.append(ast.copy_location(ast.Name(id=name, ctx=ast.Load()), arg))
    keywords = []
    for kw in node.keywords:
        name = f".partial{uid}.{kw.arg}"
        b.write_var(name, b.expr.value(kw.value), kw.value)
        keywords.append(ast.keyword(arg=kw.arg, value=ast.Name(id=name, ctx=ast.Load())))
    rest, more = f"rest{uid}", f"more{uid}"
    body = ast.Call(func=bound[0],
                    args=bound[1:] + [ast.Starred(value=ast.Name(id=rest, ctx=ast.Load()),
                                                  ctx=ast.Load())],
                    keywords=keywords + [ast.keyword(arg=None,
                                                     value=ast.Name(id=more, ctx=ast.Load()))])
    lam = ast.Lambda(args=ast.arguments(posonlyargs=[], args=[], vararg=ast.arg(arg=rest),
                                        kwonlyargs=[], kw_defaults=[], kwarg=ast.arg(arg=more),
                                        defaults=[]), body=body)
    for sub in ast.walk(lam):
        if not hasattr(sub, "lineno") or sub is lam or sub is body:
            ast.copy_location(sub, node)
    return function_value(b, lam)


def cmp_key(b: "FunctionBuilder", key: Optional[ast.expr]) -> Optional[ast.expr]:
    """The cmp of `key=cmp_to_key(cmp)`, or None."""
    from .stdlib_defaultdict import _global_object

    if not (isinstance(key, ast.Call) and len(key.args) == 1 and not key.keywords):
        return None
    if _global_object(b, key.func) is not functools.cmp_to_key:
        return None
    return function_node(b, key.args[0])


def cmp_sorted(b: "FunctionBuilder", items: ops.Value, cmp: ast.expr, reverse: ops.Value,
               node: ast.AST) -> ops.Value:
    """The items of a list in the order sorted(items, key=cmp_to_key(cmp),
    reverse=reverse) gives, as a new list (container_methods.sort_list
    puts them back into the list it sorts)."""
    from ..stdlib import itertools_impl
    from .generators import call_arguments, collect

    impl = itertools_impl.cmp_sorted
    uid = b.next_loop_id()
    names = (f".cmp_items{uid}", f".cmp_reverse{uid}")
    call = ast.copy_location(ast.Call(func=ast.Name(id=".cmp_sorted", ctx=ast.Load()),
                                      args=[ast.Name(id=names[0], ctx=ast.Load()), cmp,
                                            ast.Name(id=names[1], ctx=ast.Load())],
                                      keywords=[]), node)
    for sub in ast.walk(call):
        if not hasattr(sub, "lineno"):
            ast.copy_location(sub, node)
    b.lambda_bindings[names[0]] = items
    b.lambda_bindings[names[1]] = reverse
    try:
        return collect(b, impl, call_arguments(b, call, impl), node)
    finally:
        for name in names:
            b.lambda_bindings.pop(name, None)


# ------------------------------------------------------------ lru_cache


def cached_call(b: "FunctionBuilder", node: ast.Call, wrapper: Any) -> ops.Value:
    """f(args) of an lru_cache'd f: the runtime's cache first, else the call
    of the compiled body (and its result stored).  The key is the tuple of
    the bound arguments, as the parameters type them; the cache is named by
    the function and those types (a compiled function per argument types,
    so each its own cache: lru_cache(typed=True)'s keys)."""
    from ..ir import primitives_stdlib as sp
    from ..ir.primitives import CSTR
    from ..ir.types import FunctionType
    from .calls import bind_arguments, typed_arguments
    from .containers import build_tuple, kind, prim

    pyfunc = wrapper.__wrapped__
    if not isinstance(pyfunc, types.FunctionType):
        raise b.error(node, f"lru_cache of {type(pyfunc).__name__} objects cannot be called "
                      "from compiled code", hint="cache a plain def")
    maxsize = wrapper.cache_parameters().get("maxsize")
    values = bind_arguments(b, node, pyfunc)
    args, arg_types = typed_arguments(b, node, pyfunc, values)
    for t in arg_types:
        if isinstance(t, FunctionType):
            raise b.error(node, f"a function value passed to {pyfunc.__name__}(), which "
                          "lru_cache keys by its arguments: compiled code does not hash "
                          "function values", hint="pass the data the function would compute")
    callee = b.session.function_for(pyfunc, tuple(arg_types))
    if maxsize is not None and maxsize <= 0:  # (CPython: no cache, every call runs)
        return b.emit(ops.Call(callee, args, b.lineno(node)))
    key = build_tuple(b, list(args), node)
    name = ops.Constant(CSTR, f"{cache_prefix(pyfunc)}({', '.join(map(str, arg_types))})")
    size = ops.Constant(INT, -1 if maxsize is None else maxsize)
    holder = f".cached{b.next_loop_id()}"
    found = prim(b, sp.LRU_LOOKUP, [name, key, size], node, INT)
    hit, miss, after = b.new_block("cache_hit"), b.new_block("cache_miss"), b.new_block("cached")
    b.branch(b.emit(ops.Compare("ne", found, ops.Constant(INT, 0))), hit, miss)
    b.seal(hit)
    b.seal(miss)
    # the miss first: the call's result type is the cached values' type
    b.start(miss)
    result = b.emit(ops.Call(callee, args, b.lineno(node)))
    prim(b, sp.LRU_STORE, [name, kind(result.type), key,
                           result, size], node)
    b.write_var(holder, result, node)
    b.goto(after)
    b.start(hit)
    b.write_var(holder, prim(b, sp.LRU_HIT, [], node, result.type), node)
    b.goto(after)
    b.seal(after)
    b.start(after)
    return b.read_var(holder, node)



def cache_prefix(pyfunc: Any) -> str:
    """What the names of a function's caches start with (the object's id
    too: two functions of one name, redefined, are two caches)."""
    return f"{pyfunc.__module__}.{pyfunc.__qualname__}@{id(pyfunc):x}"


def cache_method(b: "FunctionBuilder", node: ast.Call, wrapper: Any, method: str) -> ops.Value:
    """f.cache_clear() in compiled code: empties the runtime's caches of f
    (those compiled callers fill; the Python wrapper's own is Python's)."""
    from ..ir import primitives_stdlib as sp
    from ..ir.primitives import CSTR
    from .containers import prim

    if method == "cache_clear":
        if node.args or node.keywords:
            raise b.error(node, "cache_clear() takes no arguments")
        prim(b, sp.LRU_CLEAR, [ops.Constant(CSTR, cache_prefix(wrapper.__wrapped__))], node)
        return ops.Constant(NONE, None)
    raise b.error(node, f"{wrapper.__wrapped__.__name__}.{method}() is not available in "
                  "compiled code", hint="compiled callers keep their own cache, in the runtime: "
                  "call cache_info() from Python, or count with pyjitx.runtime.cache_entries()")
