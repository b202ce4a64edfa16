"""A damaged or foreign saved directory is refused before any of its code is
loaded, each reason with its own exception class and a message naming the
file and the mismatch; and a fuzzer over mutated manifests and state files
never gets past the checks (nor crashes the loader)."""
from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any, Callable, Dict, List
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, strategies as st

import pyjitx
from pyjitx.pipeline import errors, loader
from pyjitx.pipeline.manifest import digest

pytestmark = pytest.mark.needs_jit


@pyjitx.compile
class Weights:
    def __init__(self, w: pyjitx.NDArray[np.float64, 1], names: Dict[str, int], path: str) -> None:
        self.w = w
        self.names = names
        self.path = path

    def score(self, words: List[str]) -> float:
        total = 0.0
        for word in words:
            total += self.w[self.names.get(word, 0)]
        return total


@pyjitx.compile
def tokens(s: str) -> List[str]:
    return s.split()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A saved directory with every kind of file: ops, state, an array, a resource."""
    root = tmp_path_factory.mktemp("template")
    resource = root / "names.txt"
    resource.write_text("a b c")
    weights = Weights(np.array([0.0, 1.5, -2.0]), {"a": 1, "b": 2}, pyjitx.resource(resource))

    def flow(text: str):
        return weights.score(tokens(text))

    pyjitx.trace(flow, "a b").save(root / "saved")
    return root / "saved"


@pytest.fixture
def saved(template, tmp_path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(template, copy)
    return copy


@contextlib.contextmanager
def no_code_loaded():
    """Fails the test if any object file reaches the JIT inside the block."""
    calls: List[Any] = []
    real = loader.load_object

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    with mock.patch.object(loader, "load_object", spy):
        yield calls
    assert calls == [], "object code was loaded from a directory that failed its checks"


def refused(directory: Path, error: type) -> str:
    """Load `directory`, expecting exactly `error` before any code loads;
    returns the message."""
    with no_code_loaded():
        with pytest.raises(errors.PipelineLoadError) as info:
            pyjitx.load(directory)
    assert type(info.value) is error, f"{type(info.value).__name__}: {info.value}"
    return str(info.value)


def edit_manifest(directory: Path, change: Callable[[Dict[str, Any]], None],
                  keep_digest_valid: bool = True) -> None:
    """Change the manifest as a (buggy or foreign) writer would: its digest
    recomputed, so that the check under test is the one that fires."""
    path = directory / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    if keep_digest_valid:
        manifest["manifest_sha256"] = digest(manifest)
    path.write_text(json.dumps(manifest))


def replace_file(directory: Path, relative: str, data: bytes) -> None:
    """Replace a file and record its new checksum in the manifest."""
    (directory / relative).write_bytes(data)

    def update(m: Dict[str, Any]) -> None:
        m["files"][relative] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

    edit_manifest(directory, update)


def first_object(directory: Path) -> str:
    return json.loads((directory / "manifest.json").read_text())["ops"][0]["object"]


def test_the_template_loads_and_runs(saved):
    pipeline = pyjitx.load(saved)
    assert pipeline.run({"text": "a b z"}) == 1.5 - 2.0 + 0.0
    del pipeline


# ---- one test per error class


def test_missing_directory_manifest_or_file(saved, tmp_path):
    assert "no such directory" in refused(tmp_path / "nowhere", errors.MissingFileError)
    obj = first_object(saved)
    (saved / obj).unlink()
    assert obj in refused(saved, errors.MissingFileError)
    (saved / "manifest.json").unlink()
    assert "manifest.json is missing" in refused(saved, errors.MissingFileError)


def test_malformed_json(saved):
    text = (saved / "manifest.json").read_text()
    (saved / "manifest.json").write_text(text[:len(text) // 2])
    assert "manifest.json: not valid JSON" in refused(saved, errors.ManifestError)
    (saved / "manifest.json").write_bytes(b"\xff\xfe not utf-8")
    refused(saved, errors.ManifestError)
    (saved / "manifest.json").write_text("[" * 100000 + "]" * 100000)  # deep nesting
    refused(saved, errors.ManifestError)
    (saved / "manifest.json").write_text('{"format": NaN}')
    refused(saved, errors.ManifestError)


@pytest.mark.parametrize("change, expected", [
    (lambda m: m.pop("nodes"), "missing key 'nodes'"),
    (lambda m: m.update(extra=1), "unexpected key 'extra'"),
    (lambda m: m["ops"][0].update(entry=5), "ops[0].entry: expected a string, got an integer"),
    (lambda m: m["ops"][0]["params"][0].update(descriptor="l[i"), "not a boundary descriptor"),
    (lambda m: m["ops"][0].update(object="../../etc/passwd"), "a relative path inside"),
    (lambda m: m["nodes"][0]["inputs"].append({"type": "var", "name": "zz"}),
     "inputs for an op of"),
    (lambda m: m["nodes"][0]["inputs"].__setitem__(0, {"type": "var", "name": "zz"}),
     "uses 'zz' before it is defined"),
    (lambda m: m["nodes"][0].update(op="op99"), "no op has the id 'op99'"),
    (lambda m: m["files"].pop(next(iter(m["files"]))), "is not in 'files'"),
    (lambda m: m["outputs"].update(type="complex"), "unknown value type 'complex'"),
    (lambda m: m.update(exceptions=[{"name": "E", "kind": 5, "parent_kind": 1}]),
     "not a user exception kind"),
], ids=["missing-key", "unknown-key", "type", "descriptor", "path", "arity", "undefined",
        "op-id", "unlisted-file", "value-type", "exception-kind"])
def test_schema_violations(saved, change, expected):
    edit_manifest(saved, change)
    message = refused(saved, errors.ManifestError)
    assert message.startswith("manifest.json") and expected in message


def test_unknown_format_version(saved):
    edit_manifest(saved, lambda m: m.update(format_version=3), keep_digest_valid=False)
    message = refused(saved, errors.FormatVersionError)
    assert "format_version 3" in message and "reads version 1 and 2" in message


def test_checksums_of_files_and_of_the_manifest(saved):
    obj = first_object(saved)
    data = bytearray((saved / obj).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (saved / obj).write_bytes(bytes(data))
    message = refused(saved, errors.ChecksumError)
    assert obj.split("/")[-1] in message and "sha256" in message
    (saved / obj).write_bytes(bytes(data) + b"\0")
    assert "bytes, the manifest says" in refused(saved, errors.ChecksumError)


def test_an_edited_manifest_fails_its_digest(saved):
    edit_manifest(saved, lambda m: m.update(name="renamed"), keep_digest_valid=False)
    assert "manifest_sha256" in refused(saved, errors.ChecksumError)


@pytest.mark.parametrize("change, expected", [
    (lambda m: m["abi"].update(version=99), "ABI version 99"),
    (lambda m: m["abi"].update(hash="0" * 32), "ABI hash"),
    (lambda m: m["ops"][0]["imports"].append("pjx_not_in_this_runtime"),
     "pjx_not_in_this_runtime"),
], ids=["version", "hash", "imports"])
def test_abi_mismatch(saved, change, expected):
    edit_manifest(saved, change)
    assert expected in refused(saved, errors.AbiMismatchError)


def test_target_triple_mismatch(saved):
    edit_manifest(saved, lambda m: m["target"].update(triple="aarch64-unknown-linux-gnu"))
    message = refused(saved, errors.TargetMismatchError)
    assert "aarch64-unknown-linux-gnu" in message and "this machine is x86_64" in message


def test_missing_cpu_features(saved):
    edit_manifest(saved, lambda m: m["target"].update(
        cpu="future", features=m["target"]["features"] + ["quantum-ops"]))
    message = refused(saved, errors.CpuFeatureError)
    assert "quantum-ops" in message and "future" in message


@pytest.mark.parametrize("state, expected", [
    (b"{not json", "not valid JSON"),
    (json.dumps({"format": "pyjitx-state", "format_version": 1, "instances": [
        {"id": "i0", "class": "x.W", "class_id": 1, "constructor": "op9", "args": []}]}).encode(),
     "no op has the id 'op9'"),
    (json.dumps({"format": "pyjitx-state", "format_version": 1, "instances": []}).encode(),
     "does not define"),
], ids=["json", "constructor", "dangling-instance"])
def test_malformed_state(saved, state, expected):
    replace_file(saved, "state/state.json", state)
    message = refused(saved, errors.StateError if expected != "does not define"
                      else errors.ManifestError)
    assert expected in message


def test_an_object_file_that_does_not_link(saved):
    obj = first_object(saved)
    replace_file(saved, obj, b"\x7fELF" + b"\0" * 60)
    with pytest.raises(errors.ObjectLoadError, match="linking failed"):
        pyjitx.load(saved)


def test_only_the_cpu_device(saved):
    with pytest.raises(NotImplementedError, match="device=0"):
        pyjitx.load(saved, device=0)


def test_every_error_class_is_distinct():
    classes = [errors.ManifestError, errors.StateError, errors.FormatVersionError,
               errors.AbiMismatchError, errors.TargetMismatchError, errors.CpuFeatureError,
               errors.MissingFileError, errors.ChecksumError, errors.ObjectLoadError]
    assert len(set(classes)) == len(classes)
    assert all(issubclass(c, pyjitx.PipelineLoadError) for c in classes)


# ---- fuzzing


def _paths(value: Any, prefix: tuple = ()) -> List[tuple]:
    """Every path into a JSON value (keys and indexes)."""
    found = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, prefix + (i,))
    return found


def _other_type(value: Any, pick: int) -> Any:
    """A JSON value of another type than `value`."""
    candidates = [None, True, 7, -1, "text", "", [], [1], {}, {"type": "int"}, 2 ** 70]
    kind = type(value)
    others = [c for c in candidates if type(c) is not kind and not (
        isinstance(c, int) and isinstance(value, int) and not isinstance(c, bool)
        and not isinstance(value, bool))]
    return others[pick % len(others)]


def _mutate(document: Any, data: Any, type_changes_only: bool) -> Any:
    """One random mutation of a JSON document (a deep copy is changed)."""
    document = json.loads(json.dumps(document))
    paths = [p for p in _paths(document) if p]
    path = data.draw(st.sampled_from(paths), label="path")
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    actions = ["retype", "delete"] if type_changes_only else ["retype", "delete", "value"]
    action = data.draw(st.sampled_from(actions), label="action")
    if action == "delete" and isinstance(parent, dict):
        del parent[key]
    elif action == "delete":  # a list item: in type-only mode, retype it instead
        if type_changes_only:
            parent[key] = _other_type(parent[key], data.draw(st.integers(0, 20)))
        else:
            del parent[key]
    elif action == "retype":
        parent[key] = _other_type(parent[key], data.draw(st.integers(0, 20), label="new"))
    else:
        old = parent[key]
        if isinstance(old, bool):
            parent[key] = not old
        elif isinstance(old, int):
            parent[key] = old + data.draw(st.sampled_from([-1, 1, 1 << 40]), label="delta")
        elif isinstance(old, str):
            parent[key] = data.draw(st.sampled_from([old + "x", old[:-1], "", "op0", "v0",
                                                     "i0", "../x", "s"]), label="text")
        else:
            parent[key] = _other_type(old, data.draw(st.integers(0, 20)))
    return document


@pytest.fixture(scope="module")
def fuzz_dir(template, tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("fuzz") / "saved"
    shutil.copytree(template, copy)
    return copy


def _load_expecting_refusal(directory: Path, allowed: tuple) -> None:
    with no_code_loaded():
        try:
            pyjitx.load(directory)
        except allowed:
            return
    raise AssertionError("a corrupted directory loaded")


@given(data=st.data())
def test_fuzz_mutated_manifests_never_load(fuzz_dir, data):
    """Any mutation (values too) of the manifest as stored: refused, with a
    PipelineLoadError, before any code is loaded."""
    original = (fuzz_dir / "manifest.json").read_bytes()
    manifest = json.loads(original)
    mutated = _mutate(manifest, data, type_changes_only=False)
    if mutated == manifest:
        return
    try:
        (fuzz_dir / "manifest.json").write_text(json.dumps(mutated))
        _load_expecting_refusal(fuzz_dir, (errors.PipelineLoadError,))
    finally:
        (fuzz_dir / "manifest.json").write_bytes(original)


@given(data=st.data())
def test_fuzz_consistent_manifests_with_wrong_types_fail_the_schema(fuzz_dir, data):
    """A manifest whose digest was recomputed after a key was deleted or a
    value's type changed -- what a buggy writer would produce -- is caught
    by the schema itself."""
    original = (fuzz_dir / "manifest.json").read_bytes()
    manifest = json.loads(original)
    mutated = _mutate(manifest, data, type_changes_only=True)
    if "library" in mutated and mutated["library"] is None:
        return  # (a valid manifest: null says no shared library was linked)
    if isinstance(mutated.get("manifest_sha256"), str):
        mutated["manifest_sha256"] = digest(mutated)
    try:
        (fuzz_dir / "manifest.json").write_text(json.dumps(mutated))
        _load_expecting_refusal(fuzz_dir, (errors.ManifestError, errors.FormatVersionError))
    finally:
        (fuzz_dir / "manifest.json").write_bytes(original)


@given(cut=st.integers(min_value=0))
def test_fuzz_truncated_manifests(fuzz_dir, cut):
    original = (fuzz_dir / "manifest.json").read_bytes()
    text = original.rstrip()
    try:
        (fuzz_dir / "manifest.json").write_bytes(text[:cut % len(text)])
        _load_expecting_refusal(fuzz_dir, (errors.ManifestError,))
    finally:
        (fuzz_dir / "manifest.json").write_bytes(original)


@given(data=st.data())
def test_fuzz_state_files_with_valid_checksums(fuzz_dir, data):
    """The state file changed (type changes and deletions) and its checksum
    updated: refused by the state checks."""
    manifest_bytes = (fuzz_dir / "manifest.json").read_bytes()
    state_bytes = (fuzz_dir / "state" / "state.json").read_bytes()
    state = json.loads(state_bytes)
    mutated = json.dumps(_mutate(state, data, type_changes_only=True)).encode()
    try:
        replace_file(fuzz_dir, "state/state.json", mutated)
        _load_expecting_refusal(fuzz_dir, (errors.ManifestError, errors.FormatVersionError))
    finally:
        (fuzz_dir / "manifest.json").write_bytes(manifest_bytes)
        (fuzz_dir / "state" / "state.json").write_bytes(state_bytes)


# ---- files that are not what the manifest lists: links, FIFOs, folders


def _outside(saved: Path) -> Path:
    there = saved.parent / "outside"
    there.mkdir(exist_ok=True)
    return there


def _resource(saved: Path) -> str:
    return json.loads((saved / "manifest.json").read_text())["resources"][0]["file"]


def _link_file(saved: Path, relative: str) -> str:
    """`relative` replaced by a link to a file outside with other bytes:
    a loader that followed it would print that file's size and digest."""
    target = _outside(saved) / "elsewhere.bin"
    target.write_bytes(b"a file outside the saved directory\n" * 50)
    (saved / relative).unlink()
    (saved / relative).symlink_to(target)
    return hashlib.sha256(target.read_bytes()).hexdigest()


def _link_folder(saved: Path, folder: str) -> str:
    """The folder moved outside intact, a link left in its place."""
    target = _outside(saved) / folder
    shutil.move(str(saved / folder), target)
    (saved / folder).symlink_to(target, target_is_directory=True)
    return ""


@pytest.mark.parametrize("how", ["manifest", "object", "resource", "state-file", "ops-folder",
                                 "resources-folder"])
def test_a_symbolic_link_inside_the_directory_is_refused_unread(saved, how):
    if how == "manifest":
        outside_digest = _link_file(saved, "manifest.json")
        linked = saved / "manifest.json"
    elif how == "object":
        outside_digest = _link_file(saved, first_object(saved))
        linked = saved / first_object(saved)
    elif how == "resource":
        outside_digest = _link_file(saved, _resource(saved))
        linked = saved / _resource(saved)
    elif how == "state-file":
        outside_digest = _link_file(saved, "state/state.json")
        linked = saved / "state" / "state.json"
    else:
        folder = how.split("-")[0]
        outside_digest = _link_folder(saved, folder)
        linked = saved / folder
    message = refused(saved, errors.UnsafeFileError)
    assert message.startswith(f"{linked} is a symbolic link"), message
    assert "outside" not in message and "bytes" not in message
    assert outside_digest == "" or outside_digest not in message


def test_a_link_above_the_directory_is_allowed(saved, tmp_path):
    alias = tmp_path / "alias"
    alias.symlink_to(saved, target_is_directory=True)
    assert pyjitx.load(alias).run({"text": "a b"}) == -0.5


def test_a_folder_where_a_file_belongs_is_refused(saved):
    obj = first_object(saved)
    (saved / obj).unlink()
    (saved / obj).mkdir()
    assert "is not a regular file" in refused(saved, errors.UnsafeFileError)


def test_a_fifo_where_a_file_belongs_is_refused_without_blocking(saved):
    """In a subprocess: a loader that opened the FIFO for reading would wait
    for a writer forever."""
    import os
    import subprocess
    import sys

    obj = first_object(saved)
    (saved / obj).unlink()
    os.mkfifo(saved / obj)
    script = ("import sys, pyjitx\n"
              "try:\n    pyjitx.load(sys.argv[1])\n"
              "except pyjitx.pipeline.UnsafeFileError as e:\n    print('refused', e)\n")
    done = subprocess.run([sys.executable, "-c", script, str(saved)], capture_output=True,
                          text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(Path(__file__).parents[1])))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"refused {saved / obj} is not a regular file"), done.stdout


# ---- values the schema let through


@pytest.mark.parametrize("name", ["", "a b", "../lib", "x\n", "名前", "lib/x"])
def test_a_name_outside_the_safe_characters_is_refused(saved, name):
    edit_manifest(saved, lambda m: m.update(name=name))
    assert "name: expected letters, digits" in refused(saved, errors.ManifestError)


def test_a_class_id_beyond_int64_is_a_manifest_error(saved):
    def widen(m: Dict[str, Any]) -> None:
        for op in m["ops"]:
            d = op["returns"]["descriptor"]
            if d.startswith("c["):
                op["returns"]["descriptor"] = "c[9223372036854775808" + d[d.index(":"):]

    edit_manifest(saved, widen)
    assert "not a boundary descriptor" in refused(saved, errors.ManifestError)


def test_an_integer_beyond_int64_is_not_json_of_the_format(saved):
    edit_manifest(saved, lambda m: m["abi"].update(version=-2 ** 63 - 1))
    assert "does not fit in 64 bits" in refused(saved, errors.ManifestError)
    state = json.loads((saved / "state" / "state.json").read_text())
    state["instances"][0]["class_id"] = 2 ** 64
    replace_file(saved, "state/state.json", json.dumps(state).encode())
    edit_manifest(saved, lambda m: m["abi"].update(version=2))
    assert "does not fit in 64 bits" in refused(saved, errors.StateError)


def _retype_arg(saved: Path, index: int, value: Dict[str, Any]) -> str:
    state = json.loads((saved / "state" / "state.json").read_text())
    state["instances"][0]["args"][index] = value
    replace_file(saved, "state/state.json", json.dumps(state).encode())
    return refused(saved, errors.StateError)


@pytest.mark.parametrize("index, value, why", [
    (0, {"type": "list", "items": [{"type": "int", "value": 1}]}, "a list where a ndarray"),
    (1, {"type": "dict", "items": [[{"type": "str", "value": "a"},
                                    {"type": "str", "value": "1"}]]}, "entry 0: a str where 'i'"),
    (1, {"type": "list", "items": []}, "a list where a dict"),
    (2, {"type": "int", "value": 3}, "a int where 's'"),
], ids=["array-as-list", "dict-values", "list-for-dict", "int-for-str"])
def test_a_state_value_of_the_wrong_type_is_refused_before_linking(saved, index, value, why):
    message = _retype_arg(saved, index, value)
    assert f"args[{index}]: does not fit the parameter" in message and why in message, message


def test_state_values_the_boundary_converts_still_load(saved):
    """An int where a float is taken, a bool where an int is: as a Python
    caller may pass them."""
    from pyjitx.pipeline.state import misfit

    assert misfit({"type": "int", "value": 1}, "f") is None
    assert misfit({"type": "bool", "value": True}, "i") is None
    assert misfit({"type": "bool", "value": True}, "I") is not None
    assert misfit({"type": "int", "value": 1}, "F") is not None
    assert misfit({"type": "none"}, "o[l[s]]") is None
    assert misfit({"type": "tuple", "items": [{"type": "int", "value": 1}]}, "t[ii]") is not None
    assert misfit({"type": "resource", "file": "resources/x"}, "s") is None
    assert misfit({"type": "str", "value": "x"}, "u[is]") is None
    assert misfit({"type": "float", "value": "1.5"}, "u[is]") is not None
    assert misfit({"type": "ndarray", "dtype": "float64", "shape": [3], "file": "x"},
                  "A[71]") is None
    assert misfit({"type": "ndarray", "dtype": "float32", "shape": [3], "file": "x"},
                  "A[71]") is not None
    assert misfit({"type": "ndarray", "dtype": "float32", "shape": [3, 1], "file": "x"},
                  "A[*1]") is not None
    assert misfit({"type": "instance", "id": "i0"}, "c[5:Other]") is None
    pipeline = pyjitx.load(saved)
    assert pipeline.run({"text": "a"}) == 1.5
