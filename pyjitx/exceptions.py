"""Exception classes known to compiled code, by runtime kind.

Python's built-in classes have fixed kinds (libruntime/include/pyjitx/
runtime.h).  A user-defined subclass gets a kind derived from its qualified
name, stable across processes so that cached object code stays valid, and
is registered with the runtime (for `except` matching) and the bridge (to
raise the right class into Python)."""
from __future__ import annotations

import zlib
from typing import Dict, Type

from . import _ext
from .backend.abi import ERROR_KINDS

USER_BASE = 1000
USER_SPAN = 1 << 17
BASE_EXCEPTION = -1  # `except BaseException`: matches everything

_BUILTIN = {getattr(__import__("builtins"), name): kind for name, kind in ERROR_KINDS.items()}
_by_kind: Dict[int, type] = {}


def kind_of(cls: Type[BaseException]) -> int:
    if cls is BaseException:
        return BASE_EXCEPTION
    builtin = _BUILTIN.get(cls)
    if builtin is not None:
        return builtin
    parent = next((base for base in cls.__mro__[1:] if issubclass(base, BaseException)), None)
    if parent is None or cls.__module__ == "builtins":
        raise ValueError(f"exception class {cls.__name__} is not supported in compiled code")
    if parent is BaseException:
        raise ValueError(f"{cls.__name__} derives from BaseException directly; compiled code "
                         "supports subclasses of Exception")
    parent_kind = kind_of(parent)
    name = f"{cls.__module__}.{cls.__qualname__}"
    kind = USER_BASE + zlib.crc32(name.encode()) % USER_SPAN
    known = _by_kind.get(kind)
    if known is not None and known is not cls:
        if f"{known.__module__}.{known.__qualname__}" != name:
            raise ValueError(f"exception classes {name} and {known.__qualname__} collide; "
                             "rename one")
    _by_kind[kind] = cls
    _ext.register_exception_class(kind, cls, parent_kind)
    return kind
