"""NDArray in compiled code: numpy's functions and array methods, element
access, slicing to views, whole-array arithmetic.

The dtype and the number of dimensions are part of an array's IR type
(NDArrayType), so this module decides every result's type at compile time
with numpy's rules (`result_dtype`), and the runtime (libruntime/
ndarray.h) computes.  Element reads and writes with one int index per
dimension are inline IR ops (NDElement, NDStore); everything else is a
runtime call.

The same source runs in CPython on numpy arrays: `np.zeros(...)`,
`pyjitx.zeros(...)` (numpy's own function, re-exported) and the array
methods here are the numpy ones, and compiled code must agree with them.
Deliberate differences (docs/guide/arrays.md): elements read as Python
int/float/bool rather than numpy scalars (so `a[0] + a[1]` on float32 is
computed in double precision), and `.dtype` reads as the dtype's name.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any, List, Optional, Sequence, Tuple

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import (BOOL, DTYPES, FLOAT, FLOAT_DTYPES, INT, NONE, STR, ListType,
                        NDArrayType, TupleType, Type, VarTupleType, with_article)

if TYPE_CHECKING:
    from .builder import FunctionBuilder

# ------------------------------------------------------------ dtype rules
#
# Result dtypes are part of the IR types, so they are decided here at
# compile time -- by asking the runtime's own tables (ndarray.h:
# pjx_ndarray_binary_dtype and friends), so that the types the compiler
# assigns and the arrays the runtime makes can never disagree.

# runtime op codes (ndarray.h: pjx_nd_binop, pjx_nd_unop, pjx_nd_reduce)
BINARY_OPS = {"add": 0, "sub": 1, "mul": 2, "truediv": 3, "floordiv": 4, "mod": 5, "pow": 6,
              "lt": 7, "le": 8, "eq": 9, "ne": 10, "gt": 11, "ge": 12, "and": 13, "or": 14,
              "xor": 15, "lshift": 16, "rshift": 17, "maximum": 18, "minimum": 19}
UNARY_OPS = {"neg": 0, "pos": 1, "abs": 2, "invert": 3, "not": 4, "sqrt": 5, "exp": 6,
             "log": 7, "sin": 8, "cos": 9, "floor": 10, "ceil": 11}
REDUCTIONS = ("sum", "prod", "mean", "max", "min", "argmax", "argmin", "all", "any")

_dtype_functions: dict = {}


def _runtime(name: str):
    fn = _dtype_functions.get(name)
    if fn is None:
        import ctypes

        from .. import _ext

        nargs = {"pjx_dtype_promote": 2, "pjx_ndarray_binary_dtype": 3,
                 "pjx_ndarray_binary_scalar_dtype": 3, "pjx_ndarray_unary_dtype": 2,
                 "pjx_ndarray_reduce_dtype": 2}[name]
        fn = ctypes.CFUNCTYPE(ctypes.c_int32, *[ctypes.c_int32] * nargs)(
            _ext.runtime_symbols()[name])
        _dtype_functions[name] = fn
    return fn


def _dtype_or_none(code: int) -> Optional[str]:
    return DTYPES[code] if code >= 0 else None


def promote(a: str, b: str) -> str:
    """numpy's result_type of two array dtypes (int16 does not exist here:
    uint8 with int8 gives int32)."""
    return DTYPES[_runtime("pjx_dtype_promote")(DTYPES.index(a), DTYPES.index(b))]


def binary_dtype(op: str, a: str, b: str) -> Optional[str]:
    """The dtype of `array op array`, None where numpy raises TypeError."""
    return _dtype_or_none(_runtime("pjx_ndarray_binary_dtype")(
        BINARY_OPS[op], DTYPES.index(a), DTYPES.index(b)))


def scalar_dtype(op: str, dtype: str, scalar: Type) -> Optional[str]:
    """`array op python_scalar` under numpy 2's rules (NEP 50: the scalar
    takes the array's dtype when of the same kind)."""
    return _dtype_or_none(_runtime("pjx_ndarray_binary_scalar_dtype")(
        BINARY_OPS[op], DTYPES.index(dtype), int(scalar == FLOAT)))


def unary_dtype(op: str, dtype: str) -> Optional[str]:
    return _dtype_or_none(_runtime("pjx_ndarray_unary_dtype")(UNARY_OPS[op],
                                                              DTYPES.index(dtype)))


def reduction_dtype(op: str, dtype: str) -> str:
    return DTYPES[_runtime("pjx_ndarray_reduce_dtype")(REDUCTIONS.index(op),
                                                       DTYPES.index(dtype))]


def scalar_type(dtype: str) -> Type:
    return NDArrayType(dtype, 0).element


# ------------------------------------------------------------ dtype arguments

def dtype_argument(b: "FunctionBuilder", node: ast.expr) -> str:
    """A dtype given in the source: it must be known at compile time."""
    from .calls import _is_module_path, resolve_attribute

    obj: Any = None
    if isinstance(node, ast.Constant):
        obj = node.value
    elif isinstance(node, ast.Name) and node.id not in b.locals:
        obj = b.lookup_global(node.id, node)
    elif isinstance(node, ast.Attribute) and _is_module_path(b, node.value):
        obj = resolve_attribute(b, node)
    from ..arrays import dtype_name

    name = dtype_name(obj) if obj is not None else None
    if name is None:
        raise b.error(node, f"'{ast.unparse(node)}' is not a dtype pyjitx knows at compile time",
                      hint="dtypes: " + ", ".join(DTYPES) + " (as np.float32, 'float32' or "
                           "float/int/bool)")
    return name


# ------------------------------------------------------------ helpers


def emit(b: "FunctionBuilder", p: prims.Primitive, args: Sequence[ops.Value], node: ast.AST,
         result_type: Optional[Type] = None) -> ops.Value:
    return b.emit(ops.PrimitiveCall(p, list(args), b.lineno(node), result_type))


def int_constant(value: int) -> ops.Constant:
    return ops.Constant(INT, value)


def int_value(b: "FunctionBuilder", node: ast.expr, what: str) -> ops.Value:
    value = b.expr.value(node)
    if value.type not in (INT, BOOL):
        raise b.error(node, f"{what} must be an int, not {value.type}")
    return b.expr.coerce(value, INT, node)


def shape_values(b: "FunctionBuilder", node: ast.expr) -> List[ops.Value]:
    """A shape argument: an int, a tuple literal of ints, or a tuple value
    (such as another array's .shape)."""
    if isinstance(node, (ast.Tuple, ast.List)):
        return [int_value(b, e, "a dimension") for e in node.elts]
    value = b.expr.value(node)
    if value.type in (INT, BOOL):
        return [b.expr.coerce(value, INT, node)]
    if isinstance(value.type, TupleType) and all(t in (INT, BOOL) for t in value.type.items):
        return [b.expr.coerce(emit(b, prims.TUPLE_GET, [value, int_constant(i)], node, t), INT,
                              node) for i, t in enumerate(value.type.items)]
    raise b.error(node, f"a shape must be an int or a tuple of ints, not {value.type}",
                  hint="the number of dimensions must be known at compile time")


def dims(b: "FunctionBuilder", values: List[ops.Value], node: ast.AST) -> ops.Value:
    return b.emit(ops.IntArray(values, b.lineno(node)))


def require_array(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> NDArrayType:
    if not isinstance(value.type, NDArrayType):
        raise b.error(node, f"expected an NDArray, got {with_article(value.type)}")
    return value.type


def length(b: "FunctionBuilder", array: ops.Value, node: ast.AST) -> ops.Value:
    t = require_array(b, array, node)
    if t.ndim == 0:
        raise b.error(node, "len() of unsized object (a 0-d array)")
    return b.emit(ops.NDField(array, "shape", 0, b.lineno(node)))


def item(b: "FunctionBuilder", array: ops.Value, index: ops.Value, node: ast.AST) -> ops.Value:
    """array[index] along the first axis: an element of a 1-d array, a view
    of a row otherwise (loops over arrays)."""
    t = require_array(b, array, node)
    if t.ndim == 1:
        return b.emit(ops.NDElement(array, [index], b.lineno(node)))
    return subscript_entries(b, array, [("int", index)], node)


# ------------------------------------------------------------ indexing

# one entry of an index: ("int", value) | ("slice", [start, stop, step]) | ("newaxis", None)
Entry = Tuple[str, Any]
_KIND = {"int": 0, "slice": 1, "newaxis": 2}


def index_entries(b: "FunctionBuilder", t: NDArrayType, node: ast.expr) -> List[Entry]:
    from .strings import slice_bounds

    parts = node.elts if isinstance(node, ast.Tuple) else [node]
    entries: List[Entry] = []
    ellipsis_at = None
    for part in parts:
        if isinstance(part, ast.Slice):
            entries.append(("slice", slice_bounds(b, part)))
        elif isinstance(part, ast.Constant) and part.value is Ellipsis:
            if ellipsis_at is not None:
                raise b.error(part, "an index can only have a single ellipsis ('...')")
            ellipsis_at = len(entries)
        elif isinstance(part, ast.Constant) and part.value is None:
            entries.append(("newaxis", None))
        else:
            value = b.expr.value(part)
            if value.type == NONE:
                entries.append(("newaxis", None))
            elif value.type in (INT, BOOL):
                entries.append(("int", b.expr.coerce(value, INT, part)))
            else:
                raise b.error(part, "only integers, slices (`:`), ellipsis (`...`) and None "
                              f"are valid array indices, not {value.type}",
                              hint="arrays as indices (fancy indexing) are not supported")
    consumed = sum(1 for kind, _ in entries if kind != "newaxis")
    if consumed > t.ndim:
        raise b.error(node, f"too many indices for array: array is {t.ndim}-dimensional, but "
                      f"{consumed} were indexed")
    if ellipsis_at is not None:
        from .strings import ABSENT

        full = [("slice", [ABSENT] * 3)] * (t.ndim - consumed)
        entries[ellipsis_at:ellipsis_at] = full
    return entries


def subscript(b: "FunctionBuilder", array: ops.Value, node: ast.Subscript) -> ops.Value:
    t = require_array(b, array, node)
    entries = index_entries(b, t, node.slice)
    if len(entries) == t.ndim and all(kind == "int" for kind, _ in entries):
        return b.emit(ops.NDElement(array, [v for _, v in entries], b.lineno(node)))
    return subscript_entries(b, array, entries, node)


def subscript_entries(b: "FunctionBuilder", array: ops.Value, entries: List[Entry],
                      node: ast.AST) -> ops.Value:
    """A view by basic indexing (ndarray_subscript's 4 ints per entry)."""
    t: NDArrayType = array.type  # type: ignore[assignment]
    spec: List[ops.Value] = []
    for kind, value in entries:
        if kind == "int":
            spec += [int_constant(0), value, int_constant(0), int_constant(0)]
        elif kind == "slice":
            spec += [int_constant(1), *value]
        else:
            spec += [int_constant(2), int_constant(0), int_constant(0), int_constant(0)]
    ndim = t.ndim - sum(1 for k, _ in entries if k == "int") + sum(
        1 for k, _ in entries if k == "newaxis")
    return emit(b, prims.ND_SUBSCRIPT, [array, int_constant(len(entries)), dims(b, spec, node)],
                node, NDArrayType(t.dtype, ndim))


def store_subscript(b: "FunctionBuilder", array: ops.Value, target: ast.Subscript,
                    value: ops.Value) -> None:
    t = require_array(b, array, target)
    entries = index_entries(b, t, target.slice)
    if len(entries) == t.ndim and all(kind == "int" for kind, _ in entries):
        if value.type not in (INT, FLOAT, BOOL):
            raise b.error(target, f"cannot assign {with_article(value.type)} to an element of "
                          f"{with_article(t)}")
        b.emit(ops.NDStore(array, [v for _, v in entries], value, b.lineno(target)))
        return
    view = subscript_entries(b, array, entries, target) if entries else array
    assign_into(b, view, value, target)


def augmented_item(b: "FunctionBuilder", array: ops.Value, stmt: ast.AugAssign) -> None:
    """a[i, j] += v (one element: read, operate as Python scalars, store)
    and a[1:3] += v (in place on the view)."""
    from .expressions import _BINOPS

    target = stmt.target
    assert isinstance(target, ast.Subscript)
    t = require_array(b, array, target)
    entries = index_entries(b, t, target.slice)
    op = _BINOPS.get(type(stmt.op), type(stmt.op).__name__)  # (@= is refused below)
    if len(entries) == t.ndim and all(kind == "int" for kind, _ in entries):
        indices = [v for _, v in entries]
        current = b.emit(ops.NDElement(array, indices, b.lineno(target)))
        result = b.expr.binary(stmt.op, current, b.expr.value(stmt.value), stmt)
        b.emit(ops.NDStore(array, indices, result, b.lineno(stmt)))
        return
    view = subscript_entries(b, array, entries, target)
    augmented(b, op, view, b.expr.value(stmt.value), stmt)


def assign_into(b: "FunctionBuilder", view: ops.Value, value: ops.Value, node: ast.AST) -> None:
    """view[...] = value: a scalar fills, an array is broadcast and cast."""
    if value.type in (INT, BOOL):
        emit(b, prims.ND_FILL_INT, [view, b.expr.coerce(value, INT, node)], node)
    elif value.type == FLOAT:
        emit(b, prims.ND_FILL_FLOAT, [view, value], node)
    elif isinstance(value.type, NDArrayType):
        emit(b, prims.ND_ASSIGN, [view, value], node)
    else:
        raise b.error(node, f"cannot assign {with_article(value.type)} into an array",
                      hint="assign a number or an array; convert a list with np.array(...)")


# ------------------------------------------------------------ attributes


def attribute(b: "FunctionBuilder", array: ops.Value, node: ast.Attribute) -> ops.Value:
    from .containers import build_tuple

    t = require_array(b, array, node)
    line = b.lineno(node)
    if node.attr == "shape":
        return build_tuple(b, [b.emit(ops.NDField(array, "shape", k, line))
                               for k in range(t.ndim)], node)
    if node.attr == "ndim":
        return int_constant(t.ndim)
    if node.attr == "size":
        return b.emit(ops.NDField(array, "size", 0, line))
    if node.attr == "dtype":
        return ops.Constant(STR, t.dtype)
    if node.attr == "itemsize":
        return int_constant({"bool": 1, "uint8": 1, "int8": 1, "int32": 4, "int64": 8,
                             "float16": 2, "float32": 4, "float64": 8}[t.dtype])
    if node.attr == "T":
        return transpose(b, array, None, node)
    raise b.error(node, f"'{t}' has no attribute '{node.attr}' in compiled code",
                  hint="arrays have shape, ndim, size, dtype, itemsize and T")


def shape_item(b: "FunctionBuilder", array: ops.Value, index_node: ast.expr,
               node: ast.AST) -> Optional[ops.Value]:
    """a.shape[k] for a constant k: one field load, no tuple."""
    t = require_array(b, array, node)
    if not (isinstance(index_node, ast.Constant) and type(index_node.value) is int):
        return None
    k = index_node.value
    if not -t.ndim <= k < t.ndim:
        raise b.error(index_node, "tuple index out of range")
    return b.emit(ops.NDField(array, "shape", k % t.ndim, b.lineno(node)))


# ------------------------------------------------------------ shape methods


def transpose(b: "FunctionBuilder", array: ops.Value, axes: Optional[List[ops.Value]],
              node: ast.AST) -> ops.Value:
    t: NDArrayType = array.type  # type: ignore[assignment]
    if axes is None:
        axes = [int_constant(k) for k in reversed(range(t.ndim))]
    return emit(b, prims.ND_TRANSPOSE, [array, int_constant(len(axes)), dims(b, axes, node)],
                node, t)


def reshape(b: "FunctionBuilder", array: ops.Value, shape: List[ops.Value],
            node: ast.AST) -> ops.Value:
    t: NDArrayType = array.type  # type: ignore[assignment]
    return emit(b, prims.ND_RESHAPE, [array, int_constant(len(shape)), dims(b, shape, node)],
                node, NDArrayType(t.dtype, len(shape)))


def astype(b: "FunctionBuilder", array: ops.Value, dtype: str, node: ast.AST) -> ops.Value:
    t: NDArrayType = array.type  # type: ignore[assignment]
    return emit(b, prims.ND_ASTYPE, [array, int_constant(DTYPES.index(dtype))], node,
                NDArrayType(dtype, t.ndim))


def tolist(b: "FunctionBuilder", array: ops.Value, node: ast.AST) -> ops.Value:
    t: NDArrayType = array.type  # type: ignore[assignment]
    if t.ndim == 0:
        raise b.error(node, "tolist() of a 0-d array is not supported",
                      hint="read the element with a[()]")
    result: Type = t.element
    for _ in range(t.ndim):
        result = ListType(result)
    return emit(b, prims.ND_TOLIST, [array], node, result)


def reduce(b: "FunctionBuilder", op: str, array: ops.Value, axis: Optional[ops.Value],
           node: ast.AST) -> ops.Value:
    t: NDArrayType = array.type  # type: ignore[assignment]
    dtype = reduction_dtype(op, t.dtype)
    code = int_constant(REDUCTIONS.index(op))
    if axis is None:
        scalar = scalar_type(dtype)
        p = prims.ND_REDUCE_FLOAT if scalar == FLOAT else prims.ND_REDUCE_INT
        result = emit(b, p, [code, array], node)
        if scalar == BOOL:
            return b.emit(ops.Convert("int_to_bool", result))
        return result
    if t.ndim == 0:
        raise b.error(node, "axis 0 is out of bounds for array of dimension 0")
    return emit(b, prims.ND_REDUCE_AXIS, [code, array, axis], node,
                NDArrayType(dtype, t.ndim - 1))


_METHOD_ARITY = {"reshape": None, "transpose": None, "astype": 1, "copy": 0, "tolist": 0,
                 "fill": 1, "flatten": 0, "ravel": 0}


def method_call(b: "FunctionBuilder", array: ops.Value, name: str, node: ast.Call) -> ops.Value:
    t = require_array(b, array, node)
    args = node.args
    keywords = {kw.arg: kw.value for kw in node.keywords}
    if name in REDUCTIONS:
        axis_node = keywords.pop("axis", args[0] if args else None)
        if keywords or len(args) > 1:
            raise b.error(node, f"{name}() takes an optional axis only in compiled code")
        axis = None
        if axis_node is not None and not (isinstance(axis_node, ast.Constant)
                                          and axis_node.value is None):
            axis = int_value(b, axis_node, "axis")
        return reduce(b, name, array, axis, node)
    if keywords:
        raise b.error(node, f"{name}() takes no keyword arguments in compiled code")
    if name == "reshape":
        if len(args) == 1:
            return reshape(b, array, shape_values(b, args[0]), node)
        return reshape(b, array, [int_value(b, a, "a dimension") for a in args], node)
    if name == "transpose":
        if not args:
            return transpose(b, array, None, node)
        if len(args) == 1:
            return transpose(b, array, shape_values(b, args[0]), node)
        return transpose(b, array, [int_value(b, a, "an axis") for a in args], node)
    if name in ("flatten", "ravel"):
        flat = emit(b, prims.ND_COPY, [array], node, t) if name == "flatten" else array
        return reshape(b, flat, [int_constant(-1)], node)
    arity = _METHOD_ARITY.get(name)
    if arity is None and name not in _METHOD_ARITY:
        raise b.error(node.func, f"'{t}' has no method '{name}' in compiled code",
                      hint="array methods: " + ", ".join(sorted([*_METHOD_ARITY, *REDUCTIONS])))
    if len(args) != arity:
        raise b.error(node, f"{name}() takes {arity} argument(s)")
    if name == "astype":
        return astype(b, array, dtype_argument(b, args[0]), node)
    if name == "copy":
        return emit(b, prims.ND_COPY, [array], node, t)
    if name == "tolist":
        return tolist(b, array, node)
    assign_into(b, array, b.expr.value(args[0]), node)  # fill
    return ops.Constant(NONE, None)


# ------------------------------------------------------------ operators


def _no_dtype(b: "FunctionBuilder", op: str, left: Type, right: Type, node: ast.AST):
    symbol = {"add": "+", "sub": "-", "mul": "*", "truediv": "/", "floordiv": "//", "mod": "%",
              "pow": "**", "lt": "<", "le": "<=", "eq": "==", "ne": "!=", "gt": ">", "ge": ">=",
              "and": "&", "or": "|", "xor": "^", "lshift": "<<", "rshift": ">>"}.get(op, op)
    return b.error(node, f"unsupported operand types for {symbol}: '{left}' and '{right}'",
                   hint="numpy raises TypeError for this combination of dtypes")


def binary(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value,
           node: ast.AST) -> Optional[ops.Value]:
    """left op right where at least one side is an array; None if the other
    side is not a number or an array."""
    if op not in BINARY_OPS:
        return None
    code = int_constant(BINARY_OPS[op])
    lt, rt = left.type, right.type
    if isinstance(lt, NDArrayType) and isinstance(rt, NDArrayType):
        dtype = binary_dtype(op, lt.dtype, rt.dtype)
        if dtype is None:
            raise _no_dtype(b, op, lt, rt, node)
        return emit(b, prims.ND_BINARY, [code, left, right], node,
                    NDArrayType(dtype, max(lt.ndim, rt.ndim)))
    array, scalar, scalar_left = (left, right, 0) if isinstance(lt, NDArrayType) else (right, left, 1)
    if scalar.type not in (INT, FLOAT, BOOL):
        return None
    at: NDArrayType = array.type  # type: ignore[assignment]
    if scalar.type == BOOL:  # numpy treats a Python bool as a 0-d bool array
        flag = zero_d(b, "bool", scalar, node)
        return binary(b, op, *((array, flag) if scalar_left == 0 else (flag, array)), node)
    dtype = scalar_dtype(op, at.dtype, scalar.type)
    if dtype is None:
        raise _no_dtype(b, op, lt, rt, node)
    result_type = NDArrayType(dtype, at.ndim)
    p = prims.ND_BINARY_FLOAT if scalar.type == FLOAT else prims.ND_BINARY_INT
    return emit(b, p, [code, array, scalar, int_constant(scalar_left)], node, result_type)


def zero_d(b: "FunctionBuilder", dtype: str, value: ops.Value, node: ast.AST) -> ops.Value:
    """A 0-d array holding a scalar."""
    return new_array(b, "full", dtype, [], value, node)


def unary(b: "FunctionBuilder", op: str, operand: ops.Value, node: ast.AST) -> ops.Value:
    """-a, +a, ~a, abs(a), np.sqrt(a), ..."""
    t: NDArrayType = operand.type  # type: ignore[assignment]
    dtype = unary_dtype(op, t.dtype)
    if dtype is None:
        raise b.error(node, f"numpy does not support {op} on {t.dtype} arrays")
    return emit(b, prims.ND_UNARY, [int_constant(UNARY_OPS[op]), operand], node,
                NDArrayType(dtype, t.ndim))


def augmented(b: "FunctionBuilder", op: str, array: ops.Value, operand: ops.Value,
              node: ast.AST) -> ops.Value:
    """a op= x: in place, as numpy does (the array itself is the result;
    numpy's same_kind casting rule raises TypeError, e.g. for int += float)."""
    if op not in BINARY_OPS:
        raise b.error(node, f"unsupported in-place operator on arrays: {op}")
    code = int_constant(BINARY_OPS[op])
    if isinstance(operand.type, NDArrayType):
        emit(b, prims.ND_INPLACE, [code, array, operand], node)
    elif operand.type == FLOAT:
        emit(b, prims.ND_INPLACE_FLOAT, [code, array, operand], node)
    elif operand.type in (INT, BOOL):
        if operand.type == BOOL:
            emit(b, prims.ND_INPLACE, [code, array, zero_d(b, "bool", operand, node)], node)
        else:
            emit(b, prims.ND_INPLACE_INT, [code, array, operand], node)
    else:
        raise b.error(node, f"unsupported operand for an in-place array operation: "
                      f"{with_article(operand.type)}")
    return array


# ------------------------------------------------------------ numpy functions

UFUNCS = ("sqrt", "exp", "log", "sin", "cos", "floor", "ceil", "abs", "absolute", "negative",
          "logical_not")
BINARY_UFUNCS = ("maximum", "minimum", "add", "subtract", "multiply", "divide", "true_divide",
                 "floor_divide", "power")
_UFUNC_OPS = {"absolute": "abs", "negative": "neg", "logical_not": "not", "subtract": "sub",
              "multiply": "mul", "divide": "truediv", "true_divide": "truediv",
              "floor_divide": "floordiv", "power": "pow"}
CREATORS = ("zeros", "ones", "empty", "full", "arange", "array", "asarray", "zeros_like",
            "ones_like", "empty_like", "full_like", "concatenate", "stack", "transpose",
            "reshape", "copy", "ascontiguousarray", *REDUCTIONS, *UFUNCS, *BINARY_UFUNCS)


def is_array_function(target: Any) -> bool:
    """Is `target` one of numpy's functions that compiled code implements?
    (numpy is imported only when a candidate appears.)"""
    name = getattr(target, "__name__", None)
    if name in UFUNCS + BINARY_UFUNCS and type(target).__name__ == "ufunc":
        import numpy

        return getattr(numpy, name, None) is target
    if name not in CREATORS or getattr(target, "__module__", None) not in (
            "numpy", "numpy.core.fromnumeric", "numpy.core.numeric", "numpy.core.multiarray",
            "numpy.core.shape_base", "numpy._core.fromnumeric", "numpy._core.numeric",
            "numpy._core.multiarray", "numpy._core.shape_base"):
        return False
    import numpy

    return getattr(numpy, name, None) is target


def _keyword_args(b: "FunctionBuilder", node: ast.Call, names: Sequence[str],
                  required: int) -> List[Optional[ast.expr]]:
    fname = ast.unparse(node.func)
    if len(node.args) > len(names):
        raise b.error(node, f"{fname}() takes at most {len(names)} arguments")
    result: List[Optional[ast.expr]] = list(node.args) + [None] * (len(names) - len(node.args))
    for kw in node.keywords:
        if kw.arg not in names:
            raise b.error(kw, f"{fname}() got an unexpected keyword argument '{kw.arg}'",
                          hint="supported: " + ", ".join(names))
        position = names.index(kw.arg)
        if result[position] is not None:
            raise b.error(kw, f"{fname}() got multiple values for argument '{kw.arg}'")
        result[position] = kw.value
    for position in range(required):
        if result[position] is None:
            raise b.error(node, f"{fname}() missing required argument '{names[position]}'")
    return result


def _fill_value_dtype(value: ops.Value) -> str:
    return {INT: "int64", FLOAT: "float64", BOOL: "bool"}.get(value.type, "float64")


def call_function(b: "FunctionBuilder", node: ast.Call, target: Any) -> ops.Value:
    name = target.__name__
    if name in UFUNCS or name in BINARY_UFUNCS:
        return ufunc(b, node, name)
    if name in ("zeros", "ones", "empty"):
        shape_node, dtype_node = _keyword_args(b, node, ("shape", "dtype"), 1)
        dtype = dtype_argument(b, dtype_node) if dtype_node is not None else "float64"
        shape = shape_values(b, shape_node)  # type: ignore[arg-type]
        return new_array(b, name, dtype, shape, None, node)
    if name == "full":
        shape_node, fill_node, dtype_node = _keyword_args(b, node, ("shape", "fill_value", "dtype"), 2)
        fill = b.expr.value(fill_node)  # type: ignore[arg-type]
        dtype = dtype_argument(b, dtype_node) if dtype_node is not None else _fill_value_dtype(fill)
        return new_array(b, "full", dtype, shape_values(b, shape_node), fill, node)  # type: ignore[arg-type]
    if name in ("zeros_like", "ones_like", "empty_like", "full_like"):
        names = ("a", "fill_value", "dtype") if name == "full_like" else ("a", "dtype")
        parsed = _keyword_args(b, node, names, len(names) - 1)
        source = b.expr.value(parsed[0])  # type: ignore[arg-type]
        t = require_array(b, source, node)
        dtype = dtype_argument(b, parsed[-1]) if parsed[-1] is not None else t.dtype
        shape = [b.emit(ops.NDField(source, "shape", k, b.lineno(node))) for k in range(t.ndim)]
        fill = b.expr.value(parsed[1]) if name == "full_like" else None  # type: ignore[arg-type]
        return new_array(b, name[:-5], dtype, shape, fill, node)
    if name == "arange":
        return arange(b, node)
    if name in ("array", "asarray", "ascontiguousarray", "copy"):
        obj_node, dtype_node = _keyword_args(b, node, ("object", "dtype"), 1)
        obj = b.expr.value(obj_node)  # type: ignore[arg-type]
        dtype = dtype_argument(b, dtype_node) if dtype_node is not None else None
        if isinstance(obj.type, NDArrayType):
            if dtype is not None and dtype != obj.type.dtype:
                return astype(b, obj, dtype, node)
            if name in ("asarray", "ascontiguousarray") and name == "asarray":
                return obj
            return emit(b, prims.ND_COPY, [obj], node, obj.type)
        return from_list(b, obj, dtype, node)
    if name in ("concatenate", "stack"):
        arrays_node, axis_node = _keyword_args(b, node, ("arrays", "axis"), 1)
        axis = int_value(b, axis_node, "axis") if axis_node is not None else int_constant(0)
        return join(b, name, arrays_node, axis, node)  # type: ignore[arg-type]
    if name == "transpose":
        a_node, axes_node = _keyword_args(b, node, ("a", "axes"), 1)
        a = b.expr.value(a_node)  # type: ignore[arg-type]
        require_array(b, a, node)
        return transpose(b, a, shape_values(b, axes_node) if axes_node is not None else None, node)
    if name == "reshape":
        a_node, shape_node = _keyword_args(b, node, ("a", "newshape"), 2)
        a = b.expr.value(a_node)  # type: ignore[arg-type]
        require_array(b, a, node)
        return reshape(b, a, shape_values(b, shape_node), node)  # type: ignore[arg-type]
    # np.sum(a, axis) and the other reductions
    a_node, axis_node = _keyword_args(b, node, ("a", "axis"), 1)
    a = b.expr.value(a_node)  # type: ignore[arg-type]
    require_array(b, a, node)
    axis = None
    if axis_node is not None and not (isinstance(axis_node, ast.Constant) and axis_node.value is None):
        axis = int_value(b, axis_node, "axis")
    return reduce(b, name, a, axis, node)


def ufunc(b: "FunctionBuilder", node: ast.Call, name: str) -> ops.Value:
    """np.sqrt(a), np.maximum(a, b), ...: on arrays (a scalar operand of a
    binary one is broadcast as numpy does)."""
    arity = 1 if name in UFUNCS else 2
    if len(node.args) != arity or node.keywords:
        raise b.error(node, f"np.{name}() takes {arity} positional argument(s) in compiled code")
    values = [b.expr.value(a) for a in node.args]
    op = _UFUNC_OPS.get(name, name)
    if arity == 1:
        if not isinstance(values[0].type, NDArrayType):
            raise b.error(node, f"np.{name}() of {with_article(values[0].type)} is not supported",
                          hint="use the math module for scalars")
        return unary(b, op, values[0], node)
    if not any(isinstance(v.type, NDArrayType) for v in values):
        raise b.error(node, f"np.{name}() takes an array in compiled code")
    result = binary(b, op, values[0], values[1], node)
    if result is None:
        raise b.error(node, f"np.{name}() does not take {with_article(values[0].type)} and "
                      f"{with_article(values[1].type)}")
    return result


def new_array(b: "FunctionBuilder", how: str, dtype: str, shape: List[ops.Value],
              fill: Optional[ops.Value], node: ast.AST) -> ops.Value:
    result_type = NDArrayType(dtype, len(shape))
    args = [int_constant(DTYPES.index(dtype)), int_constant(len(shape)), dims(b, shape, node)]
    if how == "zeros":
        return emit(b, prims.ND_ZEROS, args, node, result_type)
    if how == "empty":
        return emit(b, prims.ND_EMPTY, args, node, result_type)
    if how == "ones":
        return emit(b, prims.ND_FULL_INT, args + [int_constant(1)], node, result_type)
    assert fill is not None
    if fill.type == FLOAT:
        return emit(b, prims.ND_FULL_FLOAT, args + [fill], node, result_type)
    if fill.type in (INT, BOOL):
        return emit(b, prims.ND_FULL_INT, args + [b.expr.coerce(fill, INT, node)], node,
                    result_type)
    raise b.error(node, f"fill_value must be a number, not {fill.type}")


def arange(b: "FunctionBuilder", node: ast.Call) -> ops.Value:
    names = ("start", "stop", "step", "dtype")
    parsed = _keyword_args(b, node, names, 1)
    dtype = dtype_argument(b, parsed[3]) if parsed[3] is not None else None
    values = [b.expr.value(n) for n in parsed[:3] if n is not None]
    if len(values) == 1:
        values = [int_constant(0), values[0]]
    if len(values) == 2:
        values.append(int_constant(1))
    if any(v.type not in (INT, FLOAT, BOOL) for v in values):
        raise b.error(node, "arange() takes numbers")
    if all(v.type in (INT, BOOL) for v in values):
        result = emit(b, prims.ND_ARANGE_INT, [b.expr.coerce(v, INT, node) for v in values], node,
                      NDArrayType("int64", 1))
    else:
        result = emit(b, prims.ND_ARANGE_FLOAT, [b.expr.coerce(v, FLOAT, node) for v in values],
                      node, NDArrayType("float64", 1))
    if dtype is not None and dtype != result.type.dtype:  # type: ignore[attr-defined]
        return astype(b, result, dtype, node)
    return result


def from_list(b: "FunctionBuilder", value: ops.Value, dtype: Optional[str],
              node: ast.AST) -> ops.Value:
    """np.array(nested lists): the nesting depth of the list type is the
    number of dimensions."""
    t = value.type
    ndim = 0
    while isinstance(t, (ListType, VarTupleType)):
        t = t.item
        ndim += 1
    if ndim == 0 or t not in (INT, FLOAT, BOOL):
        raise b.error(node, f"np.array() of {with_article(value.type)} is not supported",
                      hint="compiled code makes arrays of nested lists of int, float or bool")
    if isinstance(value.type, VarTupleType):
        from .containers import as_list

        value = as_list(b, value, node)
    inferred = {INT: "int64", FLOAT: "float64", BOOL: "bool"}[t]
    dtype = dtype or inferred
    return emit(b, prims.ND_FROM_LIST, [value, int_constant(ndim), int_constant(DTYPES.index(dtype))],
                node, NDArrayType(dtype, ndim))


def joined_dtype(dtypes: List[str]) -> str:
    """numpy's result_type of several arrays, as the runtime's join
    computes it: the floats first, then each int into them (a left fold of
    the pairwise table would differ: uint8, int8 and float16 give float16)."""
    ordered = [d for d in dtypes if is_float(d)] + [d for d in dtypes if not is_float(d)]
    result = ordered[0]
    for d in ordered[1:]:
        result = promote(result, d)
    return result


def is_float(dtype: str) -> bool:
    return dtype in FLOAT_DTYPES


def join(b: "FunctionBuilder", how: str, arrays_node: ast.expr, axis: ops.Value,
         node: ast.AST) -> ops.Value:
    if isinstance(arrays_node, (ast.List, ast.Tuple)):
        items = [b.expr.value(e) for e in arrays_node.elts]
        if not items:
            raise b.error(node, "need at least one array to concatenate")
        types = [require_array(b, v, e) for v, e in zip(items, arrays_node.elts)]
        ndim = types[0].ndim
        if any(t.ndim != ndim for t in types):
            raise b.error(node, "all the input arrays must have same number of dimensions")
        dtype = joined_dtype([t.dtype for t in types])
        from .containers import new_list

        # one list of arrays (the runtime list holds objects of any dtype)
        lst = new_list(b, NDArrayType(types[0].dtype, ndim), node, len(items))
        for v in items:
            emit(b, prims.LIST_APPEND, [lst, v], node)
    else:
        lst = b.expr.value(arrays_node)
        if not (isinstance(lst.type, ListType) and isinstance(lst.type.item, NDArrayType)):
            raise b.error(arrays_node, f"{how}() takes a list of arrays, not {lst.type}")
        ndim, dtype = lst.type.item.ndim, lst.type.item.dtype
    result_ndim = ndim + (1 if how == "stack" else 0)
    p = prims.ND_STACK if how == "stack" else prims.ND_CONCATENATE
    return emit(b, p, [lst, axis], node, NDArrayType(dtype, result_ndim))


# ------------------------------------------------------------ static tests

_STATIC_COMPARES = {ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b,
                    ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b,
                    ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b}


def static_test(b: "FunctionBuilder", test: ast.expr) -> Optional[bool]:
    """The value of an `if` test known at compile time: `a.ndim == 2` or
    `a.dtype == "uint8"` on an array variable (its type fixes both).  A
    function specialised on arrays of several ranks builds only the branch
    its rank takes, as CPython only runs that one."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.left, ast.Attribute) and test.left.attr in ("ndim", "dtype")
            and isinstance(test.left.value, ast.Name)
            and isinstance(test.comparators[0], ast.Constant)):
        return None
    t = b.var_types.get(test.left.value.id)
    compare = _STATIC_COMPARES.get(type(test.ops[0]))
    if not isinstance(t, NDArrayType) or compare is None:
        return None
    known = t.ndim if test.left.attr == "ndim" else t.dtype
    other = test.comparators[0].value
    if type(other) is not type(known):
        return None
    return bool(compare(known, other))
