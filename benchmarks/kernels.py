"""The scalar kernels, as plain annotated Python.

This module owns the source that CPython runs as is and pyjitx compiles
unchanged (`pyjitx.compile(kernels.fib)`), for the call-overhead, branchy
loop, recursion, float loop and GIL workloads.  The peers' versions live
in scalar_numba / scalar_matx / scalar_torch.  Nothing here imports pyjitx.
"""
from __future__ import annotations


def add(a: int, b: int) -> int:
    return a + b


def branchy(n: int) -> int:
    """Sum of i*i mod 1000 over i < n with i % 3 != 0.

    The plain sum of i*i over 10M values exceeds 2**63, which pyjitx's
    checked 64-bit int reports as OverflowError (and numba/torch/matx
    silently wrap), so each term is reduced mod 1000.
    """
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
    """Midpoint rule for the integral of 4 / (1 + x*x) over [0, 1] (= pi)."""
    h = 1.0 / n
    s = 0.0
    for i in range(n):
        x = (i + 0.5) * h
        s += 4.0 / (1.0 + x * x)
    return s * h
