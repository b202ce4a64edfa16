"""pyjitx.compile(SomeClass): the Python type whose instances live in the
runtime.

The type derives from pyjitx._ext.Instance (or from the compiled type of
the class's base), so `isinstance` works both ways between compiled
classes.  Each method becomes a compiled function whose `self` is typed as
the class; attributes are properties reading and writing the instance's
fields; constructing calls a compiled constructor (synthesised source:
`def C__new(<__init__'s parameters>): return C(<names>)`), so creation
from Python and from compiled code run the same code; each class method
gets such a caller per class (`return C.make(<names>)`: `cls` is C), and
__exit__ one that passes None for the exception (as compiled `with` does).
Instances pickle by their attributes.
"""
from __future__ import annotations

import inspect
import itertools
import linecache
from typing import Any, Callable, Dict, List, Optional

from . import _ext
from .backend.abi import boundary_descriptor
from .errors import CompileError
from .frontend.classes import ClassInfo, blank_instance, info_for, original_class
from .pipeline.construction import record, snapshot
from .pydataclasses import (factory_constructor, make_dataclass_first,
                            prepare_for_outer_dataclass, python_side)

_COMPILED: Dict[type, type] = {}
_serial = itertools.count()


def compile_class(cls: type, use_cache: bool = True, opt: int = 2, eager: bool = False) -> type:
    from .api import CompiledFunction, compiled_function_of, user_facing

    cls = make_dataclass_first(cls)  # (@dataclass written above @pyjitx.compile)
    pyclass = original_class(cls)
    if pyclass is None:
        raise TypeError(f"pyjitx.compile cannot compile the class {cls.__name__}")
    existing = _COMPILED.get(pyclass)
    if existing is not None:
        return existing
    info = info_for(pyclass)
    base = compile_class(info.base.pyclass, use_cache, opt) if info.base else _ext.Instance

    compiled: List[Any] = []

    def method(fn: Callable, self_type: Any = info.type) -> Any:
        function = CompiledFunction(fn, use_cache=use_cache, opt=opt, self_type=self_type)
        compiled.append(function)
        return function.dispatcher

    ns: Dict[str, Any] = {
        "__slots__": (), "__module__": pyclass.__module__, "__qualname__": pyclass.__qualname__,
        "__doc__": pyclass.__doc__, "__pjx_class__": pyclass,
    }
    for name, member in pyclass.__dict__.items():
        if name.startswith("__") and name in ("__dict__", "__weakref__", "__module__",
                                               "__qualname__", "__doc__", "__annotations__",
                                               "__init__", "__slots__"):
            continue
        if inspect.isfunction(member) and name in _RICH_COMPARISONS:
            ns[name] = _comparison(method(member), member, info)
        elif inspect.isfunction(member) and name == "__exit__":
            ns[name] = _exit_method(pyclass, info, use_cache, opt, compiled)
        elif inspect.isfunction(member):
            ns[name] = method(member)
        elif isinstance(member, staticmethod):
            ns[name] = staticmethod(method(member.__func__, None))
        elif isinstance(member, classmethod):
            continue  # below, with the inherited ones
        elif inspect.ismemberdescriptor(member):
            continue  # a __slots__ entry: a field, whose property is made below
        elif isinstance(member, property):
            ns[name] = property(method(member.fget) if member.fget else None,
                                method(member.fset) if member.fset else None, doc=member.__doc__)
        else:
            ns[name] = member  # class-level constant (a field's default is shadowed below)
    for name, member in _classmethods(pyclass).items():
        ns[name] = staticmethod(_classmethod_caller(pyclass, name, member, use_cache, opt,
                                                    compiled))
    for index, name in enumerate(info.field_names):
        if index >= (len(info.base.field_names) if info.base else 0):
            ns[name] = _field_property(info, index, name)
    constructor = _constructor(pyclass, info, use_cache, opt, compiled)
    blank = _blank_maker(pyclass, info)

    constructor_function = compiled_function_of(constructor)
    # (a dataclass's default factories run where their arguments are left out)
    construct = factory_constructor(pyclass, constructor, use_cache, opt, compiled)

    def __new__(cls_, *args: Any, **kwargs: Any) -> Any:
        if cls_ is not pytype:
            raise TypeError(f"subclass {cls_.__name__} of compiled class {pyclass.__name__} is "
                            "not compiled: compile it too")
        # what __init__ receives is kept for saving pipelines (copied first:
        # the constructor may mutate its arguments)
        kept_args, kept_kwargs = snapshot(args), kwargs and snapshot(kwargs)
        obj = construct(*args, **kwargs)
        if isinstance(obj, _ext.Instance):  # (not a value being traced)
            record(obj, constructor_function, kept_args, kept_kwargs)
        return obj

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        pass  # the compiled constructor ran __init__

    def __reduce__(self: Any) -> Any:
        state = {}
        for index, name in enumerate(info.field_names):
            try:
                state[name] = getattr(self, name)
            except AttributeError:
                pass  # never assigned
        return (_rebuild, (pyclass.__module__, pyclass.__qualname__, state))

    if "__eq__" in ns and "__ne__" not in ns:
        def __ne__(self: Any, other: Any) -> Any:
            equal = self.__eq__(other)
            return equal if equal is NotImplemented else not equal

        ns["__ne__"] = __ne__
    # (__pjx_constructor__: what `pyjitx build` compiles as the class's C constructor)
    # (the Python-level wrappers are user_facing: a CompileError that the
    # first construction finds reaches the caller without pyjitx's frames)
    ns.update(__new__=staticmethod(user_facing(__new__)), __init__=__init__, __reduce__=__reduce__, __pjx_blank__=blank,
              __pjx_constructor__=constructor)
    python_side(pyclass, ns)  # a frozen dataclass refuses assignments
    pytype = type(pyclass.__name__, (base,), ns)
    _ext.register_class(info.type.class_id, pytype)
    _COMPILED[pyclass] = pytype
    prepare_for_outer_dataclass(pyclass, pytype)
    if eager:
        for function in compiled:
            function.compile_annotated()
    return pytype


_RICH_COMPARISONS = ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__")


def _comparison(compiled: Any, method: Callable, info: ClassInfo) -> Callable:
    """A compiled comparison answers NotImplemented, as Python's would, for
    an operand its annotated parameter does not take (a compiled method
    would raise TypeError at the boundary)."""
    from .frontend.classes import class_type_of

    params = list(inspect.signature(method).parameters.values())
    other_type = None
    if len(params) == 2 and params[1].annotation is not inspect.Parameter.empty:
        other_type = info.method_arg_types(method)[1]

    def comparison(self: Any, other: Any) -> Any:
        actual = class_type_of(type(other)) if isinstance(other, _ext.Instance) else None
        if other_type is not None and actual is not None and hasattr(other_type, "class_id"):
            if not actual.is_subclass_of(other_type):
                return NotImplemented
        elif hasattr(other_type, "class_id"):
            return NotImplemented
        return compiled(self, other)

    from .api import user_facing

    comparison.__name__ = method.__name__
    comparison.__qualname__ = method.__qualname__
    return user_facing(comparison)


def _field_property(info: ClassInfo, index: int, name: str) -> property:
    """obj.name from Python: the field converted by its boundary descriptor
    (containers are converted copies, as at function boundaries)."""
    descriptor: List[str] = []

    def desc() -> str:
        if not descriptor:
            if not info.settled:
                from .frontend.session import CompileSession

                info.settle(CompileSession())
            descriptor.append(boundary_descriptor(info.field_types[name]))
        return descriptor[0]

    def get(self: Any) -> Any:
        return _ext.get_field(self, index, desc(), name)

    def set(self: Any, value: Any) -> None:
        _ext.set_field(self, index, desc(), name, value)

    from .api import user_facing

    return property(user_facing(get), user_facing(set),
                    doc=f"attribute {name} (compiled field {index})")


def _synthesised(name: str, source: str, scope: Dict[str, Any]) -> Callable:
    """A function from generated source that inspect (and so the compiler)
    can read back: the text is registered with linecache."""
    filename = f"<pyjitx-generated {name} {next(_serial)}>"
    lines = source.splitlines(True)
    linecache.cache[filename] = (len(source), None, lines, filename)
    exec(compile(source, filename, "exec", dont_inherit=True), scope)
    return scope[name]


def _module_scope(pyclass: type) -> Dict[str, Any]:
    module = inspect.getmodule(pyclass)
    return dict(vars(module)) if module is not None else {}


def _forwarder(pyclass: type, fname: str, qualname: str, method: Optional[Callable],
               callee: str, use_cache: bool, opt: int, compiled: List[Any]) -> Any:
    """A compiled `def <fname>(<method's parameters but the first>): return
    <callee>(<them>)`, where `callee` is an expression over __pjx_cls (the
    class): how Python calls code that compiled code must call."""
    from .api import CompiledFunction

    params = list(inspect.signature(method).parameters.values())[1:] if method is not None else []
    scope = _module_scope(pyclass)
    scope["__pjx_cls"] = pyclass
    pieces, names = [], []
    for i, p in enumerate(params):
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise CompileError(f"{qualname}: *args and **kwargs parameters are not supported")
        if p.kind == p.KEYWORD_ONLY and "*" not in pieces:
            pieces.append("*")  # (a dataclass's kw_only fields)
        text = p.name
        if p.annotation is not inspect.Parameter.empty:
            scope[f"__pjx_a{i}"] = p.annotation
            text += f": __pjx_a{i}"
        if p.default is not inspect.Parameter.empty:
            scope[f"__pjx_d{i}"] = p.default
            text += f" = __pjx_d{i}"
        pieces.append(text)
        names.append(f"{p.name}={p.name}")
    source = (f"def {fname}({', '.join(pieces)}):\n"
              f"    return {callee}({', '.join(names)})\n")
    fn = _synthesised(fname, source, scope)
    fn.__qualname__ = qualname
    function = CompiledFunction(fn, use_cache=use_cache, opt=opt)
    compiled.append(function)
    return function.dispatcher


def _constructor(pyclass: type, info: ClassInfo, use_cache: bool, opt: int,
                 compiled: List[Any]) -> Any:
    """A compiled `def <Name>__new(<__init__'s parameters>): return <Name>(...)`."""
    init, _ = info.find("__init__")
    return _forwarder(pyclass, f"{pyclass.__name__}__new", f"{pyclass.__qualname__}.__new__",
                      init, "__pjx_cls", use_cache, opt, compiled)


def _classmethods(pyclass: type) -> Dict[str, classmethod]:
    """The classmethods of a class, its bases' included (each class's Python
    type gets callers of its own: `cls` differs)."""
    found: Dict[str, Any] = {}
    for klass in pyclass.__mro__[:-1]:  # not object
        for name, member in klass.__dict__.items():
            found.setdefault(name, member)
    return {name: member for name, member in found.items() if isinstance(member, classmethod)}


def _classmethod_caller(pyclass: type, name: str, method: classmethod, use_cache: bool,
                        opt: int, compiled: List[Any]) -> Any:
    """`Compiled.name(...)` from Python: a compiled `return <Name>.name(...)`,
    so that `cls` is this class."""
    return _forwarder(pyclass, f"{pyclass.__name__}__{name}", f"{pyclass.__qualname__}.{name}",
                      method.__func__, f"__pjx_cls.{name}", use_cache, opt, compiled)


def _exit_method(pyclass: type, info: ClassInfo, use_cache: bool, opt: int,
                 compiled: List[Any]) -> Callable:
    """__exit__ for `with` in Python code.  This calls the compiled
    __exit__ with None for the three exception arguments, whatever Python
    passes (a Python exception does not become a compiled one here; compiled
    `with` passes it, frontend/contexts.py), and a true result still
    swallows the exception."""
    from .api import CompiledFunction

    fname = f"{pyclass.__name__}__exit"
    source = f"def {fname}(self):\n    return self.__exit__(None, None, None)\n"
    fn = _synthesised(fname, source, _module_scope(pyclass))
    fn.__qualname__ = f"{pyclass.__qualname__}.__exit__.<from Python>"
    function = CompiledFunction(fn, use_cache=use_cache, opt=opt, self_type=info.type)
    compiled.append(function)
    exit_with_nones = function.dispatcher

    def __exit__(self: Any, exc_type: Any, exc_value: Any, traceback: Any) -> Any:
        return exit_with_nones(self)

    __exit__.__qualname__ = f"{pyclass.__qualname__}.__exit__"
    from .api import user_facing

    return user_facing(__exit__)


def _blank_maker(pyclass: type, info: ClassInfo) -> Any:
    from .api import CompiledFunction

    scope = _module_scope(pyclass)
    scope.update(__pjx_cls=pyclass, __pjx_blank=blank_instance)
    fname = f"{pyclass.__name__}__blank"
    fn = _synthesised(fname, f"def {fname}():\n    return __pjx_blank(__pjx_cls)\n", scope)
    fn.__qualname__ = f"{pyclass.__qualname__}.__blank__"
    return CompiledFunction(fn, use_cache=False, opt=2).dispatcher


def _rebuild(module: str, qualname: str, state: Dict[str, Any]) -> Any:
    """Unpickling: the compiled class by name, a blank instance, its fields."""
    import importlib

    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    pyclass = original_class(obj)
    pytype = compile_class(pyclass) if pyclass is not None else None
    if pytype is None:
        raise TypeError(f"cannot unpickle {module}.{qualname}: not a compiled class")
    instance = pytype.__pjx_blank__()
    for name, value in state.items():
        setattr(instance, name, value)
    return instance
