"""array.array in compiled code, differentially against CPython: every
typecode but 'u' (a CompileError), construction from a list, an array or
bytes, stores with CPython's range checks and messages (OverflowError
"unsigned byte integer is greater than maximum", "signed char is less than
minimum" ..., TypeError for a float into an int array), 'f' rounding to a
C float, indexing and its IndexErrors, slicing, len, iteration, ==, repr,
+ and *, the methods, an array held in an attribute of a compiled class;
and what is not supported yet (an array crossing into Python, an array in
an Any) as a CompileError."""
from __future__ import annotations

import array
from typing import List

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjitx
from difftest import assert_same

pytestmark = pytest.mark.needs_jit

INT_CODES = "bBhHiIlLqQ"
int64s = st.integers(-2 ** 63, 2 ** 63 - 1)
edge_ints = st.sampled_from([0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768,
                             -32769, 65535, 65536, 2 ** 31 - 1, 2 ** 31, -2 ** 31, -2 ** 31 - 1,
                             2 ** 32 - 1, 2 ** 32, 2 ** 63 - 1, -2 ** 63])
ints = edge_ints | int64s | st.integers(-300, 300)
floats = st.floats(allow_nan=False) | st.sampled_from([0.1, -0.0, 1e300, 3.4e38, 1.5])


# one function per typecode: the typecode is a constant, as it must be

def store_b(xs: List[int], v: int, i: int) -> str:
    a = array.array('b', xs)
    a[i] = v
    a.append(v)
    a.insert(0, v)
    return repr(a) + " " + str(len(a)) + " " + repr(a.tobytes())


def build_b(ys: List[int]) -> str:
    return repr(array.array('b', ys))


def store_bu(xs: List[int], v: int, i: int) -> str:
    a = array.array('B', xs)
    a[i] = v
    a.append(v)
    a.insert(0, v)
    return repr(a) + " " + str(len(a)) + " " + repr(a.tobytes())


def build_bu(ys: List[int]) -> str:
    return repr(array.array('B', ys))


def store_h(xs: List[int], v: int, i: int) -> str:
    a = array.array('h', xs)
    a[i] = v
    a.append(v)
    a.insert(0, v)
    return repr(a) + " " + str(len(a)) + " " + repr(a.tobytes())


def build_h(ys: List[int]) -> str:
    return repr(array.array('h', ys))


def store_hu(xs: List[int], v: int, i: int) -> str:
    a = array.array('H', xs)
    a[i] = v
    a.append(v)
    a.insert(0, v)
    return repr(a) + " " + str(len(a)) + " " + repr(a.tobytes())


def build_hu(ys: List[int]) -> str:
    return repr(array.array('H', ys))


def store_i(xs: List[int], v: int, i: int) -> str:
    a = array.array('i', xs)
    a[i] = v
    a.append(v)
    a.insert(0, v)
    return repr(a) + " " + str(len(a)) + " " + repr(a.tobytes())


def build_i(ys: List[int]) -> str:
    return repr(array.array('i', ys))


def store_iu(xs: List[int], v: int, i: int) -> str:
    a = array.array('I', xs)
    a[i] = v
    a.append(v)
    a.insert(0, v)
    return repr(a) + " " + str(len(a)) + " " + repr(a.tobytes())


def build_iu(ys: List[int]) -> str:
    return repr(array.array('I', ys))


def store_l(xs: List[int], v: int, i: int) -> str:
    a = array.array('l', xs)
    a[i] = v
    a.append(v)
    a.insert(0, v)
    return repr(a) + " " + str(len(a)) + " " + repr(a.tobytes())


def build_l(ys: List[int]) -> str:
    return repr(array.array('l', ys))


def store_lu(xs: List[int], v: int, i: int) -> str:
    a = array.array('L', xs)
    a[i] = v
    a.append(v)
    a.insert(0, v)
    return repr(a) + " " + str(len(a)) + " " + repr(a.tobytes())


def build_lu(ys: List[int]) -> str:
    return repr(array.array('L', ys))


def store_q(xs: List[int], v: int, i: int) -> str:
    a = array.array('q', xs)
    a[i] = v
    a.append(v)
    a.insert(0, v)
    return repr(a) + " " + str(len(a)) + " " + repr(a.tobytes())


def build_q(ys: List[int]) -> str:
    return repr(array.array('q', ys))


def store_qu(xs: List[int], v: int, i: int) -> str:
    a = array.array('Q', xs)
    a[i] = v
    a.append(v)
    a.insert(0, v)
    return repr(a) + " " + str(len(a)) + " " + repr(a.tobytes())


def build_qu(ys: List[int]) -> str:
    return repr(array.array('Q', ys))


STORES = {'b': store_b, 'B': store_bu, 'h': store_h, 'H': store_hu, 'i': store_i, 'I': store_iu, 'l': store_l, 'L': store_lu, 'q': store_q, 'Q': store_qu}
BUILDS = {'b': build_b, 'B': build_bu, 'h': build_h, 'H': build_hu, 'i': build_i, 'I': build_iu, 'l': build_l, 'L': build_lu, 'q': build_q, 'Q': build_qu}
COMPILED_STORES = {tc: pyjitx.compile(f) for tc, f in STORES.items()}
COMPILED_BUILDS = {tc: pyjitx.compile(f) for tc, f in BUILDS.items()}


@pytest.mark.parametrize("tc", INT_CODES)
@given(v=ints, i=st.integers(-4, 4))
def test_an_int_store_has_cpythons_range_check_and_message(tc, v, i):
    assert_same(STORES[tc], COMPILED_STORES[tc], [1, 2, 3], v, i)
    try:
        STORES[tc]([1, 2, 3], v, i)
    except (OverflowError, IndexError) as expected:
        with pytest.raises(type(expected)) as got:
            COMPILED_STORES[tc]([1, 2, 3], v, i)
        assert str(got.value) == str(expected)


@pytest.mark.parametrize("tc", INT_CODES)
@given(xs=st.lists(ints, max_size=5))
def test_construction_checks_every_item(tc, xs):
    fn, compiled = BUILDS[tc], COMPILED_BUILDS[tc]
    assert_same(fn, compiled, xs)
    try:
        fn(xs)
    except OverflowError as expected:
        with pytest.raises(OverflowError) as got:
            compiled(xs)
        assert str(got.value) == str(expected)


def float_array(xs: List[float], v: float, w: int) -> str:
    f = array.array('f', xs)
    d = array.array('d', xs)
    f.append(v)
    d.append(w)
    d[0] = v if len(d) > 1 else 0.5
    return repr(f) + str(d) + repr(f.tobytes()) + repr(d.tolist()) + str(f == d)


@given(st.lists(floats, max_size=4), floats, st.integers(-10 ** 6, 10 ** 6))
def test_float_arrays_round_f_to_a_c_float(xs, v, w):
    assert_same(float_array, pyjitx.compile(float_array), xs, v, w)


def float_into_int_array(v: float) -> str:
    a = array.array('B', [1])
    a[0] = v
    return repr(a)


def test_a_float_into_an_int_array_is_type_error():
    with pytest.raises(TypeError, match="'float' object cannot be interpreted as an integer"):
        pyjitx.compile(float_into_int_array)(1.0)


def indexing(n: int, i: int, j: int, k: int) -> str:
    a = array.array('h', [x * 3 - 7 for x in range(n)])
    out = [a[i], a[-1] if a else 0]
    part = a[i:j:k] if k != 0 else a[i:j]
    total = 0
    for x in a:
        total += x
    return repr(out) + repr(part) + str(total) + str(bool(a)) + str(len(part))


@given(st.integers(0, 6), st.integers(-8, 8), st.integers(-8, 8), st.integers(-3, 3))
def test_indexing_slicing_iteration(n, i, j, k):
    assert_same(indexing, pyjitx.compile(indexing), n, i, j, k)
    try:
        indexing(n, i, j, k)
    except IndexError as expected:
        with pytest.raises(IndexError, match=str(expected)):
            pyjitx.compile(indexing)(n, i, j, k)


def methods(xs: List[int], x: int, y: float) -> str:
    a = array.array('i', xs)
    out: List[str] = []
    out.append(str(a.count(x)) + " " + str(a.count(y)))
    try:
        out.append(str(a.index(x)))
    except ValueError as e:
        out.append("ValueError " + str(e))
    try:
        a.remove(x)
        out.append(repr(a))
    except ValueError as e:
        out.append("ValueError " + str(e))
    try:
        out.append(str(a.pop()) + str(a.pop(0)))
    except IndexError as e:
        out.append("IndexError " + str(e))
    a.extend(array.array('i', [x, x]))
    a.extend([1, 2])
    a.reverse()
    b = a + a
    b *= 2
    c = 2 * a
    a.frombytes(array.array('i', [5]).tobytes())
    out.append(repr(a) + repr(b) + repr(c) + a.typecode + str(a.itemsize) + str(a == c)
               + str(a != b) + str(a == array.array('d', a.tolist())))
    del a[0]
    out.append(repr(a))
    return " | ".join(out)


@given(st.lists(st.integers(-5, 5), max_size=5), st.integers(-5, 5), st.sampled_from([1.0, 2.5, -0.0]))
def test_methods(xs, x, y):
    assert_same(methods, pyjitx.compile(methods), xs, x, y)


def from_bytes(data: bytes) -> str:
    a = array.array('H', data)
    return repr(a) + repr(a.tobytes() == data)


@given(st.binary(max_size=9))
def test_from_bytes(data):
    assert_same(from_bytes, pyjitx.compile(from_bytes), data)
    if len(data) % 2:
        with pytest.raises(ValueError, match="bytes length not a multiple of item size"):
            pyjitx.compile(from_bytes)(data)


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.bytes = array.array('B', [0] * (width * height * 3))
        self.width = width

    def plot(self, x: int, y: int, r: float) -> None:
        self.bytes[(y * self.width + x) * 3] = max(0, min(255, int(r * 255)))
        self.bytes[(y * self.width + x) * 3 + 1] += 1

    def digest(self) -> str:
        return repr(self.bytes.tobytes())


def paint(w: int, h: int, r: float) -> str:
    c = Canvas(w, h)
    for y in range(h):
        for x in range(w):
            c.plot(x, y, r * (x + 1) / (y + 1))
    return c.digest()


@given(st.integers(1, 4), st.integers(1, 4), st.floats(-2, 2))
def test_an_array_held_in_an_attribute(w, h, r):
    assert_same(paint, pyjitx.compile(paint), w, h, r)


def test_what_is_not_supported_yet_is_a_compile_error():
    def in_any(n: int) -> str:
        xs: List[object] = [array.array('b', [n])]
        return repr(xs)

    def wide_char() -> str:
        return repr(array.array('u', []))

    def variable_code(tc: str) -> int:
        return len(array.array(tc, [1]))

    def annotated(a: array.array) -> int:
        return len(a)

    for fn, args, message in [(in_any, [1], "held as an Any"),
                              (wide_char, [], "array.array\\('u'\\)"),
                              (variable_code, ["b"], "typecode must be a constant str"),
                              (annotated, [array.array('b')], "unsupported annotation")]:
        with pytest.raises(pyjitx.CompileError, match=message):
            pyjitx.compile(fn)(*args)


# ---------------------------------------------------------------- the boundary

def made_d(xs: List[float]):
    return array.array('d', xs)


def made_f(xs: List[float]):
    return array.array('f', xs)


@pytest.mark.parametrize("fn", [made_d, made_f])
@given(xs=st.lists(floats, max_size=5))
def test_an_array_returned_is_an_array_array(fn, xs):
    got = pyjitx.compile(fn)(xs)
    expected = fn(xs)
    assert type(got) is array.array and got.typecode == expected.typecode
    assert got.tobytes() == expected.tobytes()


def mutate(a, v: int, data: bytes) -> int:   # (unannotated: typed by the argument's typecode)
    a.append(v)
    if len(a) > 1:
        a[0] = v
    a.frombytes(data)
    return len(a)


@pytest.mark.parametrize("tc", INT_CODES)
@given(xs=st.lists(st.integers(0, 100), max_size=4), v=ints, n=st.integers(0, 3))
def test_an_array_argument_is_written_back(tc, xs, v, n):
    expected, got = array.array(tc, xs), array.array(tc, xs)
    data = array.array(tc, list(range(n))).tobytes()
    try:
        result = mutate(expected, v, data)
    except OverflowError as e:
        with pytest.raises(OverflowError, match=str(e)):
            pyjitx.compile(mutate)(got, v, data)
        assert got == expected  # (unchanged by either)
        return
    assert pyjitx.compile(mutate)(got, v, data) == result
    assert got == expected and got.typecode == expected.typecode


def test_an_unsigned_64_bit_item_past_int64_is_overflow_error_at_the_boundary():
    with pytest.raises(OverflowError, match="too large"):
        pyjitx.compile(mutate)(array.array('Q', [2 ** 64 - 1]), 1, b"")


def test_a_compiled_instance_attribute_read_from_python():
    c, plain = pyjitx.compile(Canvas)(2, 1), Canvas(2, 1)
    c.plot(1, 0, 0.5)
    plain.plot(1, 0, 0.5)
    assert type(c.bytes) is array.array and c.bytes == plain.bytes
