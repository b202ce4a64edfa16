"""The CPython whose results compiled code reproduces: the running
interpreter.  The few messages and results that differ between Python
versions are decided here, once, for the frontend and the backend (the C
runtime makes the same choices from PJX_PYTHON_VERSION, set by setup.py to
the interpreter that built it).  The compile cache keys on the version."""
from __future__ import annotations

import sys

VERSION = sys.version_info[:2]

# ZeroDivisionError of int % 0 (3.11 split it from //'s message)
INT_MOD_BY_ZERO = ("integer modulo by zero" if VERSION >= (3, 11)
                   else "integer division or modulo by zero")
INT_DIV_BY_ZERO = "integer division or modulo by zero"

# sum() of floats is compensated (Neumaier) since 3.12
COMPENSATED_FLOAT_SUM = VERSION >= (3, 12)

# str.replace(old, new, count=n) takes count as a keyword since 3.13
REPLACE_COUNT_KEYWORD = VERSION >= (3, 13)


def empty_min_max(name: str) -> str:
    """ValueError of min()/max() of an empty iterable."""
    if VERSION >= (3, 12):
        return f"{name}() iterable argument is empty"
    return f"{name}() arg is an empty sequence"


def abstract_instantiation(class_name: str, methods) -> str:
    """TypeError of instantiating a class with unimplemented abstract methods."""
    names = sorted(methods)
    plural = "s" if len(names) > 1 else ""
    if VERSION >= (3, 12):
        listed = ", ".join(f"'{n}'" for n in names)
        return (f"Can't instantiate abstract class {class_name} without an implementation for "
                f"abstract method{plural} {listed}")
    return f"Can't instantiate abstract class {class_name} with abstract method{plural} " + \
        ", ".join(names)
