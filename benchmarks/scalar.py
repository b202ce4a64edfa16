"""Scalar workloads timed in this process (workloads 1-4).

This module owns the call-overhead, branchy integer loop, recursive fib
and float loop workloads: which implementations take part (CPython, the
plain function; pyjitx, `pyjitx.compile` of the same function; each
importable peer), the correctness check against CPython before timing,
and turning the interleaved samples into rows with goals.
"""
from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import kernels
from .results import (CPYTHON, PYJITX, Row, Settings, apply_goal, error_row, fill_rows,
                      speedups)
from .timing import calibrate, interleave, short_error, time_call, timed_result


def call_loop(f: Callable[[int, int], int], n: int) -> int:
    """The Python loop that drives the call-overhead workload."""
    r = 0
    for i in range(n):
        r = f(i, 1)
    return r


def empty_loop(n: int) -> int:
    """call_loop without the call: the loop's own cost, for reference."""
    r = 0
    for i in range(n):
        r = i
    return r


@dataclass
class ScalarWorkload:
    key: str                         # --only matches this and the title
    title: str                       # "{n}" is replaced by the size
    kernel: Callable                 # the plain Python function
    sizes: Tuple[int, int]           # (default, --quick) argument
    goal: Optional[str] = None       # shown on the pyjitx row
    goal_met: Optional[Callable[[Row], bool]] = None
    per_call: bool = False           # report ns per call of the kernel

    def size(self, settings: Settings) -> int:
        return self.sizes[1] if settings.quick else self.sizes[0]

    def name(self, settings: Settings) -> str:
        return self.title.format(n=f"{self.size(settings):,}")

    def thunk(self, fn: Callable, n: int) -> Callable[[], Any]:
        if self.per_call:
            return lambda: call_loop(fn, n)
        return lambda: fn(n)


WORKLOADS = [
    ScalarWorkload("call", "call overhead: add(i, 1) x {n}", kernels.add, (1_000_000, 200_000),
                   goal="<= 120 ns/call", goal_met=lambda r: r.value <= 120, per_call=True),
    ScalarWorkload("branchy", "branchy int loop, n={n}", kernels.branchy,
                   (10_000_000, 1_000_000),
                   goal=">= 60x CPython", goal_met=lambda r: (r.ratio or 0) >= 60),
    ScalarWorkload("fib", "recursive fib({n})", kernels.fib, (27, 27)),
    ScalarWorkload("float", "float loop (pi by midpoint rule), n={n}", kernels.integrate_pi,
                   (10_000_000, 1_000_000)),
]


def same_result(got: Any, expected: Any) -> Optional[str]:
    """None when equal; "close" for floats equal to 1e-12; else "mismatch"."""
    if type(got) is not type(expected) and not (
            isinstance(got, (int, float)) and isinstance(expected, (int, float))):
        return "mismatch"
    if got == expected:
        return None
    if isinstance(got, float) and isinstance(expected, float) and \
            math.isclose(got, expected, rel_tol=1e-12):
        return "close"
    return "mismatch"


def pyjitx_version(kernel: Callable) -> Callable:
    import pyjitx
    return pyjitx.compile(kernel)


def implementations(w: ScalarWorkload, settings: Settings) -> Dict[str, Callable[[], Callable]]:
    """Implementation label -> a maker returning the function to time."""
    makers: Dict[str, Callable[[], Callable]] = {
        CPYTHON: lambda: w.kernel,
        PYJITX: lambda: pyjitx_version(w.kernel),
    }
    peers = settings.peers
    if peers is not None:
        for label in peers.available:
            makers[label] = lambda label=label: peers.build(label, w.key)
    if w.per_call:
        makers["operator.add (ref)"] = lambda: operator.add
    return makers


def run_workload(w: ScalarWorkload, settings: Settings) -> List[Row]:
    name = w.name(settings)
    n = w.size(settings)
    rows: Dict[str, Row] = {}
    candidates: Dict[str, Callable[[], float]] = {}
    expected: Any = None
    for impl, make in implementations(w, settings).items():
        row = rows[impl] = Row(name, impl)
        try:
            thunk = w.thunk(make(), n)
        except Exception as exc:
            rows[impl] = error_row(name, impl, short_error(exc))
            continue
        try:
            result, first = timed_result(thunk)
        except Exception as exc:
            rows[impl] = error_row(name, impl, short_error(exc))
            continue
        row.extra["first_call_s"] = first
        row.extra["result"] = result
        if impl == CPYTHON:
            expected = result
        else:
            verdict = same_result(result, expected)
            if verdict == "mismatch":
                row.notes = f"mismatch: got {result!r}, CPython {expected!r}"
                continue
            if verdict == "close":
                row.notes = "result within 1e-12 of CPython's, not identical"
        number = calibrate(thunk, first, settings.target)
        row.extra["calls_per_sample"] = number
        candidates[impl] = lambda thunk=thunk, number=number: time_call(thunk, number)
    if w.per_call:
        rows["empty loop (ref)"] = Row(name, "empty loop (ref)", notes="the loop alone, no call")
        candidates["empty loop (ref)"] = lambda: time_call(lambda: empty_loop(n))
    errors: Dict[str, str] = {}
    fill_rows(rows, interleave(candidates, settings.rounds, errors), errors,
              n if w.per_call else 0)
    ordered = list(rows.values())
    speedups(ordered)
    if w.per_call:
        rows["empty loop (ref)"].ratio = None
    if w.goal and w.goal_met:
        apply_goal(ordered, PYJITX, w.goal, w.goal_met)
    return ordered
