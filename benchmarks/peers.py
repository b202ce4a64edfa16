"""The optional peer compilers: numba, matxscript and torch.jit.

This module owns finding out which peers import (and their versions),
the environment they need (matxscript's build directory, its log noise),
and handing out a peer's version of a scalar workload from that peer's
module (scalar_numba, scalar_matx, scalar_torch).  A peer that is absent
is listed once as "not installed" and never appears in the table.
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.util
import logging
import os
import warnings
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator

# label in the table -> (module to import, the benchmarks module with its versions)
PEERS = {
    "numba": ("numba", "scalar_numba"),
    "matxscript": ("matx", "scalar_matx"),
    "torch.jit": ("torch", "scalar_torch"),
}

MATX_DSO_DIR = os.path.join(os.path.expanduser("~"), ".cache", "pyjitx-bench", "matx-dso")


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence the peers' import- and compile-time warnings and log lines."""
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(logging.NOTSET)


@dataclass
class Peers:
    available: Dict[str, str] = field(default_factory=dict)   # label -> version
    missing: Dict[str, str] = field(default_factory=dict)     # label -> why

    def build(self, label: str, key: str) -> Callable:
        """The peer's compiled function for scalar workload `key` (may raise)."""
        module = importlib.import_module(f"benchmarks.{PEERS[label][1]}")
        with quiet():
            return module.build(key)


def detect() -> Peers:
    """Import each peer once; record its version or why it is unavailable."""
    # matxscript writes its generated C++ and .so files to ./dso unless told;
    # keep them out of the working tree and reuse them across runs.
    os.environ.setdefault("MATX_DSO_DIR", MATX_DSO_DIR)
    os.makedirs(os.environ["MATX_DSO_DIR"], exist_ok=True)
    peers = Peers()
    for label, (module_name, _) in PEERS.items():
        if importlib.util.find_spec(module_name) is None:
            peers.missing[label] = "not installed"
            continue
        try:
            with quiet():
                module = importlib.import_module(module_name)
            if label == "torch.jit" and not hasattr(module.jit, "script"):
                raise ImportError("torch.jit.script is unavailable")
            peers.available[label] = str(getattr(module, "__version__", "?"))
        except Exception as exc:  # a broken install is reported, not fatal
            first = (str(exc).splitlines() or [""])[0][:60]
            peers.missing[label] = f"import failed: {type(exc).__name__}: {first}"
    return peers
