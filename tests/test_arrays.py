"""NDArray: element access, creation, the DLPack boundary (zero-copy both
ways), specialisation on dtype and rank, and numpy's errors.

Subjects run in CPython on numpy arrays and compiled; results are compared
as arrays (values and dtype) or as Python scalars.  Subjects convert
element reads with int()/float() where CPython would otherwise compute in
a numpy scalar type (compiled code reads elements as Python int/float:
docs/guide/arrays.md).
"""
from __future__ import annotations

import math
from typing import Any, List

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pyjitx
from pyjitx import NDArray

DTYPES = ["bool", "uint8", "int8", "int32", "int64", "float16", "float32", "float64"]


def same(expected, actual) -> None:
    """Arrays: equal values (NaN == NaN), dtype and shape; else ==."""
    if isinstance(expected, np.ndarray):
        assert isinstance(actual, np.ndarray), type(actual)
        assert actual.dtype == expected.dtype and actual.shape == expected.shape
        assert np.array_equal(actual, expected, equal_nan=expected.dtype.kind == "f")
    elif isinstance(expected, tuple):
        assert isinstance(actual, tuple) and len(actual) == len(expected)
        for e, a in zip(expected, actual):
            same(e, a)
    elif isinstance(expected, float) and math.isnan(expected):
        assert isinstance(actual, float) and math.isnan(actual)
    else:
        assert type(actual) is type(expected) and actual == expected, (expected, actual)


def outcome(fn, *args):
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - compared
        return exc


def check(compiled, *args, copy_args=True):
    """Runs the Python function and the compiled one on copies of the same
    arguments; demands the same result or exception, and the same final
    state of array arguments (writes through the boundary)."""
    py_args = [a.copy() if copy_args and isinstance(a, np.ndarray) else a for a in args]
    jit_args = [a.copy() if copy_args and isinstance(a, np.ndarray) else a for a in args]
    expected = outcome(compiled.py_func, *py_args)
    actual = outcome(compiled, *jit_args)
    if isinstance(expected, Exception):
        assert type(actual) is type(expected), (expected, actual)
        assert str(actual) == str(expected)
    else:
        same(expected, actual)
    for p, j in zip(py_args, jit_args):
        if isinstance(p, np.ndarray):
            same(p, j)
    return actual


def arrays(dtype: str, max_dims: int = 3, min_dims: int = 1, max_side: int = 5):
    elements = None
    if dtype.startswith("float"):
        elements = st.floats(width=int(dtype[5:]), allow_nan=True, allow_infinity=True)
    return hnp.arrays(np.dtype(dtype), hnp.array_shapes(min_dims=min_dims, max_dims=max_dims,
                                                        min_side=0, max_side=max_side),
                      elements=elements)


# ------------------------------------------------------------ element reads


@pyjitx.compile
def flat_values(a: NDArray):
    out = []
    if a.ndim == 1:
        for i in range(a.shape[0]):
            out.append(a[i])
    elif a.ndim == 2:
        for i in range(a.shape[0]):
            for j in range(a.shape[1]):
                out.append(a[i, j])
    else:
        for i in range(a.shape[0]):
            for j in range(a.shape[1]):
                for k in range(a.shape[2]):
                    out.append(a[i, j, k])
    return out


def _python_values(a: np.ndarray) -> list:
    return [v.item() for v in a.reshape(-1)] if a.size else []


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
@settings(max_examples=30)
def test_elements_read_as_python_scalars(dtype, data):
    a = data.draw(arrays(dtype))
    got = flat_values(a)
    want = _python_values(a)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if isinstance(w, float):
            assert isinstance(g, float) and (g == w or (math.isnan(g) and math.isnan(w)))
        else:
            assert type(g) is type(w) and g == w


@given(a=arrays("float64", max_dims=2), step=st.integers(1, 3), flip=st.booleans())
def test_strided_and_reversed_views_read_in_place(a, step, flip):
    view = a[::step, ::-1] if a.ndim == 2 and flip else a[::step]
    assert flat_values(view) == pytest.approx(_python_values(view), nan_ok=True)


@pytest.mark.torch
def test_transposed_and_torch_tensors_are_viewed():
    torch = pytest.importorskip("torch")
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    assert flat_values(a.T) == _python_values(a.T)
    t = torch.arange(12, dtype=torch.float32).reshape(3, 4).t()
    assert flat_values(t) == [float(x) for x in t.reshape(-1).tolist()]


@pyjitx.compile
def at(a: NDArray, i: int, j: int) -> float:
    return float(a[i, j])


@given(a=arrays("float32", min_dims=2, max_dims=2), i=st.integers(-7, 7), j=st.integers(-7, 7))
def test_index_errors_and_negative_indices_match_numpy(a, i, j):
    check(at, a, i, j)


def test_too_many_indices_is_a_compile_error():
    def bad(a: NDArray[np.int64, 1]) -> int:
        return a[0, 0]

    with pytest.raises(pyjitx.CompileError, match="too many indices"):
        pyjitx.compile(bad)(np.zeros(3, np.int64))


# ------------------------------------------------------------ element writes


@pyjitx.compile
def put(a: NDArray, i: int, value: int) -> None:
    a[i] = value


@pyjitx.compile
def put_float(a: NDArray, i: int, value: float) -> None:
    a[i] = value


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int32", "int64"])
@given(data=st.data())
def test_int_stores_in_range_match_numpy(dtype, data):
    info = np.iinfo(dtype)
    a = np.zeros(4, dtype)
    i = data.draw(st.integers(-5, 4))
    value = data.draw(st.integers(int(info.min), int(info.max)))
    check(put, a, i, value)


@pytest.mark.parametrize("dtype,value", [("uint8", 256), ("uint8", -1), ("int8", 128),
                                         ("int32", 2**31)])
def test_int_stores_out_of_range_raise_overflow_error_as_numpy_2(dtype, value):
    a = np.zeros(2, dtype)
    with pytest.raises(OverflowError, match=f"Python integer {value} out of bounds for {dtype}"):
        put(a, 0, value)
    assert (a == 0).all()


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32", "int64", "float16", "float32",
                                   "float64"])
@given(value=st.floats(-1e6, 1e6) | st.sampled_from([math.nan, math.inf, -0.0]))
def test_float_stores_match_numpy(dtype, value):
    if dtype in ("uint8",) and not (math.isnan(value) or math.isinf(value)) \
            and not 0 <= value < 256:
        return  # numpy's C cast of an out-of-range float is platform-defined
    if dtype == "int32" and not (math.isnan(value) or math.isinf(value)) \
            and not -2**31 <= value < 2**31:
        return
    check(put_float, np.zeros(3, dtype), 1, value)


def test_store_into_bool_array_and_read_back():
    a = np.zeros(3, bool)
    put(a, 0, 7)
    put_float(a, 2, 0.5)
    assert a.tolist() == [True, False, True]


def test_read_only_arrays_are_copied_in_and_reject_writes():
    a = np.arange(4, dtype=np.int64)
    a.flags.writeable = False
    with pytest.raises(ValueError, match="assignment destination is read-only"):
        put(a, 0, 1)
    assert flat_values(a) == [0, 1, 2, 3]


# ------------------------------------------------------------ zero copy


@pytest.mark.torch
def test_writes_through_compiled_code_are_seen_by_numpy_and_torch():
    a = np.zeros((2, 3), np.float32)

    @pyjitx.compile
    def fill(a: NDArray[np.float32, 2], v: float) -> None:
        for i in range(a.shape[0]):
            for j in range(a.shape[1]):
                a[i, j] = v + i

    fill(a, 1.5)
    assert a.tolist() == [[1.5] * 3, [2.5] * 3]
    torch = pytest.importorskip("torch")
    t = torch.zeros(2, 3)
    fill(t, 0.25)
    assert t.tolist() == [[0.25] * 3, [1.25] * 3]
    view = a[:, 1:]  # a strided view: writes land in the parent
    fill(view, 9.0)
    assert a.tolist() == [[1.5, 9.0, 9.0], [2.5, 10.0, 10.0]]


@pyjitx.compile
def identity(a: NDArray):
    return a


def test_returned_array_views_the_same_memory():
    a = np.arange(6, dtype=np.int64).reshape(2, 3)
    out = identity(a)
    assert isinstance(out, np.ndarray) and np.shares_memory(out, a)
    out[0, 0] = 42
    assert a[0, 0] == 42


@pytest.mark.torch
def test_array_made_in_compiled_code_converts_to_torch_without_copy():
    torch = pytest.importorskip("torch")

    @pyjitx.compile
    def make(n: int):
        return np.zeros((n, 2), np.float32)

    out = make(3)
    assert isinstance(out, np.ndarray) and out.dtype == np.float32 and not out.flags.owndata
    t = pyjitx.to_torch(out)
    t[1, 1] = 5.0
    assert out[1, 1] == 5.0
    del out, t  # the runtime array dies with its last Python view


# ------------------------------------------------------------ creation


@pyjitx.compile
def creations(n: int, m: int):
    return (np.zeros((n, m)), np.ones((n,), np.int32), np.full((m, n), 2.5, np.float32),
            np.full((n,), 7), np.zeros(n, dtype=np.uint8), pyjitx.ones((2, n), "int8"),
            np.arange(n), np.arange(1, m, 2), np.arange(0.5, float(n), 0.25),
            np.full((n, 1), True))


@given(n=st.integers(0, 6), m=st.integers(0, 6))
def test_creation_functions_match_numpy(n, m):
    check(creations, n, m)


def test_negative_dimensions_raise_value_error():
    check(creations, -1, 2)


@pyjitx.compile
def empty_shape(n: int):
    return np.empty((n, 3), np.float64).shape


def test_empty_has_the_requested_shape():
    assert empty_shape(4) == (4, 3)


# ------------------------------------------------------------ specialisation


def test_one_function_specialises_per_dtype_and_rank():
    for dtype in DTYPES:
        a = np.ones((2, 2), dtype)
        assert flat_values(a) == _python_values(a)
    assert len(flat_values.signatures) >= len(DTYPES)


def test_wrong_argument_type_names_the_parameter():
    @pyjitx.compile
    def first(a: NDArray[np.float32, 1]) -> float:
        return a[0]

    with pytest.raises(TypeError, match="'a'"):
        first([1.0, 2.0])
    with pytest.raises(TypeError, match="'a'"):
        first(np.zeros(2, np.float64))
    with pytest.raises(TypeError, match="'a'"):
        flat_values("not an array")


def test_annotation_forms():
    from pyjitx.frontend.annotations import type_from_annotation
    from pyjitx.ir.types import NDArrayType

    assert type_from_annotation(NDArray) == NDArrayType("", -1)
    assert type_from_annotation(NDArray[np.uint8, 3]) == NDArrayType("uint8", 3)
    assert type_from_annotation(NDArray["float32"]) == NDArrayType("float32", -1)
    assert type_from_annotation("NDArray[np.int64, 2]") == NDArrayType("int64", 2)
    assert type_from_annotation(np.ndarray) == NDArrayType("", -1)
    assert isinstance(np.zeros(2), NDArray) and not isinstance([1], NDArray)
    assert isinstance(np.zeros((2, 2), np.uint8), NDArray[np.uint8, 2])
    with pytest.raises(TypeError, match="unknown dtype"):
        NDArray[np.complex64]


Image = NDArray[np.uint8, 3]


def test_annotation_aliases_resolve_in_postponed_annotations():
    # this module uses `from __future__ import annotations`: "Image" is a string
    @pyjitx.compile
    def corner(img: Image) -> int:
        return img[0, 0, 0]

    assert corner(np.full((1, 1, 3), 7, np.uint8)) == 7
    with pytest.raises(TypeError, match="'img' must be NDArray\\[uint8, 3\\], not an array of "
                                        "float32 with 3 dimension"):
        corner(np.zeros((1, 1, 3), np.float32))


@pyjitx.compile
def arrays_in_any(items: List[Any]):
    kept = []
    for x in items:
        if isinstance(x, np.ndarray):
            kept.append(x)
    return kept, isinstance(items, np.ndarray)


def test_any_holds_arrays_and_isinstance_sees_them():
    a, b = np.arange(3), np.zeros((2, 2), np.float32)
    kept, flag = arrays_in_any([1, a, "x", b, None])
    assert flag is False and len(kept) == 2
    assert np.shares_memory(kept[0], a) and kept[1].dtype == np.float32
    with pytest.raises(TypeError, match="unhashable type: 'numpy.ndarray'"):
        hash_any(a)


@pyjitx.compile
def hash_any(x: Any) -> int:
    return hash(x)


def test_formatting_an_array_is_a_compile_error_not_wrong_text():
    def show(a: NDArray[np.int64, 1]) -> str:
        return f"{a}"

    with pytest.raises(pyjitx.CompileError, match="does not format arrays"):
        pyjitx.compile(show)(np.arange(3))


@pyjitx.compile
def show_items(xs: List[Any]) -> str:
    return str(xs)


def test_an_array_inside_an_any_container_shows_type_and_shape():
    assert show_items([1, np.zeros((2, 3), np.float32), np.arange(2)]) == \
        "[1, <NDArray float32, shape (2, 3)>, <NDArray int64, shape (2,)>]"
