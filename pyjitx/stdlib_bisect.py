"""bisect in compiled code, written in the compiled subset
(pyjitx/frontend/stdlib.py compiles `bisect.X(...)` as a call of X here):
Modules/_bisectmodule.c's loops, comparing `x < a[mid]` (right) and
`a[mid] < x` (left) as it does, with `key=` (3.10+) applied to the items
and, for insort, to x; `hi=None` (or -1, which _bisect takes as None)
means len(a)."""
from __future__ import annotations


def _bounds(a, lo, hi):
    if lo < 0:
        raise ValueError("lo must be non-negative")
    if hi is None:
        return len(a)
    if hi == -1:
        return len(a)
    return hi


def bisect_right(a, x, lo=0, hi=None, *, key=None) -> int:
    top = _bounds(a, lo, hi)
    if key is None:
        while lo < top:
            mid = (lo + top) // 2
            if x < a[mid]:
                top = mid
            else:
                lo = mid + 1
    else:
        while lo < top:
            mid = (lo + top) // 2
            if x < key(a[mid]):
                top = mid
            else:
                lo = mid + 1
    return lo


def bisect_left(a, x, lo=0, hi=None, *, key=None) -> int:
    top = _bounds(a, lo, hi)
    if key is None:
        while lo < top:
            mid = (lo + top) // 2
            if a[mid] < x:
                lo = mid + 1
            else:
                top = mid
    else:
        while lo < top:
            mid = (lo + top) // 2
            if key(a[mid]) < x:
                lo = mid + 1
            else:
                top = mid
    return lo


def insort_right(a, x, lo=0, hi=None, *, key=None) -> None:
    if key is None:
        a.insert(bisect_right(a, x, lo, hi), x)
    else:
        a.insert(bisect_right(a, key(x), lo, hi, key=key), x)


def insort_left(a, x, lo=0, hi=None, *, key=None) -> None:
    if key is None:
        a.insert(bisect_left(a, x, lo, hi), x)
    else:
        a.insert(bisect_left(a, key(x), lo, hi, key=key), x)
