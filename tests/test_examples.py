"""The examples/ scripts run as a user would run them (a subprocess with
the checkout on PYTHONPATH) and report success; each loads its saved
pipeline in a further fresh process and compares outputs itself."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.needs_jit
REPO = Path(__file__).resolve().parents[1]


def _run_example(name: str, tmp_path: Path) -> str:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(REPO / "examples" / name)], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - start
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert elapsed < 60, f"{name} took {elapsed:.1f} s"
    return result.stdout


def test_text2ids_example(tmp_path):
    out = _run_example("text2ids.py", tmp_path)
    assert "text2ids: outputs [[0, 1], [0, 1, 2], [], [1, 0, 1]]" in out
    assert "text2ids: OK" in out


def test_multimodal_example(tmp_path):
    pytest.importorskip("torch")
    out = _run_example("multimodal.py", tmp_path)
    assert "trained one step in Python (train mode)" in out
    assert "save " in out and "load " in out
    assert "multimodal: OK" in out
