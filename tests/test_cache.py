"""The on-disk cache: a second process loads instead of compiling; a
changed source, callee or constant, or a corrupt entry, is rebuilt."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.environ.get("PYJITX_DISABLE_JIT", "") not in ("", "0"),
                                reason="tests of compiled code (PYJITX_DISABLE_JIT is set)")

MODULE = '''
import pyjitx
SCALE = {scale}


def helper(x: int) -> int:
    return x * {factor}

@pyjitx.compile
def work(n: int) -> int:
    total = 0
    for i in range(n):
        total += helper(i) + SCALE
    return total
'''

DRIVER = '''
import sys, time
sys.path.insert(0, {dir!r})
import pyjitx.compiler as compiler
calls = []
original = compiler.compile_function
def counting(*args, **kwargs):
    calls.append(1)
    return original(*args, **kwargs)
compiler.compile_function = counting
import pyjitx.api
pyjitx.api.compile_function = counting
import cached_mod
result = cached_mod.work(10)
print(result, len(calls))
'''


def run(tmp_path: Path, scale: int = 1, factor: int = 2) -> tuple:
    (tmp_path / "cached_mod.py").write_text(MODULE.format(scale=scale, factor=factor))
    env = dict(os.environ, PYJITX_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("PYJITX_DISABLE_JIT", None)
    out = subprocess.run([sys.executable, "-c", DRIVER.format(dir=str(tmp_path))],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    result, compiled = out.stdout.split()
    return int(result), int(compiled)


def expected(scale: int, factor: int) -> int:
    return sum(i * factor + scale for i in range(10))


def test_second_process_loads_from_cache(tmp_path):
    assert run(tmp_path) == (expected(1, 2), 1)
    assert run(tmp_path) == (expected(1, 2), 0)


def test_changed_callee_or_constant_rebuilds(tmp_path):
    assert run(tmp_path)[1] == 1
    assert run(tmp_path, factor=3) == (expected(1, 3), 1)
    assert run(tmp_path, factor=3) == (expected(1, 3), 0)
    assert run(tmp_path, scale=5, factor=3) == (expected(5, 3), 1)


def test_corrupt_entry_is_rebuilt(tmp_path):
    assert run(tmp_path)[1] == 1
    entries = list((tmp_path / "cache").rglob("*.pjx"))
    assert len(entries) == 1
    data = bytearray(entries[0].read_bytes())
    data[len(data) // 2] ^= 0xFF
    entries[0].write_bytes(bytes(data))
    assert run(tmp_path) == (expected(1, 2), 1)
    entries[0].write_bytes(b"garbage")
    assert run(tmp_path) == (expected(1, 2), 1)
    assert run(tmp_path) == (expected(1, 2), 0)


def test_unwritable_cache_dir_warns_and_works(tmp_path):
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("a file where the cache directory should be")
    code = textwrap.dedent(f'''
        import sys, warnings
        sys.path.insert(0, {str(tmp_path)!r})
        warnings.simplefilter("always")
        with warnings.catch_warnings(record=True) as caught:
            import cached_mod
            print(cached_mod.work(10), any("cache" in str(w.message) for w in caught))
    ''')
    (tmp_path / "cached_mod.py").write_text(MODULE.format(scale=1, factor=2))
    env = dict(os.environ, PYJITX_CACHE_DIR=str(blocker / "sub"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(expected(1, 2)), "True"]
