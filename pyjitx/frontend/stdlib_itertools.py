"""itertools in compiled code: each call is a stand-in generator
(pyjitx/stdlib/itertools_impl.py) expanded inline where it is iterated --
a for loop, a comprehension, list(), sorted(), sum(), "".join(), zip() --
as a generator function of the user's is (frontend/generators.py).  A
generator call given to one (`islice(gen(), 5)`, `chain(a(), b())`,
`islice(cycle(xs), 7)`) is expanded where the stand-in iterates it, so
infinite iterators (count, cycle, repeat) work as in CPython wherever
something stops them.

This module picks the stand-in for a call: by the function, and for the
functions of any number of iterables (chain, product, zip_longest) one
generated for the call's shape, whose tuples then have one type per
position."""
from __future__ import annotations

import ast
import itertools
from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple

if TYPE_CHECKING:
    from .builder import FunctionBuilder

_FIXED = {itertools.count: "count", itertools.repeat: "repeat", itertools.cycle: "cycle",
          itertools.accumulate: "accumulate", itertools.dropwhile: "dropwhile",
          itertools.takewhile: "takewhile", itertools.filterfalse: "filterfalse",
          itertools.starmap: "starmap", itertools.pairwise: "pairwise",
          itertools.groupby: "groupby", itertools.islice: "islice",
          itertools.combinations: "combinations",
          itertools.combinations_with_replacement: "combinations_with_replacement",
          itertools.permutations: "permutations"}
_VARIADIC = (itertools.chain, itertools.product, itertools.zip_longest, itertools.compress)


def _impl(name: str) -> Any:
    from ..stdlib import itertools_impl

    return getattr(itertools_impl, name)


def target_of(b: "FunctionBuilder", func: ast.expr) -> Any:
    """What a called name refers to (itertools.chain, chain.from_iterable as
    (chain, "from_iterable")), or None."""
    from .stdlib_defaultdict import _global_object

    if isinstance(func, ast.Attribute) and func.attr == "from_iterable":
        owner = _global_object(b, func.value)
        return (owner, "from_iterable") if owner is itertools.chain else None
    return _global_object(b, func)


def is_itertools(obj: Any) -> bool:
    return any(obj is f for f in _FIXED) or any(obj is f for f in _VARIADIC) or (
        isinstance(obj, tuple) and obj and obj[0] is itertools.chain)


def generator_for(b: "FunctionBuilder", node: ast.Call) -> Optional[Any]:
    """The stand-in generator function for an itertools call, or None."""
    target = target_of(b, node.func)
    if target is None or not is_itertools(target):
        return None
    if isinstance(target, tuple):
        return _impl("chain_from_iterable")
    for f, name in _FIXED.items():
        if target is f:
            r = _literal_r(node, name)
            if r is not None:  # combinations(xs, 2): tuples of 2 items, which unpack
                return _fixed_width(name, r)
            return _impl(_variant(b, node, name))
    if any(isinstance(a, ast.Starred) for a in node.args) or \
            any(kw.arg is None for kw in node.keywords):
        raise b.error(node, f"*iterables in a call of itertools.{target.__name__}() are not "
                      "supported", hint="pass the iterables one by one")
    if target is itertools.compress:
        from .generators import called_generator

        by_selectors = len(node.args) == 2 and called_generator(b, node.args[1]) is not None \
            and called_generator(b, node.args[0]) is None
        return _impl("compress_by_selectors" if by_selectors else "compress")
    n = len(node.args)
    if target is itertools.chain:
        return _generated("chain", n, None)
    if target is itertools.zip_longest:
        for kw in node.keywords:
            if kw.arg != "fillvalue":
                raise b.error(kw, f"zip_longest() got an unexpected keyword argument '{kw.arg}'")
        return _generated("zip_longest", n, None)
    repeat = 1
    for kw in node.keywords:
        if kw.arg != "repeat":
            raise b.error(kw, f"product() got an unexpected keyword argument '{kw.arg}'")
        if isinstance(kw.value, ast.Constant) and type(kw.value.value) is int:
            repeat = kw.value.value
        elif n == 1:
            return _impl("product_repeat")
        else:
            raise b.error(kw.value, "product(..., repeat=n) of several iterables takes a "
                          "constant n here", hint="write the number, or pass one iterable")
    return _generated("product", n, repeat)


def _given(node: ast.Call, index: Optional[int], keyword: str) -> bool:
    """Whether the call passes an argument (at a position, or by keyword)
    other than a literal None, which means the same as leaving it out."""
    value: Optional[ast.expr] = None
    if index is not None and len(node.args) > index:
        value = node.args[index]
    for kw in node.keywords:
        if kw.arg == keyword:
            value = kw.value
    return value is not None and not (isinstance(value, ast.Constant) and value.value is None)


def _variant(b: "FunctionBuilder", node: ast.Call, name: str) -> str:
    """The stand-in for a call whose optional arguments change what runs
    (each variant has the same parameters: one whose argument is None never
    reads it, so no `is None` test has to be folded at compile time)."""
    if name == "accumulate":
        func, initial = _given(node, 1, "func"), _given(node, None, "initial")
        return name + ("_func" if func else "") + ("_initial" if initial else "")
    if name == "groupby":
        return "groupby_key" if _given(node, 1, "key") else name
    if name == "repeat":
        return "repeat_times" if _given(node, 1, "times") else name
    if name == "filterfalse":
        return name if _given(node, 0, "predicate") else "filterfalse_none"
    if name == "islice":
        if node.keywords:
            raise b.error(node, "islice() takes no keyword arguments")
        if not 2 <= len(node.args) <= 4:
            raise b.error(node, f"islice expected at most 4 arguments, got {len(node.args)}"
                          if len(node.args) > 4 else "islice expected at least 2 arguments, "
                          f"got {len(node.args)}")
        if len(node.args) == 2:
            return "islice_stop" if _given(node, 1, "") else "islice_all"
        return "islice_range"
    return name


# the tuples each stand-in yields, as written there
_WIDTH_ITEMS = {"combinations": ("tuple([pool[i] for i in indices])",),
                "combinations_with_replacement": ("tuple([pool[i] for i in indices])",),
                "permutations": ("tuple([pool[i] for i in indices[:size]])",
                                 "tuple([pool[k] for k in indices[:size]])")}


def _literal_r(node: ast.Call, name: str) -> Optional[int]:
    """r of combinations / permutations when the call writes it as a
    literal int (positionally or as r=), else None."""
    if name not in _WIDTH_ITEMS:
        return None
    value: Optional[ast.expr] = node.args[1] if len(node.args) > 1 else None
    for kw in node.keywords:
        if kw.arg == "r":
            value = kw.value
    if isinstance(value, ast.Constant) and type(value.value) is int and 0 <= value.value <= 16:
        return value.value
    return None


def _fixed_width(name: str, r: int) -> Any:
    """The stand-in for an r known when compiling: its tuples have r items,
    each typed (Tuple[int, int], which `for a, b in ...` unpacks), rather
    than being Tuple[int, ...] of any length.  The same code as the stand-in,
    its tuple built item by item."""
    import inspect
    import textwrap

    key = (name, -1, r)
    found = _GENERATED.get(key)
    if found is not None:
        return found
    source = textwrap.dedent(inspect.getsource(_impl(name)))
    fixed = "(" + "".join(f"pool[indices[{i}]], " for i in range(r)) + ")"
    for written in _WIDTH_ITEMS[name]:
        assert written in source, written
        source = source.replace(written, fixed)
    fname = f"{name}_{r}"
    source = source.replace(f"def {name}(", f"def {fname}(", 1)
    function = _synthesised(fname, source)
    _GENERATED[key] = function
    return function


_GENERATED: Dict[Tuple[str, int, Optional[int]], Any] = {}


def _generated(kind: str, n: int, repeat: Optional[int]) -> Any:
    """chain / zip_longest / product of n iterables (product: `repeat` times
    over them), written for that shape."""
    key = (kind, n, repeat)
    found = _GENERATED.get(key)
    if found is not None:
        return found
    params = [f"it{i}" for i in range(n)]
    if kind == "chain":
        name = f"chain_{n}"
        lines = [f"def {name}({', '.join(params)}):"]
        lines += [f"    yield from {p}" for p in params] or ["    return", "    yield"]
    elif kind == "zip_longest":
        name = f"zip_longest_{n}"
        lines = [f"def {name}({', '.join(params + ['fillvalue=None'])}):"]
        if not n:
            lines += ["    return", "    yield"]
        else:
            lines += [f"    pool{i} = list(it{i})" for i in range(n)]
            lines.append("    longest = max(" + ", ".join(f"len(pool{i})" for i in range(n)) +
                         ", 0)")
            lines.append("    for i in range(longest):")
            items = ", ".join(f"pool{i}[i] if i < len(pool{i}) else fillvalue" for i in range(n))
            lines.append(f"        yield ({items},)")
    else:
        name = f"product_{n}_{repeat}"
        # (repeat: the constant the variant is written for)
        lines = [f"def {name}({', '.join(params + ['repeat=None'])}):"]
        if repeat < 0:
            lines.append('    raise ValueError("repeat argument cannot be negative")')
        # CPython makes tuples of the iterables first, then the products
        lines += [f"    pool{i} = list(it{i})" for i in range(n)]
        pools = [f"pool{i}" for i in range(n)] * max(repeat, 0)
        indent = "    "
        for depth, pool in enumerate(pools):
            lines.append(f"{indent}for x{depth} in {pool}:")
            indent += "    "
        names = ", ".join(f"x{d}" for d in range(len(pools)))
        lines.append(f"{indent}yield ({names},)" if pools else f"{indent}yield ()")
    function = _synthesised(name, "\n".join(lines) + "\n")
    _GENERATED[key] = function
    return function


def _synthesised(name: str, source: str) -> Any:
    from .source import synthesised_function

    scope = {"__name__": "pyjitx.stdlib.itertools_impl", "__builtins__": __builtins__}
    return synthesised_function(name, source, scope)


def zip_argument(b: "FunctionBuilder", node: ast.expr) -> Optional[Tuple[str, Any]]:
    """An argument of zip() that is count(...) or repeat(x) without times:
    ("count", (start, step)) / ("repeat", value) -- items computed from the
    position, for these never end; None for others."""
    if not isinstance(node, ast.Call) or node.keywords and not all(
            kw.arg in ("start", "step") for kw in node.keywords):
        return None
    target = target_of(b, node.func)
    if target is itertools.count:
        from .calls import bind_arguments

        start, step = bind_arguments(b, node, _impl("count"))
        return "count", (start, step)
    if target is itertools.repeat and len(node.args) == 1 and not node.keywords:
        return "repeat", b.expr.value(node.args[0])
    return None
