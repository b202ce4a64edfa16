"""Finding and parsing the source of a Python function.

The function's node is taken from a parse of its whole file (or notebook
cell), found by its name and first line: its line and column numbers are
then the file's own, and its text is exactly what Python compiled --
whatever the indentation of comments, of the lines of a multi-line
string, or of a decorator's arguments (dedenting the function's lines
alone, as textwrap.dedent does, fails on a comment in column 0 inside a
method and changes the value of an indented multi-line string).  A file
that does not parse as a whole (an IPython cell with `%magic` lines)
falls back to the function's own lines, dedented by the indentation of its
code lines only.
"""
from __future__ import annotations

import ast
import hashlib
import inspect
import itertools
import linecache
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

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


class _ParsedFile:
    """A source file's text, its parse (None when it does not parse), and
    what is worked out from the whole file once (the names it declares
    `global`)."""
    __slots__ = ("text", "tree", "_global_names")

    def __init__(self, text: str, tree: Optional[ast.Module]) -> None:
        self.text = text
        self.tree = tree
        self._global_names: Optional[Set[str]] = None

    @property
    def global_names(self) -> Set[str]:
        if self._global_names is None:
            self._global_names = set() if self.tree is None else {
                name for sub in ast.walk(self.tree) if isinstance(sub, ast.Global)
                for name in sub.names}
        return self._global_names


# parsed files by filename, the most recently used last
_files: "OrderedDict[str, _ParsedFile]" = OrderedDict()
_MAX_FILES = 64


def synthesised_function(name: str, source: str, scope: Dict[str, Any]) -> Callable:
    """A function from generated source that inspect (and so the compiler)
    can read back: the text is registered with linecache under a name that
    marks it as pyjitx's own (no cache dependency is recorded on it)."""
    # (named by its text, not by a count: another process making the same
    # function -- a spawned worker unpickling an instance, in its own order
    # -- finds the same disk-cache entry)
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]
    filename = f"{GENERATED_PREFIX}{name} {digest}>"
    lines = source.splitlines(True)
    linecache.cache[filename] = (len(source), None, lines, filename)
    exec(compile(source, filename, "exec", dont_inherit=True), scope)
    return scope[name]


GENERATED_PREFIX = "<pyjitx-generated "


def is_generated(pyfunc: Callable) -> bool:
    code = getattr(pyfunc, "__code__", None)
    return code is not None and code.co_filename.startswith(GENERATED_PREFIX)


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
    filename = inspect.getsourcefile(pyfunc) or code.co_filename
    file_lines = linecache.getlines(filename) or lines
    node = _node_in_file(filename, file_lines, pyfunc, first_line)
    if node is not None:
        source_map = SourceMap(filename, file_lines, 0, 0)
    else:
        node, source_map = _node_from_lines(pyfunc, lines, first_line, filename, file_lines)
    owner = enclosing_class_name(getattr(pyfunc, "__qualname__", ""))
    if owner is not None and not filename.startswith("<pyjitx"):  # (not code pyjitx made)
        mangle_private_names(node, owner)  # (idempotent: the file's parse is shared)
    parsed = ParsedFunction(pyfunc, node, source, source_map)
    _cache[key] = parsed
    return parsed


def _file(filename: str, lines: List[str]) -> _ParsedFile:
    text = "".join(lines)
    known = _files.get(filename)
    if known is not None and known.text == text:
        _files.move_to_end(filename)
        return known
    try:
        tree: Optional[ast.Module] = ast.parse(text, filename)
    except (SyntaxError, ValueError):
        tree = None
    parsed = _files[filename] = _ParsedFile(text, tree)
    if len(_files) > _MAX_FILES:
        _files.popitem(last=False)
    return parsed


def _parsed_file(filename: str, lines: List[str]) -> Optional[ast.Module]:
    return _file(filename, lines).tree


def global_names_of_file(pyfunc: Callable) -> Set[str]:
    """The names some function of `pyfunc`'s source file declares `global`
    (none for code pyjitx generated, or whose file is not found)."""
    if is_generated(pyfunc):
        return set()
    try:
        filename = inspect.getsourcefile(pyfunc)
    except TypeError:
        return set()
    if not filename:
        return set()
    lines = linecache.getlines(filename)
    return _file(filename, lines).global_names if lines else set()


def _node_in_file(filename: str, file_lines: List[str], pyfunc: Callable,
                  first_line: int) -> Optional[ast.AST]:
    """The def of `pyfunc` in the parse of its whole file: the function
    definition named like it whose first line (its first decorator's) is
    where inspect found it."""
    tree = _parsed_file(filename, file_lines)
    if tree is None:
        return None
    name = pyfunc.__name__
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            starts = [node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]
            if min(starts) == first_line and getattr(node, "name", "<lambda>") == name:
                if not isinstance(node, ast.FunctionDef):
                    raise CompileError(f"{pyfunc!r} is not a plain function definition")
                return node
    return None


_INDENT = re.compile(r"[ \t]*")


def _node_from_lines(pyfunc: Callable, lines: List[str], first_line: int, filename: str,
                     file_lines: List[str]) -> Tuple[ast.FunctionDef, SourceMap]:
    """The function's own lines, less the indentation of its first line
    where they have it (comment lines and the lines of a multi-line
    string may have less)."""
    indent = _INDENT.match(lines[0]).group() if lines else ""
    dedented = "".join(line[len(indent):] if line.startswith(indent) else line.lstrip(" \t")
                       for line in lines)
    try:
        tree = ast.parse(dedented)
    except SyntaxError as exc:
        raise CompileError(f"cannot compile {pyfunc.__qualname__!r}: its source does not "
                           f"parse on its own ({exc.msg}, line {first_line + (exc.lineno or 1) - 1})",
                           hint="define the function in a .py file") from None
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef):
        raise CompileError(f"{pyfunc!r} is not a plain function definition")
    # first_line is where the decorators start; AST lines count from there.
    return node, SourceMap(filename, file_lines, first_line - 1, len(indent))


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
