"""NDArray whole-array operations in compiled code, differentially against
numpy: the same source runs in CPython on numpy arrays and compiled.

The reference is the installed numpy (2.x: NEP 50 "weak scalar"
promotion, the behaviour pyjitx follows); values, dtypes, shapes and exceptions (type and message) must agree.
Operands are drawn by hypothesis over every dtype and over shapes with
empty and size-1 dimensions, including broadcasting pairs.
"""
from __future__ import annotations

import contextlib
import warnings
from typing import List

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pyjitx
from pyjitx import NDArray

from test_arrays import same

DTYPES = ["bool", "uint8", "int8", "int32", "int64", "float16", "float32", "float64"]


@contextlib.contextmanager
def numpy_quietly():
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def run_both(compiled, *args):
    """(CPython outcome, compiled outcome); an outcome is a value or the
    exception raised."""
    def outcome(fn, values):
        try:
            return fn(*values)
        except Exception as exc:  # noqa: BLE001 - compared
            return exc

    with numpy_quietly():
        expected = outcome(compiled.py_func, [a.copy() if isinstance(a, np.ndarray) else a
                                              for a in args])
    actual = outcome(compiled, [a.copy() if isinstance(a, np.ndarray) else a for a in args])
    return expected, actual


def int16_as_int32(value):
    """The documented differences (docs/guide/arrays.md): pyjitx has no int16
    (where numpy makes one, uint8 with int8, pyjitx makes int32) and no
    uint64 (sums of uint8 are int64); an element reads as a Python scalar."""
    if isinstance(value, tuple):
        return tuple(int16_as_int32(v) for v in value)
    if isinstance(value, np.ndarray) and value.dtype == np.int16:
        return value.astype(np.int32)
    if isinstance(value, np.ndarray) and value.dtype == np.uint64:
        return value.astype(np.int64)
    if isinstance(value, np.generic):
        return value.item()
    return value


def check(compiled, *args):
    expected, actual = run_both(compiled, *args)
    expected = int16_as_int32(expected)
    if isinstance(expected, Exception):
        assert isinstance(actual, Exception), (expected, actual)
        assert type(actual) is type(expected) or (
            isinstance(expected, np.AxisError) and isinstance(actual, ValueError)), (expected, actual)
        return
    if isinstance(actual, Exception):
        raise actual
    same(expected, actual)


def elements(dtype: str):
    if dtype.startswith("float"):
        return st.floats(width=int(dtype[5:]), allow_nan=True, allow_infinity=True)
    if dtype == "int64":
        return st.integers(-2**40, 2**40)  # sums of a few stay in range
    return None


def arrays(dtype, shape=None, max_dims=3):
    shape = shape if shape is not None else hnp.array_shapes(min_dims=1, max_dims=max_dims,
                                                             min_side=0, max_side=4)
    return hnp.arrays(np.dtype(dtype), shape, elements=elements(dtype))


@st.composite
def broadcast_pair(draw, dtypes=DTYPES):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=3,
                                                    min_side=0, max_side=4))
    a = draw(arrays(draw(st.sampled_from(dtypes)), shapes.input_shapes[0]))
    b = draw(arrays(draw(st.sampled_from(dtypes)), shapes.input_shapes[1]))
    return a, b


# ------------------------------------------------------------ binary


@pyjitx.compile
def arith(a: NDArray, b: NDArray):
    return a + b, a - b, a * b, a / b


@pyjitx.compile
def compare(a: NDArray, b: NDArray):
    return a < b, a <= b, a == b, a != b, a > b, a >= b


@pyjitx.compile
def floor_ops(a: NDArray, b: NDArray):
    return a // b, a % b


@given(broadcast_pair(DTYPES[1:]))  # bool - bool is a numpy TypeError: tested below
def test_arithmetic_with_broadcasting(pair):
    check(arith, *pair)


@given(broadcast_pair())
def test_comparisons(pair):
    check(compare, *pair)


@given(broadcast_pair(["uint8", "int8", "int32", "int64", "float32", "float64"]))
def test_floor_division_and_modulo(pair):
    check(floor_ops, *pair)


def test_shapes_that_do_not_broadcast_raise_value_error():
    check(arith, np.zeros((2, 3)), np.zeros((4,)))


def test_bool_subtraction_is_a_compile_error_as_numpy_raises():
    def sub(a: NDArray[np.bool_, 1], b: NDArray[np.bool_, 1]):
        return a - b

    with pytest.raises(pyjitx.CompileError, match="unsupported operand"):
        pyjitx.compile(sub)(np.zeros(2, bool), np.zeros(2, bool))


@pyjitx.compile
def with_scalars(a: NDArray, i: int, x: float, flag: bool):
    return a + i, i * a, a - x, x / a, a * flag, a > i, x <= a


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
@settings(max_examples=40)
def test_python_scalars_follow_nep_50(dtype, data):
    a = data.draw(arrays(dtype))
    if dtype == "bool":
        i = data.draw(st.integers(-1000, 1000))
    else:
        info = np.iinfo(dtype) if dtype != "float16" and not dtype.startswith("float") else None
        i = data.draw(st.integers(int(info.min), int(info.max)) if info else
                      st.integers(-1000, 1000))
    x = data.draw(st.floats(-1e3, 1e3))
    check(with_scalars, a, i, x, data.draw(st.booleans()))


# ------------------------------------------------------------ unary and ufuncs


@pyjitx.compile
def unaries(a: NDArray):
    return -a, abs(a), np.sqrt(np.abs(a)), np.floor(a), np.exp(a / 100.0), np.maximum(a, 0)


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "float16", "float32", "float64"])
@given(data=st.data())
@settings(max_examples=30)
def test_unary_operators_and_ufuncs(dtype, data):
    # exp and sqrt are correctly rounded in neither libm nor numpy's SIMD
    # kernels: compared to a few ulps
    expected, actual = run_both(unaries, data.draw(arrays(dtype)))
    assert not isinstance(actual, Exception), actual
    for e, g in zip(int16_as_int32(expected), actual):
        assert e.dtype == g.dtype and e.shape == g.shape
        np.testing.assert_allclose(g.astype(np.float64), e.astype(np.float64), rtol=4e-3 if
                                   e.dtype == np.float16 else 1e-6, equal_nan=True)


@pyjitx.compile
def invert(a: NDArray):
    return ~a


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32"])
@given(data=st.data())
@settings(max_examples=20)
def test_invert(dtype, data):
    check(invert, data.draw(arrays(dtype)))


# ------------------------------------------------------------ in place


@pyjitx.compile
def inplace(a: NDArray, b: NDArray):
    alias = a
    a += b
    a *= 2
    return alias


@given(broadcast_pair(["int32", "int64", "float32", "float64"]))
def test_in_place_operators_change_the_array_and_follow_same_kind(pair):
    a, b = pair
    expected, actual = run_both(inplace, a, b)
    if isinstance(expected, Exception):
        assert type(actual) in (type(expected), ValueError, TypeError), (expected, actual)
        return
    same(expected, actual)


def test_in_place_changes_the_callers_array():
    @pyjitx.compile
    def bump(a: NDArray[np.float64, 1]) -> None:
        a += 1.5

    a = np.zeros(3)
    bump(a)
    assert a.tolist() == [1.5] * 3


def test_int_array_plus_equals_float_raises_type_error_as_numpy():
    @pyjitx.compile
    def bad(a: NDArray[np.int64, 1]) -> None:
        a += 0.5

    with pytest.raises(TypeError):
        bad(np.zeros(3, np.int64))


# ------------------------------------------------------------ reductions


@pyjitx.compile
def reductions(a: NDArray):
    return a.sum(), a.max(), a.min(), a.argmax(), a.argmin(), a.all(), a.any(), a.mean()


@pyjitx.compile
def axis_reductions(a: NDArray, axis: int):
    return a.sum(axis=axis), a.max(axis), np.mean(a, axis=axis), a.argmax(axis=axis)


def _approx_same(expected, actual):
    for e, g in zip(expected, actual):
        if isinstance(e, np.ndarray):
            assert e.dtype == g.dtype and e.shape == g.shape
            np.testing.assert_allclose(g, e, rtol=1e-3, equal_nan=True)
        else:
            assert float(g) == pytest.approx(float(e), rel=1e-3, nan_ok=True)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
@settings(max_examples=30)
def test_reductions_over_all_elements(dtype, data):
    a = data.draw(arrays(dtype))
    expected, actual = run_both(reductions, a)
    expected = int16_as_int32(expected)
    if isinstance(expected, Exception):
        assert type(actual) is type(expected) and str(actual) == str(expected)
        return
    _approx_same(expected, actual)
    for e, g in zip(expected, actual):  # scalars come back as Python numbers
        assert isinstance(g, (int, float, bool))


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32", "float32", "float64"])
@given(data=st.data())
@settings(max_examples=30)
def test_reductions_along_an_axis(dtype, data):
    a = data.draw(arrays(dtype, max_dims=3))
    axis = data.draw(st.integers(-a.ndim - 1, a.ndim))
    expected, actual = run_both(axis_reductions, a, axis)
    expected = int16_as_int32(expected)
    if isinstance(expected, Exception):
        assert isinstance(actual, (ValueError, IndexError)), (expected, actual)
        return
    _approx_same(expected, actual)


# ------------------------------------------------------------ shapes and views


@pyjitx.compile
def shapes(a: NDArray):
    return a.reshape(-1), a.T, a.transpose().copy(), a.astype(np.float32), a.reshape(a.size, 1)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
@settings(max_examples=20)
def test_reshape_transpose_astype(dtype, data):
    check(shapes, data.draw(arrays(dtype)))


@pyjitx.compile
def views(a: NDArray, i: int, j: int, k: int):
    return a[i:j], a[::k], a[i:j:k], a[..., 0:1], a[None], a[i]


@given(a=arrays("int32", max_dims=3), i=st.integers(-5, 5), j=st.integers(-5, 5),
       k=st.integers(-3, 3))
def test_basic_indexing_views(a, i, j, k):
    check(views, a, i, j, k)


@pyjitx.compile
def write_views(a: NDArray[np.int64, 2], v: int):
    a[0] = v
    a[1:, ::2] = -v
    a[:, 0] += 1
    row = a[-1]
    row[0] = 99
    return a


@given(a=arrays("int64", hnp.array_shapes(min_dims=2, max_dims=2, min_side=2, max_side=4)),
       v=st.integers(-100, 100))
def test_writes_through_views_land_in_the_array(a, v):
    check(write_views, a, v)


def test_views_keep_their_parent_alive():
    @pyjitx.compile
    def tail(n: int):
        a = np.arange(n)
        return a[2:]  # the parent dies in the function; the view holds its memory

    out = tail(6)
    assert out.tolist() == [2, 3, 4, 5]


# ------------------------------------------------------------ making and joining


@pyjitx.compile
def from_lists(xs: List[int], ys: List[List[float]]):
    return np.array(xs), np.array(ys, np.float32), np.array([[1, 2], [3, 4]]).shape


def test_arrays_from_lists():
    check(from_lists, [1, 2, 3], [[0.5, 1.5], [2.5, 3.5]])


def test_ragged_lists_raise_value_error():
    @pyjitx.compile
    def ragged(xs: List[List[int]]):
        return np.array(xs)

    with pytest.raises(ValueError, match="inhomogeneous"):
        ragged([[1, 2], [3]])


@pyjitx.compile
def joins(a: NDArray, b: NDArray, axis: int):
    return np.concatenate([a, b], axis=axis), np.stack([a, a], axis)


@given(data=st.data())
def test_concatenate_and_stack(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3))
    a = data.draw(arrays(data.draw(st.sampled_from(DTYPES)), shape))
    b = data.draw(arrays(data.draw(st.sampled_from(DTYPES)), shape))
    assume(a.dtype.kind != "f" or not np.isnan(a).any())
    check(joins, a, b, data.draw(st.integers(-len(shape), len(shape) - 1)))


@pyjitx.compile
def nested_tolist(a: NDArray):
    return a.tolist()


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
@settings(max_examples=20)
def test_tolist(dtype, data):
    a = data.draw(arrays(dtype))
    got = nested_tolist(a)
    want = a.tolist()
    assert repr(got) == repr(want)


@pyjitx.compile
def rows_sum(a: NDArray[np.int64, 2]) -> int:
    total = 0
    for row in a:
        for v in row:
            total += v
    return total + int(a.sum())


def test_iterating_rows_and_elements():
    a = np.arange(12).reshape(3, 4)
    assert rows_sum(a) == rows_sum.py_func(a)
