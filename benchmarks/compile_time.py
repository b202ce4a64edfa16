"""Compile-time workloads, each sample in fresh interpreters (workloads 5-6).

This module owns the cold-compile workload (cold_kernel.walk_score compiled
with cache=False, eager=True in a new process every round; numba's eager
njit of the same function alongside for reference, when installed) and the
cached-load workload (a first process compiles into a temporary
PYJITX_CACHE_DIR, a second one imports the same module file and calls the
function).  Times are taken inside the child, so interpreter start-up is
excluded.
"""
from __future__ import annotations

import inspect
import os
import shutil
import tempfile
from typing import Any, Callable, Dict, List

from . import cold_kernel
from .results import PYJITX, Row, Settings, apply_goal, error_row, join_notes
from .timing import interleave, median_of, run_script, short_error

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))

# Each child prints one JSON line; times are perf_counter differences.
COLD_PYJITX = """\
import time
_t0 = time.perf_counter()
import json, sys
import pyjitx
_t1 = time.perf_counter()
sys.path.insert(0, {bench_dir!r})
import cold_kernel
_t2 = time.perf_counter()
f = pyjitx.compile(cold_kernel.walk_score, cache=False, eager=True)
_t3 = time.perf_counter()
result = f(*cold_kernel.ARGS)
print(json.dumps({{"import_s": _t1 - _t0, "compile_s": _t3 - _t2,
                  "total_s": _t3 - _t0, "result": result}}))
"""

COLD_NUMBA = """\
import time
_t0 = time.perf_counter()
import json, sys
import numba
_t1 = time.perf_counter()
sys.path.insert(0, {bench_dir!r})
import cold_kernel
_t2 = time.perf_counter()
f = numba.njit("float64(int64, int64, float64)")(cold_kernel.walk_score)
_t3 = time.perf_counter()
result = f(*cold_kernel.ARGS)
print(json.dumps({{"import_s": _t1 - _t0, "compile_s": _t3 - _t2,
                  "total_s": _t3 - _t0, "result": result}}))
"""

# The module both processes of the cached-load workload import.
CACHED_MODULE = """\
import math

import pyjitx

ARGS = {args!r}


@pyjitx.compile
{source}"""

# Run twice with the same PYJITX_CACHE_DIR: the first compiles and stores,
# the second should load.  `compiled` counts compilations (None: unknown).
CACHED_CHILD = """\
import time
_t0 = time.perf_counter()
import json, os, sys
import pyjitx
_t1 = time.perf_counter()
compiled = None
try:
    import pyjitx.api as _api
    if not _api.jit_disabled():
        _real = _api.compile_function
        compiled = 0
        def _counting(*a, **k):
            global compiled
            compiled += 1
            return _real(*a, **k)
        _api.compile_function = _counting
except Exception:
    compiled = None
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
_t2 = time.perf_counter()
import cached_walk
result = cached_walk.walk_score(*cached_walk.ARGS)
_t3 = time.perf_counter()
print(json.dumps({"import_s": _t1 - _t0, "first_result_s": _t3 - _t2,
                  "result": result, "compiled": compiled}))
"""


def _expected() -> float:
    return cold_kernel.walk_score(*cold_kernel.ARGS)


def _check(result: Any, expected: Any) -> str:
    return "" if result == expected else f"mismatch: got {result!r}, CPython {expected!r}"


def _ms(samples: List[Dict[str, Any]], key: str) -> Any:
    value = median_of(samples, key)
    return None if value is None else value * 1e3


def run_cold_compile(settings: Settings) -> List[Row]:
    name = "cold compile: 30-line function, fresh process"
    expected = _expected()
    tmp = tempfile.mkdtemp(prefix="pyjitx-bench-cold-")
    env = {"PYJITX_CACHE_DIR": os.path.join(tmp, "cache")}
    try:
        scripts = {PYJITX: COLD_PYJITX}
        if settings.peers is not None and "numba" in settings.peers.available:
            scripts["numba"] = COLD_NUMBA
        candidates: Dict[str, Callable[[], Any]] = {}
        failures: Dict[str, str] = {}
        for impl, template in scripts.items():
            path = os.path.join(tmp, f"cold_{impl}.py")
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(template.format(bench_dir=BENCH_DIR))
            try:
                problem = _check(run_script(path, env)["result"], expected)
            except Exception as exc:
                problem = f"error: {short_error(exc)}"
            if problem:
                failures[impl] = problem
            else:
                candidates[impl] = lambda path=path: run_script(path, env)
        errors: Dict[str, str] = {}
        samples = interleave(candidates, settings.subprocess_rounds, errors)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    rows: List[Row] = []
    for impl in scripts:
        ref = "" if impl == PYJITX else " (ref)"
        problem = failures.get(impl) or (f"error: {errors[impl]}" if impl in errors else "")
        if problem:
            rows.append(Row(name, impl + ref, notes=problem))
            continue
        s = samples[impl]
        what = "compile(eager=True)" if impl == PYJITX else "njit(signature)"
        rows.append(Row(name, f"{impl}{ref}: {what} alone", _ms(s, "compile_s"), "ms",
                        samples=[x["compile_s"] * 1e3 for x in s]))
        rows.append(Row(name, f"{impl}{ref}: import + compile", _ms(s, "total_s"), "ms",
                        samples=[x["total_s"] * 1e3 for x in s]))
        rows.append(Row(name, f"{impl}{ref}: import alone", _ms(s, "import_s"), "ms",
                        samples=[x["import_s"] * 1e3 for x in s]))
    if rows and rows[0].value is not None:
        apply_goal(rows[:1], rows[0].impl, "<= 150 ms", lambda r: r.value <= 150)
    return rows


def _cached_round(source: str) -> Dict[str, Any]:
    """One round: a fresh cache directory, the first process, the second."""
    tmp = tempfile.mkdtemp(prefix="pyjitx-bench-cache-")
    try:
        with open(os.path.join(tmp, "cached_walk.py"), "w", encoding="utf-8") as fh:
            fh.write(CACHED_MODULE.format(args=cold_kernel.ARGS, source=source))
        child = os.path.join(tmp, "child.py")
        with open(child, "w", encoding="utf-8") as fh:
            fh.write(CACHED_CHILD)
        cache_dir = os.path.join(tmp, "cache")
        env = {"PYJITX_CACHE_DIR": cache_dir}
        first = run_script(child, env)
        entries = sum(len(files) for _, _, files in os.walk(cache_dir))
        second = run_script(child, env)
        return {"first": first, "second": second, "cache_files": entries}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_cached_load(settings: Settings) -> List[Row]:
    name = "cached load in a 2nd process"
    expected = _expected()
    source = inspect.getsource(cold_kernel.walk_score)
    try:
        check = _cached_round(source)
    except Exception as exc:
        return [error_row(name, PYJITX, short_error(exc))]
    problem = _check(check["first"]["result"], expected) or \
        _check(check["second"]["result"], expected)
    if problem:
        return [Row(name, PYJITX, notes=problem)]
    errors: Dict[str, str] = {}
    rounds = interleave({PYJITX: lambda: _cached_round(source)},
                        settings.subprocess_rounds, errors)[PYJITX]
    if errors:
        return [error_row(name, PYJITX, errors[PYJITX])]
    firsts = [r["first"] for r in rounds]
    seconds = [r["second"] for r in rounds]

    compiled = [s["compiled"] for s in seconds]
    if any(c is None for c in compiled):
        hit = "cache use unknown"
    elif any(compiled):
        hit = f"cache MISSED in {sum(1 for c in compiled if c)}/{len(compiled)} rounds"
    else:
        hit = "loaded from cache (no compile)"
    if not all(r["cache_files"] for r in rounds):
        hit = join_notes(hit, "cache dir empty after 1st process")

    load = Row(name, "pyjitx 2nd process: decorate -> first result",
               _ms(seconds, "first_result_s"), "ms",
               samples=[s["first_result_s"] * 1e3 for s in seconds], notes=hit)
    apply_goal([load], load.impl, "<= 20 ms", lambda r: r.value <= 20)
    return [
        load,
        Row(name, "pyjitx 2nd process: import pyjitx", _ms(seconds, "import_s"), "ms",
            samples=[s["import_s"] * 1e3 for s in seconds]),
        Row(name, "pyjitx 1st process: decorate -> first result",
            _ms(firsts, "first_result_s"), "ms",
            samples=[s["first_result_s"] * 1e3 for s in firsts],
            notes="compiles and stores (reference)"),
    ]
