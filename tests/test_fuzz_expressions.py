"""Random expression fuzzing: hypothesis builds a random typed expression
over int/float/bool parameters, the expression is written to a module file,
compiled, and run against a reference evaluator.

The reference evaluator is CPython itself with one change: every
intermediate int result is checked against int64 (pyjitx raises
OverflowError for any int operation whose exact result does not fit),
except inside arithmetic made of literals only, which pyjitx folds at
compile time with Python's ints (only the folded value has to fit).  When
no intermediate overflows, the evaluator must agree with plain CPython on
the generated function -- that is checked too, so a bug in the evaluator
shows up as such and is not blamed on the compiler."""
from __future__ import annotations

import importlib.util
import itertools
import math
import os
import tempfile

from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import pyjitx
from difftest import (INT64_MAX, INT64_MIN, assert_same, bools, expect_raises, floats,
                      ints, is_disabled, same_value)


class Int64Overflow(OverflowError):
    """An intermediate int result left int64 (compiled code: OverflowError)."""


def chk(v):
    if type(v) is int and not (INT64_MIN <= v <= INT64_MAX):
        raise Int64Overflow("int64 overflow")
    return v


class ComplexResult(ValueError):
    """CPython gave a complex number (negative ** fractional): compiled code
    raises ValueError (documented deviation)."""


def real_pow(p, q):
    v = p ** q
    if type(v) is complex:
        raise ComplexResult("complex result")
    return v


DEVIATIONS = {Int64Overflow: OverflowError, ComplexResult: ValueError}


class Node:
    """src: Python source; ev(env): the value under pyjitx's semantics;
    pure(): for literal-only arithmetic, the value under CPython's semantics
    (None for anything that reads a variable or calls a function)."""
    __slots__ = ("src", "ev", "pure")

    def __init__(self, src, ev, pure=None):
        self.src = src
        self.ev = ev
        self.pure = pure

    def __repr__(self):
        return f"Node({self.src!r})"


VARS = {"int": ("a", "b"), "float": ("x", "y"), "bool": ("p",)}
INT_LITERALS = [0, 1, 2, 3, 7, -1, -5, 10, 255, 1000003, 2 ** 31, 2 ** 62, INT64_MAX, -(2 ** 62)]
FLOAT_LITERALS = [0.0, 0.5, 1.0, 2.5, -1.5, 3.0, 1e300, 1e-300, 1e16, -0.0, 0.1]


def _lit(v):
    r = repr(v)
    return f"({r})" if r.startswith("-") else r


def foldable(src, children, pure_op, checked_ev):
    """A node for an arithmetic BinOp/UnaryOp.  pyjitx folds arithmetic made
    of literals only at compile time with Python's own ints: if that works
    and gives an int that fits int64 (or a float), the value is CPython's
    whatever the intermediates were; otherwise the run-time operations (on
    the children, themselves folded where possible) run with int64 checks."""
    if not all(c.pure is not None for c in children):
        return Node(src, checked_ev)

    def pure():
        v = pure_op(*[c.pure() for c in children])
        if type(v) is int and v.bit_length() > 512:
            raise OverflowError("too large to fold")
        return v

    def ev(env):
        try:
            v = pure()
        except Exception:  # noqa: BLE001 - not folded: run-time semantics
            return checked_ev(env)
        if type(v) is int and not (INT64_MIN <= v <= INT64_MAX):
            return checked_ev(env)
        return v
    return Node(src, ev, pure)


def _bin(op, l, r, ev_op, check=True):
    def ev(env):
        lv = l.ev(env)
        rv = r.ev(env)
        v = ev_op(lv, rv)
        return chk(v) if check else v
    src = f"({l.src} {op} {r.src})"
    if op in ARITH:
        return foldable(src, (l, r), ev_op, ev)
    return Node(src, ev)


ARITH = {
    "+": lambda p, q: p + q, "-": lambda p, q: p - q, "*": lambda p, q: p * q,
    "//": lambda p, q: p // q, "%": lambda p, q: p % q, "/": lambda p, q: p / q,
    "&": lambda p, q: p & q, "|": lambda p, q: p | q, "^": lambda p, q: p ^ q,
}
CMP = {
    "<": lambda p, q: p < q, "<=": lambda p, q: p <= q, "==": lambda p, q: p == q,
    "!=": lambda p, q: p != q, ">": lambda p, q: p > q, ">=": lambda p, q: p >= q,
}


@st.composite
def expr(draw, ty, depth):
    leaf = depth <= 0 or draw(st.integers(0, 3)) == 0
    if ty == "int":
        if leaf:
            if draw(st.booleans()):
                name = draw(st.sampled_from(VARS["int"]))
                return Node(name, lambda env, n=name: env[n])
            v = draw(st.sampled_from(INT_LITERALS))
            return Node(_lit(v), lambda env, v=v: v, lambda v=v: v)
        kind = draw(st.integers(0, 11))
        if kind == 10:
            k = draw(st.integers(0, 4))
            e = draw(expr("int", depth - 1))
            return foldable(f"({e.src} ** {k})", (e,), lambda v: v ** k,
                            lambda env: chk(e.ev(env) ** k))
        if kind == 11:
            fn = draw(st.sampled_from(["floor", "ceil", "trunc"]))
            e = draw(expr("float", depth - 1))
            f = getattr(math, fn)
            return Node(f"math.{fn}({e.src})", lambda env: chk(f(e.ev(env))))
        if kind <= 3:
            op = draw(st.sampled_from(["+", "-", "*", "//", "%", "&", "|", "^"]))
            return _bin(op, draw(expr("int", depth - 1)), draw(expr("int", depth - 1)), ARITH[op])
        if kind == 4:
            op = draw(st.sampled_from(["-", "~", "abs"]))
            e = draw(expr("int", depth - 1))
            if op == "abs":
                return Node(f"abs({e.src})", lambda env: chk(abs(e.ev(env))))
            if op == "-":
                return foldable(f"(-{e.src})", (e,), lambda v: -v, lambda env: chk(-e.ev(env)))
            return foldable(f"(~{e.src})", (e,), lambda v: ~v, lambda env: ~e.ev(env))
        if kind == 5:
            k = draw(st.integers(0, 70))
            e = draw(expr("int", depth - 1))
            if draw(st.booleans()) and k <= 12:
                return foldable(f"({e.src} << {k})", (e,), lambda v: v << k,
                                lambda env: chk(e.ev(env) << k))
            return foldable(f"({e.src} >> {k})", (e,), lambda v: v >> k,
                            lambda env: e.ev(env) >> k)
        if kind == 6:
            fn = draw(st.sampled_from(["min", "max"]))
            l, r = draw(expr("int", depth - 1)), draw(expr("int", depth - 1))
            f = min if fn == "min" else max
            return Node(f"{fn}({l.src}, {r.src})", lambda env: f(l.ev(env), r.ev(env)))
        if kind == 7:
            c, t, e = (draw(expr("bool", depth - 1)), draw(expr("int", depth - 1)),
                       draw(expr("int", depth - 1)))
            return Node(f"({t.src} if {c.src} else {e.src})",
                        lambda env: t.ev(env) if c.ev(env) else e.ev(env))
        if kind == 8:
            fn = draw(st.sampled_from(["int", "round"]))
            e = draw(expr("float", depth - 1))
            f = int if fn == "int" else round
            return Node(f"{fn}({e.src})", lambda env: chk(f(e.ev(env))))
        op = draw(st.sampled_from(["and", "or"]))
        l, r = draw(expr("int", depth - 1)), draw(expr("int", depth - 1))
        if op == "and":
            return Node(f"({l.src} and {r.src})", lambda env: l.ev(env) and r.ev(env))
        return Node(f"({l.src} or {r.src})", lambda env: l.ev(env) or r.ev(env))

    if ty == "float":
        if leaf:
            if draw(st.booleans()):
                name = draw(st.sampled_from(VARS["float"]))
                return Node(name, lambda env, n=name: env[n])
            v = draw(st.sampled_from(FLOAT_LITERALS))
            return Node(_lit(v), lambda env, v=v: v, lambda v=v: v)
        kind = draw(st.integers(0, 11))
        if kind == 9:
            l, r = draw(expr("float", depth - 1)), draw(expr("float", depth - 1))
            return foldable(f"({l.src} ** {r.src})", (l, r), real_pow,
                            lambda env: real_pow(l.ev(env), r.ev(env)))
        if kind == 10:
            fn = draw(st.sampled_from(["sqrt", "exp", "log", "sin", "fabs", "log2"]))
            e = draw(expr("float", depth - 1))
            f = getattr(math, fn)
            return Node(f"math.{fn}({e.src})", lambda env: f(e.ev(env)))
        if kind == 11:
            fn = draw(st.sampled_from(["atan2", "copysign", "fmod", "hypot", "pow"]))
            l, r = draw(expr("float", depth - 1)), draw(expr("float", depth - 1))
            f = getattr(math, fn)
            return Node(f"math.{fn}({l.src}, {r.src})", lambda env: f(l.ev(env), r.ev(env)))
        if kind <= 2:
            op = draw(st.sampled_from(["+", "-", "*", "/", "//", "%"]))
            return _bin(op, draw(expr("float", depth - 1)), draw(expr("float", depth - 1)),
                        ARITH[op], check=False)
        if kind == 3:           # mixed int (x) float, either side
            op = draw(st.sampled_from(["+", "-", "*", "/", "//", "%"]))
            i, f = draw(expr("int", depth - 1)), draw(expr("float", depth - 1))
            if draw(st.booleans()):
                return _bin(op, i, f, ARITH[op], check=False)
            return _bin(op, f, i, ARITH[op], check=False)
        if kind == 4:
            i, j = draw(expr("int", depth - 1)), draw(expr("int", depth - 1))
            return _bin("/", i, j, ARITH["/"], check=False)
        if kind == 5:
            op = draw(st.sampled_from(["-", "abs", "float"]))
            if op == "float":
                e = draw(expr("int", depth - 1))
                return Node(f"float({e.src})", lambda env: float(e.ev(env)))
            e = draw(expr("float", depth - 1))
            if op == "abs":
                return Node(f"abs({e.src})", lambda env: abs(e.ev(env)))
            return foldable(f"(-{e.src})", (e,), lambda v: -v, lambda env: -e.ev(env))
        if kind == 6:
            fn = draw(st.sampled_from(["min", "max"]))
            l, r = draw(expr("float", depth - 1)), draw(expr("float", depth - 1))
            f = min if fn == "min" else max
            return Node(f"{fn}({l.src}, {r.src})", lambda env: f(l.ev(env), r.ev(env)))
        if kind == 7:
            c, t, e = (draw(expr("bool", depth - 1)), draw(expr("float", depth - 1)),
                       draw(expr("float", depth - 1)))
            return Node(f"({t.src} if {c.src} else {e.src})",
                        lambda env: t.ev(env) if c.ev(env) else e.ev(env))
        op = draw(st.sampled_from(["and", "or"]))
        l, r = draw(expr("float", depth - 1)), draw(expr("float", depth - 1))
        if op == "and":
            return Node(f"({l.src} and {r.src})", lambda env: l.ev(env) and r.ev(env))
        return Node(f"({l.src} or {r.src})", lambda env: l.ev(env) or r.ev(env))

    # bool
    if leaf:
        if draw(st.booleans()):
            return Node("p", lambda env: env["p"])
        v = draw(st.booleans())
        return Node(repr(v), lambda env, v=v: v)
    kind = draw(st.integers(0, 5))
    if kind <= 2:
        op = draw(st.sampled_from(sorted(CMP)))
        lt, rt = draw(st.sampled_from([("int", "int"), ("float", "float"), ("int", "float"),
                                       ("float", "int")]))
        return _bin(op, draw(expr(lt, depth - 1)), draw(expr(rt, depth - 1)), CMP[op],
                    check=False)
    if kind == 3:               # chained comparison: middle operand evaluated once
        op1, op2 = draw(st.sampled_from(sorted(CMP))), draw(st.sampled_from(sorted(CMP)))
        l, m, r = (draw(expr("int", depth - 1)), draw(expr("float", depth - 1)),
                   draw(expr("int", depth - 1)))

        def ev(env):
            lv, mv = l.ev(env), m.ev(env)
            if not CMP[op1](lv, mv):
                return False
            return CMP[op2](mv, r.ev(env))
        return Node(f"({l.src} {op1} {m.src} {op2} {r.src})", ev)
    if kind == 4:
        e = draw(expr("bool", depth - 1))
        return Node(f"(not {e.src})", lambda env: not e.ev(env))
    op = draw(st.sampled_from(["and", "or"]))
    l, r = draw(expr("bool", depth - 1)), draw(expr("bool", depth - 1))
    if op == "and":
        return Node(f"({l.src} and {r.src})", lambda env: l.ev(env) and r.ev(env))
    return Node(f"({l.src} or {r.src})", lambda env: l.ev(env) or r.ev(env))


# Shrinking a failing program recompiles it hundreds of times (a minute or
# more); it is off unless PYJITX_FUZZ_SHRINK=1.  The failing source is
# printed either way.
_PHASES = [Phase.explicit, Phase.reuse, Phase.generate]
if os.environ.get("PYJITX_FUZZ_SHRINK") == "1":
    _PHASES.append(Phase.shrink)

_TMPDIR = tempfile.mkdtemp(prefix="pyjitx_fuzz_")
_COUNTER = itertools.count()

_MODULE = '''import math


def fuzz(a: int, b: int, x: float, y: float, p: bool) -> {ret}:
    return {body}
'''


def _load(body: str, ret: str):
    n = next(_COUNTER)
    path = os.path.join(_TMPDIR, f"fuzz_mod_{os.getpid()}_{n}.py")
    with open(path, "w", encoding="utf-8") as f:
        f.write(_MODULE.format(ret=ret, body=body))
    spec = importlib.util.spec_from_file_location(f"fuzz_mod_{n}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.fuzz


def _reference(node, env):
    try:
        return ("ok", node.ev(env))
    except Exception as exc:    # noqa: BLE001
        return ("raise", exc)


def _check(ty: str, node: Node, argsets) -> None:
    py = _load(node.src, ty)
    compiled = pyjitx.compile(py, cache=False)
    for a, b, x, y, p in argsets:
        env = {"a": a, "b": b, "x": x, "y": y, "p": p}
        kind, val = _reference(node, env)
        # 1. the evaluator must agree with CPython unless an int overflowed
        deviation = kind == "raise" and type(val) in DEVIATIONS
        if not deviation:
            try:
                pv = ("ok", py(a, b, x, y, p))
            except Exception as exc:  # noqa: BLE001
                pv = ("raise", exc)
            if kind == "ok":
                assert pv[0] == "ok" and same_value(pv[1], val), (
                    f"TEST BUG: evaluator disagrees with CPython on {node.src} {env}: "
                    f"{val!r} vs {pv[1]!r}")
            else:
                assert pv[0] == "raise" and type(pv[1]) is type(val), (
                    f"TEST BUG: evaluator disagrees with CPython on {node.src} {env}: "
                    f"{val!r} vs {pv[1]!r}")
        if is_disabled(compiled, py):
            continue

        # 2. the compiled function must agree with the evaluator
        if deviation:
            expect_raises(compiled, DEVIATIONS[type(val)], a, b, x, y, p)
            continue

        def ref(a, b, x, y, p, _v=(kind, val)):
            if _v[0] == "raise":
                raise _v[1]
            return _v[1]
        ref.__name__ = f"fuzz[{ty}: {node.src}]"
        assert_same(ref, compiled, a, b, x, y, p)


fuzz_args = st.lists(st.tuples(st.one_of(st.integers(-20, 20), ints),
                               st.one_of(st.integers(-20, 20), ints),
                               floats, floats, bools), min_size=3, max_size=6)


@settings(max_examples=60, phases=_PHASES)
@given(st.sampled_from(["int", "float", "bool"]).flatmap(
    lambda t: st.tuples(st.just(t), expr(t, 4))), fuzz_args)
def test_random_expressions(typed, argsets):
    ty, node = typed
    _check(ty, node, argsets)
