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


def lower_tokens(text: str):
    for w in text.split():
        if w:
            yield w.lower()


def count_tokens(text: str) -> Dict[str, int]:
    # the generator expands inline: its split loop, with the consumer's
    # body where the yield was (its locals renamed w.N, text.N)
    counts: Dict[str, int] = {}
    for t in lower_tokens(text):
        counts[t] = counts.get(t, 0) + 1
    return counts
