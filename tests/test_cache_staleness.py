"""The disk cache never serves code that bakes in a value that has since
changed: each kind of value compiled code captures -- a module-level str
or bytes constant, a str attribute of a config module, a closure's str, a
class constant (int and str), a callee's default taken from a global -- is
changed between two processes sharing one cache, and the second process
must see the new value.  Two closures of one function in one process keep
their own values too."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import pyjitx

pytestmark = pytest.mark.needs_jit

# (module source with a {value} placeholder, the expression printed)
CASES = {
    "module str constant": ('''
        import pyjitx
        PREFIX = {value!r}

        @pyjitx.compile
        def f(x: str) -> str:
            return PREFIX + x
        ''', "mod.f('x')"),
    "module bytes constant": ('''
        import pyjitx
        MAGIC = {value!r}.encode()

        @pyjitx.compile
        def f(x: bytes) -> bytes:
            return MAGIC + x
        ''', "mod.f(b'x')"),
    "config module attribute": ('''
        import pyjitx
        import stale_config as config

        @pyjitx.compile
        def f(x: str) -> str:
            return config.NAME + x
        ''', "mod.f('x')"),
    "closure str": ('''
        import pyjitx

        def make(p):
            @pyjitx.compile
            def f(x: str) -> str:
                return p + x
            return f

        f = make({value!r})
        ''', "mod.f('x')"),
    "class int constant": ('''
        import pyjitx

        class Limits:
            MAX = len({value!r})

            def __init__(self) -> None:
                self.n = 0

            def cap(self, x: int) -> int:
                return min(x, self.MAX)

        @pyjitx.compile
        def f(x: int) -> int:
            return Limits().cap(x) + Limits.MAX
        ''', "mod.f(100)"),
    "class str constant": ('''
        import pyjitx

        class Tag:
            LABEL = {value!r}

            def __init__(self) -> None:
                self.n = 1

            def show(self, x: str) -> str:
                return self.LABEL + x

        @pyjitx.compile
        def f(x: str) -> str:
            return Tag().show(x) + Tag.LABEL
        ''', "mod.f('x')"),
    "callee default from a global": ('''
        import pyjitx
        SEP = {value!r}

        def join2(a: str, b: str, sep: str = SEP) -> str:
            return a + sep + b

        @pyjitx.compile
        def f(x: str) -> str:
            return join2(x, x)
        ''', "mod.f('x')"),
}


def run(tmp_path: Path, case: str, value: str) -> str:
    source, expression = CASES[case]
    (tmp_path / "stale_mod.py").write_text(textwrap.dedent(source).format(value=value))
    (tmp_path / "stale_config.py").write_text(f"NAME = {value!r}\n")
    code = (f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import stale_mod as mod; "
            f"r = {expression}; print(repr(r)); print(repr(eval({expression!r}.replace("
            f"'mod.f', 'mod.f.py_func'))))")
    env = dict(os.environ, PYJITX_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("PYJITX_DISABLE_JIT", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    compiled, python = out.stdout.splitlines()
    assert compiled == python
    return compiled


@pytest.mark.parametrize("case", list(CASES))
def test_a_changed_captured_value_is_never_served_stale(tmp_path, case):
    first = run(tmp_path, case, "aaa")
    second = run(tmp_path, case, "bbbb")
    assert first != second


def test_two_closures_of_one_function_in_one_process():
    def make(p: str):
        @pyjitx.compile
        def f(x: str) -> str:
            return p + x
        return f

    assert (make("aaa")("x"), make("bbb")("x"), make("aaa")("y")) == ("aaax", "bbbx", "aaay")
