"""Functions whose typed IR is pinned by tests/test_ir_golden.py."""
from typing import Dict, List, Optional


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


def upper_words(text: str) -> List[str]:
    # objects: a temporary per word released after its last use, the
    # result list handed to the caller, literals never counted
    out: List[str] = []
    for word in text.split(","):
        out.append(word.strip().upper())
    return out


def lookup_or(table: Dict[str, int], key: str, default: int) -> int:
    # try/except: the failing op ends its block with an edge to the handler
    try:
        return table[key]
    except KeyError:
        return default


def longest(words: List[str]) -> Optional[str]:
    # Optional: None is NULL; a str joins it by wrapping.  (Unannotated,
    # `best = None` would be typed None before `best = w` is seen.)
    best: Optional[str] = None
    for w in words:
        if best is None or len(w) > len(best):
            best = w
    return best
