"""The disk cache of code that uses compiled classes: a second process
loads a class's methods, its constructor and functions taking, creating
and dispatching over its instances (no compile), with CPython's results;
each thing the code depends on about a class, changed, makes it compile
again (never stale code); concurrent writers and a truncated entry are
harmless."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.environ.get("PYJITX_DISABLE_JIT", "") not in ("", "0"),
                                reason="tests of compiled code (PYJITX_DISABLE_JIT is set)")

MODULE = '''
from typing import Any
import pyjitx

LIMIT = {limit}


def helper(x: int) -> int:
    return x * {factor}


@pyjitx.compile
class Base:
    def __init__(self) -> None:
        self.tag = 7


@pyjitx.compile
class Tagged:
    def __init__(self) -> None:
        self.label = "t"
        self.tag = "héllo 世界 🎉"


@pyjitx.compile
class Counter({base}):
    {extra}
    total: {total_type}

    def __init__(self, start: int) -> None:
        super().__init__()
        self.total = start

    def add(self, x: int) -> int:
        self.total = self.total + helper(x) + LIMIT{tweak}
        return int(self.total)

    def describe(self) -> str:
        return str(self.total) + ":" + str(self.tag)


@pyjitx.compile
def use(n: int) -> str:
    c = Counter(n)
    for i in range(3):
        c.add(i)
    return c.describe()


@pyjitx.compile
def take(c: Counter) -> int:
    return c.add(1) * 2


@pyjitx.compile
class Box:
    def __init__(self, n: int) -> None:
        self.n = n

    def size(self) -> int:
        return self.n


{crate}


@pyjitx.compile
def poke(x: Any) -> int:
    return x.size()


@pyjitx.compile
class Shape:
    SIDES = 0

    def sides(self) -> int:
        return self.SIDES


{triangle}


@pyjitx.compile
def count(s: Shape) -> int:
    return s.SIDES * 10 + s.sides()  # (the constant read directly: a test of the class)
'''

CRATE = '''
@pyjitx.compile
class Crate:
    def __init__(self, n: int) -> None:
        self.n = n

    def size(self) -> int:
        return self.n * 100
'''

TRIANGLE = '''
@pyjitx.compile
class Triangle(Shape):
    SIDES = 3
'''

DRIVER = '''
import json, sys
sys.path.insert(0, {dir!r})
import pyjitx.compiler as compiler
calls = []
original = compiler.compile_function
def counting(*args, **kwargs):
    calls.append(1)
    return original(*args, **kwargs)
compiler.compile_function = counting
import pyjitx.api
pyjitx.api.compile_function = counting
import cls_mod as m
c = m.Counter(5)
results = [c.add(2), c.describe(), m.use(4), m.take(c), c.total, m.poke(m.Box(6)),
           m.count(m.Shape())]
if hasattr(m, "Crate"):
    results.append(m.poke(m.Crate(2)))
if hasattr(m, "Triangle"):
    results.append(m.count(m.Triangle()))
print(json.dumps([results, len(calls)]))
'''

DEFAULTS = dict(limit=1, factor=2, base="Base", extra="", total_type="int", tweak="",
                crate="", triangle="")


def write(tmp_path: Path, **changes) -> None:
    (tmp_path / "cls_mod.py").write_text(MODULE.format(**dict(DEFAULTS, **changes)))


def start(tmp_path: Path, jit: bool = True) -> subprocess.Popen:
    env = dict(os.environ, PYJITX_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("PYJITX_DISABLE_JIT", None)
    if not jit:
        env["PYJITX_DISABLE_JIT"] = "1"
    return subprocess.Popen([sys.executable, "-c", DRIVER.format(dir=str(tmp_path))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def finish(process: subprocess.Popen) -> tuple:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    results, compiled = json.loads(out)
    return results, compiled


def run(tmp_path: Path, **changes) -> tuple:
    """(results, number of compiles) of a fresh process, after checking the
    results against CPython's (the same module, pyjitx.compile off)."""
    write(tmp_path, **changes)
    results, compiled = finish(start(tmp_path))
    expected, _ = finish(start(tmp_path, jit=False))
    assert results == expected
    return results, compiled


def test_second_process_loads_classes_from_cache(tmp_path):
    first, compiled = run(tmp_path)
    assert compiled > 0
    again, compiled = run(tmp_path)
    assert (again, compiled) == (first, 0)


@pytest.mark.parametrize("change", [
    dict(tweak=" + 1"),                 # a method's body
    dict(extra="extra: int = 0"),       # a field added (before `total`: every slot moves)
    dict(total_type="Any"),             # a field retyped by its annotation alone
    dict(base="Tagged"),                # the base class (its fields and their types)
    dict(limit=10),                     # a module constant a method reads
    dict(factor=-3),                    # a helper function a method calls
    dict(crate=CRATE),                  # a new class an Any's method dispatches over
    dict(triangle=TRIANGLE),            # a new subclass overriding a class constant
], ids=["method", "field-added", "field-retyped", "base", "constant", "helper",
        "any-dispatch", "subclass"])
def test_each_change_recompiles(tmp_path, change):
    run(tmp_path)
    changed, compiled = run(tmp_path, **change)
    assert compiled > 0
    assert run(tmp_path, **change) == (changed, 0)
    # and back: the first entries are current again (or rebuilt), never stale
    run(tmp_path)


def test_field_removed_recompiles(tmp_path):
    run(tmp_path, extra="extra: int = 0")
    results, compiled = run(tmp_path)
    assert compiled > 0


def test_two_processes_compiling_at_once(tmp_path):
    write(tmp_path)
    first, second = start(tmp_path), start(tmp_path)
    a, b = finish(first), finish(second)
    assert a[0] == b[0]
    results, compiled = run(tmp_path)
    assert (results, compiled) == (a[0], 0)


def test_truncated_entries_are_rebuilt(tmp_path):
    first, _ = run(tmp_path)
    entries = list((tmp_path / "cache").rglob("*.pjx"))
    assert entries
    for entry in entries:
        data = entry.read_bytes()
        entry.write_bytes(data[:len(data) // 2])
    results, compiled = run(tmp_path)
    assert results == first and compiled > 0
    assert run(tmp_path) == (first, 0)
