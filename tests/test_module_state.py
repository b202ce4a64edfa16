"""Module-level values read by compiled code (docs/guide/semantics.md,
"Module state"): dicts, lists, sets, frozensets, tuples and nested ones,
read in compiled code exactly as in CPython; captured when compiling (a
later change in Python is not seen by code already compiled, and a new
process compiles afresh); changing one in compiled code is a CompileError
that says what to do."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from typing import Dict, List, Optional, Tuple, Union

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx
import module_config
from difftest import assert_same

VOCAB = {"the": 1, "cat": 2, "日本": 3, "é": 4, "🙂": 5}
STOPWORDS = {"the", "a", "an"}
PUNCT = frozenset(".,!?")
WEIGHTS = [0.5, 1, 2.5, -0.0]            # an int among floats stays an int
PAIRS = (("a", 1), ("b", 2))
ROWS = [[1, 2], [3], []]
TABLE = {"x": [1, 2, 3], "y": []}
LONG = tuple(range(20))
MIXED = {"n": 1, "f": 2.5, "s": "three", "none": None}
TYPED_EMPTY: Dict[str, int] = {}
SHARED = [10, 20]
BOTH = {"first": SHARED, "second": SHARED}


class Labels:
    NAMES = ["neg", "neu", "pos"]
    INDEX = {"neg": 0, "neu": 1, "pos": 2}


def encode(words: List[str]) -> List[int]:
    return [VOCAB.get(w, 0) for w in words if w not in STOPWORDS]


def strip_punct(s: str) -> str:
    return "".join(c for c in s if c not in PUNCT)


def weighted(i: int) -> Union[int, float]:
    return WEIGHTS[i % len(WEIGHTS)] * 2


def weight_repr(i: int) -> str:
    return repr(WEIGHTS[i % len(WEIGHTS)]) + repr(WEIGHTS)


def lookup_pairs(k: str) -> int:
    for name, value in PAIRS:
        if name == k:
            return value
    return -1


def row_sums() -> List[int]:
    return [sum(r) for r in ROWS] + [len(TABLE["x"]), len(TABLE["y"])]


def long_tuple(i: int) -> int:
    return LONG[i] + len(LONG) + LONG[-1]


def mixed(k: str) -> str:
    return repr(MIXED.get(k, "missing")) + str(len(MIXED))


def typed_empty(k: str) -> int:
    return TYPED_EMPTY.get(k, -1) + len(TYPED_EMPTY)


def from_config(words: List[str]) -> List[int]:
    ids = [module_config.SPECIAL_TOKENS["[CLS]"]]
    for w in words[:module_config.MAX_LEN - 2]:
        ids.append(module_config.SPECIAL_TOKENS.get(w, 1))
    ids.append(module_config.SPECIAL_TOKENS["[SEP]"])
    return ids


def config_punct(s: str) -> int:
    return sum(1 for c in s if c in module_config.PUNCT) + len(module_config.EMPTY)


def class_tables(i: int) -> str:
    name = Labels.NAMES[i % 3]
    return name + str(Labels.INDEX[name])


def one_object_twice() -> bool:
    return BOTH["first"] is BOTH["second"] and BOTH["first"] is SHARED


words = st.lists(st.sampled_from(["the", "cat", "日本", "é", "🙂", "a", "dog", ""]), max_size=8)


@given(words)
def test_dict_and_set_lookups(ws):
    assert_same(encode, pyjitx.compile(encode), ws)


@given(st.text(alphabet="ab.,!? é日", max_size=10))
def test_frozenset_membership(s):
    assert_same(strip_punct, pyjitx.compile(strip_punct), s)


@given(st.integers(0, 20))
def test_list_of_ints_and_floats_keeps_each_type(i):
    assert_same(weighted, pyjitx.compile(weighted), i)
    assert_same(weight_repr, pyjitx.compile(weight_repr), i)


@given(st.sampled_from(["a", "b", "c", ""]))
def test_tuple_of_tuples(k):
    assert_same(lookup_pairs, pyjitx.compile(lookup_pairs), k)


def test_nested_lists_and_dict_of_lists():
    assert_same(row_sums, pyjitx.compile(row_sums))


@given(st.integers(-25, 25))
def test_long_tuple(i):
    assert_same(long_tuple, pyjitx.compile(long_tuple), i)


@given(st.sampled_from(["n", "f", "s", "none", "zz"]))
def test_values_of_several_types(k):
    assert_same(mixed, pyjitx.compile(mixed), k)


def test_annotated_empty_dict():
    assert_same(typed_empty, pyjitx.compile(typed_empty), "a")


@given(words)
def test_attributes_of_a_config_module(ws):
    assert_same(from_config, pyjitx.compile(from_config), ws)
    assert_same(config_punct, pyjitx.compile(config_punct), "a.b,c")


@given(st.integers(0, 10))
def test_class_attributes_holding_containers(i):
    assert_same(class_tables, pyjitx.compile(class_tables), i)


def test_an_object_reached_twice_is_one_object():
    assert pyjitx.compile(one_object_twice)() is True


def test_changing_a_captured_value_in_compiled_code_is_refused():
    def add_word(w: str) -> int:
        VOCAB[w] = len(VOCAB)
        return VOCAB[w]

    with pytest.raises(pyjitx.CompileError) as info:
        pyjitx.compile(add_word)("new")
    message = str(info.value)
    assert "'VOCAB' is a module-level dict" in message and "global VOCAB" in message
    assert "VOCAB[w] = len(VOCAB)" in message  # the caret's line


def test_a_change_in_python_after_compiling_is_not_seen():
    # documented: the value is captured when the function is compiled
    compiled = pyjitx.compile(encode)
    assert compiled(["cat"]) == [2]
    VOCAB["cat"] = 99
    try:
        assert encode(["cat"]) == [99]
        assert compiled(["cat"]) == [2]
        assert pyjitx.compile(encode)(["cat"]) == [99]  # a new compile sees it
    finally:
        VOCAB["cat"] = 2


def test_first_use_from_many_threads_builds_one_value():
    compiled = pyjitx.compile(encode, cache=False)
    results: List[List[int]] = []
    barrier = threading.Barrier(8)

    def run() -> None:
        barrier.wait()
        for _ in range(200):
            results.append(compiled(["the", "cat", "日本", "x"]))

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [[2, 3, 0]] * 1600


def test_a_new_process_compiles_the_changed_value(tmp_path):
    # the disk cache is keyed on the captured value's contents
    module = tmp_path / "vocab_mod.py"
    script = textwrap.dedent("""
        import sys
        sys.path.insert(0, sys.argv[1])
        import pyjitx, vocab_mod
        print(pyjitx.compile(vocab_mod.lookup)("b"))
    """)
    env_cache = {"PYJITX_CACHE_DIR": str(tmp_path / "cache")}
    import os

    env = dict(os.environ, **env_cache)
    outputs = []
    for value in (2, 3):
        module.write_text(f"VOCAB = {{'a': 1, 'b': {value}}}\n\n"
                          "def lookup(k: str) -> int:\n    return VOCAB.get(k, 0)\n")
        done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout.strip())
    assert outputs == ["2", "3"]


@pyjitx.compile
class Tally:
    def __init__(self) -> None:
        self.count = 0
        self.words: List[str] = []


TALLY = Tally()


def record(w: str) -> int:
    TALLY.count += 1
    TALLY.words.append(w)
    return TALLY.count


def test_a_module_level_instance_is_shared_with_python():
    # an instance of a compiled class made in Python is that very object in
    # compiled code: its changes are seen by Python, and Python's by it
    compiled = pyjitx.compile(record)
    start = TALLY.count
    try:
        assert compiled("a") == start + 1 and compiled("日本") == start + 2
        assert TALLY.count == start + 2 and TALLY.words[-2:] == ["a", "日本"]
        TALLY.count = 100
        assert compiled("b") == 101
    finally:
        TALLY.words = []  # (what the test added is not a leak)
