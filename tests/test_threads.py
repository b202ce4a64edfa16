"""Threads sharing compiled instances and Python objects (docs/guide/
performance.md#threads; issue 16, items 3 and 7).

Compiled code runs without the GIL, so before calls were locked these
crashed or lost updates:
- 4 threads calling a method that appends to one instance's list (a
  double free, or appends lost);
- one thread replacing a str attribute (from compiled code and from Python)
  while three read it (a use-after-free);
- a loaded pipeline whose op appends to its instance, run from 4 threads;
- 4 threads passing one Python list to a compiled function that appends
  (each call's copy was written back over the others': 106k-152k of 400k
  items kept).
Each scenario runs in a subprocess (a crash must not take the suite down)
that prints its result; the test asserts a clean exit and the exact
result.  The deadlock tests (a compiled method calling back into Python
that uses the same instance; a.m(b) against b.m(a)) run under a timeout.
The subprocesses inherit the environment, so under tools/run_sanitizers.sh
--tsan they run under ThreadSanitizer, which fails them on any report.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.needs_jit

REPO = Path(__file__).resolve().parents[1]

# Every script ends by dropping what it made and printing how many runtime
# objects outlive it: the locks must leak nothing on any path.
PRELUDE = '''
import gc, sys, threading
import pyjitx
from pyjitx import _ext
from typing import Dict, List
live_at_start = _ext.live_objects()

def run_threads(target, n, *args):
    threads = [threading.Thread(target=target, args=(i, *args)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

def finish():
    for name in [n for n, v in globals().items() if isinstance(v, _ext.Instance)]:
        del globals()[name]
    gc.collect()
    _ext.clear_conversion_cache()
    print("live", _ext.live_objects() - live_at_start)
'''


def run_script(tmp_path: Path, body: str, *args: str, timeout: int = 300) -> list:
    script = tmp_path / "scenario.py"
    script.write_text(PRELUDE + textwrap.dedent(body))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(REPO), os.environ.get("PYTHONPATH", "")]))
    try:
        done = subprocess.run([sys.executable, str(script), *args], capture_output=True,
                              text=True, timeout=timeout, env=env, cwd=tmp_path)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the scenario did not finish in {timeout} s (a deadlock?)")
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout[-2000:]}\n" \
                                 f"{done.stderr[-4000:]}"
    lines = done.stdout.splitlines()
    assert lines[-1] == "live 0", lines[-3:]
    return lines[:-1]


# ---------------------------------------------------- item 3: shared instances

def test_threads_appending_to_one_shared_instance_keep_every_item(tmp_path):
    # (most of each call runs in compiled code, so that threads overlap
    # there: unlocked, this lost items or crashed in nearly every run)
    assert run_script(tmp_path, '''
        @pyjitx.compile
        class Bag:
            def __init__(self) -> None:
                self.items: List[int] = []
            def add(self, k: int) -> None:
                self.items.append(k)
            def add_many(self, k: int, n: int) -> None:
                for _ in range(n):
                    self.items.append(k)
            def total(self) -> int:
                return sum(self.items)

        bag = Bag()
        def work(t):
            for k in range(200):
                bag.add_many(k, 500)
                bag.add(k)
        for n in (2, 4):
            bag.items = []
            run_threads(work, n)
            print(len(bag.items), bag.total())
        finish()
    ''') == [f"{n * 200 * 501} {n * 501 * sum(range(200))}" for n in (2, 4)]


def test_a_str_attribute_replaced_while_others_read_it(tmp_path):
    """One writer (a compiled method, and Python's obj.name = ...) and three
    readers (Python's obj.name and compiled methods): every value read is
    one of those written, and the last one written is what remains.  Each
    write makes a new string and frees the one it replaces, which an
    unlocked read was using (a use-after-free).  It also caught the writer
    starving (one run in four never ended): a lock released while others
    waited was left free, and the reader that released it took it again
    before the woken writer could get the GIL; it is now handed over."""
    assert run_script(tmp_path, '''
        @pyjitx.compile
        class Named:
            def __init__(self, name: str) -> None:
                self.name = name
            def rename(self, name: str) -> None:
                self.name = name
            def rename_many(self, n: int) -> None:
                for i in range(n):
                    self.name = "name-" + str(i % 100)
            def get(self) -> str:
                return self.name
            def wrong_reads(self, n: int) -> int:
                wrong = 0
                for _ in range(n):
                    s = self.name
                    if not (s.startswith("name-") or s == "start"):
                        wrong += 1
                return wrong

        obj = Named("start")
        done = threading.Event()
        wrong = []
        def writer():
            for r in range(500):
                obj.rename_many(1000)
                obj.rename("name-" + str(r))
                obj.name = "name-" + str(r + 1)
            obj.rename("name-last")
            done.set()
        def reader(i):
            k = 0
            while not done.is_set():
                k += 1
                wrong.extend([1] * obj.wrong_reads(1000))
                v = obj.name if k % 2 else obj.get()
                if not v.startswith("name-") and v != "start":
                    wrong.append(v)
        def role(i):
            writer() if i == 0 else reader(i - 1)
        run_threads(role, 4)
        print(len(wrong), obj.name, obj.get())
        finish()
    ''') == ["0 name-last name-last"]


SAVE_APPENDING_PIPELINE = '''
import os
class Acc:
    def __init__(self, start: int) -> None:
        self.seen: List[int] = [start]
    def __call__(self, xs: List[int]) -> int:
        for x in xs:
            self.seen.append(x)
        return len(self.seen)
class Flow:
    def __init__(self):
        self.acc = pyjitx.compile(Acc)(0)
    def run(self, xs):
        return self.acc(xs)
pyjitx.trace(Flow().run, [1, 2, 3]).save(sys.argv[1])
'''


def test_a_loaded_pipeline_whose_op_appends_runs_from_four_threads(tmp_path):
    """Each run appends 1,000 items to the loaded instance and returns the
    list's length: run one at a time, the 800 runs of 4 threads return
    exactly the lengths a single thread's 800 runs return."""
    saved = tmp_path / "appending"
    run_script(tmp_path, SAVE_APPENDING_PIPELINE + "finish()\n", str(saved))
    lines = run_script(tmp_path, '''
        xs = list(range(1000))
        single = pyjitx.load(sys.argv[1])
        expected = [single.run({"xs": xs}) for _ in range(800)]
        shared = pyjitx.load(sys.argv[1])
        got = [[] for _ in range(4)]
        def work(t):
            for _ in range(200):
                got[t].append(shared.run({"xs": xs}))
        run_threads(work, 4)
        merged = sorted(v for g in got for v in g)
        print(merged == expected, expected[-1], all(g == sorted(g) for g in got))
        del single, shared
        finish()
    ''', str(saved))
    assert lines == [f"True {1 + 800 * 1000} True"]


# --------------------------------------- item 7: one Python object, many threads

def test_threads_passing_one_python_list_keep_every_append(tmp_path):
    assert run_script(tmp_path, '''
        @pyjitx.compile
        def fill(xs: List[int], n: int) -> None:
            for i in range(n):
                xs.append(i)

        @pyjitx.compile
        def count(words: List[str], counts: Dict[str, int]) -> int:
            for w in words:
                counts[w] = counts.get(w, 0) + 1
            return len(counts)

        shared = []
        counts = {}
        words = [f"w{i % 7}" for i in range(100)]
        def work(t):
            for _ in range(50):
                fill(shared, 2000)
                count(words, counts)
        run_threads(work, 4)
        print(len(shared), sum(shared) == 200 * sum(range(2000)), sum(counts.values()))
        finish()
    ''') == [f"400000 True {4 * 50 * 100}"]


def test_readers_of_a_list_see_it_whole_while_another_thread_writes_it_back(tmp_path):
    """A call that only reads the list converts it under the GIL, so it
    sees it before or after a writer's call, never half written back."""
    assert run_script(tmp_path, '''
        @pyjitx.compile
        def push_pair(xs: List[int], k: int) -> None:
            xs.append(k)
            xs.append(-k)

        @pyjitx.compile
        def balanced(xs: List[int]) -> bool:
            return sum(xs) == 0 and len(xs) % 2 == 0

        xs = []
        bad = []
        def role(i):
            if i == 0:
                for k in range(1, 5001):
                    push_pair(xs, k)
            else:
                for _ in range(500):
                    if not balanced(xs):
                        bad.append(1)
        run_threads(role, 3)
        print(len(xs), len(bad))
        finish()
    ''') == ["10000 0"]


def test_every_way_out_of_a_call_releases_its_locks(tmp_path):
    """A call that raises in compiled code, fails to convert an argument,
    takes the slow path (keywords, a first call, a wrong type) or writes
    back a list still releases what it locked: a second thread then takes
    the same locks (a lock left held would make it wait forever)."""
    assert run_script(tmp_path, '''
        @pyjitx.compile
        class Box:
            def __init__(self) -> None:
                self.items: List[int] = []
            def put(self, k: int, xs: List[int]) -> int:
                if k < 0:
                    raise ValueError("negative")
                self.items.append(k)
                xs.append(k)
                return len(self.items)

        box, xs = Box(), []
        def main_thread_calls():
            outcomes = []
            for call in (lambda: box.put(-1, xs),            # raises in compiled code
                         lambda: box.put("no", xs),          # wrong type: slow path
                         lambda: box.put(1, [1, "no"]),      # an item fails to convert
                         lambda: box.put(k=2, xs=xs),        # keywords: slow path
                         lambda: box.put(3, xs)):            # the fast path
                try:
                    outcomes.append(call())
                except (ValueError, TypeError) as exc:
                    outcomes.append(type(exc).__name__)
            return outcomes
        print(main_thread_calls())
        other = []
        run_threads(lambda t: other.append((box.put(4, xs), box.items, len(xs))), 1)
        print(other)
        finish()
    ''', timeout=120) == ["['ValueError', 'TypeError', 'TypeError', 1, 2]", "[(3, [2, 3, 4], 3)]"]


# ------------------------------------------------------------------ deadlocks

def test_a_method_calling_back_into_python_that_uses_the_same_instance(tmp_path):
    """a.outer() holds a's lock and calls a pyfunc, which reads and writes
    a's attributes and calls another method of a: the same thread takes
    the lock again without waiting.  Two threads do it at once, so one also
    waits for the lock while the other, holding it, needs the GIL."""
    assert run_script(tmp_path, '''
        @pyjitx.compile
        class Counter:
            def __init__(self) -> None:
                self.n = 0
                self.log: List[int] = []
            def bump(self, k: int) -> int:
                self.n += k
                return self.n
            def outer(self, k: int) -> int:
                self.log.append(k)
                return callback(k) + len(self.log)

        @pyjitx.pyfunc
        def callback(k: int) -> int:
            shared.n = shared.n + 1          # Python attribute access, same thread
            return shared.bump(k)            # another method of the same instance

        shared = Counter()
        def work(t):
            for k in range(2000):
                shared.outer(1)
        run_threads(work, 2)
        print(shared.n, len(shared.log))
        finish()
    ''', timeout=240) == [f"{2 * 2000 * 2} {2 * 2000}"]


def test_a_with_b_against_b_with_a_does_not_deadlock(tmp_path):
    """Thread 1 calls a.link(b) while thread 2 calls b.link(a): a call takes
    its instances' locks in one fixed order, so neither waits for the
    other forever, and both instances' counts are exact."""
    assert run_script(tmp_path, '''
        class Node:
            def __init__(self) -> None:
                self.count = 0
                self.seen: List[int] = []
            def link(self, other: "Node") -> int:
                self.count += 1
                other.count += 1
                other.seen.append(self.count)
                return self.count + other.count

        a, b = pyjitx.compile(Node)(), pyjitx.compile(Node)()
        def work(t):
            first, second = (a, b) if t % 2 == 0 else (b, a)
            for _ in range(20000):
                first.link(second)
        run_threads(work, 4)
        print(a.count, b.count, len(a.seen) + len(b.seen))
        finish()
    ''', timeout=240) == [f"{80000} {80000} {80000}"]


def test_nested_calls_in_opposite_orders_raise_instead_of_hanging(tmp_path):
    """a.outer() calls a pyfunc that calls b.inner() while another thread's
    b.outer() calls one that calls a.inner(): each holds the lock the other
    needs.  The thread that would close the cycle gets a RuntimeError (the
    other then finishes); unlocked, this race corrupted both instances."""
    lines = run_script(tmp_path, '''
        class Cell:
            def __init__(self, name: str) -> None:
                self.name = name
                self.n = 0
            def inner(self) -> int:
                self.n += 1
                return self.n
            def outer(self, other_name: str) -> int:
                self.n += 1
                return meet(other_name) + self.n

        @pyjitx.pyfunc
        def meet(name: str) -> int:
            # both threads hold their own cell's lock here, then cross
            barrier.wait(timeout=60)
            return cells[name].inner()

        C = pyjitx.compile(Cell)
        cells = {"a": C("a"), "b": C("b")}
        barrier = threading.Barrier(2)
        outcome = [None, None]
        def work(t):
            mine, theirs = ("a", "b") if t == 0 else ("b", "a")
            try:
                outcome[t] = cells[mine].outer(theirs)
            except RuntimeError as exc:
                outcome[t] = str(exc)
        run_threads(work, 2)
        print(sorted(type(o).__name__ for o in outcome))
        print([o for o in outcome if isinstance(o, str)][0].split(":")[:2])
        # one outer() ran whole (n 1 -> 2 in its cell, after the other's
        # inner() or before), the other stopped at the pyfunc
        print(sorted(c.n for c in cells.values()))
        cells.clear()
        finish()
    ''', timeout=120)
    assert lines == ["['int', 'str']", "['pyjitx', ' deadlock']", "[1, 2]"]


# ------------------------------------------------------------ the C++ Session

@pytest.mark.skipif(os.environ.get("PYJITX_SANITIZER_RUN") == "1",
                    reason="native hosts are not linked in the sanitizer run")
def test_a_cpp_session_runs_the_appending_pipeline_from_four_threads(tmp_path):
    from test_session import compile_host, host

    saved = tmp_path / "appending"
    body = SAVE_APPENDING_PIPELINE.replace("return len(self.seen)", "return len(xs)")
    run_script(tmp_path, body + "finish()\n", str(saved))
    feeds = tmp_path / "appending.feeds.json"
    feeds.write_text(json.dumps([
        {"xs": {"type": "list", "items": [{"type": "int", "value": i} for i in range(k)]}}
        for k in (1, 10, 50)]))
    exe = compile_host(tmp_path / "session_host")
    assert host(exe, "threads", saved, feeds, 4, 300) == [f"threads ok {4 * 300 * 3}"]
