"""Finding and parsing the source of a Python function."""
from __future__ import annotations

import ast
import hashlib
import inspect
import linecache
import textwrap
from dataclasses import dataclass
from typing import Callable, Optional

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
    owner = enclosing_class_name(getattr(pyfunc, "__qualname__", ""))
    if owner is not None and not filename.startswith("<pyjitx"):  # (not code pyjitx made)
        mangle_private_names(node, owner)
    # first_line is where the decorators start; AST lines count from there.
    source_map = SourceMap(filename, file_lines, first_line - 1, indent)
    parsed = ParsedFunction(pyfunc, node, dedented, source_map)
    _cache[key] = parsed
    return parsed


def enclosing_class_name(qualname: str) -> Optional[str]:
    """The innermost class a function is defined in (for name mangling):
    'A.method' -> 'A'; 'A.m.<locals>.helper' -> 'A'; 'f' -> None."""
    parts = qualname.split(".")[:-1]
    for index in range(len(parts) - 1, -1, -1):
        following = parts[index + 1] if index + 1 < len(parts) else None
        if parts[index] != "<locals>" and following != "<locals>":
            return parts[index]
    return None


def mangled(name: str, class_name: str) -> str:
    """Python's private name mangling: `__x` in class A is `_A__x` (not
    dunders, nor names of a class made only of underscores)."""
    if not name.startswith("__") or name.endswith("__") or "." in name:
        return name
    stripped = class_name.lstrip("_")
    return f"_{stripped}{name}" if stripped else name


def mangle_private_names(node: ast.AST, class_name: str) -> None:
    """Rewrites the private names (`self.__x`, `__helper`) of a function
    defined in a class as Python compiles them, so that compiled code and
    CPython agree on `obj._A__x`."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute):
            sub.attr = mangled(sub.attr, class_name)
        elif isinstance(sub, ast.Name):
            sub.id = mangled(sub.id, class_name)
        elif isinstance(sub, ast.arg):
            sub.arg = mangled(sub.arg, class_name)
        elif isinstance(sub, ast.keyword) and sub.arg is not None:
            sub.arg = mangled(sub.arg, class_name)
        elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and sub is not node:
            sub.name = mangled(sub.name, class_name)
