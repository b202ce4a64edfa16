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
    """For `Class.method(...)` of a standard class (Counter.fromkeys)."""
    from . import stdlib_collections

    if isinstance(func.value, ast.Name) and func.value.id not in b.locals:
        try:
            owner = b.lookup_global(func.value.id, func.value)
        except Exception:  # noqa: BLE001 - not a module-level name: not ours
            return None
        if stdlib_collections.is_collection_class(owner):
            return lambda b_, node, f: stdlib_collections.class_method(b_, node, owner, f.attr)
    return None


def call_handler(target: Any) -> Optional[Handler]:
    from . import stdlib_collections

    if stdlib_collections.is_collection_class(target):
        return stdlib_collections.construct
    return None
