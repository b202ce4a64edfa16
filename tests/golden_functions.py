"""Functions whose typed IR is pinned by tests/test_ir_golden.py."""


def add(a: int, b: int) -> int:
    return a + b


def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def count_odd_squares(n: int) -> int:
    total = 0
    for i in range(n):
        if i % 2 == 1:
            total += i * i
    return total


def maybe_unbound(flag: bool) -> int:
    if flag:
        x = 1
    return x


def widen(n: int) -> float:
    x = 0
    while n > 0:
        x = x + 0.5
        n -= 1
    return x
