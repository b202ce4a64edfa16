"""The cache reads only what pyjitx wrote: a FIFO, a symbolic link (to
/dev/zero, or to any file), or an oversized file at an entry's path is
skipped and the function recompiled, without hanging, following the link
or reading without bound."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.needs_jit

MODULE = '''
import pyjitx

@pyjitx.compile
def f(n: int) -> int:
    return n * 3 + 1
'''


def call_in_fresh_process(tmp_path: Path) -> str:
    env = dict(os.environ, PYJITX_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("PYJITX_DISABLE_JIT", None)
    out = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tmp_path)!r});"
                          "import entry_mod; print(entry_mod.f(4))"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def entry_paths(tmp_path: Path):
    return [p for p in (tmp_path / "cache").rglob("*.pjx")]


@pytest.mark.parametrize("damage", ["fifo", "link to /dev/zero", "link to a file", "huge"])
def test_an_entry_that_is_no_regular_file_is_skipped(tmp_path, damage):
    (tmp_path / "entry_mod.py").write_text(MODULE)
    assert call_in_fresh_process(tmp_path) == "13"
    (path,) = entry_paths(tmp_path)
    path.unlink()
    if damage == "fifo":
        os.mkfifo(path)
    elif damage == "link to /dev/zero":
        os.symlink("/dev/zero", path)
    elif damage == "link to a file":
        target = tmp_path / "elsewhere.pjx"
        target.write_bytes(b"PJXC0001" + b"\0" * 64)
        os.symlink(target, path)
    else:
        with open(path, "wb") as f:
            f.truncate(300 << 20)  # sparse: no disk used
    assert call_in_fresh_process(tmp_path) == "13"  # (timeout=60: a hang fails)
