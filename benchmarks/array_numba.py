"""numba's version of the pad-to-array kernel (imported only when numba is).

`numba.njit` of array_kernels.pad_to_array itself.  numba cannot unbox a
Python list of lists (a reflected list cannot hold reflected lists), so the
rows go in as a numba.typed.List of typed.Lists: in the "e2e" row that
conversion is part of every timed call, as pyjitx's boundary conversion is
part of its; the "typed.List prebuilt" row converts once, outside the
timing (the kernel alone).  The result is numpy arrays either way.
"""
from __future__ import annotations

from typing import Any, Callable, List

import numba
from numba.typed import List as TypedList

from . import array_kernels

pad_to_array = numba.njit(array_kernels.pad_to_array)


def typed_rows(rows: List[List[int]]) -> Any:
    return TypedList([TypedList(row) for row in rows])


def e2e() -> Callable:
    def call(rows: List[List[int]], length: int) -> Any:
        return pad_to_array(typed_rows(rows), length)
    return call


def prebuilt(rows: List[List[int]]) -> Callable:
    converted = typed_rows(rows)

    def call(_rows: List[List[int]], length: int) -> Any:
        return pad_to_array(converted, length)
    return call
