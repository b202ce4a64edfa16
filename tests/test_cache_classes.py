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
def counting(pyfunc, *args, **kwargs):
    calls.append(pyfunc.__qualname__)
    return original(pyfunc, *args, **kwargs)
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
print(json.dumps([results, calls]))
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
    assert {"Counter.add", "use", "take", "poke", "count"} <= set(compiled)
    again, compiled = run(tmp_path)
    assert (again, compiled) == (first, [])


# each change, and a function whose own source it leaves alone that must
# compile again (its cached code is stale)
@pytest.mark.parametrize("change, stale", [
    (dict(tweak=" + 1"), "use"),                # a method's body
    (dict(extra="extra: int = 0"), "take"),     # a field added (before `total`: slots move)
    (dict(total_type="Any"), "take"),           # a field retyped by its annotation alone
    (dict(base="Tagged"), "take"),              # the base class (its fields and their types)
    (dict(limit=10), "use"),                    # a module constant a method reads
    (dict(factor=-3), "take"),                  # a helper function a method calls
    (dict(crate=CRATE), "poke"),                # a new class an Any's method dispatches over
    (dict(triangle=TRIANGLE), "count"),         # a new subclass overriding a class constant
], ids=["method", "field-added", "field-retyped", "base", "constant", "helper",
        "any-dispatch", "subclass"])
def test_each_change_recompiles(tmp_path, change, stale):
    run(tmp_path)
    changed, compiled = run(tmp_path, **change)
    assert stale in compiled
    assert run(tmp_path, **change) == (changed, [])
    # and back: the first entries are current again (or rebuilt), never stale
    run(tmp_path)


def test_field_removed_recompiles(tmp_path):
    run(tmp_path, extra="extra: int = 0")
    results, compiled = run(tmp_path)
    assert "take" in compiled


def test_two_processes_compiling_at_once(tmp_path):
    write(tmp_path)
    first, second = start(tmp_path), start(tmp_path)
    a, b = finish(first), finish(second)
    assert a[0] == b[0]
    results, compiled = run(tmp_path)
    assert (results, compiled) == (a[0], [])


def test_truncated_entries_are_rebuilt(tmp_path):
    first, _ = run(tmp_path)
    entries = list((tmp_path / "cache").rglob("*.pjx"))
    assert entries
    for entry in entries:
        data = entry.read_bytes()
        entry.write_bytes(data[:len(data) // 2])
    results, compiled = run(tmp_path)
    assert results == first and "take" in compiled
    assert run(tmp_path) == (first, [])


FEATURES = '''
import io
import random
from dataclasses import dataclass
from typing import List, Optional
import pyjitx


@pyjitx.compile
def joined(words: List[str], seed: int) -> str:
    # (classes pyjitx writes in the subset stand in for these two: the
    # loading process has not imported their modules)
    out = io.StringIO()
    r = random.Random(seed)
    for w in words:
        out.write(w + str(r.randint(0, 9)))
    return out.getvalue()


@pyjitx.compile
@dataclass
class Point:
    x: int
    y: int = 0
    {point_last}

    def norm1(self) -> int:
        return abs(self.x) + abs(self.y)


class Node:  # compiled along with the functions using it (not decorated)
    def __init__(self, value: str, next: "Optional[Node]" = None) -> None:
        self.value = value
        self.next = next


@pyjitx.compile
class Animal:
    def __init__(self, name: str) -> None:
        self.name = name

    def speak(self) -> str:
        return self.name + " ..."

    def wake(self) -> None:
        self.awake = True  # a late field

    @property
    def shout(self) -> str:
        return self.speak().{case}()

    @shout.setter
    def shout(self, value: str) -> None:
        self.name = value.lower()

    @staticmethod
    def kind() -> str:
        return "animal"

    @classmethod
    def named(cls, name: str) -> "Animal":
        return cls(name + "!")


@pyjitx.compile
class Dog(Animal):
    def speak(self) -> str:
        return self.name + " woof 🐶"


@pyjitx.compile
def chain(words: List[str]) -> Node:
    head: Optional[Node] = None
    for w in words:
        head = Node(w, head)
    assert head is not None
    return head


@pyjitx.compile
def voices(animals: List[Animal]) -> List[str]:
    return [a.speak() + a.shout for a in animals]


@pyjitx.compile
def shift(p: Point, d: int) -> Point:
    return Point(p.x + d, p.y - d)
'''

FEATURES_DRIVER = DRIVER.split("import cls_mod as m")[0] + '''
import features_mod as m
p = m.shift(m.Point(3, -4), 10)
n = m.chain(["ünï", "世界", ""])
d = m.Dog("Rex")
d.wake()
a = m.Animal.named("Ängel")
a.shout = "LOUD"
results = [p.x, p.y, p.norm1(), n.value, n.next.value, isinstance(n, m.Node),
           m.voices([d, a, m.Animal("")]), d.awake, m.Animal.kind(), a.name,
           m.joined(["é", "世界", ""], 5)]
print(json.dumps([results, calls]))
'''


@pytest.mark.parametrize("change, stale", [
    (None, None), (dict(case="lower"), "voices"), (dict(point_last="z: int = 5"), "shift"),
], ids=["same", "getter", "dataclass-field"])
def test_class_features_load_from_cache(tmp_path, change, stale):
    """A dataclass, a class compiled along and handed to Python, a late
    field, a property with a setter, static and class methods, an override
    called through a base: loaded by a second process, CPython's results;
    then a property's getter edited, or a dataclass's generated __init__
    given another field, compiles again."""
    source = dict(point_last="", case="upper")
    (tmp_path / "features_mod.py").write_text(FEATURES.format(**source))
    env = dict(os.environ, PYJITX_CACHE_DIR=str(tmp_path / "cache"))

    def once(jit: bool = True) -> tuple:
        e = dict(env)
        e.pop("PYJITX_DISABLE_JIT", None)
        if not jit:
            e["PYJITX_DISABLE_JIT"] = "1"
        out = subprocess.run([sys.executable, "-c", FEATURES_DRIVER.format(dir=str(tmp_path))],
                             capture_output=True, text=True, env=e, timeout=300)
        assert out.returncode == 0, out.stderr
        return tuple(json.loads(out.stdout))

    expected, _ = once(jit=False)
    first, compiled = once()
    assert first == expected and {"shift", "chain", "voices", "joined"} <= set(compiled)
    assert once() == (expected, [])
    if change is None:
        return
    (tmp_path / "features_mod.py").write_text(FEATURES.format(**dict(source, **change)))
    expected, _ = once(jit=False)
    results, compiled = once()
    assert results == expected and stale in compiled
    assert once() == (expected, [])


BERT_DRIVER = DRIVER.split("import cls_mod as m")[0] + '''
from pyjitx import text
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "##s", "the", ",", "!",
         "世", "界", "cafe", "é"]
texts = ["Hello worlds, the WORLD!", "世界 café", "", "unknownword hello"]


def encode(module):
    tok = module.BertTokenizer(module.Vocabulary(vocab))
    ids, mask, kinds = tok.encode_batch(texts, 8)
    return [tok.encode(texts[0]), ids.tolist(), mask.tolist(), kinds.tolist()]


results = encode(text)
assert results == encode(text.python_module()), "differs from CPython"
print(json.dumps([results, calls]))
'''


def test_bert_tokenizer_loads_from_cache(tmp_path):
    """pyjitx.text's classes: a second process constructs a BertTokenizer
    and encodes with no compile at all, as CPython does."""
    env = dict(os.environ, PYJITX_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("PYJITX_DISABLE_JIT", None)

    def once() -> tuple:
        out = subprocess.run([sys.executable, "-c", BERT_DRIVER.format(dir=str(tmp_path))],
                             capture_output=True, text=True, env=env, timeout=300)
        assert out.returncode == 0, out.stderr
        return tuple(json.loads(out.stdout))

    first, compiled = once()
    assert "BertTokenizer.encode_batch" in compiled
    assert once() == (first, [])


LATE_CONSTANT = '''
import pyjitx


@pyjitx.compile
class Strength:
    def __init__(self, v: int) -> None:
        self.v = v


Strength.REQUIRED = {value}  # (after the class statement: in the type pyjitx made)


@pyjitx.compile
def required(x: int) -> int:
    return x + Strength.REQUIRED
'''

LATE_DRIVER = DRIVER.split("import cls_mod as m")[0] + '''
import late_mod as m
print(json.dumps([[m.required(1), m.required(-2**62)], calls]))
'''


def test_class_constant_assigned_after_the_class(tmp_path):
    """A constant assigned to a compiled class after its statement is
    checked where it lives: the entry loads, and a new value recompiles."""
    env = dict(os.environ, PYJITX_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("PYJITX_DISABLE_JIT", None)

    def once(value: int) -> tuple:
        (tmp_path / "late_mod.py").write_text(LATE_CONSTANT.format(value=value))
        out = subprocess.run([sys.executable, "-c", LATE_DRIVER.format(dir=str(tmp_path))],
                             capture_output=True, text=True, env=env, timeout=300)
        assert out.returncode == 0, out.stderr
        return tuple(json.loads(out.stdout))

    assert once(3) == ([4, 3 - 2**62], ["required"])
    assert once(3) == ([4, 3 - 2**62], [])
    assert once(-7) == ([-6, -7 - 2**62], ["required"])


def test_class_defined_in_a_function_is_not_stored(tmp_path, monkeypatch):
    """Another process could not find such a class by its name: the code
    is compiled, runs, and is not written to the cache (with the reason)."""
    import pyjitx
    from pyjitx.api import compiled_function_of

    monkeypatch.setenv("PYJITX_CACHE_DIR", str(tmp_path / "cache"))

    class Local:
        def __init__(self, s: str) -> None:
            self.s = s

    def shout(s: str) -> str:
        return Local(s + "!").s * 2

    compiled = pyjitx.compile(shout)
    for s in ["", "é世🎉", "abc"]:
        assert compiled(s) == shout(s)
    (spec,) = compiled_function_of(compiled).specialisations.values()
    assert not spec.module.cacheable
    assert "Local" in spec.module.uncacheable_because
    assert not list((tmp_path / "cache").rglob("*.pjx"))
