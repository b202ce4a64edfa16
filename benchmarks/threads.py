"""GIL release (workload 7): two threads running compiled code at once.

This module owns the threading workload: the pyjitx-compiled branchy loop
is sized so one call takes a few hundred milliseconds, then two calls run
serially and two run concurrently on two Python threads, in interleaved
rounds.  The wall-time ratio serial / concurrent is about 2x when compiled
code runs without the GIL (on 2 or more cores).  CPython's own loop is the
control: it holds the GIL, so its ratio stays near 1x.
"""
from __future__ import annotations

import os
import threading
import time
from typing import Callable, Dict, List, Tuple

from . import kernels
from .results import CPYTHON, PYJITX, Row, Settings, error_row, goal_note, join_notes
from .scalar import pyjitx_version
from .timing import interleave, median, short_error

NAME = "GIL release: 2 threads vs 2 serial calls"


def size_for(fn: Callable[[int], int], seconds: float) -> int:
    """An n for which fn(n) takes about `seconds`."""
    n = 10_000
    while True:
        start = time.perf_counter()
        fn(n)
        took = time.perf_counter() - start
        if took >= seconds / 8 or n >= 1 << 31:   # i*i stays far below 2**63
            return max(1, min(1 << 31, int(n * seconds / max(took, 1e-9))))
        n *= 8


def serial(fn: Callable[[int], int], n: int) -> Tuple[float, list]:
    start = time.perf_counter()
    results = [fn(n), fn(n)]
    return time.perf_counter() - start, results


def concurrent(fn: Callable[[int], int], n: int) -> Tuple[float, list]:
    results: List[int] = [0, 0]

    def work(k: int) -> None:
        results[k] = fn(n)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, results


def other_runnable() -> int:
    """Runnable tasks besides this thread right now (Linux; 0 when unknown).

    Two threads can only show a 2x speed-up on 2 cores if nothing else
    wants them; the GIL row says so when something does.
    """
    counts = []
    try:
        for _ in range(5):
            with open("/proc/loadavg", encoding="ascii") as fh:
                counts.append(int(fh.read().split()[3].split("/")[0]) - 1)
            time.sleep(0.01)
    except (OSError, ValueError, IndexError):
        return 0
    return sorted(counts)[len(counts) // 2]


def run_gil(settings: Settings) -> List[Row]:
    others = other_runnable()
    busy = f"{others} other runnable process(es) at start" if others else ""
    per_call = 0.08 if settings.quick else 0.25
    fns: Dict[str, Callable[[int], int]] = {CPYTHON: kernels.branchy}
    rows: List[Row] = []
    unusable: List[Row] = []
    try:
        compiled = pyjitx_version(kernels.branchy)
        got, want = compiled(10_001), kernels.branchy(10_001)
        if got != want:
            unusable.append(Row(NAME, PYJITX, notes=f"mismatch: got {got!r}, CPython {want!r}"))
        else:
            fns[PYJITX] = compiled
    except Exception as exc:
        unusable.append(error_row(NAME, PYJITX, short_error(exc)))

    sizes = {impl: size_for(fn, per_call) for impl, fn in fns.items()}
    expected = {impl: fn(sizes[impl]) for impl, fn in fns.items()}
    candidates = {}
    for impl, fn in fns.items():
        for mode, run in (("serial", serial), ("threads", concurrent)):
            def sample(fn=fn, n=sizes[impl], run=run, want=expected[impl]) -> float:
                wall, results = run(fn, n)
                if results != [want, want]:
                    raise RuntimeError(f"wrong results {results!r}, expected {want!r}")
                return wall
            candidates[(impl, mode)] = sample
    errors: Dict = {}
    samples = interleave(candidates, settings.rounds, errors)

    cores = os.cpu_count() or 1
    for impl in fns:
        s_key, t_key = (impl, "serial"), (impl, "threads")
        failed = errors.get(s_key) or errors.get(t_key)
        if failed:
            rows.append(error_row(NAME, impl, failed))
            continue
        s_med, t_med = median(samples[s_key]), median(samples[t_key])
        size = f"n={sizes[impl]:,} per call"
        rows.append(Row(NAME, f"{impl}: 2 calls serially", s_med, "s",
                        samples=samples[s_key], notes=size))
        ratio = s_med / t_med if s_med and t_med else None
        if impl == PYJITX:
            goal = join_notes(goal_note(f"~2x on {cores} cores",
                                        None if ratio is None else ratio >= 1.7), busy)
        else:
            goal = "control: holds the GIL, ~1x expected"
        rows.append(Row(NAME, f"{impl}: 2 threads", t_med, "s", samples=samples[t_key],
                        notes=join_notes("ratio = serial / threaded wall time", goal),
                        ratio=ratio))
    return rows + unusable
