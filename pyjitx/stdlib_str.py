"""str methods written in the compiled subset (pyjitx/frontend/stdlib.py
compiles `s.X(...)` as `X(s, ...)` for these): removeprefix/removesuffix
(bytes too), translate, and str.maketrans in its three forms, with
CPython's results and messages (Objects/unicodeobject.c)."""
from __future__ import annotations

from typing import Any, Dict, List


def removeprefix(s, prefix):
    if s.startswith(prefix):
        return s[len(prefix):]
    return s


def removesuffix(s, suffix):
    if suffix and s.endswith(suffix):
        return s[:len(s) - len(suffix)]
    return s


def translate(s: str, table) -> str:
    """str.translate(table) of a dict from ordinals to an ordinal, a str or
    None (maketrans's result)."""
    parts: List[str] = []
    for ch in s:
        o = ord(ch)
        if o not in table:
            parts.append(ch)
            continue
        v = table[o]
        if v is None:
            continue
        if isinstance(v, int):
            if v < 0 or v > 0x10FFFF:
                raise ValueError("character mapping must be in range(0x110000)")
            parts.append(chr(v))
        elif isinstance(v, str):
            parts.append(v)
        else:
            raise TypeError("character mapping must return integer, None or str")
    return "".join(parts)


def maketrans(x, y=None, z=None):
    """str.maketrans(dict), (x, y) and (x, y, z)."""
    if y is None:
        if not isinstance(x, dict):
            raise TypeError("if you give only one argument to maketrans it must be a dict")
        return _maketrans_dict(x)
    if not isinstance(x, str):
        raise TypeError("first maketrans argument must be a string if there is a second "
                        "argument")
    if not isinstance(y, str):
        raise TypeError(f"maketrans() argument 2 must be str, not {type(y).__name__}")
    if len(x) != len(y):
        raise ValueError("the first two maketrans arguments must have equal length")
    if z is None:
        pairs: Dict[int, int] = {}
        for a, b in zip(x, y):
            pairs[ord(a)] = ord(b)
        return pairs
    if not isinstance(z, str):
        raise TypeError(f"maketrans() argument 3 must be str, not {type(z).__name__}")
    mapping: Dict[int, Any] = {}
    for a, b in zip(x, y):
        mapping[ord(a)] = ord(b)
    for c in z:
        mapping[ord(c)] = None
    return mapping


def _maketrans_dict(x):
    out = {}
    for k, v in x.items():
        if isinstance(k, str):
            if len(k) != 1:
                raise ValueError("string keys in translate table must be of length 1")
            out[ord(k)] = v
        elif isinstance(k, int):
            out[int(k)] = v
        else:
            raise TypeError("keys in translate table must be strings or integers")
    return out
