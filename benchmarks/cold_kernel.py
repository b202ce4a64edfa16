"""The 30-line scalar function whose compile time the compile workloads measure.

Realistic scalar code: a seeded pseudo-random walk with bookkeeping --
a counted loop, nested branches, int and float arithmetic, a math call and
a while loop.  The compile workloads import this file in fresh
interpreters (cold compile) or copy its function under a decorator into a
temporary module (cached load); it does not import pyjitx itself.
"""
import math

ARGS = (1000, 42, 0.3)


def walk_score(n: int, seed: int, threshold: float) -> float:
    state = seed
    total = 0.0
    best = -1.0
    streak = 0
    longest = 0
    for i in range(n):
        state = (state * 1103515245 + 12345) % 2147483648
        x = state / 2147483648.0
        if x < threshold:
            streak += 1
            if streak > longest:
                longest = streak
        else:
            streak = 0
        if i % 7 == 0:
            total += math.sqrt(x) * 0.5
        elif i % 5 == 0:
            total -= x * x
        else:
            total += x
        if total > best:
            best = total
    steps = 0
    k = longest + n
    while k > 1:
        k = k // 2 if k % 2 == 0 else 3 * k + 1
        steps += 1
    return best - total * 0.001 + longest + steps / (n + 1)
