"""matxscript's versions of the text kernels (imported only when matx is).

matxscript scripts the very functions of text_kernels (typing.List / Dict
annotations, str methods, dict.get, ord) into C++.  A call with Python
lists and dicts converts them to matx.List / matx.Dict on the way in, and
the result comes back as matx.List objects, which `to_python` turns into
Python lists: all of that is inside the timed call.  The "vocab prebuilt"
row passes the vocabularies as matx.Dict objects made once, outside it.
"""
from __future__ import annotations

from typing import Any, Tuple

import matx

from . import text_kernels
from .text import Candidate

CAN_PREBUILD = True

FUNCTIONS = {"text2ids": text_kernels.text2ids, "strops": text_kernels.string_ops,
             "bert": text_kernels.bert_wordpiece}


def to_python(value: Any) -> Any:
    """matx.List / matx.Dict (nested) to Python lists and dicts; scalars and str as is."""
    if value is None or isinstance(value, (str, bytes, int, float, bool)):
        return value
    if hasattr(value, "items"):
        return {to_python(k): to_python(v) for k, v in value.items()}
    return [to_python(v) for v in value]


def build(key: str, prebuilt: Tuple[int, ...]) -> Candidate:
    fn = matx.script(FUNCTIONS[key])

    def setup(args):
        return tuple(matx.Dict(a) if i in prebuilt else a for i, a in enumerate(args))

    note = "vocab as matx.Dict made once (untimed); texts, result per call" if prebuilt \
        else "matx.List/Dict conversion of inputs and result per call (timed)"
    return Candidate(fn, setup=setup, to_python=to_python,
                     notes=note)
