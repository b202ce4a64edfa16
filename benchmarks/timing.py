"""Timing primitives shared by every workload group.

This module owns *how* things are measured: timing a thunk with the garbage
collector off, choosing how many calls make one sample, running candidates
in interleaved rounds (round-robin, the order rotated each round, so drift
in machine speed hits every candidate alike), medians, and running a timing
script in a fresh interpreter.  It knows nothing about pyjitx or the peers.
"""
from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Sequence


def short_error(exc: BaseException, limit: int = 70) -> str:
    """The first non-empty line of an exception, cut to `limit` characters."""
    text = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def time_call(thunk: Callable[[], Any], number: int = 1) -> float:
    """Seconds per call of `thunk`, averaged over `number` back-to-back calls."""
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            thunk()
        elapsed = time.perf_counter() - start
    finally:
        if gc_was_enabled:
            gc.enable()
    return elapsed / number


def timed_result(thunk: Callable[[], Any]) -> "tuple[Any, float]":
    """Call `thunk` once; return (its result, seconds taken)."""
    start = time.perf_counter()
    result = thunk()
    return result, time.perf_counter() - start


def calibrate(thunk: Callable[[], Any], first_seconds: float, target: float) -> int:
    """How many back-to-back calls make a sample of about `target` seconds.

    `first_seconds` is the time of a call already made (the correctness
    check, which may include a lazy compile).  A call already long enough
    is not repeated; otherwise one warm call is timed to decide.
    """
    if first_seconds >= 5 * target:
        return 1
    warm = time_call(thunk)
    if warm >= target:
        return 1
    return max(1, int(target / max(warm, 1e-9)))


def interleave(candidates: Dict[str, Callable[[], Any]], rounds: int,
               errors: Optional[Dict[str, str]] = None) -> Dict[str, List[Any]]:
    """Run each candidate once per round, round-robin, for `rounds` rounds.

    A candidate is a zero-argument callable returning one sample (seconds,
    or a dict of named measurements).  The order rotates every round.  A
    candidate that raises is dropped from later rounds and its short error
    recorded in `errors`.
    """
    names = list(candidates)
    samples: Dict[str, List[Any]] = {name: [] for name in names}
    failed: Dict[str, str] = errors if errors is not None else {}
    for r in range(rounds):
        k = r % len(names) if names else 0
        for name in names[k:] + names[:k]:
            if name in failed:
                continue
            try:
                samples[name].append(candidates[name]())
            except Exception as exc:  # one broken candidate must not stop the run
                failed[name] = short_error(exc)
    return samples


def median(values: Sequence[float]) -> Optional[float]:
    return statistics.median(values) if values else None


def median_of(samples: Sequence[Dict[str, float]], key: str) -> Optional[float]:
    """The median of one named measurement across dict samples."""
    return median([s[key] for s in samples if s.get(key) is not None])


def run_script(path: str, env: Optional[Dict[str, str]] = None, timeout: float = 120.0,
               args: Sequence[str] = ()) -> Dict[str, Any]:
    """Run a Python file in a fresh interpreter and parse its JSON result.

    The script prints one JSON object as its last line of stdout; whatever
    it measured itself (excluding interpreter start) is in there.  A script
    that fails raises RuntimeError with the last line of its stderr.
    """
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    proc = subprocess.run([sys.executable, path, *args], env=full_env, capture_output=True,
                          text=True, timeout=timeout)
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines:
        err = [line for line in proc.stderr.splitlines() if line.strip()]
        reason = err[-1].strip() if err else f"exit status {proc.returncode}"
        raise RuntimeError(reason)
    return json.loads(lines[-1])
