"""Calls of the standard library that compiled code runs natively: which
frontend module builds each (collections' classes, itertools, functools,
json).  calls.build_call asks here before anything else, so that these
names are never mistaken for user classes or functions to compile."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any, Callable, Optional

from ..ir import ops

if TYPE_CHECKING:
    from .builder import FunctionBuilder

Handler = Callable[["FunctionBuilder", ast.Call, Any], ops.Value]


def class_method_handler(b: "FunctionBuilder", func: ast.Attribute) -> Optional[Handler]:
    """For `Class.method(...)` of a standard class (Counter.fromkeys), and
    the methods of an lru_cache'd function (fib.cache_clear())."""
    from . import stdlib_collections

    if isinstance(func.value, ast.Name) and func.value.id not in b.locals:
        try:
            owner = b.lookup_global(func.value.id, func.value)
        except Exception:  # noqa: BLE001 - not a module-level name: not ours
            return None
        if stdlib_collections.is_collection_class(owner):
            return lambda b_, node, f: stdlib_collections.class_method(b_, node, owner, f.attr)
        from . import stdlib_functools

        if stdlib_functools.is_cached(owner):  # fib.cache_clear()
            return lambda b_, node, f: stdlib_functools.cache_method(b_, node, owner, f.attr)
    return None


def call_handler(target: Any) -> Optional[Handler]:
    from . import stdlib_collections, stdlib_functools, stdlib_itertools

    if stdlib_collections.is_collection_class(target):
        return stdlib_collections.construct
    if stdlib_functools.is_functools(target):
        return stdlib_functools.call
    if stdlib_functools.is_cached(target):
        return stdlib_functools.cached_call
    if stdlib_itertools.is_itertools(target):
        return _itertools_value
    return None


def _itertools_value(b: "FunctionBuilder", node: ast.Call, target: Any) -> ops.Value:
    """An itertools call not consumed where it is made: its items as a list
    would be a different object (and an infinite one never ends), so only
    list()/tuple()/sorted()... of it and loops over it compile."""
    from .generators import VALUE_HINT

    raise b.error(node, f"itertools.{getattr(target, '__name__', 'chain')}() makes an iterator, "
                  "which compiled code does not keep as a value", hint=VALUE_HINT)


def generator_for(b: "FunctionBuilder", node: ast.Call) -> Optional[Any]:
    """The stand-in generator function (pyjitx/stdlib/itertools_impl.py) for
    a call of itertools (islice(...), chain.from_iterable(...)), or None:
    generators.called_generator asks here first, so these calls expand
    inline wherever a generator call of the user's would."""
    from . import stdlib_itertools

    return stdlib_itertools.generator_for(b, node)
