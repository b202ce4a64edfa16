"""Lowering of an IR module to an LLVM module.

Inside a module every IR function becomes an internal `@sym.impl` that
returns `{result, i1 failed}` in registers; a failure means an exception
is pending in the runtime's thread-local state.  Functions on a call cycle
take an extra `i32` call depth and raise RecursionError past the
runtime's limit (no thread-local counter, no call into the runtime).

An exported function also gets the runtime's C convention,
`i32 @sym(args..., ptr %out)` (0: ok, -1: exception), and a packed entry
`i32 @sym__packed(ptr %args, ptr %out)` taking one 8-byte slot per
argument, which the Python bridge and C hosts call.

A raising op becomes a branch to a cold block that records the exception
and returns failure.  Block parameters become phis.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Tuple

from llvmlite import ir

from ..ir import cpython, ops
from ..ir.primitives import (COMPARE_INT_FLOAT, CSTR, FLOAT_TO_INT, I32 as I32_ARG, POLL_SIGNALS,
                             SLOT, Primitive)
from ..ir.types import (BOOL, BYTES, FLOAT, INT, NONE, STR, EnumType, FunctionRefType, NDArrayType,
                        OptionalType, Type, slot_kind)
from .arrays import ARRAY_OPS, ArrayLowering
from .abi import (ABI_SYMBOL, ERROR_KINDS, F64, I1, I8, I32, I64, PTR, VOID, abi_type,
                  boundary_descriptor, value_type)

OVERFLOW_MESSAGE = "integer overflow: the result does not fit in a 64-bit pyjitx int"
INT_MIN = -2**63

_ICMP = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


class ModuleLowering:
    def __init__(self, module: ops.Module, triple: str, data_layout: str) -> None:
        self.module = module
        self.llmod = ir.Module(name=module.name)
        self.llmod.triple = triple
        self.llmod.data_layout = data_layout
        self.functions: Dict[str, ir.Function] = {}
        self.externals: Dict[str, ir.Function] = {}
        self.strings: Dict[str, ir.GlobalVariable] = {}

    def lower(self) -> ir.Module:
        for fn in self.module.functions:
            self._declare(fn)
        for fn in self.module.functions:
            FunctionLowering(self, fn).lower()
            if fn.exported:
                self._c_entry(fn)
                self._packed_entry(fn)
        for symbol in self.module.presets:  # (the loader looks for each, used or not)
            self.constant_memo(symbol)
        self._reference_abi()
        return self.llmod

    # ---- declarations

    def _declare(self, fn: ops.Function) -> None:
        sig = fn.signature
        params = [abi_type(t) for t in sig.param_types]
        names = list(sig.param_names)
        if fn.recursive:
            params.append(I32)
            names.append("depth")
        fnty = ir.FunctionType(impl_result_type(sig.return_type), params)
        llfn = ir.Function(self.llmod, fnty, sig.symbol + ".impl")
        llfn.linkage = "internal"
        llfn.attributes.add("nounwind")
        for arg, name in zip(llfn.args, names):
            arg.name = name
        for arg, t in zip(llfn.args, sig.param_types):
            if isinstance(t, NDArrayType) and t.ndim >= 0:
                # the caller keeps the array alive and its header never
                # changes: loads of shape/strides/data may be hoisted out of
                # loops even past a bounds check (LICM needs to know they
                # cannot fault)
                arg.attributes.dereferenceable = 64 + 16 * t.ndim
                arg.attributes.align = 8
        self.functions[sig.symbol] = llfn

    def external(self, name: str, return_type: ir.Type, arg_types: List[ir.Type],
                 readnone: bool = False) -> ir.Function:
        fn = self.externals.get(name)
        if fn is None:
            fn = ir.Function(self.llmod, ir.FunctionType(return_type, arg_types), name)
            fn.attributes.add("nounwind")
            self.externals[name] = fn
        return fn

    def constant_memo(self, symbol: str) -> ir.GlobalVariable:
        """The pointer a module constant built by `symbol` is kept in
        (ops.ModuleConstant): NULL until it is built."""
        name = constant_memo_symbol(symbol)
        memo = self.llmod.globals.get(name)
        if memo is None:
            memo = ir.GlobalVariable(self.llmod, PTR, name=name)
            if symbol not in self.module.presets:  # (a preset one is found by name)
                memo.linkage = "internal"
            memo.initializer = ir.Constant(PTR, None)
        return memo

    def state_slot(self, state: ops.ModuleState) -> Tuple[ir.GlobalVariable, ir.GlobalVariable]:
        """The slot of a module-level `global` name (a pjx_slot) and its
        is-set byte: exported (state_symbol) so that the boundary can find
        them, and zero (unset) until the first assignment."""
        name = state_symbol(self.module.name, state.index)
        slot = self.llmod.globals.get(name)
        if slot is None:
            slot = ir.GlobalVariable(self.llmod, I64, name=name)
            slot.initializer = ir.Constant(I64, 0)
            flag = ir.GlobalVariable(self.llmod, I8, name=name + ".set")
            flag.initializer = ir.Constant(I8, 0)
        return slot, self.llmod.globals[name + ".set"]

    def signal_pending(self) -> ir.GlobalVariable:
        pending = self.llmod.globals.get("pjx_signal_pending")
        if pending is None:
            pending = ir.GlobalVariable(self.llmod, I32, name="pjx_signal_pending")
            pending.linkage = "external"
            pending.align = 4
        return pending

    def recursion_limit(self) -> ir.GlobalVariable:
        limit = self.llmod.globals.get("pjx_recursion_limit")
        if limit is None:
            limit = ir.GlobalVariable(self.llmod, I32, name="pjx_recursion_limit")
            limit.linkage = "external"
        return limit

    def primitive(self, prim: Primitive) -> ir.Function:
        args = [_c_type(t) for t in prim.arg_types]
        result = _c_type(prim.result_type)
        if prim.convention == "status":
            return self.external(prim.symbol, I32, args + ([PTR] if prim.result_type != NONE else []))
        if prim.convention == "tristate":
            return self.external(prim.symbol, I32, args)
        if prim.result_type == NONE:
            return self.external(prim.symbol, VOID, args)
        return self.external(prim.symbol, result, args)

    def string(self, text: Optional[str]) -> ir.Constant:
        """A pointer to a NUL-terminated UTF-8 constant (NULL for None)."""
        if text is None:
            return ir.Constant(PTR, None)
        var = self.strings.get(text)
        if var is None:
            data = bytearray(text.encode("utf-8") + b"\0")
            const = ir.Constant(ir.ArrayType(I8, len(data)), data)
            var = ir.GlobalVariable(self.llmod, const.type, name=f".str{len(self.strings)}")
            var.global_constant = True
            var.linkage = "private"
            var.unnamed_addr = True
            var.initializer = const
            self.strings[text] = var
        return var

    def str_object(self, text: str) -> ir.GlobalVariable:
        """An immortal runtime str (object.h's pjx_str layout, refcount -1)
        holding `text`: string literals cost no allocation and no counting."""
        key = ("str", text)
        var = self.strings.get(key)
        if var is None:
            data = text.encode("utf-8", "surrogatepass")
            is_ascii = len(data) == len(text)
            body = ir.ArrayType(I8, len(data) + 1)
            fields = [I64, I32, I32, I64, I64, I64, PTR, body]
            const = ir.Constant(ir.LiteralStructType(fields), [
                ir.Constant(I64, -1), ir.Constant(I32, 1), ir.Constant(I32, 1 if is_ascii else 0),
                ir.Constant(I64, len(data)), ir.Constant(I64, len(text)), ir.Constant(I64, -1),
                ir.Constant(PTR, None), ir.Constant(body, bytearray(data + b"\0"))])
            var = ir.GlobalVariable(self.llmod, const.type, name=f".strobj{len(self.strings)}")
            var.linkage = "private"
            var.initializer = const
            var.align = 8
            self.strings[key] = var
        return var

    def bytes_object(self, data: bytes) -> ir.GlobalVariable:
        """An immortal runtime bytes object (object.h's pjx_bytes layout)."""
        key = ("bytes", data)
        var = self.strings.get(key)
        if var is None:
            body = ir.ArrayType(I8, len(data) + 1)
            fields = [I64, I32, I32, I64, I64, body]
            const = ir.Constant(ir.LiteralStructType(fields), [
                ir.Constant(I64, -1), ir.Constant(I32, 2), ir.Constant(I32, 0),
                ir.Constant(I64, len(data)), ir.Constant(I64, -1),
                ir.Constant(body, bytearray(data + b"\0"))])
            var = ir.GlobalVariable(self.llmod, const.type, name=f".bytesobj{len(self.strings)}")
            var.linkage = "private"
            var.initializer = const
            var.align = 8
            self.strings[key] = var
        return var

    # object.h's pjx_class: id, name, base, nfields, field_kinds, nmethods,
    # vtable, flags, hooks {eq, hash, lt, repr, str}
    CLASS_STRUCT = ir.LiteralStructType([I64, PTR, PTR, I64, PTR, I64, PTR, I64,
                                         ir.LiteralStructType([PTR] * 5)])
    HOOK_NAMES = ("eq", "hash", "lt", "repr", "str")
    CLASS_ID_OFFSET, CLASS_VTABLE_OFFSET = 0, 48
    INSTANCE_CLASS_OFFSET, INSTANCE_FIELDS_OFFSET = 16, 24

    def class_descriptor(self, class_id: int) -> ir.GlobalVariable:
        """This object file's pjx_class of a compiled class (and of its
        compiled bases), with the vtable of its virtual methods."""
        name = f".class.{class_id}"
        existing = self.llmod.globals.get(name)
        if existing is not None:
            return existing
        layout = self.module.classes[class_id]
        var = ir.GlobalVariable(self.llmod, self.CLASS_STRUCT, name=name)
        var.linkage = "private"
        var.global_constant = True
        var.align = 8
        base = (self.class_descriptor(layout.type.base.class_id) if layout.type.base is not None
                else ir.Constant(PTR, None))
        kinds = bytearray(slot_kind(t) for t in layout.field_types) or bytearray(1)
        kinds_var = ir.GlobalVariable(self.llmod, ir.ArrayType(I8, len(kinds)), name=name + ".kinds")
        kinds_var.linkage = "private"
        kinds_var.global_constant = True
        kinds_var.initializer = ir.Constant(ir.ArrayType(I8, len(kinds)), kinds)
        # (an empty slot: a method the class adds, never called through it)
        entries = [self.virtual_entry(symbol) if symbol is not None else ir.Constant(PTR, None)
                   for symbol in layout.vtable]
        vtable = ir.GlobalVariable(self.llmod, ir.ArrayType(PTR, max(1, len(entries))),
                                   name=name + ".vtable")
        vtable.linkage = "private"
        vtable.global_constant = True
        vtable.initializer = ir.Constant(vtable.value_type, entries or [ir.Constant(PTR, None)])
        hooks = [self.hook_thunk(name, *layout.hooks[name]) if name in layout.hooks
                 else ir.Constant(PTR, None) for name in self.HOOK_NAMES]
        var.initializer = ir.Constant(self.CLASS_STRUCT, [
            ir.Constant(I64, class_id), self.string(layout.qualified_name), base,
            ir.Constant(I64, len(layout.field_types)), kinds_var,
            ir.Constant(I64, len(entries)), vtable, ir.Constant(I64, 1 if layout.unhashable else 0),
            ir.Constant(self.CLASS_STRUCT.elements[8], hooks)])
        return var

    def hook_thunk(self, hook: str, symbol: str, other_class_id: Optional[int]) -> ir.Function:
        """The C-ABI entry (object.h pjx_class_hooks) through which the
        runtime calls a special method of instances in containers."""
        fn = self.module.function(symbol)
        impl = self.functions[symbol]
        binary = hook in ("eq", "lt")
        if hook in ("repr", "str"):
            fnty = ir.FunctionType(PTR, [PTR])
        else:
            fnty = ir.FunctionType(I32, [PTR, PTR, PTR] if binary else [PTR, PTR])
        thunk = ir.Function(self.llmod, fnty, f"{symbol}.hook.{hook}")
        thunk.linkage = "internal"
        b = ir.IRBuilder(thunk.append_basic_block("entry"))
        if binary and other_class_id is not None:
            # NotImplemented unless `other` is of the class the method takes
            cls = b.load(b.gep(thunk.args[1], [ir.Constant(I64, self.INSTANCE_CLASS_OFFSET)],
                               source_etype=I8), typ=PTR)
            check = self.external("pjx_class_is_subclass", I64, [PTR, I64])
            takes = b.call(check, [cls, ir.Constant(I64, other_class_id)])
            call_block = thunk.append_basic_block("call")
            not_implemented = thunk.append_basic_block("not_implemented")
            b.cbranch(b.icmp_signed("!=", takes, ir.Constant(I64, 0)), call_block, not_implemented)
            b.position_at_end(not_implemented)
            b.ret(ir.Constant(I32, 1))
            b.position_at_end(call_block)
        args = list(thunk.args[:2] if binary else thunk.args[:1])
        if fn.recursive:
            args.append(ir.Constant(I32, 0))
        pair = b.call(impl, args)
        result, failed = b.extract_value(pair, 0), b.extract_value(pair, 1)
        if hook in ("repr", "str"):
            b.ret(b.select(failed, ir.Constant(PTR, None), result))
            return thunk
        ok = thunk.append_basic_block("ok")
        fail = thunk.append_basic_block("failed")
        b.cbranch(failed, fail, ok)
        b.position_at_end(fail)
        b.ret(ir.Constant(I32, -1))
        b.position_at_end(ok)
        if hook == "hash":  # hash() never returns -1 (CPython's rule)
            word = b.select(b.icmp_signed("==", result, ir.Constant(I64, -1)), ir.Constant(I64, -2), result)
        else:
            word = b.zext(result, I64)
        b.store(word, thunk.args[-1])
        b.ret(ir.Constant(I32, 0))
        return thunk

    def virtual_entry(self, symbol: str) -> ir.Function:
        """What a vtable slot points at: the method's implementation, or a
        thunk supplying the call depth of a method on a call cycle (calls
        through a vtable start a new depth count)."""
        fn = self.module.function(symbol)
        impl = self.functions[symbol]
        if not fn.recursive:
            return impl
        name = symbol + ".virtual"
        thunk = self.llmod.globals.get(name)
        if thunk is None:
            params = [abi_type(t) for t in fn.signature.param_types]
            thunk = ir.Function(self.llmod, ir.FunctionType(impl.function_type.return_type, params), name)
            thunk.linkage = "internal"
            b = ir.IRBuilder(thunk.append_basic_block("entry"))
            b.ret(b.call(impl, list(thunk.args) + [ir.Constant(I32, 0)]))
        return thunk

    def _reference_abi(self) -> None:
        """Every object file refers to the runtime's ABI symbol, so code
        built for another ABI fails at link time rather than at run time."""
        abi = ir.GlobalVariable(self.llmod, I32, name=ABI_SYMBOL)
        abi.linkage = "external"
        abi.global_constant = True
        ref = ir.GlobalVariable(self.llmod, PTR, name="pjx_abi_reference")
        ref.linkage = "internal"
        ref.global_constant = True
        ref.initializer = abi
        used = ir.GlobalVariable(self.llmod, ir.ArrayType(PTR, 1), name="llvm.used")
        used.linkage = "appending"
        used.section = "llvm.metadata"
        used.initializer = ir.Constant(ir.ArrayType(PTR, 1), [ref])

    # ---- exported entries

    def call_impl(self, builder: ir.IRBuilder, fn: ops.Function, args: List[ir.Value]) -> Tuple[ir.Value, ir.Value]:
        """Calls fn's implementation from outside any call cycle; returns
        (result, failed)."""
        if fn.recursive:
            args = args + [ir.Constant(I32, 0)]
        pair = builder.call(self.functions[fn.signature.symbol], args)
        return builder.extract_value(pair, 0), builder.extract_value(pair, 1)

    def _c_entry(self, fn: ops.Function) -> None:
        """`i32 @sym(args..., ptr out)`: the documented C ABI."""
        sig = fn.signature
        fnty = ir.FunctionType(I32, [abi_type(t) for t in sig.param_types] + [PTR])
        entry = ir.Function(self.llmod, fnty, sig.symbol)
        entry.attributes.add("nounwind")
        for arg, name in zip(entry.args, sig.param_names + ["out"]):
            arg.name = name
        builder = ir.IRBuilder(entry.append_basic_block("entry"))
        result, failed = self.call_impl(builder, fn, list(entry.args[:-1]))
        with builder.if_then(builder.not_(failed)):
            builder.store(result, entry.args[-1])
        builder.ret(builder.select(failed, ir.Constant(I32, -1), ir.Constant(I32, 0)))

    def _packed_entry(self, fn: ops.Function) -> None:
        sig = fn.signature
        packed = ir.Function(self.llmod, ir.FunctionType(I32, [PTR, PTR]), sig.symbol + "__packed")
        packed.attributes.add("nounwind")
        args_ptr, out_ptr = packed.args
        args_ptr.name, out_ptr.name = "args", "out"
        builder = ir.IRBuilder(packed.append_basic_block("entry"))
        call_args = []
        for index, t in enumerate(sig.param_types):
            slot = builder.gep(args_ptr, [ir.Constant(I64, index)], source_etype=I64)
            call_args.append(builder.load(slot, typ=abi_type(t)))
        result, failed = self.call_impl(builder, fn, call_args)
        with builder.if_then(builder.not_(failed)):
            if sig.return_type == FLOAT:
                word = builder.bitcast(result, I64)
            elif sig.return_type == INT:
                word = result
            elif sig.return_type.is_refcounted:
                word = builder.ptrtoint(result, I64)
            else:
                word = builder.zext(result, I64)
            builder.store(word, out_ptr)
        builder.ret(builder.select(failed, ir.Constant(I32, -1), ir.Constant(I32, 0)))


def _c_type(t: Type) -> ir.Type:
    if t == SLOT:
        return I64
    if t == CSTR:
        return PTR
    if t == I32_ARG:
        return I32
    return abi_type(t)


def impl_result_type(t: Type) -> ir.Type:
    return ir.LiteralStructType([abi_type(t), I1])


class FunctionLowering(ArrayLowering):
    def __init__(self, parent: ModuleLowering, fn: ops.Function) -> None:
        self.parent = parent
        self.fn = fn
        self.llfn = parent.functions[fn.signature.symbol]
        self.values: Dict[ops.Value, ir.Value] = {}
        self.blocks: Dict[ops.Block, ir.Block] = {}
        self.end_blocks: Dict[ops.Block, ir.Block] = {}
        self.builder: ir.IRBuilder
        self.error_exit: Optional[ir.Block] = None
        # owned references to release if the op being lowered raises
        self.cleanup: List[ops.Value] = []
        self.cleanup_blocks: Dict[Tuple[ops.Value, ...], ir.Block] = {}
        # inside a try: where the failure of the op being lowered goes
        self.failure_target: Optional[ir.Block] = None
        # LLVM block each IR edge leaves from, where not the block's end
        self.edge_sources: Dict[Tuple[ops.Block, int], ir.Block] = {}

    # ---- driver

    def lower(self) -> None:
        entry = self.llfn.append_basic_block("prologue")
        self.builder = ir.IRBuilder(entry)
        self.allocas = ir.IRBuilder(entry)
        for block in self.fn.blocks:
            self.blocks[block] = self.llfn.append_basic_block(block.label)
        for block in self.fn.blocks:
            llblock = self.blocks[block]
            self.builder.position_at_end(llblock)
            for param in block.params:
                if block is self.fn.entry:
                    continue
                self.values[param] = self.builder.phi(value_type(param.type), name=param.name)
        # Entry block parameters are the function's arguments.
        self.builder.position_at_end(entry)
        if self.fn.recursive:
            limit = self.parent.recursion_limit()
            depth = self.llfn.args[len(self.fn.signature.param_types)]
            too_deep = self.builder.icmp_signed(">", depth, self.builder.load(limit, typ=I32))
            self.raise_if(too_deep, "RecursionError", "maximum recursion depth exceeded")
            # a recursion with no loop in it (fib) can run for hours: each
            # call polls for signals as each loop iteration does
            self.poll_signals(None)
        for param, arg in zip(self.fn.entry.params, self.llfn.args):
            self.values[param] = self.from_abi(arg, param.type)
        self.builder.branch(self.blocks[self.fn.entry])
        # Reverse postorder: every value is lowered before its uses.
        for block in reverse_postorder(self.fn):
            self.builder.position_at_end(self.blocks[block])
            term = block.terminator
            # Inside try, the block's raising op is its last but for the
            # reference counts released after it (the refcount pass puts
            # them there; the handler edge releases them on failure).
            raising = max((i for i, op in enumerate(block.ops)
                           if not isinstance(op, (ops.IncRef, ops.DecRef))), default=-1)
            for index, op in enumerate(block.ops):
                self.cleanup = op.cleanup
                if isinstance(term, ops.TryGoto) and index == raising:
                    landing = self.llfn.append_basic_block("landing")
                    self.failure_target = landing
                    self.edge_sources[(block, 1)] = landing
                self.values[op] = self.lower_op(op)
                self.failure_target = None
            self.cleanup = []
            self.end_blocks[block] = self.builder.block
            self.current_block = block
            self.lower_terminator(block.terminator)
        for block in self.fn.blocks:
            for index, edge in enumerate(block.terminator.edges):
                source = self.edge_sources.get((block, index), self.end_blocks.get(block))
                if source is None:
                    continue  # unreachable block
                for param, arg in zip(edge.target.params, edge.args):
                    self.values[param].add_incoming(self.value(arg), source)

    # ---- values

    def value(self, v: ops.Value) -> ir.Value:
        if isinstance(v, ops.Constant) and isinstance(v.type, EnumType):
            v = ops.Constant(v.type.value, v.value)  # a member: its value
        if isinstance(v, ops.Constant):
            if v.type == STR and v.value is not None:
                return self.parent.str_object(v.value)
            if v.type == BYTES and v.value is not None:
                return self.parent.bytes_object(v.value)
            return constant(v.type, v.value)
        if isinstance(v, ops.Undefined):
            return constant(v.type, None)
        return self.values[v]

    # ---- reference counts (object.h: a negative count is immortal)

    def incref(self, obj: ir.Value) -> None:
        """Takes a reference: an atomic increment unless obj is NULL or
        immortal."""
        b = self.builder
        check = self.llfn.append_basic_block("incref.check")
        counted = self.llfn.append_basic_block("incref")
        done = self.llfn.append_basic_block("incref.done")
        b.cbranch(b.icmp_unsigned("==", obj, ir.Constant(PTR, None)), done, check)
        b.position_at_end(check)
        count = b.load_atomic(obj, "monotonic", 8, typ=I64)
        b.cbranch(b.icmp_signed(">=", count, ir.Constant(I64, 0)), counted, done).set_weights([64, 1])
        b.position_at_end(counted)
        b.atomic_rmw("add", obj, ir.Constant(I64, 1), "monotonic")
        b.branch(done)
        b.position_at_end(done)

    def decref(self, obj: ir.Value) -> None:
        """Releases a reference.  A count of 1 means this reference is the
        only one, so no other thread can touch the count: the object is
        freed without an atomic instruction (temporaries, most objects,
        die this way).  Otherwise an atomic decrement."""
        b = self.builder
        check = self.llfn.append_basic_block("decref.check")
        shared = self.llfn.append_basic_block("decref.shared")
        free = self.llfn.append_basic_block("dealloc")
        done = self.llfn.append_basic_block("decref.done")
        b.cbranch(b.icmp_unsigned("==", obj, ir.Constant(PTR, None)), done, check)
        b.position_at_end(check)
        count = b.load_atomic(obj, "monotonic", 8, typ=I64)
        is_last = b.icmp_signed("==", count, ir.Constant(I64, 1))
        counted = self.llfn.append_basic_block("decref.counted")
        b.cbranch(is_last, free, counted).set_weights([8, 8])
        b.position_at_end(counted)
        b.cbranch(b.icmp_signed(">", count, ir.Constant(I64, 1)), shared, done)
        b.position_at_end(shared)
        old = b.atomic_rmw("sub", obj, ir.Constant(I64, 1), "acq_rel")
        b.cbranch(b.icmp_signed("==", old, ir.Constant(I64, 1)), free, done).set_weights([1, 64])
        b.position_at_end(free)
        b.call(self.parent.external("pjx_dealloc", VOID, [PTR]), [obj])
        b.branch(done)
        b.position_at_end(done)

    def op_Length(self, op: ops.Length) -> ir.Value:
        # object.h: pjx_str.length is at offset 24; every other sized
        # object keeps its size right after the 16-byte header.
        offset = 24 if op.operands[0].type == STR and not op.utf8 else 16
        b = self.builder
        field = b.gep(self.value(op.operands[0]), [ir.Constant(I64, offset)], source_etype=I8)
        return b.load(field, typ=I64)

    def op_ListItem(self, op: ops.ListItem) -> ir.Value:
        # object.h: pjx_list.items (a pjx_slot *) is at offset 32
        b = self.builder
        lst, index = (self.value(v) for v in op.operands)
        items_field = b.gep(lst, [ir.Constant(I64, 32)], source_etype=I8)
        items = b.load(items_field, typ=PTR)
        word = b.load(b.gep(items, [index], source_etype=I64), typ=I64)
        value = self.from_slot(word, op.type)
        if op.type.is_refcounted and not op.borrowed_result:
            self.incref(value)
        return value

    def op_OptionalOp(self, op: ops.OptionalOp) -> ir.Value:
        b = self.builder
        value = self.value(op.operands[0])
        if op.op == "is_none":
            return b.icmp_unsigned("==", value, ir.Constant(PTR, None))
        if op.op == "unwrap":
            self.raise_if(b.icmp_unsigned("==", value, ir.Constant(PTR, None)), op.error,
                          op.message or f"expected {op.type}, got None")
        self.incref(value)
        return value

    def op_WidenFunction(self, op: ops.WidenFunction) -> ir.Value:
        return self.value(op.operands[0])

    def op_Retype(self, op: ops.Retype) -> ir.Value:
        value = self.value(op.operands[0])
        if op.type.is_refcounted:
            self.incref(value)  # an op's object result is a new reference
        return value

    def op_IncRef(self, op: ops.IncRef) -> ir.Value:
        self.incref(self.value(op.operands[0]))
        return constant(NONE, None)

    def op_DecRef(self, op: ops.DecRef) -> ir.Value:
        self.decref(self.value(op.operands[0]))
        return constant(NONE, None)

    def from_abi(self, value: ir.Value, t: Type) -> ir.Value:
        return self.builder.trunc(value, I1) if t == BOOL else value

    def to_abi(self, value: ir.Value, t: Type) -> ir.Value:
        return self.builder.zext(value, I8) if t == BOOL else value

    # ---- errors

    def _error_exit(self) -> ir.Block:
        """Where a failure goes: inside a try, to the handler's landing
        block; otherwise release what the failing op's cleanup lists, then
        return failure."""
        if self.failure_target is not None:
            return self.failure_target
        if not self.cleanup:
            return self._propagate_block()
        key = tuple(sorted(self.cleanup, key=id))
        block = self.cleanup_blocks.get(key)
        if block is None:
            saved = self.builder.block
            block = self.llfn.append_basic_block("cleanup")
            self.builder.position_at_end(block)
            for value in self.cleanup:
                self.decref(self.value(value))
            self.builder.branch(self._propagate_block())
            self.builder.position_at_end(saved)
            self.cleanup_blocks[key] = block
        return block

    def _propagate_block(self) -> ir.Block:
        if self.error_exit is None:
            saved = self.builder.block
            self.error_exit = self.llfn.append_basic_block("propagate")
            self.builder.position_at_end(self.error_exit)
            failed = ir.Constant(self.llfn.return_value.type, ir.Undefined)
            failed = self.builder.insert_value(failed, ir.Constant(I1, 1), 1)
            self.builder.ret(failed)
            self.builder.position_at_end(saved)
        return self.error_exit

    def raise_if(self, failed: ir.Value, kind: str, message: Optional[str]) -> None:
        """if failed: raise kind(message); continues in a new block."""
        raise_block = self.llfn.append_basic_block(f"raise_{kind}")
        cont = self.llfn.append_basic_block("ok")
        branch = self.builder.cbranch(failed, raise_block, cont)
        branch.set_weights([1, 1 << 20])
        self.builder.position_at_end(raise_block)
        self.set_error(kind, message)
        self.builder.branch(self._error_exit())
        self.builder.position_at_end(cont)

    def set_error(self, kind: str, message: Optional[str]) -> None:
        err_set = self.parent.external("pjx_err_set", VOID, [I32, PTR])
        text = self.parent.string(message) if message is not None else ir.Constant(PTR, None)
        self.builder.call(err_set, [ir.Constant(I32, ERROR_KINDS[kind]), text])

    def propagate_if_failed(self, status: ir.Value) -> None:
        """After a call of the runtime convention (status != 0: failed)."""
        self.propagate_if(self.builder.icmp_signed("!=", status, ir.Constant(I32, 0)))

    def propagate_if(self, failed: ir.Value) -> None:
        cont = self.llfn.append_basic_block("ok")
        branch = self.builder.cbranch(failed, self._error_exit(), cont)
        branch.set_weights([1, 1 << 20])
        self.builder.position_at_end(cont)

    def out_slot(self, t: Type) -> ir.Value:
        self.allocas.position_at_start(self.llfn.entry_basic_block)
        return self.allocas.alloca(abi_type(t))

    def call_convention(self, fn: ir.Function, args: List[ir.Value], result_type: Type) -> ir.Value:
        """Calls a function of the runtime convention and propagates failure."""
        slot = self.out_slot(result_type)
        status = self.builder.call(fn, args + [slot])
        self.propagate_if_failed(status)
        return self.from_abi(self.builder.load(slot, typ=abi_type(result_type)), result_type)

    def assume(self, fact: ir.Value) -> None:
        assume = self.parent.external("llvm.assume", VOID, [I1])
        self.builder.call(assume, [fact])

    def overflow_intrinsic(self, op: str) -> ir.Function:
        name = f"llvm.{op}.with.overflow.i64"
        fnty = ir.FunctionType(ir.LiteralStructType([I64, I1]), [I64, I64])
        return self.parent.external(name, fnty.return_type, list(fnty.args))

    # ---- ops

    def lower_op(self, op: ops.Op) -> ir.Value:
        handler = _OP_LOWERING.get(type(op))
        if handler is None:
            raise NotImplementedError(f"no lowering for {type(op).__name__}")
        return handler(self, op)

    def op_IntArith(self, op: ops.IntArith) -> ir.Value:
        b = self.builder
        lhs, rhs = (self.value(v) for v in op.operands)
        kind = op.op
        if kind in ("add", "sub", "mul"):
            pair = b.call(self.overflow_intrinsic(f"s{kind}"), [lhs, rhs])
            self.raise_if(b.extract_value(pair, 1), "OverflowError", OVERFLOW_MESSAGE)
            result = b.extract_value(pair, 0)
            if kind == "mul" and op.operands[0] is op.operands[1]:
                # A square is never negative: tell LLVM, so that Python's
                # sign fix-ups of a following // or % fold away.
                self.assume(b.icmp_signed(">=", result, ir.Constant(I64, 0)))
            return result
        if kind == "add_wrap":
            return b.add(lhs, rhs)
        if kind == "sub_wrap":
            return b.sub(lhs, rhs)
        if kind == "step_count":
            return b.add(lhs, rhs, flags=["nuw"])
        if kind == "step_index":
            return b.add(lhs, rhs, flags=["nsw"])
        if kind == "and":
            return b.and_(lhs, rhs)
        if kind == "or":
            return b.or_(lhs, rhs)
        if kind == "xor":
            return b.xor(lhs, rhs)
        zero, minus_one = ir.Constant(I64, 0), ir.Constant(I64, -1)
        if kind in ("floordiv", "mod"):
            message = cpython.INT_DIV_BY_ZERO if kind == "floordiv" else cpython.INT_MOD_BY_ZERO
            self.raise_if(b.icmp_signed("==", rhs, zero), "ZeroDivisionError", message)
            is_minus_one = b.icmp_signed("==", rhs, minus_one)
            if kind == "floordiv":
                overflow = b.and_(is_minus_one, b.icmp_signed("==", lhs, ir.Constant(I64, INT_MIN)))
                self.raise_if(overflow, "OverflowError", OVERFLOW_MESSAGE)
            # x / -1 and x % -1 are UB for INT_MIN in LLVM: divide by 1 instead.
            safe_rhs = b.select(is_minus_one, ir.Constant(I64, 1), rhs)
            quotient = b.sdiv(lhs, safe_rhs)
            remainder = b.srem(lhs, safe_rhs)
            quotient = b.select(is_minus_one, b.neg(lhs), quotient)
            remainder = b.select(is_minus_one, zero, remainder)
            # Python rounds toward negative infinity: fix up when the
            # remainder is non-zero and its sign differs from the divisor's.
            adjust = b.and_(b.icmp_signed("!=", remainder, zero),
                            b.icmp_signed("<", b.xor(remainder, rhs), zero))
            if kind == "floordiv":
                return b.select(adjust, b.sub(quotient, ir.Constant(I64, 1)), quotient)
            return b.select(adjust, b.add(remainder, rhs), remainder)
        if kind in ("lshift", "rshift"):
            self.raise_if(b.icmp_signed("<", rhs, zero), "ValueError", "negative shift count")
            too_far = b.icmp_unsigned(">", rhs, ir.Constant(I64, 63))
            amount = b.select(too_far, ir.Constant(I64, 63), rhs)
            if kind == "rshift":
                return b.ashr(lhs, amount)
            shifted = b.shl(lhs, amount)
            lost = b.icmp_signed("!=", b.ashr(shifted, amount), lhs)
            nonzero = b.icmp_signed("!=", lhs, zero)
            self.raise_if(b.or_(lost, b.and_(too_far, nonzero)), "OverflowError", OVERFLOW_MESSAGE)
            return b.select(too_far, zero, shifted)
        raise NotImplementedError(kind)

    def op_FloatArith(self, op: ops.FloatArith) -> ir.Value:
        b = self.builder
        lhs, rhs = (self.value(v) for v in op.operands)
        if op.op == "add":
            return b.fadd(lhs, rhs)
        if op.op == "sub":
            return b.fsub(lhs, rhs)
        if op.op == "mul":
            return b.fmul(lhs, rhs)
        if op.op == "truediv":
            self.raise_if(b.fcmp_ordered("==", rhs, ir.Constant(F64, 0.0)), "ZeroDivisionError",
                          "float division by zero")
            return b.fdiv(lhs, rhs)
        raise NotImplementedError(op.op)

    def op_Unary(self, op: ops.Unary) -> ir.Value:
        b = self.builder
        operand = self.value(op.operands[0])
        if op.op == "int_neg":
            pair = b.call(self.overflow_intrinsic("ssub"), [ir.Constant(I64, 0), operand])
            self.raise_if(b.extract_value(pair, 1), "OverflowError", OVERFLOW_MESSAGE)
            return b.extract_value(pair, 0)
        if op.op == "int_invert":
            return b.xor(operand, ir.Constant(I64, -1))
        if op.op == "float_neg":
            return b.fneg(operand)
        if op.op == "float_abs":
            return b.call(b.module.declare_intrinsic("llvm.fabs", [F64]), [operand])
        if op.op == "bool_not":
            return b.xor(operand, ir.Constant(I1, 1))
        raise NotImplementedError(op.op)

    def op_Compare(self, op: ops.Compare) -> ir.Value:
        b = self.builder
        lhs, rhs = (self.value(v) for v in op.operands)
        t = op.operands[0].type
        if op.op == "ult":
            return b.icmp_unsigned("<", lhs, rhs)
        if t == FLOAT:
            if op.op == "ne":
                return b.fcmp_unordered("!=", lhs, rhs)
            return b.fcmp_ordered(_ICMP[op.op], lhs, rhs)
        if t == BOOL:
            return b.icmp_unsigned(_ICMP[op.op], lhs, rhs)
        return b.icmp_signed(_ICMP[op.op], lhs, rhs)

    def op_CompareIntFloat(self, op: ops.CompareIntFloat) -> ir.Value:
        b = self.builder
        lhs, rhs = (self.value(v) for v in op.operands)
        order = b.call(self.parent.primitive(COMPARE_INT_FLOAT), [lhs, rhs])
        def is_(n: int) -> ir.Value:
            return b.icmp_signed("==", order, ir.Constant(I64, n))
        if op.op == "eq":
            return is_(0)
        if op.op == "ne":
            return b.icmp_signed("!=", order, ir.Constant(I64, 0))
        if op.op == "lt":
            return is_(-1)
        if op.op == "gt":
            return is_(1)
        if op.op == "le":
            return b.or_(is_(-1), is_(0))
        return b.or_(is_(1), is_(0))

    def op_Convert(self, op: ops.Convert) -> ir.Value:
        b = self.builder
        value = self.value(op.operands[0])
        kind = op.kind
        if kind == "int_to_float":
            return b.sitofp(value, F64)
        if kind == "bool_to_int":
            return b.zext(value, I64)
        if kind == "bool_to_float":
            return b.uitofp(value, F64)
        if kind == "int_to_bool":
            return b.icmp_signed("!=", value, ir.Constant(I64, 0))
        if kind == "float_to_bool":
            return b.fcmp_unordered("!=", value, ir.Constant(F64, 0.0))
        if kind == "float_to_int":
            # In range: truncate inline.  Otherwise (including NaN) the
            # runtime raises the same error CPython does.
            in_range = b.and_(b.fcmp_ordered(">=", value, ir.Constant(F64, -2.0**63)),
                              b.fcmp_ordered("<", value, ir.Constant(F64, 2.0**63)))
            slow = self.llfn.append_basic_block("float_to_int_slow")
            fast = self.llfn.append_basic_block("float_to_int")
            b.cbranch(in_range, fast, slow).set_weights([1 << 20, 1])
            b.position_at_end(slow)
            self.call_convention(self.parent.primitive(FLOAT_TO_INT), [value], INT)
            b.unreachable()
            b.position_at_end(fast)
            return b.fptosi(value, I64)
        raise NotImplementedError(kind)

    def op_Select(self, op: ops.Select) -> ir.Value:
        cond, if_true, if_false = (self.value(v) for v in op.operands)
        if op.type.is_refcounted:
            # literals are globals of their own (typed-pointer) struct types
            # for llvmlite: select between the addresses
            b = self.builder
            result = b.inttoptr(b.select(cond, b.ptrtoint(if_true, I64), b.ptrtoint(if_false, I64)), PTR)
            self.incref(result)  # an op's object result is a new reference
            return result
        return self.builder.select(cond, if_true, if_false)

    def op_RangeLength(self, op: ops.RangeLength) -> ir.Value:
        b = self.builder
        start, stop, step = (self.value(v) for v in op.operands)
        zero, one = ir.Constant(I64, 0), ir.Constant(I64, 1)
        upward = b.icmp_signed(">", step, zero)
        # Distance and step magnitude as unsigned numbers; both fit in u64.
        low = b.select(upward, start, stop)
        high = b.select(upward, stop, start)
        magnitude = b.select(upward, step, b.sub(zero, step))
        nonempty = b.icmp_signed("<", low, high)
        distance = b.sub(b.sub(high, low), one)
        count = b.add(b.udiv(distance, magnitude), one)
        return b.select(nonempty, count, zero)

    def _depth_argument(self, callee: ops.Function) -> List[ir.Value]:
        """The call-depth argument a callee on a call cycle takes: ours + 1
        within our cycle, 0 when entering another."""
        if not callee.recursive:
            return []
        if callee.cycle == self.fn.cycle:
            depth = self.llfn.args[len(self.fn.signature.param_types)]
            return [self.builder.add(depth, ir.Constant(I32, 1))]
        return [ir.Constant(I32, 0)]

    def op_Call(self, op: ops.Call) -> ir.Value:
        callee_fn = self.parent.module.function(op.callee.symbol)
        args = [self.to_abi(self.value(v), v.type) for v in op.operands]
        args += self._depth_argument(callee_fn)
        pair = self.builder.call(self.parent.functions[op.callee.symbol], args)
        self.propagate_if(self.builder.extract_value(pair, 1))
        return self.from_abi(self.builder.extract_value(pair, 0), op.type)

    def op_ModuleConstant(self, op: ops.ModuleConstant) -> ir.Value:
        """The value from its memo (one pointer per constant in this object
        file); the first thread to find it empty builds it and installs it
        with a compare-and-swap (a thread that loses the race drops its
        copy and uses the winner's)."""
        b = self.builder
        memo = self.parent.constant_memo(op.callee.symbol)
        known = b.load_atomic(memo, "acquire", 8, typ=PTR)
        build = self.llfn.append_basic_block("const.build")
        done = self.llfn.append_basic_block("const.done")
        entry = b.block
        b.cbranch(b.icmp_unsigned("!=", known, ir.Constant(PTR, None)), done,
                  build).set_weights([1000, 1])
        b.position_at_end(build)
        mark = b.call(self.parent.external("pjx_alloc_mark", I64, []), [])
        built = self.op_Call(op)
        swap = b.cmpxchg(memo, ir.Constant(PTR, None), built, "acq_rel", "acquire")
        won = b.extract_value(swap, 1)
        keep = self.llfn.append_basic_block("const.keep")
        lost = self.llfn.append_basic_block("const.lost")
        b.cbranch(won, keep, lost)
        b.position_at_end(keep)
        b.call(self.parent.external("pjx_keep_forever", VOID, [I64]), [mark])
        b.branch(done)
        b.position_at_end(lost)
        self.decref(built)
        winner = b.extract_value(swap, 0)
        lost_end = b.block
        b.branch(done)
        b.position_at_end(done)
        result = b.phi(PTR)
        result.add_incoming(known, entry)
        result.add_incoming(built, keep)
        result.add_incoming(winner, lost_end)
        # the memo's reference stays with the memo: the op's result is a
        # reference of its own, as every op's is
        self.incref(result)
        return result

    # ---- module state (`global` names: frontend/module_state.py)

    def op_StateIsSet(self, op: ops.StateIsSet) -> ir.Value:
        _, flag = self.parent.state_slot(op.state)
        return self.builder.icmp_unsigned("!=", self.builder.load(flag, typ=I8), ir.Constant(I8, 0))

    def op_StateGet(self, op: ops.StateGet) -> ir.Value:
        slot, _ = self.parent.state_slot(op.state)
        value = self.from_slot(self.builder.load(slot, typ=I64), op.type)
        if op.type.is_refcounted:
            self.incref(value)
        return value

    def op_StateSet(self, op: ops.StateSet) -> ir.Value:
        b = self.builder
        slot, flag = self.parent.state_slot(op.state)
        value_v = op.operands[0]
        value = self.value(value_v)
        if value_v.type.is_refcounted:
            self.incref(value)
            old = b.load(slot, typ=PTR)
            b.store(self.to_slot(value, value_v.type), slot)
            self.decref(old)  # (NULL while unset: decref ignores it)
        else:
            b.store(self.to_slot(value, value_v.type), slot)
        b.store(ir.Constant(I8, 1), flag)
        return constant(NONE, None)

    # ---- instances of compiled classes (object.h: pjx_instance)

    def _field(self, obj: ir.Value, index: int) -> ir.Value:
        offset = ModuleLowering.INSTANCE_FIELDS_OFFSET + 8 * index
        return self.builder.gep(obj, [ir.Constant(I64, offset)], source_etype=I8)

    def _class_of(self, obj: ir.Value) -> ir.Value:
        b = self.builder
        field = b.gep(obj, [ir.Constant(I64, ModuleLowering.INSTANCE_CLASS_OFFSET)], source_etype=I8)
        return b.load(field, typ=PTR)

    def op_NewInstance(self, op: ops.NewInstance) -> ir.Value:
        new = self.parent.external("pjx_instance_new", PTR, [PTR])
        result = self.builder.call(new, [self.parent.class_descriptor(op.type.class_id)])
        self.propagate_if(self.builder.icmp_unsigned("==", result, ir.Constant(PTR, None)))
        return result

    def op_GetAttr(self, op: ops.GetAttr) -> ir.Value:
        b = self.builder
        obj = self.value(op.operands[0])
        value = self.from_slot(b.load(self._field(obj, op.index), typ=I64), op.type)
        if op.type.is_refcounted:
            if not isinstance(op.type, OptionalType):
                unset = self.llfn.append_basic_block("attribute_unset")
                cont = self.llfn.append_basic_block("attribute_set")
                b.cbranch(b.icmp_unsigned("==", value, ir.Constant(PTR, None)), unset,
                          cont).set_weights([1, 1 << 20])
                b.position_at_end(unset)
                no_attribute = self.parent.external("pjx_err_no_attribute", VOID, [PTR, PTR])
                b.call(no_attribute, [obj, self.parent.string(op.name)])
                b.branch(self._error_exit())
                b.position_at_end(cont)
            self.incref(value)
        return value

    def op_SetAttr(self, op: ops.SetAttr) -> ir.Value:
        b = self.builder
        obj_v, value_v = op.operands
        obj, value = self.value(obj_v), self.value(value_v)
        field = self._field(obj, op.index)
        if value_v.type.is_refcounted:
            self.incref(value)
            old = b.load(field, typ=PTR)
            b.store(value, field)
            self.decref(old)  # after the store, so the field never points at freed memory
        else:
            b.store(self.to_slot(value, value_v.type), field)
        return constant(NONE, None)

    def op_InstanceOf(self, op: ops.InstanceOf) -> ir.Value:
        check = self.parent.external("pjx_class_is_subclass", I64, [PTR, I64])
        result = self.builder.call(check, [self._class_of(self.value(op.operands[0])),
                                           ir.Constant(I64, op.cls.class_id)])
        return self.builder.icmp_signed("!=", result, ir.Constant(I64, 0))

    def op_ClassIdOf(self, op: ops.ClassIdOf) -> ir.Value:
        return self.builder.load(self._class_of(self.value(op.operands[0])), typ=I64)

    def op_VirtualCall(self, op: ops.VirtualCall) -> ir.Value:
        """Exact static class: the direct (inlinable) call; otherwise the
        entry in the receiver's vtable."""
        b = self.builder
        args = [self.to_abi(self.value(v), v.type) for v in op.operands]
        cls = self._class_of(args[0])
        class_id = b.load(cls, typ=I64)
        static_id = op.operands[0].type.class_id
        direct_block = self.llfn.append_basic_block("vcall.direct")
        virtual_block = self.llfn.append_basic_block("vcall.virtual")
        done = self.llfn.append_basic_block("vcall.done")
        b.cbranch(b.icmp_signed("==", class_id, ir.Constant(I64, static_id)), direct_block,
                  virtual_block).set_weights([16, 1])
        callee_fn = self.parent.module.function(op.direct.symbol)
        impl = self.parent.functions[op.direct.symbol]
        b.position_at_end(direct_block)
        direct_pair = b.call(impl, args + self._depth_argument(callee_fn))
        direct_end = b.block
        b.branch(done)
        b.position_at_end(virtual_block)
        vtable_field = b.gep(cls, [ir.Constant(I64, ModuleLowering.CLASS_VTABLE_OFFSET)], source_etype=I8)
        vtable = b.load(vtable_field, typ=PTR)
        # loaded as a typed function pointer, so that llvmlite knows the
        # callee's type (LLVM itself sees an opaque `ptr`)
        fnty = ir.FunctionType(impl.function_type.return_type, [a.type for a in args])
        entry = b.load(b.gep(vtable, [ir.Constant(I64, op.slot)], source_etype=PTR),
                       typ=ir.PointerType(fnty))
        virtual_pair = b.call(entry, args)
        virtual_end = b.block
        b.branch(done)
        b.position_at_end(done)
        pair = b.phi(impl.function_type.return_type)
        pair.add_incoming(direct_pair, direct_end)
        pair.add_incoming(virtual_pair, virtual_end)
        self.propagate_if(b.extract_value(pair, 1))
        return self.from_abi(b.extract_value(pair, 0), op.type)

    def op_PythonCall(self, op: ops.PythonCall) -> ir.Value:
        """pjx_call_python(handle, parameter descriptors, result descriptor,
        the arguments as an array of 8-byte slots, out): see _pycall.h.
        The result's descriptor is marked '!' (as a mutated argument's is),
        so that the bridge never hands out a shared converted dict for it:
        the result is this function's to change."""
        b = self.builder
        self.allocas.position_at_start(self.llfn.entry_basic_block)
        slots = self.allocas.alloca(I64, size=max(1, len(op.operands)))
        for index, v in enumerate(op.operands):
            slot = b.gep(slots, [ir.Constant(I64, index)], source_etype=I64)
            b.store(self.to_slot(self.value(v), v.type), slot)
        params = "".join(boundary_descriptor(v.type) for v in op.operands)
        result = "!" + boundary_descriptor(op.type)
        call = self.parent.external("pjx_call_python", I32, [I64, PTR, PTR, PTR, PTR])
        word = self.call_convention(call, [ir.Constant(I64, op.handle), self.parent.string(params),
                                           self.parent.string(result), slots], INT)
        return self.from_slot(word, op.type)

    def op_PrimitiveCall(self, op: ops.PrimitiveCall) -> ir.Value:
        inline = self._INLINE.get(op.primitive.name)
        if inline is not None:
            return inline(self, op)
        return self.call_primitive(op)

    def call_primitive(self, op: ops.PrimitiveCall) -> ir.Value:
        """The runtime call of a primitive, by its convention."""
        b = self.builder
        prim = op.primitive
        fn = self.parent.primitive(prim)
        args = [self.parent.string(v.value) if t == CSTR else self.c_arg(self.value(v), v.type, t)
                for v, t in zip(op.operands, prim.arg_types)]
        if prim.convention == "status":
            if prim.result_type == NONE:
                self.propagate_if_failed(b.call(fn, args))
                return constant(NONE, None)
            if prim.result_type == SLOT:
                word = self.call_convention(fn, args, INT)
                return self.from_slot(word, op.type)
            return self.call_convention(fn, args, prim.result_type)
        if prim.convention == "tristate":
            status = b.call(fn, args)
            self.propagate_if(b.icmp_signed("<", status, ir.Constant(I32, 0)))
            if op.type == BOOL:
                return b.icmp_signed("!=", status, ir.Constant(I32, 0))
            return b.sext(status, I64)
        if prim.convention == "null":
            result = b.call(fn, args)
            self.propagate_if(b.icmp_unsigned("==", result, ir.Constant(PTR, None)))
            return result
        if prim.result_type == NONE:
            b.call(fn, args)
            return constant(NONE, None)
        result = b.call(fn, args)
        if prim.result_type == SLOT:
            return self.from_slot(result, op.type)
        return self.from_abi(result, prim.result_type)

    def _list_append(self, op: ops.PrimitiveCall) -> ir.Value:
        """xs.append(v) inline while the list has room (object.h: size at
        16, capacity at 24, items at 32); the runtime call grows it."""
        b = self.builder
        lst, item = op.operands
        lst_value = self.value(lst)
        word = self.to_slot(self.value(item), item.type)
        size_field = b.gep(lst_value, [ir.Constant(I64, 16)], source_etype=I8)
        capacity_field = b.gep(lst_value, [ir.Constant(I64, 24)], source_etype=I8)
        size = b.load(size_field, typ=I64)
        has_room = b.icmp_signed("<", size, b.load(capacity_field, typ=I64))
        fast = self.llfn.append_basic_block("append_fast")
        slow = self.llfn.append_basic_block("append_grow")
        done = self.llfn.append_basic_block("appended")
        b.cbranch(has_room, fast, slow).set_weights([64, 1])
        b.position_at_end(fast)
        items = b.load(b.gep(lst_value, [ir.Constant(I64, 32)], source_etype=I8), typ=PTR)
        b.store(word, b.gep(items, [size], source_etype=I64))
        if item.type.is_refcounted:
            self.incref(self.value(item))
        b.store(b.add(size, ir.Constant(I64, 1)), size_field)
        b.branch(done)
        b.position_at_end(slow)
        append = self.parent.primitive(op.primitive)
        self.propagate_if_failed(b.call(append, [lst_value, word]))
        b.branch(done)
        b.position_at_end(done)
        return constant(NONE, None)

    def _inline_or_call(self, op: ops.PrimitiveCall, take_inline: ir.Value,
                        inline: Callable[[], ir.Value], name: str) -> ir.Value:
        """The common case computed inline when `take_inline` holds, the
        runtime call otherwise; the result joins the two."""
        b = self.builder
        fast = self.llfn.append_basic_block(name + "_inline")
        slow = self.llfn.append_basic_block(name + "_call")
        done = self.llfn.append_basic_block(name)
        b.cbranch(take_inline, fast, slow).set_weights([64, 1])
        b.position_at_end(fast)
        quick = inline()
        fast_end = b.block
        b.branch(done)
        b.position_at_end(slow)
        called = self.call_primitive(op)
        slow_end = b.block
        b.branch(done)
        b.position_at_end(done)
        result = b.phi(quick.type)
        result.add_incoming(quick, fast_end)
        result.add_incoming(called, slow_end)
        return result

    def _list_get(self, op: ops.PrimitiveCall) -> ir.Value:
        """xs[i] inline for 0 <= i < len (object.h: size at 16, items at
        32); a negative or out-of-range index calls the runtime, which
        wraps it or raises IndexError."""
        b = self.builder
        lst, index = (self.value(v) for v in op.operands)
        size = b.load(b.gep(lst, [ir.Constant(I64, 16)], source_etype=I8), typ=I64)

        def load() -> ir.Value:
            items = b.load(b.gep(lst, [ir.Constant(I64, 32)], source_etype=I8), typ=PTR)
            value = self.from_slot(b.load(b.gep(items, [index], source_etype=I64), typ=I64),
                                   op.type)
            if op.type.is_refcounted:
                self.incref(value)
            return value

        return self._inline_or_call(op, b.icmp_unsigned("<", index, size), load, "list_get")

    def _str_char_at_byte(self, op: ops.PrimitiveCall) -> ir.Value:
        """The character at a byte offset: an ASCII byte is looked up in the
        runtime's table of immortal one-character strings; others call."""
        b = self.builder
        text, position = (self.value(v) for v in op.operands)
        data = b.gep(text, [ir.Constant(I64, 48)], source_etype=I8)
        byte = b.load(b.gep(data, [position], source_etype=I8), typ=I8)

        def ascii_char() -> ir.Value:
            table = self.parent.llmod.globals.get("pjx_ascii_char_table")
            if table is None:
                table = ir.GlobalVariable(self.parent.llmod, ir.ArrayType(PTR, 128),
                                          name="pjx_ascii_char_table")
                table.linkage = "external"
                table.global_constant = True
            entry = b.gep(table, [ir.Constant(I64, 0), b.zext(byte, I64)],
                          source_etype=ir.ArrayType(PTR, 128))
            return b.load(entry, typ=PTR)

        return self._inline_or_call(op, b.icmp_signed(">=", byte, ir.Constant(I8, 0)),
                                    ascii_char, "char")

    def _str_ord(self, op: ops.PrimitiveCall) -> ir.Value:
        """ord(c) inline for a one-character ASCII string (object.h: the
        length at 24, the UTF-8 data at 48); the runtime otherwise."""
        b = self.builder
        text = self.value(op.operands[0])
        length = b.load(b.gep(text, [ir.Constant(I64, 24)], source_etype=I8), typ=I64)
        first = b.load(b.gep(text, [ir.Constant(I64, 48)], source_etype=I8), typ=I8)
        ascii_char = b.and_(b.icmp_signed("==", length, ir.Constant(I64, 1)),
                            b.icmp_signed(">=", first, ir.Constant(I8, 0)))
        return self._inline_or_call(op, ascii_char, lambda: b.zext(first, I64), "ord")

    # primitives with an inline fast path
    # ---- Any (libruntime any.h): type tests and unboxing inline

    # object.h: pjx_object.type_id (u32) at offset 8; pjx_box.value at 16
    _TYPE_INT, _TYPE_FLOAT, _TYPE_BOOL, _NONE_CHECK = 9, 10, 11, 100

    def _type_id_is(self, obj: ir.Value, wanted: Tuple[int, ...]) -> ir.Value:
        """obj is not NULL and its type_id is one of `wanted` (an i1)."""
        b = self.builder
        entry = b.block
        load = self.llfn.append_basic_block("typeid")
        done = self.llfn.append_basic_block("typeid.done")
        b.cbranch(b.icmp_unsigned("!=", obj, ir.Constant(PTR, None)), load, done)
        b.position_at_end(load)
        tid = b.load(b.gep(obj, [ir.Constant(I64, 8)], source_etype=I8), typ=I32)
        match = ir.Constant(I1, 0)
        for t in wanted:
            match = b.or_(match, b.icmp_unsigned("==", tid, ir.Constant(I32, t)))
        load_end = b.block
        b.branch(done)
        b.position_at_end(done)
        result = b.phi(I1)
        result.add_incoming(ir.Constant(I1, 0), entry)
        result.add_incoming(match, load_end)
        return result

    def _any_isinstance(self, op: ops.PrimitiveCall) -> ir.Value:
        value, type_id, class_id = op.operands
        if class_id.value != 0 or type_id.value > self._NONE_CHECK:
            # (a compiled class, or collections' Counter/OrderedDict/defaultdict,
            # which look at more than the type id: the runtime's test)
            return self.call_primitive(op)
        obj = self.value(value)
        if type_id.value == self._NONE_CHECK:
            hit = self.builder.icmp_unsigned("==", obj, ir.Constant(PTR, None))
        elif type_id.value == self._TYPE_INT:  # bool is an int
            hit = self._type_id_is(obj, (self._TYPE_INT, self._TYPE_BOOL))
        else:
            hit = self._type_id_is(obj, (type_id.value,))
        return self.builder.zext(hit, I64)

    def _any_unbox(self, op: ops.PrimitiveCall, wanted: Tuple[int, ...], typ: ir.Type) -> ir.Value:
        obj = self.value(op.operands[0])
        b = self.builder
        return self._inline_or_call(
            op, self._type_id_is(obj, wanted),
            lambda: b.load(b.gep(obj, [ir.Constant(I64, 16)], source_etype=I8), typ=typ), "unbox")

    def _any_to_int(self, op: ops.PrimitiveCall) -> ir.Value:
        return self._any_unbox(op, (self._TYPE_INT, self._TYPE_BOOL), I64)

    def _any_to_float(self, op: ops.PrimitiveCall) -> ir.Value:
        return self._any_unbox(op, (self._TYPE_FLOAT,), F64)

    def poll_signals(self, op: Optional[ops.PrimitiveCall]) -> ir.Value:
        """A relaxed load of pjx_signal_pending and a branch predicted not
        taken: the runtime call (which may raise) only when it is set.  The
        load is atomic so that LLVM neither hoists it out of the loop nor
        assumes the loop cannot see the word change."""
        b = self.builder
        word = b.load_atomic(self.parent.signal_pending(), "monotonic", 4, typ=I32)
        signal = self.llfn.append_basic_block("signal")
        done = self.llfn.append_basic_block("nosignal")
        b.cbranch(b.icmp_unsigned("!=", word, ir.Constant(I32, 0)), signal, done) \
            .set_weights([1, 1 << 20])
        b.position_at_end(signal)
        handle = self.parent.primitive(POLL_SIGNALS)
        self.propagate_if_failed(b.call(handle, []))
        b.branch(done)
        b.position_at_end(done)
        return constant(NONE, None)

    _INLINE = {"poll_signals": poll_signals, "list_append": _list_append, "list_get": _list_get,
               "str_ord": _str_ord, "str_char_at_byte": _str_char_at_byte,
               "any_isinstance": _any_isinstance, "any_to_int": _any_to_int,
               "any_to_float": _any_to_float}

    def c_arg(self, value: ir.Value, value_type: Type, param_type: Type) -> ir.Value:
        if param_type == SLOT:
            return self.to_slot(value, value_type)
        if param_type == I32_ARG:
            return self.builder.trunc(value, I32)
        return self.to_abi(value, value_type)

    def to_slot(self, value: ir.Value, t: Type) -> ir.Value:
        """A value as the 8-byte container slot of its type (object.h)."""
        b = self.builder
        if t == FLOAT:
            return b.bitcast(value, I64)
        if t == BOOL:
            return b.zext(value, I64)
        if t == NONE:
            return ir.Constant(I64, 0)
        if isinstance(t, FunctionRefType):
            return ir.Constant(I64, t.key)  # a slot holds a function as its key
        if t.is_refcounted:
            return b.ptrtoint(value, I64)
        return value

    def from_slot(self, word: ir.Value, t: Type) -> ir.Value:
        b = self.builder
        if t == FLOAT:
            return b.bitcast(word, F64)
        if t == BOOL:
            return b.icmp_signed("!=", word, ir.Constant(I64, 0))
        if t == NONE or isinstance(t, FunctionRefType):
            return ir.Constant(I8, 0)
        if t.is_refcounted:
            return b.inttoptr(word, PTR)
        return word

    def op_CheckBound(self, op: ops.CheckBound) -> ir.Value:
        defined = self.value(op.operands[0])
        self.raise_if(self.builder.not_(defined), "UnboundLocalError",
                      f"cannot access local variable '{op.name}' where it is not associated "
                      "with a value")
        return constant(NONE, None)

    # ---- terminators

    def lower_terminator(self, term: ops.Terminator) -> None:
        b = self.builder
        if isinstance(term, ops.Goto):
            b.branch(self.blocks[term.edges[0].target])
        elif isinstance(term, ops.Branch):
            b.cbranch(self.value(term.operands[0]), self.blocks[term.edges[0].target],
                      self.blocks[term.edges[1].target])
        elif isinstance(term, ops.Return):
            value = term.operands[0]
            pair = ir.Constant(self.llfn.return_value.type, ir.Undefined)
            pair = b.insert_value(pair, self.to_abi(self.value(value), value.type), 0)
            b.ret(b.insert_value(pair, ir.Constant(I1, 0), 1))
        elif isinstance(term, ops.Raise):
            self.set_error(term.kind, term.message)
            b.branch(self._error_exit())
        elif isinstance(term, ops.TryGoto):
            b.branch(self.blocks[term.edges[0].target])
            landing = self.edge_sources.get((self.current_block, 1))
            if landing is None:  # the last op cannot fail after all
                landing = self.llfn.append_basic_block("landing")
                self.edge_sources[(self.current_block, 1)] = landing
            saved = b.block
            b.position_at_end(landing)
            b.branch(self.blocks[term.edges[1].target])
            b.position_at_end(saved)
        elif isinstance(term, ops.Propagate):
            b.branch(self._propagate_block())
        elif isinstance(term, ops.Unreachable):
            b.unreachable()
        else:
            raise NotImplementedError(type(term).__name__)


_OP_LOWERING: Dict[type, Callable[[FunctionLowering, ops.Op], ir.Value]] = {
    cls: getattr(FunctionLowering, "op_" + cls.__name__)
    for cls in (ops.IntArith, ops.FloatArith, ops.Unary, ops.Compare, ops.CompareIntFloat,
                ops.Convert, ops.Select, ops.RangeLength, ops.Call, ops.ModuleConstant,
                ops.StateIsSet, ops.StateGet, ops.StateSet,
                ops.PrimitiveCall,
                ops.CheckBound, ops.IncRef, ops.DecRef, ops.Length, ops.ListItem, ops.OptionalOp,
                ops.NewInstance, ops.GetAttr, ops.SetAttr, ops.InstanceOf, ops.ClassIdOf,
                ops.VirtualCall,
                ops.PythonCall, ops.WidenFunction, ops.Retype) + ARRAY_OPS
}


def constant_memo_symbol(init_symbol: str) -> str:
    """The pointer a captured module value is kept in, by the symbol of the
    function that builds it."""
    return f"{init_symbol}.memo"


def state_symbol(module_name: str, index: int) -> str:
    """The exported symbol of a module-state slot (its is-set byte is the
    same name + '.set')."""
    return f"{module_name}__state{index}"


def reverse_postorder(fn: ops.Function) -> List[ops.Block]:
    order: List[ops.Block] = []
    seen = {fn.entry}
    stack = [(fn.entry, iter(fn.entry.successors))]
    while stack:
        block, successors = stack[-1]
        for succ in successors:
            if succ not in seen:
                seen.add(succ)
                stack.append((succ, iter(succ.successors)))
                break
        else:
            stack.pop()
            order.append(block)
    order.reverse()
    return order


def constant(t: Type, value) -> ir.Constant:
    if t.is_refcounted:
        assert value is None, "object constants are lowered by FunctionLowering.value"
        return ir.Constant(PTR, None)
    if t == FLOAT:
        return ir.Constant(F64, 0.0 if value is None else float(value))
    if t == BOOL:
        return ir.Constant(I1, 1 if value else 0)
    if t == NONE or isinstance(t, FunctionRefType):
        return ir.Constant(I8, 0)
    # an int, or a FunctionSetType's member key
    return ir.Constant(I64, 0 if value is None else int(value))
