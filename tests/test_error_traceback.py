"""A CompileError reaches the user with the user's frames only.

The compiler finds a mistake forty frames deep; the traceback the user
sees lists the call site (or the decorator line) and the message with its
location, source line, caret and hint -- no frame of pyjitx's own, unless
PYJITX_DEBUG is set to a true value.  Checked in a fresh interpreter (what
a script prints), in this process (what pytest and IDEs see), and for the
command line."""
from __future__ import annotations

import os
import subprocess
import sys
import traceback

import pytest

import pyjitx
from pyjitx.errors import debug_enabled

pytestmark = pytest.mark.needs_jit

PACKAGE_DIR = os.path.dirname(os.path.abspath(pyjitx.__file__))
# the directory that holds the pyjitx imported here: subprocesses import the same
IMPORT_ROOT = os.path.dirname(PACKAGE_DIR)

HELPERS = '''
def helper(x: int) -> int:
    return eval("x")  # <-- the mistake
'''

SCRIPT = '''
import sys
import traceback
from typing import List

import pyjitx
from helpers import helper


def calls_helper(x: int) -> int:
    return helper(x) + 1


def report(what, thunk):
    print(f"=== {what}", file=sys.stderr)
    try:
        thunk()
    except pyjitx.CompileError:
        traceback.print_exc()
    else:
        print(f"NO ERROR in {what}", file=sys.stderr)


def lazy_call():
    pyjitx.compile(calls_helper)(1)


def eager():
    pyjitx.compile(calls_helper, eager=True)


def eager_decorator():
    @pyjitx.compile(eager=True)
    def local(x: int) -> int:
        return helper(x)


class Constructed:
    def __init__(self, x: int) -> None:
        self.x = eval("x")


class Eager:
    def __init__(self, x: int) -> None:
        self.x = x

    def bad(self) -> int:
        return eval("1")


def constructing():
    pyjitx.compile(Constructed)(1)


def eager_class():
    pyjitx.compile(Eager, eager=True)


def inspecting():
    pyjitx.compile(helper).inspect_ir()


def flow(x):
    return pyjitx.compile(calls_helper)(x)


def tracing():
    pyjitx.trace(flow, 1)


report("call", lazy_call)
report("eager", eager)
report("eager decorator", eager_decorator)
report("class construction", constructing)
report("eager class", eager_class)
report("inspect_ir", inspecting)
report("trace", tracing)
print("=== uncaught", file=sys.stderr)
pyjitx.compile(calls_helper)(2)
'''

SCENARIOS = ["call", "eager", "eager decorator", "class construction", "eager class",
             "inspect_ir", "trace", "uncaught"]


@pytest.fixture(scope="module")
def script_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("user_code")
    (directory / "helpers.py").write_text(HELPERS)
    (directory / "main.py").write_text(SCRIPT)
    return directory


def run_script(directory, debug=None):
    env = dict(os.environ)
    env["PYTHONPATH"] = IMPORT_ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("PYJITX_DEBUG", None)
    env.pop("PYJITX_DISABLE_JIT", None)
    if debug is not None:
        env["PYJITX_DEBUG"] = debug
    done = subprocess.run([sys.executable, "main.py"], cwd=directory, env=env,
                          capture_output=True, text=True, timeout=300)
    return done


def sections(stderr: str) -> dict:
    found, name = {}, None
    for line in stderr.splitlines():
        if line.startswith("=== "):
            name = line[4:]
            found[name] = []
        elif name is not None:
            found[name].append(line)
    return {k: "\n".join(v) for k, v in found.items()}


def internal_lines(text: str) -> list:
    return [line for line in text.splitlines()
            if PACKAGE_DIR in line or f"{os.sep}pyjitx{os.sep}" in line]


def test_script_sees_only_its_own_frames(script_dir):
    done = run_script(script_dir)
    assert done.returncode == 1, done.stderr
    assert not internal_lines(done.stderr), done.stderr
    parts = sections(done.stderr)
    assert sorted(parts) == sorted(SCENARIOS), done.stderr
    for name, text in parts.items():
        assert text.startswith("Traceback (most recent call last):"), (name, text)
        assert "pyjitx.CompileError: 'eval' cannot be called from compiled code" in text, (
            name, text)
        # the message keeps its location, source line, caret and hint
        assert "  --> " in text, (name, text)
        assert "^^^^" in text and "  = " in text, (name, text)
        assert "main.py" in text, (name, text)  # the user's call site stays
    assert 'pyjitx.compile(calls_helper)(2)' in parts["uncaught"]
    assert "in flow" in parts["trace"]  # a user frame between two pyjitx calls stays


@pytest.mark.parametrize("value", ["1", "true", "YES", "on"])
def test_pyjitx_debug_keeps_the_compiler_frames(script_dir, value):
    if value != "1":
        # each spelling is checked in process (cheap); one subprocess run suffices
        os.environ["PYJITX_DEBUG"] = value
        try:
            assert debug_enabled()
        finally:
            del os.environ["PYJITX_DEBUG"]
        return
    done = run_script(script_dir, debug=value)
    parts = sections(done.stderr)
    for name in SCENARIOS:
        assert internal_lines(parts[name]), (name, parts[name])
        assert os.path.join("pyjitx", "frontend") in parts[name], (name, parts[name])


@pytest.mark.parametrize("value", ["", "0", "false", "No", "off"])
def test_pyjitx_debug_off_values(monkeypatch, value):
    monkeypatch.setenv("PYJITX_DEBUG", value)
    assert not debug_enabled()


def wrong(x: int) -> int:
    return eval("x")


def nested(x: int) -> int:
    return wrong(x) * 2


def frames_of(exc):
    return [frame.f_code.co_filename for frame, _ in traceback.walk_tb(exc.__traceback__)]


def test_in_process_traceback_and_message(monkeypatch):
    monkeypatch.delenv("PYJITX_DEBUG", raising=False)
    compiled = pyjitx.compile(nested, cache=False)
    with pytest.raises(pyjitx.CompileError) as info:
        compiled(1)
    exc = info.value
    files = frames_of(exc)
    assert files == [__file__], files
    assert exc.__suppress_context__ and exc.__cause__ is None
    message = str(exc)
    assert message.startswith("'eval' cannot be called from compiled code\n")
    assert f"--> {__file__}:" in message and "^^^^" in message
    assert "= or, to run wrong() as plain Python from compiled code" in message
    assert exc.lineno is not None and exc.filename == __file__
    assert type(exc).__module__ == "pyjitx"  # printed as pyjitx.CompileError


def test_in_process_debug(monkeypatch):
    monkeypatch.setenv("PYJITX_DEBUG", "1")
    with pytest.raises(pyjitx.CompileError) as info:
        pyjitx.compile(nested, cache=False)(1)
    assert any(f.startswith(PACKAGE_DIR) for f in frames_of(info.value))


def test_other_exceptions_keep_their_traceback():
    """Only a CompileError is trimmed: a TypeError at the boundary or an
    exception of the compiled code is untouched."""
    @pyjitx.compile(cache=False)
    def takes_int(x: int) -> int:
        return x

    with pytest.raises(TypeError) as info:
        takes_int("no")
    assert frames_of(info.value)[0] == __file__


BAD_MODULE = '''
import pyjitx


@pyjitx.compile
def f(x: int) -> int:
    return eval("x")
'''

BAD_EAGER_MODULE = BAD_MODULE.replace("@pyjitx.compile", "@pyjitx.compile(eager=True)")


def cli(*args, cwd, debug=None):
    env = dict(os.environ)
    env["PYTHONPATH"] = IMPORT_ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("PYJITX_DEBUG", None)
    if debug:
        env["PYJITX_DEBUG"] = debug
    return subprocess.run([sys.executable, "-m", "pyjitx.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("source", [BAD_MODULE, BAD_EAGER_MODULE], ids=["lazy", "eager"])
def test_cli_build_prints_the_error_without_a_traceback(tmp_path, source):
    (tmp_path / "bad.py").write_text(source)
    done = cli("build", "bad.py", "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr, done.stderr
    assert "pyjitx.CompileError: 'eval' cannot be called from compiled code" in done.stderr
    assert "bad.py:7:11" in done.stderr and "^^^^" in done.stderr
    assert not (tmp_path / "out").exists()


def test_cli_ir_of_an_eager_module(tmp_path):
    (tmp_path / "bad.py").write_text(BAD_EAGER_MODULE)
    done = cli("ir", "bad.py", "f", cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr, done.stderr
    assert "pyjitx.CompileError: 'eval' cannot be called" in done.stderr
    debug = cli("ir", "bad.py", "f", cwd=tmp_path, debug="1")
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_boundary_wrappers_stay_transparent():
    import inspect

    assert pyjitx.compile.__name__ == "compile" and "Compile a function" in pyjitx.compile.__doc__
    assert "eager" in inspect.signature(pyjitx.compile).parameters
    assert pyjitx.trace.__name__ == "trace"
