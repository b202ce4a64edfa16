"""What a source install needs, said plainly."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_a_source_build_without_a_c_compiler_says_so_in_one_line(tmp_path):
    env = dict(os.environ, CC=str(tmp_path / "no-such-cc"))
    result = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_ext", "--build-temp", str(tmp_path / "temp"),
         "--build-lib", str(tmp_path / "lib")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    lines = [line for line in (result.stdout + result.stderr).splitlines()
             if "C compiler" in line]
    assert lines == [f"error: pyjitx needs a C compiler to build from source "
                     f"('{tmp_path / 'no-such-cc'}' was not found): install gcc or clang "
                     "(e.g. `apt-get install gcc`), or set CC"]
    assert not (tmp_path / "lib").exists()  # nothing was built
