"""Calls of plain Python functions that the user wrapped in pyjitx.pyfunc.

The function's annotations are its types at the boundary: arguments are
checked and widened against them here, as for a call of a compiled
function, and the call is one PythonCall op; the bridge takes the GIL,
converts, calls and converts the result back (pyjitx/_pycall.c).  A module
with such a call holds a handle valid in this process only, so it is
never cached on disk (CompileSession.calls_python).
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, List, Tuple

from ..errors import CompileError
from ..ir import ops
from ..ir.types import BOOL, ClassType, DictType, ListType, OptionalType, SetType, TupleType, \
    Type, VarTupleType, unify
from .annotations import SUPPORTED_TYPES_HINT, type_from_annotation

if TYPE_CHECKING:
    from ..pycall import PyFunc
    from .builder import FunctionBuilder


def is_pyfunc(obj: object) -> bool:
    from ..pycall import PyFunc

    return isinstance(obj, PyFunc)


def call(b: "FunctionBuilder", node: ast.Call, target: "PyFunc") -> ops.Value:
    from .calls import bind_arguments

    try:
        param_types, result_type = boundary_types(target)
    except CompileError as exc:
        raise b.error(node, exc.message, exc.hint) from None
    name = target.__name__
    values = bind_arguments(b, node, target.fn)
    args: List[ops.Value] = []
    for (param, declared), value in zip(param_types, values):
        if value.type != declared:
            if unify(value.type, declared) != declared and not (
                    value.type == BOOL and declared.is_numeric):
                raise b.error(node, f"argument '{param}' of {name}() must be {declared}, "
                              f"not {value.type}")
            value = b.expr.coerce(value, declared, node)
        args.append(value)
    for t in [t for _, t in param_types]:
        _give_classes_python_types(t)
    b.session.calls_python = True
    return b.emit(ops.PythonCall(target.handle, name, args, result_type, b.lineno(node)))


def boundary_types(target: "PyFunc") -> Tuple[List[Tuple[str, Type]], Type]:
    """([(parameter, type)], result type) from the function's annotations."""
    params, result = target.annotations()
    scope = target.scope

    def typed(annotation: object, what: str) -> Type:
        t = type_from_annotation(annotation, scope)
        if t is None:
            raise CompileError(f"pyfunc {target.__name__}(): unsupported annotation "
                               f"{annotation!r} of {what}", hint=SUPPORTED_TYPES_HINT)
        return t

    return ([(name, typed(a, f"parameter '{name}'")) for name, a in params.items()],
            typed(result, "the result"))


def _give_classes_python_types(t: Type) -> None:
    """An instance passed to Python becomes an object of the Python type
    that pyjitx.compile makes of its class: make that type exist for the
    class and every subclass the instance may belong to."""
    from ..classes import compile_class
    from .classes import info_of_type, original_class, user_subclasses

    if isinstance(t, ClassType):
        pyclass = info_of_type(t).pyclass
        compile_class(pyclass)
        for sub in user_subclasses(pyclass):
            if original_class(sub) is sub:
                try:
                    compile_class(sub)
                except CompileError:
                    pass  # compiled code cannot make its instances either
    elif isinstance(t, (ListType, SetType, OptionalType, VarTupleType)):
        _give_classes_python_types(t.item)
    elif isinstance(t, DictType):
        _give_classes_python_types(t.key)
        _give_classes_python_types(t.value)
    elif isinstance(t, TupleType):
        for item in t.items:
            _give_classes_python_types(item)
