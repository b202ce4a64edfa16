"""What each program in tests/programs runs, and what of it is compared.

Not a program itself.  `WORKLOADS[name]` runs the program's workload the
way its pyperf harness does (through the harness where the harness leaves
something to compare, e.g. a written image; otherwise with the same calls
as the harness) at a given size, and returns a value whose repr holds the
results and the state the run leaves (global lists, counters, the random
generator's next number).  The same workload runs in CPython
(PYJITX_DISABLE_JIT=1) and compiled; tests/test_programs.py compares the
two outputs, benchmarks/programs.py times them.  Each program module is
imported by name from this directory (see _driver.py).
"""
from __future__ import annotations

import hashlib
import io
import os
import random
import tempfile
import types
from dataclasses import dataclass
from typing import Any, Callable


@dataclass
class Workload:
    run: Callable[[Any, Any], Any]   # (module, size) -> what is compared
    test_size: Any                   # small: the test runs this once per implementation
    bench_size: Any                  # pyperformance's default size
    what: str                        # the size in words, for the benchmark table ({} = size)


class FakeRunner:
    """Enough of pyperf.Runner for a harness `main(runner, args)`: each
    bench_* call runs the benchmarked function once."""

    def __init__(self) -> None:
        self.metadata: dict = {}

    def bench_func(self, name: str, func: Callable, *args: Any) -> Any:
        return func(*args)

    def bench_time_func(self, name: str, func: Callable, *args: Any) -> Any:
        return func(1, *args)


def _digest(path: str) -> str:
    with open(path, "rb") as fh:
        data = fh.read()
    return f"{len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}"


def nbody(m: Any, iterations: int) -> Any:
    m.bench_nbody(1, m.DEFAULT_REFERENCE, iterations)   # offset_momentum, energy, advance, energy
    return m.report_energy(), m.SYSTEM


def richards(m: Any, iterations: int) -> Any:
    ok = m.Richards().run(iterations)
    return ok, m.taskWorkArea.holdCount, m.taskWorkArea.qpktCount


def nqueens(m: Any, queen_count: int) -> Any:
    return list(m.n_queens(queen_count))             # bench_n_queens's call, kept


def fannkuch(m: Any, n: int) -> Any:
    return m.fannkuch(n)


def spectral_norm(m: Any, n: int) -> Any:
    # bench_spectral_norm's loop body with DEFAULT_N = n (it keeps no result)
    u = [1] * n
    for dummy in range(10):
        v = m.eval_AtA_times_u(u)
        u = m.eval_AtA_times_u(v)
    vBv = vv = 0
    for ue, ve in zip(u, v):
        vBv += ue * ve
        vv += ve * ve
    return vBv, vv, u


def float_(m: Any, points: int) -> Any:
    p = m.benchmark(points)
    return repr(p), p.x, p.y, p.z


def chaos(m: Any, size: Any) -> Any:
    width, height, iterations = size
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "chaos.ppm")
        args = types.SimpleNamespace(thickness=m.DEFAULT_THICKNESS, width=width, height=height,
                                     iterations=iterations, filename=path,
                                     rng_seed=m.DEFAULT_RNG_SEED)
        m.main(FakeRunner(), args)
        return _digest(path), random.random()


def raytrace(m: Any, size: Any) -> Any:
    width, height = size
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "raytrace.ppm")
        m.bench_raytrace(1, width, height, path)
        return _digest(path)


def go(m: Any, games: int) -> Any:
    m.GAMES = games   # a module constant: set before the first call compiles anything
    return m.versus_cpu(), m.MOVES, m.TIMESTAMP, random.random()


def hexiom(m: Any, levels: Any) -> Any:
    out = []
    for level in levels:
        # main()'s solve, keeping the output it checks against the solution
        board, solution = m.LEVELS[level]
        stream = io.StringIO()
        m.solve_file(board.strip(), m.Done.FIRST_STRATEGY, m.DESCENDING, stream)
        output = "\n".join(line.rstrip() for line in stream.getvalue().splitlines())
        out.append((level, output, output == solution.rstrip()))
    return out


def deltablue(m: Any, n: int) -> Any:
    m.delta_blue(n)   # prints only on failure; the output is compared too
    return m.planner.current_mark


WORKLOADS = {
    "nbody": Workload(nbody, 200, 20000, "{:,} steps"),
    "richards": Workload(richards, 1, 1, "{} iteration"),
    "nqueens": Workload(nqueens, 6, 8, "{} queens"),
    "fannkuch": Workload(fannkuch, 7, 9, "n={}"),
    "spectral_norm": Workload(spectral_norm, 20, 130, "n={}"),
    "float": Workload(float_, 2000, 100000, "{:,} points"),
    "chaos": Workload(chaos, (64, 64, 1000), (256, 256, 5000), "{0[0]}x{0[1]}, {0[2]:,} iterations"),
    "raytrace": Workload(raytrace, (16, 16), (100, 100), "{0[0]}x{0[1]}"),
    "go": Workload(go, 10, 200, "{} games"),
    "hexiom": Workload(hexiom, (2, 10, 20), (25,), "level {0[0]}"),
    "deltablue": Workload(deltablue, 20, 100, "n={}"),
}
