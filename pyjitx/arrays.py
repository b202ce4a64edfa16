"""pyjitx.NDArray and the array functions, on the Python side.

`NDArray` is an annotation: `NDArray` (any dtype and rank: the function is
specialised on each call's array), `NDArray[np.float32]` or
`NDArray["float32", 2]`.  Arrays cross the boundary through DLPack without
copying: a numpy array or a CPU torch tensor passed in is viewed by
compiled code (writes through it are seen by the caller), and an array
returned comes back as a numpy array over the same memory
(`pyjitx.to_torch(x)` views it as a tensor).

The creation functions (`pyjitx.zeros`, `ones`, `full`, `empty`, `arange`,
`array`, `concatenate`, `stack`) are numpy's own, so that the same source
runs unchanged in CPython; compiled code implements them natively.  numpy
is imported on first use of any of them, not by `import pyjitx`.
"""
from __future__ import annotations

from typing import Any, Optional, Tuple

from .ir.types import DTYPES


class _NDArrayMeta(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        return array_type_of(obj) is not None

    def __repr__(cls) -> str:
        return "pyjitx.NDArray"


class NDArray(metaclass=_NDArrayMeta):
    """Annotation for an n-dimensional array: NDArray, NDArray[dtype] or
    NDArray[dtype, ndim] (dtype as np.float32, "float32", float/int/bool)."""

    def __init__(self) -> None:
        raise TypeError("pyjitx.NDArray is an annotation; make arrays with numpy or "
                        "pyjitx.zeros/ones/full/empty/arange/array")

    def __class_getitem__(cls, params: Any) -> "ArraySpec":
        if not isinstance(params, tuple):
            params = (params,)
        if not 1 <= len(params) <= 2:
            raise TypeError("NDArray[dtype] or NDArray[dtype, ndim]")
        dtype = dtype_name(params[0])
        if dtype is None:
            raise TypeError(f"NDArray: unknown dtype {params[0]!r}; one of {', '.join(DTYPES)}")
        ndim = params[1] if len(params) == 2 else -1
        if not isinstance(ndim, int) or isinstance(ndim, bool) or not -1 <= ndim <= 32:
            raise TypeError(f"NDArray: the number of dimensions must be an int, not {ndim!r}")
        return ArraySpec(dtype, ndim)


class ArraySpec:
    """NDArray[dtype, ndim], as an annotation object."""

    def __init__(self, dtype: str, ndim: int) -> None:
        self.dtype = dtype
        self.ndim = ndim

    def __repr__(self) -> str:
        return f"NDArray[{self.dtype}, {'?' if self.ndim < 0 else self.ndim}]"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArraySpec) and (self.dtype, self.ndim) == (other.dtype, other.ndim)

    def __hash__(self) -> int:
        return hash((self.dtype, self.ndim))

    def __instancecheck__(self, obj: Any) -> bool:
        found = array_type_of(obj)
        return found is not None and found[0] == self.dtype and self.ndim in (-1, found[1])

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # Python 3.10's typing accepts only callables inside Tuple[...],
        # Optional[...] and the like; calling one is an error, as for NDArray
        raise TypeError(f"{self!r} is an annotation; make arrays with numpy or "
                        "pyjitx.zeros/ones/full/empty/arange/array")


def dtype_name(obj: Any) -> Optional[str]:
    """'float32' for np.float32, np.dtype('float32'), 'float32', torch.float32;
    float/int/bool as numpy reads them (float64, int64, bool)."""
    if isinstance(obj, str):
        obj = "bool" if obj == "bool_" else obj
        return obj if obj in DTYPES else None
    if obj is float:
        return "float64"
    if obj is int:
        return "int64"
    if obj is bool:
        return "bool"
    name = getattr(obj, "name", None)
    if not isinstance(name, str):
        name = getattr(obj, "__name__", None)
    if name is None and type(obj).__module__ == "torch":
        name = str(obj)
    if isinstance(name, str):
        name = name.replace("torch.", "")
        if name == "bool_":
            name = "bool"
    return name if name in DTYPES else None


def array_type_of(obj: Any) -> Optional[Tuple[str, int]]:
    """(dtype, ndim) of a numpy array or a torch tensor that compiled code
    can view, else None."""
    if not hasattr(type(obj), "__dlpack__"):
        return None
    dtype = dtype_name(getattr(obj, "dtype", None))
    ndim = getattr(obj, "ndim", None)
    if dtype is None or not isinstance(ndim, int):
        return None
    return dtype, ndim


def is_ndarray_class(cls: Any) -> bool:
    """Does `isinstance(x, cls)` ask whether x is an array (numpy.ndarray,
    pyjitx.NDArray)?  (A torch tensor passed to compiled code becomes an
    NDArray too, but comes back to Python as a numpy array, so
    torch.Tensor is not one of them.)"""
    return cls is NDArray or (isinstance(cls, type) and (cls.__module__, cls.__name__) == (
        "numpy", "ndarray"))


def to_torch(array: Any) -> Any:
    """A torch tensor over the same memory as `array` (no copy)."""
    import torch

    return torch.from_dlpack(array)


def function(name: str) -> Any:
    """numpy's `name` function (pyjitx.zeros is numpy.zeros)."""
    import numpy

    return getattr(numpy, name)
