"""A class statement inside a compiled function (`def f(x): class P: ...`).

CPython makes a new class object each time the statement runs; compiled
code makes the class once, when the function is compiled, from the
statement's own source (so its methods compile like any class's), and the
name refers to it from the statement on.  What a user can observe of the
difference is only the class objects' identity across calls.  A class
whose body uses the function's locals (a closure) is refused: its methods
would need a new class per call."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Dict, Tuple

if TYPE_CHECKING:
    from .builder import FunctionBuilder

# (function, class statement's position) -> the class, made once (a rebuild
# of the function, or a second compile, finds the same class)
_MADE: Dict[Tuple[object, int, int], type] = {}


def build(b: "FunctionBuilder", stmt: ast.ClassDef) -> None:
    captured = _closure_names(b, stmt)
    if captured:
        raise b.error(stmt, f"class {stmt.name} uses the local '{captured[0]}' of "
                      f"{b.pyfunc.__name__}(), which a class made once for every call cannot",
                      hint=f"pass {captured[0]} to the class's __init__, or define the class at "
                           "module level")
    key = (b.pyfunc.__code__, stmt.lineno, stmt.col_offset)
    cls = _MADE.get(key)
    if cls is None:
        cls = _make(b, stmt)
        _MADE[key] = cls
    b.locals.discard(stmt.name)
    b.class_bindings[stmt.name] = cls


def _closure_names(b: "FunctionBuilder", stmt: ast.ClassDef) -> list:
    """The enclosing function's locals the class body or its methods use:
    Python's own compiler tells, with the statement placed in a function
    that has those locals."""
    import copy
    import types

    names = sorted(b.locals - {stmt.name})
    wrapper = ast.FunctionDef(
        name="scope", args=ast.arguments(posonlyargs=[], args=[ast.arg(n) for n in names],
                                         kwonlyargs=[], kw_defaults=[], defaults=[]),
        body=[copy.deepcopy(stmt)], decorator_list=[], returns=None, type_comment=None)
    module = ast.fix_missing_locations(ast.Module(body=[wrapper], type_ignores=[]))
    code = compile(module, "<class scope>", "exec")
    used: set = set()
    pending = [c for c in code.co_consts if isinstance(c, types.CodeType)]
    while pending:
        c = pending.pop()
        used.update(c.co_freevars)
        pending.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return sorted(used & set(names))


def _make(b: "FunctionBuilder", stmt: ast.ClassDef) -> type:
    """The class, executed from the statement with the module's globals;
    compiled with the file's name and the statement's line numbers, so that
    inspect finds its methods' source in the file."""
    module = ast.Module(body=[stmt], type_ignores=[])
    filename = b.pyfunc.__code__.co_filename
    namespace = dict(b.pyfunc.__globals__)
    exec(compile(module, filename, "exec"), namespace)  # noqa: S102 - the user's own class body
    cls = namespace[stmt.name]
    qualname = f"{b.pyfunc.__qualname__}.<locals>.{stmt.name}"
    cls.__qualname__ = qualname
    cls.__module__ = b.pyfunc.__module__
    for member in vars(cls).values():
        function = getattr(member, "__func__", member)
        if hasattr(function, "__qualname__") and hasattr(function, "__code__"):
            function.__qualname__ = f"{qualname}.{function.__name__}"
    return cls
