"""The Python side of a compiled dataclass (pyjitx.classes.compile_class
calls these two hooks; pyjitx.frontend.dataclasses_ compiles the class).

- Constructing from Python: a field with a default_factory gets a new
  value from its factory whenever its argument is left out.  The factory
  is called by compiled code (it may be a compiled class), so each set of
  factory arguments left out has a compiled constructor of its own that
  does not take them: the compiled __init__ then calls their factories.
- A frozen dataclass refuses assignments and deletions from Python with
  FrozenInstanceError, as CPython's __setattr__/__delattr__ do, and
  unpickles (copies) through the fields' own setters.
- A dataclass compiled along (no pyjitx.compile of its own) hands its
  instances to Python as a compiled subclass of the user's class: they
  compare (==, ordering) with the instances Python makes of the class
  itself as two instances of the class do in CPython.

The type also keeps __dataclass_fields__ and __dataclass_params__, so
dataclasses.fields(), replace(), asdict() and astuple() work on compiled
instances from Python."""
from __future__ import annotations

import dataclasses
import inspect
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Tuple

from .frontend.dataclasses_ import Factory, _generated, original_of


def _is_compiled_dataclass(pyclass: type) -> bool:
    return "__pjx_dataclass__" in pyclass.__dict__


def factory_constructor(pyclass: type, constructor: Callable, use_cache: bool, opt: int,
                        compiled: List[Any]) -> Callable:
    """What constructs an instance from Python: `constructor` itself, or for
    a dataclass with factories, a chooser of the constructor that leaves
    out the factory arguments the call leaves out."""
    if not _is_compiled_dataclass(pyclass):
        return constructor
    init = pyclass.__dict__.get("__init__")
    if original_of(pyclass).__dict__.get("__pjx_outer_dataclass__"):
        inner = _factory_constructor(pyclass, constructor, use_cache, opt, compiled, init)

        def construct_after_outer(*args: Any, **kwargs: Any) -> Any:
            obj = inner(*args, **kwargs)
            restore_after_outer_dataclass(type(obj))
            return obj

        return construct_after_outer
    return _factory_constructor(pyclass, constructor, use_cache, opt, compiled, init)


def _factory_constructor(pyclass: type, constructor: Callable, use_cache: bool, opt: int,
                         compiled: List[Any], init: Any) -> Callable:
    if init is None:
        return constructor
    from .frontend.signatures import DEFAULT, Spec

    params = list(inspect.signature(init).parameters.values())[1:]
    factories = [p.name for p in params if isinstance(p.default, Factory)]
    if not factories:
        return constructor
    # (bound as CPython binds a call of __init__: its TypeErrors, counting self)
    stub = Spec.of_function(init).stub
    made: Dict[FrozenSet[str], Callable] = {frozenset(): constructor}

    def construct(*args: Any, **kwargs: Any) -> Any:
        bound = stub(None, *args, **kwargs)
        left_out = frozenset(n for n in factories if bound[n] is DEFAULT)
        chosen = made.get(left_out)
        if chosen is None:
            chosen = made[left_out] = _forwarder_without(pyclass, params, left_out, use_cache,
                                                         opt, compiled)
        return chosen(*args, **kwargs)

    return construct


def _forwarder_without(pyclass: type, params: List[inspect.Parameter], left_out: FrozenSet[str],
                       use_cache: bool, opt: int, compiled: List[Any]) -> Callable:
    """A compiled `def <Name>__new(<the parameters but left_out>): return
    <Name>(<them>)`: the class's compiled __init__ calls the left-out
    fields' factories."""
    from .api import CompiledFunction
    from .classes import _module_scope
    from .frontend.source import synthesised_function

    scope = _module_scope(pyclass)
    scope["__pjx_cls"] = pyclass
    pieces, names, starred = [], [], False
    for i, p in enumerate(params):
        if p.name in left_out:
            continue
        if p.kind == p.KEYWORD_ONLY and not starred:
            pieces.append("*")
            starred = True
        text = p.name
        if p.annotation is not inspect.Parameter.empty:
            scope[f"__pjx_a{i}"] = p.annotation
            text += f": __pjx_a{i}"
        if p.default is not inspect.Parameter.empty:
            scope[f"__pjx_d{i}"] = p.default
            text += f" = __pjx_d{i}"
        pieces.append(text)
        names.append(f"{p.name}={p.name}")
    fname = f"{pyclass.__name__}__new_{len(compiled)}"
    source = (f"def {fname}({', '.join(pieces)}):\n"
              f"    return __pjx_cls({', '.join(names)})\n")
    fn = synthesised_function(fname, source, scope)
    fn.__qualname__ = f"{pyclass.__qualname__}.__new__"
    function = CompiledFunction(fn, use_cache=use_cache, opt=opt)
    function.display_name = pyclass.__name__  # (its messages name the class, as the constructor's)
    compiled.append(function)
    return function.dispatcher


def python_side(pyclass: type, ns: Dict[str, Any], user_base: Optional[type] = None) -> None:
    """A frozen dataclass's assignments and deletions raise from Python
    too; a dataclass compiled along (`user_base`, the user's class, is a
    base of its type) compares with the instances Python makes."""
    if not _is_compiled_dataclass(pyclass):
        return
    if user_base is not None:
        _compare_with_python_made(user_base, ns)
    params = pyclass.__dict__["__dataclass_params__"]
    if not params.frozen:
        return
    error = dataclasses.FrozenInstanceError

    def __setattr__(self: Any, name: str, value: Any) -> None:
        raise error(f"cannot assign to field {name!r}")

    def __delattr__(self: Any, name: str) -> None:
        raise error(f"cannot delete field {name!r}")

    reduce: Optional[Callable] = ns.get("__reduce__")

    def __reduce__(self: Any) -> Any:
        _, (module, qualname, state) = reduce(self)  # type: ignore[misc]
        return (_rebuild_frozen, (module, qualname, state))

    ns.update(__setattr__=__setattr__, __delattr__=__delattr__)
    if reduce is not None:
        ns["__reduce__"] = __reduce__


_COMPARISONS = ("__eq__", "__lt__", "__le__", "__gt__", "__ge__")


def _compare_with_python_made(user: type, ns: Dict[str, Any]) -> None:
    """Instances of a dataclass that compiled code hands to Python are of a
    compiled subclass of the user's class, while Python's own are of the
    class itself.  CPython's generated comparisons take only an operand of
    exactly self's class, so `made_by_compiled == Rec(...)` would be False
    (and ordering a TypeError) where CPython compares the fields.  With a
    Python-made operand of self's class the comparison is the class's
    generated method itself, run on a plain instance of the class holding
    self's fields: whatever the running Python compares (tuples, fields one
    by one).  The hash is the generated one too, from Python: compiled
    code hashes strings otherwise than CPython, and an instance must find
    its equal in a dict or set that Python made."""
    for name in _COMPARISONS:
        compiled = ns.get(name)
        if compiled is not None and _generated(user.__dict__.get(name)):
            ns[name] = _python_made_comparison(name, compiled)
    if ns.get("__hash__") is not None and _generated(user.__dict__.get("__hash__")):
        def __hash__(self: Any) -> int:
            own, view = _as_users_class(self)
            return own.__hash__(view)

        ns["__hash__"] = __hash__


def _python_made_comparison(name: str, compiled: Callable) -> Callable:
    def comparison(self: Any, other: Any) -> Any:
        own = original_of(type(self).__pjx_class__)  # (a subclass's, when inherited)
        if type(other) is not own:  # (compiled instances: the compiled method)
            return compiled(self, other)
        return getattr(own, name)(_as_users_class(self)[1], other)

    comparison.__name__ = name
    return comparison


def _as_users_class(obj: Any) -> Tuple[type, Any]:
    """(the user's dataclass of an instance of its compiled type, a plain
    instance of that class holding obj's fields)."""
    own = original_of(type(obj).__pjx_class__)
    view = object.__new__(own)
    for f in dataclasses.fields(own):
        try:
            object.__setattr__(view, f.name, getattr(obj, f.name))
        except AttributeError:
            pass  # (never assigned: the generated method raises as CPython's)
    return own, view


def _rebuild_frozen(module: str, qualname: str, state: Dict[str, Any]) -> Any:
    """Unpickling a frozen dataclass: its fields set through their own
    setters (its __setattr__ refuses)."""
    from .classes import _rebuild

    instance = _rebuild(module, qualname, {})
    for name, value in state.items():
        object.__setattr__(instance, name, value)
    return instance


# ------------------------------------------------ @dataclass above @pyjitx.compile


def _decorator_name(node: Any) -> str:
    import ast

    target = node.func if isinstance(node, ast.Call) else node
    return target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")


def dataclass_applied_later(cls: type) -> Optional[Dict[str, Any]]:
    """The arguments of a @dataclass written above @pyjitx.compile on the
    definition of cls (which that decorator is compiling now, before the
    dataclass exists), or None."""
    import ast
    import textwrap

    if "__dataclass_fields__" in cls.__dict__ or "__annotations__" not in cls.__dict__ or \
            "__init__" in cls.__dict__ or "__pjx_class__" in cls.__dict__:
        return None  # (no fields to make, or a class of its own: no source to read)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError, SyntaxError):
        return None
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.ClassDef) or node.name != cls.__name__:
        return None
    names = [_decorator_name(d) for d in node.decorator_list]  # (outermost first)
    if "compile" not in names or "dataclass" not in names[:names.index("compile")]:
        return None
    decorator = node.decorator_list[names.index("dataclass")]
    arguments: Dict[str, Any] = {}
    if isinstance(decorator, ast.Call):
        from .errors import CompileError

        for keyword in decorator.keywords:
            try:
                arguments[keyword.arg] = ast.literal_eval(keyword.value)  # type: ignore[index]
            except ValueError:
                raise CompileError(f"class {cls.__qualname__}: @dataclass above @pyjitx.compile "
                                   "takes constant arguments here",
                                   hint="write the arguments as literals, or put @pyjitx.compile "
                                        "above @dataclass") from None
    return arguments


def make_dataclass_first(cls: type) -> type:
    """@dataclass written above @pyjitx.compile: the class is made a
    dataclass now, so that the compiled class has its methods (the
    @dataclass above then finds a dataclass-like type: see
    prepare_for_outer_dataclass)."""
    arguments = dataclass_applied_later(cls)
    if arguments is None:
        return cls
    made = dataclasses.dataclass(**arguments)(cls)
    made.__pjx_outer_dataclass__ = True
    return made


_OUTER_HANDLED: Dict[type, Any] = {}


def prepare_for_outer_dataclass(pyclass: type, pytype: type) -> None:
    """The compiled type that @dataclass (written above @pyjitx.compile)
    will process next: it finds the fields' annotations, and no ordering or
    frozen __setattr__ of ours (it would refuse to overwrite them; the ones
    it writes compare and refuse through the fields' properties, as ours
    do).  What it sets in place of our fields and parameters is put back at
    the first construction (restore_after_outer_dataclass)."""
    original = original_of(pyclass)
    if not original.__dict__.get("__pjx_outer_dataclass__"):
        return
    for name in ("__lt__", "__le__", "__gt__", "__ge__", "__setattr__", "__delattr__"):
        if name in pytype.__dict__:
            delattr(pytype, name)
    pytype.__annotations__ = dict(pyclass.__dict__.get("__annotations__", {}))
    _OUTER_HANDLED[pytype] = (pyclass.__dict__["__dataclass_fields__"],
                              pyclass.__dict__["__dataclass_params__"])


def restore_after_outer_dataclass(pytype: type) -> None:
    saved = _OUTER_HANDLED.pop(pytype, None)
    if saved is not None:
        pytype.__dataclass_fields__, pytype.__dataclass_params__ = saved
