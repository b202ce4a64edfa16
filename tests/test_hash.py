"""hash() in compiled code gives CPython's values in the same process
(libruntime/pyhash.c, pyjitx/_hashsecret.c): str over its UCS-1/2/4 form
with the interpreter's secret, bytes, ints and floats modulo 2**61 - 1,
tuples by the xxHash combiner, frozensets, None -- so that feature hashing
(`hash(token) % buckets`) picks the same bucket compiled as in CPython.
Also: the secret that PYTHONHASHSEED gives, in another interpreter and in
the runtime alone (a C++ host's case)."""
from __future__ import annotations

import ctypes
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, List, Optional, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx
from difftest import assert_same, compiled, ints, unicode_text

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.needs_jit


def h_str(s: str) -> int:
    return hash(s)


def h_bytes(b: bytes) -> int:
    return hash(b)


def h_int(n: int) -> int:
    return hash(n)


def h_float(x: float) -> int:
    return hash(x)


def h_any(x: Any) -> int:
    return hash(x)


def h_optional(s: Optional[str]) -> int:
    return hash(s)


def h_pair(s: str, n: int) -> int:
    return hash((s, n))


def h_nested(s: str, b: bytes, x: float) -> int:
    return hash((s, (b, (x, None, True)), ()))


def h_frozenset(words: List[str]) -> int:
    return hash(frozenset(words))


def h_frozenset_ints(ns: List[int]) -> int:
    return hash(frozenset(ns))


def h_none() -> int:
    return hash(None)


def feature_buckets(tokens: List[str], buckets: int) -> List[int]:
    return [hash(t) % buckets for t in tokens]


def hashed_ngrams(text: str, buckets: int) -> List[int]:
    words = text.split()
    out: List[int] = []
    for i in range(len(words) - 1):
        out.append(hash((words[i], words[i + 1])) % buckets)
    return out


def interpreter_check() -> bool:
    from pyjitx import _ext

    return bool(_ext.HASH_MATCHES)


def test_the_bridge_found_the_interpreters_secret():
    assert interpreter_check()


@given(unicode_text)
def test_str(s):
    assert_same(h_str, compiled(h_str), s)


@pytest.mark.parametrize("s", ["", "a", "abcdefg", "abcdefgh", "é", "ÿ" * 9, "Ā", "中文字符",
                               "\uffff", "\U00010000", "😀" * 5, "a\x00b", "\U0010ffff",
                               "mixed é 中 😀 text"])
def test_str_of_every_width(s):
    assert_same(h_str, compiled(h_str), s)


@given(st.binary(max_size=40))
def test_bytes(b):
    assert_same(h_bytes, compiled(h_bytes), b)


@given(ints)
def test_int(n):
    assert_same(h_int, compiled(h_int), n)


@given(st.floats(allow_nan=False))
def test_float(x):
    assert_same(h_float, compiled(h_float), x)


@given(st.recursive(st.one_of(st.none(), st.booleans(), ints, st.floats(allow_nan=False),
                              unicode_text, st.binary(max_size=8)),
                    lambda inner: st.lists(inner, max_size=4).map(tuple), max_leaves=12))
def test_any(x):
    assert_same(h_any, compiled(h_any), x)


@given(st.one_of(st.none(), unicode_text))
def test_optional(s):
    assert_same(h_optional, compiled(h_optional), s)


@given(unicode_text, ints)
def test_tuple(s, n):
    assert_same(h_pair, compiled(h_pair), s, n)


@given(unicode_text, st.binary(max_size=10), st.floats(allow_nan=False))
def test_nested_tuple(s, b, x):
    assert_same(h_nested, compiled(h_nested), s, b, x)


@given(st.lists(unicode_text, max_size=6))
def test_frozenset_of_str(words):
    assert_same(h_frozenset, compiled(h_frozenset), words)


@given(st.lists(ints, max_size=8))
def test_frozenset_of_int(ns):
    assert_same(h_frozenset_ints, compiled(h_frozenset_ints), ns)


def test_none():
    assert_same(h_none, compiled(h_none))


def test_unhashable():
    assert_same(h_any, compiled(h_any), [1, 2])
    assert_same(h_any, compiled(h_any), ("a", [1]))
    with pytest.raises(TypeError, match="unhashable type: 'list'"):
        compiled(h_any)(("a", [1]))


def test_deep_tuple():
    x: Any = ()
    for i in range(50_000):
        x = (x, str(i))
    assert compiled(h_any)(x) == hash(x)


@given(st.lists(unicode_text, max_size=20), st.integers(1, 2 ** 20))
def test_feature_hashing(tokens, buckets):
    assert_same(feature_buckets, compiled(feature_buckets), tokens, buckets)


def test_feature_hashing_of_a_corpus():
    text = ("Le café du coin sert un thé vert 中文 分词 测试 😀 emoji "
            "straße naïve façade") * 20
    assert_same(hashed_ngrams, compiled(hashed_ngrams), text, 2 ** 18)


def test_nan_hash_is_a_documented_difference():
    # CPython hashes a NaN by its object's address (3.10+); compiled code,
    # which has no float objects, gives 0 (docs/guide/semantics.md)
    assert compiled(h_float)(math.nan) == 0


# ---- PYTHONHASHSEED: another interpreter, and the runtime alone

SAMPLES = ["", "a", "token", "héllo wörld", "中文字符串", "😀 and 👍🏽", "x" * 33]

_CHILD = """
import json, sys
print(json.dumps([hash(s) for s in json.loads(sys.argv[1])]
                 + [hash(b) for b in (b"", b"bytes", b"\\x00\\xff" * 9)]))
"""


def child_hashes(python: str, seed: int) -> List[int]:
    import json

    env = {"PYTHONHASHSEED": str(seed), "PATH": os.environ.get("PATH", "")}
    out = subprocess.run([python, "-c", _CHILD, json.dumps(SAMPLES)], env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def runtime_hashes() -> List[int]:
    from pyjitx import _ext

    return [_ext.runtime_hash(s) for s in SAMPLES] + \
        [_ext.runtime_hash(b) for b in (b"", b"bytes", b"\x00\xff" * 9)]


@pytest.fixture
def restore_secret():
    from pyjitx import _ext

    secret = _ext.hash_secret()
    algorithm = {"siphash13": 1, "siphash24": 2}[sys.hash_info.algorithm]
    yield
    _ext.set_hash_secret(secret, algorithm, sys.hash_info.cutoff)
    assert _ext.runtime_hash("check") == hash("check")


@pytest.mark.parametrize("seed", [0, 1, 42, 2 ** 32 - 1])
def test_seed_gives_cpythons_secret(seed, restore_secret):
    """pjx_hash_set_seed derives the secret as CPython derives it from
    PYTHONHASHSEED: a host configured with the training run's seed hashes
    as the training run did."""
    from pyjitx import _ext

    algorithm = {"siphash13": 1, "siphash24": 2}[sys.hash_info.algorithm]
    _ext.set_hash_secret(seed, algorithm, 0)
    assert runtime_hashes() == child_hashes(sys.executable, seed)


def _other_pythons() -> List[str]:
    found = []
    for version in ("3.10", "3.12", "3.13"):
        for root in (Path.home() / ".pyenv" / "versions").glob(f"{version}.*"):
            exe = root / "bin" / "python"
            if exe.exists():
                found.append(str(exe))
    return found


@pytest.mark.parametrize("python", _other_pythons() or [pytest.param(
    None, marks=pytest.mark.skip(reason="no other CPython installed"))])
def test_other_interpreters_algorithms(python, restore_secret):
    """SipHash-2-4 (3.10's default) and 1-3 agree with those interpreters."""
    from pyjitx import _ext

    name = subprocess.run([python, "-c", "import sys; print(sys.hash_info.algorithm)"],
                          capture_output=True, text=True, check=True).stdout.strip()
    _ext.set_hash_secret(7, {"siphash13": 1, "siphash24": 2}[name], 0)
    assert runtime_hashes() == child_hashes(python, 7)


_HOST = """
import ctypes, json, sys
lib = ctypes.CDLL(sys.argv[1])
lib.pjx_py_hash_buffer.restype = ctypes.c_int64
lib.pjx_py_hash_buffer.argtypes = [ctypes.c_char_p, ctypes.c_int64]
words = ["token", "hash me", "feature-hashing"]
print(json.dumps([[lib.pjx_py_hash_buffer(w.encode(), len(w)) for w in words],
                  [hash(w) for w in words]]))
"""


@pytest.mark.parametrize("seed", ["0", "1234", "random"])
def test_runtime_alone_reads_pythonhashseed(seed):
    """The runtime library without the bridge (a C++ host) takes the secret
    from PYTHONHASHSEED as CPython does: the same seed, the same hashes."""
    import json

    lib = ROOT / "pyjitx" / "lib" / "libpyjitx_runtime.so"
    if not lib.exists():
        pytest.skip("the runtime library is not built")
    env = dict(os.environ, PYTHONHASHSEED=seed)
    out = subprocess.run([sys.executable, "-c", _HOST, str(lib)], env=env,
                         capture_output=True, text=True, check=True).stdout
    runtime, python = json.loads(out)
    if seed == "random":
        assert runtime != python  # two independent random secrets
    else:
        assert runtime == python
