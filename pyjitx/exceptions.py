"""Exception classes known to compiled code, by runtime kind.

Python's built-in classes have fixed kinds (libruntime/include/pyjitx/
runtime.h).  A user-defined subclass gets a kind derived from its qualified
name, stable across processes so that cached object code stays valid, and
is registered with the runtime (for `except` matching) and the bridge (to
raise the right class into Python)."""
from __future__ import annotations

import re

import zlib
from typing import Dict, Tuple, Type

from . import _ext
from .backend.abi import ERROR_KINDS

USER_BASE = 1000
USER_SPAN = 1 << 17
BASE_EXCEPTION = -1  # `except BaseException`: matches everything

_BUILTIN = {getattr(__import__("builtins"), name): kind for name, kind in ERROR_KINDS.items()}
_by_kind: Dict[int, type] = {}
_DERIVED_BUILTINS = (FileExistsError, IsADirectoryError, NotADirectoryError, PermissionError)


def kind_of(cls: Type[BaseException]) -> int:
    if cls is BaseException:
        return BASE_EXCEPTION
    builtin = _BUILTIN.get(cls)
    if builtin is not None:
        return builtin
    parent = next((base for base in cls.__mro__[1:] if issubclass(base, BaseException)), None)
    # (the OSError subclasses of errno values that open() raises have no
    # fixed kind: they get a derived one, as user classes do)
    if parent is None or (cls.__module__ == "builtins" and cls not in _DERIVED_BUILTINS):
        raise ValueError(f"exception class {cls.__name__} is not supported in compiled code")
    # a class deriving from BaseException directly (a timeout that `except
    # Exception` must not swallow) hangs under the runtime's BaseException
    # kind, which only its own class, BaseException and bare except catch
    parent_kind = _BUILTIN[BaseException] if parent is BaseException else kind_of(parent)
    name = f"{cls.__module__}.{cls.__qualname__}"
    kind = USER_BASE + zlib.crc32(name.encode()) % USER_SPAN
    known = _by_kind.get(kind)
    if known is not None and known is not cls:
        if f"{known.__module__}.{known.__qualname__}" != name:
            raise ValueError(f"exception classes {name} and {known.__qualname__} collide; "
                             "rename one")
    _by_kind[kind] = cls
    _ext.register_exception_class(kind, cls, parent_kind)
    return kind


def runtime_kind(cls: Type[BaseException]) -> Tuple[int, bool]:
    """The kind under which an exception raised by Python code that compiled
    code called (pyjitx.pyfunc) enters the runtime, and whether it is the
    class's own: a class compiled code cannot name (TimeoutError,
    GeneratorExit, ...) goes as its nearest base that it can (OSError,
    BaseException), else as RuntimeError, so that `except` clauses of its
    bases still catch it (the bridge then puts the class's name in front
    of the message).  Signal handlers' exceptions enter the same way."""
    for klass in cls.__mro__:
        if not (isinstance(klass, type) and issubclass(klass, BaseException)):
            continue
        try:
            kind = kind_of(klass)
        except ValueError:
            continue
        if kind > 0:
            return kind, klass is cls
    if not issubclass(cls, Exception):  # GeneratorExit: `except Exception` must miss it
        return ERROR_KINDS["BaseException"], False
    return ERROR_KINDS["RuntimeError"], False


_UNICODE_MESSAGE = None


def unicode_error(kind: str, message: str) -> BaseException:
    """A UnicodeDecodeError/UnicodeEncodeError equal in type and message to
    CPython's, rebuilt from the runtime's message ("'utf-8' codec can't
    decode byte 0xff in position 3: invalid start byte"): CPython's
    constructors need the encoding, the object and the span."""
    import ast
    import re

    global _UNICODE_MESSAGE
    if _UNICODE_MESSAGE is None:
        _UNICODE_MESSAGE = re.compile(
            r"'(?P<enc>[^']+)' codec can't (?:decode|encode) "
            r"(?:byte 0x(?P<byte>[0-9a-f]{2})|bytes|character (?P<char>'.*?'|\S+)|characters) "
            r"in position (?P<start>\d+)(?:-(?P<last>\d+))?: (?P<reason>.*)", re.S)
    match = _UNICODE_MESSAGE.match(message)
    if match is None:
        return ValueError(message)
    start = int(match["start"])
    end = int(match["last"]) + 1 if match["last"] else start + 1
    if kind == "UnicodeDecodeError":
        data = bytearray(end)
        if match["byte"]:
            data[start] = int(match["byte"], 16)
        return UnicodeDecodeError(match["enc"], bytes(data), start, end, match["reason"])
    text = ["\0"] * end
    if match["char"]:
        try:
            text[start] = ast.literal_eval(match["char"])
        except (ValueError, SyntaxError):
            pass
    return UnicodeEncodeError(match["enc"], "".join(text), start, end, match["reason"])


_SIMPLE_INT = re.compile(r"-?[0-9]+")


def key_error(message: str) -> KeyError:
    """The KeyError of a key the runtime gives as its repr ("'a'", "(1, inf)"):
    KeyError(key), so that str() and .args are CPython's.  A repr that is no
    literal (a compiled instance's) stays the message.  The common keys (a
    str without quotes or escapes in it, an int) are read without parsing
    (a parse costs tens of microseconds per raise)."""
    if len(message) >= 2 and message[0] == "'" == message[-1]:
        inner = message[1:-1]
        if "'" not in inner and "\\" not in inner:
            return KeyError(inner)
    if _SIMPLE_INT.fullmatch(message):
        return KeyError(int(message))
    import ast

    class _Floats(ast.NodeTransformer):  # inf and nan print as names
        def visit_Name(self, node: ast.Name) -> ast.AST:
            if node.id in ("inf", "nan"):
                return ast.copy_location(ast.Constant(float(node.id)), node)
            return node

    try:
        tree = _Floats().visit(ast.parse(message, mode="eval"))
        body = tree.body
        if isinstance(body, ast.Call) and isinstance(body.func, ast.Name) and \
                body.func.id == "slice" and not body.keywords:
            # a dict looked up with a slice (hashable since Python 3.12)
            return KeyError(slice(*(ast.literal_eval(a) for a in body.args)))
        return KeyError(ast.literal_eval(tree))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return KeyError(message)


_JSON_MESSAGE = None


def json_decode_error(message: str, doc) -> BaseException:
    """The json.JSONDecodeError that the runtime's json.loads raised
    (libruntime/json_load.c), rebuilt from its message ("Expecting value:
    line 1 column 1 (char 0)") and the document it parsed (None when the
    runtime no longer has it): msg, doc, pos, lineno and colno as CPython's."""
    import json

    global _JSON_MESSAGE
    if _JSON_MESSAGE is None:
        _JSON_MESSAGE = re.compile(r"(?P<msg>.*): line (?P<line>\d+) column (?P<col>\d+) "
                                   r"\(char (?P<pos>\d+)\)", re.S)
    match = _JSON_MESSAGE.fullmatch(message)
    if match is None:
        return ValueError(message)
    pos = int(match["pos"])
    if isinstance(doc, str):
        return json.JSONDecodeError(match["msg"], doc, pos)
    # without the document: the same message and positions, doc None
    exc = json.JSONDecodeError.__new__(json.JSONDecodeError)
    ValueError.__init__(exc, message)
    exc.msg, exc.doc, exc.pos = match["msg"], None, pos
    exc.lineno, exc.colno = int(match["line"]), int(match["col"])
    return exc
