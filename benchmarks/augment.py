"""Random-augmentation workloads (issue 18): CPython vs pyjitx.

This module owns two workloads over benchmarks/augment_kernels.py:
`augment` (a batch augmented in one call: shuffle + random deletion +
choices + gauss per example, seeded once) and `augmentone` (one example
per call from a Python loop: the cost of lending the interpreter's
generator to each call on the dispatcher's fast path).  Results are
checked equal to CPython's -- the same numbers, not just the same shape --
before timing.
"""
from __future__ import annotations

import random
from typing import Any, Callable, Dict, List

from . import augment_kernels
from .classes import _timed
from .results import CPYTHON, PYJITX, Row, Settings


def _compiled(name: str) -> Callable:
    import pyjitx

    return pyjitx.compile(getattr(augment_kernels, name))


def run_batch(settings: Settings) -> List[Row]:
    n = 500 if settings.quick else 5_000
    name = f"random augmentation of {n:,} token lists in one call (shuffle + choices + gauss)"
    batch, weights = augment_kernels.augment_inputs(n)
    makers: Dict[str, Callable[[], Callable]] = {
        CPYTHON: lambda: augment_kernels.augment_batch,
        PYJITX: lambda: _compiled("augment_batch")}
    return _timed(name, makers, lambda fn: (lambda: fn(batch, weights, 7)), settings,
                  goal="faster than CPython", met=lambda r: (r.ratio or 0) > 1)


def run_per_call(settings: Settings) -> List[Row]:
    n = 2_000 if settings.quick else 20_000
    name = f"random augmentation, one example per call from Python x {n:,}"
    batch, weights = augment_kernels.augment_inputs(64)

    def loop_over(fn: Any) -> Callable[[], Any]:
        def run() -> Any:
            random.seed(5)
            last: Any = None
            for i in range(n):
                last = fn(batch[i & 63], weights)
            return last, random.random()  # (the interpreter's generator moved on alike)
        return run

    makers: Dict[str, Callable[[], Any]] = {
        CPYTHON: lambda: augment_kernels.augment_one,
        PYJITX: lambda: _compiled("augment_one")}
    return _timed(name, makers, loop_over, settings, goal="faster than CPython",
                  met=lambda r: (r.ratio or 0) > 1, per_call=n)
