"""Running a script in a fresh interpreter, for tests of values deep or
cyclic enough that a bug would crash the process (a C stack overflow is a
SIGSEGV): the test asserts a clean exit and what the script printed."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import Any, Callable, List

import pyjitx

# What every script starts with: the outcome of a call as comparable text
# (the value's repr, or the exception's type and message) and a helper
# that runs a function both ways and prints both outcomes.
PRELUDE = textwrap.dedent("""
    from __future__ import annotations
    import sys
    import pyjitx
    from typing import Any, Dict, List, Optional, Tuple

    def outcome(fn, *args):
        try:
            value = fn(*args)
        except Exception as e:
            return f"{type(e).__name__}: {e}"
        return summary(value)

    def summary(value):
        # (a deep value's repr would raise: its shape is enough)
        depth = 0
        while isinstance(value, (list, tuple)) and len(value) == 1 and depth < 10**7:
            value, depth = value[0], depth + 1
        if depth > 50:
            return f"{depth} levels around {value!r}"
        for _ in range(depth):
            value = [value]
        return repr(value)

    def both(fn, *args):
        compiled = pyjitx.compile(fn)
        print(outcome(fn, *args), "|", outcome(compiled, *args))
""")


def run_script(tmp_path, body: str, timeout: int = 600) -> List[str]:
    """Runs PRELUDE + body in a new interpreter; returns its output lines
    after asserting that it exited cleanly."""
    script = tmp_path / "script.py"
    script.write_text(PRELUDE + textwrap.dedent(body))
    root = os.path.dirname(os.path.dirname(pyjitx.__file__))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root] + sys.path))
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-3000:]}"
    return done.stdout.splitlines()


def same_both_ways(lines: List[str]) -> None:
    """Each line printed by `both` shows CPython's outcome and the compiled
    one: they must agree."""
    assert lines
    for line in lines:
        python, compiled = line.split(" | ")
        assert python == compiled, line


def outcome(fn: Callable[..., Any], *args: Any) -> str:
    try:
        value = fn(*args)
    except Exception as e:  # noqa: BLE001 - the outcome is what is compared
        return f"{type(e).__name__}: {e}"
    return repr(value)
