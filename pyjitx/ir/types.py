"""IR types: small immutable value objects, compared and hashed by value.

Scalars (int, float, bool, None) live in registers.  Everything else is a
pointer to a reference-counted runtime object (libruntime/include/pyjitx/
object.h): str, bytes, and the containers, whose element types are part of
the type (`List[int]` stores unboxed i64 slots).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple


class Type:
    """Base of all IR types."""

    __slots__ = ()

    @property
    def is_numeric(self) -> bool:
        return self in (INT, FLOAT, BOOL)

    @property
    def is_refcounted(self) -> bool:
        """Held as a pointer to a runtime object with a reference count."""
        return False


@dataclass(frozen=True)
class PrimitiveType(Type):
    """A scalar held in a machine register: int (i64), float (f64), bool, None."""

    name: str

    def __str__(self) -> str:
        return self.name


INT = PrimitiveType("int")
FLOAT = PrimitiveType("float")
BOOL = PrimitiveType("bool")
NONE = PrimitiveType("None")

SCALAR_TYPES = (INT, FLOAT, BOOL, NONE)
# The item type of an empty container literal until its use tells more
# (the builder then rebuilds the function with the learned type).
UNKNOWN = PrimitiveType("?")
# A pointer to a stack array of ints (ops.IntArray): how a shape or an index
# list reaches a runtime function taking `const int64_t *`.
INT_ARRAY = PrimitiveType("int[]")


class ObjectType(Type):
    """A pointer to a reference-counted runtime object."""

    __slots__ = ()

    @property
    def is_refcounted(self) -> bool:
        return True


@dataclass(frozen=True)
class StrType(ObjectType):
    def __str__(self) -> str:
        return "str"


@dataclass(frozen=True)
class BytesType(ObjectType):
    def __str__(self) -> str:
        return "bytes"


@dataclass(frozen=True)
class BytearrayType(ObjectType):
    """A bytearray: held as a list of ints 0..255 (libruntime/bytearray.c),
    its own type so that only bytearray's operations, with its checks and
    messages, apply to it, and it crosses into Python as a bytearray."""

    def __str__(self) -> str:
        return "bytearray"


@dataclass(frozen=True)
class ArrayType(ObjectType):
    """An array.array of one typecode (b B h H i I l L q Q f d): held as a
    list of ints, or of floats for f and d (libruntime/array.c), its own
    type so that only array's operations, with its range checks and
    messages, apply to it (pyjitx/frontend/stdarrays.py)."""

    typecode: str

    def __str__(self) -> str:
        return f"array('{self.typecode}')"

    @property
    def item(self) -> "Type":
        return FLOAT if self.typecode in "fd" else INT


@dataclass(frozen=True)
class ExceptionValueType(ObjectType):
    """A caught exception (`except ... as e`), a runtime pjx_exception."""

    def __str__(self) -> str:
        return "Exception"


@dataclass(frozen=True)
class ExceptionClassType(ObjectType):
    """The class of a raised exception, as `__exit__` receives it
    (exc_type): held as the exception itself, whose kind names the class
    (issubclass() tests the kind)."""

    def __str__(self) -> str:
        return "type"


@dataclass(frozen=True)
class AnyType(ObjectType):
    """Any: a pointer to a value of any type (libruntime any.h): objects as
    themselves, None as NULL, int/float/bool boxed."""

    def __str__(self) -> str:
        return "Any"


@dataclass(frozen=True)
class UnionType(AnyType):
    """A value of one of several types: `Optional[int]`, `Union[int, str]`,
    `str | bytes`, or a local that Python code assigns values of different
    types.  Held exactly as an Any (scalars boxed, None as NULL), so every
    operation on it dispatches at run time with Python's rules; the
    members say what it may hold: the boundary accepts only those, and
    narrowing (`is None`, isinstance, truthiness, an early return) takes
    it back to a member's static type -- unboxed again where that is one
    type.  (An Optional of one object type stays OptionalType, a nullable
    pointer; make_union decides.)  Members are sorted, None last."""

    members: Tuple[Type, ...]

    def __str__(self) -> str:
        others = [m for m in self.members if m != NONE]
        if not others:
            return "Optional[?]"  # NONE_SO_FAR
        if len(others) == 1:
            return f"Optional[{others[0]}]"
        text = "Union[" + ", ".join(map(str, others))
        return text + (", None]" if NONE in self.members else "]")

    def without_none(self) -> "Type":
        return make_union(*(m for m in self.members if m != NONE))


ANY = AnyType()
# The type of a local assigned None, until an assignment of another type
# joins it (`best = None` ... `best = x`: Optional[int]): a union of None
# alone, so that code using it before that assignment is built dispatches
# at run time instead of failing to compile, as the rebuild types it.
NONE_SO_FAR = UnionType((NONE,))


def is_any(t: "Type") -> bool:
    """Is t held as an Any (Any itself, or a union)?"""
    return isinstance(t, AnyType)
EXCEPTION = ExceptionValueType()
EXCEPTION_CLASS = ExceptionClassType()
STR = StrType()
BYTES = BytesType()
BYTEARRAY = BytearrayType()


@dataclass(frozen=True)
class ListType(ObjectType):
    item: Type

    def __post_init__(self) -> None:
        object.__setattr__(self, "item", _storable(self.item))

    def __str__(self) -> str:
        return f"List[{self.item}]"


@dataclass(frozen=True)
class DictType(ObjectType):
    key: Type
    value: Type

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", _storable(self.key))
        object.__setattr__(self, "value", _storable(self.value))

    def __str__(self) -> str:
        return f"Dict[{self.key}, {self.value}]"


# The dict subclasses of `collections` (a runtime dict marked with its
# flavour, libruntime collections.h): every dict operation applies to them;
# pyjitx/frontend/stdlib_collections.py adds what they change.  A
# defaultdict's factory is part of its type where the code that made it
# is compiled (so that a missing key calls it there), else None: the
# runtime's own, from an annotation.


@dataclass(frozen=True)
class CounterType(DictType):
    def __str__(self) -> str:
        if self.value == INT:
            return f"Counter[{self.key}]"
        return f"Counter[{self.key}, {self.value}]"


@dataclass(frozen=True)
class OrderedDictType(DictType):
    def __str__(self) -> str:
        return f"OrderedDict[{self.key}, {self.value}]"


@dataclass(frozen=True)
class DefaultDictType(DictType):
    # what a missing key calls: a built-in's name ("list", "int", "Counter"
    # ...), a FunctionRefType, a ClassType; None: the runtime's factory
    factory: object = None

    def __str__(self) -> str:
        return f"DefaultDict[{self.key}, {self.value}]"


def dict_like(t: "DictType", key: "Type", value: "Type") -> "DictType":
    """A dict type of t's flavour (Counter, OrderedDict, defaultdict with
    its factory) with other item types."""
    if isinstance(t, DefaultDictType):
        return DefaultDictType(key, value, t.factory)
    return type(t)(key, value)


@dataclass(frozen=True)
class SetType(ObjectType):
    item: Type

    def __post_init__(self) -> None:
        object.__setattr__(self, "item", _storable(self.item))

    def __str__(self) -> str:
        return f"Set[{self.item}]"


@dataclass(frozen=True)
class DequeType(ObjectType):
    """collections.deque: a runtime list of its own type id whose items
    start inside its buffer (libruntime collections.h); reads see it as a
    list of its items, writes go through the deque's own operations."""

    item: Type

    def __post_init__(self) -> None:
        object.__setattr__(self, "item", _storable(self.item))

    def __str__(self) -> str:
        return f"Deque[{self.item}]"


@dataclass(frozen=True)
class TupleType(ObjectType):
    items: Tuple[Type, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(_storable(t) for t in self.items))

    def __str__(self) -> str:
        if not self.items:
            return "Tuple[()]"
        return "Tuple[" + ", ".join(map(str, self.items)) + "]"


@dataclass(frozen=True)
class NamedTupleType(TupleType):
    """An instance of a typing.NamedTuple or collections.namedtuple class:
    a tuple (every tuple operation applies; slicing or adding gives a plain
    tuple, as in Python) whose class gives its fields names, its repr and
    its Python type at the boundary (pyjitx.frontend.namedtuples)."""

    name: str = ""  # __qualname__
    key: int = 0    # stable across processes (frontend.classes.class_id's formula)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class OptionalType(ObjectType):
    """Optional[T] for an object type T: the pointer, NULL meaning None."""

    item: Type

    def __post_init__(self) -> None:
        _storable(self.item)  # (refuses a bytearray)

    def __str__(self) -> str:
        return f"Optional[{self.item}]"


@dataclass(frozen=True)
class VarTupleType(ObjectType):
    """Tuple[T, ...]: a tuple of any length whose items are all T."""

    item: Type

    def __post_init__(self) -> None:
        object.__setattr__(self, "item", _storable(self.item))

    def __str__(self) -> str:
        return f"Tuple[{self.item}, ...]"


@dataclass(frozen=True)
class ClassType(ObjectType):
    """An instance of a compiled user class (object.h's pjx_instance).  The
    layout lives in the IR module (ops.ClassLayout); the type names the
    class and its chain of compiled bases, so that types alone decide
    subclassing."""

    name: str      # __qualname__
    class_id: int  # stable across processes (pyjitx.frontend.classes.class_id)
    base: Optional["ClassType"] = None

    def __str__(self) -> str:
        return self.name

    def is_subclass_of(self, other: "ClassType") -> bool:
        t: Optional[ClassType] = self
        while t is not None:
            if t.class_id == other.class_id:
                return True
            t = t.base
        return False


@dataclass(frozen=True)
class EnumType(Type):
    """A member of a user enum.Enum class (Enum, IntEnum, StrEnum, Flag,
    IntFlag), held as its value -- an int or a str -- since a member is the
    one member of its class with that value (pyjitx.frontend.enums).  The
    class decides what the value means: `==`, ordering, truth, repr."""

    name: str   # __qualname__
    key: int    # stable across processes (frontend.classes.class_id's formula)
    value: Type  # INT or STR, the type of every member's value

    def __str__(self) -> str:
        return self.name

    @property
    def is_refcounted(self) -> bool:
        return self.value.is_refcounted


@dataclass(frozen=True)
class FunctionRefType(Type):
    """A function as a value, known at compile time (a module-level function,
    a nested function or a lambda): zero-size at run time; calls expand or
    call the named function (pyjitx.frontend.closures).  `key` names it
    uniquely in the process; in a container slot it is stored as its key,
    like a FunctionSetType."""

    name: str
    key: int

    def __str__(self) -> str:
        return f"function {self.name}"


@dataclass(frozen=True)
class LazyIterType(FunctionRefType):
    """A generator call given as an argument to a generator that the
    standard library's stand-ins (itertools: islice(gen(), 5)) expand
    inline: not a value at run time (zero-size, as a function value), the
    call it names is expanded where the stand-in iterates its parameter
    (pyjitx.frontend.generators.LazyIterable, by `key`)."""

    def __str__(self) -> str:
        return f"generator {self.name}(...)"


# dtypes of NDArray, numbered as libruntime/include/pyjitx/ndarray.h's pjx_dtype
DTYPES = ("bool", "uint8", "int8", "int32", "int64", "float16", "float32", "float64")
INT_DTYPES = ("uint8", "int8", "int32", "int64")
FLOAT_DTYPES = ("float16", "float32", "float64")


@dataclass(frozen=True)
class NDArrayType(ObjectType):
    """pyjitx.NDArray: a strided n-dimensional array (ndarray.h) whose dtype
    and number of dimensions are part of the type, so element accesses
    compile to typed loads.  An annotation may leave either open (dtype ""
    or ndim -1): such a parameter is specialised on each call's array."""

    dtype: str
    ndim: int

    def __str__(self) -> str:
        dtype = self.dtype or "?"
        ndim = "?" if self.ndim < 0 else str(self.ndim)
        return f"NDArray[{dtype}, {ndim}]"

    @property
    def is_generic(self) -> bool:
        return self.dtype == "" or self.ndim < 0

    @property
    def dtype_code(self) -> int:
        return DTYPES.index(self.dtype)

    @property
    def element(self) -> "Type":
        """The scalar type an element reads as."""
        if self.dtype == "bool":
            return BOOL
        return FLOAT if self.dtype in FLOAT_DTYPES else INT

    def accepts(self, other: "NDArrayType") -> bool:
        """May an array of type `other` be passed where this is declared?"""
        return ((self.dtype == "" or self.dtype == other.dtype)
                and (self.ndim < 0 or self.ndim == other.ndim))


@dataclass(frozen=True)
class PatternType(ObjectType):
    """A compiled regular expression (re.Pattern; libruntime regex.h).
    `groups` is its number of groups where the compiler knows the pattern
    (-1 where values of several patterns meet), which decides the types
    of findall() and groups()."""

    is_bytes: bool
    groups: int = -1

    def __str__(self) -> str:
        return f"re.Pattern[{'bytes' if self.is_bytes else 'str'}]"

    @property
    def text(self) -> "Type":
        return BYTES if self.is_bytes else STR


@dataclass(frozen=True)
class MatchType(ObjectType):
    """A successful match (re.Match), of a PatternType's pattern."""

    is_bytes: bool
    groups: int = -1

    def __str__(self) -> str:
        return f"re.Match[{'bytes' if self.is_bytes else 'str'}]"

    @property
    def text(self) -> "Type":
        return BYTES if self.is_bytes else STR


@dataclass(frozen=True)
class FunctionSetType(Type):
    """One of several functions, chosen at run time (a list of lambdas, a
    function picked by an if/else): an i64 holding the chosen member's key.
    Keys rather than indices, so that a value (or a container of values) of
    a smaller set is also one of any superset without conversion.  A call
    switches on the key and expands each member (pyjitx.frontend.closures)."""

    members: Tuple[FunctionRefType, ...]  # sorted by (name, key), no duplicates

    def __str__(self) -> str:
        return "function " + "|".join(m.name for m in self.members)


FunctionType = (FunctionRefType, FunctionSetType)


def function_set(*types: Type) -> FunctionSetType:
    """The set of the functions named by refs and sets."""
    members = set()
    for t in types:
        members.update(t.members if isinstance(t, FunctionSetType) else (t,))
    return FunctionSetType(tuple(sorted(members, key=lambda m: (m.name, m.key))))


def _storable(t: Type) -> Type:
    """A container item type: a function value is held as its key, so the
    item type of a function is the set of it (see FunctionSetType).  A
    bytearray is no item type: it is held as a list of ints, which the
    container's printing, hashing and Any conversions would take it for."""
    if t == BYTEARRAY:
        from ..errors import CompileError

        raise CompileError("a bytearray inside a container (list, tuple, dict, set, Optional) is "
                           "not supported in compiled code",
                           hint="keep bytearrays in locals, parameters and results; convert with "
                                "bytes(ba) to store one")
    return function_set(t) if isinstance(t, FunctionRefType) else t


def holds_functions(t: Type) -> bool:
    """Is t a function type, or a container that may hold function values?"""
    if isinstance(t, FunctionType):
        return True
    return any(holds_functions(part) for part in _parts(t))


def function_members(t: Type) -> Tuple[FunctionRefType, ...]:
    """Every function a value of type t may be or hold."""
    if isinstance(t, FunctionRefType):
        return (t,)
    if isinstance(t, FunctionSetType):
        return t.members
    return tuple(m for part in _parts(t) for m in function_members(part))


def _parts(t: Type) -> Tuple[Type, ...]:
    if isinstance(t, (ListType, SetType, VarTupleType, OptionalType, DequeType)):
        return (t.item,)
    if isinstance(t, DictType):
        return (t.key, t.value)
    if isinstance(t, TupleType):
        return t.items
    return ()


# Slot kinds of container items (pjx_kind in object.h).
KIND_INT, KIND_FLOAT, KIND_BOOL, KIND_NONE, KIND_OBJ = range(5)


def slot_kind(t: Type) -> int:
    """How a value of type t is stored in an 8-byte container slot."""
    if isinstance(t, EnumType):
        t = t.value  # a member is stored as its value
    if t == INT:
        return KIND_INT
    if t == FLOAT:
        return KIND_FLOAT
    if t == BOOL:
        return KIND_BOOL
    if t == NONE:
        return KIND_NONE
    if isinstance(t, FunctionType):
        return KIND_INT  # its key
    return KIND_OBJ


def _union_members(t: Type) -> Tuple[Type, ...]:
    if isinstance(t, UnionType):
        return t.members
    if isinstance(t, OptionalType):
        return (t.item, NONE)
    return (t,)


def make_union(*types: Type) -> Optional[Type]:
    """The type of a value that may be any of `types`: the one type if they
    are one, Optional[T] (a nullable pointer) for one object type and None,
    Any if one of them is Any, else a UnionType; None where a member cannot
    be held in an Any (a function value, an unknown item type)."""
    members: list = []
    for t in types:
        for m in _union_members(t):
            if m == UNKNOWN or isinstance(m, (FunctionRefType, FunctionSetType)) or m == INT_ARRAY:
                return None
            if m not in members:
                members.append(m)
    if not members:
        return None
    if any(m == ANY for m in members):
        return ANY
    if len(members) == 1:
        return members[0]
    others = [m for m in members if m != NONE]
    if len(others) == 1 and others[0].is_refcounted:
        return OptionalType(others[0])
    if BYTEARRAY in members:  # (a union is held as an Any, which would take it for a list)
        return None
    members.sort(key=lambda m: (m == NONE, str(m)))
    return UnionType(tuple(members))


def same_representation(a: Type, b: Type) -> bool:
    """Are a and b held alike, differing only in Any against unions (both
    boxed pointers whose reads are checked), also as container items?
    A List[Union[int, str]] may then be seen as a List[Any]."""
    if a == b or (is_any(a) and is_any(b)):
        return True
    if isinstance(a, NamedTupleType) and type(b) is TupleType and a.items == b.items:
        return True  # a named tuple seen as the plain tuple it is (not the other way)
    if type(a) is not type(b) or not isinstance(a, (ListType, SetType, DictType, TupleType,
                                                    VarTupleType, OptionalType, DequeType)):
        return False
    if isinstance(a, DefaultDictType) and a.factory != b.factory:
        return False
    parts_a, parts_b = _parts(a), _parts(b)
    return len(parts_a) == len(parts_b) and all(
        same_representation(x, y) for x, y in zip(parts_a, parts_b))


def join(a: Type, b: Type) -> Optional[Type]:
    """Where Python lets one name hold either (a local assigned both, a
    function returning both, `x if c else y`): unify's type where there is
    one, else their union."""
    return unify(a, b) or make_union(a, b)


def assignable(value: Type, to: Type) -> bool:
    """May a value of type `value` be stored where `to` is declared, as
    Python code does: `to` itself or what unify widens into it, None or the
    item (or an instance of a subclass of it) into an Optional, an instance
    of a subclass as its base class."""
    if value == to or unify(value, to) == to:
        return True
    if isinstance(to, OptionalType):
        inner = value.item if isinstance(value, OptionalType) else value
        return value == NONE or assignable(inner, to.item)
    if isinstance(to, ClassType) and isinstance(value, ClassType):
        return value.is_subclass_of(to)
    return False


def unify(a: Type, b: Type) -> Optional[Type]:
    """The type that holds values of both `a` and `b`, or None if there is
    none.  int and float unify to float: the values compare equal.  An
    unknown item type (of an empty literal) takes the other's."""
    if a == b:
        return a
    if isinstance(a, FunctionType) and isinstance(b, FunctionType):
        return function_set(a, b)  # one of them, chosen at run time
    if ANY in (a, b) and UNKNOWN not in (a, b):
        return ANY  # Any holds every value
    for x, y in ((a, b), (b, a)):  # a union holds its members (and smaller unions)
        if isinstance(x, UnionType) and all(m in x.members for m in _union_members(y)):
            return x
    if a == UNKNOWN:
        return b
    if b == UNKNOWN:
        return a
    if {a, b} == {INT, FLOAT}:
        return FLOAT
    # None joins an object type as Optional
    for x, y in ((a, b), (b, a)):
        if x == NONE and y.is_refcounted:
            return y if isinstance(y, OptionalType) else OptionalType(y)
        if isinstance(x, OptionalType) and (y == x.item):
            return x
    for x, y in ((a, b), (b, a)):  # a named tuple joins a plain one as the plain tuple
        if isinstance(x, NamedTupleType) and type(y) is TupleType and x.items == y.items:
            return y
    for x, y in ((a, b), (b, a)):  # a fixed tuple of T joins Tuple[T, ...]
        if isinstance(x, VarTupleType) and isinstance(y, TupleType) and all(
                i == x.item for i in y.items):
            return x
    if isinstance(a, (PatternType, MatchType)) and type(a) is type(b) and a.is_bytes == b.is_bytes:
        return type(a)(a.is_bytes, -1)  # patterns of different shapes: known at run time
    if isinstance(a, ClassType) and isinstance(b, ClassType):
        common: Optional[ClassType] = a  # the nearest common compiled base
        while common is not None and not b.is_subclass_of(common):
            common = common.base
        return common
    if type(a) is type(b) and isinstance(a, (ListType, SetType, DictType, DequeType)):
        if has_unknown(a) and not has_unknown(b):
            return b
        if has_unknown(b) and not has_unknown(a):
            return a
        if has_unknown(a) and has_unknown(b) and not (
                isinstance(a, DefaultDictType) and a.factory != b.factory):
            # both partly learned (a defaultdict's key from one use, its
            # values' items from another): what each knows
            parts = [unify(x, y) for x, y in zip(_parts(a), _parts(b))]
            if all(p is not None for p in parts):
                return dict_like(a, *parts) if isinstance(a, DictType) else type(a)(parts[0])
    if holds_functions(a) and holds_functions(b):
        return _join_function_sets(a, b)
    return None


def _join_function_sets(a: Type, b: Type) -> Optional[Type]:
    """Two containers that differ only in the sets of functions they hold:
    the container holding either (its items are keys: the same values)."""
    if isinstance(a, FunctionType) and isinstance(b, FunctionType):
        return function_set(a, b)
    if a == b:
        return a
    if type(a) is not type(b) or not isinstance(a, (ListType, SetType, DictType, TupleType,
                                                     VarTupleType)):
        return None
    parts_a, parts_b = _parts(a), _parts(b)
    if len(parts_a) != len(parts_b):
        return None
    joined = [_join_function_sets(x, y) for x, y in zip(parts_a, parts_b)]
    if any(j is None for j in joined):
        return None
    if isinstance(a, DictType):
        return DictType(joined[0], joined[1])
    if isinstance(a, TupleType):
        return TupleType(tuple(joined))
    return type(a)(joined[0])


def has_unknown(t: Type) -> bool:
    if t == UNKNOWN:
        return True
    if isinstance(t, (ListType, SetType, VarTupleType, DequeType)):
        return has_unknown(t.item)
    if isinstance(t, DictType):
        return has_unknown(t.key) or has_unknown(t.value)
    if isinstance(t, TupleType):
        return any(has_unknown(i) for i in t.items)
    return False


def has_open_array(t: Type) -> bool:
    """Does t mention an NDArray whose dtype or rank is left open?"""
    if isinstance(t, NDArrayType):
        return t.is_generic
    if isinstance(t, (ListType, SetType, VarTupleType, OptionalType, DequeType)):
        return has_open_array(t.item)
    if isinstance(t, DictType):
        return has_open_array(t.key) or has_open_array(t.value)
    if isinstance(t, TupleType):
        return any(has_open_array(i) for i in t.items)
    return False


def arithmetic_result(a: Type, b: Type) -> Optional[Type]:
    """The type of a binary arithmetic operation's operands after Python's
    numeric promotion (bool -> int -> float)."""
    if not (a.is_numeric and b.is_numeric):
        return None
    if FLOAT in (a, b):
        return FLOAT
    return INT


def with_article(t: Type) -> str:
    """'an int', 'a float', 'None': for error messages."""
    name = str(t)
    if t == NONE:
        return "None"
    if t == ANY:
        return "an Any"
    # ("an NDArray": said en-dee; "a Union": said yoo)
    vowel = name[0] in "aeiouAEIOU" and not name.startswith(("Union", "uni"))
    return f"an {name}" if vowel or name.startswith("ND") else f"a {name}"
