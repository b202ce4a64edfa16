"""CompileError for code outside the supported subset: type, location
(file:line:col), the offending source line and a caret under it.

Every subject marks its offending line with a trailing ``# <-- HERE`` (or
``# <-- FIRST`` / ``# <-- SECOND`` for errors that must name two lines); the
expected column is the column of the offending node (0- or 1-based columns
are both accepted)."""
from __future__ import annotations

import ast
import contextlib
import inspect
import os
import re

import pytest

import pyjitx

from difftest import assert_same, compiled

pytestmark = pytest.mark.needs_jit

THIS_FILE = os.path.abspath(__file__)
with open(THIS_FILE, encoding="utf-8") as _f:
    SOURCE_LINES = _f.read().splitlines()


def _marker_line(fn, marker: str) -> int:
    """1-based line number in this file of the line of ``fn`` ending with marker."""
    lines, start = inspect.getsourcelines(fn)
    for i, text in enumerate(lines):
        if text.rstrip().endswith(marker):
            return start + i
    raise LookupError(f"{fn.__name__}: no line marked {marker!r}")


# ---------------------------------------------------------------- subjects

@contextlib.contextmanager
def ctx():
    yield 1


def uses_with(a: int) -> int:
    b = a + 1
    with ctx():  # <-- HERE
        b = 2
    return b


def uses_coroutine(a: int) -> int:
    async def later():  # <-- HERE
        return 1
    return a


def uses_yield(a: int):
    # generators compile; the value of a yield expression (send()) does not
    b = a * 2
    c = yield b  # <-- HERE


def uses_unsupported_builtin(a: int) -> int:
    b = a + 1
    return id(b)  # <-- HERE


def uses_unsupported_annotation(a: complex) -> int:  # <-- HERE
    return 1


def mixes_int_and_bool(a: int) -> int:
    x = 1  # <-- FIRST
    if a > 0:
        x = True  # <-- SECOND
    return 0


def mixes_int_and_none(a: int) -> int:
    y = a + 1  # <-- FIRST
    if a > 3:
        y = None  # <-- SECOND
    return a


def mixes_float_and_bool(a: float) -> float:
    z = a  # <-- FIRST
    while a > 1.0:
        z = a > 2.0  # <-- SECOND
        a = a / 2.0
    return a


# expected offending node per subject: ast node type in the marked line
SINGLE_CASES = [
    (uses_with, ast.With),
    (uses_coroutine, ast.AsyncFunctionDef),
    (uses_yield, ast.Yield),
    (uses_unsupported_builtin, ast.Call),
    (uses_unsupported_annotation, None),
]


def _node_cols(lineno: int, node_type) -> set[int] | None:
    """Acceptable 0-based columns for the error: the column of the first
    ``node_type`` node on ``lineno`` or of the statement that holds it."""
    if node_type is None:
        return None
    tree = ast.parse("\n".join(SOURCE_LINES))
    nodes = [n for n in ast.walk(tree)
             if isinstance(n, node_type) and getattr(n, "lineno", None) == lineno]
    stmts = [n for n in ast.walk(tree)
             if isinstance(n, ast.stmt) and getattr(n, "lineno", None) == lineno]
    cols = set()
    if nodes:
        cols.add(min(n.col_offset for n in nodes))
    if stmts:
        cols.add(min(n.col_offset for n in stmts))
    return cols or None


def _compile_error(fn, eager: bool) -> pyjitx.CompileError:
    with pytest.raises(pyjitx.CompileError) as info:
        if eager:
            pyjitx.compile(fn, eager=True, cache=False)
        else:
            c = pyjitx.compile(fn, cache=False)        # lazy: no error yet
            args = [1] * len(inspect.signature(fn).parameters)
            c(*args)
    return info.value


def _check_location(msg: str, lineno: int, cols: set[int] | None) -> None:
    base = re.escape(os.path.basename(THIS_FILE))
    found = [(int(m.group(1)), int(m.group(2)))
             for m in re.finditer(base + r":(\d+):(\d+)", msg)]
    assert found, f"no '{os.path.basename(THIS_FILE)}:line:col' in message:\n{msg}"
    assert any(line == lineno for line, _ in found), (
        f"expected line {lineno}, message says {found}:\n{msg}")
    if cols is not None:
        ok = cols | {c + 1 for c in cols}
        assert any(line == lineno and c in ok for line, c in found), (
            f"expected column in {sorted(cols)} (0-based) or +1 (1-based), got {found}:\n{msg}")


def _check_source_and_caret(msg: str, lineno: int, cols: set[int] | None) -> None:
    source = SOURCE_LINES[lineno - 1]
    shown = source.strip()
    lines = msg.splitlines()
    idx = [i for i, text in enumerate(lines) if shown in text]
    assert idx, f"offending source line {shown!r} not in message:\n{msg}"
    i = idx[0]
    carets = [j for j in range(i + 1, min(i + 3, len(lines))) if "^" in lines[j]]
    assert carets, f"no caret line under the source line:\n{msg}"
    if cols is not None:
        # the caret must sit under the offending column of the displayed line
        displayed = lines[i]
        indent = len(source) - len(source.lstrip())
        start = displayed.index(shown) - indent   # where column 0 of the source is
        caret_col = lines[carets[0]].index("^")
        assert caret_col - start in cols, (
            f"caret at column {caret_col - start}, expected one of {sorted(cols)}:\n{msg}")


@pytest.mark.parametrize("fn,node_type", SINGLE_CASES, ids=[f.__name__ for f, _ in SINGLE_CASES])
@pytest.mark.parametrize("eager", [True, False], ids=["eager", "lazy"])
def test_unsupported_syntax_is_compile_error(fn, node_type, eager):
    err = _compile_error(fn, eager)
    assert isinstance(err, SyntaxError)
    msg = str(err)
    lineno = _marker_line(fn, "# <-- HERE")
    cols = _node_cols(lineno, node_type)
    _check_location(msg, lineno, cols)
    _check_source_and_caret(msg, lineno, cols)


def _twice(x: int) -> int:
    return 2 * x


def mixes_function_and_int(a: int) -> int:
    g = _twice  # <-- FIRST
    if a > 0:
        g = 3  # <-- SECOND
    return a


@pytest.mark.parametrize("fn", [mixes_int_and_bool, mixes_int_and_none, mixes_float_and_bool],
                         ids=lambda f: f.__name__)
def test_a_local_of_several_types_compiles_as_in_python(fn):
    # (it holds their union: docs/guide/types.md)
    kind = fn.__annotations__["a"]
    for a in (-1, 0, 1, 5, 3.5 if kind in (float, "float") else 3):
        assert_same(fn, compiled(fn), float(a) if kind in (float, "float") else a)


@pytest.mark.parametrize("fn", [mixes_function_and_int], ids=lambda f: f.__name__)
def test_mixed_types_for_one_variable_name_both_assignments(fn):
    err = _compile_error(fn, eager=True)
    msg = str(err)
    first = _marker_line(fn, "# <-- FIRST")
    second = _marker_line(fn, "# <-- SECOND")
    for line in (first, second):
        assert re.search(rf"(?<!\d){line}(?!\d)", msg), (
            f"line {line} ({SOURCE_LINES[line - 1].strip()!r}) not named in:\n{msg}")
    base = re.escape(os.path.basename(THIS_FILE))
    assert re.search(base + rf":({first}|{second}):\d+", msg), (
        f"no '{os.path.basename(THIS_FILE)}:line:col' for either assignment in:\n{msg}")


def test_compile_error_is_syntax_error_subclass():
    assert issubclass(pyjitx.CompileError, SyntaxError)


def test_compile_error_attributes():
    err = _compile_error(uses_with, eager=True)
    lineno = _marker_line(uses_with, "# <-- HERE")
    assert err.lineno == lineno
    assert err.filename and os.path.basename(err.filename) == os.path.basename(THIS_FILE)


def fine_after_error(a: int) -> int:
    return a + 1


def test_other_functions_still_compile_after_an_error():
    _compile_error(uses_with, eager=True)
    assert pyjitx.compile(fine_after_error)(41) == 42
