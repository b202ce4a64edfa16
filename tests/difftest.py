"""Differential-testing harness: run a Python function and its compiled twin
on the same arguments and demand the same outcome.

"The same" means (docs/spec.md §1.1):

- values are equal *and* of exactly the same type (``bool`` is not ``int``,
  ``int`` is not ``float``);
- floats are bit-identical (``-0.0`` differs from ``0.0``); every NaN equals
  every other NaN (the sign/payload of a NaN is not observable through
  ordinary arithmetic and is not compared);
- if Python raises, the compiled function raises the same exception type;
  for ZeroDivisionError and ValueError the messages must match too, and for
  OverflowError when Python's message is one of the common ones
  ("cannot convert float infinity to integer", "math range error");
- the documented deviations are applied automatically:
    * ``int`` is int64: when Python returns an ``int`` outside
      [-2**63, 2**63-1] the compiled function must raise OverflowError
      (test functions are written so that only the *final* result can leave
      the range; no intermediate value of a subject overflows unless the
      final result does);
    * when Python returns a ``complex`` (negative float ** non-integer float)
      the compiled function must raise ValueError.
  ``int ** negative int`` (ValueError in compiled code, float in CPython) and
  ``and``/``or`` over mixed int/float (float in compiled code) cannot be
  detected from the result alone; tests for those use ``expect_raises`` /
  ``assert_result`` explicitly.

With ``PYJITX_DISABLE_JIT=1`` ``pyjitx.compile`` returns the function
itself; the harness then only checks that running twice gives the same
result (every differential test passes trivially), and the helpers for
deviations do nothing.
"""
from __future__ import annotations

import math
import os
import struct
from typing import Any, Callable, Tuple, Type, Union

from hypothesis import strategies as st

INT64_MIN = -(2 ** 63)
INT64_MAX = 2 ** 63 - 1

JIT_DISABLED = os.environ.get("PYJITX_DISABLE_JIT", "").strip().lower() not in (
    "", "0", "false", "no", "off")

# Exception types whose message is compared (see module docstring).
_MESSAGE_CHECKED = (ZeroDivisionError, ValueError, IndexError, KeyError)
_OVERFLOW_MESSAGES_CHECKED = (
    "cannot convert float infinity to integer",
    "math range error",
)


class _Raised:
    __slots__ = ("exc",)

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def __repr__(self) -> str:
        return f"raise {type(self.exc).__name__}({str(self.exc)!r})"


def _run(fn: Callable, args: tuple, kwargs: dict) -> Any:
    try:
        return fn(*args, **kwargs)
    except RecursionError as exc:  # keep before Exception; it is one
        return _Raised(exc)
    except Exception as exc:  # noqa: BLE001 - we compare exceptions
        return _Raised(exc)


def is_disabled(compiled: Callable, pyfunc: Callable | None = None) -> bool:
    """True when ``compiled`` is not compiled at all (PYJITX_DISABLE_JIT)."""
    if pyfunc is not None and compiled is pyfunc:
        return True
    return JIT_DISABLED and not hasattr(compiled, "py_func")


def float_bits(x: float) -> int:
    return struct.unpack("<q", struct.pack("<d", x))[0]


def same_value(a: Any, b: Any) -> bool:
    """Exact equality: same type, floats bit-identical (NaN == NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) and math.isnan(b):
            return True
        return float_bits(a) == float_bits(b)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return (list(a) == list(b)  # same keys in the same (insertion) order
                and all(same_value(a[k], b[k]) for k in a))
    if isinstance(a, complex):
        return same_value(a.real, b.real) and same_value(a.imag, b.imag)
    return a == b


def _fmt_call(fn: Callable, args: tuple, kwargs: dict) -> str:
    name = getattr(fn, "__name__", None) or getattr(getattr(fn, "py_func", None),
                                                      "__name__", repr(fn))
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _check_exception(call: str, got: Any, exc_type: Union[Type[BaseException], Tuple],
                     message: str | None, why: str) -> None:
    if not isinstance(got, _Raised):
        raise AssertionError(
            f"{call}: expected {_tname(exc_type)} ({why}), compiled returned {got!r}"
            f" of type {type(got).__name__}")
    if not isinstance(got.exc, exc_type):
        raise AssertionError(
            f"{call}: expected {_tname(exc_type)} ({why}), compiled raised "
            f"{type(got.exc).__name__}: {got.exc}") from got.exc
    if message is not None and str(got.exc) != message:
        raise AssertionError(
            f"{call}: {type(got.exc).__name__} message differs: expected "
            f"{message!r}, compiled {str(got.exc)!r}") from got.exc


def _tname(t: Union[Type[BaseException], Tuple]) -> str:
    if isinstance(t, tuple):
        return " or ".join(x.__name__ for x in t)
    return t.__name__


def _message_to_compare(exc: BaseException) -> str | None:
    if isinstance(exc, _MESSAGE_CHECKED):
        return str(exc)
    if isinstance(exc, OverflowError) and str(exc) in _OVERFLOW_MESSAGES_CHECKED:
        return str(exc)
    return None


_COMPILED: dict = {}


def compiled(pyfunc: Callable) -> Callable:
    """pyjitx.compile(pyfunc), made once per function: a property test that
    compiles its subject inside each example would recompile it every time
    (code using compiled classes is not cached on disk)."""
    import pyjitx

    made = _COMPILED.get(pyfunc)
    if made is None:
        made = _COMPILED[pyfunc] = pyjitx.compile(pyfunc)
    return made


def assert_same(pyfunc: Callable, compiled: Callable, *args: Any, **kwargs: Any) -> Any:
    """Run ``pyfunc`` and ``compiled`` on the same arguments; fail unless the
    outcomes agree (see module docstring).  Returns Python's outcome."""
    expected = _run(pyfunc, args, kwargs)
    got = _run(compiled, args, kwargs)
    return _compare(_fmt_call(pyfunc, args, kwargs), pyfunc, compiled, expected, got)


def assert_same_effects(pyfunc: Callable, compiled: Callable, *args: Any) -> Any:
    """assert_same on two deep copies of the arguments (one per side), then
    the arguments themselves must agree afterwards: what the function did
    to its lists, dicts and instances is part of its outcome."""
    import copy

    py_args, jit_args = copy.deepcopy(args), copy.deepcopy(args)
    call = _fmt_call(pyfunc, args, {})
    expected = _compare(call, pyfunc, compiled, _run(pyfunc, py_args, {}),
                        _run(compiled, jit_args, {}))
    if not is_disabled(compiled, pyfunc) and not same_value(list(py_args), list(jit_args)):
        raise AssertionError(f"{call}: arguments afterwards differ: Python {list(py_args)!r}, "
                             f"compiled {list(jit_args)!r}")
    return expected


def _compare(call: str, pyfunc: Callable, compiled: Callable, expected: Any, got: Any) -> Any:
    if isinstance(expected, _Raised):
        exc = expected.exc
        if isinstance(exc, MemoryError) and not is_disabled(compiled, pyfunc):
            # Python gave up building a gigantic int: compiled int64 overflows.
            _check_exception(call, got, OverflowError, None,
                             "Python ran out of memory building a huge int")
            return expected
        _check_exception(call, got, type(exc), _message_to_compare(exc),
                         f"Python raised {type(exc).__name__}: {exc}")
        return expected

    if not is_disabled(compiled, pyfunc):
        if type(expected) is int and not (INT64_MIN <= expected <= INT64_MAX):
            _check_exception(call, got, OverflowError, None,
                             f"Python's result {expected} does not fit int64")
            return expected
        if type(expected) is complex:
            _check_exception(call, got, ValueError, None,
                             f"Python's result {expected} is complex")
            return expected

    if isinstance(got, _Raised):
        raise AssertionError(
            f"{call}: Python returned {expected!r} ({type(expected).__name__}), "
            f"compiled raised {type(got.exc).__name__}: {got.exc}") from got.exc
    if not same_value(expected, got):
        raise AssertionError(
            f"{call}: Python returned {expected!r} ({type(expected).__name__}), "
            f"compiled returned {got!r} ({type(got).__name__})"
            + (f" [bits {float_bits(expected):#x} vs {float_bits(got):#x}]"
               if type(expected) is float and type(got) is float else ""))
    return expected


def assert_result(compiled: Callable, expected: Any, *args: Any, **kwargs: Any) -> None:
    """``compiled(*args, **kwargs)`` must return exactly ``expected`` (same
    type, bit-identical floats).  Used for documented deviations and for
    hand-computed oracles."""
    got = _run(compiled, args, kwargs)
    call = _fmt_call(compiled, args, kwargs)
    if isinstance(got, _Raised):
        raise AssertionError(
            f"{call}: expected {expected!r} ({type(expected).__name__}), compiled "
            f"raised {type(got.exc).__name__}: {got.exc}") from got.exc
    if not same_value(expected, got):
        raise AssertionError(
            f"{call}: expected {expected!r} ({type(expected).__name__}), compiled "
            f"returned {got!r} ({type(got).__name__})")


def expect_raises(compiled: Callable, exc_type: Union[Type[BaseException], Tuple],
                  *args: Any, message: str | None = None, **kwargs: Any) -> None:
    """``compiled(*args, **kwargs)`` must raise ``exc_type`` (documented
    deviation or boundary rule).  A no-op when the JIT is disabled."""
    if is_disabled(compiled):
        return
    got = _run(compiled, args, kwargs)
    _check_exception(_fmt_call(compiled, args, kwargs), got, exc_type, message,
                     "documented pyjitx behaviour")


def fits_int64(x: int) -> bool:
    return INT64_MIN <= x <= INT64_MAX


# --------------------------------------------------------------------------
# hypothesis strategies

BOUNDARY_INTS = [
    0, 1, -1, 2, -2, 3, -3, 7, -7, 10, -10, 255, 256,
    2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32, -(2 ** 32),
    2 ** 53, 2 ** 53 + 1, -(2 ** 53) - 1, 2 ** 62, -(2 ** 62),
    3037000499, 3037000500, -3037000500,          # ~sqrt(2**63)
    INT64_MAX, INT64_MAX - 1, INT64_MIN, INT64_MIN + 1,
]

#: int64 values: small, boundary and uniformly random.
ints = st.one_of(
    st.integers(-100, 100),
    st.sampled_from(BOUNDARY_INTS),
    st.integers(INT64_MIN, INT64_MAX),
)

#: moderately sized ints whose products/sums of a few terms stay in int64.
small_ints = st.one_of(st.integers(-100, 100), st.integers(-(10 ** 6), 10 ** 6))

#: ints that are not int64 (for the boundary: OverflowError on the way in).
huge_ints = st.one_of(
    st.integers(INT64_MAX + 1, 2 ** 200),
    st.integers(-(2 ** 200), INT64_MIN - 1),
    st.sampled_from([2 ** 63, -(2 ** 63) - 1, 2 ** 64, -(2 ** 64), 10 ** 30]),
)

SPECIAL_FLOATS = [
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.0, -3.0, 0.1, -0.1,
    math.inf, -math.inf, math.nan,
    5e-324, -5e-324, 2.2250738585072014e-308, -2.2250738585072014e-308,  # subnormal / min normal
    1.7976931348623157e308, -1.7976931348623157e308, 1e300, -1e300, 1e-300,
    2.0 ** 53, 2.0 ** 53 + 2, 2.0 ** 63, -(2.0 ** 63), 2.0 ** 64, 9.223372036854775e18,
    1e16, 123456789.5, 0.49999999999999994, math.pi, -math.e,
]

#: every kind of float, nan/inf/subnormal/huge included.
floats = st.one_of(
    st.sampled_from(SPECIAL_FLOATS),
    st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True),
    st.floats(-1e6, 1e6),
    st.integers(-(10 ** 6), 10 ** 6).map(float),
)

#: finite floats only.
finite_floats = st.one_of(
    st.sampled_from([x for x in SPECIAL_FLOATS if math.isfinite(x)]),
    st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=True),
    st.floats(-1e6, 1e6),
)

bools = st.booleans()

#: any scalar the subset knows.
scalars = st.one_of(ints, floats, bools)


# --------------------------------------------------------------------------
# Unicode text (docs/spec.md §1.1: Chinese, accents and emoji never differ)

#: every whitespace character Python knows (str.isspace), of every category
#: (Zs, Zl, Zp and the Cc/B/S/WS controls such as \x1c-\x1f and \x85).
UNICODE_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())

#: pieces chosen to exercise the hard parts of Unicode text handling.
TEXT_PIECES = [
    "", "a", "B", "z", "Hello", "hello world", " ", "  ", "\t", "\n", "\r\n", "\r",
    "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\xa0", "\u1680", "\u2000",
    "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\u200b",
    "中", "文", "字符", "日本語", "한국어",             # CJK (and Hangul)
    "e\u0301", "\u0301", "n\u0303", "a\u0308\u0304",  # combining marks
    "é", "ñ", "Ü", "ø", "Å", "ÿ",                     # precomposed accents
    "😀", "👍🏽", "👨\u200d👩\u200d👧", "🇫🇷", "\U0001f600x",  # emoji, ZWJ, flags
    "ß", "ẞ", "İ", "ı", "ǅ", "ǆ", "Σ", "ς", "σ", "ΣΑΣ", "ﬁ", "ﬃ", "ŉ",  # case oddities
    "1", "0", "42", "-7", "+3", "١٢", "²", "½", "Ⅻ", "𝟘",        # digits of kinds
    "_", ",", ".", ";", "-", "--", "a,b", ",,", "ab", "aa", "ba", "%", "{", "}",
    "\x00", "\x7f", "\U0010ffff", "\ufffd", "\ufeff",
]

#: text built from the pieces (good at hitting separators and case rules).
pieces_text = st.lists(st.sampled_from(TEXT_PIECES), max_size=8).map("".join)

#: arbitrary Unicode text without surrogates (which CPython cannot encode).
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)

#: all of the above, plus whitespace-only strings of every Unicode kind.
unicode_text = st.one_of(
    pieces_text,
    any_text,
    st.text(st.sampled_from(UNICODE_WHITESPACE + "ab中"), max_size=8),
    st.sampled_from(["", " ", UNICODE_WHITESPACE, "中文", "e\u0301", "👍🏽"]),
)

#: short needles/separators/fill strings: mostly one or two pieces.
short_text = st.one_of(
    st.sampled_from(TEXT_PIECES),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=2),
)
