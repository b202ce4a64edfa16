"""What ties a saved directory's object files to a machine and a runtime,
and the checks a loader makes before running any of them.

- The ABI: generated code depends on the runtime's C ABI (object layouts,
  calling convention of entry points, error kinds).  Its version number is
  pyjitx.backend.abi.ABI_VERSION (and the runtime's own PJX_ABI_VERSION);
  the hash below also covers the tables the compiler and the runtime must
  agree on, so that a change to them without a version bump is still
  caught.  Each op also lists the runtime functions it imports: a runtime
  lacking one is refused by name instead of failing to link.
- The target: the triple, and the CPU features the code may use.  Saved
  ops are compiled for a baseline CPU (x86-64-v2, DESIGN-NOTES) unless the
  user asks for the host's own; a machine lacking a required feature is
  refused instead of dying on SIGILL.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import FrozenSet, Tuple

from ..backend import abi
from ..backend.target import Target, host_target, portable_target

# x86-64-v2 (the psABI level) in LLVM's feature names
X86_64_V2_FEATURES = ("64bit", "cmov", "cx8", "cx16", "fxsr", "mmx", "popcnt", "sahf", "sse",
                      "sse2", "sse3", "ssse3", "sse4.1", "sse4.2")


@functools.lru_cache(maxsize=None)
def abi_hash() -> str:
    from .. import exceptions
    from .. import regex_program

    text = "|".join([
        "pyjitx-abi", str(abi.ABI_VERSION), abi.ABI_SYMBOL,
        ",".join(f"{name}={kind}" for name, kind in sorted(abi.ERROR_KINDS.items())),
        f"user-exceptions={exceptions.USER_BASE}+{exceptions.USER_SPAN}",
        "class-id=crc32(module.qualname)|2**32",
        f"regex-program={regex_program.VERSION}",
    ])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def runtime_abi_version() -> int:
    from .. import _ext

    return int(_ext.ABI_VERSION)


@dataclass(frozen=True)
class TargetSpec:
    """The target written in a manifest."""

    triple: str
    cpu: str
    features: Tuple[str, ...]  # required, without the "+"


def saving_target(portable: bool) -> Tuple[Target, TargetSpec]:
    """The target to compile saved ops for: the baseline x86-64 CPU, or
    this host (`portable=False`, or a host that is not x86-64)."""
    host = host_target()
    if portable and host.triple.startswith("x86_64"):
        target = portable_target()
        return target, TargetSpec(target.triple, target.cpu, X86_64_V2_FEATURES)
    return host, TargetSpec(host.triple, host.cpu, tuple(sorted(host_features())))


@functools.lru_cache(maxsize=None)
def host_features() -> FrozenSet[str]:
    return frozenset(f[1:] for f in host_target().features.split(",") if f.startswith("+"))


def missing_features(required: Tuple[str, ...]) -> Tuple[str, ...]:
    have = host_features()
    return tuple(f for f in required if f not in have)
