"""hash(x) in compiled code: the value CPython's hash() gives in the same
process (libruntime/pyhash.c), so that `hash(token) % buckets` picks the
same bucket compiled and in the interpreter -- and in a C++ host given the
same PYTHONHASHSEED (libruntime/include/pyjitx/hash.h).

Dicts and sets do not use this hash: they keep the runtime's own, faster
unkeyed one (no iteration order depends on either: they keep insertion
order).  Instances hash by their __hash__ (calls.py's hash handler calls it
first); a `frozenset(...)` argument is built as a set and hashed as
CPython hashes the frozenset."""
from __future__ import annotations

import ast
import builtins
from typing import TYPE_CHECKING

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import INT, OptionalType, SetType, holds_functions, slot_kind

if TYPE_CHECKING:
    from .builder import FunctionBuilder


def hash_value(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> ops.Value:
    """CPython's hash() of a value that has no __hash__ of a compiled class."""
    from .containers import function_comparison_error

    t = value.type
    if holds_functions(t):
        raise function_comparison_error(b, node)
    kind = slot_kind(t.item if isinstance(t, OptionalType) else t)
    return b.emit(ops.PrimitiveCall(prims.PY_HASH, [ops.Constant(INT, kind), value],
                                    b.lineno(node)))


def is_frozenset_call(b: "FunctionBuilder", node: ast.expr) -> bool:
    """Is `node` a call of the built-in frozenset (which compiled code
    otherwise does not make: it holds a frozenset as a set)?"""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return False
    if node.func.id in b.locals:
        return False
    try:
        return b.lookup_global(node.func.id, node.func) is builtins.frozenset
    except Exception:
        return False


def hash_frozenset(b: "FunctionBuilder", call: ast.Call, node: ast.AST) -> ops.Value:
    """hash(frozenset(iterable)): the set of the items, hashed as CPython
    hashes a frozenset (independent of their order)."""
    from .calls import _set
    from .containers import function_comparison_error

    items = _set(b, call, builtins.frozenset)
    assert isinstance(items.type, SetType)
    if holds_functions(items.type.item):
        raise function_comparison_error(b, node)
    return b.emit(ops.PrimitiveCall(prims.PY_HASH_FROZENSET, [items], b.lineno(node)))
