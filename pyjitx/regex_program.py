"""Regular expressions as programs for the runtime's engine.

A pattern is parsed and compiled by the interpreter's own `re` (re._parser
and re._compiler on 3.11+, sre_parse and sre_compile on 3.10), so its
syntax, its errors (re.error, with CPython's message and position), its
flags and its optimisations (literal prefixes, case-folded character sets
with _sre's special cases) are CPython's.  The code re._compiler makes for
_sre is then rewritten with this module's opcode numbers, which the
runtime (libruntime/regex_internal.h) fixes once for all Python versions:
the program is plain data that travels in object files, saved pipelines
and C++ hosts, and the runtime checks it before running it.

Layout of a program (little-endian 32-bit words): magic, version, flags,
number of groups, code length, then the code.  Bump VERSION (and the
runtime's PJX_RE_PROGRAM_VERSION in regex.h) when the layout or a number changes."""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any, Dict, List, Sequence, Union

try:  # 3.11+
    from re import _compiler as _sre_compile, _constants as _sre_constants, _parser as _sre_parse
except ImportError:  # 3.10
    import sre_compile as _sre_compile  # type: ignore[no-redef]
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

MAGIC = 0x5845524A
VERSION = 1

# The runtime's numbers (regex_internal.h), by _sre's names.
OPCODES = (
    "FAILURE", "SUCCESS", "ANY", "ANY_ALL", "ASSERT", "ASSERT_NOT", "AT", "BRANCH", "CATEGORY",
    "CHARSET", "BIGCHARSET", "GROUPREF", "GROUPREF_EXISTS", "IN", "INFO", "JUMP", "LITERAL",
    "MARK", "MAX_UNTIL", "MIN_UNTIL", "NOT_LITERAL", "NEGATE", "RANGE", "REPEAT", "REPEAT_ONE",
    "SUBPATTERN", "MIN_REPEAT_ONE", "ATOMIC_GROUP", "POSSESSIVE_REPEAT", "POSSESSIVE_REPEAT_ONE",
    "GROUPREF_IGNORE", "IN_IGNORE", "LITERAL_IGNORE", "NOT_LITERAL_IGNORE", "GROUPREF_LOC_IGNORE",
    "IN_LOC_IGNORE", "LITERAL_LOC_IGNORE", "NOT_LITERAL_LOC_IGNORE", "GROUPREF_UNI_IGNORE",
    "IN_UNI_IGNORE", "LITERAL_UNI_IGNORE", "NOT_LITERAL_UNI_IGNORE", "RANGE_UNI_IGNORE",
)
AT_CODES = (
    "AT_BEGINNING", "AT_BEGINNING_LINE", "AT_BEGINNING_STRING", "AT_BOUNDARY", "AT_NON_BOUNDARY",
    "AT_END", "AT_END_LINE", "AT_END_STRING", "AT_LOC_BOUNDARY", "AT_LOC_NON_BOUNDARY",
    "AT_UNI_BOUNDARY", "AT_UNI_NON_BOUNDARY",
)
CATEGORIES = (
    "CATEGORY_DIGIT", "CATEGORY_NOT_DIGIT", "CATEGORY_SPACE", "CATEGORY_NOT_SPACE",
    "CATEGORY_WORD", "CATEGORY_NOT_WORD", "CATEGORY_LINEBREAK", "CATEGORY_NOT_LINEBREAK",
    "CATEGORY_LOC_WORD", "CATEGORY_LOC_NOT_WORD", "CATEGORY_UNI_DIGIT", "CATEGORY_UNI_NOT_DIGIT",
    "CATEGORY_UNI_SPACE", "CATEGORY_UNI_NOT_SPACE", "CATEGORY_UNI_WORD", "CATEGORY_UNI_NOT_WORD",
    "CATEGORY_UNI_LINEBREAK", "CATEGORY_UNI_NOT_LINEBREAK",
)
_OP = {name: i for i, name in enumerate(OPCODES)}
_AT = {name: i for i, name in enumerate(AT_CODES)}
_CATEGORY = {name: i for i, name in enumerate(CATEGORIES)}
# this interpreter's numbers -> names
_CPY_OP = {int(op): str(op) for op in _sre_constants.OPCODES}
_CPY_AT = {int(at): str(at) for at in _sre_constants.ATCODES}
_CPY_CATEGORY = {int(c): str(c) for c in _sre_constants.CHCODES}
_INFO_PREFIX = _sre_constants.SRE_INFO_PREFIX
_INFO_CHARSET = _sre_constants.SRE_INFO_CHARSET

error = _sre_constants.error


@dataclass(frozen=True)
class Program:
    """A compiled pattern: what the runtime's pjx_re_compile takes."""

    pattern: Union[str, bytes]
    flags: int          # Pattern.flags
    groups: int         # Pattern.groups
    groupindex: Dict[str, int]
    code: bytes         # header and code words


def compile_program(pattern: Union[str, bytes], flags: int = 0) -> Program:
    """re.compile(pattern, flags) as a program; raises what re.compile
    raises for a bad pattern (re.error, TypeError)."""
    flags = int(flags)
    if not isinstance(pattern, (str, bytes)):
        raise TypeError("first argument must be string or compiled pattern")
    parsed = _sre_parse.parse(pattern, flags)
    code = _sre_compile._code(parsed, flags)
    all_flags = flags | parsed.state.flags
    groups = parsed.state.groups - 1
    words = translate(code)
    header = [MAGIC, VERSION, all_flags, groups, len(words)]
    data = struct.pack(f"<{len(header) + len(words)}I", *header, *words)
    return Program(pattern, all_flags, groups, dict(parsed.state.groupdict), data)


def program_of(compiled: Any) -> Program:
    """The program of a compiled re.Pattern (re.compile's result)."""
    return compile_program(compiled.pattern, compiled.flags)


def translate(code: Sequence[int]) -> List[int]:
    """re._compiler's code with the runtime's opcode numbers (operands and
    skips unchanged): walked as re._compiler.dis walks it, so that only
    opcode words -- and the operands naming an AT or CATEGORY code -- are
    rewritten."""
    out = [int(word) for word in code]

    def op_name(i: int) -> str:
        name = _CPY_OP.get(out[i])
        if name is None or name not in _OP:
            raise ValueError(f"regular-expression opcode {out[i]} at {i} is not supported")
        return name

    def walk(start: int, end: int) -> None:
        i = start
        while i < end:
            name = op_name(i)
            out[i] = _OP[name]
            i += 1
            if name in ("SUCCESS", "FAILURE", "ANY", "ANY_ALL", "MAX_UNTIL", "MIN_UNTIL",
                        "NEGATE"):
                continue
            if name in ("LITERAL", "NOT_LITERAL", "LITERAL_IGNORE", "NOT_LITERAL_IGNORE",
                        "LITERAL_UNI_IGNORE", "NOT_LITERAL_UNI_IGNORE", "LITERAL_LOC_IGNORE",
                        "NOT_LITERAL_LOC_IGNORE", "MARK", "GROUPREF", "GROUPREF_IGNORE",
                        "GROUPREF_UNI_IGNORE", "GROUPREF_LOC_IGNORE", "JUMP"):
                i += 1
            elif name == "AT":
                out[i] = _AT[_CPY_AT[out[i]]]
                i += 1
            elif name == "CATEGORY":
                out[i] = _CATEGORY[_CPY_CATEGORY[out[i]]]
                i += 1
            elif name in ("IN", "IN_IGNORE", "IN_UNI_IGNORE", "IN_LOC_IGNORE"):
                walk(i + 1, i + out[i])
                i += out[i]
            elif name in ("RANGE", "RANGE_UNI_IGNORE"):
                i += 2
            elif name == "CHARSET":
                i += 8
            elif name == "BIGCHARSET":
                i += 1 + 64 + out[i] * 8
            elif name == "BRANCH":
                skip = out[i]
                while skip:
                    walk(i + 1, i + skip)
                    i += skip
                    skip = out[i]
                i += 1
            elif name in ("REPEAT", "REPEAT_ONE", "MIN_REPEAT_ONE", "POSSESSIVE_REPEAT",
                          "POSSESSIVE_REPEAT_ONE"):
                walk(i + 3, i + out[i])
                i += out[i]
            elif name == "GROUPREF_EXISTS":
                i += 2
            elif name in ("ASSERT", "ASSERT_NOT"):
                walk(i + 2, i + out[i])
                i += out[i]
            elif name == "ATOMIC_GROUP":
                walk(i + 1, i + out[i])
                i += out[i]
            elif name == "INFO":
                skip, flags = out[i], out[i + 1]
                if flags & _INFO_CHARSET:
                    walk(i + 4, i + skip)
                i += skip
            else:
                raise ValueError(f"regular-expression opcode {name} is not supported")

    walk(0, len(out))
    return out
