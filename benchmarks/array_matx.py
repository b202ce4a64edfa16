"""matxscript's version of the pad-to-array kernel (imported only when matx is).

matxscript has no numpy functions in scripted code, so its kernel is the
same loop over matx.NDArray (made with matx.NDArray(0, shape, dtype),
indexed a[i][j]).  The rows convert to matx.List inside the call and the
two results convert to numpy with .numpy(); both are part of the timed
call.
"""
from __future__ import annotations

from typing import Any, Callable, List, Tuple

import matx


def pad_to_array_matx(rows: List[List[int]], length: int) -> Tuple[matx.NDArray, matx.NDArray]:
    n = len(rows)
    ids = matx.NDArray(0, [n, length], "int64")
    mask = matx.NDArray(0, [n, length], "int8")
    for i in range(n):
        row = rows[i]
        m = min(len(row), length)
        for j in range(m):
            ids[i][j] = row[j]
            mask[i][j] = 1
    return ids, mask


def e2e() -> Callable:
    fn = matx.script(pad_to_array_matx)

    def call(rows: List[List[int]], length: int) -> Any:
        ids, mask = fn(rows, length)
        return ids.numpy(), mask.numpy()
    return call
