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
    target = fileio.open_binary if "b" in text else fileio.open_text
    return user_call(b, node, target)
