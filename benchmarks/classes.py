"""Class workloads timed in this process (issue 4).

This module owns the two method-call workloads: `Scorer.score` called
1,000,000 times inside compiled code (method_loop: CPython, pyjitx, and
matxscript / numba's jitclass where they script it), and called from a
Python loop (ns per call: CPython's method, pyjitx's compiled class).  The
results are checked equal to CPython's before timing.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List

from . import class_kernels
from .peers import quiet
from .results import CPYTHON, PYJITX, Row, Settings, apply_goal, error_row, fill_rows, speedups
from .timing import calibrate, interleave, short_error, time_call, timed_result


def _pyjitx_loop() -> Callable:
    import pyjitx

    return pyjitx.compile(class_kernels.method_loop)


def _matx_loop() -> Callable:
    import matx

    with quiet():
        matx.script(class_kernels.Scorer)
        return matx.script(class_kernels.method_loop)


def _numba_scorer_class() -> Any:
    from numba import types
    from numba.experimental import jitclass

    spec = [("table", types.DictType(types.unicode_type, types.int64)), ("bonus", types.int64),
            ("calls", types.int64)]

    @jitclass(spec)
    class Scorer:
        def __init__(self, table, bonus):
            self.table = table
            self.bonus = bonus
            self.calls = 0

        def score(self, word):
            self.calls += 1
            return self.table.get(word, 0) + self.bonus

    return Scorer


def _numba_table(table: Dict[str, int]) -> Any:
    from numba import typed, types

    typed_table = typed.Dict.empty(types.unicode_type, types.int64)
    for k, v in table.items():
        typed_table[k] = v
    return typed_table


def _numba_loop() -> Callable:
    from numba import njit, typed

    Scorer = _numba_scorer_class()

    @njit
    def loop(words, table, n):
        scorer = Scorer(table, 1)
        total = 0
        m = len(words)
        for i in range(n):
            total += scorer.score(words[i % m])
        return total + scorer.calls

    def call(words: List[str], table: Dict[str, int], n: int) -> int:
        return loop(typed.List(words), _numba_table(table), n)

    return call


def run_method_loop(settings: Settings) -> List[Row]:
    n = 100_000 if settings.quick else 1_000_000
    name = f"method call inside compiled code: Scorer.score x {n:,} (Dict[str, int] attribute)"
    words, table = class_kernels.class_inputs()
    makers: Dict[str, Callable[[], Callable]] = {
        CPYTHON: lambda: class_kernels.method_loop, PYJITX: _pyjitx_loop}
    if settings.peers is not None:
        if "matxscript" in settings.peers.available:
            makers["matxscript"] = _matx_loop
        if "numba" in settings.peers.available:
            makers["numba: jitclass"] = _numba_loop
    return _timed(name, makers, lambda fn: (lambda: fn(words, table, n)), settings,
                  goal=">= 4x CPython", met=lambda r: (r.ratio or 0) >= 4)


def run_method_from_python(settings: Settings) -> List[Row]:
    n = 100_000 if settings.quick else 1_000_000
    name = f"method call from a Python loop: obj.score(w) x {n:,}"
    words, table = class_kernels.class_inputs()
    word = words[0]

    def compiled_instance() -> Any:
        import pyjitx

        return pyjitx.compile(class_kernels.Scorer)(table, 1)

    def loop_over(obj: Any) -> Callable[[], int]:
        def run() -> int:
            score = obj.score
            r = 0
            for _ in range(n):
                r = score(word)
            return r
        return run

    def matx_instance() -> Any:
        import matx

        with quiet():
            return matx.script(class_kernels.Scorer)(table, 1)

    makers: Dict[str, Callable[[], Any]] = {
        CPYTHON: lambda: class_kernels.Scorer(table, 1), PYJITX: compiled_instance}
    if settings.peers is not None:
        if "matxscript" in settings.peers.available:
            makers["matxscript"] = matx_instance
        if "numba" in settings.peers.available:
            makers["numba: jitclass"] = lambda: _numba_scorer_class()(_numba_table(table), 1)
    return _timed(name, makers, loop_over, settings, goal="<= 150 ns/call",
                  met=lambda r: r.value <= 150, per_call=n)


def _timed(name: str, makers: Dict[str, Callable[[], Any]], thunk_of: Callable[[Any], Callable],
           settings: Settings, goal: str, met: Callable[[Row], bool], per_call: int = 0) -> List[Row]:
    rows: Dict[str, Row] = {}
    candidates: Dict[str, Callable[[], float]] = {}
    expected: Any = None
    for impl, make in makers.items():
        rows[impl] = Row(name, impl)
        try:
            thunk = thunk_of(make())
            result, first = timed_result(thunk)
        except Exception as exc:
            rows[impl] = error_row(name, impl, short_error(exc))
            continue
        if impl == CPYTHON:
            expected = result
        elif result != expected:
            rows[impl].notes = f"WRONG: {result!r} vs CPython {expected!r}"
            continue
        number = calibrate(thunk, first, settings.target)
        candidates[impl] = lambda thunk=thunk, number=number: time_call(thunk, number)
    errors: Dict[str, str] = {}
    fill_rows(rows, interleave(candidates, settings.rounds, errors), errors, per_call)
    ordered = list(rows.values())
    speedups(ordered)
    apply_goal(ordered, PYJITX, goal, met)
    return ordered


def _matx_mixed() -> Callable:
    import matx

    with quiet():
        return matx.script(class_kernels.mixed_sum)


def run_mixed(settings: Settings) -> List[Row]:
    n = 2_000 if settings.quick else 10_000
    name = f"List[Any] of {n:,} mixed values (int/float/str/None/list), isinstance dispatch"
    values = class_kernels.mixed_inputs(n)
    makers: Dict[str, Callable[[], Callable]] = {
        CPYTHON: lambda: class_kernels.mixed_sum,
        PYJITX: lambda: __import__("pyjitx").compile(class_kernels.mixed_sum)}
    if settings.peers is not None and "matxscript" in settings.peers.available:
        makers["matxscript"] = _matx_mixed
    return _timed(name, makers, lambda fn: (lambda: fn(values)), settings,
                  goal="faster than CPython", met=lambda r: (r.ratio or 0) > 1)
