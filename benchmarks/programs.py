"""Programs written by others, each in fresh interpreters (issue 17).

This module owns one workload per program in tests/programs (pyperformance
benchmarks with annotations and @pyjitx.compile added, nothing else): the
program's workload (tests/programs/_workloads.py) at pyperformance's
default size (the test's size with --quick), run by tests/programs/_driver.py
once under CPython (PYJITX_DISABLE_JIT=1) and once compiled, each in its
own interpreter with its own empty PYJITX_CACHE_DIR, so the pyjitx first
call compiles.  Rows: CPython's and pyjitx's median time per run (the
speed-up on pyjitx's), and the time from importing the program to the end
of its first run (pyjitx's includes compiling; CPython's is in the notes).
A program pyjitx cannot compile keeps its rows: "does not compile: ..."
with the first error.  The two results are checked equal before timing
counts.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from typing import Any, Dict, List

from .results import CPYTHON, PYJITX, Row, Settings, error_row, speedups
from .timing import median, short_error

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS_DIR = os.path.join(ROOT, "tests", "programs")
DRIVER = os.path.join(PROGRAMS_DIR, "_driver.py")
FIRST_CALL = "pyjitx: import + first call"


def _workloads() -> Dict[str, Any]:
    sys.path.insert(0, PROGRAMS_DIR)
    try:
        from _workloads import WORKLOADS
    finally:
        sys.path.remove(PROGRAMS_DIR)
    return WORKLOADS


def names() -> List[str]:
    """The programs, as tests/test_programs.py finds them."""
    return sorted(f[:-3] for f in os.listdir(PROGRAMS_DIR)
                  if f.endswith(".py") and f != "pyperf.py" and not f.startswith("_"))


def title(name: str, settings: Settings = None) -> str:
    w = _workloads()[name]
    size = w.test_size if settings is not None and settings.quick else w.bench_size
    return f"program {name} (pyperformance): {w.what.format(size)}"


def _child(name: str, jit: bool, settings: Settings) -> Dict[str, Any]:
    """One interpreter: import the program, run its workload once (the first
    call), then settings.rounds samples; its JSON line."""
    cache = tempfile.mkdtemp(prefix="pyjitx-bench-program-")
    env = dict(os.environ)
    env.pop("PYJITX_DISABLE_JIT", None)
    if not jit:
        env["PYJITX_DISABLE_JIT"] = "1"
    env["PYJITX_CACHE_DIR"] = cache
    env["PYTHONPATH"] = os.pathsep.join([ROOT] + ([env["PYTHONPATH"]]
                                                   if env.get("PYTHONPATH") else []))
    env["PYTHONHASHSEED"] = "0"
    w = _workloads()[name]
    size = w.test_size if settings.quick else w.bench_size
    args = [sys.executable, DRIVER, name, "--bench", "--size", repr(size),
            "--rounds", str(settings.rounds), "--target", str(settings.target)]
    try:
        proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=900,
                              cwd=cache)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines or not lines[-1].startswith("{"):
        err = [line for line in proc.stderr.splitlines() if line.strip()]
        raise RuntimeError(err[-1].strip() if err else f"exit status {proc.returncode}")
    return json.loads(lines[-1])


def run_program(name: str, settings: Settings) -> List[Row]:
    workload = title(name, settings)
    try:
        plain = _child(name, jit=False, settings=settings)
    except Exception as exc:
        return [error_row(workload, CPYTHON, short_error(exc))]
    if "error" in plain:
        return [error_row(workload, CPYTHON, plain["error"])]
    rows = [Row(workload, CPYTHON, median(plain["samples"]), samples=plain["samples"])]
    plain_first = plain["import_s"] + plain["first_s"]
    try:
        jit = _child(name, jit=True, settings=settings)
    except Exception as exc:
        rows.append(error_row(workload, PYJITX, short_error(exc)))
        return rows
    if "error" in jit:
        what = "does not compile" if jit.get("compile_error") else "fails"
        rows.append(Row(workload, PYJITX, notes=f"{what}: {short_error_text(jit['error'])}"))
        return rows
    if jit["result"] != plain["result"]:
        rows.append(Row(workload, PYJITX, notes="WRONG: the result differs from CPython's"))
        return rows
    first = jit["import_s"] + jit["first_s"]
    rows.append(Row(workload, PYJITX, median(jit["samples"]), samples=jit["samples"]))
    rows.append(Row(workload, FIRST_CALL, first * 1e3, "ms",
                    notes=f"compiles the program; CPython {plain_first * 1e3:.0f} ms",
                    extra={"import_s": jit["import_s"], "first_s": jit["first_s"],
                           "cpython_import_s": plain["import_s"],
                           "cpython_first_s": plain["first_s"]}))
    speedups(rows[:2])   # (not the first-call row: another unit)
    return rows


def short_error_text(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
