"""The one table that links IR-level primitive operations to the C runtime.

Each Primitive names its C symbol, its argument and result types and its
calling convention:

- "direct":   `T f(args...)`, cannot fail (T void when the result is None);
- "status":   `int32_t f(args..., T *out)`, -1 on error (the runtime's
              convention for fallible scalars; no out pointer for None);
- "null":     `obj *f(args...)`, a new reference, NULL on error;
- "tristate": `int32_t f(args...)`, 0 or 1, -1 on error.

Besides IR types, argument and result types may be SLOT (any value passed
as its 8-byte container slot: the op's operand or result type decides how
it is converted) and I32 (an int passed as C's int32_t, e.g. a slot kind).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

from .types import BOOL, FLOAT, INT, Type


@dataclass(frozen=True)
class _Marker(Type):
    """An argument/result passing rule rather than a value type."""

    name: str

    def __str__(self) -> str:
        return self.name


SLOT = _Marker("slot")
I32 = _Marker("i32")
# a NUL-terminated constant string (the operand is a Constant holding the text)
CSTR = _Marker("cstr")

CONVENTIONS = ("direct", "status", "null", "tristate")


@dataclass(frozen=True)
class Primitive:
    name: str
    symbol: str
    arg_types: Tuple[Type, ...]
    result_type: Type
    convention: str

    @property
    def can_raise(self) -> bool:
        return self.convention != "direct"


PRIMITIVES: Dict[str, Primitive] = {}


def primitive(name: str, symbol: str, arg_types: Tuple[Type, ...], result_type: Type,
              can_raise: bool = True, convention: Optional[str] = None) -> Primitive:
    if convention is None:
        if not can_raise:
            convention = "direct"
        elif result_type.is_refcounted:
            convention = "null"
        else:
            convention = "status"
    assert convention in CONVENTIONS, convention
    prim = Primitive(name, symbol, tuple(arg_types), result_type, convention)
    assert name not in PRIMITIVES, name
    PRIMITIVES[name] = prim
    return prim


# ---- arithmetic (libruntime/scalar.c, libruntime/intfloat.c)
INT_POW = primitive("int_pow", "pjx_int_pow", (INT, INT), INT)
INT_TRUEDIV = primitive("int_truediv", "pjx_int_truediv", (INT, INT), FLOAT)
FLOAT_POW = primitive("float_pow", "pjx_float_pow", (FLOAT, FLOAT), FLOAT)
FLOAT_FLOORDIV = primitive("float_floordiv", "pjx_float_floordiv", (FLOAT, FLOAT), FLOAT)
FLOAT_MOD = primitive("float_mod", "pjx_float_mod", (FLOAT, FLOAT), FLOAT)
FLOAT_TO_INT = primitive("float_to_int", "pjx_float_to_int", (FLOAT,), INT)
FLOAT_ROUND = primitive("float_round", "pjx_float_round", (FLOAT,), INT)
FLOAT_ROUND_NDIGITS = primitive("float_round_ndigits", "pjx_float_round_ndigits", (FLOAT, INT), FLOAT)
INT_ROUND_NDIGITS = primitive("int_round_ndigits", "pjx_int_round_ndigits", (INT, INT), INT)
# Three-way exact comparison: -1, 0, 1, or 2 when unordered (NaN).
COMPARE_INT_FLOAT = primitive("compare_int_float", "pjx_compare_int_float", (INT, FLOAT), INT,
                              can_raise=False)

# ---- the math module (libruntime/math.c): name -> (arg types, result type)
MATH_FUNCTIONS: Dict[str, Tuple[Tuple[Type, ...], Type]] = {
    **{name: ((FLOAT,), FLOAT) for name in (
        "sqrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan",
        "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "fabs",
        "degrees", "radians", "erf", "erfc", "gamma", "lgamma", "cbrt")},
    **{name: ((FLOAT, FLOAT), FLOAT) for name in (
        "atan2", "fmod", "copysign", "hypot", "pow", "remainder", "log_base")},
    **{name: ((FLOAT,), INT) for name in ("floor", "ceil", "trunc")},
    **{name: ((FLOAT,), BOOL) for name in ("isnan", "isinf", "isfinite")},
    **{name: ((INT, INT), INT) for name in ("gcd", "lcm", "comb", "perm")},
    **{name: ((INT,), INT) for name in ("isqrt", "factorial")},
    "ldexp": ((FLOAT, INT), FLOAT),
    "isclose": ((FLOAT, FLOAT, FLOAT, FLOAT), BOOL),
}

MATH = {
    name: primitive(f"math_{name}", f"pjx_math_{name}", args, result)
    for name, (args, result) in MATH_FUNCTIONS.items()
}

# ---- str and bytes (libruntime/include/pyjitx/str.h) ------------------------
# Absent optional ints pass as INT64_MIN, absent optional strs as NULL.
from .types import BYTES, NONE, STR, ListType, TupleType  # noqa: E402

ABSENT_INT = -2**63

STR_EQ = primitive("str_eq", "pjx_str_eq", (STR, STR), INT, can_raise=False)
STR_COMPARE = primitive("str_compare", "pjx_str_compare", (STR, STR), INT, can_raise=False)
STR_CONCAT = primitive("str_concat", "pjx_str_concat", (STR, STR), STR)
STR_CONCAT3 = primitive("str_concat3", "pjx_str_concat3", (STR, STR, STR), STR)
STR_JOIN_SPLIT = primitive("str_join_split", "pjx_str_join_split", (STR, STR), STR)
STR_REPEAT = primitive("str_repeat", "pjx_str_repeat", (STR, INT), STR)
STR_CONTAINS = primitive("str_contains", "pjx_str_contains", (STR, STR), INT, can_raise=False)
STR_GETITEM = primitive("str_getitem", "pjx_str_getitem", (STR, INT), STR)
STR_SLICE = primitive("str_slice", "pjx_str_slice", (STR, INT, INT, INT), STR)
STR_ORD = primitive("str_ord", "pjx_str_ord", (STR,), INT)
BYTES_ORD = primitive("bytes_ord", "pjx_bytes_ord", (BYTES,), INT)
STR_SPLIT_SCRATCH = primitive("str_split_scratch", "pjx_str_split_scratch", (STR,), STR)
STR_SPLIT_NEXT = primitive("str_split_next", "pjx_str_split_next", (STR, INT, STR), INT,
                           can_raise=False)
STR_CHAR_AT_BYTE = primitive("str_char_at_byte", "pjx_str_char_at_byte", (STR, INT), STR)
CHR = primitive("chr", "pjx_chr", (INT,), STR)
STR_REPR = primitive("str_repr", "pjx_str_repr", (STR,), STR)
STR_JOIN = primitive("str_join", "pjx_str_join", (STR, ListType(STR)), STR)
BYTES_EQ = primitive("bytes_eq", "pjx_bytes_eq", (BYTES, BYTES), INT, can_raise=False)
BYTES_COMPARE = primitive("bytes_compare", "pjx_bytes_compare", (BYTES, BYTES), INT,
                          can_raise=False)
BYTES_CONCAT = primitive("bytes_concat", "pjx_bytes_concat", (BYTES, BYTES), BYTES)
BYTES_REPEAT = primitive("bytes_repeat", "pjx_bytes_repeat", (BYTES, INT), BYTES)
BYTES_CONTAINS = primitive("bytes_contains", "pjx_bytes_contains", (BYTES, BYTES), INT,
                           can_raise=False)
BYTES_GETITEM = primitive("bytes_getitem", "pjx_bytes_getitem", (BYTES, INT), INT)
BYTES_SLICE = primitive("bytes_slice", "pjx_bytes_slice", (BYTES, INT, INT, INT), BYTES)


@dataclass(frozen=True)
class MethodSpec:
    """A method of a built-in type implemented by one runtime function: the
    receiver is the first argument, then `params` ((name, type, default);
    default None means required), in order."""

    primitive: Primitive
    params: Tuple[Tuple[str, Type, object], ...]
    returns_bool: bool = False


_REQUIRED = None
_SPAN = (("start", INT, ABSENT_INT), ("end", INT, ABSENT_INT))


def _methods(receiver: Type, prefix: str, table: dict) -> Dict[str, MethodSpec]:
    specs = {}
    for name, (params, result, flags) in table.items():
        convention = "status" if "status" in flags else None
        can_raise = "safe" not in flags
        prim = primitive(f"{prefix}_{name}", f"pjx_{prefix}_{name}",
                         (receiver,) + tuple(p[1] for p in params), result,
                         can_raise=can_raise, convention=convention)
        specs[name] = MethodSpec(prim, tuple(params), returns_bool="bool" in flags)
    return specs


_STR_OR_ABSENT = (STR, None)
STR_METHODS = _methods(STR, "str", {
    "split": ((("sep", STR, None), ("maxsplit", INT, -1)), ListType(STR), ()),
    "rsplit": ((("sep", STR, None), ("maxsplit", INT, -1)), ListType(STR), ()),
    "splitlines": ((("keepends", INT, 0),), ListType(STR), ()),
    "strip": ((("chars", STR, None),), STR, ()),
    "lstrip": ((("chars", STR, None),), STR, ()),
    "rstrip": ((("chars", STR, None),), STR, ()),
    **{name: ((), STR, ()) for name in ("lower", "upper", "casefold", "capitalize", "title",
                                        "swapcase")},
    "replace": ((("old", STR, _REQUIRED), ("new", STR, _REQUIRED), ("count", INT, -1)), STR, ()),
    "find": ((("sub", STR, _REQUIRED),) + _SPAN, INT, ("safe",)),
    "rfind": ((("sub", STR, _REQUIRED),) + _SPAN, INT, ("safe",)),
    "count": ((("sub", STR, _REQUIRED),) + _SPAN, INT, ("safe",)),
    "index": ((("sub", STR, _REQUIRED),) + _SPAN, INT, ("status",)),
    "rindex": ((("sub", STR, _REQUIRED),) + _SPAN, INT, ("status",)),
    "startswith": ((("prefix", STR, _REQUIRED),) + _SPAN, INT, ("safe", "bool")),
    "endswith": ((("suffix", STR, _REQUIRED),) + _SPAN, INT, ("safe", "bool")),
    "partition": ((("sep", STR, _REQUIRED),), TupleType((STR, STR, STR)), ()),
    "rpartition": ((("sep", STR, _REQUIRED),), TupleType((STR, STR, STR)), ()),
    "center": ((("width", INT, _REQUIRED), ("fillchar", STR, " ")), STR, ()),
    "ljust": ((("width", INT, _REQUIRED), ("fillchar", STR, " ")), STR, ()),
    "rjust": ((("width", INT, _REQUIRED), ("fillchar", STR, " ")), STR, ()),
    "zfill": ((("width", INT, _REQUIRED),), STR, ()),
    "expandtabs": ((("tabsize", INT, 8),), STR, ()),
    **{name: ((), INT, ("safe", "bool")) for name in (
        "isalpha", "isalnum", "isdecimal", "isdigit", "isnumeric", "isspace", "isupper",
        "islower", "istitle", "isprintable", "isidentifier", "isascii")},
    "encode": ((("encoding", STR, None), ("errors", STR, None)), BYTES, ()),
})

# ---- unicodedata (libruntime/normalize.c) ----------------------------------
STR_NORMALIZE = primitive("str_normalize", "pjx_str_normalize", (STR, STR), STR)
STR_IS_NORMALIZED = primitive("str_is_normalized", "pjx_str_is_normalized", (STR, STR), BOOL,
                              convention="tristate")
# the one-character lookups: unicodedata.<name>(ch) -> result type
UNICODEDATA = {
    name: primitive(f"unicodedata_{name}", f"pjx_unicodedata_{name}", (STR,), result)
    for name, result in (("category", STR), ("combining", INT), ("mirrored", INT),
                         ("east_asian_width", STR), ("decomposition", STR))
}

BYTES_METHODS = _methods(BYTES, "bytes", {
    "decode": ((("encoding", STR, None), ("errors", STR, None)), STR, ()),
    "find": ((("sub", BYTES, _REQUIRED),) + _SPAN, INT, ("safe",)),
    "rfind": ((("sub", BYTES, _REQUIRED),) + _SPAN, INT, ("safe",)),
    "count": ((("sub", BYTES, _REQUIRED),) + _SPAN, INT, ("safe",)),
    "index": ((("sub", BYTES, _REQUIRED),) + _SPAN, INT, ("status",)),
    "startswith": ((("prefix", BYTES, _REQUIRED),) + _SPAN, INT, ("safe", "bool")),
    "endswith": ((("suffix", BYTES, _REQUIRED),) + _SPAN, INT, ("safe", "bool")),
    "split": ((("sep", BYTES, None), ("maxsplit", INT, -1)), ListType(BYTES), ()),
    "rsplit": ((("sep", BYTES, None), ("maxsplit", INT, -1)), ListType(BYTES), ()),
    "strip": ((("chars", BYTES, None),), BYTES, ()),
    "lstrip": ((("chars", BYTES, None),), BYTES, ()),
    "rstrip": ((("chars", BYTES, None),), BYTES, ()),
    "replace": ((("old", BYTES, _REQUIRED), ("new", BYTES, _REQUIRED), ("count", INT, -1)),
                BYTES, ()),
    "lower": ((), BYTES, ()),
    "upper": ((), BYTES, ()),
    "join": ((("items", ListType(BYTES), _REQUIRED),), BYTES, ()),
})

# ---- numbers <-> text (libruntime/include/pyjitx/format.h) -------------------
INT_TO_STR = primitive("int_to_str", "pjx_int_to_str", (INT,), STR)
FLOAT_TO_STR = primitive("float_to_str", "pjx_float_to_str", (FLOAT,), STR)
BOOL_TO_STR = primitive("bool_to_str", "pjx_bool_to_str", (INT,), STR)
FORMAT_INT = primitive("format_int", "pjx_format_int", (INT, STR), STR)
FORMAT_FLOAT = primitive("format_float", "pjx_format_float", (FLOAT, STR), STR)
FORMAT_STR = primitive("format_str", "pjx_format_str", (STR, STR), STR)
FORMAT_BOOL = primitive("format_bool", "pjx_format_bool", (INT, STR), STR)
STR_TO_INT = primitive("str_to_int", "pjx_str_to_int", (STR, INT), INT)
STR_TO_FLOAT = primitive("str_to_float", "pjx_str_to_float", (STR,), FLOAT)
BYTES_TO_INT = primitive("bytes_to_int", "pjx_bytes_to_int", (BYTES, INT), INT)
BYTES_TO_FLOAT = primitive("bytes_to_float", "pjx_bytes_to_float", (BYTES,), FLOAT)
STR_ASCII = primitive("str_ascii", "pjx_str_ascii", (STR,), STR)
ASCII_ESCAPE = primitive("ascii_escape", "pjx_ascii_escape", (STR,), STR)
# printf-style conversions: (value, flags, width, precision, conversion char)
PERCENT_FORMAT_INT = primitive("percent_format_int", "pjx_percent_format_int",
                               (INT, I32, INT, INT, I32), STR)
PERCENT_FORMAT_FLOAT = primitive("percent_format_float", "pjx_percent_format_float",
                                 (FLOAT, I32, INT, INT, I32), STR)
PERCENT_FORMAT_BOOL = primitive("percent_format_bool", "pjx_percent_format_bool",
                                (INT, I32, INT, INT, I32), STR)
PERCENT_FORMAT_STR = primitive("percent_format_str", "pjx_percent_format_str",
                               (STR, I32, INT, INT, I32), STR)
PERCENT_PAD_TEXT = primitive("percent_pad_text", "pjx_percent_pad_text",
                             (STR, I32, INT, INT), STR)

# ---- objects and containers (object.h, containers.h) -------------------------
from .types import ListType as _ListType  # noqa: E402

SLOT_REPR = primitive("slot_repr", "pjx_slot_repr", (I32, SLOT), STR)
SLOT_STR = primitive("slot_str", "pjx_slot_str", (I32, SLOT), STR)
SLOT_HASH = primitive("slot_hash", "pjx_slot_hash", (I32, SLOT), INT, convention="status")
LIST_NEW = primitive("list_new", "pjx_list_new", (I32, INT), _ListType(NONE))
LIST_APPEND = primitive("list_append", "pjx_list_append", (_ListType(NONE), SLOT), NONE)

from .types import ObjectType as _ObjectType  # noqa: E402


@dataclass(frozen=True)
class _AnyObject(_ObjectType):
    """Argument/result marker: a pointer to some runtime object."""

    def __str__(self) -> str:
        return "object"


OBJ = _AnyObject()


def _p(name: str, args: tuple, result: Type, convention: Optional[str] = None,
       can_raise: bool = True) -> Primitive:
    return primitive(name, "pjx_" + name, args, result, can_raise=can_raise,
                     convention=convention)


# list (containers.h); slot results are new references
LIST_GET = _p("list_get", (OBJ, INT), SLOT, "status")
LIST_SET = _p("list_set", (OBJ, INT, SLOT), NONE, "status")
LIST_DELITEM = _p("list_delitem", (OBJ, INT), NONE, "status")
LIST_INSERT = _p("list_insert", (OBJ, INT, SLOT), NONE, "status")
LIST_POP = _p("list_pop", (OBJ, INT), SLOT, "status")
LIST_REMOVE = _p("list_remove", (OBJ, SLOT), NONE, "status")
LIST_INDEX = _p("list_index", (OBJ, SLOT, INT, INT), INT, "status")
LIST_COUNT = _p("list_count", (OBJ, SLOT), INT, can_raise=False)
LIST_CONTAINS = _p("list_contains", (OBJ, SLOT), INT, can_raise=False)
LIST_CLEAR = _p("list_clear", (OBJ,), NONE, can_raise=False)
LIST_COPY = _p("list_copy", (OBJ,), OBJ)
LIST_EXTEND = _p("list_extend", (OBJ, OBJ), NONE, "status")
UNPACK_CHECK = _p("unpack_check", (INT, INT, I32), NONE, "status")
LIST_REVERSE = _p("list_reverse", (OBJ,), NONE, can_raise=False)
LIST_CHECK_PRESENT = _p("list_check_present", (OBJ, CSTR, CSTR), NONE, "status")
LIST_SLICE = _p("list_slice", (OBJ, INT, INT, INT), OBJ)
LIST_DEL_SLICE = _p("list_del_slice", (OBJ, INT, INT, INT), NONE, "status")
LIST_CONCAT = _p("list_concat", (OBJ, OBJ), OBJ)
LIST_REPEAT = _p("list_repeat", (OBJ, INT), OBJ)
LIST_INPLACE_REPEAT = _p("list_inplace_repeat", (OBJ, INT), NONE, "status")
LIST_SET_SLICE = _p("list_set_slice", (OBJ, INT, INT, INT, OBJ), NONE, "status")
# (== raises RecursionError past the recursion limit, as CPython's does)
LIST_EQ = _p("list_equal", (OBJ, OBJ), INT, "tristate")
LIST_RICHCOMPARE = _p("list_richcompare", (OBJ, OBJ, I32), INT, "status")
LIST_SORT = _p("list_sort", (OBJ, INT), NONE, "status")
LIST_SORT_KEYED = _p("list_sort_keyed", (OBJ, OBJ, INT), NONE, "status")
LIST_SORTED = _p("list_sorted", (OBJ, INT), OBJ)

# tuple
TUPLE_NEW = _p("tuple_new", (INT,), OBJ)
TUPLE_SET_STEAL = _p("tuple_set_steal", (OBJ, INT, I32, SLOT), NONE, can_raise=False)
TUPLE_GET = _p("tuple_get", (OBJ, INT), SLOT, "status")
TUPLE_FROM_LIST = _p("tuple_from_list", (OBJ,), OBJ)
# a new tuple made an instance of a named-tuple class (its shape key, for repr)
TUPLE_SET_SHAPE = _p("tuple_set_shape", (OBJ, INT), NONE, can_raise=False)
TUPLE_SLICE = _p("tuple_slice", (OBJ, INT, INT, INT), OBJ)
TUPLE_CONCAT = _p("tuple_concat", (OBJ, OBJ), OBJ)
TUPLE_REPEAT = _p("tuple_repeat", (OBJ, INT), OBJ, "null")
TUPLE_EQ = _p("tuple_equal", (OBJ, OBJ), INT, "tristate")
TUPLE_RICHCOMPARE = _p("tuple_richcompare", (OBJ, OBJ, I32), INT, "status")
TUPLE_CONTAINS = _p("tuple_contains", (OBJ, I32, SLOT), INT, can_raise=False)

# dict
DICT_NEW = _p("dict_new", (I32, I32), OBJ)
DICT_GETITEM = _p("dict_getitem", (OBJ, SLOT), SLOT, "status")
DICT_GET = _p("dict_get", (OBJ, SLOT, SLOT), SLOT, "status")
# `for k in d`: one step of CPython's dict iterator, then the entry it found
DICT_ITER_NEXT = _p("dict_iter_next", (OBJ, INT, INT, INT), INT, "status")
DICT_ENTRY_KEY = _p("dict_entry_key", (OBJ, INT), SLOT, "status", can_raise=True)
DICT_ENTRY_VALUE = _p("dict_entry_value", (OBJ, INT), SLOT, "status", can_raise=True)
DICT_GET_OPTIONAL = _p("dict_get_optional", (OBJ, SLOT), OBJ, "status")
DICT_SETITEM = _p("dict_setitem", (OBJ, SLOT, SLOT), NONE, "status")
DICT_DELITEM = _p("dict_delitem", (OBJ, SLOT), NONE, "status")
DICT_CONTAINS = _p("dict_contains", (OBJ, SLOT), BOOL, "tristate")
DICT_POP = _p("dict_pop", (OBJ, SLOT), SLOT, "status")
DICT_POP_DEFAULT = _p("dict_pop_default", (OBJ, SLOT, SLOT), SLOT, "status")
DICT_POPITEM_TUPLE = _p("dict_popitem_tuple", (OBJ,), OBJ)
DICT_SETDEFAULT = _p("dict_setdefault", (OBJ, SLOT, SLOT), SLOT, "status")
DICT_UPDATE = _p("dict_update", (OBJ, OBJ), NONE, "status")
DICT_COPY = _p("dict_copy", (OBJ,), OBJ)
DICT_CLEAR = _p("dict_clear", (OBJ,), NONE, can_raise=False)
DICT_KEYS = _p("dict_keys", (OBJ,), OBJ)
DICT_VALUES = _p("dict_values", (OBJ,), OBJ)
DICT_ITEMS = _p("dict_items", (OBJ,), OBJ)
DICT_OR = _p("dict_or", (OBJ, OBJ), OBJ)
DICT_IOR = _p("dict_ior", (OBJ, OBJ), NONE, "status")
DICT_EQ = _p("dict_equal", (OBJ, OBJ), INT, "tristate")

# set
SET_NEW = _p("set_new", (I32,), OBJ)
SET_ADD = _p("set_add", (OBJ, SLOT), NONE, "status")
SET_DISCARD = _p("set_discard", (OBJ, SLOT), NONE, "status")
SET_REMOVE = _p("set_remove", (OBJ, SLOT), NONE, "status")
SET_POP = _p("set_pop", (OBJ,), SLOT, "status")
SET_CONTAINS = _p("set_contains", (OBJ, SLOT), BOOL, "tristate")
SET_COPY = _p("set_copy", (OBJ,), OBJ)
SET_CLEAR = _p("set_clear", (OBJ,), NONE, can_raise=False)
SET_UPDATE = _p("set_update", (OBJ, OBJ), NONE, "status")
SET_UPDATE_LIST = _p("set_update_list", (OBJ, OBJ), NONE, "status")
SET_UNION = _p("set_union", (OBJ, OBJ), OBJ)
SET_INTERSECTION = _p("set_intersection", (OBJ, OBJ), OBJ)
SET_DIFFERENCE = _p("set_difference", (OBJ, OBJ), OBJ)
SET_SYMMETRIC_DIFFERENCE = _p("set_symmetric_difference", (OBJ, OBJ), OBJ)
SET_INTERSECTION_UPDATE = _p("set_intersection_update", (OBJ, OBJ), NONE, "status")
SET_DIFFERENCE_UPDATE = _p("set_difference_update", (OBJ, OBJ), NONE, "status")
SET_SYMMETRIC_DIFFERENCE_UPDATE = _p("set_symmetric_difference_update", (OBJ, OBJ), NONE, "status")
SET_ISSUBSET = _p("set_issubset", (OBJ, OBJ), INT, can_raise=False)
SET_ISSUPERSET = _p("set_issuperset", (OBJ, OBJ), INT, can_raise=False)
SET_ISDISJOINT = _p("set_isdisjoint", (OBJ, OBJ), INT, can_raise=False)
SET_EQ = _p("set_eq", (OBJ, OBJ), INT, can_raise=False)

# print(): writes UTF-8 to the host's stdout (the Python bridge installs a
# writer that goes through sys.stdout, in order with Python's own prints)
PRINT = _p("print", (STR,), NONE, "status")
# the message of a call's missing arguments (function name, keyword-only?, names)
MISSING_ARGUMENTS_MESSAGE = _p("missing_arguments_message", (STR, INT, _ListType(STR)), STR)
# print(..., file=sys.stdout/sys.stderr, flush=f): stream 1 or 2, the text, f
PRINT_TO = _p("print_to", (I32, STR, INT), NONE, "status")
FLUSH_STREAM = _p("flush_stream", (I32,), NONE, "status")

# exceptions (object.h): try/except/finally and raise
from .types import EXCEPTION  # noqa: E402

ERR_MATCHES = _p("err_matches", (I32,), INT, can_raise=False)
ERR_FETCH = _p("err_fetch", (), EXCEPTION, can_raise=False)
ERR_RESTORE = _p("err_restore", (EXCEPTION,), NONE, can_raise=False)
ERR_SET_STR = _p("err_set_str", (I32, STR), NONE, can_raise=False)
EXCEPTION_STR = _p("exception_str", (EXCEPTION,), STR, can_raise=False)
EXCEPTION_KIND_MATCHES = _p("exception_kind_matches", (I32, I32), INT, can_raise=False)
EXCEPTION_KIND = _p("exception_kind", (EXCEPTION,), INT, can_raise=False)

# At the head of every loop: a Python signal handler runs, or KeyboardInterrupt
# (whatever the handler raised) is raised (runtime.h, "interrupts").  Lowered
# inline as a load of pjx_signal_pending; the call is taken only when it is set.
POLL_SIGNALS = primitive("poll_signals", "pjx_handle_pending_signals", (), NONE,
                         convention="status")


# ---- Any (any.h) -----------------------------------------------------------------
from .types import ANY as _ANY  # noqa: E402

BOX_INT = _p("box_int", (INT,), _ANY, convention="null")
BOX_FLOAT = _p("box_float", (FLOAT,), _ANY, convention="null")
BOX_BOOL = _p("box_bool", (INT,), _ANY, convention="null")
ANY_TO_INT = _p("any_to_int", (_ANY,), INT, convention="status")
ANY_TO_FLOAT = _p("any_to_float", (_ANY,), FLOAT, convention="status")
ANY_TO_BOOL = _p("any_to_bool", (_ANY,), INT, convention="status")
# result: the object type the builder asks for (the descriptor checks it)
ANY_CAST = _p("any_cast", (_ANY, CSTR), OBJ, convention="status")
# a list, dict or set of objects (or a tuple holding one) as an Any: records
# its static type (the descriptor) for the checks of stores through the Any
ANY_BOX_CONTAINER = _p("any_box_container", (OBJ, CSTR), _ANY, convention="status")
ANY_BINARY = _p("any_binary", (I32, _ANY, _ANY), _ANY, convention="status")
# divmod(a, b): a Tuple[Any, Any] (the builder gives the result type)
ANY_DIVMOD = _p("any_divmod", (_ANY, _ANY), OBJ, convention="status")
ANY_UNARY = _p("any_unary", (I32, _ANY), _ANY, convention="status")
ANY_COMPARE = _p("any_compare", (I32, _ANY, _ANY), INT, convention="status")
ANY_TRUTHY = _p("any_truthy", (_ANY,), INT, convention="status")
ANY_LEN = _p("any_len", (_ANY,), INT, convention="status")
ANY_GETITEM = _p("any_getitem", (_ANY, _ANY), _ANY, convention="status")
ANY_SETITEM = _p("any_setitem", (_ANY, _ANY, _ANY), NONE, convention="status")
ANY_CONTAINS = _p("any_contains", (_ANY, _ANY), INT, convention="status")
ANY_ITEMS = _p("any_items", (_ANY,), _ListType(_ANY), convention="null")
ANY_ISINSTANCE = _p("any_isinstance", (_ANY, INT, INT), INT, can_raise=False)
ANY_IS_TYPE = _p("any_is_type", (_ANY, INT, INT), INT, can_raise=False)
ANY_SAME_TYPE = _p("any_same_type", (_ANY, _ANY), INT, can_raise=False)
ANY_INT = _p("any_int", (_ANY,), INT, convention="status")
ANY_FLOAT = _p("any_float", (_ANY,), FLOAT, convention="status")
ANY_NO_ATTRIBUTE = _p("any_no_attribute", (_ANY, CSTR), NONE, convention="status")
# x.name(a0, a1, a2) for list/dict/set/tuple methods: method number, self,
# the count of arguments given, then three Anys (unused ones None)
# any.h's PJX_METHOD_* numbers, the first operand of any_method: the
# methods of list, dict, set and tuple (frontend/anys.py)
CONTAINER_METHODS = {name: number for number, name in enumerate((
    "append", "extend", "insert", "pop", "remove", "index", "count", "clear", "reverse", "copy",
    "sort", "get", "keys", "values", "items", "popitem", "setdefault", "update", "add", "discard",
    "union", "intersection", "difference", "symmetric_difference", "issubset", "issuperset",
    "isdisjoint", "intersection_update", "difference_update", "symmetric_difference_update",
    # collections' (deque, Counter, OrderedDict)
    "appendleft", "popleft", "extendleft", "rotate", "subtract", "most_common", "elements",
    "total", "move_to_end"))}
ANY_METHOD = _p("any_method", (I32, _ANY, I32, _ANY, _ANY, _ANY), _ANY, convention="status")
# slices: bounds as ints, ABSENT_INT for an omitted one; a read's bounds
# as Anys (None for an omitted one: a dict names them in its KeyError)
ANY_GETSLICE = _p("any_getslice_objects", (_ANY, _ANY, _ANY, _ANY), _ANY, convention="status")
ANY_SETSLICE = _p("any_setslice", (_ANY, INT, INT, INT, _ANY), NONE, convention="status")
ANY_DELSLICE = _p("any_delslice", (_ANY, INT, INT, INT), NONE, convention="status")
ANY_DELITEM = _p("any_delitem", (_ANY, _ANY), NONE, convention="status")
ANY_SLICE_INDEX = _p("any_slice_index", (_ANY,), INT, convention="status")
ANY_INDEX = _p("any_index", (_ANY, CSTR), INT, convention="status")
ANY_REAL = _p("any_real", (_ANY,), FLOAT, convention="status")
ANY_AS_INDEX = _p("any_as_index", (_ANY,), INT, convention="status")

# ---- json (json.h): json.loads gives an Any; json_to_type rebuilds a fresh
# parsed value as the declared type of its target (the builder gives the
# result type); json_dumps takes the value, indent and separators as Anys
# (None: NULL) and the PJX_JSON_* flags
JSON_LOADS = _p("json_loads", (STR,), _ANY, convention="status")
JSON_LOADS_BYTES = _p("json_loads_bytes", (BYTES,), _ANY, convention="status")
JSON_LOADS_ANY = _p("json_loads_any", (_ANY,), _ANY, convention="status")
JSON_TO_TYPE = _p("json_to_type", (_ANY, CSTR), OBJ, convention="status")
JSON_DUMPS = _p("json_dumps", (_ANY, _ANY, _ANY, INT), STR)

# ---- NDArray (ndarray.h).  Array results are typed per call (the
# PrimitiveCall's result_type); shapes and index specs pass as INT_ARRAY.
from .types import INT_ARRAY  # noqa: E402

ND_EMPTY = _p("ndarray_empty", (I32, I32, INT_ARRAY), OBJ)
ND_ZEROS = _p("ndarray_zeros", (I32, I32, INT_ARRAY), OBJ)
ND_FULL_INT = _p("ndarray_full_int", (I32, I32, INT_ARRAY, INT), OBJ)
ND_FULL_FLOAT = _p("ndarray_full_float", (I32, I32, INT_ARRAY, FLOAT), OBJ)
ND_ARANGE_INT = _p("ndarray_arange_int", (INT, INT, INT), OBJ)
ND_ARANGE_FLOAT = _p("ndarray_arange_float", (FLOAT, FLOAT, FLOAT), OBJ)
ND_SUBSCRIPT = _p("ndarray_subscript", (OBJ, I32, INT_ARRAY), OBJ)
ND_ASSIGN = _p("ndarray_assign", (OBJ, OBJ), NONE, "status")
ND_FILL_INT = _p("ndarray_fill_int", (OBJ, INT), NONE, "status")
ND_FILL_FLOAT = _p("ndarray_fill_float", (OBJ, FLOAT), NONE, "status")
ND_TRANSPOSE = _p("ndarray_transpose", (OBJ, I32, INT_ARRAY), OBJ)
ND_RESHAPE = _p("ndarray_reshape", (OBJ, I32, INT_ARRAY), OBJ)
ND_ASTYPE = _p("ndarray_astype", (OBJ, I32), OBJ)
ND_COPY = _p("ndarray_copy", (OBJ,), OBJ)
ND_TOLIST = _p("ndarray_tolist", (OBJ,), OBJ)
ND_FROM_LIST = _p("ndarray_from_list", (OBJ, I32, I32), OBJ)
ND_CONCATENATE = _p("ndarray_concatenate", (OBJ, INT), OBJ)
ND_STACK = _p("ndarray_stack", (OBJ, INT), OBJ)
ND_BINARY = _p("ndarray_binary", (I32, OBJ, OBJ), OBJ)
ND_BINARY_INT = _p("ndarray_binary_int", (I32, OBJ, INT, I32), OBJ)
ND_BINARY_FLOAT = _p("ndarray_binary_float", (I32, OBJ, FLOAT, I32), OBJ)
ND_UNARY = _p("ndarray_unary", (I32, OBJ), OBJ)
ND_INPLACE = _p("ndarray_inplace", (I32, OBJ, OBJ), NONE, "status")
ND_INPLACE_INT = _p("ndarray_inplace_int", (I32, OBJ, INT), NONE, "status")
ND_INPLACE_FLOAT = _p("ndarray_inplace_float", (I32, OBJ, FLOAT), NONE, "status")
ND_REDUCE_INT = _p("ndarray_reduce_int", (I32, OBJ), INT, "status")
ND_REDUCE_FLOAT = _p("ndarray_reduce_float", (I32, OBJ), FLOAT, "status")
ND_REDUCE_AXIS = _p("ndarray_reduce_axis", (I32, OBJ, INT), OBJ)

# hash() with CPython's values (libruntime/pyhash.c, hash.h): keyed by the
# interpreter's hash secret, unlike the dicts' own hash (SLOT_HASH)
PY_HASH = primitive("py_hash", "pjx_py_hash", (I32, SLOT), INT, convention="status")
PY_HASH_FROZENSET = _p("py_hash_frozenset", (OBJ,), INT, "status")

# the random module's generator (libruntime/random.c, random.h): each takes
# a state list (List[int]); pyjitx/stdlib_random.py names them _mt_*
RANDOM = {
    "_mt_global": _p("random_global", (), ListType(INT)),
    "_mt_seed_int": _p("random_seed_int", (OBJ, INT), NONE, "status"),
    "_mt_seed_uint": _p("random_seed_uint", (OBJ, INT), NONE, "status"),
    "_mt_seed_bytes": _p("random_seed_bytes", (OBJ, BYTES), NONE, "status"),
    "_mt_seed_v1": _p("random_seed_v1", (OBJ, STR), NONE, "status"),
    "_mt_seed_urandom": _p("random_seed_urandom", (OBJ,), NONE, "status"),
    "_mt_random": _p("random_random", (OBJ,), FLOAT, "status"),
    "_mt_getrandbits": _p("random_getrandbits", (OBJ, INT), INT, "status"),
    "_mt_randbelow": _p("random_randbelow", (OBJ, INT), INT, "status"),
    "_mt_randrange": _p("random_randrange", (OBJ, INT, INT, INT, INT), INT, "status"),
    "_mt_randint": _p("random_randint", (OBJ, INT, INT, INT), INT, "status"),
    "_mt_gauss": _p("random_gauss", (OBJ,), FLOAT, "status"),
    "_mt_has_gauss": _p("random_has_gauss", (OBJ,), BOOL, "status"),
    "_mt_gauss_next": _p("random_gauss_next", (OBJ,), FLOAT, "status"),
    "_mt_set_gauss_next": _p("random_set_gauss_next", (OBJ, BOOL, FLOAT), NONE, "status"),
    "_mt_randbytes": _p("random_randbytes", (OBJ, INT), BYTES),
}

# bytearray (libruntime/bytearray.c, bytearray.h): a list of ints 0..255
# typed BYTEARRAY; BYTEARRAY_ITEMS is the same object seen as a List[int]
# (a new reference: reading, iterating, slicing go through the list's
# code), BYTEARRAY_OF_ITEMS a List[int] known to hold bytes seen as one
from .types import BYTEARRAY  # noqa: E402

BYTEARRAY_ITEMS = _p("bytearray_view", (OBJ,), ListType(INT), can_raise=False)
BYTEARRAY_OF_ITEMS = _p("bytearray_of_items", (OBJ,), BYTEARRAY, can_raise=False)
BYTEARRAY_NEW = _p("bytearray_new", (INT,), BYTEARRAY)
BYTEARRAY_FROM_BYTES = _p("bytearray_from_bytes", (BYTES,), BYTEARRAY)
BYTEARRAY_FROM_INTS = _p("bytearray_from_ints", (OBJ,), BYTEARRAY)
BYTES_FROM_INTS = _p("bytes_from_ints", (OBJ,), BYTES)
BYTEARRAY_TO_BYTES = _p("bytearray_to_bytes", (OBJ,), BYTES)
BYTEARRAY_GETITEM = _p("bytearray_getitem", (OBJ, INT), INT, "status")
BYTEARRAY_SETITEM = _p("bytearray_setitem", (OBJ, INT, INT), NONE, "status")
BYTEARRAY_DELITEM = _p("bytearray_delitem", (OBJ, INT), NONE, "status")
BYTEARRAY_APPEND = _p("bytearray_append", (OBJ, INT), NONE, "status")
BYTEARRAY_POP = _p("bytearray_pop", (OBJ, INT), INT, "status")
BYTEARRAY_EXTEND_INTS = _p("bytearray_extend_ints", (OBJ, OBJ), NONE, "status")
BYTEARRAY_EXTEND_BYTES = _p("bytearray_extend_bytes", (OBJ, BYTES), NONE, "status")
BYTEARRAY_CONTAINS_INT = _p("bytearray_contains_int", (OBJ, INT), INT, "status")
BYTEARRAY_CONTAINS_BYTES = _p("bytearray_contains_bytes", (OBJ, BYTES), INT, can_raise=False)
BYTEARRAY_REPR = _p("bytearray_repr", (OBJ,), STR)
BYTEARRAY_EQ_BYTES = _p("bytearray_eq_bytes", (OBJ, BYTES), INT, can_raise=False)

# array.array (libruntime/array.c, array.h): a list of ints or floats typed
# ArrayType; seen as the list through BYTEARRAY_ITEMS / BYTEARRAY_OF_ITEMS
# (casts, the result type given at the call).  The first INT is the typecode.
ARRAY_CHECK_INT = _p("array_check_int", (INT, INT), NONE, "status")
ARRAY_FLOAT_ITEM = _p("array_float_item", (INT, FLOAT), FLOAT, can_raise=False)
ARRAY_FROM_INTS = _p("array_from_ints", (INT, OBJ), OBJ)
ARRAY_FROM_FLOATS = _p("array_from_floats", (INT, OBJ), OBJ)
ARRAY_TOBYTES = _p("array_tobytes", (INT, OBJ), BYTES)
ARRAY_FROMBYTES = _p("array_frombytes", (INT, OBJ, BYTES), NONE, "status")
ARRAY_INDEX = _p("array_index", (OBJ, INT, INT), INT, "status")
ARRAY_POP_INDEX = _p("array_pop_index", (OBJ, INT), INT, "status")
ARRAY_REPR = _p("array_repr", (INT, INT, STR), STR)
ARRAY_FIND = _p("array_find", (OBJ, INT, FLOAT, INT, INT), INT, "status")

# the time module's clocks (libruntime/stdtime.c, stdtime.h), by name
TIME = {
    name: _p(f"time_{name}", (), INT if name.endswith("_ns") else FLOAT, can_raise=False)
    for name in ("time", "time_ns", "monotonic", "monotonic_ns", "perf_counter",
                 "perf_counter_ns", "process_time", "process_time_ns", "thread_time",
                 "thread_time_ns") if not name.startswith("perf_counter")
}
TIME["perf_counter"] = TIME["monotonic"]        # (CPython's perf_counter on Linux)
TIME["perf_counter_ns"] = TIME["monotonic_ns"]
TIME_SLEEP = _p("time_sleep", (FLOAT,), NONE, "status")

# open()'s system calls (libruntime/file.c, file.h); pyjitx/fileio.py names
# them _fd_*.  _fd_open's result is the descriptor or -errno; _fd_handle
# makes the bytes object that owns it and its write buffer (flushed and
# closed when freed).
FILE = {
    "_fd_open": _p("fd_open", (STR, INT), INT, "status"),
    "_fd_handle": _p("fd_handle", (INT,), BYTES),
    "_fd_write": _p("fd_write", (BYTES, BYTES), NONE, "status"),
    "_fd_flush": _p("fd_flush", (BYTES,), NONE, "status"),
    "_fd_read": _p("fd_read", (BYTES, INT), BYTES),
    "_fd_close": _p("fd_close", (BYTES,), NONE, "status"),
    "_fd_strerror": _p("fd_strerror", (INT,), STR),
}

# the standard-library stand-ins' primitives (collections, json, functools)
from . import primitives_stdlib  # noqa: E402,F401

# ---- regular expressions (libruntime/include/pyjitx/regex.h) -----------------------
# Patterns, matches and strings pass as objects; the builder gives each
# result its type (Optional results are "status" with NULL for None).
RE_COMPILE = _p("re_compile", (BYTES, OBJ, OBJ), OBJ)
RE_RUN = _p("re_run", (OBJ, OBJ, INT, INT, INT), OBJ, "status")
RE_FINDALL = _p("re_findall", (OBJ, OBJ, INT, INT), OBJ)
RE_FINDITER = _p("re_finditer", (OBJ, OBJ, INT, INT, INT), OBJ)
RE_SPLIT = _p("re_split", (OBJ, OBJ, INT), OBJ)
RE_SUB = _p("re_sub", (OBJ, OBJ, OBJ, INT), OBJ)
RE_SUBN = _p("re_subn", (OBJ, OBJ, OBJ, INT), OBJ)
RE_JOIN_REPLACEMENTS = _p("re_join_replacements", (OBJ, OBJ, OBJ), OBJ)
RE_ESCAPE = _p("re_escape", (OBJ,), OBJ)
RE_GROUP_INDEX = _p("re_group_index", (OBJ, STR), INT, "status")
RE_MATCH_GROUP = _p("re_match_group", (OBJ, INT), OBJ, "status")
RE_MATCH_START = _p("re_match_start", (OBJ, INT), INT, "status")
RE_MATCH_END = _p("re_match_end", (OBJ, INT), INT, "status")
RE_MATCH_SPAN = _p("re_match_span", (OBJ, INT), OBJ)
RE_MATCH_GROUPS = _p("re_match_groups", (OBJ, OBJ), OBJ)
RE_MATCH_GROUPDICT = _p("re_match_groupdict", (OBJ, OBJ), OBJ)
RE_MATCH_EXPAND = _p("re_match_expand", (OBJ, OBJ), OBJ)
RE_MATCH_LASTGROUP = _p("re_match_lastgroup", (OBJ,), OBJ, "status")
RE_MATCH_REGS = _p("re_match_regs", (OBJ,), OBJ)
RE_PATTERN_GROUPINDEX = _p("re_pattern_groupindex", (OBJ,), OBJ)
RE_ANY_GROUP_INDEX = _p("re_any_group_index", (OBJ, _ANY), INT, "status")
RE_MATCH_INT = _p("re_match_int", (OBJ, INT), INT, can_raise=False)
RE_MATCH_OBJECT = _p("re_match_object", (OBJ, INT), OBJ, can_raise=False)
RE_MATCH_LASTINDEX = _p("re_match_lastindex", (OBJ,), OBJ, "status")
RE_PATTERN_TEXT = _p("re_pattern_text", (OBJ,), OBJ, can_raise=False)
RE_PATTERN_INT = _p("re_pattern_int", (OBJ, INT), INT, can_raise=False)
