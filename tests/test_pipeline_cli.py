"""`pyjitx inspect DIR`: a saved pipeline's graph, ops, inputs, outputs,
state and file sizes, read without loading its code."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Dict, List, Tuple

import pytest

import pyjitx

pytestmark = pytest.mark.needs_jit


@pyjitx.compile
class Lookup:
    def __init__(self, table: Dict[str, int], default: int) -> None:
        self.table = table
        self.default = default

    def __call__(self, words: List[str]) -> Tuple[List[int], int]:
        ids = [self.table.get(w, self.default) for w in words]
        return ids, len(ids)


@pyjitx.compile
def words_of(text: str) -> List[str]:
    return text.lower().split()


def inspect_cli(directory) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pyjitx.cli", "inspect", str(directory)],
                          capture_output=True, text=True, timeout=120)


def test_inspect_prints_graph_ops_inputs_outputs_state_and_sizes(tmp_path):
    lookup = Lookup({"hello": 1, "world": 2}, 0)

    def flow(text: str):
        ids, n = lookup(words_of(text))
        return {"ids": ids, "count": n}

    pyjitx.trace(flow, "Hello world").save(tmp_path / "d")
    del lookup
    out = inspect_cli(tmp_path / "d")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    manifest = json.loads((tmp_path / "d" / "manifest.json").read_text())
    assert "pipeline 'flow'" in text and "checks: passed" in text
    assert "inputs:\n  text: str" in text
    assert "outputs: {'count': v3, 'ids': v2}" in text or "outputs: {'ids': v2, 'count': v3}" in text
    assert "v0 = words_of(text)  [op0]" in text
    assert "v1 = Lookup.__call__(i0, v0)  [op1]" in text
    assert "v2 = v1[0]" in text and "v3 = v1[1]" in text
    assert "Lookup.__new__(table: Dict[str, int], default: int) -> Lookup" in text
    assert "i0 = " in text and "Lookup({'hello': 1, 'world': 2}, 0)" in text
    for name, entry in manifest["files"].items():
        assert name in text
    assert "test_pipeline_cli.py:" in text  # where each node was traced
    assert "x86-64-v2" in text


def test_inspect_reports_failed_checks_and_unreadable_directories(tmp_path):
    pyjitx.trace(words_of, "a b").save(tmp_path / "d")
    obj = next((tmp_path / "d" / "ops").iterdir())
    obj.write_bytes(obj.read_bytes() + b"\0")
    out = inspect_cli(tmp_path / "d")
    assert out.returncode == 0, out.stderr
    assert "checks: FAILED -- ChecksumError" in out.stdout
    out = inspect_cli(tmp_path / "nothing")
    assert out.returncode == 1
    assert "MissingFileError" in out.stderr and os.path.join("nothing") in out.stderr


def test_inspect_reads_no_file_through_a_link(tmp_path):
    pyjitx.trace(words_of, "a b").save(tmp_path / "d")
    outside = tmp_path / "outside.json"
    (tmp_path / "d" / "manifest.json").rename(outside)
    (tmp_path / "d" / "manifest.json").symlink_to(outside)
    out = inspect_cli(tmp_path / "d")
    assert out.returncode == 1
    assert "UnsafeFileError" in out.stderr and "is a symbolic link" in out.stderr
    assert "words_of" not in out.stdout + out.stderr  # nothing of the linked file
