"""The on-disk cache of compiled object files.

An entry is found by a key over everything known before compiling: the
entry function's source, module and qualified name, argument types,
options, target, pyjitx version, runtime ABI and LLVM version.  What is
only known after compiling -- callees' sources and captured globals -- is
stored in the entry and re-checked against the live program at load, so a
changed callee or constant triggers a rebuild (numba's most common stale
cache complaint).  Code using compiled classes records what it depends on
about each class -- its layout, bases and members, the subclasses and the
classes an Any dispatches over that it saw -- checked the same way
(pyjitx/cache_classes.py).  Entries are written atomically; a corrupt, unreadable
or stale entry is rebuilt, never trusted; an unwritable directory falls
back to memory with a warning.
"""
from __future__ import annotations

import base64
import hashlib
import inspect
import json
import os
import pickle
import struct
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Callable, Optional, Tuple

from . import __version__, cache_classes
from .backend.abi import ABI_VERSION
from .backend.codegen import ObjectCode
from .backend.target import Target
from .cache_classes import resolve_classes
from .compiler import CompiledModule
from .files import read_regular
from .frontend.session import describe
from .ir.types import Type

MAGIC = b"PJXC0001"


def cache_dir() -> Path:
    configured = os.environ.get("PYJITX_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pyjitx"


_fingerprint: Optional[str] = None


def compiler_fingerprint() -> str:
    """A hash of the compiler itself (its Python sources and the native
    runtime), so that entries made by another build of pyjitx -- even one
    with the same version number, as in development -- are never reused.

    Each file counts by its path, size and modification time (in
    nanoseconds), as CPython's own check of a .pyc against its source does:
    an edit, a reinstall or a rebuild changes them.  Reading and hashing
    the files' contents instead cost 20 ms in every process that loads
    from the cache."""
    global _fingerprint
    if _fingerprint is None:
        from . import _ext

        package = Path(__file__).resolve().parent
        digest = hashlib.sha256()
        for path in sorted([*package.rglob("*.py"), Path(_ext.__file__)]):
            st = path.stat()
            digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        _fingerprint = digest.hexdigest()[:16]
    return _fingerprint


def cache_key(pyfunc: Callable, source_hash: str, arg_types: Tuple[Type, ...], target: Target,
              opt: int) -> str:
    import llvmlite

    parts = [
        __version__, compiler_fingerprint(), str(ABI_VERSION), llvmlite.__version__,
        target.key, str(opt),
        getattr(pyfunc, "__module__", "?"), pyfunc.__qualname__,
        pyfunc.__code__.co_filename, source_hash, ",".join(_type_key(t) for t in arg_types),
        f"{sys.version_info[:2]}",
        # the values a closure captured: two closures of one def (`make("a")`,
        # `make("b")`) are two entries, not one entry rebuilt in turns
        ";".join(_cell_description(cell) for cell in (pyfunc.__closure__ or ())),
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:40]


def _type_key(t: Type) -> str:
    """A type as the key tells it: a class by its id too (derived from its
    module and qualified name: two classes Node of two modules differ)."""
    from .backend.abi import boundary_descriptor

    try:
        descriptor = boundary_descriptor(t)
    except Exception:  # noqa: BLE001 - (a type with no boundary form)
        return str(t)
    return f"{t}={descriptor}" if "c[" in descriptor else str(t)


def _cell_description(cell) -> str:
    try:
        return describe(cell.cell_contents)
    except ValueError:  # an empty cell (a name bound later)
        return "<unbound>"


def _entry_path(key: str) -> Path:
    return cache_dir() / key[:2] / f"{key}.pjx"


def store(key: str, module: CompiledModule) -> bool:
    """Writes the entry; False if the module's types cannot be written
    down (then it is not cached)."""
    try:
        types = pickle.dumps((module.param_types, module.return_type))
    except Exception:  # noqa: BLE001 - (a type holding something of this process)
        return False
    header = {
        "name": module.name,
        "param_names": module.param_names,
        "param_types": [str(t) for t in module.param_types],
        "return_type": str(module.return_type),
        # (the types themselves: a class type is its name and id, which
        # its text alone does not give back)
        "types": base64.b64encode(types).decode(),
        "symbol": module.symbol,
        "ir_text": module.ir_text,
        "llvm_ir": module.code.llvm_ir,
        "opt": module.code.opt,
        "dependencies": module.dependencies,
        "mutated_params": sorted(module.mutated_params),
        "returns_iterator": module.returns_iterator,
        "states": [list(s) for s in module.states],
        "uses_random": module.uses_random,
        # the loader finds these again by name, to make their Python types
        # (pyjitx.classes.python_type_for), and keeps code using classes loaded
        "uses_classes": module.uses_classes,
        "classes": [f"{c.__module__}:{c.__qualname__}" for c in module.classes],
    }
    header_bytes = json.dumps(header).encode("utf-8")
    body = struct.pack("<Q", len(header_bytes)) + header_bytes + module.code.object_bytes
    payload = MAGIC + hashlib.sha256(body).digest() + body
    path = _entry_path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(payload)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        warnings.warn(f"pyjitx: cannot write the compile cache at {path.parent} ({exc}); "
                      "compiled code is kept in memory only. Set PYJITX_CACHE_DIR to a "
                      "writable directory.", RuntimeWarning, stacklevel=4)
    return True


# An entry larger than this is not one pyjitx wrote (a function's object
# code is kilobytes; the largest kits' are a few megabytes).
MAX_ENTRY_BYTES = 256 << 20


def load(key: str, target: Target, entry: Callable) -> Optional[CompiledModule]:
    """The cached module for `key`, or None if absent, corrupt or stale."""
    path = _entry_path(key)
    payload = read_regular(str(path), MAX_ENTRY_BYTES)  # (not a link, FIFO or device)
    if payload is None:
        return None
    try:
        if payload[:8] != MAGIC:
            return None
        digest, body = payload[8:40], payload[40:]
        if hashlib.sha256(body).digest() != digest:
            return None
        (header_len,) = struct.unpack_from("<Q", body)
        header = json.loads(body[8:8 + header_len].decode("utf-8"))
        object_bytes = body[8 + header_len:]
        if not dependencies_current(header["dependencies"], entry):
            return None
        classes = resolve_classes(header.get("classes", []))
        if classes is None:
            return None
        # (the entry passed its digest: it is one pyjitx wrote, whose
        # object code is about to run anyway)
        try:
            param_types, return_type = pickle.loads(base64.b64decode(header["types"]))
        except Exception:  # noqa: BLE001 - (a type naming what is gone): rebuilt
            return None
        return CompiledModule(
            name=header["name"], param_names=header["param_names"],
            param_types=list(param_types), return_type=return_type, symbol=header["symbol"],
            ir_text=header["ir_text"],
            code=ObjectCode(object_bytes, header["llvm_ir"], target, header["opt"]),
            dependencies=header["dependencies"],
            mutated_params=frozenset(header["mutated_params"]),
            returns_iterator=bool(header["returns_iterator"]),
            states=[tuple(s) for s in header.get("states", [])],
            uses_random=bool(header.get("uses_random", False)),
            uses_classes=bool(header.get("uses_classes", False)), classes=classes)
    except (ValueError, KeyError, TypeError, struct.error, UnicodeDecodeError,
            pickle.UnpicklingError, AttributeError, EOFError, ImportError):
        return None


def entries() -> "list[Path]":
    """The cache's entries (the files `store` writes: <dir>/<xx>/<key>.pjx)."""
    root = cache_dir()
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob("??/*.pjx") if p.is_file() and not p.is_symlink())


def clear() -> Tuple[int, int]:
    """Removes every entry (and the shard folders left empty); what else is
    in the folder stays.  (entries removed, bytes freed)."""
    removed = freed = 0
    for path in entries():
        try:
            size = path.stat().st_size
            path.unlink()
        except OSError:
            continue
        removed += 1
        freed += size
    for shard in cache_dir().glob("??"):
        try:
            shard.rmdir()  # (only when empty)
        except OSError:
            pass
    return removed, freed


def _resolve(module_name: str, qualname: str, entry: Callable):
    from .frontend.source import is_generated

    # (not a function pyjitx wrote: a class method's caller from Python
    # bears the method's qualified name, and is not the method)
    if getattr(entry, "__module__", None) == module_name and entry.__qualname__ == qualname \
            and not is_generated(entry):
        return entry
    return cache_classes.lookup(module_name, qualname)


def dependencies_current(dependencies: dict, entry: Callable) -> bool:
    for key in cache_classes.order(dependencies):
        expected = dependencies[key]
        kind, _, rest = key.partition(":")
        if kind == "func":
            module_name, _, qualname = rest.partition(":")
            fn = _resolve(module_name, qualname, entry)
            if fn is None:
                return False
            # (several sources under one name: a property's accessors)
            hashes = cache_classes.source_hashes(fn)
            if hashes is None or not set(expected.split("+")) <= hashes:
                return False
        elif kind == "class":
            if not cache_classes.class_current(rest, expected):
                return False
        elif kind == "subclasses":
            if not cache_classes.subclasses_current(rest, expected):
                return False
        elif kind in ("anymethod", "anyattr"):
            if not cache_classes.any_candidates_current(kind, rest, expected):
                return False
        elif kind == "exc":
            # a user exception class: it must still exist, with the same
            # kind, and be registered with the runtime before the code runs
            from .exceptions import kind_of

            module_name, _, qualname = rest.partition(":")
            obj = sys.modules.get(module_name)
            for part in qualname.split("."):
                obj = getattr(obj, part, None)
            if not isinstance(obj, type) or not issubclass(obj, BaseException):
                return False
            try:
                if str(kind_of(obj)) != expected:
                    return False
            except ValueError:
                return False
        elif kind in ("global", "attr"):
            module_name, _, name = rest.partition(":")
            module = sys.modules.get(module_name)
            if module is None or not hasattr(module, name):
                return False
            if describe(getattr(module, name)) != expected:
                return False
        elif kind in ("classattr", "default"):
            # a class constant (or field default) or a parameter's default
            # value that the code bakes in
            module_name, qualname, name = rest.split(":", 2)
            owner = _resolve(module_name, qualname, entry)
            owner = getattr(owner, "py_func", owner)
            if isinstance(owner, type):  # (not inherited: a subclass of a decorated class)
                owner = owner.__dict__.get("__pjx_class__", owner)
            if owner is None:
                return False
            if kind == "classattr":
                # (as the compiler reads it: frontend.classes.class_attribute,
                # the type pyjitx made first -- a constant assigned to the
                # class after its statement lives there -- then the class)
                value = cache_classes.own_class_attribute(owner, name)
                if value is cache_classes.MISSING:
                    return False
            else:
                try:
                    parameter = inspect.signature(owner).parameters.get(name)
                except (TypeError, ValueError):
                    return False
                if parameter is None or parameter.default is inspect.Parameter.empty:
                    return False
                value = parameter.default
            if describe(value) != expected:
                return False
        elif kind == "free":
            module_name, qualname, name = rest.split(":", 2)
            fn = _resolve(module_name, qualname, entry)
            fn = getattr(fn, "py_func", fn)
            code = getattr(fn, "__code__", None)
            if code is None or name not in code.co_freevars or not fn.__closure__:
                return False
            try:
                value = fn.__closure__[code.co_freevars.index(name)].cell_contents
            except ValueError:
                return False
            if describe(value) != expected:
                return False
        else:
            return False
    return True
