"""Differential tests of the str and bytes runtime (libruntime/str*.c,
unicode.c, codec.c, bytes.c) against CPython's own methods.

Every function is called through ctypes at the address that
`pyjitx._ext.runtime_symbols()` hands to the JIT; strings are built with
pjx_str_from_utf8 and read back through the ABI layout of object.h.  Each
outcome is compared with CPython running the same method: values exactly,
exceptions by type and message.  Every object is released again and each
test checks that the runtime's live-object count returns to its start.
"""
from __future__ import annotations

import ctypes
import sys
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import pyjitx._ext as _ext

SYMBOLS = _ext.runtime_symbols()
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
P, I64, I32 = ctypes.c_void_p, ctypes.c_int64, ctypes.c_int32
KIND_OBJ = 4
TYPE_STR, TYPE_BYTES, TYPE_LIST, TYPE_TUPLE = 1, 2, 3, 6


def _bind(name, restype, *argtypes):
    return ctypes.CFUNCTYPE(restype, *argtypes)(SYMBOLS[name])


_err_kind = _bind("pjx_err_kind", I32)
_err_message = _bind("pjx_err_message", ctypes.c_char_p)
_err_clear = _bind("pjx_err_clear", None)
_kind_name = ctypes.CDLL(_ext.__file__).pjx_err_kind_name
_kind_name.restype = ctypes.c_char_p
_kind_name.argtypes = [I32]
_str_from_utf8 = _bind("pjx_str_from_utf8", P, ctypes.c_char_p, I64)
_bytes_from_data = _bind("pjx_bytes_from_data", P, ctypes.c_char_p, I64)
_decref = _bind("pjx_decref", None, P)
_list_new = _bind("pjx_list_new", P, I32, I64)
_list_append_steal = _bind("pjx_list_append_steal", I32, P, P)
_char_flags = _bind("pjx_str_char_flags", None, P, ctypes.POINTER(ctypes.c_uint16))


@pytest.fixture(autouse=True)
def _no_leaks():
    before = _ext.live_objects()
    yield
    assert _ext.live_objects() == before, "runtime objects leaked"


# ---------------------------------------------------------------------------
# marshalling

def _i64(addr, off):
    return ctypes.c_int64.from_address(addr + off).value


def _u32(addr, off):
    return ctypes.c_uint32.from_address(addr + off).value


def mk_str(s: str) -> int:
    data = s.encode("utf-8")
    ptr = _str_from_utf8(data, len(data))
    assert ptr
    return ptr


def mk_bytes(b: bytes) -> int:
    ptr = _bytes_from_data(b, len(b))
    assert ptr
    return ptr


def read_str(ptr: int) -> str:
    assert _u32(ptr, 8) == TYPE_STR
    nbytes, length = _i64(ptr, 16), _i64(ptr, 24)
    raw = ctypes.string_at(ptr + 48, nbytes + 1)
    assert raw[-1:] == b"\0", "missing NUL terminator"
    text = raw[:-1].decode("utf-8")  # must be valid UTF-8
    assert len(text) == length, "code-point length field is wrong"
    assert bool(_u32(ptr, 12) & 1) == text.isascii(), "ASCII flag is wrong"
    return text


def read_bytes(ptr: int) -> bytes:
    assert _u32(ptr, 8) == TYPE_BYTES
    size = _i64(ptr, 16)
    raw = ctypes.string_at(ptr + 32, size + 1)
    assert raw[-1:] == b"\0"
    return raw[:-1]


def read_list(ptr: int, reader) -> list:
    assert _u32(ptr, 8) == TYPE_LIST
    size, items = _i64(ptr, 16), _i64(ptr, 32)
    assert ctypes.c_int32.from_address(ptr + 40).value == KIND_OBJ
    return [reader(_i64(items, 8 * k)) for k in range(size)]


def read_tuple(ptr: int, reader) -> tuple:
    assert _u32(ptr, 8) == TYPE_TUPLE
    size = _i64(ptr, 16)
    kinds = ctypes.string_at(ptr + 32 + 8 * size, size)
    assert all(k == KIND_OBJ for k in kinds)
    return tuple(reader(_i64(ptr, 32 + 8 * k)) for k in range(size))


def mk_list(items, maker) -> int:
    lst = _list_new(KIND_OBJ, len(items))
    for it in items:
        assert _list_append_steal(lst, maker(it)) == 0
    return lst


# argument codes: s str, S str or None (NULL), b bytes, B bytes or None,
# i int, I int or None (INT64_MIN), l list of str, L list of bytes
_ARG = {"s": P, "S": P, "b": P, "B": P, "i": I64, "I": I64, "l": P, "L": P}
# result codes: s str, b bytes, i int64 (infallible), ? 0/1 (infallible),
# o int64 through an out pointer (fallible), l list of str, L list of bytes,
# t tuple of str
_RES = {"s": P, "b": P, "i": I64, "?": I64, "o": I32, "l": P, "L": P, "t": P}


class Fn:
    def __init__(self, name, sig):
        params, self.result = sig.split("->")
        self.name, self.params = name, params
        argtypes = [_ARG[c] for c in params]
        if self.result == "o":
            argtypes.append(ctypes.POINTER(I64))
        self.fn = _bind(name, _RES[self.result], *argtypes)

    def __call__(self, *args):
        """("ok", value) or ("raise", exception type name, message)."""
        assert _err_kind() == 0
        owned, cargs = [], []
        for code, a in zip(self.params, args):
            if code in "sS":
                v = None if a is None else mk_str(a)
            elif code in "bB":
                v = None if a is None else mk_bytes(a)
            elif code == "l":
                v = mk_list(a, mk_str)
            elif code == "L":
                v = mk_list(a, mk_bytes)
            else:
                v = INT64_MIN if a is None else a
            if code in "sSbBlL" and v is not None:
                owned.append(v)
            cargs.append(v)
        out = I64()
        if self.result == "o":
            cargs.append(ctypes.byref(out))
        try:
            r = self.fn(*cargs)
            kind = _err_kind()
            if self.result == "o":
                failed = r != 0
                assert r in (0, -1)
            elif self.result in "i?":
                failed = False
            else:
                failed = not r
            if failed:
                assert kind != 0, f"{self.name} failed without an exception"
                outcome = ("raise", _kind_name(kind).decode(), _err_message().decode())
                _err_clear()
                return outcome
            assert kind == 0, f"{self.name} succeeded with an exception set"
            if self.result == "o":
                return ("ok", out.value)
            if self.result == "i":
                return ("ok", r)
            if self.result == "?":
                assert r in (0, 1)
                return ("ok", bool(r))
            try:
                if self.result == "s":
                    return ("ok", read_str(r))
                if self.result == "b":
                    return ("ok", read_bytes(r))
                if self.result == "l":
                    return ("ok", read_list(r, read_str))
                if self.result == "L":
                    return ("ok", read_list(r, read_bytes))
                return ("ok", read_tuple(r, read_str))
            finally:
                _decref(r)
        finally:
            for v in owned:
                _decref(v)


def py(f, *args):
    try:
        return ("ok", f(*args))
    except Exception as exc:  # noqa: BLE001 - any exception is an outcome
        return ("raise", type(exc).__name__, str(exc))


def _fix(r):
    # CPython returns tuples/lists; partition gives a tuple
    return r


# ---------------------------------------------------------------------------
# strategies

SPECIAL = (
    "aAzZ09 _-.,:;'\"\\\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a"
    "\u2028\u2029\u202f\u205f\u3000ßẞİıiIΣσςΑαΆάﬁŉǅǈǋǲ\u0301\u0300\u0345\u0307"
    "日本語中文한국어😀👍🏽\U00010400\U00010428\u2126\u212a\u00b5\u1f80\u1fbc"
    "\x00\x7f\x80\xad\u200b\u200d\ufeff\U000e0001\u00bd\u0663\u2155\u00b2①"
    "\U0001d7ce\u0e50\u02b0\u1e9b\ufb05\u0149\u01f0\u0390"
)
chars = st.one_of(st.sampled_from(SPECIAL),
                  st.characters(blacklist_categories=("Cs",)))
text = st.text(chars, max_size=24)
short = st.text(st.sampled_from("ab Σ日😀\n\t"), max_size=3)
# separators/needles that actually occur
needle = st.one_of(short, st.text(chars, min_size=1, max_size=2))
index = st.one_of(st.none(), st.integers(-30, 30),
                  st.sampled_from([INT64_MAX, INT64_MIN + 1, -(2**62), 2**62]))
small_bytes = st.binary(max_size=24)
byte_seq = st.one_of(
    small_bytes,
    st.lists(st.sampled_from([b"a", b" ", b"\t", b"\xc3", b"\xa9", b"\xe6\x97\xa5", b"\xf0\x9f",
                              b"\x98\x80", b"\xed\xa0\x80", b"\xff", b"\x80", b"\xe0\x80",
                              b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\xf0\x90\x80"]),
             max_size=8).map(b"".join),
    text.map(lambda s: s.encode()))


def check(fn, pyfunc, *args):
    ours = fn(*args)
    theirs = py(pyfunc, *args)
    if theirs[0] == "ok" and isinstance(theirs[1], (list, tuple)):
        theirs = ("ok", type(ours[1])(theirs[1]) if ours[0] == "ok" else theirs[1])
    assert ours == theirs, (fn.name, args)


def _opt(*args):
    """Python call arguments with None-means-absent trailing ints removed."""
    return args


# ---------------------------------------------------------------------------
# core

getitem = Fn("pjx_str_getitem", "si->s")
slice_ = Fn("pjx_str_slice", "sIII->s")
concat = Fn("pjx_str_concat", "ss->s")
repeat = Fn("pjx_str_repeat", "si->s")
contains = Fn("pjx_str_contains", "ss->?")
ord_ = Fn("pjx_str_ord", "s->o")
chr_ = Fn("pjx_chr", "i->s")
repr_ = Fn("pjx_str_repr", "s->s")
eq = Fn("pjx_str_eq", "ss->?")
compare = Fn("pjx_str_compare", "ss->i")
hash_ = Fn("pjx_str_hash", "s->i")


@given(text, st.integers(-40, 40))
@example("日本語" * 100 + "x", 299)
@example("日本語" * 100 + "x", -2)
def test_getitem(s, i):
    check(getitem, lambda s, i: s[i], s, i)


def _long_texts():
    return st.one_of(text, st.lists(text, max_size=40).map("".join),
                     text.map(lambda t: t * 20))


@given(_long_texts(), index, index, st.one_of(st.none(), st.integers(-5, 5),
                                              st.sampled_from([INT64_MAX, INT64_MIN + 1])))
def test_slice(s, a, b, c):
    check(slice_, lambda s, a, b, c: s[a:b:c], s, a, b, c)


def test_index_on_long_non_ascii_string():
    s = "".join(chr(0x4E00 + k) if k % 3 else chr(0x61 + k % 26) for k in range(5000))
    ptr = mk_str(s)
    f = _bind("pjx_str_getitem", P, P, I64)
    try:
        for i in list(range(0, 5000, 37)) + [4999, 64, 63, 128, 127]:
            r = f(ptr, i)
            assert read_str(r) == s[i]
            _decref(r)
    finally:
        _decref(ptr)
    check(slice_, lambda s, a, b, c: s[a:b:c], s, 100, 4000, 7)
    check(slice_, lambda s, a, b, c: s[a:b:c], s, 4000, 10, -13)


@given(text, text)
def test_concat_contains_compare(a, b):
    check(concat, lambda a, b: a + b, a, b)
    check(contains, lambda a, b: b in a, a, b)
    check(contains, lambda a, b: b in a, a + b, b)
    check(eq, lambda a, b: a == b, a, b)
    check(eq, lambda a, b: a == b, a, a)
    check(compare, lambda a, b: (a > b) - (a < b), a, b)
    h = hash_(a)
    assert h[0] == "ok" and h[1] != -1 and h == hash_(a)


@given(text, st.integers(-3, 6))
def test_repeat(s, n):
    check(repeat, lambda s, n: s * n, s, n)


def test_repeat_overflow():
    assert repeat("ab", 2**62) == ("raise", "OverflowError", "repeated string is too long")
    assert repeat("ab", 2**61)[1] == "MemoryError"


@given(text)
def test_ord_and_iteration(s):
    check(ord_, ord, s)
    ptr = mk_str(s)
    nxt = _bind("pjx_str_next_char", P, P, ctypes.POINTER(I64))
    pos = I64(0)
    got = []
    try:
        while True:
            r = nxt(ptr, ctypes.byref(pos))
            if not r:
                break
            got.append(read_str(r))
            _decref(r)
        assert _err_kind() == 0
    finally:
        _decref(ptr)
    assert got == list(s)


@given(st.one_of(st.integers(-5, 0x110005), st.sampled_from(
    [INT64_MIN, INT64_MAX, 2**31, 2**31 - 1, -(2**31), -(2**31) - 1])))
@example(0xD800)
def test_chr(i):
    if 0xD800 <= i < 0xE000:
        outcome = chr_(i)
        assert outcome[:2] == ("raise", "ValueError") and "surrogate" in outcome[2]
        return
    check(chr_, chr, i)


@given(text)
@example("'")
@example("'\"")
@example("\x00\x7f\x80\xa0\xad\u2028\U000e0001\\\t\n\r")
def test_repr(s):
    check(repr_, repr, s)


# ---------------------------------------------------------------------------
# methods

split = Fn("pjx_str_split", "sSi->l")
rsplit = Fn("pjx_str_rsplit", "sSi->l")
splitlines = Fn("pjx_str_splitlines", "si->l")
join = Fn("pjx_str_join", "sl->s")
maxsplits = st.one_of(st.just(-1), st.integers(-2, 5), st.just(INT64_MIN))


@given(text, st.one_of(st.none(), needle), maxsplits)
@example(" a  b \x1c c\x85d\u3000", None, -1)
@example("a,b,,c", ",", 2)
@example("abc", "", -1)
def test_split(s, sep, maxsplit):
    m = -1 if maxsplit == INT64_MIN else maxsplit
    check(split, lambda s, sep, _: s.split(sep, m), s, sep, maxsplit)
    check(rsplit, lambda s, sep, _: s.rsplit(sep, m), s, sep, maxsplit)
    if sep:
        joined = sep.join([s, s, ""])
        check(split, lambda s, sep, _: s.split(sep, m), joined, sep, maxsplit)
        check(rsplit, lambda s, sep, _: s.rsplit(sep, m), joined, sep, maxsplit)


@given(text, st.booleans())
@example("a\r\nb\rc\n\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029d\r", True)
def test_splitlines(s, keep):
    check(splitlines, lambda s, k: s.splitlines(bool(k)), s, int(keep))


@given(text, st.lists(text, max_size=5))
def test_join(sep, items):
    check(join, lambda sep, items: sep.join(items), sep, items)


strip_fns = [(Fn(f"pjx_str_{n}", "sS->s"), n) for n in ("strip", "lstrip", "rstrip")]


@given(text, st.one_of(st.none(), short, text))
@example(" \t\x1c\x85\u3000 x \u2028\xa0", None)
def test_strip(s, chars):
    for fn, name in strip_fns:
        check(fn, lambda s, c: getattr(s, name)(c), s, chars)
        check(fn, lambda s, c: getattr(s, name)(c), (chars or " ") + s + (chars or "\t"), chars)


case_names = ["lower", "upper", "casefold", "capitalize", "title", "swapcase"]
case_fns = [(Fn(f"pjx_str_{n}", "s->s"), n) for n in case_names]


@given(text)
@example("ΑΣ ΑΣΑ Σ ΑΣ\u0301 Α\u0345Σ Α.Σ. ΣΑ ᾼΣ")
@example("ß ẞ İ ǅ ǈ ﬁ ŉ ΐ ᾀ ᾼ \u0345")
@example("hello WORLD o'neil 3rd x_y")
def test_case_mappings(s):
    for fn, name in case_fns:
        check(fn, getattr(str, name), s)


predicate_names = ["isalpha", "isalnum", "isdecimal", "isdigit", "isnumeric", "isspace",
                   "isupper", "islower", "istitle", "isprintable", "isidentifier", "isascii"]
predicate_fns = [(Fn(f"pjx_str_{n}", "s->?"), n) for n in predicate_names]


@given(st.one_of(text, st.text(st.sampled_from("aA1 _ǅ\u0301Σ½"), max_size=5)))
@example("")
@example("Hello World")
@example("ǅungla")
@example("_x1")
@example("1x")
def test_predicates(s):
    for fn, name in predicate_fns:
        check(fn, getattr(str, name), s)


replace = Fn("pjx_str_replace", "sssi->s")


@given(text, st.one_of(needle, st.just("")), short, st.integers(-2, 4))
@example("abc", "", "-", -1)
@example("", "", "x", -1)
@example("abc", "", "-", 2)
def test_replace(s, old, new, count):
    check(replace, lambda s, o, n, c: s.replace(o, n, c), s, old, new, count)
    check(replace, lambda s, o, n, c: s.replace(o, n, c), old.join([s, s, s]), old, new, count)


search = {n: Fn(f"pjx_str_{n}", "ssII->" + ("o" if "index" in n else "i" if "find" in n or n == "count" else "?"))
          for n in ("find", "rfind", "index", "rindex", "count", "startswith", "endswith")}


@given(text, st.one_of(needle, st.just("")), index, index)
@example("abc", "", 4, None)
@example("abc", "", 3, None)
@example("abc", "", 2, 1)
@example("日本語日本", "本", 2, None)
def test_search(s, sub, start, end):
    for name, fn in search.items():
        def f(s, sub, a, b, name=name):
            return getattr(s, name)(sub, a, b)
        check(fn, f, s, sub, start, end)
        check(fn, f, sub.join([s, s]), sub, start, end)


partition = Fn("pjx_str_partition", "ss->t")
rpartition = Fn("pjx_str_rpartition", "ss->t")


@given(text, st.one_of(needle, st.just("")))
def test_partition(s, sep):
    check(partition, str.partition, s, sep)
    check(rpartition, str.rpartition, s, sep)
    check(partition, str.partition, sep.join([s, s, s]), sep)
    check(rpartition, str.rpartition, sep.join([s, s, s]), sep)


pad_fns = [(Fn(f"pjx_str_{n}", "siS->s"), n) for n in ("center", "ljust", "rjust")]
zfill = Fn("pjx_str_zfill", "si->s")
expandtabs = Fn("pjx_str_expandtabs", "sI->s")


@given(text, st.integers(-2, 30), st.one_of(st.none(), short))
@example("abc", 6, None)
@example("abc", 8, "日")
@example("ab", 5, "")
def test_padding(s, width, fill):
    for fn, name in pad_fns:
        def f(s, w, c, name=name):
            return getattr(s, name)(w) if c is None else getattr(s, name)(w, c)
        check(fn, f, s, width, fill)
    check(zfill, str.zfill, s, width)
    check(zfill, str.zfill, "-" + s, width)
    check(zfill, str.zfill, "+" + s, width)


@given(st.text(st.sampled_from("ab日\t\n\r😀 "), max_size=20), st.one_of(st.none(), st.integers(-2, 9)))
def test_expandtabs(s, tabsize):
    check(expandtabs, lambda s, t: s.expandtabs() if t is None else s.expandtabs(t), s, tabsize)


# ---------------------------------------------------------------------------
# codecs

encode = Fn("pjx_str_encode", "sSS->b")
decode = Fn("pjx_bytes_decode", "bSS->s")
ENCODINGS = [None, "utf-8", "UTF8", "utf_8", "ascii", "latin-1", "Latin1", "iso-8859-1", "ebcdic"]
ERRORS = [None, "strict", "ignore", "replace", "backslashreplace", "xmlcharrefreplace", "bogus"]


@given(text, st.sampled_from(ENCODINGS), st.sampled_from(ERRORS))
def test_encode(s, encoding, errors):
    def f(s, e, r):
        return s.encode(e or "utf-8", r or "strict")
    check(encode, f, s, encoding, errors)


@given(byte_seq, st.sampled_from(ENCODINGS), st.sampled_from(ERRORS + ["surrogateescape"]))
@example(b"\xff", None, None)
@example(b"a\xe6\x97", None, None)
@example(b"\xed\xa0\x80", None, "replace")
@example(b"\xf0\x9f\x98", None, "backslashreplace")
def test_decode(b, encoding, errors):
    def f(b, e, r):
        return b.decode(e or "utf-8", r or "strict")
    theirs = py(f, b, encoding, errors)
    if errors == "surrogateescape" and theirs[0] == "ok" and any(
            0xD800 <= ord(c) < 0xE000 for c in theirs[1]):
        # documented deviation: surrogates cannot be stored, so this raises
        # the error that 'strict' would raise
        assert decode(b, encoding, errors) == py(f, b, encoding, "strict")
        return
    assert decode(b, encoding, errors) == theirs


# ---------------------------------------------------------------------------
# bytes

bfn = {
    "getitem": Fn("pjx_bytes_getitem", "bi->o"),
    "slice": Fn("pjx_bytes_slice", "bIII->b"),
    "concat": Fn("pjx_bytes_concat", "bb->b"),
    "repeat": Fn("pjx_bytes_repeat", "bi->b"),
    "contains": Fn("pjx_bytes_contains", "bb->?"),
    "contains_int": Fn("pjx_bytes_contains_int", "bi->o"),
    "repr": Fn("pjx_bytes_repr", "b->s"),
    "lower": Fn("pjx_bytes_lower", "b->b"),
    "upper": Fn("pjx_bytes_upper", "b->b"),
    "join": Fn("pjx_bytes_join", "bL->b"),
    "replace": Fn("pjx_bytes_replace", "bbbi->b"),
}
bsearch = {n: Fn(f"pjx_bytes_{n}", "bbII->" + ("o" if n == "index" else "i" if "find" in n or n == "count" else "?"))
           for n in ("find", "rfind", "index", "count", "startswith", "endswith")}
bsplit = {n: Fn(f"pjx_bytes_{n}", "bBi->L") for n in ("split", "rsplit")}
bstrip = {n: Fn(f"pjx_bytes_{n}", "bB->b") for n in ("strip", "lstrip", "rstrip")}
bneedle = st.one_of(st.binary(max_size=2), st.sampled_from([b" ", b"a", b"ab", b"\xff"]))


@given(byte_seq, byte_seq, st.integers(-30, 30), index, index, st.one_of(st.none(), st.integers(-4, 4)))
def test_bytes_basic(a, b, i, start, stop, step):
    check(bfn["getitem"], lambda a, i: a[i], a, i)
    check(bfn["slice"], lambda a, x, y, z: a[x:y:z], a, start, stop, step)
    check(bfn["concat"], lambda a, b: a + b, a, b)
    check(bfn["repeat"], lambda a, n: a * n, a, i % 5 - 1)
    check(bfn["contains"], lambda a, b: b in a, a, b)
    check(bfn["contains"], lambda a, b: b in a, a + b, b)
    check(bfn["contains_int"], lambda a, v: v in a, a, i * 9)
    check(bfn["repr"], repr, a)
    check(bfn["lower"], bytes.lower, a)
    check(bfn["upper"], bytes.upper, a)
    check(bfn["join"], lambda s, items: s.join(items), b[:2], [a, b, a])


@given(byte_seq, st.one_of(bneedle, st.just(b"")), index, index, maxsplits, bneedle)
def test_bytes_methods(b, sub, start, end, maxsplit, new):
    for name, fn in bsearch.items():
        def f(b, s, x, y, name=name):
            return getattr(b, name)(s, x, y)
        check(fn, f, b, sub, start, end)
        check(fn, f, sub.join([b, b]), sub, start, end)
    m = -1 if maxsplit == INT64_MIN else maxsplit
    for name, fn in bsplit.items():
        for sep in (None, sub):
            check(fn, lambda b, s, _, name=name: getattr(b, name)(s, m), sub.join([b, b, b]), sep, maxsplit)
    for name, fn in bstrip.items():
        for chars in (None, sub):
            check(fn, lambda b, c, name=name: getattr(b, name)(c), b" \t" + b + b"\n", chars)
    check(bfn["replace"], lambda b, o, n, c: b.replace(o, n, c), sub.join([b, b]), sub, new, m)


# ---------------------------------------------------------------------------
# exhaustive checks of the Unicode tables: every code point but surrogates

ALL = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)

FLAG_BITS = {
    "ALPHA": 0x0001, "DECIMAL": 0x0002, "DIGIT": 0x0004, "NUMERIC": 0x0008,
    "SPACE": 0x0010, "UPPER": 0x0020, "LOWER": 0x0040, "PRINTABLE": 0x0400,
    "XID_START": 0x0800, "XID_CONTINUE": 0x1000, "LINEBREAK": 0x2000,
}


def test_unicode_version():
    version = ctypes.c_char_p(SYMBOLS["pjx_unicode_version"]).value.decode()
    assert version == unicodedata.unidata_version


def test_every_code_point_properties():
    ptr = mk_str(ALL)
    try:
        out = (ctypes.c_uint16 * len(ALL))()
        _char_flags(ptr, out)
    finally:
        _decref(ptr)
    flags = memoryview(out).cast("B").cast("H")
    oracles = {
        "ALPHA": str.isalpha, "DECIMAL": str.isdecimal, "DIGIT": str.isdigit,
        "NUMERIC": str.isnumeric, "SPACE": str.isspace, "UPPER": str.isupper,
        "LOWER": str.islower, "PRINTABLE": str.isprintable, "XID_START": str.isidentifier,
    }
    for name, oracle in oracles.items():
        bit = FLAG_BITS[name]
        got = [bool(f & bit) for f in flags]
        want = list(map(oracle, ALL))
        if got != want:
            bad = [hex(ord(c)) for c, g, w in zip(ALL, got, want) if g != w]
            pytest.fail(f"{name} differs from CPython on {len(bad)} code points: {bad[:10]}")
    got = [bool(f & FLAG_BITS["XID_CONTINUE"]) for f in flags]
    want = [("a" + c).isidentifier() for c in ALL]
    assert got == want, "XID_Continue differs"
    got = [bool(f & FLAG_BITS["LINEBREAK"]) for f in flags]
    want = [len(("a" + c + "a").splitlines()) == 2 for c in ALL]
    assert got == want, "line breaks differ"


@pytest.mark.parametrize("name", ["lower", "upper", "casefold", "swapcase"])
def test_every_code_point_case_map(name):
    """One call over all code points: these maps are context-free except
    lower()'s final sigma, which sees the same context in CPython."""
    assert case_fns[case_names.index(name)][0](ALL) == ("ok", getattr(ALL, name)())


def test_every_code_point_title():
    # each character after a space: title-cases every code point; after 'a'
    # (cased) and after U+00B7 (case-ignorable) exercises the rest
    fn = case_fns[case_names.index("title")][0]
    for glue in (" ", "a", "\u00b7"):
        s = glue + glue.join(ALL)
        assert fn(s) == ("ok", s.title()), glue


def test_final_sigma_every_neighbour():
    """The case-ignorable and cased properties, through lower()'s final-sigma
    rule, for every code point on each side of a sigma."""
    fn = case_fns[case_names.index("lower")][0]
    parts = []
    for c in ALL:
        parts.append("A" + c + "Σ" + c + " ")
        parts.append(" " + c + "Σ ")
    s = "".join(parts)
    assert fn(s) == ("ok", s.lower())


def test_index_built_concurrently():
    """Threads race to install the lazy code-point index (ctypes releases
    the GIL): every lookup is right and exactly one index survives."""
    import threading
    s = "".join(chr(0x3041 + k % 80) if k % 5 else "x" for k in range(20000))
    f = _bind("pjx_str_getitem", P, P, I64)
    errors = []
    for _ in range(5):
        ptr = mk_str(s)
        barrier = threading.Barrier(4)

        def work(seed, ptr=ptr, barrier=barrier):
            barrier.wait()
            for i in range(seed, 20000, 997):
                r = f(ptr, i)
                if read_str(r) != s[i]:
                    errors.append(i)
                _decref(r)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        _decref(ptr)
    assert not errors
