"""pyjitx.torch_op: TorchScript models as pipeline nodes, between compiled
ops; saved as TorchScript files under ops/, loaded and run in a fresh
process that has neither this file nor the model classes; a clear error
where torch is missing."""
from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import pyjitx
from pyjitx import NDArray

torch = pytest.importorskip("torch")

pytestmark = [pytest.mark.needs_jit, pytest.mark.torch]
REPO = Path(__file__).resolve().parents[1]


@pyjitx.compile
def scale(x: NDArray[np.float32, 2], k: float) -> NDArray[np.float32, 2]:
    return x * k


@pyjitx.compile
def total(x: NDArray[np.float32, 2]) -> float:
    s = 0.0
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            s += x[i, j]
    return s


class Net(torch.nn.Module):
    """Scriptable: two outputs, a tuple."""

    def __init__(self) -> None:
        super().__init__()
        self.lin = torch.nn.Linear(4, 3)

    def forward(self, x):
        return torch.relu(self.lin(x)), x.sum(dim=1)


class Unscriptable(torch.nn.Module):
    """TorchScript rejects lambdas: torch_op traces this one instead."""

    def __init__(self) -> None:
        super().__init__()
        self.w = torch.nn.Parameter(torch.arange(12, dtype=torch.float32).reshape(4, 3) / 10)

    def forward(self, x):
        double = lambda t: t * 2  # noqa: E731
        return double(x @ self.w)


def flow_factory():
    torch.manual_seed(0)
    net = pyjitx.torch_op(Net().eval())
    tail = pyjitx.torch_op(Unscriptable())

    def flow(x, k: float):
        hidden, sums = net(scale(x, k))
        return tail(scale(x, 2.0)), sums, total(hidden)

    return flow, net, tail


def test_models_are_scripted_or_traced_and_recorded_as_torch_nodes():
    flow, net, tail = flow_factory()
    assert (net.mode, tail.mode) == ("script", "trace")
    x = np.arange(8, dtype=np.float32).reshape(2, 4)
    p = pyjitx.trace(flow, x, 0.5)
    kinds = [n.kind for n in p.graph.nodes]
    assert kinds.count("torch") == 2 and "item" in kinds
    assert len(p.models) == 2
    for k in (0.5, -1.0):
        got, want = p.run({"x": x, "k": k}), flow(x, k)
        assert isinstance(got[0], np.ndarray) and isinstance(got[1], np.ndarray)
        np.testing.assert_allclose(got[0], want[0])
        np.testing.assert_allclose(got[1], want[1])
        assert got[2] == pytest.approx(want[2])


def test_a_model_call_without_traced_values_runs_it_and_returns_numpy():
    _, net, _ = flow_factory()
    hidden, sums = net(np.ones((1, 4), np.float32))
    assert isinstance(hidden, np.ndarray) and hidden.shape == (1, 3)
    assert sums.tolist() == [4.0]
    assert isinstance(net(torch.ones(1, 4))[0], np.ndarray)  # tensors are taken too
    with pytest.raises(TypeError, match="torch.nn.Module"):
        pyjitx.torch_op(lambda x: x)


LOAD = '''
import pickle, sys
import numpy as np
import pyjitx
out = sys.argv[1]
with open(f"{out}/feeds.pkl", "rb") as f:
    feeds = pickle.load(f)
p = pyjitx.load(f"{out}/saved")
results = [p.run(feed) for feed in feeds]
assert "test_pipeline_torch" not in sys.modules
with open(f"{out}/loaded.pkl", "wb") as f:
    pickle.dump(results, f)
'''


def _python(code: str, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300)


def test_round_trip_through_a_fresh_process(tmp_path):
    flow, _, _ = flow_factory()
    x = np.arange(8, dtype=np.float32).reshape(2, 4) - 3
    p = pyjitx.trace(flow, x, 0.5)
    p.save(tmp_path / "saved")
    feeds = [{"x": x, "k": 0.5}, {"x": -x, "k": 2.0},
             {"x": np.ones((5, 4), np.float32), "k": 1.0}]
    expected = [flow(**feed) for feed in feeds]
    with open(tmp_path / "feeds.pkl", "wb") as f:
        pickle.dump(feeds, f)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = _python(LOAD, elsewhere, str(tmp_path))
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "loaded.pkl", "rb") as f:
        loaded = pickle.load(f)
    for got, want in zip(loaded, expected):
        np.testing.assert_allclose(got[0], want[0], rtol=1e-6)
        np.testing.assert_allclose(got[1], want[1], rtol=1e-6)
        assert got[2] == pytest.approx(want[2])

    manifest = json.loads((tmp_path / "saved" / "manifest.json").read_text())
    assert manifest["format_version"] == 2
    assert [(m["id"], m["name"], m["mode"], m["arity"]) for m in manifest["torch"]] == [
        ("t0", "Net", "script", 1), ("t1", "Unscriptable", "trace", 1)]
    for model in manifest["torch"]:
        assert model["file"].startswith("ops/") and model["file"] in manifest["files"]
        loaded_model = torch.jit.load(str(tmp_path / "saved" / model["file"]))
        assert isinstance(loaded_model, torch.jit.ScriptModule)
    # the loaded pipeline saves again, models included
    again = pyjitx.load(tmp_path / "saved")
    again.save(tmp_path / "again")
    np.testing.assert_allclose(pyjitx.load(tmp_path / "again").run(feeds[0])[0], expected[0][0],
                               rtol=1e-6)


def test_loading_without_torch_is_a_clear_error_and_other_pipelines_do_not_import_it(tmp_path):
    flow, _, _ = flow_factory()
    pyjitx.trace(flow, np.ones((2, 4), np.float32), 1.0).save(tmp_path / "saved")

    @pyjitx.compile
    def plain(s: str) -> str:
        return s.upper()

    pyjitx.trace(lambda s: plain(s), "a").save(tmp_path / "plain")
    code = f'''
    import sys
    sys.modules["torch"] = None  # as if torch were not installed
    import pyjitx
    assert pyjitx.load({str(tmp_path / "plain")!r}).run({{"s": "ab"}}) == "AB"
    try:
        pyjitx.load({str(tmp_path / "saved")!r})
    except pyjitx.pipeline.TorchUnavailableError as exc:
        assert isinstance(exc, pyjitx.PipelineLoadError)
        print(exc)
    else:
        raise SystemExit("loaded without torch")
    '''
    result = _python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ops/t0_Net.pt" in result.stdout and "torch is not installed" in result.stdout

    code = ("import sys, pyjitx; pyjitx.torch_op; pyjitx.load(sys.argv[1]); "
            "print('torch' in sys.modules)")
    result = _python(code, tmp_path, str(tmp_path / "plain"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False"]


def test_a_damaged_or_inconsistent_model_entry_is_refused(tmp_path):
    from pyjitx.pipeline.manifest import digest

    flow, _, _ = flow_factory()
    pyjitx.trace(flow, np.ones((2, 4), np.float32), 1.0).save(tmp_path / "saved")
    manifest_path = tmp_path / "saved" / "manifest.json"
    original = manifest_path.read_text()

    def edited(change):
        m = json.loads(original)
        change(m)
        m["manifest_sha256"] = digest(m)
        manifest_path.write_text(json.dumps(m))

    edited(lambda m: m["nodes"][1].update(op="t9"))
    with pytest.raises(pyjitx.pipeline.ManifestError, match=r"nodes\[1\]\.op: no model"):
        pyjitx.load(tmp_path / "saved")
    edited(lambda m: m["torch"][0].update(arity=2))
    with pytest.raises(pyjitx.pipeline.ManifestError, match="1 inputs for a model of 2"):
        pyjitx.load(tmp_path / "saved")
    edited(lambda m: m.update(format_version=1))
    with pytest.raises(pyjitx.pipeline.ManifestError, match="unexpected key 'torch'"):
        pyjitx.load(tmp_path / "saved")
    manifest_path.write_text(original)
    model = tmp_path / "saved" / "ops" / "t0_Net.pt"
    model.write_bytes(model.read_bytes()[:-1] + b"!")
    with pytest.raises(pyjitx.pipeline.ChecksumError, match="t0_Net.pt"):
        pyjitx.load(tmp_path / "saved")


def test_the_model_follows_train_and_eval_of_the_module_it_was_made_from():
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Dropout(0.5))
    op = pyjitx.torch_op(model)  # scripted while in training mode
    model.eval()
    x = np.ones((2, 4), np.float32)
    want = model(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(op(x), want)
    p = pyjitx.trace(lambda x: op(x), x)
    np.testing.assert_allclose(p.run({"x": x}), want)
