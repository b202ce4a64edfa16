"""pyjitx::Session (<pyjitx/pyjitx.hpp>, session.hpp): saved pipelines
loaded and run by a C++ host with no Python in it.

- Every round-trip workflow of tests/pipeline_workflows.py (scalars,
  Unicode strings, containers, a class holding a class, Any, NDArray,
  the example of docs/spec.md §3, glue ops) is saved, then run by the C++
  host on the same feeds: its printed results and exceptions equal
  Python's byte for byte, and the host ends with no live runtime object.
- One Session runs from 4 threads at once with the same results.
- Damaged or mismatched directories are refused with the same error class
  as pyjitx.load, before any code runs; a fuzzer of manifests checks both
  loaders agree (and the C++ one never crashes).
- The manifest digest: the C++ canonical JSON and sha256 equal Python's
  json.dumps + hashlib on generated JSON; the ABI hash equals compat's.
- A host without <pyjitx/torch.hpp> refuses a pipeline with a model; a
  host linked with the static runtime is refused with a clear error.
- Links, FIFOs and folders where the manifest lists files are refused by
  both loaders alike (UnsafeFileError), naming only the path inside.
- A host cancels a running op through the runtime's interrupt hook; with
  no hook a requested interrupt is dropped.

Hosts are compiled with the system g++ (flags from pyjitx.backend.link);
skipped only where no C++ compiler exists."""
from __future__ import annotations

import copy
import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pyjitx
from pyjitx.backend import link
from pyjitx.pipeline.compat import abi_hash
from pyjitx.pipeline.manifest import DIGEST_KEY, digest
from test_build import cxx_or_skip, run

pytestmark = [
    pytest.mark.needs_jit,
    # (hosts linked against the sanitizer run's instrumented runtime would
    # need the sanitizer runtimes; the ordinary run builds and runs them)
    pytest.mark.skipif(os.environ.get("PYJITX_SANITIZER_RUN") == "1",
                       reason="native hosts are not linked in the sanitizer run"),
]

REPO = Path(__file__).resolve().parents[1]
HOST_SOURCE = Path(__file__).resolve().parent / "cpp" / "session_host.cpp"
WORKFLOWS = Path(__file__).resolve().parent / "pipeline_workflows.py"
MODULE = "pjx_session_workflows"


SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined",
            "-fno-omit-frame-pointer", "-g"]


def compile_host(out: Path, *, static=False, torch=False, sanitize=False) -> Path:
    cxx = cxx_or_skip()
    flags = ["-std=c++17", "-O1", "-Wall", "-Wextra", "-Werror", *(SANITIZE if sanitize else [])]
    extra = []
    if torch:
        import torch as torch_module

        root = Path(torch_module.__file__).parent
        flags = ["-std=c++17", "-O1", "-w", "-DPYJITX_TEST_WITH_TORCH",
                 f"-I{root / 'include'}", f"-I{root / 'include' / 'torch' / 'csrc' / 'api' / 'include'}"]
        extra = [f"-L{root / 'lib'}", f"-Wl,-rpath,{root / 'lib'}", "-ltorch", "-ltorch_cpu", "-lc10"]
    run([cxx, *flags, HOST_SOURCE, "-o", out, *link.cflags(), *link.libs(static=static), *extra])
    return out


def host(exe: Path, *args) -> list:
    out = subprocess.run([str(exe), *map(str, args)], capture_output=True, timeout=300)
    text = out.stdout.decode("utf-8")
    assert out.returncode == 0, f"exit {out.returncode}\n{text}\n{out.stderr.decode(errors='replace')}"
    lines = text.splitlines()
    assert lines[-1] == "live 0", lines[-5:]
    return lines[:-1]


@pytest.fixture(scope="module")
def session_host(tmp_path_factory) -> Path:
    return compile_host(tmp_path_factory.mktemp("host") / "session_host")


# ---- the round-trip workflows, run by C++

SAVE = '''
import json, os, pickle, sys
import numpy as np
import pyjitx
from pyjitx.pipeline.state import Encoder
import MODULE_NAME as w
out = sys.argv[1]
arrays = []
def store(array):
    arrays.append(array)
    name = f"feeds/a{len(arrays)}.bin"
    os.makedirs(f"{out}/feeds", exist_ok=True)
    np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tofile(f"{out}/{name}")
    return name
encoder = Encoder(instance=None, array=store, resource=None)
results = {}
for name, (factory, example, calls) in w.CASES.items():
    pipeline = pyjitx.trace(factory(), *example)
    pipeline.save(f"{out}/{name}")
    feeds = [dict(zip(pipeline.inputs, args)) for args in calls]
    with open(f"{out}/{name}.feeds.json", "w") as f:
        json.dump([{k: encoder.encode(v) for k, v in feed.items()} for feed in feeds], f)
    results[name] = []
    for feed in feeds:
        try:
            results[name].append(("value", pipeline.run(feed)))
        except Exception as exc:
            results[name].append(("raised", type(exc).__name__, str(exc)))
with open(f"{out}/results.pkl", "wb") as f:
    pickle.dump(results, f)
'''


def has_array(value) -> bool:
    if isinstance(value, np.ndarray):
        return True
    if isinstance(value, (list, tuple)):
        return any(has_array(v) for v in value)
    if isinstance(value, dict):
        return any(has_array(v) for v in value.values())
    return False


def show(value) -> str:
    """repr, except that arrays show dtype, shape and every element (the
    host's show() in tests/cpp/session_host.cpp)."""
    if not has_array(value):
        return repr(value)
    if isinstance(value, np.ndarray):
        items = ", ".join(repr(x) for x in value.ravel().tolist())
        return f"array({value.dtype.name}, [{', '.join(map(str, value.shape))}], [{items}])"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{show(k)}: {show(v)}" for k, v in value.items()) + "}"
    inner = ", ".join(show(v) for v in value)
    if isinstance(value, tuple):
        return "(" + inner + ("," if len(value) == 1 else "") + ")"
    return "[" + inner + "]"


def expected_lines(results) -> list:
    return [f"value {show(r[1])}" if r[0] == "value" else f"raised {r[1]}: {r[2]}"
            for r in results]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """Every workflow saved by a process that then goes away; the Python
    results of the traced pipelines on the feeds."""
    root = tmp_path_factory.mktemp("session")
    source, out = root / "source", root / "saved"
    source.mkdir()
    out.mkdir()
    shutil.copyfile(WORKFLOWS, source / f"{MODULE}.py")
    script = textwrap.dedent(SAVE).replace("MODULE_NAME", MODULE)
    done = subprocess.run([sys.executable, "-c", script, str(out)], cwd=source,
                          env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    shutil.rmtree(source)
    with open(out / "results.pkl", "rb") as f:
        return out, pickle.load(f)


CASES = ["scalar", "string", "container", "class", "any", "ndarray", "spec", "glue", "bert",
         "stdlib"]


@pytest.mark.parametrize("case", CASES)
def test_cpp_session_prints_what_python_returns(saved, session_host, case):
    out, results = saved
    got = host(session_host, "run", out / case, out / f"{case}.feeds.json")
    assert got == expected_lines(results[case])


def test_the_cases_raise_and_return_what_they_claim(saved):
    _, results = saved
    assert results["class"][2][:2] == ("raised", "TokenizerError")  # a user exception
    assert any(r[0] == "value" and has_array(r[1]) for r in results["ndarray"])
    assert any("🎉" in line for line in expected_lines(results["string"]))
    assert any("\u4e00" in line for line in expected_lines(results["container"]))


def test_session_host_is_asan_and_ubsan_clean(saved, tmp_path):
    """The header's C++ (JSON, checks, conversions, the graph run) under
    AddressSanitizer and UBSan: every workflow, and the damaged directories."""
    try:
        exe = compile_host(tmp_path / "session_host_asan", sanitize=True)
    except AssertionError as exc:
        if "asan" in str(exc) or "ubsan" in str(exc):
            pytest.skip(f"the compiler has no sanitizer runtime: {exc}")
        raise
    out, results = saved
    for case in CASES:
        assert host(exe, "run", out / case, out / f"{case}.feeds.json") == \
            expected_lines(results[case]), case
    dirs = []
    for n, (damage, _) in enumerate(DAMAGES.values()):
        shutil.copytree(out / "class", tmp_path / f"d{n}")
        damage(tmp_path / f"d{n}")
        dirs.append(tmp_path / f"d{n}")
    got = host(exe, "load", *dirs)
    assert [line.split(":")[0] for line in got] == [e for _, e in DAMAGES.values()]


def test_one_session_from_four_threads(saved, session_host):
    out, _ = saved
    for case in ("class", "spec", "container"):
        nfeeds = len(json.loads((out / f"{case}.feeds.json").read_text()))
        got = host(session_host, "threads", out / case, out / f"{case}.feeds.json", 4, 150)
        assert got == [f"threads ok {4 * 150 * nfeeds}"]


def test_feed_errors_name_the_input_or_parameter(saved, session_host, tmp_path):
    out, _ = saved
    feeds = tmp_path / "bad.json"
    feeds.write_text(json.dumps([
        {"texts": {"type": "int", "value": 3}},
        {},
        {"texts": {"type": "str", "value": "a"}, "other": {"type": "none"}},
    ]))
    assert host(session_host, "run", out / "spec", feeds) == [
        "raised TypeError: op str.split#" + op_hash(out / "spec") +
        ", parameter 'x': expected str, got int",
        "raised TypeError: Session::run: no value for the input 'texts' (the inputs are texts)",
        "raised TypeError: Session::run: unexpected input 'other' (the inputs are texts)",
    ]
    with pytest.raises(TypeError, match="no value for the input 'texts'"):
        pyjitx.load(out / "spec").run({})


def op_hash(directory: Path) -> str:
    manifest = json.loads((directory / "manifest.json").read_text())
    return next(op["name"] for op in manifest["ops"] if op["name"].startswith("str.split#")
                ).split("#")[1]


@pyjitx.compile
def total(xs: List[float]) -> float:
    s = 0.0
    for x in xs:
        s += x
    return s


def total_flow(xs):
    return total(xs)


def test_containers_of_other_item_kinds_are_converted_for_the_op(session_host, tmp_path):
    """value_from_json makes [1, 2] a List[int] and [] a list of objects:
    the Session converts both for an op taking List[float]."""
    pipeline = pyjitx.trace(total_flow, [1.5])
    pipeline.save(tmp_path / "total")
    feeds = tmp_path / "kinds.json"
    lists = [[1, 2], [], [0.5, 2]]
    feeds.write_text(json.dumps([{"xs": {"type": "list", "items": [
        {"type": "int" if isinstance(x, int) else "float", "value": x if isinstance(x, int)
         else repr(x)} for x in xs]}} for xs in lists]))
    assert host(session_host, "run", tmp_path / "total", feeds) == [
        f"value {pipeline.run({'xs': xs})!r}" for xs in lists]


# ---- refused directories: the same errors as pyjitx.load

def rewrite(directory: Path, change) -> None:
    path = directory / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    manifest[DIGEST_KEY] = digest(manifest)
    path.write_text(json.dumps(manifest))


def damage_object(directory: Path) -> None:
    obj = next((directory / "ops").glob("*.o"))
    data = bytearray(obj.read_bytes())
    data[len(data) // 2] ^= 0xFF
    obj.write_bytes(bytes(data))


def edit_without_digest(directory: Path) -> None:
    path = directory / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["name"] = "renamed"
    path.write_text(json.dumps(manifest))


def damage_state(directory: Path) -> None:
    state = directory / "state" / "state.json"
    state.write_text(state.read_text().replace('"constructor"', '"constructr"'))

    def fix(m):
        m["files"]["state/state.json"] = {"sha256": hashlib.sha256(state.read_bytes()).hexdigest(),
                                          "size": state.stat().st_size}
    rewrite(directory, fix)


def outside(directory: Path) -> Path:
    """A folder beside the saved directory: what a link inside it leads to."""
    there = directory.parent / f"{directory.name}_outside"
    there.mkdir(exist_ok=True)
    return there


def link_folder_outside(directory: Path, folder: str) -> None:
    """The folder moved out (its files intact, their checksums right) and a
    symbolic link left in its place."""
    target = outside(directory) / folder
    shutil.move(str(directory / folder), target)
    (directory / folder).symlink_to(target, target_is_directory=True)


def link_file_outside(directory: Path, relative: str, data: bytes = None) -> None:
    """A file replaced by a link to a file outside (the same bytes, or
    `data`: then a loader that followed it would print its size and digest)."""
    path = directory / relative
    target = outside(directory) / path.name
    target.write_bytes(path.read_bytes() if data is None else data)
    path.unlink()
    path.symlink_to(target)


def first_object(directory: Path) -> str:
    return "ops/" + sorted(p.name for p in (directory / "ops").glob("*.o"))[0]


def fifo_for_object(directory: Path) -> None:
    path = directory / first_object(directory)
    path.unlink()
    os.mkfifo(path)


def folder_for_object(directory: Path) -> None:
    path = directory / first_object(directory)
    path.unlink()
    path.mkdir()


def class_id_beyond_int64(m) -> None:
    for op in m["ops"]:
        d = op["returns"]["descriptor"]
        if d.startswith("c["):
            op["returns"]["descriptor"] = "c[9999999999999999999" + d[d.index(":"):]


def edit_state(directory: Path, change) -> None:
    path = directory / "state" / "state.json"
    state = json.loads(path.read_text())
    change(state)
    path.write_text(json.dumps(state))

    def fix(m):
        m["files"]["state/state.json"] = {"sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                                          "size": path.stat().st_size}
    rewrite(directory, fix)


def retype_first_int_arg(state) -> None:
    """The first int constructor argument saved as a str (Vocab's unk)."""
    for inst in state["instances"]:
        for arg in inst["args"]:
            if arg["type"] == "int":
                arg.update(type="str", value=str(arg["value"]))
                return
    raise AssertionError("no int argument in the state")


DAMAGES = {
    "no manifest": (lambda d: (d / "manifest.json").unlink(), "MissingFileError"),
    "not JSON": (lambda d: (d / "manifest.json").write_text("{oops"), "ManifestError"),
    "format version": (lambda d: rewrite(d, lambda m: m.update(format_version=9)),
                       "FormatVersionError"),
    "unknown key": (lambda d: rewrite(d, lambda m: m.update(extra=1)), "ManifestError"),
    "op without params": (lambda d: rewrite(d, lambda m: m["ops"][0].pop("params")),
                          "ManifestError"),
    "bad descriptor": (lambda d: rewrite(d, lambda m: m["ops"][0]["params"][0].update(
        descriptor="l[q]")), "ManifestError"),
    "undefined value": (lambda d: rewrite(d, lambda m: m["nodes"][0]["inputs"][0].update(
        name="nowhere")), "ManifestError"),
    "path outside": (lambda d: rewrite(d, lambda m: m.update(library="../lib.so")),
                     "ManifestError"),
    "edited": (edit_without_digest, "ChecksumError"),
    "abi version": (lambda d: rewrite(d, lambda m: m["abi"].update(version=99)),
                    "AbiMismatchError"),
    "abi hash": (lambda d: rewrite(d, lambda m: m["abi"].update(hash="0" * 32)),
                 "AbiMismatchError"),
    "triple": (lambda d: rewrite(d, lambda m: m["target"].update(triple="riscv64-unknown-linux-gnu")),
               "TargetMismatchError"),
    "cpu feature": (lambda d: rewrite(d, lambda m: m["target"]["features"].append("amx-tile")),
                    "CpuFeatureError"),
    "damaged object": (damage_object, "ChecksumError"),
    "missing object": (lambda d: next((d / "ops").glob("*.o")).unlink(), "MissingFileError"),
    "state": (damage_state, "StateError"),
    "import": (lambda d: rewrite(d, lambda m: m["ops"][0]["imports"].append("pjx_no_such_fn")),
               "AbiMismatchError"),
    "ops folder linked": (lambda d: link_folder_outside(d, "ops"), "UnsafeFileError"),
    "state folder linked": (lambda d: link_folder_outside(d, "state"), "UnsafeFileError"),
    "manifest linked": (lambda d: link_file_outside(d, "manifest.json"), "UnsafeFileError"),
    "object linked": (lambda d: link_file_outside(d, first_object(d), b"outside " * 999),
                      "UnsafeFileError"),
    "object is a FIFO": (fifo_for_object, "UnsafeFileError"),
    "object is a folder": (folder_for_object, "UnsafeFileError"),
    "bad name": (lambda d: rewrite(d, lambda m: m.update(name="../x y")), "ManifestError"),
    "name with a newline": (lambda d: rewrite(d, lambda m: m.update(name="x\n")),
                            "ManifestError"),
    "class id beyond int64": (lambda d: rewrite(d, class_id_beyond_int64), "ManifestError"),
    "int beyond int64": (lambda d: rewrite(d, lambda m: m["abi"].update(version=2 ** 64)),
                         "ManifestError"),
    "state class id beyond int64": (lambda d: edit_state(
        d, lambda st: st["instances"][0].update(class_id=2 ** 64 + 5)), "StateError"),
    "state value of a wrong type": (lambda d: edit_state(d, retype_first_int_arg), "StateError"),
}


def python_load_error(directory: Path) -> str:
    try:
        pyjitx.load(directory)
    except pyjitx.PipelineLoadError as exc:
        return type(exc).__name__
    return "ok"


def python_load_message(directory: Path) -> str:
    try:
        pyjitx.load(directory)
    except pyjitx.PipelineLoadError as exc:
        return str(exc)
    return "ok"


def test_damaged_directories_are_refused_as_python_refuses_them(saved, session_host, tmp_path):
    out, _ = saved
    dirs = []
    for n, (label, (damage, _)) in enumerate(DAMAGES.items()):
        target = tmp_path / f"d{n}"
        shutil.copytree(out / "class", target)
        damage(target)
        dirs.append(target)
    got = host(session_host, "load", *dirs)
    for (label, (_, expected)), line, directory in zip(DAMAGES.items(), got, dirs):
        assert python_load_error(directory) == expected, label
        assert line.split(":")[0] == expected, (label, line)
        if expected == "UnsafeFileError":
            # the path inside the directory, nothing of where it leads
            for message in (line, python_load_message(directory)):
                assert str(directory) in message and "_outside" not in message, message
                assert "sha256" not in message and "bytes" not in message, message


def test_a_directory_without_a_shared_library_loads_in_python_and_is_refused_by_a_host(
        saved, session_host, tmp_path):
    out, _ = saved
    target = tmp_path / "objects_only"
    shutil.copytree(out / "class", target)
    rewrite(target, lambda m: m.update(library=None))
    assert python_load_error(target) == "ok"
    [line] = host(session_host, "load", target)
    assert line.startswith("ObjectLoadError:") and "library: null" in line, line


MUTATIONS = st.sampled_from(["drop", "null", "int", "str", "list", "neg", "empty"])


def mutate(data, path, how):
    """Replace (or drop) the value at `path` in a JSON document."""
    *parents, last = path
    for key in parents:
        data = data[key]
    if how == "drop":
        if isinstance(data, dict):
            del data[last]
        else:
            data.pop(last)
        return
    data[last] = {"null": None, "int": 7, "str": "x", "list": [], "neg": -1,
                  "empty": {}}[how]


def json_paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for k, v in data.items():
            yield from json_paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from json_paths(v, prefix + (i,))


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.integers(0, 10 ** 6), MUTATIONS), min_size=40, max_size=40))
def test_fuzzed_manifests_get_the_same_verdict_from_both_loaders(saved, session_host,
                                                                 tmp_path_factory, mutations):
    out, _ = saved
    root = tmp_path_factory.mktemp("fuzz")
    original = json.loads((out / "class" / "manifest.json").read_text())
    paths = [p for p in json_paths(original) if p and p[0] != DIGEST_KEY]
    dirs = []
    for n, (pick, how) in enumerate(mutations):
        target = root / f"m{n}"
        shutil.copytree(out / "class", target)
        manifest = copy.deepcopy(original)
        mutate(manifest, paths[pick % len(paths)], how)
        manifest[DIGEST_KEY] = digest(manifest) if isinstance(manifest, dict) else None
        (target / "manifest.json").write_text(json.dumps(manifest))
        dirs.append(target)
    got = host(session_host, "load", *dirs)
    for directory, line, mutation in zip(dirs, got, mutations):
        verdict = "ok" if line == "ok" else line.split(":")[0]
        assert verdict == expected_host_verdict(directory), (mutation, line)


def expected_host_verdict(directory: Path) -> str:
    """What Session::load must say: the Python loader's verdict, except that a
    directory saved without a shared library ("library": null), which Python
    loads from ops/*.o through its JIT, is refused by a host, which has no JIT
    (documented in docs/pipeline-format.md)."""
    verdict = python_load_error(directory)
    manifest = json.loads((directory / "manifest.json").read_text())
    if verdict == "ok" and isinstance(manifest, dict) and manifest.get("library") is None:
        return "ObjectLoadError"
    return verdict


# ---- the digest and the ABI hash

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2 ** 63, 2 ** 63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=20)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(JSON_VALUES, min_size=1, max_size=30))
def test_canonical_json_digest_matches_python(session_host, tmp_path_factory, documents):
    path = tmp_path_factory.mktemp("canon") / "docs.jsonl"
    # ensure_ascii=False: the host must parse raw UTF-8 as well as escapes
    path.write_text("\n".join(json.dumps(d, ensure_ascii=n % 2 == 0)
                              for n, d in enumerate(documents)) + "\n", encoding="utf-8")
    expected = [hashlib.sha256(json.dumps(d, sort_keys=True, separators=(",", ":"),
                                          ensure_ascii=True).encode()).hexdigest()
                for d in documents]
    assert host(session_host, "canon", path) == expected


def test_json_the_format_never_holds_is_refused(session_host, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"a": 1.5}\n[1, 2\n"\\ud800"\n99999999999999999999\n{"a": 1} x\n')
    got = host(session_host, "canon", path)
    assert len(got) == 5 and all(line.startswith("error not valid JSON") for line in got), got


def test_abi_hash_is_the_one_python_writes(session_host):
    assert host(session_host, "abi") == [abi_hash()]


# ---- hosts that cannot run a directory

@pytest.mark.torch
def test_host_without_torch_refuses_a_pipeline_with_a_model(session_host, tmp_path):
    torch = pytest.importorskip("torch")

    class Double(torch.nn.Module):
        def forward(self, x):
            return x * 2

    @pyjitx.compile
    def ones(n: int) -> pyjitx.NDArray[np.float32, 1]:
        return np.ones(n, np.float32)

    model = pyjitx.torch_op(Double())
    pipeline = pyjitx.trace(lambda n: model(ones(n)), 3)
    pipeline.save(tmp_path / "torchy")
    [line] = host(session_host, "load", tmp_path / "torchy")
    assert line.startswith("TorchUnavailableError: ") and "'Double'" in line
    assert "include <pyjitx/torch.hpp>" in line


def test_host_with_the_static_runtime_is_refused(saved, tmp_path):
    out, _ = saved
    exe = compile_host(tmp_path / "static_host", static=True)
    result = subprocess.run([str(exe), "load", str(out / "spec")], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.startswith("ObjectLoadError: Session::load needs the runtime as a "
                                    "shared library"), result.stdout


def test_guide_session_example(saved, tmp_path):
    """The Session example of docs/guide/aot.md (that of docs/spec.md
    §4.4), compiled and run against the saved directory of docs/spec.md §3
    (the "spec" workflow)."""
    import re

    guide = (REPO / "docs" / "guide" / "aot.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```cpp\n(.*?)```", guide, re.S) if "Session::load" in b)
    source = tmp_path / "main.cpp"
    source.write_text("#include <iostream>\n" + block)
    exe = tmp_path / "main"
    run([cxx_or_skip(), "-std=c++17", "-Wall", "-Werror", source, "-o", exe, *link.cflags(),
         *link.libs()])
    shutil.copytree(saved[0] / "spec", tmp_path / "my_dir")
    out = subprocess.run([str(exe)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    expected = re.search(r"// (\[.*\])", block).group(1)
    assert out.returncode == 0 and out.stdout == expected + "\n", out


# ---- torch nodes through libtorch

class _TorchFlow:
    """A model between compiled ops: an NDArray from an op in, a float and a
    list of ints beside it, a tuple of tensors out (one into another op)."""

    def __init__(self):
        import torch

        class Pair(torch.nn.Module):
            def forward(self, x: torch.Tensor, scale: float,
                        ids: List[int]) -> Tuple[torch.Tensor, torch.Tensor]:
                return x * scale, torch.tensor(ids) + x.shape[0]

        self.model = pyjitx.torch_op(Pair())

    def process(self, n, scale, ids):
        scaled, shifted = self.model(grid(n), scale, ids)
        return total_of(scaled), shifted, scaled


@pyjitx.compile
def grid(n: int) -> pyjitx.NDArray[np.float32, 2]:
    a = np.zeros((n, 3), np.float32)
    for i in range(n):
        for j in range(3):
            a[i, j] = i * 3 + j + 0.5
    return a


@pyjitx.compile
def total_of(a: pyjitx.NDArray[np.float32, 2]) -> float:
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            s += float(a[i, j])
    return s



@pytest.mark.torch
def test_cpp_session_runs_torch_nodes_through_libtorch(tmp_path):
    pytest.importorskip("torch")
    flow = _TorchFlow()
    pipeline = pyjitx.trace(flow.process, 2, 1.5, [1, 2])
    pipeline.save(tmp_path / "torchflow")
    calls = [(2, 1.5, [1, 2]), (4, -0.25, [7]), (1, 2.0, [])]
    feeds = tmp_path / "feeds.json"
    feeds.write_text(json.dumps([
        {"n": {"type": "int", "value": n}, "scale": {"type": "float", "value": repr(s)},
         "ids": {"type": "list", "items": [{"type": "int", "value": i} for i in ids]}}
        for n, s, ids in calls]))
    expected = []
    for n, s, ids in calls:
        try:
            expected.append(f"value {show(pipeline.run({'n': n, 'scale': s, 'ids': ids}))}")
        except Exception as exc:
            expected.append(f"raised {type(exc).__name__}: {exc}")
    assert all(line.startswith("value (") and "array(int64" in line for line in expected), expected
    exe = compile_host(tmp_path / "torch_host", torch=True)
    assert host(exe, "run", tmp_path / "torchflow", feeds) == expected
    assert host(exe, "threads", tmp_path / "torchflow", feeds, 4, 25) == [f"threads ok {4 * 25 * 3}"]


# ---- state holding an NDArray and a bundled file

@pyjitx.compile
class Weights:
    def __init__(self, w: pyjitx.NDArray[np.float64, 1], names: Dict[str, int], path: str) -> None:
        self.w = w
        self.names = names
        self.path = path

    def score(self, text: str) -> Tuple[float, str]:
        total = 0.0
        for word in text.split():
            total += self.w[self.names.get(word, 0)]
        return total, self.path


def test_state_arrays_and_resources_are_rebuilt_in_cpp(session_host, tmp_path):
    names = tmp_path / "names.txt"
    names.write_text("a b c")
    weights = Weights(np.array([0.0, 1.5, -2.25]), {"a": 1, "b": 2}, pyjitx.resource(names))
    pipeline = pyjitx.trace(lambda text: weights.score(text), "a b")
    pipeline.save(tmp_path / "saved")
    names.unlink()
    texts = ["a b a", "", "b q ✓ a"]
    feeds = tmp_path / "feeds.json"
    feeds.write_text(json.dumps([{"text": {"type": "str", "value": t}} for t in texts]))
    loaded = pyjitx.load(tmp_path / "saved")
    expected = [f"value {loaded.run({'text': t})!r}" for t in texts]
    assert str(tmp_path / "saved" / "resources" / "names.txt") in expected[0]
    assert host(session_host, "run", tmp_path / "saved", feeds) == expected


# ---- interrupting a running op (runtime.h, "interrupts")


@pyjitx.compile
def spin(n: int) -> int:
    total = 0
    i = 0
    while i < n:
        total = (total + i) % 1000003
        i += 1
    return total


def spin_flow(n: int):
    return spin(n)


def test_a_host_cancels_a_running_op_and_without_a_hook_an_interrupt_is_dropped(
        session_host, tmp_path):
    pipeline = pyjitx.trace(spin_flow, 10)
    pipeline.save(tmp_path / "saved")
    feeds = tmp_path / "feeds.json"
    feeds.write_text(json.dumps([{"n": {"type": "int", "value": n}} for n in (1000, 10 ** 15)]))
    assert host(session_host, "interrupt", tmp_path / "saved", feeds) == [
        f"value {spin.py_func(1000)}", "pending 0",
        "raised KeyboardInterrupt: cancelled by the host", "pending 0"]
