"""`global` in compiled code (docs/guide/semantics.md, "Module state"):
the name is shared with the module -- read from it when a call from Python
starts, written back when the call returns or raises, containers changed
in place.  Each scenario runs the same code in CPython and compiled, in
fresh module namespaces, and compares results and the module's state
afterwards."""
from __future__ import annotations

import textwrap
import types
from typing import Any, Dict, List, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pyjitx

SOURCE = '''
from typing import Dict, List, Optional

COUNT = 0
TOTAL = 0.0
LAST = ""
SEEN: Dict[str, int] = {}
ORDER = []
TABLE: Optional[Dict[str, int]] = None
HISTORY: List[str] = []
LIMIT: int


def bump(n: int) -> int:
    global COUNT
    COUNT += n
    return COUNT


def add(x: float) -> float:
    global TOTAL
    TOTAL = TOTAL + x
    return TOTAL


def remember(word: str) -> int:
    global LAST, SEEN
    LAST = word
    SEEN[word] = SEEN.get(word, 0) + 1
    return len(SEEN)


def table() -> Dict[str, int]:
    global TABLE
    if TABLE is None:
        TABLE = {"a": 1, "b": 2}
    return TABLE


def lookup(k: str) -> int:
    return table().get(k, -1)


def reset_history(words: List[str]) -> int:
    global HISTORY
    HISTORY = [w.upper() for w in words]
    return len(HISTORY)


def failing_bump(n: int) -> int:
    global COUNT
    COUNT += 1
    if n < 0:
        raise ValueError(f"negative: {n}")
    return COUNT


def read_limit() -> int:
    global LIMIT
    return LIMIT


def count_via_helper(words: List[str]) -> int:
    for w in words:
        remember(w)
    return bump(len(words))


def peek_count(k: int) -> int:
    return COUNT * 10 + k     # no `global` here: bump() declares it (go.py's TIMESTAMP)


def bump_and_peek(n: int) -> int:
    bump(n)
    return peek_count(n)
'''


def make_module(name: str, compiled: bool) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__file__ = f"<{name}>"
    import linecache
    import sys

    path = f"/tmp/pyjitx_test_{name}.py"
    with open(path, "w", encoding="utf-8") as f:
        f.write(SOURCE)
    module.__file__ = path
    sys.modules[name] = module
    exec(compile(SOURCE, path, "exec"), module.__dict__)
    if compiled:
        for fn in ("bump", "add", "remember", "table", "lookup", "reset_history",
                   "failing_bump", "read_limit", "count_via_helper", "peek_count",
                   "bump_and_peek"):
            setattr(module, fn, pyjitx.compile(getattr(module, fn), cache=False))
    return module


_serial = iter(range(10 ** 6))


def pair():
    n = next(_serial)
    return make_module(f"glob_py_{n}", False), make_module(f"glob_jit_{n}", True)


def state(module) -> Tuple:
    return (module.COUNT, module.TOTAL, module.LAST, dict(module.SEEN), module.TABLE,
            list(module.HISTORY))


def outcome(call):
    try:
        return ("returned", call())
    except Exception as exc:  # the oracle's exceptions are data here
        return ("raised", type(exc).__name__, str(exc))


steps = st.lists(st.one_of(
    st.tuples(st.just("bump"), st.integers(-5, 5)),
    st.tuples(st.just("add"), st.floats(-10, 10)),
    st.tuples(st.just("remember"), st.sampled_from(["a", "b", "日本", ""])),
    st.tuples(st.just("lookup"), st.sampled_from(["a", "c"])),
    st.tuples(st.just("reset_history"), st.lists(st.sampled_from(["x", "é"]), max_size=3)),
    st.tuples(st.just("failing_bump"), st.integers(-2, 2)),
    st.tuples(st.just("count_via_helper"), st.lists(st.sampled_from(["a", "z"]), max_size=3)),
    st.tuples(st.just("python_sets_count"), st.integers(0, 100)),
    st.tuples(st.just("peek_count"), st.integers(-3, 3)),
    st.tuples(st.just("bump_and_peek"), st.integers(-3, 3)),
), max_size=10)


@settings(max_examples=30, deadline=None)
@given(steps)
def test_sequences_of_calls_match_cpython(sequence):
    py, jit = pair()
    for name, arg in sequence:
        if name == "python_sets_count":  # Python changes the value between calls
            py.COUNT = jit.COUNT = arg
            continue
        assert outcome(lambda: getattr(py, name)(arg)) == outcome(lambda: getattr(jit, name)(arg))
        assert state(py) == state(jit)


def test_a_container_changed_in_place_keeps_its_identity():
    _, jit = pair()
    seen = jit.SEEN
    jit.remember("a")
    jit.remember("a")
    assert jit.SEEN is seen and seen == {"a": 2}
    table = jit.table()
    assert jit.TABLE == {"a": 1, "b": 2} and table == jit.TABLE


def test_rebinding_a_container_binds_the_new_one():
    _, jit = pair()
    old = jit.HISTORY
    assert jit.reset_history(["a", "b"]) == 2
    assert jit.HISTORY == ["A", "B"] and jit.HISTORY is not old and old == []


def test_state_is_written_back_when_the_call_raises():
    py, jit = pair()
    for m in (py, jit):
        with pytest.raises(ValueError, match="negative: -1"):
            m.failing_bump(-1)
    assert py.COUNT == jit.COUNT == 1


def test_an_annotated_name_without_a_value_is_a_name_error():
    _, jit = pair()
    with pytest.raises(NameError, match="name 'LIMIT' is not defined"):
        jit.read_limit()
    jit.LIMIT = 7
    assert jit.read_limit() == 7


def test_a_value_of_another_type_from_python_is_a_type_error():
    _, jit = pair()
    jit.bump(1)
    jit.COUNT = "many"
    with pytest.raises(TypeError, match="global 'COUNT' must be int"):
        jit.bump(1)


def test_assigning_another_type_in_compiled_code_is_a_compile_error():
    source = textwrap.dedent('''
        COUNTER = 0

        def f() -> int:
            global COUNTER
            COUNTER = "x"
            return 0
    ''')
    namespace: Dict[str, Any] = {"__name__": "glob_bad"}
    path = "/tmp/pyjitx_test_glob_bad.py"
    with open(path, "w") as f:
        f.write(source)
    exec(compile(source, path, "exec"), namespace)
    with pytest.raises(pyjitx.CompileError, match="global 'COUNTER' holds an int"):
        pyjitx.compile(namespace["f"], cache=False)()


def test_threads_sharing_a_global_take_turns():
    import threading

    _, jit = pair()
    barrier = threading.Barrier(4)

    def run() -> None:
        barrier.wait()
        for _ in range(200):
            jit.bump(1)
            jit.remember("w")

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert jit.COUNT == 800 and jit.SEEN == {"w": 800}
