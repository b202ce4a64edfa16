"""Errors that pyjitx raises to its users.

CompileError is the one exception type for a user mistake found at compile
time.  It carries a source location and renders it the way a compiler
does, so that no LLVM or C message ever reaches the user for such a
mistake::

    pyjitx.CompileError: unsupported statement 'with'
      --> example.py:12:4
       |
    12 |     with open(p) as f:
       |     ^^^^
       = supported here: assignments, if/while/for, return, ...
"""
from __future__ import annotations

import ast
import os
import types
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class SourceLocation:
    """A span in a user's source file (1-based line, 0-based column)."""

    filename: str
    line: int
    col: int
    end_col: Optional[int] = None
    source_line: str = ""

    def render(self) -> str:
        gutter = " " * len(str(self.line))
        text = self.source_line.rstrip("\n")
        width = 1
        if self.end_col is not None and self.end_col > self.col:
            width = self.end_col - self.col
        width = max(1, min(width, max(1, len(text) - self.col)))
        return (
            f"  --> {self.filename}:{self.line}:{self.col}\n"
            f"{gutter} |\n"
            f"{self.line} | {text}\n"
            f"{gutter} | {' ' * self.col}{'^' * width}"
        )


class CompileError(SyntaxError):
    """Code that pyjitx cannot compile, with where and why.

    A subclass of SyntaxError so that tools which show source locations for
    syntax errors show ours too.
    """

    def __init__(self, message: str, location: Optional[SourceLocation] = None,
                 hint: str = "") -> None:
        self.message = message
        self.location = location
        self.hint = hint
        parts = [message]
        if location is not None:
            parts.append(location.render())
        if hint:
            parts.append(f"  = {hint}")
        super().__init__("\n".join(parts))
        if location is not None:
            self.filename = location.filename
            self.lineno = location.line
            self.offset = location.col + 1
            self.text = location.source_line

    def __str__(self) -> str:  # SyntaxError's own __str__ would drop our layout
        return self.args[0]


CompileError.__module__ = "pyjitx"  # tracebacks print 'pyjitx.CompileError', its public name

_OFF = ("", "0", "false", "no", "off")
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_GENERATED = "<pyjitx-generated "  # pyjitx/classes.py _synthesised


def debug_enabled() -> bool:
    """PYJITX_DEBUG set to a true value (anything but empty, 0, false, no,
    off): a CompileError keeps pyjitx's own frames in its traceback."""
    return os.environ.get("PYJITX_DEBUG", "").strip().lower() not in _OFF


def user_facing(fn):
    """`fn` as an entry point users call directly (pyjitx.compile,
    pyjitx.trace, a compiled class's constructor ...): a CompileError raised
    through it reaches them with their own frames only (pyjitx/_boundary.c,
    for_user below).  Binds as a method when stored on a class."""
    import functools

    from . import _ext

    boundary = _ext.UserBoundary(fn)
    functools.update_wrapper(boundary, fn)
    return boundary


def _internal(frame: types.FrameType) -> bool:
    filename = frame.f_code.co_filename
    return filename.startswith(_PACKAGE_DIR) or filename.startswith(_GENERATED)


def for_user(exc: BaseException) -> None:
    """What a CompileError looks like once it leaves pyjitx (called by the C
    boundary, pyjitx/_boundary.c): its traceback keeps the user's frames
    only -- the call site, the decorator line -- and the exceptions pyjitx
    handled on the way are not chained to it.  The message (location,
    source line, caret, hint) is untouched.  Nothing changes with
    PYJITX_DEBUG set."""
    if not isinstance(exc, CompileError) or debug_enabled():
        return
    kept = []
    tb = exc.__traceback__
    while tb is not None:
        if not _internal(tb.tb_frame):
            kept.append(tb)
        tb = tb.tb_next
    rebuilt: Optional[types.TracebackType] = None
    for entry in reversed(kept):
        rebuilt = types.TracebackType(rebuilt, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    exc.__traceback__ = rebuilt
    exc.__cause__ = None
    exc.__suppress_context__ = True


class SourceMap:
    """Maps AST nodes of one parsed function back to its file."""

    def __init__(self, filename: str, lines: list[str], line_offset: int,
                 col_offset: int) -> None:
        self.filename = filename
        self.lines = lines
        self.line_offset = line_offset
        self.col_offset = col_offset

    def locate(self, node: Optional[ast.AST]) -> Optional[SourceLocation]:
        if node is None or not hasattr(node, "lineno"):
            return None
        line = node.lineno + self.line_offset
        col = node.col_offset + self.col_offset
        end_col = None
        if getattr(node, "end_lineno", None) == node.lineno and node.end_col_offset is not None:
            end_col = node.end_col_offset + self.col_offset
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return SourceLocation(self.filename, line, col, end_col, text)

    def error(self, node: Optional[ast.AST], message: str, hint: str = "") -> CompileError:
        return CompileError(message, self.locate(node), hint)


class LinkError(Exception):
    """Object code that could not be linked ahead of time: no C compiler or
    linker on this machine, a runtime library or header missing from the
    installation, or the linker's own refusal (its message included).

    Separate from CompileError: the Python code was fine, the toolchain or
    the installation was not."""
