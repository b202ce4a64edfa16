"""Values, ops, blocks and functions of the IR.

Every op is one small class.  An op is a Value (its result); `operands`
lists the values it reads.  Ops that may raise say so through `can_raise`;
the backend sends their failure edge to the block's handler (for now
always: propagate to the caller).  Terminators end blocks; edges carry
arguments for the target block's parameters.
"""
from __future__ import annotations

from typing import Any, ClassVar, Dict, List, Optional, Sequence, Set, Tuple

from .types import BOOL, FLOAT, INT, INT_ARRAY, NONE, ClassType, OptionalType, Type


class Value:
    """Anything an op can read."""

    type: Type

    def __init__(self, type: Type) -> None:
        self.type = type


class Constant(Value):
    """A compile-time constant scalar."""

    def __init__(self, type: Type, value: Any) -> None:
        super().__init__(type)
        self.value = value


class Undefined(Value):
    """The value of a local on a path where it was never assigned.  Reads of
    such locals are guarded by CheckBound, so it is never observed."""


class BlockParam(Value):
    def __init__(self, type: Type, block: "Block", name: str) -> None:
        super().__init__(type)
        self.block = block
        self.name = name


# ---------------------------------------------------------------- ops


class Op(Value):
    """An instruction that produces a value of `type` (NONE if unused)."""

    mnemonic: ClassVar[str] = "op"
    can_raise: ClassVar[bool] = False

    # True when the result is a new reference the function must release
    # (every op producing an object, unless it declares a borrowed result).
    borrowed_result: ClassVar[bool] = False

    def __init__(self, type: Type, operands: Sequence[Value], line: int = -1) -> None:
        super().__init__(type)
        self.operands: List[Value] = list(operands)
        self.line = line
        # Owned references to release if this op raises (set by
        # pyjitx.ir.refcount; the result is not among them).
        self.cleanup: List[Value] = []

    def attributes(self) -> str:
        """Extra text the printer shows after the mnemonic."""
        return ""

    def replace_operands(self, mapping: Dict[Value, Value]) -> None:
        self.operands = [mapping.get(v, v) for v in self.operands]


# Checked integer ops: failure (overflow, zero division, negative shift)
# raises the Python exception.
INT_OPS_THAT_RAISE = frozenset({"add", "sub", "mul", "floordiv", "mod", "lshift", "rshift"})


class IntArith(Op):
    """Binary int op with Python semantics: add sub mul floordiv mod
    lshift rshift and or xor (checked: overflow raises OverflowError), and
    add_wrap and sub_wrap, two's-complement; and for range loops, step_count (the
    trip counter, never past the unsigned trip count) and step_index (the
    loop value: it can only overflow on the step after the last iteration,
    whose value is never used, so LLVM may assume it does not).
    """

    mnemonic = "int"

    def __init__(self, op: str, lhs: Value, rhs: Value, line: int = -1) -> None:
        assert op in INT_OPS_THAT_RAISE or op in ("and", "or", "xor", "add_wrap", "sub_wrap",
                                                  "step_index", "step_count"), op
        super().__init__(INT, [lhs, rhs], line)
        self.op = op

    @property
    def can_raise(self) -> bool:  # type: ignore[override]
        return self.op in INT_OPS_THAT_RAISE

    def attributes(self) -> str:
        return self.op


class FloatArith(Op):
    """Binary float op: add sub mul truediv floordiv mod pow."""

    mnemonic = "float"

    def __init__(self, op: str, lhs: Value, rhs: Value, line: int = -1) -> None:
        super().__init__(FLOAT, [lhs, rhs], line)
        self.op = op

    @property
    def can_raise(self) -> bool:  # type: ignore[override]
        return self.op in ("truediv", "floordiv", "mod", "pow")

    def attributes(self) -> str:
        return self.op


class Unary(Op):
    """int_neg (raises on overflow), int_invert, float_neg, bool_not."""

    mnemonic = "unary"
    RESULT = {"int_neg": INT, "int_invert": INT, "float_neg": FLOAT, "float_abs": FLOAT,
              "bool_not": BOOL}

    def __init__(self, op: str, operand: Value, line: int = -1) -> None:
        super().__init__(self.RESULT[op], [operand], line)
        self.op = op

    @property
    def can_raise(self) -> bool:  # type: ignore[override]
        return self.op == "int_neg"

    def attributes(self) -> str:
        return self.op


COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge")


class Compare(Op):
    """Comparison of two operands of the same type (int, float or bool, or
    the key of a function-set value).  "ult" compares ints as unsigned
    (loop counters only)."""

    mnemonic = "cmp"

    def __init__(self, op: str, lhs: Value, rhs: Value, line: int = -1) -> None:
        assert op in COMPARISONS or op == "ult"
        super().__init__(BOOL, [lhs, rhs], line)
        self.op = op

    def attributes(self) -> str:
        return self.op


class CompareIntFloat(Op):
    """Exact comparison of an int with a float (Python compares the exact
    values, not the int rounded to float)."""

    mnemonic = "cmp_int_float"

    def __init__(self, op: str, lhs: Value, rhs: Value, line: int = -1) -> None:
        assert op in COMPARISONS
        super().__init__(BOOL, [lhs, rhs], line)
        self.op = op

    def attributes(self) -> str:
        return self.op


# kind -> (source type, result type, can raise)
CONVERSIONS = {
    "int_to_float": (INT, FLOAT, False),
    "bool_to_int": (BOOL, INT, False),
    "bool_to_float": (BOOL, FLOAT, False),
    "float_to_int": (FLOAT, INT, True),
    "int_to_bool": (INT, BOOL, False),
    "float_to_bool": (FLOAT, BOOL, False),
}


class Convert(Op):
    mnemonic = "convert"

    def __init__(self, kind: str, value: Value, line: int = -1) -> None:
        super().__init__(CONVERSIONS[kind][1], [value], line)
        self.kind = kind

    @property
    def can_raise(self) -> bool:  # type: ignore[override]
        return CONVERSIONS[self.kind][2]

    def attributes(self) -> str:
        return self.kind


class RangeLength(Op):
    """Number of elements of range(start, stop, step), as an unsigned
    64-bit count (range(-2**63, 2**63 - 1) has more than 2**63 - 1).  The
    step is never zero here: the builder checks it first."""

    mnemonic = "range_len"

    def __init__(self, start: Value, stop: Value, step: Value, line: int = -1) -> None:
        super().__init__(INT, [start, stop, step], line)


class Select(Op):
    """cond ? if_true : if_false, both of the result type."""

    mnemonic = "select"

    def __init__(self, cond: Value, if_true: Value, if_false: Value, line: int = -1) -> None:
        super().__init__(if_true.type, [cond, if_true, if_false], line)


class Call(Op):
    """Call of another compiled function (by its IR symbol)."""

    mnemonic = "call"
    can_raise = True

    def __init__(self, callee: "FunctionSignature", args: Sequence[Value], line: int = -1) -> None:
        super().__init__(callee.return_type, args, line)
        self.callee = callee

    def attributes(self) -> str:
        return "@" + self.callee.symbol


class ModuleConstant(Call):
    """A module-level value (a dict, list, set, tuple or instance) that
    compiled code reads: built once, by a call of the generated function
    `callee` that returns it, the first time any thread gets here, then
    held for the life of the process (frontend/module_constants.py)."""

    mnemonic = "const"

    def __init__(self, callee: "FunctionSignature", name: str, line: int = -1) -> None:
        super().__init__(callee, [], line)
        self.name = name

    def attributes(self) -> str:
        return f"{self.name} @{self.callee.symbol}"


class ModuleState:
    """A module-level name that compiled code declares `global`: one slot
    per object file (frontend/module_state.py), with the boundary
    descriptor Python's side converts it by."""

    def __init__(self, module: str, name: str, type: Type, index: int) -> None:
        self.module = module
        self.name = name
        self.type = type
        self.index = index

    def __repr__(self) -> str:
        return f"{self.module}.{self.name}"


class StateIsSet(Op):
    """Has the state's slot been given a value (by compiled code, or by the
    boundary from the module's value)?"""

    mnemonic = "state_is_set"

    def __init__(self, state: ModuleState, line: int = -1) -> None:
        from .types import BOOL

        super().__init__(BOOL, [], line)
        self.state = state

    def attributes(self) -> str:
        return repr(self.state)


class StateGet(Op):
    """The state's value (a reference of the op's own)."""

    mnemonic = "state_get"

    def __init__(self, state: ModuleState, line: int = -1) -> None:
        super().__init__(state.type, [], line)
        self.state = state

    def attributes(self) -> str:
        return repr(self.state)


class StateSet(Op):
    """state = value (the slot takes its own reference, releases the old)."""

    mnemonic = "state_set"

    def __init__(self, state: ModuleState, value: Value, line: int = -1) -> None:
        super().__init__(NONE, [value], line)
        self.state = state

    def attributes(self) -> str:
        return repr(self.state)


class NewInstance(Op):
    """A new instance of a compiled class, every field unset (zero/NULL)."""

    mnemonic = "new"
    can_raise = True  # MemoryError

    def __init__(self, type: ClassType, line: int = -1) -> None:
        super().__init__(type, [], line)

    def attributes(self) -> str:
        return str(self.type)


class GetAttr(Op):
    """obj.name: field `index` of an instance; a new reference for objects.
    Raises AttributeError when an object field was never assigned."""

    mnemonic = "getattr"

    def __init__(self, obj: Value, index: int, name: str, type: Type, line: int = -1) -> None:
        super().__init__(type, [obj], line)
        self.index = index
        self.name = name

    @property
    def can_raise(self) -> bool:  # type: ignore[override]
        return self.type.is_refcounted and not isinstance(self.type, OptionalType)

    def attributes(self) -> str:
        return f".{self.name}"


class SetAttr(Op):
    """obj.name = value (the op takes its own reference to value and
    releases the field's old one)."""

    mnemonic = "setattr"

    def __init__(self, obj: Value, index: int, name: str, value: Value, line: int = -1) -> None:
        super().__init__(NONE, [obj, value], line)
        self.index = index
        self.name = name

    def attributes(self) -> str:
        return f".{self.name}"


class InstanceOf(Op):
    """isinstance(obj, cls) decided at run time from obj's class chain."""

    mnemonic = "instanceof"

    def __init__(self, obj: Value, cls: ClassType, line: int = -1) -> None:
        super().__init__(BOOL, [obj], line)
        self.cls = cls

    def attributes(self) -> str:
        return str(self.cls)


class ClassIdOf(Op):
    """The id of obj's run-time class (`type(obj) is C`: exact, no subclass)."""

    mnemonic = "classid"

    def __init__(self, obj: Value, line: int = -1) -> None:
        super().__init__(INT, [obj], line)


class VirtualCall(Op):
    """A method call through the receiver's vtable (operands[0] is the
    receiver): the override of the receiver's run-time class runs.  When
    the receiver's class is exactly the static one, `direct` is called
    instead, which LLVM can inline."""

    mnemonic = "vcall"
    can_raise = True

    def __init__(self, direct: "FunctionSignature", slot: int, args: Sequence[Value],
                 line: int = -1) -> None:
        super().__init__(direct.return_type, args, line)
        self.direct = direct
        self.slot = slot

    def attributes(self) -> str:
        return f"[{self.slot}] @{self.direct.symbol}"


class PythonCall(Op):
    """Call of a plain Python function the user wrapped in pyjitx.pyfunc,
    through the bridge (pjx_call_python, pyjitx/_pycall.c): `handle` names
    the function there (valid in this process only); the operands, of the
    function's annotated parameter types, and the result convert at the
    boundary as they would for a compiled function called from Python."""

    mnemonic = "pycall"
    can_raise = True

    def __init__(self, handle: int, name: str, args: Sequence[Value], result_type: Type,
                 line: int = -1) -> None:
        super().__init__(result_type, args, line)
        self.handle = handle
        self.name = name

    def attributes(self) -> str:
        return f"{self.name}#{self.handle}"


class PrimitiveCall(Op):
    """Call of a runtime primitive described in pyjitx.ir.primitives."""

    mnemonic = "prim"

    def __init__(self, primitive: "Primitive", args: Sequence[Value], line: int = -1,
                 result_type: Optional[Type] = None) -> None:
        # result_type: the concrete type of a SLOT result
        super().__init__(result_type or primitive.result_type, args, line)
        self.primitive = primitive
        # the poll for signals on every iteration of a range loop built twice
        # (passes.drop_light_loop_polls)
        self.strip_mined: Optional["StripMinedLoop"] = None

    @property
    def can_raise(self) -> bool:  # type: ignore[override]
        return self.primitive.can_raise

    def attributes(self) -> str:
        return self.primitive.name


class StripMinedLoop:
    """What passes.drop_light_loop_polls needs of a range loop that
    frontend/loops.py built twice: the blocks of the plain loop (for short
    runs, polling on every iteration) and the block whose branch chooses
    it or the loop in chunks (for long runs)."""

    def __init__(self, blocks: Set["Block"], dispatch: "Block") -> None:
        self.blocks = blocks
        self.dispatch = dispatch


class CheckBound(Op):
    """Raises UnboundLocalError unless `defined` (a bool) is true."""

    mnemonic = "check_bound"
    can_raise = True

    def __init__(self, defined: Value, name: str, line: int = -1) -> None:
        super().__init__(NONE, [defined], line)
        self.name = name

    def attributes(self) -> str:
        return repr(self.name)


class Length(Op):
    """len() of a str (code points), bytes or container: a field load.
    With utf8=True, a str's length in UTF-8 bytes."""

    mnemonic = "len"

    def __init__(self, value: Value, line: int = -1, utf8: bool = False) -> None:
        super().__init__(INT, [value], line)
        self.utf8 = utf8

    def attributes(self) -> str:
        return "utf8" if self.utf8 else ""


class ListItem(Op):
    """list[index] for an index known to be in range (loops): an inline
    load of the slot, a new reference for object items."""

    mnemonic = "list_item"

    def __init__(self, lst: Value, index: Value, item_type: Type, line: int = -1) -> None:
        super().__init__(item_type, [lst, index], line)


class NDElement(Op):
    """array[i, j, ...] with one int index per dimension: an inline,
    bounds-checked load of the element as its scalar type (a negative
    index counts from the end; out of range raises IndexError)."""

    mnemonic = "nd_load"
    can_raise = True

    def __init__(self, array: Value, indices: Sequence[Value], line: int = -1) -> None:
        super().__init__(array.type.element, [array, *indices], line)  # type: ignore[attr-defined]


class NDStore(Op):
    """array[i, j, ...] = value, one int index per dimension: bounds-checked,
    converted to the dtype with numpy's assignment rules (an int out of the
    dtype's range raises OverflowError; a read-only array ValueError)."""

    mnemonic = "nd_store"
    can_raise = True

    def __init__(self, array: Value, indices: Sequence[Value], value: Value,
                 line: int = -1) -> None:
        super().__init__(NONE, [array, *indices, value], line)


class NDField(Op):
    """A field of an array's header (ndarray.h): `shape` or `stride` of
    dimension `axis` (strides count elements), `size`, or `ndim`."""

    mnemonic = "nd_field"
    FIELDS = ("shape", "stride", "size", "ndim")

    def __init__(self, array: Value, field: str, axis: int = 0, line: int = -1) -> None:
        assert field in self.FIELDS, field
        super().__init__(INT, [array], line)
        self.field = field
        self.axis = axis

    def attributes(self) -> str:
        return f"{self.field}[{self.axis}]" if self.field in ("shape", "stride") else self.field


class IntArray(Op):
    """The int operands in a stack array: how a shape or an index list
    reaches a runtime function that takes `const int64_t *`.  Valid until
    the function returns; the array lives in the function's frame."""

    mnemonic = "int_array"

    def __init__(self, values: Sequence[Value], line: int = -1) -> None:
        super().__init__(INT_ARRAY, values, line)


class OptionalOp(Op):
    """Optional[T] values (a pointer, NULL for None):
    is_none   -> bool;
    wrap      T -> Optional[T] (the same object, a new reference);
    unwrap    Optional[T] -> T, raising TypeError on None (a new reference).
    """

    mnemonic = "optional"

    def __init__(self, op: str, value: Value, result_type: Type, line: int = -1,
                 message: Optional[str] = None, error: str = "TypeError") -> None:
        assert op in ("is_none", "wrap", "unwrap")
        super().__init__(result_type, [value], line)
        self.op = op
        # unwrap's TypeError message (None: "expected T, got None"), as
        # CPython words the failing operation ("'NoneType' object is not
        # subscriptable"); `error`: the exception, where CPython's is
        # another (AttributeError for None.group)
        self.message = message
        self.error = error

    @property
    def can_raise(self) -> bool:  # type: ignore[override]
        return self.op == "unwrap"

    def attributes(self) -> str:
        return self.op


class WidenFunction(Op):
    """A function value seen as one of a larger set of functions
    (types.FunctionSetType): the same key, so no code."""

    mnemonic = "fn_widen"

    def __init__(self, value: Value, result_type: Type, line: int = -1) -> None:
        super().__init__(result_type, [value], line)


class Retype(Op):
    """The same value seen as another type held alike: an enum member as
    its value and back (types.EnumType).  No code; an object result is a
    new reference, as every op's."""

    mnemonic = "retype"

    def __init__(self, value: Value, result_type: Type, line: int = -1) -> None:
        super().__init__(result_type, [value], line)


class IncRef(Op):
    """Takes one more reference to an object (inserted by ir.refcount)."""

    mnemonic = "incref"

    def __init__(self, value: Value) -> None:
        super().__init__(NONE, [value])


class DecRef(Op):
    """Releases one reference (inserted by ir.refcount); the object is
    freed when its count reaches zero."""

    mnemonic = "decref"

    def __init__(self, value: Value) -> None:
        super().__init__(NONE, [value])


# ---------------------------------------------------------- terminators


class Edge:
    """A control-flow edge to `target`, passing `args` to its parameters."""

    def __init__(self, target: "Block", args: Optional[List[Value]] = None) -> None:
        self.target = target
        self.args: List[Value] = list(args or [])


class Terminator:
    mnemonic: ClassVar[str] = "term"

    def __init__(self, operands: Sequence[Value], edges: Sequence[Edge], line: int = -1) -> None:
        self.operands: List[Value] = list(operands)
        self.edges: List[Edge] = list(edges)
        self.line = line

    def replace_operands(self, mapping: Dict[Value, Value]) -> None:
        self.operands = [mapping.get(v, v) for v in self.operands]
        for edge in self.edges:
            edge.args = [mapping.get(v, v) for v in edge.args]


class Goto(Terminator):
    mnemonic = "goto"

    def __init__(self, target: "Block", line: int = -1) -> None:
        super().__init__([], [Edge(target)], line)


class Branch(Terminator):
    """Two-way branch on a bool.  The two targets are distinct blocks."""

    mnemonic = "branch"

    def __init__(self, cond: Value, if_true: "Block", if_false: "Block", line: int = -1) -> None:
        assert if_true is not if_false
        super().__init__([cond], [Edge(if_true), Edge(if_false)], line)


class Return(Terminator):
    mnemonic = "return"

    def __init__(self, value: Value, line: int = -1) -> None:
        super().__init__([value], [], line)


class Raise(Terminator):
    """Raises a built-in exception with a constant message."""

    mnemonic = "raise"

    def __init__(self, kind: str, message: Optional[str], line: int = -1) -> None:
        super().__init__([], [], line)
        self.kind = kind
        self.message = message


class TryGoto(Terminator):
    """Ends a block whose last op may raise inside a `try`: on success
    continue at `normal`, on failure at `handler` (with the exception
    pending in the runtime's error state)."""

    mnemonic = "try_goto"

    def __init__(self, normal: "Block", handler: "Block", line: int = -1) -> None:
        super().__init__([], [Edge(normal), Edge(handler)], line)


class Propagate(Terminator):
    """The pending exception leaves the function."""

    mnemonic = "propagate"

    def __init__(self, line: int = -1) -> None:
        super().__init__([], [], line)


class Unreachable(Terminator):
    mnemonic = "unreachable"

    def __init__(self) -> None:
        super().__init__([], [])


# ------------------------------------------------------ blocks, functions


class Block:
    def __init__(self, label: str) -> None:
        self.label = label
        self.params: List[BlockParam] = []
        self.ops: List[Op] = []
        self.terminator: Optional[Terminator] = None
        # the header of a range loop that runs at most a chunk of iterations
        # between two polls for signals (frontend/loops.py, ir/verify.py)
        self.chunked = False

    def add_param(self, type: Type, name: str) -> BlockParam:
        param = BlockParam(type, self, name)
        self.params.append(param)
        return param

    @property
    def successors(self) -> List["Block"]:
        return [edge.target for edge in self.terminator.edges] if self.terminator else []


class FunctionSignature:
    """What a caller needs to know of a compiled function."""

    def __init__(self, name: str, symbol: str, param_names: Sequence[str],
                 param_types: Sequence[Type], return_type: Type) -> None:
        self.name = name
        self.symbol = symbol
        self.param_names = list(param_names)
        self.param_types = list(param_types)
        self.return_type = return_type

    def __str__(self) -> str:
        params = ", ".join(f"{n}: {t}" for n, t in zip(self.param_names, self.param_types))
        return f"({params}) -> {self.return_type}"


class Function:
    """A function in IR.  The entry block's parameters are the function's
    parameters.  `cycle` numbers the call cycle (strongly connected
    component of the call graph) a function is on, None if it is on none;
    the backend counts the depth of calls within a cycle and raises
    RecursionError past the limit (see passes.mark_call_cycles)."""

    def __init__(self, signature: FunctionSignature) -> None:
        self.signature = signature
        self.blocks: List[Block] = []
        self.cycle: Optional[int] = None
        self.exported = False

    @property
    def recursive(self) -> bool:
        return self.cycle is not None

    @property
    def name(self) -> str:
        return self.signature.name

    @property
    def entry(self) -> Block:
        return self.blocks[0]

    def new_block(self, hint: str = "b") -> Block:
        block = Block(f"{hint}{len(self.blocks)}")
        self.blocks.append(block)
        return block


class ClassLayout:
    """The run-time shape of a compiled class: its fields (a base's first,
    each an 8-byte slot of object.h's pjx_instance) and its vtable (the
    symbols of its virtual methods, a base's slots first).  The backend
    emits one pjx_class descriptor from it per object file."""

    def __init__(self, type: ClassType, module_name: str, field_names: Sequence[str],
                 field_types: Sequence[Type], vtable: Sequence[str] = ()) -> None:
        self.type = type
        self.module_name = module_name
        self.field_names = tuple(field_names)
        self.field_types = tuple(field_types)
        self.vtable = tuple(vtable)
        # special methods the runtime calls on instances in containers:
        # hook name (eq, hash, lt, repr, str) -> (method symbol, for eq/lt
        # the class id its `other` parameter takes)
        self.hooks: Dict[str, Tuple[str, Optional[int]]] = {}
        self.unhashable = False  # defines __eq__ without __hash__

    @property
    def qualified_name(self) -> str:
        return f"{self.module_name}.{self.type.name}"


class Module:
    """All functions compiled together into one object file."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.functions: List[Function] = []
        # every compiled class the functions use, by class id
        self.classes: Dict[int, ClassLayout] = {}
        # the module-level names they declare `global`, in slot order
        self.states: List[ModuleState] = []
        # init symbol -> Python object of the captured instances whose memo
        # the loader presets (frontend/module_constants.py)
        self.presets: Dict[str, Any] = {}

    def function(self, symbol: str) -> Function:
        for fn in self.functions:
            if fn.signature.symbol == symbol:
                return fn
        raise KeyError(symbol)


# Avoid an import cycle: primitives import ops' types only.
from .primitives import Primitive  # noqa: E402
