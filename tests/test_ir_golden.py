"""Golden tests of the typed IR the frontend builds.  Regenerate with
PYJITX_UPDATE_GOLDEN=1 after an intended change, and review the diff."""
import os
from pathlib import Path

import pytest

import golden_functions as gf
from pyjitx.compiler import build_ir
from pyjitx.ir.printer import format_module
from pyjitx.ir.types import BOOL, INT, STR, DictType, ListType
from pyjitx.ir.verify import verify_function

GOLDEN = Path(__file__).parent / "golden"

CASES = {
    "add": (gf.add, (INT, INT)),
    "fib": (gf.fib, (INT,)),
    "count_odd_squares": (gf.count_odd_squares, (INT,)),
    "maybe_unbound": (gf.maybe_unbound, (BOOL,)),
    "widen": (gf.widen, (INT,)),
    "upper_words": (gf.upper_words, (STR,)),
    "lookup_or": (gf.lookup_or, (DictType(STR, INT), STR, INT)),
    "longest": (gf.longest, (ListType(STR),)),
    "count_tokens": (gf.count_tokens, (STR,)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_ir(name):
    fn, arg_types = CASES[name]
    module, _, _ = build_ir(fn, arg_types)
    for function in module.functions:
        verify_function(function)
    text = format_module(module)
    path = GOLDEN / f"{name}.ir"
    if os.environ.get("PYJITX_UPDATE_GOLDEN") or not path.exists():
        path.write_text(text)
    assert text == path.read_text()
