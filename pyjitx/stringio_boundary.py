"""io.StringIO at the boundary of compiled code.

Compiled code holds an io.StringIO as an instance of pyjitx.stringio's
StringIO (a class written in the subset).  A Python io.StringIO passed to a
parameter annotated `io.StringIO` goes in as such an instance with the same
text and position (closed if it is closed); after the call -- also when it
raises -- the Python object is given what the compiled code left: its text,
its position, closed or not (as lists passed in are written back).  An
io.StringIO that compiled code returns becomes a new Python io.StringIO
with that text and position.

This runs in the Python wrapper, before and after the machine code: the
compiled code itself never calls into the interpreter.  A function with
such a parameter or result takes the wrapper's slower path (no direct
entry).  The write-back copies at the return: a stand-in the compiled code
keeps (in a global, an instance) no longer reaches the Python object.
Not converted: an io.StringIO inside a container or held as Any; an
io.StringIO made with another `newline` than the default is a TypeError
(the stand-in translates no newlines: refused rather than wrong)."""
from __future__ import annotations

import io
from typing import Any, List, Optional, Tuple

from .ir.types import ClassType, Type


def is_stringio_type(t: Optional[Type]) -> bool:
    """Whether `t` is the compiled stand-in of io.StringIO."""
    if not isinstance(t, ClassType):
        return False
    from .frontend.classes import info_of_type
    from .stringio import StringIO

    try:
        return info_of_type(t).pyclass is StringIO
    except Exception:  # noqa: BLE001 - not a class the frontend knows
        return False


def _stand_in_type() -> type:
    from .classes import python_type_for
    from .stringio import StringIO

    return python_type_for(StringIO)


def convert_in(values: List[Any], param_types: Tuple[Type, ...]) -> List[Tuple[int, Any, Any]]:
    """Replaces each io.StringIO among `values` whose parameter is typed as
    one by a stand-in instance; returns (index, python object, stand-in)."""
    swapped = []
    for i, (value, t) in enumerate(zip(values, param_types)):
        if isinstance(value, io.StringIO) and is_stringio_type(t):
            stand_in = _stand_in_type()()
            if value.closed:
                stand_in.close()
            else:
                text, newline, pos, _ = value.__getstate__()
                if newline != "\n":  # (the stand-in would not translate: refused, not wrong)
                    raise TypeError(f"pyjitx cannot pass an io.StringIO made with "
                                    f"newline={newline!r} to compiled code (only the default, "
                                    "newline='\\n', which translates nothing)")
                stand_in.write(text)
                stand_in.seek(pos)
            values[i] = stand_in
            swapped.append((i, value, stand_in))
    return swapped


def write_back(swapped: List[Tuple[int, Any, Any]]) -> None:
    """The Python objects get the stand-ins' text, position and state."""
    for _, target, stand_in in swapped:
        if stand_in.closed:
            target.close()
            continue
        if target.closed:  # (cannot reopen an io.StringIO; not reachable: closed went in closed)
            continue
        text, pos = stand_in.getvalue(), stand_in.tell()
        target.seek(0)
        target.truncate(0)
        target.write(text)
        target.seek(pos)


def convert_out(result: Any) -> Any:
    """A stand-in instance returned by compiled code as a new io.StringIO."""
    from .stringio import StringIO

    if not isinstance(result, StringIO):
        return result
    out = io.StringIO()
    if result.closed:
        out.close()
        return out
    out.write(result.getvalue())
    out.seek(result.tell())
    return out
