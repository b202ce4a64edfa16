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

from pyjitx.backend import link

pytestmark = pytest.mark.needs_jit
REPO = Path(__file__).resolve().parents[1]


def _run_example(name: str, tmp_path: Path, *args: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(REPO / "examples" / name), *args], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - start
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert elapsed < 60, f"{name} took {elapsed:.1f} s"
    return result.stdout


def test_text2ids_example(tmp_path):
    out = _run_example("text2ids.py", tmp_path)
    assert "text2ids: outputs [[0, 1], [0, 1, 2], [], [1, 0, 1]]" in out
    assert "text2ids: OK" in out


@pytest.mark.torch
def test_multimodal_example(tmp_path):
    pytest.importorskip("torch")
    out = _run_example("multimodal.py", tmp_path)
    assert "trained one step in Python (train mode)" in out
    assert "save " in out and "load " in out
    assert "multimodal: OK" in out


def test_cpp_host_example_prints_what_python_printed(tmp_path):
    """examples/cpp_host as its README builds it: the examples save their
    pipelines with --save, CMake builds the host (find_package(pyjitx), and
    Torch where the torch wheel is installed), and the host's output equals
    the lines Python printed, byte for byte."""
    import shutil

    if shutil.which("cmake") is None or shutil.which("g++") is None:
        pytest.skip("no cmake or g++ installed")
    saved = tmp_path / "pipelines"
    _run_example("text2ids.py", tmp_path, "--save", str(saved))
    try:
        import torch
        prefix = f"{link.cmake_dir()};{torch.utils.cmake_prefix_path}"
        _run_example("multimodal.py", tmp_path, "--save", str(saved))
    except ImportError:
        torch = None
        prefix = str(link.cmake_dir())
    build = tmp_path / "build"
    for command in (["cmake", "-S", str(REPO / "examples" / "cpp_host"), "-B", str(build),
                     f"-DCMAKE_PREFIX_PATH={prefix}"],
                    ["cmake", "--build", str(build)]):
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    out = subprocess.run([str(build / "cpp_host"), str(saved)], capture_output=True, timeout=120)
    expected = (saved / "text2ids.expected.txt").read_bytes()
    if torch is not None:
        assert out.returncode == 0, out.stderr
        expected += (saved / "multimodal.expected.txt").read_bytes()
        assert out.stdout == expected
    else:
        # no torch here, so no multimodal pipeline was saved: the host says so
        assert out.returncode == 1
        assert out.stdout == expected + (
            f"MissingFileError: {saved / 'multimodal'}: no such directory\n".encode())
