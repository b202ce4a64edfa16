"""`if` tests that a local's static type decides: `isinstance(x, str)`,
`x is None`, and `not`/`and`/`or` of such tests.

A function specialised on its arguments' types (an unannotated parameter)
often dispatches on them, as random.seed(a) does on a str, bytes, int or
float `a`.  When the local's type settles the test (an `int` is never a
`str`; a `str` is never None) only the branch CPython can take is built,
as the branch with `a.encode()` is never run for an int: building it
would type-check code that cannot run.  Types that may hold several kinds
of value (Any, unions, Optional) are tested at run time as before."""
from __future__ import annotations

import ast
import builtins
from typing import TYPE_CHECKING, Optional

from ..ir.types import (BOOL, BYTES, FLOAT, INT, NONE, NONE_SO_FAR, STR, ClassType, DictType,
                        FunctionRefType, FunctionSetType, ListType, SetType, TupleType, Type,
                        VarTupleType)

if TYPE_CHECKING:
    from .builder import FunctionBuilder

# the types whose values are only ever of one Python class (a function
# value or an instance of a compiled class is none of the built-in classes
# below, nor None: `key is None` of a key function is False)
_SETTLED = (INT, FLOAT, BOOL, NONE, STR, BYTES)
_CONTAINERS = (ListType, DictType, SetType, TupleType, VarTupleType, FunctionRefType,
               FunctionSetType, ClassType)

_CLASS_TESTS = {
    builtins.int: lambda t: t in (INT, BOOL),
    builtins.bool: lambda t: t == BOOL,
    builtins.float: lambda t: t == FLOAT,
    builtins.str: lambda t: t == STR,
    builtins.bytes: lambda t: t == BYTES,
    type(None): lambda t: t == NONE,
    builtins.list: lambda t: isinstance(t, ListType),
    builtins.dict: lambda t: isinstance(t, DictType),
    builtins.set: lambda t: isinstance(t, SetType),
    builtins.tuple: lambda t: isinstance(t, (TupleType, VarTupleType)),
}


def _settled_type(b: "FunctionBuilder", node: ast.expr) -> Optional[Type]:
    """The type of local `node` if every value it holds is of one class."""
    if not isinstance(node, ast.Name) or node.id not in b.locals:
        return None
    t = b.narrowed.get(node.id) or b.var_types.get(node.id)
    if t == NONE_SO_FAR:  # (None so far: an assignment of another type rebuilds the function)
        return NONE
    if t in _SETTLED or isinstance(t, _CONTAINERS):
        return t
    return None


def _global_class(b: "FunctionBuilder", node: ast.expr) -> Optional[type]:
    if not isinstance(node, ast.Name) or node.id in b.locals:
        return None
    try:
        found = b.lookup_global(node.id, node)
    except Exception:
        return None
    return found if isinstance(found, type) and found in _CLASS_TESTS else None


def static_type_test(b: "FunctionBuilder", test: ast.expr) -> Optional[bool]:
    """True/False when the types alone decide `test`, else None."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = static_type_test(b, test.operand)
        return None if inner is None else not inner
    if isinstance(test, ast.BoolOp):
        # decided by its operands in order, as far as each is decided (an
        # undecided operand before a deciding one would still be evaluated)
        deciding = isinstance(test.op, ast.Or)
        for value in test.values:
            known = static_type_test(b, value)
            if known is None:
                return None
            if known is deciding:
                return deciding
        return not deciding
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) \
            and test.func.id not in b.locals and len(test.args) == 2 and not test.keywords:
        try:
            is_isinstance = b.lookup_global(test.func.id, test.func) is builtins.isinstance
        except Exception:
            return None
        t = _settled_type(b, test.args[0]) if is_isinstance else None
        if t is None:
            return None
        spec = test.args[1]
        classes = spec.elts if isinstance(spec, ast.Tuple) else [spec]
        found = [_global_class(b, c) for c in classes]
        if any(c is None for c in found):
            return None
        return any(_CLASS_TESTS[c](t) for c in found)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 \
            and isinstance(test.ops[0], (ast.Is, ast.IsNot)) \
            and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
        t = _settled_type(b, test.left)
        if t is None:
            return None
        return (t == NONE) == isinstance(test.ops[0], ast.Is)
    return None
