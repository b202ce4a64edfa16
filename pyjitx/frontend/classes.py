"""Compiled user classes in the frontend: what a class looks like to the
compiler (ClassInfo: its fields and their types, its virtual methods) and
the IR for using one -- construction, attribute reads and writes, method
calls (virtual through a base-typed reference), `super()`, `isinstance`.

A class's fields are fixed: those annotated in the class body and those
that `__init__` assigns to `self.<name>`, a base's fields first.  A field's
type is its annotation, else the type of the values `__init__` assigns
(found by building `__init__`, once per class).  Methods take annotated
parameters (they fill vtable slots whose signature must not depend on a
call site); their return types are inferred.
"""
from __future__ import annotations

import ast
import inspect
import io
import zlib
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ..errors import CompileError
from ..ir import cpython, ops
from ..ir.types import (BOOL, INT, NONE, NONE_SO_FAR, STR, ClassType, OptionalType, Type, has_unknown, is_any,
                        assignable, holds_functions, unify, with_article)

if TYPE_CHECKING:
    from .builder import FunctionBuilder
    from .session import CompileSession


def blank_instance(cls: type) -> Any:
    """Inside compiled code, `blank_instance(C)` is a new instance of C with
    only its class-level defaults set and no __init__ run (what unpickling
    starts from).  Not callable from Python."""
    raise TypeError("blank_instance() is only meaningful inside compiled code")


def class_id(pyclass: type) -> int:
    """Stable across processes (compiled code and caches may outlive one):
    derived from the qualified name, as user exception kinds are."""
    return class_id_for(pyclass.__module__, pyclass.__qualname__)


def class_id_for(module: str, qualname: str) -> int:
    return zlib.crc32(f"{module}.{qualname}".encode()) | (1 << 32)


# user class -> the Python type pyjitx.compile made of it (pyjitx/classes.py
# registers each): attributes assigned to that type after the class
# statement (`Strength.REQUIRED = Strength(0)`) live in its __dict__
COMPILED_TYPES: Dict[type, type] = {}


def class_attribute(pyclass: type, name: str) -> Optional[Tuple[type, Any]]:
    """(the class whose dictionary holds it, the value) of class attribute
    `name` of a user class, looking in the compiled type of each class of
    the MRO before the class itself; None if no class has it."""
    for klass in pyclass.__mro__:
        compiled = COMPILED_TYPES.get(klass)
        if compiled is not None and name in compiled.__dict__ and \
                name not in compiled.__dict__.get("__pjx_made__", ()):
            return compiled, compiled.__dict__[name]
        if name in klass.__dict__:
            return klass, klass.__dict__[name]
    return None


# modules whose classes compiled code uses through stand-ins (Counter, deque,
# itertools' iterators, functools.partial, json's errors), never compiles
_STANDARD_MODULES = frozenset({"collections", "_collections", "itertools", "functools",
                               "json", "json.decoder", "json.encoder"})


# io's file classes: a file object made in Python never enters compiled code
# (compiled code opens its own, pyjitx/fileio.py), so they are no classes here
_FILE_CLASSES = frozenset({io.TextIOWrapper, io.BufferedReader, io.BufferedWriter,
                           io.BufferedRandom, io.FileIO, io.IOBase, io.TextIOBase,
                           io.BufferedIOBase, io.RawIOBase})


def original_class(obj: Any) -> Optional[type]:
    """The user class behind `obj` (a class, or the Python type that
    pyjitx.compile made of one), or None if obj is no compilable class."""
    if not isinstance(obj, type):
        return None
    if obj in _FILE_CLASSES:  # (Python's file objects do not cross: pyjitx/fileio.py)
        return None
    if obj is io.StringIO:  # stood in for by a class written in the subset
        from ..stringio import StringIO

        obj = StringIO
    from .stdlib import stand_in

    obj = stand_in(obj)  # random.Random
    original = obj.__dict__.get("__pjx_class__")
    if original is not None:
        return original
    if obj.__module__ in ("builtins", "typing", "typing_extensions") or issubclass(obj, BaseException):
        return None
    if obj.__module__ in _STANDARD_MODULES:  # (stood in for: frontend/stdlib_*.py)
        return None
    if getattr(obj, "__pjx_instance_base__", False):
        return None
    from .stdclasses import compiled_class_of  # (dataclasses, enums, named tuples)

    return compiled_class_of(obj)


def class_type_of(obj: Any) -> Optional[ClassType]:
    pyclass = original_class(obj)
    return info_for(pyclass).type if pyclass is not None else None


def class_type_of_instance(value: Any) -> Optional[ClassType]:
    """The IR type of a compiled class's instance passed from Python."""
    from .. import _ext

    if not isinstance(value, _ext.Instance):
        return None
    return class_type_of(type(value))


def _is_marker_base(base: type) -> bool:
    """A base that only marks a class (abc.ABC, typing.Generic[...],
    typing.Protocol): nothing of it is compiled."""
    import abc
    import typing

    return base is abc.ABC or base is typing.Generic or getattr(base, "_is_protocol", False) or \
        (base.__module__ == "typing" and base.__name__ in ("Generic", "Protocol"))


class ClassInfo:
    """What the compiler knows of one user class."""

    def __init__(self, pyclass: type) -> None:
        self.pyclass = pyclass
        # (abc.ABC and typing's Generic/Protocol add no fields or methods)
        bases = [b for b in pyclass.__bases__ if b is not object and not _is_marker_base(b)]
        if len(bases) > 1:
            raise error(pyclass, f"class {pyclass.__qualname__}: multiple inheritance is not "
                        "supported", hint="derive from one compiled class")
        self.base: Optional[ClassInfo] = None
        if bases:
            base = original_class(bases[0])
            if base is None:
                raise error(pyclass, f"class {pyclass.__qualname__}: its base "
                            f"{bases[0].__name__} cannot be compiled",
                            hint="a compiled class derives from another compiled class, or from "
                                 "none")
            self.base = info_for(base)
        self.type = ClassType(pyclass.__qualname__, class_id(pyclass),
                              self.base.type if self.base else None)
        self.module_name = pyclass.__module__
        self.settled = False
        self.settling = False
        # (info_for registers the class before collecting its fields, so
        # that an annotation may name the class itself -- `self.children:
        # List[Node]`, `next: Optional[Node]` -- or a class naming it back)
        self.collected = False
        self.waiting: List[ClassInfo] = []  # subclasses whose fields wait for ours

    def collect(self) -> None:
        """The fields (a base's first, then this class's, in order of
        appearance) and the virtual methods.  A subclass met while its
        base's annotations are read waits until the base is done."""
        if self.base is not None and not self.base.collected:
            self.base.waiting.append(self)
            return
        pyclass = self.pyclass
        # fields: the base's first, then this class's, in order of appearance
        self.field_names: List[str] = list(self.base.field_names) if self.base else []
        self.field_types: Dict[str, Type] = dict(self.base.field_types) if self.base else {}
        self.defaults: Dict[str, Any] = dict(self.base.defaults) if self.base else {}
        # annotations are read when the class is first compiled for (settle):
        # they may name classes defined after this one
        self.pending_annotations: List[Tuple[str, Any, Any]] = []
        own_annotations = self.pyclass.__dict__.get("__annotations__", {})
        for name, annotation in own_annotations.items():
            if "ClassVar" in str(annotation):
                continue
            self._add_field(name, None)
            self.pending_annotations.append((name, annotation, None))
            if name in pyclass.__dict__ and not inspect.ismemberdescriptor(pyclass.__dict__[name]):
                self.defaults[name] = pyclass.__dict__[name]
        for name in slot_names(pyclass):  # __slots__ name the fields (typed below)
            self._add_field(name, None)
        init = pyclass.__dict__.get("__init__")
        self.assigned_in_init: List[str] = []
        if inspect.isfunction(init):
            for name, annotation in _self_assignments(init):
                self._add_field(name, None)
                if annotation is not None:
                    self.pending_annotations.append((name, annotation, init))
                self.assigned_in_init.append(name)
        self._collect_late_fields()
        # virtual methods: the base's slots first (an override keeps its slot)
        self.vtable: List[str] = list(self.base.vtable) if self.base else []
        for name, member in pyclass.__dict__.items():
            # (generator methods are expanded at their loops, never called)
            if inspect.isfunction(member) and name != "__init__" and name not in self.vtable \
                    and not inspect.isgeneratorfunction(member):
                self.vtable.append(name)
        self.collected = True
        waiting, self.waiting = self.waiting, []
        for sub in waiting:
            try:
                sub.collect()
            except BaseException:
                _forget(sub)
                raise

    # ---- fields

    def _collect_late_fields(self) -> None:
        """Attributes first assigned in another method than __init__
        (`def setup(self): self.ready = True`).  Python has none until that
        method runs, and reading one before is AttributeError: such a field
        has a bit in a hidden mask field of its class, set by every
        assignment and tested by every read (get_attribute)."""
        # name -> (mask field, bit): the late fields of this class and its bases
        self.late_bits: Dict[str, Tuple[str, int]] = dict(self.base.late_bits) if self.base else {}
        self.late_setters: Dict[str, Any] = {}
        own: List[str] = []
        for member in self.pyclass.__dict__.values():
            if not inspect.isfunction(member) or member.__name__ == "__init__":
                continue
            for name, annotation in _self_assignments(member):
                if name in self.field_names or name in own:
                    continue
                own.append(name)
                self.late_setters[name] = member
                if annotation is not None:
                    self.pending_annotations.append((name, annotation, member))
        if not own:
            return
        if len(own) > 63:
            raise error(self.pyclass, f"class {self.pyclass.__qualname__}: more than 63 "
                        "attributes are first assigned outside __init__",
                        hint="assign them in __init__ (None or a default first)")
        mask = f"__pjx_set_{self.pyclass.__name__}"
        self._add_field(mask, INT)
        for bit, name in enumerate(own):
            self._add_field(name, None)
            self.late_bits[name] = (mask, bit)

    def _annotation_type(self, annotation: Any, what: str, where: Any = None) -> Type:
        from .annotations import SUPPORTED_TYPES_HINT, type_from_annotation

        scope = getattr(where, "__globals__", None) or vars(inspect.getmodule(self.pyclass) or object)
        t = type_from_annotation(annotation, scope)
        if t is None:
            raise error(self.pyclass, f"class {self.pyclass.__qualname__}: unsupported annotation "
                        f"{annotation!r} of {what}", hint=SUPPORTED_TYPES_HINT, method=where,
                        name=what.split("'")[1] if "'" in what else None)
        return t

    def _add_field(self, name: str, declared: Optional[Type]) -> None:
        if name not in self.field_names:
            self.field_names.append(name)
        if declared is not None:
            known = self.field_types.get(name)
            if known is not None and known != declared:
                raise error(self.pyclass, f"class {self.pyclass.__qualname__}: attribute "
                            f"'{name}' is declared both {known} and {declared}",
                            method=self.pyclass.__dict__.get("__init__"), name=name,
                            hint="an attribute keeps one type: annotate it once")
            self.field_types[name] = declared

    def find_owner(self, name: str) -> type:
        """The class of this one's chain whose body defines `name` (this
        class if none does)."""
        for klass in self.pyclass.__mro__:
            if name in klass.__dict__:
                return klass
        return self.pyclass

    def field_index(self, name: str) -> Optional[int]:
        return self.field_names.index(name) if name in self.field_names else None

    def read_annotations(self) -> None:
        """The declared types of the annotated fields (once)."""
        if self.base is not None:
            self.base.read_annotations()
            for name, t in self.base.field_types.items():
                self.field_types.setdefault(name, t)
        pending, self.pending_annotations = self.pending_annotations, []
        for name, annotation, where in pending:
            self._add_field(name, self._annotation_type(annotation, f"attribute '{name}'", where))

    def settle(self, session: "CompileSession") -> None:
        """Learns the types of unannotated fields by building __init__."""
        if self.settled or self.settling:
            return
        self.read_annotations()
        if self.base is not None:
            self.base.settle(session)
            for name in self.base.field_names:  # learned while settling the base
                self.field_types[name] = self.base.field_types[name]
        init = self.pyclass.__dict__.get("__init__")
        if all(n in self.field_types for n in self.field_names):
            self._check_settled()
            return
        if not inspect.isfunction(init):  # (only attributes assigned elsewhere to learn)
            init = None
        self.settling = True
        try:
            if init is not None:
                session.function_for(init, self.method_arg_types(init))
            # attributes first assigned elsewhere: typed by building their methods
            for name, method in self.late_setters.items():
                if self.field_types.get(name) is None:
                    session.function_for(method, self.method_arg_types(method))
        finally:
            self.settling = False
        self._check_settled()

    def _check_settled(self) -> None:
        for name in self.field_names:
            t = self.field_types.get(name)
            if t is None or has_unknown(t):
                init = self.pyclass.__dict__.get("__init__")
                raise error(
                    self.pyclass, f"class {self.pyclass.__qualname__}: cannot tell the type of "
                    f"attribute '{name}'", hint=annotation_example(name, t),
                    method=init if inspect.isfunction(init) else None, name=name)
        self.settled = True

    def learn_field(self, name: str, t: Type) -> Optional[Type]:
        """While building __init__: the type of a value assigned to an
        unannotated field.  Returns the field's type, raising Retry (from
        the session) when it widened."""
        from .session import Retry

        known = self.field_types.get(name)
        if known is None:
            self.field_types[name] = t
            return t
        wider = unify(known, t)
        if wider is not None and wider != known:
            self.field_types[name] = wider
            raise Retry()
        return wider

    def layout(self) -> ops.ClassLayout:
        return ops.ClassLayout(self.type, self.module_name, self.field_names,
                               [self.field_types[n] for n in self.field_names])

    # ---- methods

    def find(self, name: str) -> Tuple[Optional[Any], Optional["ClassInfo"]]:
        """The class attribute `name` as defined in the nearest class of the
        MRO, and the ClassInfo of that class."""
        info: Optional[ClassInfo] = self
        while info is not None:
            if name in info.pyclass.__dict__:
                return info.pyclass.__dict__[name], info
            info = info.base
        return None, None

    def method_arg_types(self, method: Any, self_type: Optional[Type] = None,
                         skip_self: bool = True) -> Tuple[Type, ...]:
        """(self, annotated parameters...) of a method.  __exit__'s exception
        parameters have their own types (contexts.exit_exception_params)."""
        from .contexts import exit_exception_params

        params = list(inspect.signature(method).parameters.values())
        types: List[Type] = [self_type or self.type] if skip_self else []
        given = exit_exception_params(method) if method.__name__ == "__exit__" else {}
        from .signatures import varargs_type

        for p in params[1:] if skip_self else params:
            if p.name in given:
                types.append(given[p.name])
                continue
            if p.annotation is inspect.Parameter.empty:
                raise error(self.pyclass, f"{method.__qualname__}: parameter '{p.name}' needs an "
                            "annotation", method=method, name=p.name,
                            hint="methods of compiled classes take annotated parameters (a "
                                 "method is compiled once, for every caller); annotate it Any "
                                 "to take values of several types")
            # (*args: T is a Tuple[T, ...], **kwargs: T a Dict[str, T])
            types.append(varargs_type(p, self._annotation_type(p.annotation,
                                                               f"parameter '{p.name}'", method)))
        return tuple(types)


def slot_names(pyclass: type) -> List[str]:
    """The instance attributes a class's own __slots__ declares (a str or
    an iterable of str; __dict__ and __weakref__ are no attributes).  A
    compiled instance has a fixed layout anyway: the slots are its fields,
    typed by an annotation or by what __init__ assigns."""
    slots = pyclass.__dict__.get("__slots__", ())
    # (Python made the class: __slots__ is a str or an iterable of str)
    names = [slots] if isinstance(slots, str) else list(slots)
    return [n for n in names if isinstance(n, str) and n not in ("__dict__", "__weakref__")]


def error(pyclass: type, message: str, hint: str = "", method: Any = None,
          name: Optional[str] = None) -> CompileError:
    """A CompileError about a class, located at `name` (a parameter, or an
    attribute that `method` assigns) in `method` when given and found, else
    at the class's `class` line, else nowhere."""
    from ..errors import SourceLocation
    from .source import parse_function

    if method is not None and inspect.isfunction(method):
        try:
            parsed = parse_function(method)
        except CompileError:
            parsed = None
        if parsed is not None:
            node: Optional[ast.AST] = None
            for sub in ast.walk(parsed.node):
                if name is None:
                    break
                if isinstance(sub, ast.arg) and sub.arg == name:
                    node = sub
                    break
                if isinstance(sub, ast.Attribute) and sub.attr == name and \
                        isinstance(sub.ctx, ast.Store):
                    node = sub
                    break
            if node is not None or name is None:
                return parsed.source_map.error(node or parsed.node, message, hint)
    try:
        lines, first = inspect.getsourcelines(pyclass)
        filename = inspect.getsourcefile(pyclass) or "?"
        offset = next(i for i, text in enumerate(lines) if text.lstrip().startswith("class "))
    except (OSError, TypeError, StopIteration):
        return CompileError(message, None, hint)
    text = lines[offset]
    col = len(text) - len(text.lstrip())
    return CompileError(message, SourceLocation(filename, first + offset, col, col + 5, text), hint)


def annotation_example(name: str, t: Optional[Type]) -> str:
    """How to annotate an attribute whose type is (partly) unknown: an
    example of its shape (List[?] -> List[int] = [])."""
    from ..ir.types import DictType, ListType, SetType

    if t is None:
        return (f"annotate it with the type it holds, e.g. `{name}: int` in the class body or "
                f"`self.{name}: int = 0` in __init__")
    shown = str(t).replace("?", "int")
    value = ("[]" if isinstance(t, ListType) else "{}" if isinstance(t, DictType)
             else "set()" if isinstance(t, SetType) else "...")
    return (f"annotate it, e.g. `{name}: {shown}` in the class body or "
            f"`self.{name}: {shown} = {value}` in __init__")


_INFOS: Dict[type, ClassInfo] = {}


def info_for(pyclass: type) -> ClassInfo:
    info = _INFOS.get(pyclass)
    if info is None:
        info = ClassInfo(pyclass)
        _INFOS[pyclass] = info
        try:
            info.collect()
        except BaseException:
            _forget(info)
            raise
    return info


def _forget(info: ClassInfo) -> None:
    """A class whose fields could not be collected, and the subclasses
    waiting for it: met again, they are read again (and fail again)."""
    _INFOS.pop(info.pyclass, None)
    for sub in info.waiting:
        _forget(sub)
    info.waiting = []


def known_classes() -> List[ClassInfo]:
    """Every class the compiler has met in this process."""
    return list(_INFOS.values())


def info_of_type(t: ClassType) -> ClassInfo:
    for info in _INFOS.values():
        if info.type == t:
            return info
    raise KeyError(t)


def _self_assignments(init: Any) -> List[Tuple[str, Optional[str]]]:
    """(name, annotation text or None) of every `self.name = ...` (or
    `object.__setattr__(self, "name", ...)`) in a method's source, in order."""
    from .source import parse_function

    try:
        node = parse_function(init).node
    except CompileError:
        return []  # (no source: building __init__ reports it)
    if not node.args.args:
        return []
    self_name = node.args.args[0].arg
    found: List[Tuple[str, Optional[str]]] = []
    seen = set()

    def add(target: ast.expr, annotation: Optional[str]) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for t in target.elts:
                add(t, None)
        elif (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
              and target.value.id == self_name):
            name = target.attr  # (mangled as Python does by parse_function)
            if name not in seen or annotation is not None:
                seen.add(name)
                found.append((name, annotation))

    for stmt in ast.walk(node):
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                add(target, None)
        elif isinstance(stmt, ast.AnnAssign):
            add(stmt.target, ast.unparse(stmt.annotation))
        elif isinstance(stmt, ast.AugAssign):
            add(stmt.target, None)
        elif _is_object_setattr(stmt, self_name):  # (a frozen dataclass assigns so)
            name = stmt.args[1].value  # type: ignore[attr-defined]
            if name not in seen:
                seen.add(name)
                found.append((name, None))
    return found


def _is_object_setattr(node: ast.AST, self_name: str) -> bool:
    """`object.__setattr__(self, "name", value)`."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "__setattr__" and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "object" and len(node.args) == 3
            and isinstance(node.args[0], ast.Name) and node.args[0].id == self_name
            and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str))


# ------------------------------------------------------------ building IR


def use_class(b: "FunctionBuilder", info: ClassInfo) -> None:
    """Records that the module needs `info`'s layout (and its bases')."""
    info.settle(b.session)
    b.session.use_class(info)


def get_attribute(b: "FunctionBuilder", obj: ops.Value, node: ast.Attribute) -> ops.Value:
    t = obj.type
    assert isinstance(t, ClassType)
    info = info_of_type(t)
    name = node.attr
    index = info.field_index(name)
    if index is not None:
        field_type = info.field_types.get(name)
        if field_type is None:
            if info.settling:
                raise b.error(node, f"attribute '{name}' is read before __init__ assigns it",
                              hint="assign it first, or annotate it in the class body")
            use_class(b, info)
            field_type = info.field_types[name]
        b.session.use_class(info)
        if name in info.late_bits:
            _check_late_field(b, obj, info, name, node)
        return b.emit(ops.GetAttr(obj, index, name, field_type, b.lineno(node)))
    member, owner = info.find(name)
    if isinstance(member, property):
        if member.fget is None:
            raise b.error(node, f"property '{name}' has no getter")
        return call_method(b, obj, member.fget, owner, [], node)
    if member is not None and not callable(member) and not isinstance(member, (staticmethod, classmethod)):
        return _dynamic_constant(b, obj, info, name, member, node)
    if member is not None:
        raise b.error(node, f"method '{name}' used as a value",
                      hint=f"call it, or make a function value that calls it: "
                           f"`lambda x: obj.{name}(x)`")
    raise b.error(node, f"'{t}' object has no attribute '{name}'",
                  hint=f"compiled classes have the attributes annotated in the class body or "
                       f"assigned in __init__ ({', '.join(info.field_names) or 'none here'})")


def _dynamic_constant(b: "FunctionBuilder", obj: ops.Value, info: ClassInfo, name: str,
                      value: Any, node: ast.AST) -> ops.Value:
    """self.CONSTANT: the value of the instance's run-time class, which a
    subclass may override (subclasses known when this code is compiled;
    the most derived are tested first)."""
    b.session.depend_on("classattr", info.find_owner(name), name, value)
    result = class_constant(b, value, node)
    overriding = []
    for sub in user_subclasses(info.pyclass):
        if name in sub.__dict__ and original_class(sub) is sub:
            overriding.append(sub)
    for sub in sorted(overriding, key=lambda c: len(c.__mro__)):
        b.session.depend_on("classattr", sub, name, sub.__dict__[name])
        sub_value = class_constant(b, sub.__dict__[name], node)
        if sub_value.type != result.type:
            raise b.error(node, f"class constant '{name}' is {with_article(result.type)} in "
                          f"{info.pyclass.__name__} but {with_article(sub_value.type)} in "
                          f"{sub.__name__}")
        is_sub = b.emit(ops.InstanceOf(obj, info_for(sub).type, b.lineno(node)))
        result = b.emit(ops.Select(is_sub, sub_value, result))
    return result


def user_subclasses(pyclass: type, record: bool = True) -> List[type]:
    """Every subclass of a user class defined so far (not the Python types
    pyjitx.compile makes), at any depth.  What the code being compiled
    saw is recorded for the disk cache (pyjitx/cache_classes.py): a
    subclass defined later makes that code stale."""
    found = _user_subclasses(pyclass)
    if record:
        from ..cache_classes import record_subclasses

        record_subclasses(pyclass, found)
    return found


def _user_subclasses(pyclass: type) -> List[type]:
    found: List[type] = []
    # (a class derived from a decorated class derives from the type pyjitx
    # made of it, not from the user's class itself)
    compiled = COMPILED_TYPES.get(pyclass)
    direct = pyclass.__subclasses__() + (compiled.__subclasses__() if compiled else [])
    for sub in direct:
        if sub.__dict__.get("__pjx_class__") is not None or sub in found:
            continue  # the Python type pyjitx made of a class
        found.append(sub)
        found.extend(s for s in _user_subclasses(sub) if s not in found)
    return found


def class_constant(b: "FunctionBuilder", value: Any, node: ast.AST) -> ops.Value:
    """A class-level constant (int, float, bool, None, str, bytes)."""
    from .expressions import constant_value

    constant = constant_value(value)
    if constant is None and isinstance(value, (str, bytes)):
        return b.expr.value(ast.copy_location(ast.Constant(value), node))
    from . import module_constants

    if constant is None and module_constants.captures(b, value):
        return module_constants.read(b, ast.unparse(node), value, node)
    if constant is None:
        raise b.error(node, f"class attribute of type {type(value).__name__} cannot be used "
                      "in compiled code", hint="class-level int, float, bool, None, str and "
                      "bytes constants can be used")
    return constant


def set_attribute(b: "FunctionBuilder", obj: ops.Value, name: str, value: ops.Value,
                  node: ast.AST, declared: Optional[Type] = None) -> None:
    t = obj.type
    if not isinstance(t, ClassType):
        raise b.error(node, f"cannot set attribute '{name}' of {with_article(t)}")
    if holds_functions(value.type):
        raise b.error(node, f"attribute '{name}' cannot hold a function value",
                      hint="function values live in locals and containers of compiled "
                           "functions; an instance's attributes are also seen by Python")
    info = info_of_type(t)
    from .dataclasses_ import frozen_assignment

    if frozen_assignment(b, info, name, node):  # FrozenInstanceError, raised
        return
    index = info.field_index(name)
    if index is None:
        member, _ = info.find(name)
        if isinstance(member, property):
            if member.fset is None:
                raise b.error(node, f"property '{name}' has no setter")
            _, owner = info.find(name)
            call_method(b, obj, member.fset, owner, [value], node)
            return
        raise b.error(node, f"'{t}' object has no attribute '{name}' to assign",
                      hint="compiled classes have fixed attributes: annotate it in the class "
                           "body or assign it in __init__")
    field_type = info.field_types.get(name)
    if field_type is None:
        if not info.settling:
            use_class(b, info)
            field_type = info.field_types[name]
        elif has_unknown(value.type):
            raise b.error(node, f"cannot tell the type of attribute '{name}' from this value",
                          hint=annotation_example(name, value.type))
        else:
            field_type = info.learn_field(name, value.type)
    if value.type != field_type:
        if not assignable(value.type, field_type) and not is_any(value.type):
            raise b.error(node, f"attribute '{name}' of {t} holds {with_article(field_type)}, "
                          f"not {with_article(value.type)}")
        value = b.expr.coerce(value, field_type, node)  # (an Any checked at run time)
    b.session.use_class(info)
    b.emit(ops.SetAttr(obj, index, name, value, b.lineno(node)))
    if name in info.late_bits:  # the attribute exists from now on
        mask_name, bit = info.late_bits[name]
        mask_index = info.field_index(mask_name)
        mask = b.emit(ops.GetAttr(obj, mask_index, mask_name, INT, b.lineno(node)))
        b.emit(ops.SetAttr(obj, mask_index, mask_name,
                           b.emit(ops.IntArith("or", mask, ops.Constant(INT, 1 << bit))),
                           b.lineno(node)))


def _check_late_field(b: "FunctionBuilder", obj: ops.Value, info: "ClassInfo", name: str,
                      node: ast.AST) -> None:
    """AttributeError, as Python's, for an attribute first assigned outside
    __init__ that has not been assigned yet (ClassInfo._collect_late_fields)."""
    mask_name, bit = info.late_bits[name]
    mask = b.emit(ops.GetAttr(obj, info.field_index(mask_name), mask_name, INT, b.lineno(node)))
    present = b.emit(ops.Compare("ne", b.emit(ops.IntArith("and", mask, ops.Constant(INT, 1 << bit))),
                                 ops.Constant(INT, 0)))
    missing, ok = b.new_block("no_attribute"), b.new_block("has_attribute")
    b.branch(present, ok, missing)
    b.seal(missing)
    b.seal(ok)
    b.start(missing)
    short = info.pyclass.__name__
    b.terminate(ops.Raise("AttributeError", f"'{short}' object has no attribute '{name}'",
                          b.lineno(node)))
    b.start(ok)


def construct(b: "FunctionBuilder", node: ast.Call, pyclass: type) -> ops.Value:
    """Cls(args): a new instance, class-level defaults of fields, then __init__."""
    abstract = getattr(pyclass, "__abstractmethods__", None)
    if abstract:  # an abc.ABC subclass that leaves abstract methods unimplemented
        b.terminate(ops.Raise("TypeError", cpython.abstract_instantiation(pyclass.__name__, abstract),
                              b.lineno(node)))
        unreachable = b.new_block("unreachable")
        b.seal(unreachable)
        b.start(unreachable)
    instance = _new_instance(b, node, pyclass)
    info = info_for(pyclass)
    init, owner = info.find("__init__")
    if init is None:
        if node.args or node.keywords:
            raise b.error(node, f"{pyclass.__name__}() takes no arguments")
        return instance
    call_method(b, instance, init, owner, None, node, virtual=False)
    return instance


def _new_instance(b: "FunctionBuilder", node: ast.AST, pyclass: type) -> ops.Value:
    info = info_for(pyclass)
    use_class(b, info)
    b.session.instantiate(info)
    instance = b.emit(ops.NewInstance(info.type, b.lineno(node)))
    for name, default in info.defaults.items():
        b.session.depend_on("classattr", info.find_owner(name), name, default)
        set_attribute(b, instance, name, class_constant(b, default, node), node)
    return instance


def blank(b: "FunctionBuilder", node: ast.Call) -> ops.Value:
    """blank_instance(C): see blank_instance."""
    if len(node.args) != 1 or node.keywords:
        raise b.error(node, "blank_instance() takes one class")
    target = node.args[0]
    pyclass = original_class(b.lookup_global(target.id, target)) if isinstance(target, ast.Name) else None
    if pyclass is None:
        raise b.error(target, "blank_instance() takes a compiled class")
    return _new_instance(b, node, pyclass)


def call_method(b: "FunctionBuilder", receiver: ops.Value, method: Any, owner: Optional[ClassInfo],
                args: Optional[List[ops.Value]], node: ast.AST, virtual: bool = True) -> ops.Value:
    """receiver.method(...): arguments from `args` or else from the call
    node; through the vtable unless `virtual` is False (super(), __init__)."""
    from .calls import bind_arguments

    assert owner is not None
    info = info_of_type(receiver.type) if isinstance(receiver.type, ClassType) else owner
    self_type = receiver.type if virtual else owner.type
    try:
        param_types = owner.method_arg_types(method, self_type)
    except CompileError as exc:
        if exc.location is not None:
            raise
        raise b.error(node, exc.message, exc.hint) from None  # (no source: at the call)
    values = bind_arguments(b, node, method, args, skip_first=True)
    call_args: List[ops.Value] = [receiver]
    for value, t, name in zip(values, param_types[1:], list(inspect.signature(method).parameters)[1:]):
        if value.type != t:
            if value.type == NONE_SO_FAR and t.is_refcounted:
                # None so far: a later assignment may widen it (see calls.py)
                b.deferred_errors.append(b.error(node, f"argument '{name}' of "
                                                 f"{method.__qualname__}() must be {t}, not None"))
                call_args.append(ops.Undefined(t))
                continue
            optional_item = isinstance(value.type, OptionalType) and (
                value.type.item == t or unify(value.type.item, t) == t)
            if unify(value.type, t) != t and not (value.type == BOOL and t.is_numeric) \
                    and not optional_item and not is_any(value.type):
                # (an Optional is checked at the call; an Any or a union at run
                # time, as a plain function's parameter is)
                raise b.error(node, f"argument '{name}' of {method.__qualname__}() must be "
                              f"{t}, not {value.type}")
            value = b.expr.coerce(value, t, node)
        call_args.append(value)
    callee = b.session.function_for(method, param_types)
    name = method.__name__
    if virtual and name in info.vtable:
        b.session.use_class(info)
        return b.emit(ops.VirtualCall(callee, info.vtable.index(name), call_args, b.lineno(node)))
    return b.emit(ops.Call(callee, call_args, b.lineno(node)))


def method_call(b: "FunctionBuilder", receiver: ops.Value, name: str, node: ast.Call) -> ops.Value:
    """receiver.name(args) on an instance."""
    t = receiver.type
    assert isinstance(t, ClassType)
    info = info_of_type(t)
    member, owner = info.find(name)
    if isinstance(member, staticmethod):
        from .calls import user_call

        return user_call(b, node, member.__func__)
    if isinstance(member, classmethod):
        from . import classmethods

        return classmethods.call_on_instance(b, receiver, node,
                                             lambda cls: classmethods.resolved(cls, name))
    if inspect.isfunction(member):
        return call_method(b, receiver, member, owner, None, node)
    if name in info.field_names:
        assert isinstance(node.func, ast.Attribute)
        field = get_attribute(b, receiver, node.func)
        if isinstance(field.type, ClassType):  # self.tokenizer(text): its __call__
            return method_call(b, field, "__call__", node)
        raise b.error(node, f"attribute '{name}' holds {with_article(field.type)}, which is "
                      "not callable")
    from . import subclass_dispatch

    dispatched = subclass_dispatch.call(b, receiver, name, node)  # defined by subclasses only
    if dispatched is not None:
        return dispatched
    raise b.error(node.func, f"'{t}' object has no method '{name}'")


def super_call(b: "FunctionBuilder", node: ast.Call, func: ast.Attribute) -> ops.Value:
    """super().name(args) inside a method: the base's method, called directly
    (a classmethod with the class the method runs for, classmethods.py)."""
    from . import classmethods

    self_name = b.node.args.args[0].arg if b.node.args.args else None
    in_classmethod = self_name in b.class_bindings
    if func.value.args:  # super(C, self): the lookup starts after C (methods.py)
        from .methods import explicit_super

        defining, receiver = explicit_super(b, func.value, in_classmethod)
    else:
        receiver = b.read_var(self_name, node) if self_name and not in_classmethod else None
        if not in_classmethod and (receiver is None or not isinstance(receiver.type, ClassType)):
            raise b.error(func.value, "super() is supported inside methods of compiled classes")
        defining = _defining_class(b)
    if defining.base is None:
        if func.attr == "__init__" and not in_classmethod:
            return _none()  # object.__init__
        raise b.error(func, f"super(): {defining.pyclass.__name__} has no compiled base")
    via_classmethod = classmethods.super_call(b, node, func.attr, defining.base)
    if via_classmethod is not None:
        return via_classmethod
    if in_classmethod:
        raise b.error(func, f"super() object has no classmethod '{func.attr}'")
    member, owner = defining.base.find(func.attr)
    if func.attr == "__init__" and member is None:
        return _none()
    if not inspect.isfunction(member):
        raise b.error(func, f"super() object has no method '{func.attr}'")
    return call_method(b, receiver, member, owner, None, node, virtual=False)


def _none() -> ops.Value:
    from ..ir.types import NONE

    return ops.Constant(NONE, None)


def _defining_class(b: "FunctionBuilder") -> ClassInfo:
    """The class whose body defines the function being built."""
    qualname = b.pyfunc.__qualname__
    owner_name = qualname.rsplit(".", 1)[0]
    for info in _INFOS.values():
        if info.pyclass.__qualname__ == owner_name and info.pyclass.__module__ == b.pyfunc.__module__:
            return info
    raise b.error(b.node, "super() is supported inside methods of compiled classes")


def isinstance_check(b: "FunctionBuilder", value: ops.Value, pyclass: type, node: ast.AST) -> ops.Value:
    target = info_for(pyclass).type
    t = value.type
    if isinstance(t, OptionalType) and isinstance(t.item, ClassType):
        # isinstance(None, C) is False; else the instance's answer
        is_none = b.emit(ops.OptionalOp("is_none", value, BOOL))
        if t.item.is_subclass_of(target):
            return b.emit(ops.Unary("bool_not", is_none))
        if not target.is_subclass_of(t.item):
            return ops.Constant(BOOL, False)
        result = f".isinstance{b.next_loop_id()}"
        present, absent, after = b.new_block("present"), b.new_block("none"), b.new_block("isinst")
        b.branch(is_none, absent, present)
        b.seal(present)
        b.seal(absent)
        b.start(absent)
        b.write_var(result, ops.Constant(BOOL, False), node)
        b.goto(after)
        b.start(present)
        b.write_var(result, isinstance_check(b, b.expr.unwrap(value, node), pyclass, node), node)
        b.goto(after)
        b.seal(after)
        b.start(after)
        return b.read_var(result, node)
    if not isinstance(t, ClassType):
        return ops.Constant(BOOL, False)
    if t.is_subclass_of(target):
        return ops.Constant(BOOL, True)
    if target.is_subclass_of(t):
        return b.emit(ops.InstanceOf(value, target, b.lineno(node)))
    return ops.Constant(BOOL, False)


# ------------------------------------------------------------ vtables


def build_vtables(session: "CompileSession") -> None:
    """Compiles the virtual methods each class the module instantiates needs
    in its descriptor's vtable, then records the layouts.

    A call through a vtable happens only when the receiver's class is a
    proper subclass of the call's static class (op_VirtualCall calls the
    static class's method directly when the ids match).  So an instance's
    vtable is read only at the slots its proper bases declare: those are
    compiled (the instance may reach code compiled elsewhere that calls any
    of them); the slots of methods its own class adds stay empty -- their
    calls through this class are always direct.  A class without a compiled
    base compiles nothing here: its methods are compiled when code calls
    them (after module-level code has set up what they read)."""
    done: set = set()
    while True:
        while True:
            pending = [info for info in session.instantiated.values()
                       if info.type.class_id not in done]
            if not pending:
                break
            for info in pending:
                done.add(info.type.class_id)
                inherited = len(info.base.vtable) if info.base is not None else 0
                session.vtables[info.type.class_id] = [
                    _slot_function(session, info, name).symbol if i < inherited else None
                    for i, name in enumerate(info.vtable)]
        # Compiling a runtime hook (__eq__, __repr__, ...) may use or
        # instantiate classes not seen before: lay out again until nothing new.
        seen = (len(session.used_classes), len(session.instantiated))
        for class_id, info in list(session.used_classes.items()):
            layout = info.layout()
            layout.vtable = tuple(session.vtables.get(class_id, ()))
            if class_id in session.vtables:
                _runtime_hooks(session, info, layout)
            session.layouts[class_id] = layout
        if seen == (len(session.used_classes), len(session.instantiated)):
            break


# special method -> (runtime hook, the return type the hook needs)
_HOOKS = {"__eq__": ("eq", BOOL), "__hash__": ("hash", INT), "__lt__": ("lt", BOOL),
          "__repr__": ("repr", STR), "__str__": ("str", STR)}


def _runtime_hooks(session: "CompileSession", info: ClassInfo, layout: ops.ClassLayout) -> None:
    """What the runtime calls for instances inside containers (==, hash,
    sorting, repr): the class's special methods of the expected shape.
    Python's rule: a class defining __eq__ without __hash__ is unhashable."""
    for name, (hook, result) in _HOOKS.items():
        method, owner = info.find(name)
        if not inspect.isfunction(method) or owner is None:
            continue
        signature = session.function_for(method, owner.method_arg_types(method, info.type))
        if signature.return_type != result:
            continue
        other = None
        if hook in ("eq", "lt"):
            if len(signature.param_types) != 2 or not isinstance(signature.param_types[1], ClassType):
                continue
            other = signature.param_types[1].class_id
        layout.hooks[hook] = (signature.symbol, other)
    current: Optional[ClassInfo] = info
    while current is not None:
        own = current.pyclass.__dict__
        if "__hash__" in own:
            layout.unhashable = own["__hash__"] is None
            break
        if "__eq__" in own:
            layout.unhashable = True
            break
        current = current.base


def _slot_function(session: "CompileSession", info: ClassInfo, name: str) -> ops.FunctionSignature:
    method, owner = info.find(name)
    assert owner is not None
    signature = session.function_for(method, owner.method_arg_types(method, info.type))
    base = info.base
    if base is not None and name in base.vtable:
        base_method, base_owner = base.find(name)
        assert base_owner is not None
        base_sig = session.function_for(base_method, base_owner.method_arg_types(base_method, base.type))
        same_params = signature.param_types[1:] == base_sig.param_types[1:]
        r, br = signature.return_type, base_sig.return_type
        same_return = r == br or (isinstance(r, ClassType) and isinstance(br, ClassType)
                                  and r.is_subclass_of(br))
        if not (same_params and same_return):
            raise error(
                info.pyclass, f"{method.__qualname__} overrides {base_method.__qualname__} with another "
                f"signature: ({', '.join(map(str, signature.param_types[1:]))}) -> {r} vs "
                f"({', '.join(map(str, base_sig.param_types[1:]))}) -> {br}",
                hint="an override takes the same parameter types and returns the same type",
                method=method)
    return signature


# ------------------------------------------------------------ special methods


def has_special(t: Type, name: str) -> bool:
    if not isinstance(t, ClassType):
        return False
    member, _ = info_of_type(t).find(name)
    return inspect.isfunction(member)


def call_special(b: "FunctionBuilder", receiver: ops.Value, name: str, args: List[ops.Value],
                 node: ast.AST) -> Optional[ops.Value]:
    """receiver.__name__(*args) when the class defines it, else None."""
    if not has_special(receiver.type, name):
        return None
    info = info_of_type(receiver.type)  # type: ignore[arg-type]
    member, owner = info.find(name)
    return call_method(b, receiver, member, owner, args, node)


def require_special(b: "FunctionBuilder", receiver: ops.Value, name: str, args: List[ops.Value],
                    node: ast.AST, message: str) -> ops.Value:
    result = call_special(b, receiver, name, args, node)
    if result is None:
        raise b.error(node, message)
    return result


_REFLECTED = {"lt": "__gt__", "le": "__ge__", "gt": "__lt__", "ge": "__le__",
              "eq": "__eq__", "ne": "__ne__"}
_DIRECT = {"lt": "__lt__", "le": "__le__", "gt": "__gt__", "ge": "__ge__",
           "eq": "__eq__", "ne": "__ne__"}


def compare(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value,
            node: ast.AST) -> Optional[ops.Value]:
    """Rich comparison with an instance on either side, Python's order:
    the left operand's method, then the right's reflected one; == and !=
    fall back to identity (and != to `not __eq__`)."""
    if not (isinstance(left.type, ClassType) or isinstance(right.type, ClassType)):
        return None
    for receiver, other, name in ((left, right, _DIRECT[op]), (right, left, _REFLECTED[op])):
        if has_special(receiver.type, name) and _accepts(receiver, name, other):
            result = call_special(b, receiver, name, [other], node)
            assert result is not None
            return b.expr.truthy(result, node) if result.type != BOOL else result
    if op == "ne" and has_special(left.type, "__eq__") and _accepts(left, "__eq__", right):
        equal = call_special(b, left, "__eq__", [right], node)
        assert equal is not None
        return b.emit(ops.Unary("bool_not", b.expr.truthy(equal, node)))
    if op in ("eq", "ne"):
        if isinstance(left.type, ClassType) and isinstance(right.type, ClassType):
            return b.emit(ops.Compare(op, left, right))  # identity
        return ops.Constant(BOOL, op == "ne")
    symbol = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}[op]
    raise b.error(node, f"'{symbol}' not supported between instances of '{left.type}' and "
                  f"'{right.type}'", hint=f"define {_DIRECT[op]} on the class")


def _accepts(receiver: ops.Value, name: str, other: ops.Value) -> bool:
    """Does receiver's `name` take `other` (its annotated parameter type)?
    A method that cannot is Python's NotImplemented."""
    info = info_of_type(receiver.type)  # type: ignore[arg-type]
    member, owner = info.find(name)
    assert owner is not None
    try:
        param_types = owner.method_arg_types(member)
    except CompileError:
        return False
    if len(param_types) != 2:
        return False
    expected = param_types[1]
    if isinstance(expected, ClassType) and isinstance(other.type, ClassType):
        return other.type.is_subclass_of(expected)
    return unify(other.type, expected) == expected


def truthy(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> ops.Value:
    """bool(instance): __bool__, else __len__() != 0, else True."""
    result = call_special(b, value, "__bool__", [], node)
    if result is not None:
        return result
    length = call_special(b, value, "__len__", [], node)
    if length is not None:
        return b.emit(ops.Compare("ne", length, ops.Constant(length.type, 0)))
    return ops.Constant(BOOL, True)


def to_text(b: "FunctionBuilder", value: ops.Value, node: ast.AST, use_str: bool) -> Optional[ops.Value]:
    """str()/repr() of an instance through __str__/__repr__ (None: the
    default `<module.Name object at 0x...>`)."""
    if not isinstance(value.type, ClassType):
        from .stdclasses import to_text as std_text  # (enum members, named tuples)

        return std_text(b, value, node, use_str)
    names = ("__str__", "__repr__") if use_str else ("__repr__",)
    for name in names:
        result = call_special(b, value, name, [], node)
        if result is not None:
            if result.type != STR:
                raise b.error(node, f"{name} returned {with_article(result.type)}, not a str")
            return result
    return None


def iterate(b: "FunctionBuilder", obj: ops.Value, node: ast.AST, assign, body, orelse) -> Optional[ops.Value]:
    """for x in obj: a generator __iter__ is expanded at the loop (and None
    returned); any other __iter__'s result is what the loop walks."""
    from .generators import is_generator_function, loop_over

    info = info_of_type(obj.type)  # type: ignore[arg-type]
    method, owner = info.find("__iter__")
    if not inspect.isfunction(method):
        raise b.error(node, f"'{obj.type}' object is not iterable", hint="define __iter__")
    if not is_generator_function(method):
        result = call_special(b, obj, "__iter__", [], node)
        assert result is not None
        return result
    # expanded inline: the static class's __iter__, so no subclass may
    # override it (a virtual call cannot be expanded)
    for sub in user_subclasses(info.pyclass):
        if "__iter__" in sub.__dict__:
            raise b.error(node, f"{sub.__name__} overrides the generator __iter__ of "
                          f"{info.pyclass.__name__}, which a loop over a {info.pyclass.__name__} "
                          "expands in place", hint="iterate over the subclass's own type")
    loop_over(b, method, [obj], node, assign, body, orelse)
    return None
