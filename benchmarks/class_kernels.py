"""The class kernels, as plain annotated Python (issue 4's workloads).

A `Scorer` holds a Dict[str, int] and counts its calls; `method_loop`
makes one and calls its method n times in a loop (the method-call cost
inside compiled code), and the runner also calls the method from a Python
loop (the cost of a call from Python).  CPython runs this module as is;
pyjitx compiles the same source.  Nothing here imports pyjitx.
"""
from typing import Any, Dict, List


class Scorer:
    def __init__(self, table: Dict[str, int], bonus: int) -> None:
        # (members annotated: matxscript requires it; pyjitx would infer them)
        self.table: Dict[str, int] = table
        self.bonus: int = bonus
        self.calls: int = 0

    def score(self, word: str) -> int:
        self.calls += 1
        return self.table.get(word, 0) + self.bonus


def method_loop(words: List[str], table: Dict[str, int], n: int) -> int:
    scorer = Scorer(table, 1)
    total = 0
    m = len(words)
    for i in range(n):
        total += scorer.score(words[i % m])
    return total + scorer.calls


def class_inputs(n_words: int = 1000, seed: int = 3):
    """Words (half of them in the table) and the table, from a fixed seed."""
    import random

    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyzé中"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 8))) for _ in range(n_words)]
    table = {w: i for i, w in enumerate(words[: n_words // 2])}
    return words, table


def mixed_sum(values: List[Any]) -> float:
    """A List[Any] workload: a score over values of mixed types, by
    isinstance tests (ints, floats, strs, None and nested lists)."""
    total = 0.0
    for v in values:
        if isinstance(v, int):  # bools too: True % 7 == 1
            total += v % 7
        elif isinstance(v, float):
            total += v * 0.5
        elif isinstance(v, str):
            total += len(v)
        elif v is None:
            total -= 1.0
        else:
            total += len(v)
    return total


def mixed_inputs(n: int = 10_000, seed: int = 9) -> List[Any]:
    import random

    rng = random.Random(seed)
    out: List[Any] = []
    for i in range(n):
        k = i % 6
        out.append([rng.randint(-1000, 1000), rng.random() * 100, "tok" * rng.randint(0, 3) + "é",
                    None, rng.random() < 0.5, [1, "a"]][k])
    return out
