"""Python-side view of the C runtime: counters for tests and settings."""
from __future__ import annotations

import operator
import sys
import warnings

from . import _ext

if not _ext.HASH_MATCHES:  # (pyjitx/_hashsecret.c checked it at import)
    warnings.warn(
        f"hash() of str and bytes in compiled code differs from this interpreter's: its hash "
        f"algorithm ({sys.hash_info.algorithm}) or its hash secret is out of pyjitx's reach",
        RuntimeWarning, stacklevel=2)


def live_objects() -> int:
    """Number of runtime objects currently allocated (leak tests compare it
    before and after).  The bridge's cache of converted dict arguments is
    dropped first, and so are the caches of lru_cache'd functions that
    compiled code calls, so that only objects something still owns are
    counted."""
    _ext.clear_conversion_cache()
    _ext.clear_lru_caches()
    return _ext.live_objects()


def clear_caches() -> None:
    """Empties the caches that compiled callers of functools.lru_cache /
    cache functions keep in the runtime (the wrapper's cache_clear()
    empties the Python wrapper's own, which compiled code does not use)."""
    _ext.clear_lru_caches()


def cache_entries() -> int:
    """How many results those caches hold, all together."""
    return _ext.lru_entries()


def set_recursion_limit(limit: int) -> None:
    """Depth at which compiled recursion raises RecursionError (default 1000,
    CPython's default).  Checked as sys.setrecursionlimit checks its
    argument: an int of C int range, at least 1."""
    limit = operator.index(limit)
    if not -2**31 <= limit < 2**31:
        raise OverflowError("Python int too large to convert to C int")
    if limit < 1:
        raise ValueError("recursion limit must be greater or equal than 1")
    _ext.set_recursion_limit(limit)
