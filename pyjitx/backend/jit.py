"""The in-process JIT: ORC LLJIT, linking relocatable object files against
the runtime instance inside pyjitx._ext (whose symbol addresses it imports
explicitly, so compiled code and the Python bridge share one runtime)."""
from __future__ import annotations

import functools
import itertools
import threading
from typing import Dict, Iterable

import llvmlite.binding as llvm

from .. import _ext
from .target import host_target

_lock = threading.Lock()
_names = itertools.count()


@functools.lru_cache(maxsize=None)
def _jit() -> "llvm.LLJIT":
    # suppress_errors: a link failure becomes our exception, not text on stderr.
    return llvm.create_lljit_compiler(host_target().machine(2), suppress_errors=True)


@functools.lru_cache(maxsize=None)
def _runtime_symbols() -> Dict[str, int]:
    return dict(_ext.runtime_symbols())


class LoadedCode:
    """Machine code linked into the process.  It stays mapped while this
    object lives: keep it referenced by everything that calls into it."""

    def __init__(self, tracker, addresses: Dict[str, int]) -> None:
        self._tracker = tracker
        self.addresses = addresses

    def __getitem__(self, symbol: str) -> int:
        return self.addresses[symbol]


def runtime_symbol_names() -> frozenset:
    return frozenset(_runtime_symbols())


def load_object(object_bytes: bytes, exports: Iterable[str]) -> LoadedCode:
    exports = list(exports)
    builder = llvm.JITLibraryBuilder().add_object_img(object_bytes).add_current_process()
    for name, address in _runtime_symbols().items():
        builder.import_symbol(name, address)
    for name in exports:
        builder.export_symbol(name)
    with _lock:
        tracker = builder.link(_jit(), f"pyjitx_{next(_names)}")
    return LoadedCode(tracker, {name: tracker[name] for name in exports})
