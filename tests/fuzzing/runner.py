"""Run generated programs in CPython and compiled, and compare.

For each program seed: the program is written to a file (so that pyjitx
reads its source as it would a user's), imported, compiled, and run on a
few argument sets drawn from the same seed.  The outcome of a call is its
return value or its exception's type and message, together with the
arguments afterwards (compiled code writes mutated lists and dicts back).
Outcomes compare by type and value, floats by their repr (so -0.0 is not
0.0 and NaN is NaN).

A mismatch is *explained* only when it falls under a documented deviation
(docs/semantics.md); the generator is built so that none of them arise
today, so the list of explanations is empty and every mismatch fails."""
from __future__ import annotations

import copy
import importlib.util
import math
import os
import random
import signal
import tempfile
import traceback
from dataclasses import dataclass, field
from typing import Any, List, Optional

from .generator import WORDS, generate

ARGSETS_PER_PROGRAM = 4


@dataclass
class Mismatch:
    seed: int
    args: Optional[tuple]
    python: str
    compiled: str
    source: str

    def report(self) -> str:
        return (f"--- program seed {self.seed} (rerun: python tests/fuzzing --seed {self.seed} "
                f"--programs 1)\n{self.source}\nargs: {self.args!r}\n"
                f"CPython:  {self.python}\npyjitx:   {self.compiled}\n")


@dataclass
class Tally:
    programs: int = 0
    calls: int = 0
    raised: int = 0          # calls where CPython raised (exercised error paths)
    mismatches: List[Mismatch] = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        self.programs += other.programs
        self.calls += other.calls
        self.raised += other.raised
        self.mismatches.extend(other.mismatches)


def draw_args(rng: random.Random) -> tuple:
    def an_int():
        return rng.choice([rng.randint(-9, 9), rng.randint(-10 ** 6, 10 ** 6),
                           rng.randint(-10 ** 12, 10 ** 12)])

    def a_float():
        return rng.choice([rng.uniform(-100, 100), float(rng.randint(-5, 5)), -0.0,
                           math.inf, -math.inf, math.nan, 0.1, 2.5])

    def a_str():
        return "".join(rng.choice(WORDS + ["1", "7", " ", "é", "ß"])
                       for _ in range(rng.randint(0, 4)))
    xs = [rng.randint(-20, 20) if rng.random() < 0.8 else an_int()
          for _ in range(rng.randint(0, 7))]
    ws = [a_str() for _ in range(rng.randint(0, 5))]
    d = {a_str(): rng.randint(-9, 99) for _ in range(rng.randint(0, 5))}
    return (an_int(), an_int(), a_float(), a_str(), xs, ws, d)


def canonical(value: Any) -> Any:
    """A form of `value` that compares equal exactly when the values are
    the same in the differential sense (types included)."""
    if isinstance(value, float):
        return ("float", repr(value))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [canonical(v) for v in value])
    if isinstance(value, dict):
        return ("dict", [(canonical(k), canonical(v)) for k, v in value.items()])
    return (type(value).__name__, value)


def outcome(fn, args: tuple) -> tuple:
    try:
        result = fn(*args)
    except Exception as exc:      # the oracle's exceptions are data here
        return ("raised", type(exc).__name__, str(exc), canonical(list(args)))
    return ("returned", canonical(result), canonical(list(args)))


def describe(o: tuple) -> str:
    if o[0] == "raised":
        return f"raised {o[1]}: {o[2]}; args after: {o[3]}"
    return f"returned {o[1]}; args after: {o[2]}"


def _load(source: str, seed: int, directory: str):
    path = os.path.join(directory, f"fuzz_prog_{seed}.py")
    with open(path, "w", encoding="utf-8") as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location(f"fuzz_prog_{seed}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.prog


class _Overtime(BaseException):
    """A call ran past its time (not an Exception: outcome() lets it through)."""


# A generated program may not end in CPython either (a loop that inserts
# into the list it walks): such a call is not compared.  The compiled call
# gets more time; if it runs past it where CPython ended, that is a mismatch.
CPYTHON_SECONDS = 5.0
COMPILED_SECONDS = 20.0


def _within(seconds: float, call):
    def on_alarm(signum, frame):
        raise _Overtime()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return call()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_program(seed: int, directory: str, opt: int) -> Tally:
    import pyjitx

    tally = Tally(programs=1)
    source = generate(seed)
    py = _load(source, seed, directory)
    try:
        compiled = pyjitx.compile(py, cache=False, opt=opt)
        compiled.compile_annotated() if hasattr(compiled, "compile_annotated") else None
    except Exception:
        tally.mismatches.append(Mismatch(seed, None, "compiles", "compile failed:\n"
                                         + traceback.format_exc(limit=-3), source))
        return tally
    rng = random.Random(seed * 7919 + 1)
    for _ in range(ARGSETS_PER_PROGRAM):
        args = draw_args(rng)
        try:
            expected = _within(CPYTHON_SECONDS, lambda: outcome(py, copy.deepcopy(args)))
        except _Overtime:
            continue  # (CPython did not finish it either: nothing to compare)
        try:
            actual = _within(COMPILED_SECONDS, lambda: outcome(compiled, copy.deepcopy(args)))
        except _Overtime:
            actual = ("raised", "Overtime", f"still running after {COMPILED_SECONDS} s", "-")
        tally.calls += 1
        tally.raised += expected[0] == "raised"
        if expected != actual:
            tally.mismatches.append(Mismatch(seed, args, describe(expected), describe(actual), source))
    return tally


def run_range(seeds: range, opt_every: int = 4) -> Tally:
    """Programs `seeds`; every `opt_every`-th is compiled at opt=2 and the
    rest at opt=0 (LLVM's optimiser is not what is under test; compiling
    without it is three times faster and so covers more programs)."""
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="pyjitx_fuzz_") as directory:
        for seed in seeds:
            tally.add(run_program(seed, directory, 2 if seed % opt_every == 0 else 0))
    return tally


def run_bounds(bounds: tuple) -> Tally:
    """run_range over range(*bounds): what a worker process is handed."""
    return run_range(range(*bounds))
