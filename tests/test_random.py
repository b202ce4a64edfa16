"""random in compiled code: CPython's Mersenne Twister, seeding and
random.py's algorithms (libruntime/random.c, pyjitx/stdlib_random.py), so
that the same seed and the same calls give the same numbers compiled and
in CPython -- data augmentation reproducible between training (Python)
and serving (compiled, or a C++ host).

Compiled code's module-level functions draw from the interpreter's own
generator, lent to each call (pyjitx/_random_bridge.c): Python seeding
then compiled drawing (or the reverse) is one sequence, as in CPython."""
from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pyjitx
from difftest import INT64_MAX, INT64_MIN, _Raised, _run, assert_same, compiled

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.needs_jit

WORDS = ["the", "quick", "brown", "fox", "中文", "分词", "😀", "👍🏽", "naïve", "straße"]

# ---- seeds of every kind

seeds = st.one_of(
    st.integers(INT64_MIN, INT64_MAX),
    st.sampled_from([0, 1, -1, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), INT64_MAX, INT64_MIN,
                     INT64_MIN + 1, 2 ** 62]),
    st.text(max_size=20),
    st.sampled_from(["", "中文", "😀👍🏽", "e\u0301", "seed"]),
    st.binary(max_size=20),
)


def script(seed, ops: List[int], words: List[str]) -> List[str]:
    """A mixed sequence of calls after random.seed(seed)."""
    random.seed(seed)
    out: List[str] = []
    for op in ops:
        if op == 0:
            out.append(repr(random.random()))
        elif op == 1:
            out.append(str(random.randrange(1000)))
        elif op == 2:
            out.append(str(random.randint(-10 ** 12, 10 ** 12)))
        elif op == 3:
            out.append(random.choice(words))
        elif op == 4:
            xs = list(words)
            random.shuffle(xs)
            out.append(",".join(xs))
        elif op == 5:
            out.append(",".join(random.sample(words, min(len(words), 3))))
        elif op == 6:
            out.append(",".join(random.choices(words, k=4)))
        elif op == 7:
            weights = [i + 1 for i in range(len(words))]
            out.append(",".join(random.choices(words, weights, k=3)))
        elif op == 8:
            out.append(repr(random.gauss(0.0, 1.0)))
        elif op == 9:
            out.append(repr(random.uniform(-3.0, 7.5)))
        elif op == 10:
            out.append(str(random.getrandbits(63)))
        elif op == 11:
            out.append(repr(random.normalvariate(1.0, 2.0)))
        elif op == 12:
            out.append(repr(random.expovariate(1.5)))
        elif op == 13:
            out.append(repr(random.gammavariate(0.5, 2.0)) + repr(random.gammavariate(2.5, 1.0)))
        elif op == 14:
            out.append(repr(random.betavariate(2.0, 3.0)))
        elif op == 15:
            out.append(str(random.randrange(10, 1000, 7)) + str(random.randrange(50, -50, -3)))
        elif op == 16:
            big = [str(i) for i in range(300)]
            out.append(",".join(random.sample(big, 12)))  # the set-based algorithm
        elif op == 17:
            out.append(repr(random.triangular(0.0, 10.0, 3.0)))
        elif op == 18:
            out.append(repr(random.randbytes(5)))
        elif op == 19:
            cum = [1.5, 2.0, 7.25]
            out.append(",".join(random.choices(words[:3], cum_weights=cum, k=2)))
        elif op == 20:
            out.append(repr(random.vonmisesvariate(1.0, 4.0)) + repr(random.lognormvariate(0.0, 0.5)))
        elif op == 21:
            out.append(repr(random.paretovariate(2.0)) + repr(random.weibullvariate(1.0, 1.5)))
        else:
            out.append(str(random.getrandbits(op)))
    return out


ops_lists = st.lists(st.integers(0, 32), max_size=25)


@settings(max_examples=60)
@given(seeds, ops_lists, st.lists(st.sampled_from(WORDS), min_size=3, max_size=8))
def test_mixed_calls_after_seed(seed, ops, words):
    assert_same(script, compiled(script), seed, ops, words)


@pytest.mark.parametrize("seed", [0, 12345, -(2 ** 63), 2 ** 63 - 1, "中文 seed", "😀",
                                  b"\x00\xffbytes", b"", 1.5, -0.0, True])
def test_seeds(seed):
    assert_same(script, compiled(script), seed, list(range(23)), WORDS)


def augment(seed: int, tokens: List[str], rounds: int) -> List[List[str]]:
    """Data augmentation: token dropout, swaps and sampling."""
    random.seed(seed)
    out: List[List[str]] = []
    for _ in range(rounds):
        kept = [t for t in tokens if random.random() > 0.1]
        if len(kept) > 1 and random.random() < 0.5:
            i = random.randrange(len(kept))
            j = random.randrange(len(kept))
            kept[i], kept[j] = kept[j], kept[i]
        random.shuffle(kept)
        out.append(kept + random.choices(tokens, k=2) + random.sample(tokens, 2))
    return out


def test_augmentation_is_reproducible_between_training_and_serving():
    tokens = "Le café du coin sert un thé 中文 分词 😀 emoji straße".split()
    for seed in (0, 1, 2 ** 40, -7):
        assert augment(seed, tokens, 20) == compiled(augment)(seed, tokens, 20)


# ---- the interpreter's generator is compiled code's


@pyjitx.compile
def draw(n: int) -> List[float]:
    return [random.random() for _ in range(n)]


@pyjitx.compile
def draw_gauss() -> float:
    return random.gauss(0.0, 1.0)


def test_python_seeds_compiled_draws():
    random.seed(42)
    got = draw(3) + [random.random()] + draw(2)
    random.seed(42)
    expected = [random.random() for _ in range(6)]
    assert got == expected


def test_gauss_pair_is_shared():
    random.seed(5)
    got = [draw_gauss(), random.gauss(0.0, 1.0), random.gauss(0.0, 1.0), draw_gauss()]
    random.seed(5)
    assert got == [random.gauss(0.0, 1.0) for _ in range(4)]


def test_compiled_seed_reseeds_python():
    @pyjitx.compile
    def reseed(s: str) -> None:
        random.seed(s)

    reseed("x")
    got = random.random()
    random.seed("x")
    assert got == random.random()


def test_the_words_are_copied_straight():
    from pyjitx import _ext

    assert _ext.random_direct()


def test_pyfunc_sees_the_generator():
    @pyjitx.pyfunc
    def python_draw() -> float:
        return random.random()

    @pyjitx.compile
    def mixed() -> List[float]:
        return [random.random(), python_draw(), random.random()]

    random.seed(9)
    got = mixed()
    random.seed(9)
    assert got == [random.random() for _ in range(3)]


def test_getstate_setstate():
    @pyjitx.compile
    def roundtrip(seed: int) -> List[float]:
        random.seed(seed)
        random.gauss(0.0, 1.0)
        state = random.getstate()
        a = [random.random(), random.gauss(0.0, 1.0)]
        random.setstate(state)
        return a + [random.random(), random.gauss(0.0, 1.0)]

    out = roundtrip(3)
    assert out[:2] == out[2:]
    random.seed(3)
    random.gauss(0.0, 1.0)
    assert random.random() == out[0]

    @pyjitx.compile
    def state_of(seed: int) -> Any:
        random.seed(seed)
        random.gauss(0.0, 1.0)
        return random.getstate()

    got = state_of(11)
    random.seed(11)
    random.gauss(0.0, 1.0)
    assert got == random.getstate()


# ---- random.Random instances


def instance_script(seed, ops: List[int], words: List[str]) -> List[str]:
    r = random.Random(seed)
    other = random.Random(seed)
    out: List[str] = []
    for op in ops:
        if op == 0:
            out.append(repr(r.random()))
        elif op == 1:
            out.append(str(r.randrange(5, 500, 3)))
        elif op == 2:
            out.append(r.choice(words))
        elif op == 3:
            xs = list(words)
            r.shuffle(xs)
            out.append(",".join(xs))
        elif op == 4:
            out.append(",".join(r.sample(words, 2)) + ",".join(r.choices(words, k=2)))
        elif op == 5:
            out.append(repr(r.gauss(1.0, 0.5)) + repr(other.gauss(1.0, 0.5)))
        elif op == 6:
            out.append(str(r.randint(1, 6)) + str(other.getrandbits(20)))
        else:
            r.seed(op)
            out.append(repr(r.uniform(0.0, 1.0)))
    return out


@settings(max_examples=40)
@given(seeds, st.lists(st.integers(0, 9), max_size=20),
       st.lists(st.sampled_from(WORDS), min_size=2, max_size=6))
def test_instances(seed, ops, words):
    assert_same(instance_script, compiled(instance_script), seed, ops, words)


def test_instances_do_not_touch_the_module_generator():
    @pyjitx.compile
    def private(seed: int) -> float:
        r = random.Random(seed)
        return r.random()

    random.seed(1)
    private(99)
    got = random.random()
    random.seed(1)
    assert got == random.random()
    assert private(99) == random.Random(99).random()


# ---- CPython's errors


def err_randrange(a: int, b: int, step: int) -> int:
    return random.randrange(a, b, step)


def err_randrange1(a: int) -> int:
    return random.randrange(a)


def err_randint(a: int, b: int) -> int:
    return random.randint(a, b)


def err_choice(xs: List[str]) -> str:
    return random.choice(xs)


def err_sample(xs: List[int], k: int) -> List[int]:
    return random.sample(xs, k)


def err_choices(xs: List[str], weights: List[float]) -> List[str]:
    return random.choices(xs, weights, k=2)


def err_gamma(a: float, b: float) -> float:
    return random.gammavariate(a, b)


def err_getrandbits(k: int) -> int:
    return random.getrandbits(k)


def err_seed(xs: List[int]) -> None:
    random.seed(xs)


def err_setstate(n: int) -> None:
    random.setstate((n, (1, 2), None))


def err_counts(xs: List[str], counts: List[int], k: int) -> List[str]:
    return random.sample(xs, k, counts=counts)


def check_error(pyfunc, *args):
    expected = _run(pyfunc, args, {})
    got = _run(compiled(pyfunc), args, {})
    assert isinstance(expected, _Raised), expected
    assert isinstance(got, _Raised), got
    assert type(got.exc) is type(expected.exc)
    assert str(got.exc) == str(expected.exc)


@pytest.mark.parametrize("pyfunc, args", [
    (err_randrange, (5, 5, 1)), (err_randrange, (5, 1, 1)), (err_randrange, (1, 5, 0)),
    (err_randrange, (1, 5, -1)), (err_randrange, (INT64_MIN, INT64_MIN, 2)),
    (err_randrange1, (0,)), (err_randrange1, (-3,)),
    (err_randint, (5, 1)), (err_randint, (INT64_MAX, INT64_MAX - 2)),
    (err_choice, ([],)), (err_sample, ([1, 2], 3)), (err_sample, ([1, 2], -1)),
    (err_choices, (["a", "b"], [1.0])), (err_choices, (["a"], [0.0])),
    (err_choices, (["a"], [float("inf")])), (err_gamma, (0.0, 1.0)), (err_gamma, (1.0, -1.0)),
    (err_getrandbits, (-1,)), (err_seed, ([1],)), (err_setstate, (4,)), (err_setstate, (3,)),
    (err_counts, (["a", "b"], [1], 1)), (err_counts, (["a"], [0], 1)),
])
def test_errors(pyfunc, args):
    check_error(pyfunc, *args)


def test_wide_ranges_are_exact():
    """randrange over widths beyond 63 bits, as CPython's big ints give."""
    def wide(seed: int) -> List[int]:
        random.seed(seed)
        return [random.randrange(INT64_MIN, INT64_MAX), random.randint(INT64_MIN, INT64_MAX),
                random.randrange(INT64_MAX, INT64_MIN, -(2 ** 40)), random.getrandbits(63)]

    for seed in range(5):
        assert_same(wide, compiled(wide), seed)


def test_getrandbits_past_63_bits_overflows():
    def bits(seed: int, k: int) -> int:
        random.seed(seed)
        return random.getrandbits(k)

    for k in (64, 100):
        for seed in range(4):
            assert_same(bits, compiled(bits), seed, k)


# ---- threads and the runtime alone


def test_threads_share_the_generator_without_harm():
    @pyjitx.compile
    def many(n: int) -> float:
        total = 0.0
        for _ in range(n):
            total += random.random() + random.randrange(10)
        return total

    results: List[float] = []
    threads = [threading.Thread(target=lambda: results.append(many(20000))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(0 <= r < 20000 * 11 for r in results)


_HOST = """
import ctypes, json, random, sys
lib = ctypes.CDLL(sys.argv[1])
lib.pjx_random_global.restype = ctypes.c_void_p
lib.pjx_random_seed_int.argtypes = [ctypes.c_void_p, ctypes.c_int64]
lib.pjx_random_random.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_double)]
state = lib.pjx_random_global()
lib.pjx_random_seed_int(state, -123456789)
x = ctypes.c_double()
got = []
for _ in range(5):
    lib.pjx_random_random(state, ctypes.byref(x))
    got.append(x.value)
random.seed(-123456789)
print(json.dumps(got == [random.random() for _ in range(5)]))
"""


def test_runtime_alone_gives_cpythons_numbers():
    """A C++ host (the runtime library, no Python bridge) seeded as random.seed
    draws CPython's numbers."""
    lib = ROOT / "pyjitx" / "lib" / "libpyjitx_runtime.so"
    if not lib.exists():
        pytest.skip("the runtime library is not built")
    out = subprocess.run([sys.executable, "-c", _HOST, str(lib)], capture_output=True,
                         text=True, check=True, env=dict(os.environ)).stdout
    assert out.strip() == "true"


@pyjitx.compile
def noisy(seed: int, tokens: List[str]) -> List[str]:
    random.seed(seed)
    out = list(tokens)
    random.shuffle(out)
    return out + random.sample(tokens, 2) + [str(random.gauss(0.0, 1.0))]


def test_saved_pipeline_draws_cpythons_numbers(tmp_path):
    """A loaded pipeline (as a C++ host runs it) draws from the runtime's own
    generator: seeded in the op, it gives CPython's numbers, and it leaves
    the interpreter's generator alone."""
    def workflow(seed, tokens):
        return noisy(seed, tokens)

    tokens = ["le", "café", "中文", "😀", "x"]
    pipeline = pyjitx.trace(workflow, 1, tokens)
    pipeline.save(str(tmp_path / "noisy"))
    loaded = pyjitx.load(str(tmp_path / "noisy"))
    random.seed(77)
    for seed in (0, 5, -(2 ** 63)):
        assert loaded.run({"seed": seed, "tokens": tokens}) == noisy.py_func(seed, tokens)
    random.seed(77)
    expected = random.random()
    random.seed(77)
    loaded.run({"seed": 3, "tokens": tokens})
    assert random.random() == expected


@pyjitx.compile
def draw_or_fail(n: int) -> float:
    if n < 0:
        return float(random.randrange(5, 1, -4))  # (ValueError: empty range)
    return random.random() + random.randrange(n + 1)


@given(st.lists(st.integers(-3, 50), max_size=12), st.integers(0, 2 ** 40))
@settings(max_examples=30, deadline=None)
def test_fast_path_lends_the_generator(ns, seed):
    """The dispatcher's C fast path (no Python call) lends the interpreter's
    generator itself: compiled draws interleaved with Python's and with
    exceptions give CPython's sequence, and the exception comes through."""
    def run(f):
        random.seed(seed)
        out: List[Any] = []
        for n in ns:
            try:
                out.append(f(n))
            except ValueError as exc:
                out.append(("ValueError", str(exc)))
            out.append(random.random())
        return out

    draw_or_fail(1)  # (installs the fast path)
    from pyjitx import api
    saved = api.call_with_state
    api.call_with_state = None  # a call that left the fast path would fail
    try:
        got = run(draw_or_fail)
    finally:
        api.call_with_state = saved
    assert got == run(draw_or_fail.py_func)


@pyjitx.compile
def reseed_int(s: int) -> None:
    random.seed(s)


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 3)), max_size=16), st.integers(0, 99))
@settings(max_examples=60, deadline=None)
def test_interleaved_draws_keep_the_gauss_pair(steps, seed):
    """Python and compiled draws in any order, gauss's pair among them, are
    one sequence: the bridge gives back the pair's second value (or its
    absence) however each side left it, including when a call left it as
    it was lent."""
    def run(compiled_side):
        random.seed(seed)
        out: List[Any] = []
        for jit, what in steps:
            on_jit = compiled_side and jit
            if what == 0:
                out.append(draw_gauss() if on_jit else random.gauss(0.0, 1.0))
            elif what == 1:
                out.append(draw(1)[0] if on_jit else random.random())
            elif what == 2:
                out.append(draw_or_fail(3) if on_jit else draw_or_fail.py_func(3))
            else:
                (reseed_int if on_jit else reseed_int.py_func)(seed + 1)
        return out + [random.gauss(0.0, 1.0), random.random()]

    assert run(True) == run(False)
