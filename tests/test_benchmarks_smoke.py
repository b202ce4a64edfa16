"""The benchmark runner keeps working (numbers are not judged here)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.environ.get("PYJITX_DISABLE_JIT", "") not in ("", "0"),
                                reason="times compiled code (PYJITX_DISABLE_JIT is set)")


def test_quick_run_of_the_call_workload_prints_a_table():
    root = Path(__file__).parents[1]
    out = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--only", "call",
                          "--rounds", "1"], capture_output=True, text=True, timeout=300, cwd=root)
    assert out.returncode == 0, out.stderr
    assert "call overhead" in out.stdout
    assert "pyjitx" in out.stdout and "error" not in out.stdout.split("call overhead")[1]
