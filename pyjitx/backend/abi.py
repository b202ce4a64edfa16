"""The pieces of the runtime's C ABI (libruntime/include/pyjitx/runtime.h)
that generated code depends on.  tests/test_abi.py checks these against
the header."""
from __future__ import annotations

from llvmlite import ir

from ..ir.types import (ANY, BOOL, BYTEARRAY, BYTES, FLOAT, INT, INT_ARRAY, NONE, STR, ClassType,
                        EnumType, FunctionRefType, FunctionSetType, CounterType, DefaultDictType,
                        DequeType, DictType, MatchType, NamedTupleType, NDArrayType, ListType,
                        OptionalType, OrderedDictType, PatternType, SetType, TupleType, Type,
                        UnionType, VarTupleType)

ABI_VERSION = 2
ABI_SYMBOL = "pjx_abi_v2"

# pjx_error_kind, by Python exception name.
ERROR_KINDS = {
    "Exception": 1, "ArithmeticError": 2, "ZeroDivisionError": 3, "OverflowError": 4,
    "ValueError": 5, "TypeError": 6, "IndexError": 7, "KeyError": 8, "AssertionError": 9,
    "RecursionError": 10, "UnboundLocalError": 11, "MemoryError": 12, "RuntimeError": 13,
    "NotImplementedError": 14, "StopIteration": 15, "UnicodeDecodeError": 16,
    "UnicodeEncodeError": 17, "LookupError": 18, "AttributeError": 19, "NameError": 20,
    "OSError": 21, "FileNotFoundError": 22, "KeyboardInterrupt": 23, "SystemExit": 24,
    "BaseException": 25,
}

I1 = ir.IntType(1)
I8 = ir.IntType(8)
I32 = ir.IntType(32)
I64 = ir.IntType(64)
F64 = ir.DoubleType()
PTR = ir.PointerType()
VOID = ir.VoidType()


def value_type(t: Type) -> ir.Type:
    """How a value of IR type `t` is held in a register inside a function."""
    if isinstance(t, EnumType):
        t = t.value  # a member is held as its value
    if t.is_refcounted:
        return PTR
    if isinstance(t, FunctionRefType):
        return I8  # known at compile time: nothing to hold
    if t == INT_ARRAY:
        return PTR
    if isinstance(t, FunctionSetType):
        return I64  # the key of the member it is
    return {INT: I64, FLOAT: F64, BOOL: I1, NONE: I8}[t]


def abi_type(t: Type) -> ir.Type:
    """How it is passed across the C ABI (bool as a byte, as C's uint8_t)."""
    if isinstance(t, EnumType):
        t = t.value
    if t.is_refcounted:
        return PTR
    if isinstance(t, FunctionRefType):
        return I8
    if t == INT_ARRAY:
        return PTR
    if isinstance(t, FunctionSetType):
        return I64
    return {INT: I64, FLOAT: F64, BOOL: I8, NONE: I8}[t]


# Boundary descriptors, shared with pyjitx/_convert.c: one letter per
# scalar, str and bytes; containers as a letter with their item
# descriptors in brackets (`l[s]` List[str], `d[si]` Dict[str, int],
# `e[i]` Set[int], `t[is]` Tuple[int, str]; `u[in]` Optional[int], a union
# held as an Any; `K[si]` Counter[str], `O[..]` OrderedDict, `D[..]`
# defaultdict, `Q[i]` Deque[int]: libruntime collections.h).  A generator function's result
# is `g[X]`: its items collected in a List[X], returned to Python as an
# iterator (CompiledModule.return_descriptor).  An enum member is
# `E[<key>/<qualname>:X]` (its class registered under <key>, its value of
# descriptor X) and a named tuple `N[<key>/<qualname>:t[...]]`
# (pyjitx.frontend.enums, pyjitx.frontend.namedtuples).
# A bytearray is `Y` (a list of ints 0..255 in the runtime, a bytearray in
# Python).
_SIMPLE = {INT: "i", FLOAT: "f", BOOL: "b", NONE: "n", STR: "s", BYTES: "y", BYTEARRAY: "Y"}


def boundary_descriptor(t: Type) -> str:
    simple = _SIMPLE.get(t)
    if simple is not None:
        return simple
    if isinstance(t, ListType):
        return f"l[{boundary_descriptor(t.item)}]"
    if isinstance(t, SetType):
        return f"e[{boundary_descriptor(t.item)}]"
    if isinstance(t, DictType):
        letter = ("K" if isinstance(t, CounterType) else "O" if isinstance(t, OrderedDictType)
                  else "D" if isinstance(t, DefaultDictType) else "d")
        return f"{letter}[{boundary_descriptor(t.key)}{boundary_descriptor(t.value)}]"
    if isinstance(t, DequeType):
        return f"Q[{boundary_descriptor(t.item)}]"
    if isinstance(t, NamedTupleType):
        items = "".join(boundary_descriptor(i) for i in t.items)
        return f"N[{t.key}/{t.name}:t[{items}]]"
    if isinstance(t, TupleType):
        return "t[" + "".join(boundary_descriptor(i) for i in t.items) + "]"
    if isinstance(t, EnumType):
        return f"E[{t.key}/{t.name}:{boundary_descriptor(t.value)}]"
    if isinstance(t, OptionalType):
        return f"o[{boundary_descriptor(t.item)}]"
    if isinstance(t, VarTupleType):
        return f"T[{boundary_descriptor(t.item)}]"
    if isinstance(t, ClassType):
        return f"c[{t.class_id}:{t.name}]"
    if t == ANY:
        return "a"
    if isinstance(t, UnionType):  # held as an Any; the boundary checks the members
        return "u[" + "".join(boundary_descriptor(m) for m in t.members) + "]"
    if isinstance(t, NDArrayType):  # A[<dtype number><ndim>], '*' where open
        dtype = "*" if t.dtype == "" else str(t.dtype_code)
        ndim = "*" if t.ndim < 0 else str(t.ndim)
        return f"A[{dtype}{ndim}]"
    if isinstance(t, (FunctionRefType, FunctionSetType)):
        from ..errors import CompileError

        raise CompileError(f"a {t} cannot cross into Python",
                           hint="functions are values inside compiled code only")
    if isinstance(t, (PatternType, MatchType)):
        from ..errors import CompileError

        raise CompileError(f"an {t} cannot cross into Python",
                           hint="return what Python needs of it (m.group(), m.span(), ...); "
                                "patterns and matches are values inside compiled code only")
    from ..ir.types import ArrayType

    if isinstance(t, ArrayType):  # R[<typecode>]: a list in the runtime, an array.array in Python
        return f"R[{t.typecode}]"
    raise NotImplementedError(f"no boundary descriptor for {t}")
