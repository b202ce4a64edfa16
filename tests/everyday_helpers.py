"""Helpers imported by tests/test_everyday_types.py the way user code
imports its own modules (inside functions, and as `module.Class` in
annotations)."""
from __future__ import annotations


class Point:
    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y

    def norm1(self) -> int:
        return abs(self.x) + abs(self.y)


def is_stopword(word: str) -> bool:
    return word in ("a", "the", "of")
