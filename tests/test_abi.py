"""The Python side's copy of the C ABI agrees with libruntime's header."""
import builtins
import ctypes
import re
from pathlib import Path

import pyjitx
from pyjitx.backend import abi

HEADER = Path(__file__).parents[1] / "libruntime" / "include" / "pyjitx" / "runtime.h"


def test_error_kinds_match_header_and_runtime_names():
    text = HEADER.read_text()
    header_kinds = {int(number): name for name, number in
                    re.findall(r"PJX_EXC_([A-Z_]+) = (\d+)", text)}
    assert len(header_kinds) == len(abi.ERROR_KINDS)
    kind_name = ctypes.CFUNCTYPE(ctypes.c_char_p, ctypes.c_int32)(_symbol("pjx_err_kind_name"))
    for python_name, number in abi.ERROR_KINDS.items():
        assert number in header_kinds
        assert kind_name(number).decode() == python_name
        assert isinstance(getattr(builtins, python_name), type)


def _symbol(name):
    lib = ctypes.CDLL(pyjitx._ext.__file__)
    return ctypes.cast(getattr(lib, name), ctypes.c_void_p).value


def test_abi_version_and_symbol():
    assert f"#define PJX_ABI_VERSION {abi.ABI_VERSION}" in HEADER.read_text()
    assert pyjitx._ext.ABI_VERSION == abi.ABI_VERSION
    assert abi.ABI_SYMBOL in pyjitx._ext.runtime_symbols()


def test_every_primitive_exists_in_the_runtime():
    from pyjitx.ir.primitives import PRIMITIVES

    available = pyjitx._ext.runtime_symbols()
    missing = [p.symbol for p in PRIMITIVES.values() if p.symbol not in available]
    assert not missing, f"runtime lacks {missing}"
