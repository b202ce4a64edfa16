"""What the compiler says (the `pyjitx` logger, PYJITX_LOG) and the cache
on the command line (`pyjitx cache info|clear`)."""
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import pyjitx
from pyjitx import cli

pytestmark = pytest.mark.needs_jit

MODULE = '''
import pyjitx

@pyjitx.compile
def add_one(x: int) -> int:
    return x + 1

class Box:
    def __init__(self, v: int) -> None:
        self.v = v

@pyjitx.compile
def boxed(n: int) -> int:
    return Box(n).v

@pyjitx.pyfunc
def halve(x: int) -> int:
    return x // 2

@pyjitx.compile
def halved(n: int) -> int:
    return halve(n)

print(add_one(1), boxed(2), halved(4))
'''


def run_module(tmp_path: Path, **env_vars: str) -> subprocess.CompletedProcess:
    (tmp_path / "logged_mod.py").write_text(MODULE)
    env = dict(os.environ, PYJITX_CACHE_DIR=str(tmp_path / "cache"), **env_vars)
    env.pop("PYJITX_DISABLE_JIT", None)
    done = subprocess.run([sys.executable, str(tmp_path / "logged_mod.py")], capture_output=True,
                          text=True, env=env, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "2", "2"]
    return done


def test_pyjitx_log_info_names_each_compile_its_time_and_the_cache(tmp_path):
    first = run_module(tmp_path, PYJITX_LOG="info").stderr.splitlines()
    assert [line.split(" in ")[0] for line in first] == [
        "pyjitx: compiled (a cache miss; stored) add_one(x: int) -> int",
        "pyjitx: compiled (a cache miss; stored) boxed(n: int) -> int",
        "pyjitx: compiled (not cached: it calls Python (pyjitx.pyfunc)) halved(n: int) -> int"]
    assert all(line.endswith(" s") for line in first)
    second = run_module(tmp_path, PYJITX_LOG="info").stderr.splitlines()
    assert [line.split(" in ")[0] for line in second] == [
        "pyjitx: loaded from the disk cache add_one(x: int) -> int",
        "pyjitx: loaded from the disk cache boxed(n: int) -> int",
        "pyjitx: compiled (not cached: it calls Python (pyjitx.pyfunc)) halved(n: int) -> int"]


def test_silent_unless_asked(tmp_path):
    assert run_module(tmp_path).stderr == ""


def test_a_bad_pyjitx_log_is_reported_and_ignored(tmp_path):
    stderr = run_module(tmp_path, PYJITX_LOG="loud").stderr
    assert stderr == ("pyjitx: PYJITX_LOG ignored: unknown log level 'loud': use debug, info, "
                      "warning, error or critical\n")


def test_set_log_level_and_the_logger(caplog):
    with pytest.raises(ValueError, match="unknown log level 'chatty'"):
        pyjitx.set_log_level("chatty")
    logger = logging.getLogger("pyjitx")
    before = logger.level
    try:
        pyjitx.set_log_level("debug")
        assert logger.level == logging.DEBUG
        with caplog.at_level(logging.INFO, logger="pyjitx"):
            def triple(x: int) -> int:
                return 3 * x
            assert pyjitx.compile(triple, cache=False)(2) == 6
        assert [r.getMessage().split(" in ")[0] for r in caplog.records] == [
            "compiled (cache=False) test_set_log_level_and_the_logger.<locals>.triple"
            "(x: int) -> int"]
    finally:
        logger.setLevel(before)


def test_cache_info_and_clear(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PYJITX_CACHE_DIR", str(tmp_path / "cache"))
    assert cli.main(["cache", "info"]) == 0
    assert capsys.readouterr().out == textwrap.dedent(f"""\
        location: {tmp_path / "cache"}
        entries: 0
        size: 0 bytes
        """)
    run_module(tmp_path)  # add_one's and boxed's entries (halved calls a pyfunc: none)
    (tmp_path / "cache" / "notes.txt").write_text("not ours")
    assert cli.main(["cache", "info"]) == 0
    lines = capsys.readouterr().out.splitlines()
    entries = list((tmp_path / "cache").glob("??/*.pjx"))
    assert lines[1] == "entries: 2" and len(entries) == 2
    size = sum(e.stat().st_size for e in entries)
    assert lines[2] == f"size: {size / 1024:.1f} KiB"
    assert cli.main(["cache", "clear"]) == 0
    assert capsys.readouterr().out.startswith("removed 2 entries (")
    assert not any(e.exists() or e.parent.exists() for e in entries)
    assert (tmp_path / "cache" / "notes.txt").exists()  # what is not an entry stays
