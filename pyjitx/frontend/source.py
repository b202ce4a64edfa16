"""Finding and parsing the source of a Python function."""
from __future__ import annotations

import ast
import hashlib
import inspect
import linecache
import textwrap
from dataclasses import dataclass
from typing import Callable

from ..errors import CompileError, SourceMap


@dataclass
class ParsedFunction:
    pyfunc: Callable
    node: ast.FunctionDef
    source: str
    source_map: SourceMap

    @property
    def source_hash(self) -> str:
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()


_cache: dict = {}


def parse_function(pyfunc: Callable) -> ParsedFunction:
    code = getattr(pyfunc, "__code__", None)
    key = (code, getattr(code, "co_filename", None))
    cached = _cache.get(key)
    if cached is not None and cached.pyfunc is pyfunc:
        return cached
    try:
        lines, first_line = inspect.getsourcelines(pyfunc)
    except (OSError, TypeError) as exc:
        raise CompileError(
            f"cannot compile {getattr(pyfunc, '__qualname__', pyfunc)!r}: its source is not "
            f"available ({exc})",
            hint="pyjitx compiles functions defined in .py files (or notebooks), not "
                 "built-ins or code created by exec()") from None
    source = "".join(lines)
    dedented = textwrap.dedent(source)
    indent = len(lines[0]) - len(lines[0].lstrip()) if lines else 0
    filename = inspect.getsourcefile(pyfunc) or code.co_filename
    file_lines = linecache.getlines(filename) or lines
    tree = ast.parse(dedented)
    node = tree.body[0]
    if not isinstance(node, ast.FunctionDef):
        raise CompileError(f"{pyfunc!r} is not a plain function definition")
    # first_line is where the decorators start; AST lines count from there.
    source_map = SourceMap(filename, file_lines, first_line - 1, indent)
    parsed = ParsedFunction(pyfunc, node, dedented, source_map)
    _cache[key] = parsed
    return parsed
