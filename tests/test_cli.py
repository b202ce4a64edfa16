"""The `pyjitx` command line."""
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(os.environ.get("PYJITX_DISABLE_JIT", "") not in ("", "0"),
                                reason="inspects compiled code (PYJITX_DISABLE_JIT is set)")

SOURCE = '''
def square_sum(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total

def broken(n: int) -> int:
    return [n]
'''


def pyjitx_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "pyjitx.cli", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


def test_version(tmp_path):
    out = pyjitx_cli("version", cwd=tmp_path)
    assert out.returncode == 0
    assert out.stdout.startswith("pyjitx ") and "llvmlite" in out.stdout


def test_ir_llvm_and_asm(tmp_path):
    (tmp_path / "mod.py").write_text(SOURCE)
    ir = pyjitx_cli("ir", "mod.py", "square_sum", cwd=tmp_path)
    assert ir.returncode == 0, ir.stderr
    assert "def square_sum(n: int) -> int" in ir.stdout and "range_len" in ir.stdout
    llvm = pyjitx_cli("ir", "mod.py", "square_sum", "--llvm", cwd=tmp_path)
    assert "define" in llvm.stdout and "square_sum" in llvm.stdout
    asm = pyjitx_cli("ir", "mod.py", "square_sum", "--asm", cwd=tmp_path)
    assert "square_sum" in asm.stdout and "ret" in asm.stdout


def test_compile_error_is_reported_with_location(tmp_path):
    (tmp_path / "mod.py").write_text(SOURCE)
    out = pyjitx_cli("ir", "mod.py", "broken", cwd=tmp_path)
    assert out.returncode == 1
    assert "mod.py:9:11" in out.stderr and "^" in out.stderr
