"""pyjitx.trace in one process: what the graph records, what it refuses
(a TraceError naming the user's line, never a frozen branch), running it,
saving and loading it here, threads, constructor arguments and resources.
(tests/test_pipeline_roundtrip.py loads in a fresh process.)"""
from __future__ import annotations

import gc
import inspect
import json
import threading
from typing import Dict, List, Tuple

import numpy as np
import pytest

import pyjitx
from pyjitx.pipeline import construction
from pyjitx.pipeline.graph import Const, Pack, PackDict, Var

pytestmark = pytest.mark.needs_jit


class Text2Ids:
    def __init__(self, table: Dict[str, int]) -> None:
        self.table = table

    def __call__(self, words: List[str]) -> List[int]:
        return [self.table.get(w, 2) for w in words]


CText2Ids = pyjitx.compile(Text2Ids)


@pyjitx.compile
def split(s: str) -> List[str]:
    return s.split()


@pyjitx.compile
def repeat(s: str, n: int) -> str:
    return s * n


@pyjitx.compile
def pair(s: str) -> Tuple[str, int]:
    return s.upper(), len(s)


@pyjitx.compile
def join(words: List[str], sep: str) -> str:
    return sep.join(words)


@pyjitx.compile
def append_one(xs: List[int]) -> int:
    xs.append(1)
    return len(xs)


@pyjitx.compile
class Counter:
    def __init__(self, start: int) -> None:
        self.n = start

    def add(self, k: int) -> int:
        self.n += k
        return self.n


@pyjitx.compile
def make_counter(start: int) -> Counter:
    return Counter(start)


@pyjitx.compile
class Scale:
    def __init__(self, w: pyjitx.NDArray[np.float64, 1], name: str, opts: Dict[str, float]):
        self.w = w
        self.name = name
        self.opts = opts

    def __call__(self, x: pyjitx.NDArray[np.float64, 1]) -> pyjitx.NDArray[np.float64, 1]:
        return x * self.w + self.opts["bias"]

@pyjitx.compile
class Holder:
    def __init__(self, inner: Scale, tags: List[Tuple[str, bytes]]) -> None:
        self.inner = inner
        self.tags = tags

    def apply(self, x: pyjitx.NDArray[np.float64, 1], times: int) -> pyjitx.NDArray[np.float64, 1]:
        for _ in range(times):
            x = self.inner(x)
        return x


class WorkFlow:
    def __init__(self) -> None:
        self.text2ids = CText2Ids({"hello": 0, "world": 1})

    def process(self, texts: str):
        return self.text2ids(split(texts))


def test_import_pyjitx_does_not_import_the_pipeline_package():
    import subprocess
    import sys

    code = ("import sys, pyjitx; before = 'pyjitx.pipeline' in sys.modules; "
            "pyjitx.trace; print(before, 'pyjitx.pipeline.tracer' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.split() == ["False", "True"], out.stderr


def test_the_spec_example_traces_runs_saves_and_loads(tmp_path):
    handler = WorkFlow()
    mod = pyjitx.trace(handler.process, "hello world")
    assert mod.inputs == ("texts",)
    assert mod.run({"texts": "hello world"}) == [0, 1]
    assert mod.run({"texts": "hello world unknown"}) == [0, 1, 2]
    mod.save(tmp_path / "my_dir")
    mod2 = pyjitx.load(tmp_path / "my_dir")
    for text in ("hello world unknown", "", "world  hello"):
        assert mod2.run({"texts": text}) == handler.process(text)
    assert mod2.inputs == mod.inputs and mod2.outputs == mod.outputs


def test_the_graph_records_op_calls_with_inputs_constants_and_outputs():
    def flow(a: str, b: str):
        words = split(a)
        return join(words, "-"), repeat(b, 3)

    p = pyjitx.trace(flow, "x y", "z")
    ops = [p.ops[n.op].name for n in p.graph.nodes]
    assert ops == ["split", "join", "repeat"]
    assert p.inputs == ("a", "b")
    join_node = p.graph.nodes[1]
    assert join_node.inputs[0] == Var(p.graph.nodes[0].outputs[0])
    assert isinstance(join_node.inputs[1], Const) and join_node.inputs[1].value == "-"
    assert isinstance(p.graph.outputs, Pack) and p.graph.outputs.kind == "tuple"
    assert p.outputs == (join_node.outputs[0], p.graph.nodes[2].outputs[0])
    assert p.run({"a": "p q r", "b": "ab"}) == ("p-q-r", "ababab") == flow("p q r", "ab")


def test_a_traced_bound_method_calls_instances_and_one_op_is_shared():
    handler = WorkFlow()

    def flow(s: str):
        return handler.text2ids(split(s)), handler.text2ids(split(s + " world"))

    # (s + " world" is an operator on a traced value: a glue op)
    p = pyjitx.trace(flow, "hello")
    assert [p.ops[n.op].name.partition("#")[0] for n in p.graph.nodes] == [
        "split", "Text2Ids.__call__", "add", "split", "Text2Ids.__call__"]
    assert len(p.ops) == 3
    assert p.run({"s": "world"}) == ([1], [1, 1])

    def flow2(s: str, t: str):
        return handler.text2ids(split(s)), handler.text2ids(split(t))

    p = pyjitx.trace(flow2, "hello", "world")
    assert len(p.graph.nodes) == 4 and len(p.ops) == 2  # split and __call__, each used twice
    assert p.run({"s": "world x", "t": "hello"}) == ([1, 2], [0])


def test_outputs_nest_tuples_lists_and_dicts_of_values_and_constants():
    def flow(s: str):
        words = split(s)
        return {"words": words, "meta": [1, ("k", words)], "n": None}

    p = pyjitx.trace(flow, "a b")
    assert isinstance(p.graph.outputs, PackDict)
    assert p.run({"s": "c d e"}) == flow("c d e")


def test_containers_of_traced_values_are_built_at_run_time():
    def flow(a: str, b: str):
        return join([a, b, "!"], " ")

    p = pyjitx.trace(flow, "x", "y")
    assert isinstance(p.graph.nodes[0].inputs[0], Pack)
    assert p.run({"a": "hello", "b": "you"}) == "hello you !"


def test_unpacking_and_indexing_a_tuple_result_record_item_nodes():
    def flow(s: str):
        upper, n = pair(s)
        return n, upper, pair(s)[0]

    p = pyjitx.trace(flow, "ab")
    assert [n.kind for n in p.graph.nodes] == ["op", "item", "item", "op", "item"]
    assert p.run({"s": "héllo"}) == (5, "HÉLLO", "HÉLLO")


def test_a_method_of_an_instance_an_op_returned_is_an_op_too():
    def flow(start: int, k: int):
        counter = make_counter(start)
        counter.add(k)
        return counter.add(k)

    p = pyjitx.trace(flow, 1, 2)
    assert [p.ops[n.op].name for n in p.graph.nodes] == ["make_counter", "Counter.add",
                                                         "Counter.add"]
    assert p.run({"start": 10, "k": 5}) == 20


def test_mutating_ops_change_the_fed_object_as_in_python():
    def flow(xs: List[int]):
        append_one(xs)
        return xs

    p = pyjitx.trace(flow, [0])
    fed = [5, 6]
    assert p.run({"xs": fed}) == [5, 6, 1]
    assert fed == [5, 6, 1]


def test_an_op_called_without_traced_values_runs_once_and_its_result_is_a_constant():
    def flow(s: str):
        return join([s, repeat("ab", 2)], "+")

    p = pyjitx.trace(flow, "x")
    assert [p.ops[n.op].name for n in p.graph.nodes] == ["join"]
    assert p.run({"s": "y"}) == "y+abab"


# ---- refused: Python glue on traced values

def _glue_cases():
    def branch(s: str):
        if split(s):  # REFUSED
            return 1
        return 0

    def length(s: str):
        return len(split(s))  # REFUSED

    def iterate(s: str):
        return [w for w in split(s)]  # REFUSED

    def attribute(s: str):
        return s.no_such_method()  # REFUSED

    def uncalled_method(s: str):
        return split(s).copy  # REFUSED

    def comparison(s: str):
        if repeat(s, 2) == "aa":  # REFUSED
            return 1
        return 2

    def mutating_method(s: str):
        words = split(s)
        words.append("x")  # REFUSED
        return words

    def in_place_on_a_list(s: str):
        words = split(s)
        words += ["x"]  # REFUSED
        return words

    def uncompilable_method(s: str):
        return s.format_map({})  # REFUSED

    def traced_slice(s: str, n: int = 1):
        return s[:n]  # REFUSED

    def string(s: str):
        return str(repeat(s, 2))  # REFUSED

    def fstring(s: str):
        return f"<{s}>"  # REFUSED

    def hashing(s: str):
        return {s: 1}  # REFUSED

    def membership(s: str):
        return "a" in split(s)  # REFUSED

    def conversion(n: int):
        return int(n)  # REFUSED

    def boolean(s: str):
        return repeat(s, 2) or "x"  # REFUSED

    return [branch, length, iterate, attribute, uncalled_method, comparison, mutating_method,
            in_place_on_a_list, uncompilable_method, traced_slice, string, fstring, hashing,
            membership, conversion, boolean]


@pytest.mark.parametrize("flow", _glue_cases(), ids=lambda f: f.__name__)
def test_python_glue_on_a_traced_value_is_a_trace_error_naming_the_line(flow):
    lines, first = inspect.getsourcelines(flow)
    line = first + next(i for i, text in enumerate(lines) if "# REFUSED" in text)
    example = 2 if "n: int" in lines[0] else "a b"
    with pytest.raises(pyjitx.TraceError) as info:
        pyjitx.trace(flow, example)
    message = str(info.value)
    assert f"{__file__}:{line}:" in message
    assert "# REFUSED" in message  # the source line is quoted
    assert "compiled op" in message


def test_trace_errors_for_signatures_examples_and_nesting():
    def star(*args):
        return args

    with pytest.raises(pyjitx.TraceError, match=r"\*args"):
        pyjitx.trace(star, 1)
    with pytest.raises(TypeError, match="example inputs"):
        pyjitx.trace(lambda a, b: a, 1)

    def nested(s: str):
        return pyjitx.trace(split, s)

    with pytest.raises(pyjitx.TraceError, match="inside a function being traced"):
        pyjitx.trace(nested, "a")


def test_an_unsavable_constant_is_a_trace_error():
    def flow(s: str):
        return join([s], "x"), object()

    with pytest.raises(pyjitx.TraceError, match="cannot be saved"):
        pyjitx.trace(flow, "a")


def test_a_traced_value_is_inert_after_its_trace():
    kept = []

    def flow(s: str):
        kept.append(s)
        return split(s)

    pyjitx.trace(flow, "a b")
    assert "traced value 's'" in repr(kept[0])
    with pytest.raises(pyjitx.TraceError, match="trace that has ended"):
        bool(kept[0])
    with pytest.raises(TypeError):
        split(kept[0])  # not a str, and no trace is recording


def test_run_checks_the_feed():
    p = pyjitx.trace(WorkFlow().process, "a")
    with pytest.raises(TypeError, match="no value for the input 'texts'"):
        p.run({})
    with pytest.raises(TypeError, match="unexpected input 'other'"):
        p.run({"texts": "a", "other": 1})
    with pytest.raises(TypeError, match="must be str"):
        p.run({"texts": 3})


def test_exceptions_of_ops_propagate_from_run_as_from_the_function():
    @pyjitx.compile
    def first(words: List[str]) -> str:
        return words[0]

    def flow(s: str):
        return first(split(s))

    p = pyjitx.trace(flow, "a b")
    with pytest.raises(IndexError) as from_pipeline:
        p.run({"s": ""})
    with pytest.raises(IndexError) as from_python:
        flow("")
    assert str(from_pipeline.value) == str(from_python.value)


# ---- saving and loading in this process


def test_save_and_load_here_with_nested_instances_arrays_and_constants(tmp_path):
    holder = Holder(Scale(np.array([1.0, -2.0, 0.5]), "s", {"bias": 0.25, "nan": float("nan")}),
                    [("a", b"\x00\xff"), ("é", b"")])

    def flow(x):
        return holder.apply(x, 2)

    p = pyjitx.trace(flow, np.zeros(3))
    x = np.array([1.0, 2.0, 3.0])
    expected = flow(x)
    p.save(tmp_path / "d", portable=False)
    state = json.loads((tmp_path / "d" / "state" / "state.json").read_text())
    assert [i["class"].rsplit(".", 1)[1] for i in state["instances"]] == ["Scale", "Holder"]
    scale_args = state["instances"][0]["args"]
    assert scale_args[0]["type"] == "ndarray" and scale_args[0]["shape"] == [3]
    assert {"type": "float", "value": "nan"} in [v for _, v in scale_args[2]["items"]]
    assert state["instances"][1]["args"][1]["items"][0]["items"][1] == {
        "type": "bytes", "base64": "AP8="}
    loaded = pyjitx.load(tmp_path / "d")
    np.testing.assert_array_equal(loaded.run({"x": x}), expected)
    # the loaded instance is rebuilt from the saved arguments, not shared
    node = loaded.graph.nodes[0]
    assert not pyjitx._ext.same_instance(node.inputs[0].value, holder)
    del loaded, p, holder, node


def test_an_instance_made_in_compiled_code_cannot_be_saved(tmp_path):
    counter = make_counter(3)

    def flow(k: int):
        return counter.add(k)

    p = pyjitx.trace(flow, 1)
    with pytest.raises(pyjitx.PipelineSaveError, match="not constructed from Python"):
        p.save(tmp_path / "d")
    assert not (tmp_path / "d").exists()  # nothing half-written
    assert not list(tmp_path.iterdir())


def test_save_refuses_to_overwrite_a_directory_that_is_not_a_pipeline(tmp_path):
    p = pyjitx.trace(WorkFlow().process, "a")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "precious.txt").write_text("x")
    with pytest.raises(FileExistsError):
        p.save(tmp_path / "d")
    p.save(tmp_path / "e")
    p.save(tmp_path / "e")  # a saved pipeline is replaced
    assert (tmp_path / "e" / "manifest.json").exists()
    assert sorted(x.name for x in tmp_path.iterdir()) == ["d", "e"]


def test_a_loaded_pipeline_saves_again_and_loads(tmp_path):
    p = pyjitx.trace(WorkFlow().process, "a")
    p.save(tmp_path / "one")
    again = pyjitx.load(tmp_path / "one")
    again.save(tmp_path / "two")
    first = json.loads((tmp_path / "one" / "manifest.json").read_text())
    second = json.loads((tmp_path / "two" / "manifest.json").read_text())
    assert first["files"] == second["files"]  # the same object files and state
    assert pyjitx.load(tmp_path / "two").run({"texts": "hello x"}) == [0, 2]


def test_resources_are_bundled_and_their_paths_rewritten(tmp_path):
    @pyjitx.compile
    class Reader:
        def __init__(self, path: str, fallback: str) -> None:
            self.path = path
            self.fallback = fallback

        def where(self, suffix: str) -> str:
            return self.path + suffix

    source = tmp_path / "vocab.txt"
    source.write_text("hello\nworld\n")
    reader = Reader(pyjitx.resource(source), "plain.txt")

    def flow(s: str):
        return reader.where(s)

    p = pyjitx.trace(flow, "")
    assert p.run({"s": "!"}) == str(source) + "!"
    p.save(tmp_path / "d")
    source.unlink()
    loaded = pyjitx.load(tmp_path / "d")
    path = loaded.run({"s": ""})
    assert path == str(tmp_path / "d" / "resources" / "vocab.txt")
    with open(path) as f:
        assert f.read() == "hello\nworld\n"
    manifest = json.loads((tmp_path / "d" / "manifest.json").read_text())
    assert manifest["resources"] == [{"file": "resources/vocab.txt", "source": str(source)}]
    with pytest.raises(FileNotFoundError):
        pyjitx.resource(tmp_path / "missing.txt")
    del loaded, p, reader


# ---- constructor arguments


def test_constructor_arguments_are_copied_and_forgotten_with_the_instance():
    words = {"a": 1}
    obj = CText2Ids(words)
    made = construction.lookup(obj)
    assert made is not None and made.args == ({"a": 1},) and made.args[0] is not words
    words["b"] = 2
    assert made.args == ({"a": 1},)
    before = len(construction._records)
    del obj, made
    gc.collect()
    assert len(construction._records) == before - 1


def test_a_field_read_finds_the_record_of_the_constructed_instance():
    @pyjitx.compile
    class Outer:
        def __init__(self, inner: Counter) -> None:
            self.inner = inner

    outer = Outer(Counter(7))
    fresh_wrapper = outer.inner
    made = construction.lookup(fresh_wrapper)
    assert made is not None and made.args == (7,)
    del outer, fresh_wrapper, made


# ---- threads


def test_one_loaded_pipeline_runs_correctly_from_eight_threads(tmp_path):
    handler = WorkFlow()

    def flow(texts: str, sep: str):
        ids = handler.text2ids(split(texts))
        return ids, join(split(texts), sep)

    pyjitx.trace(flow, "hello world", "+").save(tmp_path / "d")
    loaded = pyjitx.load(tmp_path / "d")
    words = ["hello", "world", "x", "héllo", "世界"]
    errors: List[str] = []
    start = threading.Barrier(8)

    def worker(seed: int) -> None:
        rng = np.random.default_rng(seed)
        start.wait()
        for i in range(300):
            text = " ".join(rng.choice(words, size=int(rng.integers(0, 20))))
            sep = "-" * int(rng.integers(0, 3))
            got = loaded.run({"texts": text, "sep": sep})
            if got != flow(text, sep):
                errors.append(f"thread {seed}, run {i}: {text!r} -> {got!r}")
                return

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    del loaded


def test_snapshot_copies_lists_dicts_and_sets_deeply_and_shares_the_rest():
    snapshot = construction.snapshot
    inner = [1, 2]
    arr = np.zeros(2)
    value = ([inner, inner], {"k": {3}}, (4, "s"), arr, "text")
    copy = snapshot(value)
    assert copy == value
    assert copy[0] is not value[0] and copy[0][0] is not inner
    assert copy[0][0] is copy[0][1]                   # sharing kept
    assert copy[1]["k"] is not value[1]["k"]          # sets copied
    assert copy[2] is value[2] and copy[3] is arr     # immutable tuple, array shared
    cyclic: list = [1]
    cyclic.append(cyclic)
    again = snapshot(cyclic)
    assert again is not cyclic and again[1] is again
    deep: list = []
    for _ in range(100000):
        deep = [deep]
    with pytest.raises(RecursionError):
        snapshot(deep)
