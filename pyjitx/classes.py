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
from typing import Any, Callable, Dict, List, Optional

from . import _ext
from .backend.abi import boundary_descriptor
from .errors import CompileError
from .frontend.classes import (COMPILED_TYPES, ClassInfo, blank_instance, info_for,
                               original_class)
from .frontend.dataclasses_ import original_of
from .frontend.source import synthesised_function
from .pipeline.construction import record, snapshot
from .pydataclasses import (factory_constructor, make_dataclass_first,
                            prepare_for_outer_dataclass, python_side)

_COMPILED: Dict[type, type] = {}
_NOTHING = object()
_serial = itertools.count()


def python_type_for(pyclass: type) -> type:
    """The Python type of instances of `pyclass` that compiled code hands
    to Python, for a class compiled along (not decorated): compiled with it
    as a second base, so that isinstance(obj, Node) holds and Python-only
    methods of Node work on the instance (type(obj) is that compiled type,
    a subclass of Node)."""
    existing = _COMPILED.get(pyclass)
    if existing is not None:
        return existing
    return compile_class(pyclass, along=True)


def compile_class(cls: type, use_cache: bool = True, opt: int = 2, eager: bool = False,
                  along: bool = False) -> type:
    from .api import CompiledFunction, compiled_function_of, user_facing

    cls = make_dataclass_first(cls)  # (@dataclass written above @pyjitx.compile)
    pyclass = original_class(cls)
    if pyclass is None:
        raise TypeError(f"pyjitx.compile cannot compile the class {cls.__name__}")
    existing = _COMPILED.get(pyclass)
    if existing is not None:
        return existing
    info = info_for(pyclass)
    base = (compile_class(info.base.pyclass, use_cache, opt, along=along) if info.base
            else _ext.Instance)

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
        if index >= (len(info.base.field_names) if info.base else 0) and \
                not name.startswith("__pjx_set_"):  # (a late-field mask: not an attribute)
            ns[name] = _field_property(info, index, name)
    constructor = _constructor(pyclass, info, use_cache, opt, compiled)
    blank = _blank_maker(pyclass, info, use_cache)

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
        # what unpickling runs (a blank instance) compiled here, once: a
        # process that unpickles -- a spawned DataLoader worker -- then
        # loads it from the disk cache instead of compiling it again
        compiled_function_of(blank).compile_annotated()
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
    # (a class compiled along keeps the user's class as a base: isinstance;
    # for a dataclass, the user's class, not the twin compiled for it)
    user = original_of(pyclass)
    bases = (base, user) if along and user.__dict__.get("__pjx_class__") is None else (base,)
    # a frozen dataclass refuses assignments; one compiled along compares
    # with instances Python made of the user's class
    python_side(pyclass, ns, user if user in bases else None)
    # what pyjitx made for Python's side (methods' dispatchers, properties,
    # forwarders): compiled code reads the user's own definitions instead,
    # and other attributes of the type (set after the class statement)
    ns["__pjx_made__"] = frozenset(name for name, value in ns.items()
                                   if value is not pyclass.__dict__.get(name, _NOTHING))
    try:
        pytype = type(pyclass.__name__, bases, ns)
    except TypeError:
        if len(bases) == 1:
            raise
        # (a user's class with __slots__ lays out its instances as the
        # runtime's cannot: not a base, and isinstance against it is False)
        pytype = type(pyclass.__name__, (base,), ns)
    _ext.register_class(info.type.class_id, pytype)
    _COMPILED[pyclass] = pytype
    COMPILED_TYPES[pyclass] = pytype
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
    annotated = len(params) == 2 and params[1].annotation is not inspect.Parameter.empty
    found: List[Any] = []  # (read at the first comparison: it may name a later class)

    def comparison(self: Any, other: Any) -> Any:
        if not found:
            found.append(info.method_arg_types(method)[1] if annotated else None)
        other_type = found[0]
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

    late = info.late_bits.get(name)  # (first assigned outside __init__: a mask bit)
    mask_index = info.field_index(late[0]) if late else None

    def get(self: Any) -> Any:
        if late is not None and not _ext.get_field(self, mask_index, "i", late[0]) >> late[1] & 1:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        return _ext.get_field(self, index, desc(), name)

    def set(self: Any, value: Any) -> None:
        _ext.set_field(self, index, desc(), name, value)
        if late is not None:
            mask = _ext.get_field(self, mask_index, "i", late[0])
            _ext.set_field(self, mask_index, "i", late[0], mask | 1 << late[1])

    from .api import user_facing

    return property(user_facing(get), user_facing(set),
                    doc=f"attribute {name} (compiled field {index})")


def _module_scope(pyclass: type) -> Dict[str, Any]:
    module = inspect.getmodule(pyclass)
    return dict(vars(module)) if module is not None else {}


def _forwarder(pyclass: type, fname: str, qualname: str, method: Optional[Callable],
               callee: str, use_cache: bool, opt: int, compiled: List[Any],
               display_name: str) -> Any:
    """A compiled `def <fname>(<method's parameters but the first>): return
    <callee>(<them>)`, where `callee` is an expression over __pjx_cls (the
    class): how Python calls code that compiled code must call."""
    from .api import CompiledFunction

    params = list(inspect.signature(method).parameters.values())[1:] if method is not None else []
    scope = _module_scope(pyclass)
    scope["__pjx_cls"] = pyclass
    pieces, names = [], []
    for i, p in enumerate(params):
        # every kind of parameter, passed on as it came (positional-only by
        # position, *args and **kwargs unpacked)
        if p.kind == p.KEYWORD_ONLY and not any(
                q.kind in (q.VAR_POSITIONAL, q.KEYWORD_ONLY) for q in params[:i]):
            pieces.append("*")
        if i and p.kind != p.POSITIONAL_ONLY and params[i - 1].kind == p.POSITIONAL_ONLY:
            pieces.append("/")
        text = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "") + p.name
        if p.annotation is not inspect.Parameter.empty:
            scope[f"__pjx_a{i}"] = p.annotation
            text += f": __pjx_a{i}"
        if p.default is not inspect.Parameter.empty:
            scope[f"__pjx_d{i}"] = p.default
            text += f" = __pjx_d{i}"
        pieces.append(text)
        names.append({p.POSITIONAL_ONLY: p.name, p.VAR_POSITIONAL: f"*{p.name}",
                      p.VAR_KEYWORD: f"**{p.name}"}.get(p.kind, f"{p.name}={p.name}"))
    if params and params[-1].kind == params[-1].POSITIONAL_ONLY:
        pieces.append("/")
    source = (f"def {fname}({', '.join(pieces)}):\n"
              f"    return {callee}({', '.join(names)})\n")
    fn = synthesised_function(fname, source, scope)
    fn.__qualname__ = qualname
    if method is not None:  # (its annotations may name classes defined later)
        fn.__pjx_annotation_scope__ = method.__globals__
    function = CompiledFunction(fn, use_cache=use_cache, opt=opt)
    # messages name what the caller called: `C() argument 'x' must be int`,
    # and CPython's `C.__init__() missing 1 required positional argument`,
    # counting the `self` or `cls` the forwarder does not take
    function.display_name = display_name
    function.binder = _binder(method, pyclass)
    compiled.append(function)
    return function.dispatcher


def _binder(method: Optional[Callable], pyclass: type) -> Callable[..., Dict[str, Any]]:
    """Binds a call of a forwarder as CPython binds one of `method` (its
    first parameter, `self` or `cls`, given a placeholder: CPython counts
    it in its messages), or of a class without __init__ (object's, which
    takes nothing)."""
    from .frontend.signatures import Spec

    if method is None:
        def no_arguments(*args: Any, **kwargs: Any) -> Dict[str, Any]:
            if args or kwargs:
                raise TypeError(f"{pyclass.__qualname__}() takes no arguments")
            return {}

        return no_arguments
    stub = Spec.of_function(method).stub

    def bind(*args: Any, **kwargs: Any) -> Dict[str, Any]:
        bound = stub(None, *args, **kwargs)
        del bound[next(iter(bound))]  # the placeholder for self or cls
        return bound

    return bind


def _constructor(pyclass: type, info: ClassInfo, use_cache: bool, opt: int,
                 compiled: List[Any]) -> Any:
    """A compiled `def <Name>__new(<__init__'s parameters>): return <Name>(...)`."""
    init, _ = info.find("__init__")
    return _forwarder(pyclass, f"{pyclass.__name__}__new", f"{pyclass.__qualname__}.__new__",
                      init, "__pjx_cls", use_cache, opt, compiled, pyclass.__name__)


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
                      method.__func__, f"__pjx_cls.{name}", use_cache, opt, compiled,
                      f"{pyclass.__name__}.{name}")


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
    fn = synthesised_function(fname, source, _module_scope(pyclass))
    fn.__qualname__ = f"{pyclass.__qualname__}.__exit__.<from Python>"
    function = CompiledFunction(fn, use_cache=use_cache, opt=opt, self_type=info.type)
    compiled.append(function)
    exit_with_nones = function.dispatcher

    def __exit__(self: Any, exc_type: Any, exc_value: Any, traceback: Any) -> Any:
        return exit_with_nones(self)

    __exit__.__qualname__ = f"{pyclass.__qualname__}.__exit__"
    from .api import user_facing

    return user_facing(__exit__)


def _blank_maker(pyclass: type, info: ClassInfo, use_cache: bool) -> Any:
    from .api import CompiledFunction

    scope = _module_scope(pyclass)
    scope.update(__pjx_cls=pyclass, __pjx_blank=blank_instance)
    fname = f"{pyclass.__name__}__blank"
    fn = synthesised_function(fname, f"def {fname}():\n    return __pjx_blank(__pjx_cls)\n", scope)
    fn.__qualname__ = f"{pyclass.__qualname__}.__blank__"
    return CompiledFunction(fn, use_cache=use_cache, opt=2).dispatcher


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
