"""numba's versions of the scalar kernels (imported only when numba is).

Idiomatic numba: `@numba.njit` at module level, so that `fib` calls the
jitted `fib` (a self-recursive njit function must see itself by name).
Compilation is lazy, at the first call (the correctness check).
"""
from __future__ import annotations

from typing import Callable

import numba


@numba.njit
def add(a, b):
    return a + b


@numba.njit
def branchy(n):
    s = 0
    for i in range(n):
        if i % 3 != 0:
            s += (i * i) % 1000
    return s


@numba.njit
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


@numba.njit
def integrate_pi(n):
    h = 1.0 / n
    s = 0.0
    for i in range(n):
        x = (i + 0.5) * h
        s += 4.0 / (1.0 + x * x)
    return s * h


FUNCTIONS = {"call": add, "branchy": branchy, "fib": fib, "float": integrate_pi}


def build(key: str) -> Callable:
    return FUNCTIONS[key]
