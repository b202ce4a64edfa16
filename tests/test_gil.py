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


def _other_runnable_tasks() -> int:
    """Runnable tasks besides this process (max of a few samples of
    /proc/loadavg's running count; the reading thread counts itself)."""
    best = 0
    try:
        for _ in range(10):
            with open("/proc/loadavg") as f:
                running = int(f.read().split()[3].split("/")[0])
            best = max(best, running - 1)
            time.sleep(0.02)
    except (OSError, ValueError, IndexError):
        busy = os.getloadavg()[0] - 1.0
        return max(0, int(busy + 0.5))
    return best


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
    if best >= 1.6 * single:
        # Timing needs two idle cores.  When other processes keep CPUs busy
        # the bound cannot be judged (test_python_thread_runs_during_compiled_call
        # checks the GIL release independently of free cores).
        others = _other_runnable_tasks()
        cpus = os.cpu_count() or 1
        if others >= cpus - 1:
            pytest.skip(f"{others} other runnable task(s) on {cpus} CPUs: concurrent "
                        f"{best:.3f}s vs single {single:.3f}s not judged")
    assert best < 1.6 * single, (
        f"two concurrent calls took {best:.3f}s, one call {single:.3f}s: "
        f"the GIL seems to be held while compiled code runs")


def test_python_thread_runs_during_compiled_call():
    # While a long compiled call runs in a worker thread, the main thread
    # keeps running Python code.  If the GIL were held, the main thread would
    # stall for about the whole call.  Independent of the number of cores.
    n = _calibrate()
    single = min(_timed(n, 5) for _ in range(2))
    state = {"done": False}

    def worker() -> None:
        c_spin(n, 5)
        state["done"] = True

    th = threading.Thread(target=worker)
    last = time.perf_counter()
    worst_gap = 0.0
    iterations = 0
    th.start()
    while not state["done"]:
        now = time.perf_counter()
        worst_gap = max(worst_gap, now - last)
        last = now
        iterations += 1
    th.join()
    assert iterations > 100, iterations
    assert worst_gap < 0.5 * single, (
        f"the main thread stalled for {worst_gap:.3f}s during a {single:.3f}s compiled "
        f"call: the GIL seems to be held while compiled code runs")


def div_or_raise(a: int, b: int) -> int:
    return (a * 7 + 3) // b


def first_call_target(a: int, x: float) -> float:
    s = 0.0
    for i in range(a):
        s += x * i
    return s


def test_concurrent_first_calls_compile_once_and_agree():
    # all threads hit the lazy compilation at the same time
    c = pyjitx.compile(first_call_target, cache=False)
    n_threads = 8
    barrier = threading.Barrier(n_threads)
    results: list = [None] * n_threads
    errors: list = []

    def worker(k: int) -> None:
        try:
            barrier.wait()
            results[k] = c(1000 + k, 0.5)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert results == [first_call_target(1000 + k, 0.5) for k in range(n_threads)]


def test_exceptions_do_not_leak_between_threads():
    c = pyjitx.compile(div_or_raise, cache=False)
    c(1, 1)
    rounds = 3000
    barrier = threading.Barrier(2)
    problems: list = []

    def raiser() -> None:
        barrier.wait()
        for i in range(rounds):
            try:
                c(i, 0)
            except ZeroDivisionError:
                continue
            except BaseException as exc:  # noqa: BLE001
                problems.append(("raiser", repr(exc)))
                return
            problems.append(("raiser", "no exception"))
            return

    def computer() -> None:
        barrier.wait()
        for i in range(rounds):
            try:
                got = c(i, 3)
            except BaseException as exc:  # noqa: BLE001
                problems.append(("computer", repr(exc)))
                return
            if got != (i * 7 + 3) // 3:
                problems.append(("computer", got))
                return

    threads = [threading.Thread(target=raiser), threading.Thread(target=computer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not problems, problems
