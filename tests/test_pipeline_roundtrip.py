"""Pipelines round-trip through a saved directory into a fresh process.

For every case of tests/pipeline_workflows.py (scalar, string, container,
class holding a class, Any and NDArray nodes): one process traces the
workflow and saves it; the module is then deleted; another process, in
another directory, where neither the source nor its classes can be
imported, loads the directory and runs it.  Its results -- values, or
exception type and message -- must be those of the plain Python workflow
(PYJITX_DISABLE_JIT=1) and of the compiled workflow called directly.
"""
from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.needs_jit

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = Path(__file__).resolve().parent / "pipeline_workflows.py"
MODULE = "pjx_roundtrip_workflows"  # the copy's name: nothing else provides it

OUTCOME = '''
def outcome(call):
    try:
        return ("value", call())
    except Exception as exc:
        return ("raised", f"{type(exc).__module__}.{type(exc).__qualname__}", str(exc))
'''

SAVE = OUTCOME + '''
import pickle, sys, time
import pyjitx
import MODULE_NAME as w
out = sys.argv[1]
results, feeds = {}, {}
for name, (factory, example, calls) in w.CASES.items():
    fn = factory()
    pipeline = pyjitx.trace(fn, *example)
    pipeline.save(f"{out}/{name}")
    feeds[name] = [dict(zip(pipeline.inputs, args)) for args in calls]
    results[name] = {
        "compiled": [outcome(lambda: fn(*args)) for args in calls],
        "traced": [outcome(lambda: pipeline.run(feed)) for feed in feeds[name]],
    }
with open(f"{out}/feeds.pkl", "wb") as f:
    pickle.dump(feeds, f)
with open(f"{out}/saved.pkl", "wb") as f:
    pickle.dump(results, f)
'''

PYTHON = OUTCOME + '''
import pickle, sys
import MODULE_NAME as w
results = {name: [outcome(lambda: factory()(*args)) for args in calls]
           for name, (factory, _, calls) in w.CASES.items()}
with open(sys.argv[1], "wb") as f:
    pickle.dump(results, f)
'''

LOAD = OUTCOME + '''
import importlib.util, pickle, sys
assert importlib.util.find_spec("MODULE_NAME") is None, "the workflow module is importable"
import pyjitx
out = sys.argv[1]
with open(f"{out}/feeds.pkl", "rb") as f:
    feeds = pickle.load(f)
results = {}
for name, calls in feeds.items():
    pipeline = pyjitx.load(f"{out}/{name}")
    results[name] = [outcome(lambda: pipeline.run(feed)) for feed in calls]
assert "MODULE_NAME" not in sys.modules
with open(f"{out}/loaded.pkl", "wb") as f:
    pickle.dump(results, f)
'''


def _run(script: str, cwd: Path, *args: str, **env_extra: str) -> None:
    """Run `script` in a new interpreter in `cwd` (which `python -c` puts
    on sys.path), with the repository importable."""
    env = dict(os.environ, PYTHONPATH=str(REPO), **env_extra)
    env.pop("PYJITX_DISABLE_JIT", None) if not env_extra else None
    script = textwrap.dedent(script).replace("MODULE_NAME", MODULE)
    result = subprocess.run([sys.executable, "-c", script, *args], cwd=cwd,
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"


@pytest.fixture(scope="module")
def roundtrip(tmp_path_factory):
    root = tmp_path_factory.mktemp("roundtrip")
    source, elsewhere, out = root / "source", root / "elsewhere", root / "saved"
    for d in (source, elsewhere, out):
        d.mkdir()
    shutil.copyfile(WORKFLOWS, source / f"{MODULE}.py")
    _run(SAVE, source, str(out))
    _run(PYTHON, source, str(out / "python.pkl"), PYJITX_DISABLE_JIT="1")
    shutil.rmtree(source)                     # the source is gone...
    _run(LOAD, elsewhere, str(out))           # ...and the process runs elsewhere
    results = {}
    for name in ("saved", "python", "loaded"):
        with open(out / f"{name}.pkl", "rb") as f:
            results[name] = pickle.load(f)
    results["dir"] = out
    return results


def canonical(value):
    """A form where == means the same value and type: floats by repr (so
    -0.0, nan and 1 vs 1.0 differ), arrays by dtype, shape and items."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str, bytes)):
        return (type(value).__name__, value)
    if isinstance(value, float):
        return ("float", repr(value))
    if isinstance(value, np.ndarray):
        return ("ndarray", value.dtype.str, value.shape,
                tuple(repr(float(x)) for x in value.ravel()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(canonical(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((canonical(k), canonical(v)) for k, v in value.items()))
    if isinstance(value, set):
        return ("set", tuple(sorted(repr(canonical(v)) for v in value)))
    raise TypeError(f"no canonical form for {type(value).__name__}")


def outcomes(results):
    return [canonical(r) if r[0] == "raised" else ("value", canonical(r[1])) for r in results]


CASES = ["scalar", "string", "container", "class", "any", "ndarray", "spec", "glue", "bert",
         "stdlib"]


@pytest.mark.parametrize("case", CASES)
def test_loaded_pipeline_in_a_fresh_process_matches_python(roundtrip, case):
    python = outcomes(roundtrip["python"][case])
    assert outcomes(roundtrip["loaded"][case]) == python
    assert outcomes(roundtrip["saved"][case]["compiled"]) == python
    assert outcomes(roundtrip["saved"][case]["traced"]) == python


def test_the_cases_exercise_what_they_claim(roundtrip):
    python = roundtrip["python"]
    # an exception raised by an op of a loaded pipeline keeps its class name and message
    assert ("raised", "pjx_roundtrip_workflows.TokenizerError", "empty text") in python["class"]
    # different inputs give different outputs: nothing was frozen at trace time
    for case in CASES:
        assert len({repr(outcomes([r])) for r in python[case]}) > 1, case
    assert any(r[0] == "value" and isinstance(r[1], np.ndarray) for r in python["ndarray"])
    # docs/spec.md §3: loaded.run({"texts": "hello world unknown"}) == [0, 1, 2]
    assert python["spec"][:2] == [("value", [0, 1]), ("value", [0, 1, 2])]
    assert outcomes(roundtrip["loaded"]["spec"][:2]) == outcomes(python["spec"][:2])


def test_glue_ops_are_ordinary_op_nodes_of_the_manifest(roundtrip):
    import json

    manifest = json.loads((roundtrip["dir"] / "spec" / "manifest.json").read_text())
    assert [n["kind"] for n in manifest["nodes"]] == ["op", "op"]
    names = {op["id"]: op["name"] for op in manifest["ops"]}
    assert [names[n["op"]].partition("#")[0] for n in manifest["nodes"]] == [
        "str.split", "Text2Ids.__call__"]
    glue = json.loads((roundtrip["dir"] / "glue" / "manifest.json").read_text())
    labels = {op["name"].partition("#")[0] for op in glue["ops"]}
    assert {"str.lower", "str.split", "getitem", "slice[1:]", "mul", "add", "sub", "neg", "eq",
            "ge", "floordiv", "str.replace", "str.upper"} <= labels


def test_saved_directories_hold_state_and_one_object_file_per_op(roundtrip):
    import json

    directory = roundtrip["dir"] / "class"
    manifest = json.loads((directory / "manifest.json").read_text())
    state = json.loads((directory / "state" / "state.json").read_text())
    classes = [i["class"] for i in state["instances"]]
    assert classes == ["pjx_roundtrip_workflows.Vocab", "pjx_roundtrip_workflows.Tokenizer"]
    vocab_words = [v["value"] for v in state["instances"][0]["args"][0]["items"]]
    assert vocab_words == ["the", "cat", "sat", "on", "mat"]  # (appended to after construction)
    assert state["instances"][1]["args"][0] == {"type": "instance", "id": "i0"}
    objects = sorted(p.name for p in (directory / "ops").iterdir())
    assert len(objects) == len(manifest["ops"]) == 3  # __call__ and two constructors
    assert [n["kind"] for n in manifest["nodes"]] == ["op", "item", "item"]
    arrays = roundtrip["dir"] / "ndarray" / "state" / "arrays"
    sizes = sorted(p.stat().st_size for p in arrays.iterdir())
    assert sizes == [3 * 4, 3 * 4 * 4]  # b and w, float32, raw
