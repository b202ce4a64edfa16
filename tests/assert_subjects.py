"""Subjects with assert statements, kept out of test_*.py modules so that
pytest's assertion rewriting does not change their Python behaviour (the
rewritten message of a failing plain assert would differ from CPython's)."""
from __future__ import annotations


def assert_plain(a: int) -> int:
    assert a >= 0
    return a * 2


def assert_msg(a: int) -> int:
    assert a >= 0, "a must be non-negative"
    return a + 1


def assert_float(x: float) -> float:
    assert x == x
    return x


def assert_in_loop(n: int) -> int:
    total = 0
    for i in range(n):
        assert i < 50, "too many"
        total += i
    return total
