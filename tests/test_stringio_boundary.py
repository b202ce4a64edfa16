"""io.StringIO at the boundary (pyjitx/stringio_boundary.py), differentially:
an io.StringIO made in Python and passed to a parameter annotated
io.StringIO goes in with its text and position, and after the call (also
when it raises) holds what the compiled code left -- the same text,
position and closed state as after CPython's run on an equal object; one
returned by compiled code is a new io.StringIO.  (io.StringIO made and
used inside compiled code: tests/test_syntax_print.py.)"""
from __future__ import annotations

import io
from typing import Any, List, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from difftest import compiled

pytestmark = pytest.mark.needs_jit

texts = st.text(alphabet=st.sampled_from(list("ab é中文😀\r\n")), max_size=10)


def _state(s: io.StringIO) -> Any:
    if s.closed:
        return "closed"
    return (s.getvalue(), s.tell())


def run_both(fn, initial: str, pos: int, *args: Any) -> Tuple[Any, Any]:
    """fn(buffer, *args) in CPython and compiled on equal io.StringIO
    objects: the outcomes and the buffers' states after must agree."""
    results = []
    for f in (fn, compiled(fn)):
        s = io.StringIO(initial)
        s.seek(pos)
        try:
            outcome: Any = ("ok", f(s, *args))
        except Exception as exc:  # noqa: BLE001 - compared
            outcome = ("raised", type(exc), str(exc))
        results.append((outcome, _state(s)))
    assert results[1] == results[0]
    return results[0]


def prints(out: io.StringIO, words: List[str], end: str) -> int:
    for w in words:
        print(w, len(w), sep="=", end=end, file=out)
    return out.write("!")


@settings(max_examples=40, deadline=None)
@given(initial=texts, pos=st.integers(0, 14), words=st.lists(texts, max_size=4),
       end=st.sampled_from(["", "\n", " "]))
def test_print_into_a_python_stringio(initial, pos, words, end):
    run_both(prints, initial, pos, words, end)


def reads(buf: io.StringIO, n: int) -> List[Any]:
    out: List[Any] = [buf.read(n), buf.tell(), buf.readline()]
    for line in buf:
        out.append(line)
    buf.seek(n)
    out.append(buf.readlines())
    out.append(buf.truncate(n))
    return out


@settings(max_examples=40, deadline=None)
@given(initial=texts, pos=st.integers(0, 12), n=st.integers(0, 6))
def test_reads_seeks_and_truncates(initial, pos, n):
    run_both(reads, initial, pos, n)


def fails_after_writing(buf: io.StringIO, word: str) -> int:
    buf.write(word)
    if len(word) < 100:
        raise KeyError(word)
    return 0


@settings(max_examples=20, deadline=None)
@given(initial=texts, word=texts)
def test_written_back_when_it_raises(initial, word):
    outcome, state = run_both(fails_after_writing, initial, 0, word)
    assert outcome[1] is KeyError and state[0].startswith(word)


def closes(buf: io.StringIO, close: bool) -> bool:
    with buf:
        buf.write("x")
    return buf.closed


@pytest.mark.parametrize("close", [True, False])
def test_closing_reaches_the_python_object(close):
    outcome, state = run_both(closes, "abc", 1, close)
    assert outcome == ("ok", True) and state == "closed"


def test_a_closed_stringio_goes_in_closed():
    def write(buf: io.StringIO) -> int:
        return buf.write("x")

    results = []
    for f in (write, compiled(write)):
        s = io.StringIO("a")
        s.close()
        with pytest.raises(ValueError) as info:
            f(s)
        results.append(str(info.value))
    assert results[0] == results[1] == "I/O operation on closed file"


def make(text: str, pos: int) -> io.StringIO:
    s = io.StringIO()
    s.write(text)
    s.seek(pos)
    return s


@settings(max_examples=20, deadline=None)
@given(text=texts, pos=st.integers(0, 12))
def test_returned_stringio_is_a_python_one(text, pos):
    expected, got = make(text, pos), compiled(make)(text, pos)
    assert type(got) is io.StringIO
    assert _state(got) == _state(expected)
    got.write("more")  # an ordinary io.StringIO from here on
    expected.write("more")
    assert got.getvalue() == expected.getvalue()


def test_calls_in_a_loop_keep_one_object():
    def step(out: io.StringIO, i: int) -> None:
        print(i, end=",", file=out)

    s, t = io.StringIO(), io.StringIO()
    for i in range(5):
        step(s, i)
        compiled(step)(t, i)
    assert s.getvalue() == t.getvalue() == "0,1,2,3,4,"


@pytest.mark.parametrize("newline", [None, "", "\r", "\r\n"])
def test_a_translating_stringio_is_refused(newline):
    def write(buf: io.StringIO) -> int:
        return buf.write("a\nb")

    s = io.StringIO("x", newline=newline)
    with pytest.raises(TypeError, match="newline="):
        compiled(write)(s)
    assert s.getvalue() == io.StringIO("x", newline=newline).getvalue()  # (untouched)
