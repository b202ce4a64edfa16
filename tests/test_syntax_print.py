"""print() as CPython defines it, differentially: sep/end (None for the
default), *objects unpacked, file=sys.stdout/sys.stderr/None, flush=,
sys.stdout.write(); the output interleaves with Python's own prints and
follows redirection; print(..., file=buf) to an io.StringIO made in
compiled code (pyjitx.stringio, with io.StringIO's position semantics) or
to an instance with a write() method, called once per piece as CPython
does."""
from __future__ import annotations

import contextlib
import io
import sys
from typing import Any, List, Optional, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx

from difftest import assert_same, compiled

pytestmark = pytest.mark.needs_jit

texts = st.text(alphabet="ab é世😀\n,", max_size=4)
ints = st.integers(-100, 100)


def both_outputs(fn, *args) -> Tuple[Tuple[str, str, Any], Tuple[str, str, Any]]:
    """(stdout, stderr, result) of fn and of its compiled twin."""
    outcomes = []
    for f in (fn, compiled(fn)):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            result = f(*args)
        outcomes.append((out.getvalue(), err.getvalue(), result))
    return outcomes[0], outcomes[1]


def assert_same_output(fn, *args) -> None:
    expected, got = both_outputs(fn, *args)
    assert got == expected


# --------------------------------------------------------------- stdout/stderr

def separators(xs: List[int], sep: Optional[str], end: Optional[str]) -> int:
    print(*xs, sep=sep, end=end)
    print("first", *xs, "mid", *[x * 2 for x in xs], sep=sep)
    print(end=end)
    print()
    return len(xs)


def to_stderr(word: str, n: int) -> None:
    print("warning:", word, file=sys.stderr)
    print(n, word, sep="=", end=";\n", file=sys.stdout, flush=True)
    print(word, file=None)
    print(n, file=sys.stderr, flush=n > 0)


def raw_writes(words: List[str]) -> int:
    total = 0
    for w in words:
        total += sys.stdout.write(w)
        sys.stderr.write(w.upper() + "\n")
    sys.stdout.flush()
    sys.stderr.flush()
    return total


def objects(x: float, flag: bool, items: List[Any], t: Tuple[int, str]) -> None:
    print(x, flag, None, items, t, -0.0, [1.5], {"k": [1]}, sep=" | ")
    print(*items, *t)


@given(st.lists(ints, max_size=4), st.none() | texts, st.none() | texts)
def test_sep_end_and_starred_objects(xs, sep, end):
    assert_same_output(separators, xs, sep, end)


@given(texts, ints)
def test_file_stdout_stderr_none_and_flush(word, n):
    assert_same_output(to_stderr, word, n)


@given(st.lists(texts, max_size=4))
def test_sys_stdout_write_returns_the_length(words):
    assert_same_output(raw_writes, words)


@given(st.floats(allow_nan=False), st.booleans(),
       st.lists(st.one_of(ints, texts, st.none(), st.floats(-5, 5)), max_size=3),
       st.tuples(ints, texts))
def test_objects_print_as_str_does(x, flag, items, t):
    assert_same_output(objects, x, flag, items, t)


def test_compiled_output_interleaves_with_pythons_buffered_output(capsys):
    say = compiled(to_stderr)
    # a buffered stream: Python's print leaves text in its buffer, which
    # must come out before the compiled code's
    buffer = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", line_buffering=False)
    with contextlib.redirect_stdout(buffer):
        print("python before")
        say("w", 0)
        print("python after")
        buffer.flush()
        text = buffer.buffer.getvalue().decode()
    assert text == "python before\n0=w;\nw\npython after\n"
    captured = capsys.readouterr()
    assert captured.err == "warning: w\n0\n"


# ------------------------------------------------------------------ StringIO

def to_buffer(xs: List[int], word: str) -> Tuple[str, int]:
    buf = io.StringIO()
    print(*xs, sep=",", file=buf)
    print(word, file=buf, end="")
    n = buf.write(word)
    buf.writelines(["\n", word])
    return buf.getvalue(), n


def buffer_positions(initial: str, word: str, at: int) -> List[Any]:
    s = io.StringIO(initial)
    out: List[Any] = [s.tell(), s.write(word), s.getvalue(), s.read(), s.tell()]
    s.seek(at)
    out += [s.read(2), s.tell(), s.readline()]
    s.seek(at)
    s.write(word)
    out.append(s.getvalue())
    out.append(s.truncate(1))
    out.append(s.getvalue())
    s.seek(0, 2)
    out.append(s.tell())
    return out


def buffer_lines(lines: List[str]) -> List[Any]:
    with io.StringIO() as buf:
        for line in lines:
            print(line, file=buf)
        buf.seek(0)
        read = buf.readlines()
        value = buf.getvalue()
    out: List[Any] = [read, value, buf.closed]
    try:
        buf.write("late")
    except ValueError as e:
        out.append(str(e))
    return out


def buffer_errors(pos: int, whence: int) -> int:
    s = io.StringIO("abc")
    return s.seek(pos, whence)


@given(st.lists(ints, max_size=4), texts)
def test_print_to_a_stringio(xs, word):
    assert_same(to_buffer, compiled(to_buffer), xs, word)


@given(texts, texts, st.integers(0, 8))
def test_stringio_positions(initial, word, at):
    assert_same(buffer_positions, compiled(buffer_positions), initial, word, at)


@given(st.lists(texts, max_size=4))
def test_stringio_lines_close_and_with(lines):
    assert_same(buffer_lines, compiled(buffer_lines), lines)


@pytest.mark.parametrize("pos,whence", [(0, 0), (2, 0), (-1, 0), (0, 1), (1, 1), (0, 2),
                                        (1, 2), (0, 3)])
def test_stringio_seek_errors(pos, whence):
    expected, got = None, None
    for fn in (buffer_errors, compiled(buffer_errors)):
        try:
            result = ("ok", fn(pos, whence))
        except (ValueError, OSError) as e:
            result = (type(e).__name__, str(e))
        expected, got = (result, got) if fn is buffer_errors else (expected, result)
    assert got == expected


# ------------------------------------------------- an instance with write()

class Recorder:
    def __init__(self) -> None:
        self.parts: List[str] = []
        self.flushes = 0

    def write(self, s: str) -> int:
        self.parts.append(s)
        return len(s)

    def flush(self) -> None:
        self.flushes += 1


def record(xs: List[int], flush: bool) -> Tuple[List[str], int]:
    log = Recorder()
    print("a", *xs, 3.5, sep="|", file=log, flush=flush)
    print(file=log)
    print(*xs, file=log, end="")
    return log.parts, log.flushes


@given(st.lists(ints, max_size=3), st.booleans())
def test_print_calls_write_once_per_piece(xs, flush):
    assert_same(record, compiled(record), xs, flush)
