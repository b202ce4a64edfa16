"""pyjitx.image, the image-preprocessing kit written in the compiled subset.

(The kit's tests come with the kit; this file starts with the two compiler
fixes the kit needed.)"""
import re

import numpy as np
import pytest

import pyjitx
from pyjitx import NDArray

from difftest import JIT_DISABLED

needs_jit = pytest.mark.needs_jit


# ------------------------------------------------------------ compiler fixes the kit relies on


def _first_pixel(img: NDArray) -> int:
    return int(img[0, 0, 0])


def _first_pixel_caller(img: NDArray[np.uint8, 3]) -> int:
    return _first_pixel(img) + 1


def test_an_open_ndarray_parameter_is_specialised_when_called_from_compiled_code():
    # was: CompileError "argument 'img' of _first_pixel() must be NDArray[?, ?], not
    # NDArray[uint8, 3]"
    caller = pyjitx.compile(_first_pixel_caller)
    img = np.full((2, 2, 3), 7, np.uint8)
    assert caller(img) == 8 == _first_pixel_caller(img)


def _copy_rows(src: NDArray[np.uint8, 2], out: NDArray[np.uint8, 2]) -> None:
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            out[y, x] = src[y, x]


@needs_jit
def test_array_parameters_let_llvm_hoist_header_loads():
    """An NDArray parameter is marked dereferenceable for its header (64 bytes
    + shape and strides) and aligned, so LICM may hoist the shape/stride/data
    loads past the bounds checks out of the inner loop."""
    copy = pyjitx.compile(_copy_rows)
    src = np.arange(12, dtype=np.uint8).reshape(3, 4)
    out = np.zeros((3, 4), np.uint8)
    copy(src, out)
    assert np.array_equal(out, src)
    impl = next(line for line in copy.inspect_llvm().splitlines()
                if line.startswith("define") and ".impl" in line)
    src_attributes = re.search(r"ptr ([^%,]*)%src", impl).group(1)
    assert "dereferenceable(96)" in src_attributes and "align 8" in src_attributes, impl
