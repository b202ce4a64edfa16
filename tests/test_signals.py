"""Signals while compiled code runs (pyjitx/_signals.c, runtime.h "interrupts").

Each scenario runs in a subprocess with a timeout, since a failure here is a
hang: a SIGALRM handler runs on time while a long compiled loop goes on and
the loop then finishes with its result; SIGINT (as Ctrl-C sends it) stops
`while True:` with KeyboardInterrupt within milliseconds, through `for`
loops, comprehensions and loop-free recursion too; the exception reaches
the caller as the object the handler raised, compiled `except` clauses
catch it as CPython's would (`except Exception` does not) and `finally`
runs; a handler installed after pyjitx chained its own is chained again;
worker threads in compiled loops are neither interrupted nor stalled; and
every loop form polls (the IR verifier refuses a loop that does not)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

import pyjitx
from pyjitx.compiler import build_ir
from pyjitx.ir.types import INT

pytestmark = pytest.mark.needs_jit

REPO = Path(__file__).resolve().parents[1]

PRELUDE = '''
import os, signal, sys, threading, time
from typing import List
import pyjitx

@pyjitx.compile
def count(n: int) -> int:
    total = 0
    i = 0
    while i < n:
        total += i % 7
        i += 1
    return total

@pyjitx.compile(eager=True)
def forever() -> int:
    k = 0
    while True:
        k += 1
    return k

def seconds_of_counting(seconds):
    """n such that count(n) takes about `seconds` on this machine."""
    count(1)  # (compiled first, outside the timing)
    n = 1 << 20
    while True:
        t = time.perf_counter(); count(n); took = time.perf_counter() - t
        if took > 0.05:
            return int(n * seconds / took)
        n *= 4

def interrupt_in(delay, signum=signal.SIGINT):
    """signum to this process after `delay` seconds, from another thread
    (as Ctrl-C would arrive); returns the time it was sent."""
    sent = []
    def send():
        time.sleep(delay)
        sent.append(time.perf_counter())
        os.kill(os.getpid(), signum)
    threading.Thread(target=send, daemon=True).start()
    return sent
'''


def script_file(body: str) -> str:
    """PRELUDE + body as a .py file (pyjitx compiles from source files)."""
    handle, path = tempfile.mkstemp(suffix=".py", prefix="pjx_signals_")
    with os.fdopen(handle, "w") as f:
        f.write(PRELUDE + textwrap.dedent(body))
    return path


def _default_sigint() -> None:
    """In the child before exec: SIGINT at its default, so that the child's
    Python installs KeyboardInterrupt's handler as in a terminal (a shell
    starts background jobs, CI's among them, with SIGINT ignored, which the
    child would inherit)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_script(body: str, timeout: float = 120) -> str:
    """Runs PRELUDE + body in a fresh interpreter; it must exit 0.  Returns stdout."""
    path = script_file(body)
    try:
        done = subprocess.run([sys.executable, path], capture_output=True, text=True,
                              timeout=timeout, env=dict(os.environ, PYTHONPATH=str(REPO)),
                              preexec_fn=_default_sigint)
    finally:
        os.unlink(path)
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_a_handler_that_does_not_raise_runs_on_time_and_the_loop_goes_on():
    out = run_script('''
        n = seconds_of_counting(1.0)
        fired = []
        signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(time.perf_counter()))
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        result = count(n)
        took = time.perf_counter() - start
        # the loop finished with its own result after the handler ran in it
        assert result == sum(range(7)) * (n // 7) + sum(range(n % 7)), result
        assert len(fired) == 1 and took > 0.5, (fired, took)
        print("late by", fired[0] - start - 0.2, "of", took)
    ''')
    late = float(out.split()[2])
    assert 0 <= late < 0.15, out  # (CPython's own delay is a few microseconds)


def test_sigint_stops_while_true_with_keyboard_interrupt_within_milliseconds():
    out = run_script('''
        sent = interrupt_in(0.2)
        try:
            forever()
        except KeyboardInterrupt as exc:
            delay = time.perf_counter() - sent[0]
            frames = []
            tb = exc.__traceback__
            while tb is not None:
                frames.append(tb.tb_frame.f_code.co_name)
                tb = tb.tb_next
            print("interrupted after", delay, frames)
    ''')
    delay = float(out.split()[2])
    assert delay < 0.05, out  # about 10 microseconds here
    assert out.endswith(" ['<module>']\n"), out  # raised at the call, as CPython would


def test_an_uncaught_interrupt_ends_the_program_as_ctrl_c_does():
    path = script_file('''
        print(count(10), flush=True)
        print("ready", flush=True)
        forever()
    ''')
    proc = subprocess.Popen([sys.executable, path], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint,
                            env=dict(os.environ, PYTHONPATH=str(REPO)))
    try:
        assert proc.stdout.readline() == "24\n"
        assert proc.stdout.readline() == "ready\n"
        time.sleep(0.2)  # inside forever()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
        os.unlink(path)
    assert "KeyboardInterrupt" in err
    assert proc.returncode in (1, -signal.SIGINT, 128 + signal.SIGINT), proc.returncode


def test_every_loop_form_and_recursion_are_interrupted():
    out = run_script('''
        from typing import Dict

        @pyjitx.compile
        def ranges(n: int) -> int:
            t = 0
            for i in range(n):
                for j in range(n):
                    t = (t + i * j) % 1000003
            return t

        @pyjitx.compile
        def comprehension(n: int) -> int:
            return len([i for i in range(n) for j in range(n)])

        @pyjitx.compile
        def over_list(xs: List[int], rounds: int) -> int:
            t = 0
            for r in range(rounds):
                for x in xs:
                    t = (t + x) % 1000003
            return t

        @pyjitx.compile
        def over_text(s: str) -> int:
            n = 0
            while True:
                for ch in s:
                    if ch == "a":
                        n = (n + 1) % 7
                for w in s.split():
                    n = (n + len(w)) % 7

        @pyjitx.compile
        def over_dict(d: Dict[str, int]) -> int:
            t = 0
            while True:
                for k in d:
                    t = (t + d[k]) % 11

        @pyjitx.compile
        def fib(n: int) -> int:
            return n if n < 2 else fib(n - 1) + fib(n - 2)

        cases = [("range", ranges, (10 ** 9,)), ("comprehension", comprehension, (10 ** 5,)),
                 ("list", over_list, ([1, 2, 3] * 100, 10 ** 12)),
                 ("str", over_text, ("a b " * 50,)), ("dict", over_dict, ({"a": 1, "b": 2},)),
                 ("recursion", fib, (90,))]
        for name, fn, args in cases:
            sent = interrupt_in(0.1)
            try:
                fn(*args)
            except KeyboardInterrupt:
                print(name, time.perf_counter() - sent[0])
            else:
                print(name, "finished")
    ''', timeout=300)
    lines = dict(line.split() for line in out.splitlines())
    assert set(lines) == {"range", "comprehension", "list", "str", "dict", "recursion"}, out
    assert all(value != "finished" and float(value) < 0.2 for value in lines.values()), out


def test_compiled_except_and_finally_see_the_interrupt_as_cpython_would():
    out = run_script('''
        class Timeout(BaseException):
            pass

        raised = []
        def on_alarm(signum, frame):
            raised.append(Timeout("too slow"))
            raise raised[-1]

        def catches_exception(log: List[str]) -> int:
            k = 0
            try:
                while True:
                    k += 1
            except Exception:
                log.append("wrongly caught")
            return k

        def catches_its_class(log: List[str]) -> str:
            k = 0
            try:
                while True:
                    k += 1
            except Timeout as e:
                log.append("caught")
                return "stopped: " + str(e)
            return "not reached"

        def runs_finally(log: List[str]) -> int:
            k = 0
            try:
                while True:
                    k += 1
            finally:
                log.append("finally ran")
            return k

        def bare_except_reraises(log: List[str]) -> int:
            k = 0
            try:
                while True:
                    k += 1
            except:
                log.append("bare except")
                raise
            return k

        signal.signal(signal.SIGALRM, on_alarm)
        for fn in (catches_exception, catches_its_class, runs_finally, bare_except_reraises):
            # (compiled before the timer is armed: the alarm is for the loop,
            # not for a first compilation that may take longer than 0.1 s)
            for mode, f in (("python", fn), ("compiled", pyjitx.compile(fn, eager=True))):
                log = []
                signal.setitimer(signal.ITIMER_REAL, 0.1)
                try:
                    outcome = repr(f(log))
                except Timeout as exc:
                    outcome = "raised the handler's object" if exc is raised[-1] else "raised a copy"
                print(fn.__name__, mode, outcome, log)
    ''')
    lines = out.splitlines()
    python = [line.split(" ", 2)[2] for line in lines if " python " in line]
    compiled = [line.split(" ", 2)[2] for line in lines if " compiled " in line]
    assert len(python) == 4 and python == compiled, out
    assert "raised the handler's object ['finally ran']" in python[2], out


def test_a_handler_set_after_the_first_compiled_call_is_chained_again():
    out = run_script('''
        n = seconds_of_counting(0.6)
        count(1000)   # chains the handlers there are now (SIGINT's)
        for round in range(2):
            fired = []
            # signal.signal puts CPython's C handler back: pyjitx chains its own again
            signal.signal(signal.SIGALRM, lambda s, f, fired=fired: fired.append(time.perf_counter()))
            start = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, 0.1)
            count(n)
            took = time.perf_counter() - start
            print(round, fired[0] - start < took / 2, took)
    ''')
    assert [line.split()[:2] for line in out.splitlines()] == [["0", "True"], ["1", "True"]], out


def test_worker_threads_go_on_while_the_main_thread_handles_the_signal():
    out = run_script('''
        n = seconds_of_counting(0.5)
        results = {}
        def work(name):
            results[name] = count(n)
        # the main thread in Python (joining): CPython runs the handler; the
        # workers' loops see no interrupt and return their results
        workers = [threading.Thread(target=work, args=(i,)) for i in range(2)]
        fired = []
        signal.signal(signal.SIGALRM, lambda s, f: fired.append(1))
        count(1000)
        for w in workers:
            w.start()
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        for w in workers:
            w.join()
        print("python", fired, sorted(results.values()) == [count(n)] * 2)
        # the main thread in a compiled loop: it is interrupted, a worker is not
        results.clear()
        worker = threading.Thread(target=work, args=("w",))
        worker.start()
        sent = interrupt_in(0.1)
        try:
            forever()
        except KeyboardInterrupt:
            print("main interrupted")
        worker.join()
        print("worker", results == {"w": count(n)})
    ''', timeout=300)
    assert out.splitlines() == ["python [1] True", "main interrupted", "worker True"], out


def test_a_signal_during_a_pyfunc_runs_its_handler_once():
    """The main thread in compiled code calls Python, which sleeps: CPython
    runs the handler there; back in compiled code the handler does not run
    again, and a worker's loop meanwhile is undisturbed."""
    out = run_script('''
        @pyjitx.pyfunc
        def nap(seconds: float) -> int:
            time.sleep(seconds)
            return 1

        @pyjitx.compile
        def around(seconds: float, n: int) -> int:
            return nap(seconds) + count(n)

        n = seconds_of_counting(0.2)
        fired = []
        signal.signal(signal.SIGALRM, lambda s, f: fired.append(time.perf_counter()))
        results = {}
        worker = threading.Thread(target=lambda: results.update(w=count(n * 3)))
        worker.start()
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        total = around(0.3, n)
        worker.join()
        print(len(fired), fired[0] - start < 0.25, total == 1 + count(n),
              results["w"] == count(n * 3))
    ''')
    # once, during the nap (CPython's sleep runs it), and the results right
    assert out.split() == ["1", "True", "True", "True"], out


def test_each_loop_polls_and_the_verifier_refuses_one_that_does_not():
    from pyjitx.ir import ops, primitives
    from pyjitx.ir.verify import VerificationError, verify_function

    def spin(n: int) -> int:
        k = 0
        while k < n:
            k += 1
        return k

    module, _, _ = build_ir(spin, (INT,))
    fn = module.functions[0]
    polls = [op for block in fn.blocks for op in block.ops
             if isinstance(op, ops.PrimitiveCall) and op.primitive is primitives.POLL_SIGNALS]
    assert len(polls) == 1
    verify_function(fn)
    for block in fn.blocks:
        block.ops = [op for op in block.ops if op not in polls]
    with pytest.raises(VerificationError, match="never polls for signals"):
        verify_function(fn)


def test_no_signal_leaves_the_results_alone():
    handler = signal.getsignal(signal.SIGINT)

    @pyjitx.compile
    def total(n: int) -> int:
        t = 0
        for i in range(n):
            t += i
        return t

    assert total(10 ** 6) == total.py_func(10 ** 6)
    assert signal.getsignal(signal.SIGINT) is handler  # (Python's handler left in place)
