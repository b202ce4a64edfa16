"""What cached code depends on about compiled classes, recorded when it is
compiled and re-checked when a cache entry is loaded (pyjitx.cache).

Code that uses a compiled class bakes in the class's layout: the slot of
each field, the kind of each slot, its bases' chain, the vtable slots of
its methods, its late-field mask bits.  Those are recorded as one
fingerprint per class ("class:module:qualname"), computed from the
settled ClassInfo; at load the class is found again by its name, settled
afresh by this process's compiler (its field types may come from building
__init__ with the helpers it calls today) and fingerprinted again.  A class
that cannot be found, or settles differently, makes the entry stale.

Two other things compiled code takes from the process's history rather
than from any source: the subclasses of a class defined so far
(pyjitx.frontend.classes.user_subclasses: a class constant or method
overridden by a subclass becomes a test of the instance's class), and the
classes known so far, over which a method or attribute of an Any is
dispatched (pyjitx.frontend.anys).  Both are recorded as the set seen; an
entry is stale when this process sees a class the compiled code did not
(a fresh compile would have included it).  Seeing fewer is harmless: the
code has a branch for a class that does not exist here.
"""
from __future__ import annotations

import hashlib
import inspect
import sys
import threading
from typing import Any, Dict, Iterable, List, Optional

# The CompileSession building on this thread (pyjitx.compiler.build_ir), so
# that deep lookups of process history (user_subclasses) can record what
# they saw without a session argument.
_local = threading.local()


def recording_session():
    return getattr(_local, "session", None)


class recording:
    """`with recording(session):` -- history lookups record into it."""

    def __init__(self, session) -> None:
        self.session = session

    def __enter__(self) -> None:
        self.previous = recording_session()
        _local.session = self.session

    def __exit__(self, *exc: Any) -> None:
        _local.session = self.previous


def class_name(pyclass: type) -> str:
    return f"{pyclass.__module__}:{pyclass.__qualname__}"


def record_subclasses(pyclass: type, found: Iterable[type]) -> None:
    """user_subclasses(pyclass) answered `found` to the code being built."""
    session = recording_session()
    if session is None:
        return
    key = f"subclasses:{class_name(pyclass)}"
    names = set(filter(None, session.dependencies.get(key, "").split(",")))
    names.update(class_name(sub) for sub in found)
    session.dependencies[key] = ",".join(sorted(names))


def record_any_candidates(session, kind: str, name: str, infos: Iterable[Any]) -> None:
    """An Any's `.name` (kind "anymethod" or "anyattr") was dispatched over
    these classes.  Several sites may have seen different sets (classes are
    met while compiling): the intersection is what every site handles."""
    key = f"{kind}:{name}"
    seen = {class_name(info.pyclass) for info in infos}
    if key in session.dependencies:
        seen &= set(filter(None, session.dependencies[key].split(",")))
    session.dependencies[key] = ",".join(sorted(seen))


def class_fingerprint(info: Any) -> str:
    """A digest of what code compiled against a settled class bakes in."""
    from .frontend.session import describe

    parts: List[str] = []
    chain = info
    while chain is not None:
        parts.append(f"class {class_name(chain.pyclass)} {chain.type.class_id}")
        # each member's kind: a method turned property, a constant turned
        # method, a new __hash__ ... change what the code does with it
        for name, member in sorted(chain.pyclass.__dict__.items(), key=lambda kv: kv[0]):
            if name in ("__dict__", "__weakref__", "__doc__", "__module__", "__qualname__"):
                continue
            parts.append(f"  {name} {type(member).__name__}")
        chain = chain.base
    for name in info.field_names:
        parts.append(f"field {name} {info.field_types.get(name)!r}")
    for name, (mask, bit) in sorted(info.late_bits.items()):
        parts.append(f"late {name} {mask} {bit}")
    parts.append("vtable " + ",".join(info.vtable))
    for name, value in sorted(info.defaults.items()):
        parts.append(f"default {name} {describe(value)}")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def record_classes(session) -> Optional[str]:
    """Records each class the module uses; the reason the module cannot be
    cached, if one of them cannot be found again by name in another
    process (a class defined inside a function)."""
    for info in session.used_classes.values():
        name = class_name(info.pyclass)
        if resolve_class(name) is not info.pyclass:
            return f"it uses the class {info.pyclass.__qualname__}, which another process " \
                   "cannot find by its name"
        session.dependencies[f"class:{name}"] = class_fingerprint(info)
    return None


def module_named(name: str) -> Any:
    """The module `name` as code compiled in another process saw it: an
    imported module, or one of pyjitx's own that compiled code reaches
    without the program importing it (pyjitx.stringio stands in for
    io.StringIO, pyjitx.stdlib_random for random.Random)."""
    module = sys.modules.get(name)
    if module is None and (name == "pyjitx" or name.startswith("pyjitx.")):
        import importlib

        try:
            module = importlib.import_module(name)
        except ImportError:
            return None
    return module


def lookup(module_name: str, qualname: str, users_classes: bool = True) -> Any:
    """What module_name:qualname names in this process, or None (also for a
    name inside a function, which another process cannot reach).  With
    `users_classes`, a decorated class met on the way is the user's class
    (its module attribute is the type pyjitx made, whose attributes are
    dispatchers and forwarders: the user's class holds the definitions)."""
    obj: Any = module_named(module_name)
    for part in qualname.split("."):
        if obj is None or part == "<locals>":
            return None
        obj = getattr(obj, part, None)
        if users_classes and isinstance(obj, type):
            obj = obj.__dict__.get("__pjx_class__", obj)
    return obj


def resolve_class(name: str) -> Optional[type]:
    """The compiled (user) class named module:qualname in this process."""
    from .frontend.classes import original_class

    module_name, _, qualname = name.partition(":")
    obj = lookup(module_name, qualname)
    if not isinstance(obj, type):
        return None
    try:
        return original_class(obj)
    except Exception:  # noqa: BLE001 - a class that no longer compiles: stale
        return None


def class_current(name: str, expected: str) -> bool:
    from .frontend.classes import info_for
    from .frontend.session import CompileSession

    pyclass = resolve_class(name)
    if pyclass is None:
        return False
    try:
        info = info_for(pyclass)
        info.settle(CompileSession())
        return class_fingerprint(info) == expected
    except Exception:  # noqa: BLE001 - the compile that follows reports it
        return False


def subclasses_current(name: str, expected: str) -> bool:
    """No subclass this process knows of is missing from the recorded set
    (looked up from every class the name may stand for: the user's, the
    type pyjitx made, a dataclass's twin)."""
    from .frontend.classes import original_class, user_subclasses
    from .frontend.dataclasses_ import original_of

    module_name, _, qualname = name.partition(":")
    obj = lookup(module_name, qualname, users_classes=False)
    if not isinstance(obj, type):
        return False
    candidates = {obj}
    for make in (lambda c: c.__dict__.get("__pjx_class__"), original_class, original_of):
        for c in list(candidates):
            try:
                other = make(c)
            except Exception:  # noqa: BLE001
                other = None
            if isinstance(other, type):
                candidates.add(other)
    allowed = set(filter(None, expected.split(",")))
    for c in candidates:
        if any(class_name(sub) not in allowed for sub in user_subclasses(c, record=False)):
            return False
    return True


def any_candidates_current(kind: str, name: str, expected: str) -> bool:
    from .frontend import anys
    from .frontend.classes import known_classes

    test = anys.method_candidate if kind == "anymethod" else anys.attribute_candidate
    allowed = set(filter(None, expected.split(",")))
    return all(class_name(info.pyclass) in allowed
               for info in known_classes() if test(info, name))


def resolve_classes(names: List[str]) -> Optional[List[type]]:
    found = [resolve_class(n) for n in names]
    return None if any(c is None for c in found) else found  # type: ignore[return-value]


def order(dependencies: Dict[str, str]) -> List[str]:
    """Classes first (checking one settles it, which makes it known as a
    compile would), the classes known last."""
    rank = {"class": 0, "anymethod": 2, "anyattr": 2}
    return sorted(dependencies, key=lambda k: rank.get(k.partition(":")[0], 1))


def source_hashes(obj: Any) -> Optional[set]:
    """The source hashes a dependency "func:" named obj may stand for: a
    function's; a property's accessors' (they share one qualified name)."""
    from .frontend.source import parse_function

    if isinstance(obj, property):
        functions = [f for f in (obj.fget, obj.fset, obj.fdel) if f is not None]
    else:
        obj = getattr(obj, "py_func", obj)
        obj = getattr(obj, "__func__", obj)  # (a classmethod bound to its class)
        functions = [obj]
    hashes = set()
    for fn in functions:
        fn = getattr(fn, "py_func", fn)
        if not inspect.isfunction(fn):
            return None
        try:
            hashes.add(parse_function(fn).source_hash)
        except Exception:  # noqa: BLE001
            return None
    return hashes


MISSING = object()


def own_class_attribute(owner: Any, name: str) -> Any:
    """Class attribute `name` as the dictionary of `owner` (a user class)
    holds it -- looking in the type pyjitx made of it first, as
    frontend.classes.class_attribute does -- or MISSING."""
    from .frontend.classes import COMPILED_TYPES

    compiled = COMPILED_TYPES.get(owner) if isinstance(owner, type) else None
    if compiled is not None and name in compiled.__dict__ and \
            name not in compiled.__dict__.get("__pjx_made__", ()):
        return compiled.__dict__[name]
    namespace = getattr(owner, "__dict__", {})
    return namespace[name] if name in namespace else MISSING
