"""Differential tests of the runtime's numbers <-> text primitives
(libruntime/format.c, pyjitx/format.h) against CPython.

Each primitive is called through ctypes at the address that
`pyjitx._ext.runtime_symbols()` hands to the JIT.  Results are compared as
strings, exceptions by type and message: repr/str of floats, the format-spec
mini-language of int/float/str/bool, printf-style '%' conversions, and
int(str, base) / float(str).

Documented deviation: int() of a valid literal beyond int64 raises
OverflowError "int too large for pyjitx int (64-bit signed)".
"""
from __future__ import annotations

import ctypes
import math
import random
import struct

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import pyjitx._ext as _ext

SYMBOLS = _ext.runtime_symbols()
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
BIG_INT = "int too large for pyjitx int (64-bit signed)"

# ---------------------------------------------------------------------------
# ctypes bindings


def _bind(name, restype, *argtypes):
    return ctypes.CFUNCTYPE(restype, *argtypes)(SYMBOLS[name])


P, D, I64, I32 = ctypes.c_void_p, ctypes.c_double, ctypes.c_int64, ctypes.c_int32
_err_kind = _bind("pjx_err_kind", I32)
_err_message = _bind("pjx_err_message", ctypes.c_char_p)
_err_clear = _bind("pjx_err_clear", None)
_kind_name = ctypes.CDLL(_ext.__file__).pjx_err_kind_name
_kind_name.restype = ctypes.c_char_p
_kind_name.argtypes = [I32]
_str_from_utf8 = _bind("pjx_str_from_utf8", P, ctypes.c_char_p, I64)
_decref = _bind("pjx_decref", None, P)


def make_str(text: str) -> int:
    data = text.encode("utf-8", "surrogatepass")
    p = _str_from_utf8(data, len(data))
    assert p
    return p


def read_str(p: int) -> str:
    """The text of a pjx_str (header 16 bytes, nbytes@16, length@24, data@48)."""
    nbytes = ctypes.c_int64.from_address(p + 16).value
    length = ctypes.c_int64.from_address(p + 24).value
    text = ctypes.string_at(p + 48, nbytes).decode("utf-8")
    assert len(text) == length
    return text


def _error():
    kind = _err_kind()
    assert kind != 0, "NULL/-1 result without an exception"
    outcome = ("raise", _kind_name(kind).decode(), _err_message().decode())
    _err_clear()
    return outcome


def call_str(fn, *args):
    """Calls a function returning a new pjx_str; ("ok", text) or ("raise", ...)."""
    assert _err_kind() == 0
    p = fn(*args)
    if not p:
        return _error()
    assert _err_kind() == 0
    try:
        return ("ok", read_str(p))
    finally:
        _decref(p)


def with_strs(fn, *args):
    """Calls fn with str arguments converted to pjx_str (and released)."""
    made = [make_str(a) if isinstance(a, str) else None for a in args]
    try:
        return call_str(fn, *[m if m is not None else a for m, a in zip(made, args)])
    finally:
        for m in made:
            if m is not None:
                _decref(m)


def python(f, *args):
    try:
        return ("ok", f(*args))
    except Exception as exc:  # noqa: BLE001 - any exception is an outcome
        return ("raise", type(exc).__name__, str(exc))


def examples(n):
    """n examples (sized to keep this file near 15 s); 10x under the
    'thorough' hypothesis profile."""
    default = settings().max_examples
    return settings(max_examples=n * 10 if default >= 2000 else max(n, default), deadline=None)


int_to_str = _bind("pjx_int_to_str", P, I64)
float_to_str = _bind("pjx_float_to_str", P, D)
bool_to_str = _bind("pjx_bool_to_str", P, I64)
format_int = _bind("pjx_format_int", P, I64, P)
format_float = _bind("pjx_format_float", P, D, P)
format_str = _bind("pjx_format_str", P, P, P)
format_bool = _bind("pjx_format_bool", P, I64, P)
pct_int = _bind("pjx_percent_format_int", P, I64, I32, I64, I64, I32)
pct_float = _bind("pjx_percent_format_float", P, D, I32, I64, I64, I32)
pct_bool = _bind("pjx_percent_format_bool", P, I64, I32, I64, I64, I32)
pct_str = _bind("pjx_percent_format_str", P, P, I32, I64, I64, I32)
str_ascii = _bind("pjx_str_ascii", P, P)
_str_to_int = _bind("pjx_str_to_int", I32, P, I64, ctypes.POINTER(I64))
_str_to_float = _bind("pjx_str_to_float", I32, P, ctypes.POINTER(D))

# ---------------------------------------------------------------------------
# strategies

SPECIAL_FLOATS = [
    0.0, -0.0, math.inf, -math.inf, math.nan, 1.0, -1.0, 0.5, 1.5, 2.5, 0.1, 0.3,
    5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
    1.7976931348623157e308, 1e16, 1e15, 9999999999999998.0, 1e-4, 1e-5, 0.0001,
    0.00001, 123456789.0, 2.0**53, 2.0**63, 2e16 + 8, 1e22, 1e23, 9.5, 0.05, 0.005,
    0.125, 1e-7, 1.2345e-300, 4.35, 2.675, 1e100, 0.9999999, 999999.5,
]
floats = st.one_of(
    st.sampled_from(SPECIAL_FLOATS),
    st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True),
    st.floats(-1e6, 1e6),
    st.integers(-1074, 1023).map(lambda e: 2.0**e),
    st.integers(-30, 30).flatmap(lambda e: st.integers(-999, 999).map(lambda m: m * 10.0**e)),
    st.integers(-2000, 2000).map(lambda k: k / 8),
)
SPECIAL_INTS = [0, 1, -1, 7, -7, 10, 255, -255, 1000, 123456789, INT64_MAX, INT64_MIN,
                0x10FFFF, 0x110000, 65, 233, 0x1F600, 0xD800]
ints = st.one_of(st.sampled_from(SPECIAL_INTS), st.integers(INT64_MIN, INT64_MAX),
                 st.integers(-100000, 100000))

# ---------------------------------------------------------------------------
# repr / str


@examples(500)
@given(x=floats)
def test_float_repr(x):
    assert call_str(float_to_str, x) == ("ok", repr(x))


def test_float_repr_bit_patterns():
    """Random bit patterns, all powers of two and their neighbours."""
    rng = random.Random(1234)
    values = [struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
              for _ in range(100_000)]
    for e in range(-1074, 1024):
        p = 2.0**e
        values += [p, -p, math.nextafter(p, 0), math.nextafter(p, math.inf)]
    # short decimals (many digits of the search are exercised)
    values += [rng.randint(1, 10**rng.randint(1, 17)) * 10.0**rng.randint(-320, 300)
               for _ in range(30_000)]
    fn = float_to_str
    mismatches = []
    for x in values:
        p = fn(x)
        n = ctypes.c_int64.from_address(p + 16).value
        got = ctypes.string_at(p + 48, n).decode()
        _decref(p)
        if got != repr(x):
            mismatches.append((x.hex(), got, repr(x)))
    assert not mismatches[:20]


@examples(300)
@given(v=ints)
def test_int_and_bool_str(v):
    assert call_str(int_to_str, v) == ("ok", str(v))
    assert call_str(bool_to_str, v & 1) == ("ok", str(bool(v & 1)))


# ---------------------------------------------------------------------------
# format(x, spec)

FILLS = [" ", "*", "0", "x", "é", "€", "𝄞", "<", "=", "}", ".", "1"]
TYPES = list("bcdoxXneEfFgG%s") + ["", "", "", "a", "é", "r", "i", "\x01"]


@st.composite
def format_specs(draw):
    parts = []
    if draw(st.integers(0, 3)) == 0:
        parts.append(draw(st.sampled_from(FILLS)))
        parts.append(draw(st.sampled_from("<>=^")))
    elif draw(st.booleans()):
        parts.append(draw(st.sampled_from("<>=^")))
    if draw(st.integers(0, 2)) == 0:
        parts.append(draw(st.sampled_from("+- ")))
    if draw(st.integers(0, 6)) == 0:
        parts.append("z")
    if draw(st.integers(0, 3)) == 0:
        parts.append("#")
    if draw(st.integers(0, 3)) == 0:
        parts.append("0")
    if draw(st.booleans()):
        width = str(draw(st.integers(0, 30)))
        if draw(st.integers(0, 20)) == 0:  # Arabic-Indic digits are digits too
            width = "".join(chr(0x660 + int(c)) for c in width)
        parts.append(width)
    if draw(st.integers(0, 2)) == 0:
        parts.append(draw(st.sampled_from([",", "_", ",_", "_,", ",,"])))
    if draw(st.booleans()):
        parts.append("." + draw(st.sampled_from(["", *map(str, range(0, 25)), "40"])))
    parts.append(draw(st.sampled_from(TYPES)))
    if draw(st.integers(0, 25)) == 0:
        parts.append(draw(st.sampled_from(["d", "x", "5", "."])))
    return "".join(parts)


SURROGATE = "pyjitx: chr(0x{:x}) is a surrogate, which pyjitx strings (UTF-8) cannot hold"


def is_surrogate_result(outcome):
    return outcome[0] == "ok" and any(0xD800 <= ord(c) < 0xE000 for c in outcome[1])


def check_format(fn, value, spec, arg=None):
    ours = with_strs(fn, value if arg is None else arg, spec)
    theirs = python(format, value, spec)
    if is_surrogate_result(theirs):  # documented deviation: UTF-8 strings
        assert ours == ("raise", "ValueError", SURROGATE.format(value)), (value, spec)
        return
    assert ours == theirs, (value, spec)


@examples(500)
@given(v=ints, spec=format_specs())
@example(v=1234, spec="012,")
@example(v=-1234, spec="0=12_")
@example(v=255, spec="#X")
@example(v=0x1F600, spec="^5c")
@example(v=10**18, spec="_b")
@example(v=5, spec="\u0661\u0660")
@example(v=5, spec="ab")
def test_format_int(v, spec):
    check_format(format_int, v, spec)


@examples(200)
@given(v=st.booleans(), spec=format_specs())
@example(v=True, spec="")
@example(v=False, spec=">6")
@example(v=True, spec="e")
@example(v=True, spec="q")
def test_format_bool(v, spec):
    check_format(format_bool, v, spec, arg=int(v))


@examples(800)
@given(v=floats, spec=format_specs())
@example(v=math.inf, spec="010")
@example(v=math.nan, spec="=+10")
@example(v=-0.0, spec="z.1f")
@example(v=-0.0001, spec="z.2f")
@example(v=1.5, spec=".0")
@example(v=1234567.891, spec=",.2f")
@example(v=0.5, spec=".0f")
@example(v=1e300, spec=".3f")
@example(v=123.456, spec="020,.1%")
@example(v=1e16, spec="")
@example(v=1e16, spec=".16")
@example(v=5e-324, spec=".1000e")
def test_format_float(v, spec):
    check_format(format_float, v, spec)


texts = st.one_of(st.text(max_size=12), st.sampled_from(["", "abc", "héllo", "𝄞x", "€€€"]))


@examples(300)
@given(v=texts, spec=format_specs())
@example(v="ab", spec="010")
@example(v="ab", spec=" ")
@example(v="héllo", spec="€^9.3")
def test_format_str(v, spec):
    check_format(format_str, v, spec)


# ---------------------------------------------------------------------------
# printf-style '%'

FLAG_BITS = {"-": 1, "+": 2, " ": 4, "#": 8, "0": 16}


@st.composite
def percent_specs(draw, convs):
    flags = draw(st.lists(st.sampled_from("-+ #0"), max_size=3, unique=True))
    width = draw(st.one_of(st.none(), st.integers(0, 25)))
    prec = draw(st.one_of(st.none(), st.integers(0, 25)))
    conv = draw(st.sampled_from(convs))
    fmt = "%" + "".join(flags) + ("" if width is None else str(width)) + \
        ("" if prec is None else "." + str(prec)) + conv
    bits = sum(FLAG_BITS[f] for f in flags)
    return fmt, bits, -1 if width is None else width, -1 if prec is None else prec, ord(conv)


def check_percent(fn, value, case, arg=None):
    fmt, bits, width, prec, conv = case
    ours = with_strs(fn, value if arg is None else arg, bits, width, prec, conv)
    theirs = python(lambda: fmt % (value,))
    if is_surrogate_result(theirs):  # documented deviation: UTF-8 strings
        assert ours == ("raise", "ValueError", SURROGATE.format(value)), (fmt, value)
        return
    assert ours == theirs, (fmt, value)


NUMERIC_CONVS = "diuoxXeEfFgGcsra"


@examples(400)
@given(v=ints, case=percent_specs(NUMERIC_CONVS))
@example(v=-10, case=("%#5.3x", 8, 5, 3, ord("x")))
@example(v=255, case=("%+#08X", 2 | 8 | 16, 8, -1, ord("X")))
def test_percent_int(v, case):
    check_percent(pct_int, v, case)


@examples(150)
@given(v=st.booleans(), case=percent_specs(NUMERIC_CONVS))
def test_percent_bool(v, case):
    check_percent(pct_bool, v, case, arg=int(v))


@examples(500)
@given(v=floats, case=percent_specs(NUMERIC_CONVS))
@example(v=math.inf, case=("%05f", 16, 5, -1, ord("f")))
@example(v=1e30, case=("%d", 0, -1, -1, ord("d")))
@example(v=-2.5, case=("%+.3d", 2, -1, 3, ord("i")))
def test_percent_float(v, case):
    check_percent(pct_float, v, case)


@examples(250)
@given(v=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=8),
       case=percent_specs(NUMERIC_CONVS))
def test_percent_str(v, case):
    check_percent(pct_str, v, case)


@pytest.mark.parametrize("text", ["abc", "é", "x€y", "𝄞"])
def test_percent_str_unicode(text):
    for fmt, args in [("%5s", (0, 5, -1)), ("%-5.1s", (1, 5, 1)), ("%c", (0, -1, -1)),
                      ("%3c", (0, 3, -1))]:
        conv = ord(fmt[-1])
        ours = with_strs(pct_str, text, *args, conv)
        assert ours == python(lambda: fmt % (text,)), fmt


@pytest.mark.parametrize("text", ["abc", "it's", "é", "a\u20acb", "\U0001d11e", "\xff",
                                  "\x00\n\x7f", "\u200b\u0378", "'\"", "\U000e0001"])
def test_str_ascii(text):
    assert with_strs(str_ascii, text) == ("ok", ascii(text))


# ---------------------------------------------------------------------------
# int(s, base), float(s)


def parse_int(text, base):
    s = make_str(text)
    out = ctypes.c_int64()
    try:
        assert _err_kind() == 0
        if _str_to_int(s, base, ctypes.byref(out)) == 0:
            assert _err_kind() == 0
            return ("ok", out.value)
        return _error()
    finally:
        _decref(s)


def parse_float(text):
    s = make_str(text)
    out = ctypes.c_double()
    try:
        assert _err_kind() == 0
        if _str_to_float(s, ctypes.byref(out)) == 0:
            assert _err_kind() == 0
            return ("ok", out.value)
        return _error()
    finally:
        _decref(s)


SPACES = [" ", "\t", "\n", "\x0b", "\x0c", "\r", "\x85", "\xa0", "\u2003", "\u3000", "\x1c"]


@st.composite
def int_literals(draw):
    parts = [draw(st.sampled_from(["", "", *SPACES]))]
    parts.append(draw(st.sampled_from(["", "", "+", "-", "--"])))
    parts.append(draw(st.sampled_from(["", "", "", "0x", "0X", "0o", "0b", "0B", "0", "0_", "0x_"])))
    alphabet = draw(st.sampled_from(["0123456789", "01", "0123456789abcdefABCDEF_", "0_1",
                                     "0123456789zZ_ ", "\u0660\u0661\u0662\u0969",
                                     "0123456789\uff11"]))
    parts.append(draw(st.text(alphabet=alphabet, max_size=22)))
    parts.append(draw(st.sampled_from(["", "", *SPACES, "x", "_", "\x00", ".5", "é"])))
    return "".join(parts)


def check_int(text, base):
    theirs = python(int, text, base)
    ours = parse_int(text, base)
    if theirs[0] == "ok" and not INT64_MIN <= theirs[1] <= INT64_MAX:
        assert ours == ("raise", "OverflowError", BIG_INT), text
        return
    assert ours == theirs, (text, base)


@examples(600)
@given(text=int_literals(), base=st.sampled_from([0, 10, 10, 10, 2, 8, 16, 36, 7]))
@example(text="-9223372036854775808", base=10)
@example(text="9223372036854775808", base=10)
@example(text="-0x8000000000000000", base=0)
@example(text="0_0", base=0)
@example(text="00", base=0)
@example(text="012", base=0)
@example(text="0x", base=0)
@example(text="\u0661\u0662", base=10)
@example(text=" 1_000 ", base=10)
@example(text="1__0", base=10)
@example(text="\x1c1", base=10)
@example(text="z" * 30, base=36)
@example(text="1" * 5000, base=10)
@example(text="1" * 4400 + "x", base=10)
@example(text="0b" + "1" * 5000, base=0)
@example(text="x" * 300, base=10)
def test_str_to_int(text, base):
    check_int(text, base)


@pytest.mark.parametrize("base", [-1, 1, 37, 100, INT64_MIN])
def test_str_to_int_bad_base(base):
    assert parse_int("1", base) == ("raise", "ValueError", "int() base must be >= 2 and <= 36, or 0")


@st.composite
def float_literals(draw):
    parts = [draw(st.sampled_from(["", "", *SPACES]))]
    parts.append(draw(st.sampled_from(["", "", "+", "-", "+-"])))
    kind = draw(st.integers(0, 5))
    if kind == 0:
        parts.append(draw(st.sampled_from(["inf", "INF", "Infinity", "iNfInItY", "nan", "NaN",
                                           "infinit", "nanx", "in", "infinity_", "1_nan"])))
    else:
        parts.append(draw(st.text(alphabet="0123456789_", max_size=10)))
        if draw(st.booleans()):
            parts.append("." + draw(st.text(alphabet="0123456789_", max_size=10)))
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from("eE")) + draw(st.sampled_from(["", "+", "-", "_"])) +
                         draw(st.text(alphabet="0123456789_", max_size=4)))
    parts.append(draw(st.sampled_from(["", "", *SPACES, "x", "_", "\x00", "é", "\u0663", "0x1p3"])))
    return "".join(parts)


def check_float(text):
    theirs = python(float, text)
    ours = parse_float(text)
    if theirs[0] == "ok":
        assert ours[0] == "ok", (text, ours)
        a, b = ours[1], theirs[1]
        assert (math.isnan(a) and math.isnan(b)) or struct.pack("<d", a) == struct.pack("<d", b), text
        if math.isnan(b):
            assert math.copysign(1, a) == math.copysign(1, b), text
        return
    assert ours == theirs, text


@examples(600)
@given(text=float_literals())
@example(text="-nan")
@example(text="1e500")
@example(text="-1e-400")
@example(text="2.4703282292062328e-324")
@example(text="1_000.000_1e1_0")
@example(text="1_.0")
@example(text="1._0")
@example(text=".5")
@example(text="5.")
@example(text=".")
@example(text="0x1p3")
@example(text="\u0663.\u0661\u0664")
@example(text="   ")
@example(text="")
@example(text="1e")
@example(text="1e+")
@example(text="nan(123)")
def test_str_to_float(text):
    check_float(text)


@examples(300)
@given(x=floats)
def test_str_to_float_round_trip(x):
    for text in (repr(x), f"{x:.25e}", f"{x:.3g}"):
        check_float(text)


def test_every_unicode_decimal_digit_and_space():
    """int() accepts every decimal character and strips every whitespace
    character the interpreter knows (the tables come from it at build time)."""
    import sys
    import unicodedata
    decimals = [cp for cp in range(sys.maxunicode + 1)
                if unicodedata.decimal(chr(cp), -1) >= 0 and not 0xD800 <= cp < 0xE000]
    for cp in decimals:
        text = chr(cp) + "7"
        assert parse_int(text, 10) == ("ok", int(text)), hex(cp)
        assert parse_float(text) == ("ok", float(text)), hex(cp)
    assert with_strs(format_int, 5, chr(decimals[-1] - 8)) == ("ok", format(5, chr(decimals[-1] - 8)))
    spaces = [chr(cp) for cp in range(sys.maxunicode + 1)
              if chr(cp).isspace() and not 0xD800 <= cp < 0xE000]
    for ch in spaces + ["\x1f", "\x85", "\u180e", "\u200b", "\ufeff"]:
        for text in (ch + "12" + ch, ch + "-1.5" + ch):
            assert parse_int(text, 0)[:2] == python(int, text, 0)[:2], repr(text)
            assert parse_float(text)[:2] == python(float, text)[:2], repr(text)


EDGE_FORMATS = [
    (format_float, 1.5, ".2147483648f"), (format_float, 1.5, "99999999999999999999"),
    (format_int, 1, ".5"), (format_float, 1.5, ".9223372036854775807f"),
    (format_str, "ab", "\x00<5"), (format_int, 1, "\x00"), (format_int, 1, "<\x00"),
    (format_int, 1, "z"), (format_str, "a", "z"), (format_float, 2.5, ",_"),
    (format_float, 2.5, "_,"), (format_int, 7, ",x"), (format_int, 7, "_x"),
    (format_int, -7, "_b"), (format_int, 7, ",c"), (format_int, 7, "+c"),
    (format_int, 7, "#c"), (format_int, 0x110000, "c"), (format_int, -1, "c"),
    (format_float, 1.0, "d"), (format_str, "a", "d"), (format_int, 10**15, "n"),
    (format_float, 1234567.5, "n"), (format_float, 1234567.5, ",n"),
    (format_float, -0.0, "z"), (format_float, -0.0, "z.3"), (format_float, -1e-9, "z.2%"),
    (format_float, math.nan, "z"), (format_float, -math.inf, "z=10"),
    (format_float, 1e16, "#"), (format_float, 123.0, "#.3g"), (format_float, 0.0001, "#"),
]


@pytest.mark.parametrize("fn, value, spec", EDGE_FORMATS)
def test_format_edge_cases(fn, value, spec):
    check_format(fn, value, spec)


EDGE_INTS = [("0_7", 0), ("0_0", 0), ("0x_1f", 16), ("0x__1", 16), ("-0b1_0", 0), ("1_", 10),
             ("_1", 10), ("+_1", 10), ("0b1", 16), ("0b", 0), (" 0x ", 16), ("0o17", 8),
             ("0O1_7", 0), ("1\x00", 10), ("", 10), (" ", 0), ("-", 10), ("0x8000000000000000", 0),
             ("-0x8000000000000000", 0), ("-0x8000000000000001", 0), ("Z", 36), ("z", 35)]


@pytest.mark.parametrize("text, base", EDGE_INTS)
def test_str_to_int_edge_cases(text, base):
    check_int(text, base)


EDGE_FLOATS = ["1.e1", ".e1", "-.5", "+.e5", "1e-99999999999999999999", "1e99999999999999999999",
               "0" * 400 + "1e-400", "1_0.0_1", "1.5E+0_3", "Infinity ", " -InFiNiTy\n", "1\x00",
               "1_e5", "1e_5", "in_f", "1__0", "_1", "1_", "0x10", "1e5.0", "--1", "nan ", "+nan"]


@pytest.mark.parametrize("text", EDGE_FLOATS)
def test_str_to_float_edge_cases(text):
    check_float(text)


pct_pad = _bind("pjx_percent_pad_text", P, P, I32, I64, I64)


@pytest.mark.parametrize("fmt, args", [("%s", (0, -1, -1)), ("%8s", (0, 8, -1)),
                                       ("%-8.3s", (1, 8, 3)), ("%.0s", (0, -1, 0)),
                                       ("%+2s", (2, 2, -1)), ("%08s", (16, 8, -1))])
@pytest.mark.parametrize("value", [[1, 2], {"é": 1.5}, (None,), "x€"])
def test_percent_pad_text(fmt, args, value):
    assert with_strs(pct_pad, str(value), *args) == ("ok", fmt % (value,))
