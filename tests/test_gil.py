"""Compiled code runs without the GIL: two Python threads running a long
compiled loop at the same time take clearly less than twice one call."""
from __future__ import annotations

import os
import threading
import time

import pytest

import pyjitx

pytestmark = pytest.mark.needs_jit


def spin(n: int, seed: int) -> int:
    s = seed
    for i in range(n):
        s = (s * 31 + i) % 1000003
    return s


c_spin = pyjitx.compile(spin)

TARGET_SECONDS = 0.4


def _timed(n: int, seed: int) -> float:
    t0 = time.perf_counter()
    c_spin(n, seed)
    return time.perf_counter() - t0


def _calibrate() -> int:
    n = 100_000
    c_spin(10, 1)                        # compile outside the timing
    while True:
        t = _timed(n, 1)
        if t >= TARGET_SECONDS / 4 or n >= 2 ** 40:
            return max(n, int(n * TARGET_SECONDS / max(t, 1e-9)))
        n *= 8 if t < TARGET_SECONDS / 64 else 2


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs at least 2 CPUs")
def test_two_threads_run_compiled_code_in_parallel():
    assert c_spin(1000, 7) == spin(1000, 7)
    n = _calibrate()
    single = min(_timed(n, 3) for _ in range(2))
    expected = [c_spin(n, 3), c_spin(n, 4)]

    barrier = threading.Barrier(2)
    results = [None, None]

    def worker(k: int) -> None:
        barrier.wait()
        results[k] = c_spin(n, 3 + k)

    best = None
    for _ in range(2):                   # best of two, to ride out noise
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(2)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        best = wall if best is None else min(best, wall)
        if best < 1.6 * single:
            break
    assert results == expected
    assert best < 1.6 * single, (
        f"two concurrent calls took {best:.3f}s, one call {single:.3f}s: "
        f"the GIL seems to be held while compiled code runs")
