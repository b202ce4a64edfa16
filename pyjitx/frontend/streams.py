"""open(...) in compiled code: a call of pyjitx/fileio.py's open_text or
open_binary, compiled along, by the mode -- which must therefore be a
constant (a str literal or left out): the two kinds of file are different
classes with different write() and read() types, as in CPython (a
TextIOWrapper and a Buffered* object)."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..ir import ops

if TYPE_CHECKING:
    from .builder import FunctionBuilder

_MODE_HINT = ("give open() its mode as a str literal (open(path, 'rb')); compiled code picks "
              "a text or a binary file object by it")


def _mode_node(node: ast.Call):
    if len(node.args) >= 2:
        return node.args[1]
    for keyword in node.keywords:
        if keyword.arg == "mode":
            return keyword.value
    return None


def _argument(node: ast.Call, position: int, name: str):
    if len(node.args) > position:
        return node.args[position]
    return next((k.value for k in node.keywords if k.arg == name), None)


# CPython's names (codecs.lookup(...).name) of the encodings the runtime has
_ENCODINGS = frozenset({"utf-8", "iso8859-1", "ascii"})


def _check_encoding(b: "FunctionBuilder", node: ast.Call) -> None:
    """A constant encoding that CPython knows and the runtime does not
    (utf-16, cp1252, ...) is refused here, rather than as the LookupError
    ("unknown encoding") it would raise when the code runs."""
    import codecs

    encoding = _argument(node, 3, "encoding")
    if not (isinstance(encoding, ast.Constant) and isinstance(encoding.value, str)):
        return
    try:
        name = codecs.lookup(encoding.value).name
    except LookupError:
        return  # (CPython's LookupError too, when it runs)
    if name not in _ENCODINGS:
        raise b.error(encoding, f"open() in compiled code does not encode {encoding.value!r}",
                      hint="compiled code reads and writes text as utf-8, latin-1 or ascii; "
                           "open the file in binary mode and decode in Python, or use one of those")


def open_call(b: "FunctionBuilder", node: ast.Call) -> ops.Value:
    from .. import fileio
    from .calls import user_call

    if any(isinstance(a, ast.Starred) for a in node.args) or \
            any(k.arg is None for k in node.keywords):
        raise b.error(node, "open() with *args or **kwargs cannot be compiled", hint=_MODE_HINT)
    mode = _mode_node(node)
    if mode is None:
        text = "r"
    elif isinstance(mode, ast.Constant) and isinstance(mode.value, str):
        text = mode.value
    else:
        raise b.error(mode, "open()'s mode must be a str literal in compiled code",
                      hint=_MODE_HINT)
    _check_encoding(b, node)
    target = fileio.open_binary if "b" in text else fileio.open_text
    return user_call(b, node, target)
