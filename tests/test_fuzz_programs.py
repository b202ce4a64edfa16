"""Random program fuzzing: hypothesis builds small random functions with
nested if/elif/else, while and for-range loops, break/continue, loop-else,
early returns, augmented and tuple assignments, and locals that are only
assigned on some paths (UnboundLocalError), then compares the compiled
function with CPython on random arguments.

Every int assignment is reduced modulo a small prime, so no int ever leaves
int64: CPython's result is the oracle as is."""
from __future__ import annotations

import importlib.util
import itertools
import os
import tempfile

from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import pyjitx
from difftest import assert_same, floats, is_disabled

M = 1000003
INT_VARS = ["v0", "v1", "v2", "v3"]
MAYBE_VARS = ["u0", "u1"]            # assigned only on some paths


class Gen:
    def __init__(self, draw):
        self.draw = draw
        self.loop_ids = itertools.count()
        self.lines: list[str] = []

    def d(self, strategy):
        return self.draw(strategy)

    def var(self):
        return self.d(st.sampled_from(INT_VARS))

    def atom(self):
        if self.d(st.integers(0, 3)) == 0:
            return str(self.d(st.integers(0, 20)))
        return self.var()

    def int_expr(self):
        op = self.d(st.sampled_from(["+", "-", "*", "^", "&", "|", "//", "%"]))
        a, b = self.atom(), self.atom()
        if op in ("//", "%"):
            return f"({a} {op} ({b} % 5 + 1))"
        return f"({a} {op} {b})"

    def cond(self):
        k = self.d(st.integers(0, 4))
        a, b = self.var(), self.atom()
        if k == 0:
            return f"{a} < {b}"
        if k == 1:
            return f"{a} % {self.d(st.integers(2, 5))} == 0"
        if k == 2:
            return f"{a} > {b} and {self.var()} <= {self.atom()}"
        if k == 3:
            return f"not ({a} == {b}) or {self.var()} > 3"
        return f"{self.atom()} <= {a} < {b}"

    def emit(self, indent, text):
        self.lines.append("    " * indent + text)

    def block(self, indent, depth, in_loop):
        n = self.d(st.integers(1, 3))
        for _ in range(n):
            self.stmt(indent, depth, in_loop)

    def stmt(self, indent, depth, in_loop):
        choices = ["assign", "assign", "aug", "float", "maybe", "swap"]
        if depth > 0:
            choices += ["if", "if", "for", "while"]
        if in_loop:
            choices += ["break", "continue"]
        choices += ["return"]
        kind = self.d(st.sampled_from(choices))
        if kind == "assign":
            self.emit(indent, f"{self.var()} = {self.int_expr()} % {M}")
        elif kind == "aug":
            v = self.var()
            op = self.d(st.sampled_from(["+=", "-=", "*=", "^=", "|="]))
            self.emit(indent, f"{v} {op} {self.atom()}")
            self.emit(indent, f"{v} %= {M}")
        elif kind == "float":
            self.emit(indent, f"f = f * {self.d(st.sampled_from(['0.5', '1.5', '-1.0', '3.0']))}"
                              f" + {self.var()}")
        elif kind == "maybe":
            self.emit(indent, f"{self.d(st.sampled_from(MAYBE_VARS))} = {self.int_expr()} % {M}")
        elif kind == "swap":
            a, b = self.var(), self.var()
            self.emit(indent, f"{a}, {b} = {b}, ({a} + 1) % {M}")
        elif kind == "if":
            self.emit(indent, f"if {self.cond()}:")
            self.block(indent + 1, depth - 1, in_loop)
            for _ in range(self.d(st.integers(0, 1))):
                self.emit(indent, f"elif {self.cond()}:")
                self.block(indent + 1, depth - 1, in_loop)
            if self.d(st.booleans()):
                self.emit(indent, "else:")
                self.block(indent + 1, depth - 1, in_loop)
        elif kind == "for":
            i = f"i{next(self.loop_ids)}"
            k = self.d(st.integers(0, 2))
            if k == 0:
                rng = f"range({self.var()} % 7)"
            elif k == 1:
                rng = f"range({self.var()} % 5 - 2, {self.atom()} % 9)"
            else:
                rng = f"range({self.var()} % 9, -3, -{self.d(st.integers(1, 3))})"
            self.emit(indent, f"for {i} in {rng}:")
            self.emit(indent + 1, f"{self.var()} = ({self.var()} + {i} * 3) % {M}")
            self.block(indent + 1, depth - 1, True)
            if self.d(st.integers(0, 2)) == 0:
                self.emit(indent, "else:")
                self.block(indent + 1, depth - 1, in_loop)
            if self.d(st.booleans()):
                self.emit(indent, f"{self.var()} = ({i} + 1) % {M}    # i may be unbound")
        elif kind == "while":
            w = f"w{next(self.loop_ids)}"
            self.emit(indent, f"{w} = 0")
            self.emit(indent, f"while {w} < {self.d(st.integers(0, 12))} and ({self.cond()}):")
            self.emit(indent + 1, f"{w} += 1")
            self.block(indent + 1, depth - 1, True)
            if self.d(st.integers(0, 2)) == 0:
                self.emit(indent, "else:")
                self.block(indent + 1, depth - 1, in_loop)
        elif kind == "break":
            self.emit(indent, f"if {self.cond()}:")
            self.emit(indent + 1, "break")
        elif kind == "continue":
            self.emit(indent, f"if {self.cond()}:")
            self.emit(indent + 1, "continue")
        else:
            self.emit(indent, f"if {self.cond()}:")
            self.emit(indent + 1, f"return {self.result()}")

    def result(self):
        extra = ""
        if self.d(st.integers(0, 3)) == 0:
            extra = f" + {self.d(st.sampled_from(MAYBE_VARS))}"
        return f"(v0 + v1 * 3 + v2 * 5 + v3 * 7{extra}) + f"


@st.composite
def programs(draw):
    g = Gen(draw)
    g.emit(1, f"v0 = a % {M}")
    g.emit(1, f"v1 = b % {M}")
    g.emit(1, "v2 = (a ^ b) % 97")
    g.emit(1, "v3 = 1")
    g.emit(1, "f = x")
    g.emit(1, "if a % 3 == 0:")
    g.emit(2, "u0 = 1")
    g.emit(1, "if b % 4 != 1:")
    g.emit(2, "u1 = 2")
    g.block(1, 3, False)
    g.emit(1, f"return {g.result()}")
    return "def prog(a: int, b: int, x: float) -> float:\n" + "\n".join(g.lines) + "\n"


# Shrinking a failing program recompiles it hundreds of times (a minute or
# more); it is off unless PYJITX_FUZZ_SHRINK=1.  The failing source is
# printed either way.
_PHASES = [Phase.explicit, Phase.reuse, Phase.generate]
if os.environ.get("PYJITX_FUZZ_SHRINK") == "1":
    _PHASES.append(Phase.shrink)

_TMPDIR = tempfile.mkdtemp(prefix="pyjitx_fuzzprog_")
_COUNTER = itertools.count()


def _load(source: str):
    n = next(_COUNTER)
    path = os.path.join(_TMPDIR, f"prog_{os.getpid()}_{n}.py")
    with open(path, "w", encoding="utf-8") as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location(f"fuzz_prog_{n}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.prog


small = st.one_of(st.integers(-30, 30), st.integers(-(10 ** 12), 10 ** 12))
prog_floats = st.one_of(st.floats(-1e6, 1e6), floats)


@settings(max_examples=150, phases=_PHASES)
@given(programs(), st.lists(st.tuples(small, small, prog_floats), min_size=4, max_size=8))
def test_random_programs(source, argsets):
    py = _load(source)
    compiled = pyjitx.compile(py, cache=False)

    def ref(a, b, x):
        return py(a, b, x)
    ref.__name__ = "prog:\n" + source + "\nprog"
    for a, b, x in argsets:
        assert_same(ref, compiled, a, b, x)
