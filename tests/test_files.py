"""open() in compiled code (pyjitx/fileio.py over libruntime/file.c),
differentially: each subject runs in CPython and compiled on the same path
(the file made afresh before each run), and the results, the exception
types and messages, and the bytes left in the file must agree.  Text comes
from hypothesis (CJK, accents, emoji, \\r\\n mixes, empty)."""
from __future__ import annotations

import io
import os
from typing import Any, List, Optional, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pyjitx

from difftest import compiled

pytestmark = pytest.mark.needs_jit

texts = st.text(alphabet=st.sampled_from(list("ab é中文😀\r\n\t")), max_size=12)
lines_text = st.lists(st.sampled_from(["a", "é", "中", "😀", "\n", "\r", "\r\n", " ", ""]),
                      max_size=10).map("".join)
NEWLINES = [None, "", "\n", "\r", "\r\n"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("files")


def _outcome(fn, args) -> Any:
    try:
        return ("ok", fn(*args))
    except Exception as exc:  # noqa: BLE001 - compared
        return ("raised", type(exc), str(exc))


def run_both(fn, path: str, before: Optional[bytes], *args: Any) -> Tuple[Any, Optional[bytes]]:
    """Runs fn(path, *args) in CPython and compiled, each on a fresh file
    holding `before` (no file when None); both must give the same outcome
    and leave the same bytes.  Returns CPython's."""
    results = []
    for f in (fn, compiled(fn)):
        if os.path.isfile(path):
            os.remove(path)
        if before is not None:
            with open(path, "wb") as fh:
                fh.write(before)
        outcome = _outcome(f, (path, *args))
        left = None
        if os.path.isfile(path):
            with open(path, "rb") as fh:
                left = fh.read()
        results.append((outcome, left))
    assert results[1] == results[0]
    return results[0]


# ------------------------------------------------------------------ writing text

def write_text(path: str, s: str, encoding: Optional[str], newline: Optional[str]) -> int:
    with open(path, "w", encoding=encoding, newline=newline) as f:
        n = f.write(s)
        n += f.write("|" + s)
    return n


@settings(max_examples=40, deadline=None)
@given(s=texts, encoding=st.sampled_from([None, "utf-8", "latin-1", "latin1", "iso-8859-1",
                                          "ascii"]),
       newline=st.sampled_from(NEWLINES))
def test_write_text(workdir, s, encoding, newline):
    run_both(write_text, str(workdir / "w.txt"), None, s, encoding, newline)


def test_unencodable_text_raises_cpythons_error(workdir):
    (outcome, _) = run_both(write_text, str(workdir / "u.txt"), None, "ab€", "latin-1", None)
    assert outcome[1] is UnicodeEncodeError
    assert "can't encode character '\\u20ac' in position 2" in outcome[2]
    run_both(write_text, str(workdir / "u.txt"), None, "é", "ascii", "")


def append_and_create(path: str, s: str, mode: str) -> List[Any]:
    out: List[Any] = []
    if mode == "a":
        with open(path, "a", encoding="utf-8") as f:
            out.append(f.write(s))
    else:
        with open(path, "x", encoding="utf-8") as f:
            out.append(f.write(s))
    return out


@settings(max_examples=15, deadline=None)
@given(s=texts, exists=st.booleans(), mode=st.sampled_from(["a", "x"]))
def test_append_and_exclusive_create(workdir, s, exists, mode):
    run_both(append_and_create, str(workdir / "a.txt"), b"old\n" if exists else None, s, mode)


def lines_out(path: str, lines: List[str]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)
        print(*lines, sep="|", end="$\n", file=f)
        print(len(lines), file=f, flush=True)


@settings(max_examples=15, deadline=None)
@given(lines=st.lists(texts, max_size=4))
def test_writelines_and_print_to_a_file(workdir, lines):
    run_both(lines_out, str(workdir / "p.txt"), None, lines)


# ------------------------------------------------------------------ reading text

def read_all(path: str, newline: Optional[str], n: int) -> List[str]:
    with open(path, encoding="utf-8", newline=newline) as f:
        first = f.read(n)
        line = f.readline(n)
        rest = f.read()
        again = f.read()
    return [first, line, rest, again]


def read_lines(path: str, newline: Optional[str], n: int) -> List[str]:
    out: List[str] = []
    with open(path, "r", encoding="utf-8", newline=newline) as f:
        for line in f:
            out.append(line)
    f = open(path, encoding="utf-8", newline=newline)
    out += f.readlines()
    f.close()
    return out


def readline_sized(path: str, newline: Optional[str], n: int) -> List[str]:
    out: List[str] = []
    f = open(path, "rt", encoding="utf-8", newline=newline)
    line = f.readline(n)
    while line and len(out) < 40:
        out.append(line)
        line = f.readline(n)
    f.close()
    return out


@settings(max_examples=40, deadline=None)
@given(text=lines_text, newline=st.sampled_from(NEWLINES),
       subject=st.sampled_from([read_all, read_lines, readline_sized]),
       n=st.one_of(st.integers(-3, 6), st.sampled_from([2 ** 31, -2 ** 63])))
def test_read_text_with_universal_newlines(workdir, text, newline, subject, n):
    run_both(subject, str(workdir / "r.txt"), text.encode("utf-8"), newline, n)


def read_latin1(path: str) -> str:
    with open(path, encoding="latin-1") as f:
        return f.read()


def read_utf8(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


@settings(max_examples=20, deadline=None)
@given(data=st.binary(max_size=12))
def test_read_decodes_as_cpython(workdir, data):
    run_both(read_latin1, str(workdir / "b.txt"), data)
    run_both(read_utf8, str(workdir / "b.txt"), data)  # (UnicodeDecodeError included)


def plus_modes(path: str, mode: str, s: str) -> List[Any]:
    out: List[Any] = []
    if mode == "r+":
        with open(path, "r+", encoding="utf-8") as f:
            out.append(f.write(s))
            out.append(f.read())
    elif mode == "w+":
        with open(path, "w+", encoding="utf-8") as f:
            out.append(f.write(s))
            out.append(f.read())
    else:
        with open(path, "a+", encoding="utf-8") as f:
            out.append(f.write(s))
            out.append(f.read())
    return out


@settings(max_examples=15, deadline=None)
@given(mode=st.sampled_from(["r+", "w+", "a+"]), s=st.text("ab中", max_size=3))
def test_plus_modes(workdir, mode, s):
    run_both(plus_modes, str(workdir / "plus.txt"), "xyz中\n".encode(), mode, s)


# ------------------------------------------------------------------ binary files

def write_binary(path: str, header: str, body: bytes) -> List[Any]:
    out: List[Any] = []
    with open(path, "wb") as fp:
        out.append(fp.write(header.encode("ascii")))
        out.append(fp.write(body))
        out.append(fp.mode)
    with open(path, "rb") as fp:
        out.append(fp.read(2))
        out.append(fp.readline())
        out.append(fp.read())
        out.append(fp.name == path)
    with open(path, "rb") as fp:
        for line in fp:
            out.append(line)
    return out


@settings(max_examples=20, deadline=None)
@given(header=st.text("P6 0123456789\n", max_size=8), body=st.binary(max_size=16))
def test_binary_write_and_read(workdir, header, body):
    run_both(write_binary, str(workdir / "img.ppm"), None, header, body)


def binary_modes(path: str, mode: int) -> Any:
    if mode == 0:
        with open(path, "ab") as f:
            return f.mode
    if mode == 1:
        with open(path, "r+b") as f:
            return f.mode
    if mode == 2:
        with open(path, "xb") as f:
            return f.mode
    with open(path, "a+b") as f:
        return f.mode


@pytest.mark.parametrize("mode", range(4))
def test_binary_mode_names(workdir, mode):
    run_both(binary_modes, str(workdir / "m.bin"), b"1", mode)


# ------------------------------------------------------------------ errors

def open_missing(path: str) -> str:
    with open(path + "-missing") as f:
        return f.read()


def open_directory(path: str, write: bool) -> int:
    directory = path.rsplit("/", 1)[0]
    if write:
        with open(directory, "w") as f:
            return f.write("x")
    with open(directory) as f:
        return len(f.read())


def open_under_a_file(path: str) -> int:
    with open(path + "/x", "w") as f:
        return f.write("x")


def closed_file(path: str, what: int) -> Any:
    f = open(path, "w", encoding="utf-8")
    f.close()
    f.close()  # (twice is fine)
    if what == 0:
        return f.write("x")
    if what == 1:
        f.flush()
        return 0
    return f.closed


def wrong_direction(path: str, what: int) -> Any:
    if what == 0:
        with open(path, encoding="utf-8") as f:
            return f.write("x")
    if what == 1:
        with open(path, "w", encoding="utf-8") as f:
            return f.read()
    if what == 2:
        with open(path, "rb") as g:
            return g.write(b"x")
    with open(path, "wb") as g:
        return g.read()


def bad_arguments(path: str, what: int) -> Any:
    if what == 0:
        return open(path, "rw").closed
    if what == 1:
        return open(path, "rr").closed
    if what == 2:
        return open(path, "+").closed
    if what == 3:
        return open(path, "w", newline="x").closed
    if what == 4:
        return open(path, "w", encoding="bogus").closed
    if what == 5:
        return open(path, "wb", encoding="utf-8").closed
    if what == 6:
        return open(path, "w", buffering=0).closed
    return open(path + "\0x", "w").closed


def test_missing_file(workdir):
    outcome, _ = run_both(open_missing, str(workdir / "e.txt"), None)
    assert outcome[1] is FileNotFoundError and outcome[2].startswith("[Errno 2] No such file")


def test_exists_and_directories(workdir):
    outcome, _ = run_both(append_and_create, str(workdir / "x.txt"), b"", "s", "x")
    assert outcome[1] is FileExistsError
    for write in (False, True):
        outcome, _ = run_both(open_directory, str(workdir / "d.txt"), None, write)
        assert outcome[1] is IsADirectoryError
    outcome, _ = run_both(open_under_a_file, str(workdir / "n.txt"), b"")
    assert outcome[1] is NotADirectoryError


@pytest.mark.skipif(os.geteuid() == 0, reason="root may open any file")
def test_permission_denied(workdir):
    path = workdir / "ro.txt"
    path.write_text("x")
    path.chmod(0o400)
    try:
        outcome, _ = run_both(append_and_create, str(path), b"x", "s", "a")
        assert outcome[1] is PermissionError
    finally:
        path.chmod(0o600)


@pytest.mark.parametrize("what", range(3))
def test_closed_file(workdir, what):
    run_both(closed_file, str(workdir / "c.txt"), None, what)


@pytest.mark.parametrize("what", range(4))
def test_unsupported_operation(workdir, what):
    outcome, _ = run_both(wrong_direction, str(workdir / "o.txt"), b"abc", what)
    assert outcome[1] is io.UnsupportedOperation


@pytest.mark.parametrize("what", range(8))
def test_bad_arguments(workdir, what):
    outcome, _ = run_both(bad_arguments, str(workdir / "args.txt"), None, what)
    assert outcome[0] == "raised"


def caught(path: str) -> List[str]:
    out: List[str] = []
    try:
        open(path, "x").close()
    except FileExistsError as e:
        out.append("FileExistsError " + str(e))
    try:
        open(path + "/z", "w")
    except OSError as e:
        out.append("OSError " + str(e))
    g = open(path, "r")
    try:
        g.write("x")
    except ValueError as e:  # (io.UnsupportedOperation is an OSError and a ValueError)
        out.append("ValueError " + str(e))
    try:
        g.write("x")
    except io.UnsupportedOperation as e:
        out.append("UnsupportedOperation " + str(e))
    try:
        g.write("x")
    except (KeyError, OSError) as e:
        out.append("OSError " + str(e))
    g.close()
    try:
        g.read()
    except ValueError as e:
        out.append("closed " + str(e))
    return out


def test_except_clauses_catch_them_as_cpython(workdir):
    outcome, _ = run_both(caught, str(workdir / "caught.txt"), b"")
    assert len(outcome[1]) == 6


def with_closes_on_error(path: str) -> List[Any]:
    out: List[Any] = []
    g = open(path, "w", encoding="utf-8")
    try:
        with g as f:
            f.write("partial")
            raise KeyError("boom")
    except KeyError:
        out.append(g.closed)
    return out


def test_with_closes_on_exception(workdir):
    outcome, left = run_both(with_closes_on_error, str(workdir / "w.txt"), None)
    assert outcome == ("ok", [True]) and left == b"partial"


# ------------------------------------------------------------------ compile-time limits

def test_mode_must_be_a_literal():
    def f(path: str, mode: str) -> bool:
        return open(path, mode).closed

    with pytest.raises(pyjitx.CompileError, match="mode must be a str literal"):
        pyjitx.compile(f)("x", "r")


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "utf-8-sig"])
def test_an_encoding_the_runtime_lacks_is_a_compile_error(workdir, encoding):
    # (the encoding must be a literal in the source: written out as a module)
    source = f"def g(path: str) -> int:\n    with open(path, 'w', encoding={encoding!r}) as fh:\n" \
             "        return fh.write('x')\n"
    module = workdir / f"enc_{encoding.replace('-', '_')}.py"
    module.write_text(source)
    import importlib.util

    spec = importlib.util.spec_from_file_location(module.stem, module)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    with pytest.raises(pyjitx.CompileError, match="does not encode"):
        pyjitx.compile(loaded.g)(str(workdir / "enc.txt"))


def test_bytes_to_a_text_file_is_a_compile_error(workdir):
    def f(path: str) -> int:
        with open(path, "w") as fh:
            return fh.write(b"x")

    with pytest.raises(pyjitx.CompileError):
        pyjitx.compile(f)(str(workdir / "t.txt"))


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts /proc/self/fd")
def test_a_dropped_file_closes_its_descriptor(workdir):
    """A file never closed keeps what was written (writes are not buffered)
    and gives its descriptor back when the object is freed, as in CPython;
    the runtime's live objects return to their count (the fixture)."""
    def f(path: str, n: int) -> int:
        total = 0
        for i in range(n):
            fh = open(path, "a", encoding="utf-8")
            total += fh.write("kept")
        return total

    run = compiled(f)
    run(str(workdir / "k.txt"), 1)
    before = _open_descriptors()
    assert run(str(workdir / "k.txt"), 50) == 200
    assert _open_descriptors() == before
    assert (workdir / "k.txt").read_text() == "kept" * 51


def test_a_returned_file_closes_when_python_drops_it(workdir):
    def opened(path: str):
        return open(path, "wb")

    run = compiled(opened)
    run(str(workdir / "dropped.bin"))
    before = _open_descriptors()
    f = run(str(workdir / "dropped.bin"))
    assert _open_descriptors() == before + 1
    del f
    import gc
    gc.collect()
    assert _open_descriptors() == before


def flushed(path: str, big: int) -> List[Any]:
    f = open(path, "w", encoding="utf-8")
    f.write("a" * big)
    g = open(path, encoding="utf-8")
    before = g.read()
    g.close()
    f.flush()
    g = open(path, encoding="utf-8")
    after = g.read()
    g.close()
    f.close()
    return [len(before), len(after)]


@pytest.mark.parametrize("big", [10, 9000])
def test_writes_are_buffered_as_cpython(workdir, big):
    """(8 KiB, as CPython's: a small write is not in the file before flush())"""
    run_both(flushed, str(workdir / "buf.txt"), None, big)


EXIT_SCRIPT = """
import sys
import pyjitx

KEPT = []

@pyjitx.compile
def start(path: str):
    f = open(path, "w", encoding="utf-8")
    f.write("written, never closed")
    return f

KEPT.append(start(sys.argv[1]))
"""


def test_a_file_open_at_exit_is_flushed(workdir):
    import subprocess
    import sys

    script = workdir / "exit_script.py"
    script.write_text(EXIT_SCRIPT)
    target = workdir / "at_exit.txt"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(os.path.dirname(os.path.abspath(pyjitx.__file__)))]
        + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    done = subprocess.run([sys.executable, str(script), str(target)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8") == "written, never closed"


def test_python_file_objects_do_not_cross(workdir):
    def takes(f: io.TextIOWrapper) -> int:
        return f.write("x")

    with pytest.raises(pyjitx.CompileError, match="unsupported annotation"):
        with open(workdir / "py.txt", "w") as fh:
            pyjitx.compile(takes)(fh)


def test_a_returned_file_object_keeps_working(workdir):
    """A file object that compiled code returns reaches Python as the
    compiled class's instance, with the same methods."""
    def opened(path: str):
        return open(path, "w", encoding="utf-8")

    f = compiled(opened)(str(workdir / "ret.txt"))
    assert f.write("中文") == 2 and not f.closed
    f.close()
    assert f.closed and (workdir / "ret.txt").read_text(encoding="utf-8") == "中文"


def test_threads_share_a_file_object(workdir):
    """Compiled code runs without the GIL: threads writing through one file
    object lose no bytes (the runtime's buffer has its own lock)."""
    import threading

    def opened(path: str):
        return open(path, "w", encoding="utf-8")

    def write_many(f, n: int) -> int:  # (f: specialised on the compiled file class)
        total = 0
        for i in range(n):
            total += f.write("line %d\n" % (i % 10))
        return total

    f = compiled(opened)(str(workdir / "threads.txt"))
    run = compiled(write_many)
    run(f, 0)
    threads = [threading.Thread(target=run, args=(f, 5000)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    f.close()
    text = (workdir / "threads.txt").read_text(encoding="utf-8")
    assert len(text) == 4 * 5000 * 7 and text.count("\n") == 20000
