"""Module-level names that compiled code declares `global` (counters,
caches, a lazily built table).

The rule (docs/guide/semantics.md, "Module state"): such a name is shared
with the module.  Compiled code keeps it in a slot of its object file; a
call from Python first copies the module's current value into the slot,
and when the call returns (or raises) the slot's value goes back into the
module -- a container the code changed in place is updated in place, so
other references to it see the change.  Compiled code calling compiled
code shares the slot.  In a saved pipeline or a C++ host, where no Python
module exists, the slot starts from the value the name had when the code
was compiled and keeps its value from call to call.

The slot's type is the module's annotation of the name (`CACHE:
Optional[Dict[str, int]] = None`) or else the type of its value when the
code is compiled; an assignment of another type is a CompileError."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any, Set

from ..ir import ops
from ..ir.types import NONE, NONE_SO_FAR, join, with_article
from .module_constants import value_type

if TYPE_CHECKING:
    from .builder import FunctionBuilder

_MISSING = object()


def declared_names(node: ast.AST) -> Set[str]:
    """The names a function's own body declares `global`."""
    from .closures import _walk_own

    names: Set[str] = set()
    for sub in _walk_own(node):
        if isinstance(sub, ast.Global):
            names.update(sub.names)
    return names


def shared_names(pyfunc: Any) -> Set[str]:
    """The names some function of `pyfunc`'s source file declares `global`:
    module state, which a function that only reads the name must read from
    the module too (go.py's Square.remove reads the TIMESTAMP that
    Board.useful advances), not take as a constant when compiled."""
    from .source import global_names_of_file

    return global_names_of_file(pyfunc)


def state_for(b: "FunctionBuilder", name: str, node: ast.AST) -> ops.ModuleState:
    module = getattr(b.pyfunc, "__module__", None) or "__main__"
    states = b.session.module_states
    state = states.get((module, name))
    if state is not None:
        return state
    namespace = b.pyfunc.__globals__
    annotation = namespace.get("__annotations__", {}).get(name)
    value = namespace.get(name, _MISSING)
    if annotation is not None:
        from .annotations import SUPPORTED_TYPES_HINT, type_from_annotation

        t = type_from_annotation(annotation, namespace)
        if t is None:
            raise b.error(node, f"unsupported annotation of module-level '{name}'",
                          hint=SUPPORTED_TYPES_HINT)
    elif value is _MISSING:
        raise b.error(node, f"global '{name}' has no value and no annotation in its module",
                      hint=f"give it one at module level, e.g. '{name}: int = 0'")
    elif value is None:
        t = NONE_SO_FAR  # learnt from the first assignment in compiled code (write)
    else:
        t = value_type(b, value, node, name, set())
    state = ops.ModuleState(module, name, t, len(states))
    state.initial = value  # (for a saved pipeline or C++ host: see module docstring)
    state.users = set()    # the functions that read or write it in this session
    states[(module, name)] = state
    return state


def _use(b: "FunctionBuilder", state: ops.ModuleState) -> None:
    state.users.add(id(b.pyfunc))


def read(b: "FunctionBuilder", name: str, node: ast.AST) -> ops.Value:
    state = state_for(b, name, node)
    _use(b, state)
    unset, done = b.new_block("state_unset"), b.new_block("state_read")
    is_set = b.emit(ops.StateIsSet(state, b.lineno(node)))
    b.branch(is_set, done, unset)
    b.seal(unset)
    b.start(unset)
    if state.initial is _MISSING:
        b.terminate(ops.Raise("NameError", f"name '{name}' is not defined", b.lineno(node)))
    else:
        b.emit(ops.StateSet(state, _initial_value(b, state, node), b.lineno(node)))
        b.goto(done)
    b.seal(done)
    b.start(done)
    return b.emit(ops.StateGet(state, b.lineno(node)))


def write(b: "FunctionBuilder", name: str, value: ops.Value, node: ast.AST) -> None:
    state = state_for(b, name, node)
    _use(b, state)
    if state.type == NONE_SO_FAR and value.type not in (NONE, NONE_SO_FAR):
        # `CACHE = None` at module level, `CACHE = build()` here: an Optional
        # of what is assigned -- learnt while only this function uses it
        # (code built from the first guess would hold the wrong slot type)
        if state.users - {id(b.pyfunc)}:
            raise b.error(node, f"global '{name}' is None at module level and other compiled "
                          "code used it before this assignment told its type",
                          hint=f"annotate it at module level, e.g. '{name}: Optional[...] = None'")
        state.type = join(NONE, value.type) or value.type
        from .session import Retry

        raise Retry()
    if value.type != state.type:
        from ..errors import CompileError

        try:
            value = b.expr.coerce(value, state.type, node)
        except CompileError:
            raise b.error(node, f"global '{name}' holds {with_article(state.type)}, and this "
                          f"assigns {with_article(value.type)}",
                          hint=f"annotate it at module level with a type that holds both, e.g. "
                               f"'{name}: Optional[...]' or 'Union[...]'") from None
    b.emit(ops.StateSet(state, value, b.lineno(node)))


def _initial_value(b: "FunctionBuilder", state: ops.ModuleState, node: ast.AST) -> ops.Value:
    """The value the name had when the code was compiled, as a fresh object
    of the slot's own (only a host without Python gets here)."""
    from .expressions import constant_value
    from . import module_constants

    value: Any = state.initial
    constant = constant_value(value)
    if constant is not None:
        return constant if constant.type == state.type else b.expr.coerce(constant, state.type,
                                                                          node)
    function = module_constants.builder_function(b, value, state.name, node, state.type,
                                                fresh=True)
    signature = b.session.function_for(function, ())
    return b.emit(ops.Call(signature, [], b.lineno(node)))
