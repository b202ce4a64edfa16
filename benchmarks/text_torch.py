"""TorchScript's versions of the text kernels (imported only when torch is).

torch.jit.script takes the very functions of text_kernels (List[str],
Dict[str, int] and the str methods all exist in TorchScript).  A call
converts Python lists and dicts to IValues and the result back to Python
lists; both are inside the timed call.  TorchScript's str is a byte
string: len, slicing, iteration and ord work on UTF-8 bytes and lower() is
ASCII-only, so on non-ASCII text its results differ from CPython's and the
cell says WRONG (or shows the error the interpreter raised) instead of a
time.
"""
from __future__ import annotations

from typing import Tuple

import torch

from . import text_kernels
from .text import Candidate

CAN_PREBUILD = False

FUNCTIONS = {"text2ids": text_kernels.text2ids, "strops": text_kernels.string_ops,
             "bert": text_kernels.bert_wordpiece}


def build(key: str, prebuilt: Tuple[int, ...]) -> Candidate:
    return Candidate(torch.jit.script(FUNCTIONS[key]),
                     notes="IValue conversion of inputs and result per call (timed)")
