"""Glue ops: the small Python expressions between ops that a graph can
record faithfully.

A method of a built-in type called on a traced value (`texts.split()`,
`table.get(k, 0)`), an operator (`n + 1`, `a == b`, `-x`) and indexing or
slicing (`xs[0]`, `s[1:-1]`, `d[key]`) are deterministic functions of their
operands.  The tracer records each as an ordinary op: this module writes a
tiny function for the expression (`def str_split(x): return x.split()`),
registers its text with linecache so that pyjitx can parse it (as
classes.py does for constructors), and compiles it with pyjitx like any
other function.  The op then runs, saves and loads exactly like a
user-compiled op -- a loaded pipeline never needs this module.

One function per distinct expression text, shared by every trace of the
process (so one op per expression and operand types, as for user
functions).  Operands are parameters, never baked into the text, except
the bounds of a constant slice (`s[1:-1]`), which are ints or None.
"""
from __future__ import annotations

import hashlib
import threading
from typing import Any, Dict, Sequence

# operator dunder -> the Python expression over (a, b)
BINARY = {
    "add": "a + b", "sub": "a - b", "mul": "a * b", "matmul": "a @ b", "truediv": "a / b",
    "floordiv": "a // b", "mod": "a % b", "pow": "a ** b", "lshift": "a << b",
    "rshift": "a >> b", "and": "a & b", "xor": "a ^ b", "or": "a | b",
    "divmod": "divmod(a, b)",
}
COMPARE = {"lt": "a < b", "le": "a <= b", "gt": "a > b", "ge": "a >= b", "eq": "a == b",
           "ne": "a != b"}
UNARY = {"neg": "-a", "pos": "+a", "invert": "~a", "abs": "abs(a)"}

# built-in types whose methods a traced value may call (the example's type)
METHOD_TYPES = (str, bytes, list, dict, set, tuple)

_functions: Dict[str, Any] = {}
_lock = threading.Lock()


def glue_function(label: str, params: Sequence[str], expression: str) -> Any:
    """The CompiledFunction of `def <name>(<params>): return <expression>`;
    `label` (e.g. "str.split") names it in the manifest and in errors."""
    body = f"({', '.join(params)}):\n    return {expression}\n"
    with _lock:
        function = _functions.get(body)
        if function is not None:
            return function
        from ..api import CompiledFunction
        from ..frontend.source import synthesised_function as _synthesised

        tag = hashlib.sha256(body.encode()).hexdigest()[:8]
        name = "glue_" + "".join(c if c.isalnum() else "_" for c in label) + "_" + tag
        pyfunc = _synthesised(name, f"def {name}{body}", {"__name__": "pyjitx.glue"})
        # shown as e.g. "str.split#1a2b3c4d" in the manifest; the symbol made
        # from it stays unique per expression text
        pyfunc.__qualname__ = f"{label}#{tag}"
        function = _functions[body] = CompiledFunction(pyfunc, use_cache=True, opt=2)
        return function


def slice_text(key: slice) -> str:
    """The source of a constant slice (`1:-1`, `::2`), or ValueError when a
    bound is not an int or None."""
    parts = []
    for bound in (key.start, key.stop, key.step):
        if bound is not None and type(bound) is not int:
            raise ValueError("slice bounds must be constant ints or None")
        parts.append("" if bound is None else repr(bound))
    return ":".join(parts) if key.step is not None else ":".join(parts[:2])
