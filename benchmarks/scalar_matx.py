"""matxscript's versions of the scalar kernels (imported only when matx is).

Idiomatic matxscript: annotated functions passed to `matx.script`, which
translates them to C++ and builds a shared library with g++ (slow the
first time; the library is reused from MATX_DSO_DIR afterwards).
`build` scripts one function at a time, so one failure costs one cell.
"""
from __future__ import annotations

from typing import Callable

import matx


def add(a: int, b: int) -> int:
    return a + b


def branchy(n: int) -> int:
    s = 0
    for i in range(n):
        if i % 3 != 0:
            s += (i * i) % 1000
    return s


def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def integrate_pi(n: int) -> float:
    h = 1.0 / n
    s = 0.0
    for i in range(n):
        x = (i + 0.5) * h
        s += 4.0 / (1.0 + x * x)
    return s * h


FUNCTIONS = {"call": add, "branchy": branchy, "fib": fib, "float": integrate_pi}


def build(key: str) -> Callable:
    return matx.script(FUNCTIONS[key])
