"""Lowering of the NDArray ops: inline element loads and stores, header
fields, stack int arrays.

An element access is a few loads of the array header (ndarray.h: data at
16, flags at 12, shape at 64, strides after the shape, in elements), one
compare-and-branch per index and a multiply-add; no call.  Header loads
carry a TBAA tag distinct from the element accesses' tag, so LLVM knows a
store into the elements cannot change a shape, stride or data pointer and
hoists those loads out of loops; and those of the shape, strides, size
and data are invariant loads, hoisted even past calls.  (The header of a
live array is never written after creation, so this is sound; untagged
accesses still alias everything.)
"""
from __future__ import annotations

from typing import TYPE_CHECKING, List, Sequence

from llvmlite import ir

from ..ir import ops
from ..ir.types import BOOL, FLOAT, INT, NONE, NDArrayType
from .abi import F64, I1, I8, I32, I64, PTR, VOID

if TYPE_CHECKING:
    from .lower import FunctionLowering

F32 = ir.FloatType()
I16 = ir.IntType(16)

DATA_OFFSET = 16
FLAGS_OFFSET = 12
SIZE_OFFSET = 32
DIMS_OFFSET = 64
READONLY_FLAG = 1

# the LLVM type an element is stored as
_STORAGE = {"bool": I8, "uint8": I8, "int8": I8, "int32": I32, "int64": I64, "float16": I16,
            "float32": F32, "float64": F64}
_INT_RANGE = {"uint8": (0, 255), "int8": (-128, 127), "int32": (-2**31, 2**31 - 1)}


class TBAA:
    """The module's type-based alias analysis tags for array accesses."""

    def __init__(self, module: ir.Module) -> None:
        root = module.add_metadata([ir.MetaDataString(module, "pyjitx arrays")])
        zero = ir.Constant(I64, 0)

        def tag(name: str) -> ir.MDValue:
            node = module.add_metadata([ir.MetaDataString(module, name), root, zero])
            return module.add_metadata([node, node, zero])

        self.header = tag("ndarray header")
        self.element = tag("ndarray element")
        self.invariant = module.add_metadata([])


class ArrayLowering:
    """Mixed into FunctionLowering."""

    def _tbaa(self: "FunctionLowering") -> TBAA:
        tbaa = getattr(self.parent, "array_tbaa", None)
        if tbaa is None:
            tbaa = self.parent.array_tbaa = TBAA(self.parent.llmod)
        return tbaa

    def header_load(self: "FunctionLowering", array: ir.Value, offset: int,
                    typ: ir.Type = I64) -> ir.Value:
        field = self.builder.gep(array, [ir.Constant(I64, offset)], source_etype=I8)
        load = self.builder.load(field, typ=typ)
        load.set_metadata("tbaa", self._tbaa().header)
        if offset != FLAGS_OFFSET:
            # shape, strides, size and data never change while the array
            # lives: LLVM may hoist these loads out of a loop even past a
            # call (a loop's poll for signals, a callee), which may write
            # any other memory
            load.set_metadata("invariant.load", self._tbaa().invariant)
        return load

    def op_NDField(self: "FunctionLowering", op: ops.NDField) -> ir.Value:
        array = self.value(op.operands[0])
        ndim = op.operands[0].type.ndim
        if op.field == "shape":
            return self.header_load(array, DIMS_OFFSET + 8 * op.axis)
        if op.field == "stride":
            return self.header_load(array, DIMS_OFFSET + 8 * (ndim + op.axis))
        if op.field == "size":
            return self.header_load(array, SIZE_OFFSET)
        return ir.Constant(I64, ndim)

    def op_IntArray(self: "FunctionLowering", op: ops.IntArray) -> ir.Value:
        self.allocas.position_at_start(self.llfn.entry_basic_block)
        storage = self.allocas.alloca(I64, size=max(1, len(op.operands)))
        for k, v in enumerate(op.operands):
            slot = self.builder.gep(storage, [ir.Constant(I64, k)], source_etype=I64)
            self.builder.store(self.value(v), slot)
        return storage

    def element_offset(self: "FunctionLowering", array_value: ops.Value,
                       indices: Sequence[ops.Value]) -> ir.Value:
        """The element offset of array[indices] (in elements from data),
        raising IndexError for an index out of range."""
        b = self.builder
        t: NDArrayType = array_value.type  # type: ignore[assignment]
        array = self.value(array_value)
        offset: ir.Value = ir.Constant(I64, 0)
        for axis, index_value in enumerate(indices):
            index = self.value(index_value)
            n = self.header_load(array, DIMS_OFFSET + 8 * axis)
            negative = b.icmp_signed("<", index, ir.Constant(I64, 0))
            wrapped = b.select(negative, b.add(index, n), index)
            in_range = b.icmp_unsigned("<", wrapped, n)
            self.fail_unless(in_range, "pjx_ndarray_index_error", [I64, I64, I64],
                             [index, ir.Constant(I64, axis), n])
            stride = self.header_load(array, DIMS_OFFSET + 8 * (t.ndim + axis))
            offset = b.add(offset, b.mul(wrapped, stride))
        return offset

    def fail_unless(self: "FunctionLowering", ok: ir.Value, raiser: str,
                    arg_types: List[ir.Type], args: List[ir.Value]) -> None:
        """if not ok: call the runtime function `raiser` (which sets the
        exception) and fail; continues in a new block."""
        b = self.builder
        cont = self.llfn.append_basic_block("ok")
        fail = self.llfn.append_basic_block(f"raise.{raiser}")
        b.cbranch(ok, cont, fail).set_weights([1 << 20, 1])
        b.position_at_end(fail)
        b.call(self.parent.external(raiser, I32, arg_types), args)
        b.branch(self._error_exit())
        b.position_at_end(cont)

    def element_pointer(self: "FunctionLowering", array: ir.Value, dtype: str,
                        offset: ir.Value) -> ir.Value:
        data = self.header_load(array, DATA_OFFSET, PTR)
        return self.builder.gep(data, [offset], source_etype=_STORAGE[dtype])

    def op_NDElement(self: "FunctionLowering", op: ops.NDElement) -> ir.Value:
        b = self.builder
        array_value, *indices = op.operands
        dtype = array_value.type.dtype  # type: ignore[attr-defined]
        offset = self.element_offset(array_value, indices)
        pointer = self.element_pointer(self.value(array_value), dtype, offset)
        raw = b.load(pointer, typ=_STORAGE[dtype])
        raw.set_metadata("tbaa", self._tbaa().element)
        if dtype == "bool":
            return b.icmp_unsigned("!=", raw, ir.Constant(I8, 0))
        if dtype in ("uint8",):
            return b.zext(raw, I64)
        if dtype in ("int8", "int32"):
            return b.sext(raw, I64)
        if dtype == "int64":
            return raw
        if dtype == "float16":
            widened = b.call(self.parent.external("pjx_half_to_float", F32, [I16]), [raw])
            return b.fpext(widened, F64)
        if dtype == "float32":
            return b.fpext(raw, F64)
        return raw

    def op_NDStore(self: "FunctionLowering", op: ops.NDStore) -> ir.Value:
        b = self.builder
        array_value, *indices, value_op = op.operands
        dtype = array_value.type.dtype  # type: ignore[attr-defined]
        array = self.value(array_value)
        flags = self.header_load(array, FLAGS_OFFSET, I32)
        writable = b.icmp_unsigned("==", b.and_(flags, ir.Constant(I32, READONLY_FLAG)),
                                   ir.Constant(I32, 0))
        self.fail_unless(writable, "pjx_ndarray_readonly_error", [], [])
        offset = self.element_offset(array_value, indices)
        value = self.value(value_op)
        storage = _STORAGE[dtype]
        if value_op.type == FLOAT and dtype not in ("float16", "float32", "float64"):
            # float into an int or bool dtype: numpy's checks (NaN, inf) in the runtime
            store = self.parent.external("pjx_ndarray_store_float", I32, [PTR, I64, F64])
            self.propagate_if_failed(b.call(store, [array, offset, value]))
            return ir.Constant(I8, 0)
        if dtype == "bool":
            if value_op.type == FLOAT:
                bit = b.fcmp_unordered("!=", value, ir.Constant(F64, 0.0))
            elif value_op.type == BOOL:
                bit = value
            else:
                bit = b.icmp_signed("!=", value, ir.Constant(I64, 0))
            raw = b.zext(bit, I8)
        elif dtype in ("float16", "float32", "float64"):
            if value_op.type == INT:
                value = b.sitofp(value, F64)
            elif value_op.type == BOOL:
                value = b.uitofp(value, F64)
            if dtype == "float64":
                raw = value
            elif dtype == "float32":
                raw = b.fptrunc(value, F32)
            else:
                raw = b.call(self.parent.external("pjx_double_to_half", I16, [F64]), [value])
        else:
            if value_op.type == BOOL:
                value = b.zext(value, I64)
            bounds = _INT_RANGE.get(dtype)
            if bounds is not None:
                low, high = bounds
                shifted = b.sub(value, ir.Constant(I64, low))
                fits = b.icmp_unsigned("<=", shifted, ir.Constant(I64, high - low))
                # out of range: the runtime's store raises numpy's OverflowError
                self.fail_unless(fits, "pjx_ndarray_store_int", [PTR, I64, I64],
                                 [array, offset, value])
            raw = value if storage == I64 else b.trunc(value, storage)
        store = b.store(raw, self.element_pointer(array, dtype, offset))
        store.set_metadata("tbaa", self._tbaa().element)
        return ir.Constant(I8, 0)


ARRAY_OPS = (ops.NDElement, ops.NDStore, ops.NDField, ops.IntArray)
