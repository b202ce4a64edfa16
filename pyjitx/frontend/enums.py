"""enum.Enum classes in compiled code: Enum, IntEnum, StrEnum, Flag,
IntFlag and their subclasses, with int or str values (auto() included).

A member is held as its value (types.EnumType): it is the one member of
its class with that value, so the value says which it is, and the boundary
turns it back into that very member object (E descriptors, _convert.c).
What depends on the class -- repr, str, format, name, and ~ of a flag --
is asked of CPython at compile time, for every value compiled code may
hold: the members, and for a Flag the values `|`, `&`, `^` and `~` make of
them.  So the text is the running interpreter's to the character, across
the versions that changed it (IntEnum's str in 3.11, flags' names and
reprs in 3.11 and 3.12).

Comparisons follow the class: members of a class with an int or str mixin
(IntEnum, IntFlag, StrEnum, `class C(str, Enum)`) compare, order, hash and
compute as their values; other members equal only themselves and do not
order (TypeError, as CPython raises).  Members cannot go into an Any or a
union: there they would be their bare values."""
from __future__ import annotations

import ast
import enum
import operator
import types
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ..errors import CompileError
from ..ir import ops
from ..ir.types import (BOOL, FLOAT, INT, NONE, STR, EnumType, OptionalType, Type, is_any,
                        with_article)
from .stdclasses import (NOT_MINE, class_key, is_enum_class, raise_now, raise_unless, retype,
                         select)

if TYPE_CHECKING:
    from .builder import FunctionBuilder

# A Flag whose members combine into more values than this is refused: each
# value's text is a case of the code that prints one.
MAX_FLAG_VALUES = 512

_INFOS: Dict[type, "EnumInfo"] = {}
_BY_KEY: Dict[int, "EnumInfo"] = {}

_ANY_HINT = ("keep members in typed containers (List[Color], Dict[str, Color]) or hold their "
             ".value")


class EnumInfo:
    """What compiled code knows of one enum class."""

    def __init__(self, cls: type) -> None:
        self.cls = cls
        members = list(cls.__members__.values())  # (aliases included: the same objects)
        if not members:
            raise CompileError(f"enum {cls.__qualname__} has no members",
                               hint="compiled code uses enum classes that define members")
        values = [m._value_ for m in members]
        if all(type(v) is int for v in values):
            value_type: Type = INT
            if not all(-2**63 <= v < 2**63 for v in values):
                raise CompileError(f"enum {cls.__qualname__}: a member's value does not fit in "
                                   "64 bits", hint="compiled ints are 64-bit")
        elif all(type(v) is str for v in values):
            value_type = STR
        else:
            kinds = sorted({type(v).__name__ for v in values})
            raise CompileError(f"enum {cls.__qualname__} has values of type "
                               f"{', '.join(kinds)}; compiled code takes enums whose values are "
                               "all ints or all strs",
                               hint="give the members int or str values (auto() makes ints)")
        self.flag = issubclass(cls, enum.Flag)
        # int or str mixed in (IntEnum, IntFlag, StrEnum, `class C(str, Enum)`):
        # members are their values for ==, <, arithmetic and hashing
        self.mixin = cls._member_type_ is not object
        self.canonical = list(cls)  # what iterating the class gives
        self.by_value: Dict[Any, Any] = (_flag_values(cls) if self.flag
                                         else dict(cls._value2member_map_))
        if value_type == STR:
            for v in self.by_value:
                try:
                    v.encode("utf-8")
                except UnicodeEncodeError:
                    raise CompileError(f"enum {cls.__qualname__}: the value {v!r} has no UTF-8 "
                                       "form", hint="compiled strs are UTF-8") from None
        self.type = EnumType(cls.__qualname__, class_key(cls), value_type)
        self._texts: Dict[Any, List[Tuple[Any, Any]]] = {}
        from .. import _ext

        _ext.register_boundary_class(self.type.key, cls, dict(self.by_value))

    @property
    def name(self) -> str:
        return self.cls.__name__

    def texts(self, what: Any) -> List[Tuple[Any, Any]]:
        """(value, CPython's result) for every value: what is "repr", "str",
        "name" or ("format", spec); a result is an exception where CPython
        raised one."""
        known = self._texts.get(what)
        if known is None:
            known = []
            for value, member in self.by_value.items():
                try:
                    if what == "name":
                        result = member.name
                    elif isinstance(what, tuple):
                        result = format(member, what[1])
                    else:
                        result = (repr if what == "repr" else str)(member)
                except Exception as exc:  # noqa: BLE001 - raised at run time instead
                    result = exc
                known.append((value, result))
            self._texts[what] = known
        return known


def _flag_values(cls: type) -> Dict[Any, Any]:
    """Every value a Flag's members make with |, &, ^ and ~ (CPython's ~,
    which 3.10 and 3.11 define differently), as {value: member}."""
    by_value = dict(cls._value2member_map_)
    while True:
        values = set(by_value)
        grown = True
        while grown:  # close the ints under | & ^
            grown = False
            for a in list(values):
                for b_ in list(values):
                    for op in (operator.or_, operator.and_, operator.xor):
                        v = op(a, b_)
                        if v not in values:
                            values.add(v)
                            grown = True
            if len(values) > MAX_FLAG_VALUES:
                raise _too_many(cls)
        for v in values:
            if v not in by_value:
                by_value[v] = cls(v)
        inverted = {(~member)._value_: ~member for member in by_value.values()}
        new = {v: m for v, m in inverted.items() if v not in by_value}
        if not new:
            return by_value
        by_value.update(new)
        if len(by_value) > MAX_FLAG_VALUES:
            raise _too_many(cls)


def _too_many(cls: type) -> CompileError:
    return CompileError(f"flag {cls.__qualname__} combines into more than {MAX_FLAG_VALUES} "
                        "values, more than compiled code tells apart",
                        hint="split it into smaller flags, or hold the combinations as ints")


def enum_info(cls: type) -> EnumInfo:
    info = _INFOS.get(cls)
    if info is None:
        info = EnumInfo(cls)
        _INFOS[cls] = info
        _BY_KEY[info.type.key] = info
    return info


def located_info(b: "FunctionBuilder", cls: type, node: ast.AST) -> EnumInfo:
    """enum_info(cls), whose refusal points at the use of the class."""
    try:
        return enum_info(cls)
    except CompileError as exc:
        if exc.location is not None:
            raise
        raise b.error(node, exc.message, exc.hint) from None


def info_of(t: EnumType) -> EnumInfo:
    return _BY_KEY[t.key]


def member_constant(member: enum.Enum) -> Optional[ops.Constant]:
    try:
        info = enum_info(type(member))
    except CompileError:
        return None  # (the use reports that it cannot be a value)
    return ops.Constant(info.type, member._value_)


def value_of(b: "FunctionBuilder", member: ops.Value) -> ops.Value:
    """A member's value (int or str)."""
    assert isinstance(member.type, EnumType)
    return retype(b, member, member.type.value)


def _cases(b: "FunctionBuilder", info: EnumInfo, what: Any, node: ast.AST,
           wrap_optional: bool = False) -> List[tuple]:
    cases = []
    for value, result in info.texts(what):
        if isinstance(result, Exception):
            raise b.error(node, f"{what if isinstance(what, str) else 'format'}() of a "
                          f"{info.name} member raises {type(result).__name__}: {result}")
        if wrap_optional:
            constant: ops.Value = (ops.Constant(OptionalType(STR), None) if result is None else
                                   b.emit(ops.OptionalOp("wrap", ops.Constant(STR, result),
                                                         OptionalType(STR))))
        else:
            constant = ops.Constant(STR, result)
        cases.append((value, constant))
    return cases


def _table(b: "FunctionBuilder", member: ops.Value, cases: List[tuple]) -> ops.Value:
    """The result of the case of the member's value (every value has one)."""
    if isinstance(member, ops.Constant):
        return next(r for v, r in cases if v == member.value)
    return select(b, value_of(b, member), cases[:-1], cases[-1][1])


def text(b: "FunctionBuilder", member: ops.Value, node: ast.AST, what: Any) -> ops.Value:
    """repr(member), str(member) or format(member, spec) (what = ("format", spec))."""
    info = info_of(member.type)  # type: ignore[arg-type]
    return _table(b, member, _cases(b, info, what, node))


def format_member(b: "FunctionBuilder", member: ops.Value, spec: ops.Value,
                  node: ast.AST) -> ops.Value:
    """format(member, spec): CPython's for a spec known at compile time; an
    int mixin's value formatted for one known only at run time."""
    info = info_of(member.type)  # type: ignore[arg-type]
    if isinstance(spec, ops.Constant):
        return text(b, member, node, ("format", spec.value))
    if info.mixin and info.type.value == INT and not info.flag:
        from .strings import format_value

        return format_value(b, value_of(b, member), spec, node)
    raise b.error(node, f"formatting a {info.name} member with a format spec made at run time "
                  "is not supported", hint="write the format spec in the f-string or format() "
                  "call itself")


# ------------------------------------------------------------ attributes


def resolve_attribute(b: "FunctionBuilder", base: Any, node: ast.Attribute) -> Any:
    """Color.RED (the member), Color.RED.value, Color.RED.describe (a bound
    method); NOT_MINE where compiled code must compute it."""
    if isinstance(base, enum.Enum):
        if node.attr in ("value", "_value_", "name", "_name_") or \
                isinstance(getattr(type(base), node.attr, None), types.FunctionType):
            return getattr(base, node.attr)
        return NOT_MINE
    cls = base
    located_info(b, cls, node)
    if node.attr in cls.__members__:
        return cls.__members__[node.attr]
    if not hasattr(cls, node.attr):
        raise b.error(node, f"type object '{cls.__name__}' has no attribute '{node.attr}'")
    return getattr(cls, node.attr)


def member_attribute(b: "FunctionBuilder", member: enum.Enum, node: ast.Attribute) -> ops.Value:
    """`Color.RED.label` where label is a property: the member's attribute
    computed by compiled code (not read from the member at compile time)."""
    constant = member_constant(member)
    if constant is None:
        enum_info(type(member))  # (reports why)
    return attribute(b, constant, node)


def attribute(b: "FunctionBuilder", member: ops.Value, node: ast.Attribute) -> ops.Value:
    info = info_of(member.type)  # type: ignore[arg-type]
    name = node.attr
    if name in ("value", "_value_"):
        return value_of(b, member)
    if name in ("name", "_name_"):
        optional = any(r is None for _, r in info.texts("name"))
        return _table(b, member, _cases(b, info, "name", node, wrap_optional=optional))
    found = getattr(info.cls, name, None)
    if isinstance(found, property) and isinstance(found.fget, types.FunctionType):
        from .calls import call_compiled

        return call_compiled(b, node, found.fget, [member])
    raise b.error(node, f"'{info.name}' member has no attribute '{name}' in compiled code",
                  hint="compiled code reads a member's value and name, and the properties "
                       "its class defines")


def method_call(b: "FunctionBuilder", member: ops.Value, name: str, node: ast.Call) -> ops.Value:
    """member.method(...) of a method the enum class defines."""
    info = info_of(member.type)  # type: ignore[arg-type]
    found = info.cls.__dict__.get(name)
    if not isinstance(found, types.FunctionType) and info.mixin and info.type.value == STR:
        from .strings import method_call as str_method

        return str_method(b, value_of(b, member), name, node)  # a str's method
    if not isinstance(found, types.FunctionType):
        raise b.error(node.func, f"'{info.name}' member has no method '{name}' in compiled code",
                      hint="compiled code calls the methods the enum class itself defines")
    return _call_method(b, found, member, node)


def _call_method(b: "FunctionBuilder", fn: types.FunctionType, member: ops.Value,
                 node: ast.Call) -> ops.Value:
    from .calls import bind_arguments, call_compiled

    return call_compiled(b, node, fn, [member] + bind_arguments(b, node, fn, skip_first=True))


# ------------------------------------------------------------ the class


def call(b: "FunctionBuilder", node: ast.Call, target: Any) -> Optional[ops.Value]:
    """len(Color), Color.RED.describe(...)."""
    import builtins

    if isinstance(target, types.MethodType) and isinstance(target.__self__, enum.Enum):
        constant = member_constant(target.__self__)
        if constant is not None and isinstance(target.__func__, types.FunctionType):
            return _call_method(b, target.__func__, constant, node)
        return None
    if target is builtins.len and len(node.args) == 1 and not node.keywords:
        from .stdclasses import named_class

        cls = named_class(b, node.args[0])
        if is_enum_class(cls):
            return ops.Constant(INT, len(located_info(b, cls, node.args[0]).canonical))
    return None


def lookup(b: "FunctionBuilder", node: ast.Call, cls: type) -> ops.Value:
    """Color(value): the member with that value; ValueError, as CPython's,
    for a value no member has."""
    info = located_info(b, cls, node)
    if len(node.args) != 1 or node.keywords:
        raise b.error(node, f"{cls.__name__}() takes one value here",
                      hint="look a member up by its value, or by its name with Color['NAME']")
    value = b.expr.value(node.args[0])
    if value.type == info.type:
        return value
    if isinstance(value, ops.Constant) and not isinstance(value.type, EnumType):
        try:
            member = cls(value.value)
        except Exception as exc:  # noqa: BLE001 - CPython's error, raised at run time
            raise_now(b, type(exc), ops.Constant(STR, str(exc)), node)
            return ops.Constant(info.type, next(iter(info.by_value)))
        return ops.Constant(info.type, member._value_)
    _check_plain_lookup(b, info, node)
    wanted = info.type.value
    if value.type == BOOL and wanted == INT:
        value = b.expr.coerce(value, INT, node)
    if value.type != wanted:
        raise b.error(node.args[0], f"{cls.__name__}() takes {with_article(wanted)} value "
                      f"here, not {with_article(value.type)}")
    cases = [(v, ops.Constant(BOOL, True)) for v in info.by_value]
    found = select(b, value, cases, ops.Constant(BOOL, False))

    def message() -> ops.Value:
        from .strings import emit_prim, to_repr
        from ..ir import primitives as prims

        return emit_prim(b, prims.STR_CONCAT, [to_repr(b, value, node), ops.Constant(
            STR, f" is not a valid {cls.__qualname__}")], node)

    raise_unless(b, found, ValueError, message, node)
    return retype(b, value, info.type)


def _check_plain_lookup(b: "FunctionBuilder", info: EnumInfo, node: ast.AST) -> None:
    if info.flag:
        raise b.error(node, f"looking up a member of flag {info.name} by a value computed at "
                      "run time is not supported",
                      hint="combine members with | and &, or look up by a constant value")
    missing = getattr(info.cls._missing_, "__func__", None)
    if missing is not getattr(enum.Enum._missing_, "__func__", None):
        raise b.error(node, f"{info.name} defines _missing_, which compiled code does not run",
                      hint="look up by a constant value (CPython runs _missing_ as the code is "
                           "compiled), or test the values before the lookup")


def getitem(b: "FunctionBuilder", cls: type, node: ast.Subscript) -> ops.Value:
    """Color["RED"]: the member of that name (aliases too); KeyError else."""
    info = located_info(b, cls, node)
    key = b.expr.value(node.slice)
    if key.type != STR:
        raise b.error(node.slice, f"{cls.__name__}[...] takes a member's name (a str), not "
                      f"{with_article(key.type)}")
    if isinstance(key, ops.Constant):
        if key.value in cls.__members__:
            return ops.Constant(info.type, cls.__members__[key.value]._value_)
        raise_now(b, KeyError, ops.Constant(STR, repr(key.value)), node)
        return ops.Constant(info.type, next(iter(info.by_value)))
    names = list(cls.__members__.items())
    found = select(b, key, [(n, ops.Constant(BOOL, True)) for n, _ in names],
                   ops.Constant(BOOL, False))

    def message() -> ops.Value:
        from .strings import to_repr

        return to_repr(b, key, node)  # (a KeyError's message is its key's repr)

    raise_unless(b, found, KeyError, message, node)
    results = [(n, ops.Constant(info.type, m._value_)) for n, m in names]
    return select(b, key, results[:-1], results[-1][1])


def members_list(b: "FunctionBuilder", cls: type, node: ast.AST) -> ops.Value:
    """The class iterated: its members in definition order (aliases, and a
    Flag's multi-bit members where CPython skips them, left out)."""
    from .containers import append, new_list

    info = located_info(b, cls, node)
    result = new_list(b, info.type, node, len(info.canonical))
    for member in info.canonical:
        append(b, result, ops.Constant(info.type, member._value_), node)
    return result


def class_contains(b: "FunctionBuilder", item: ops.Value, cls: type, node: ast.AST) -> ops.Value:
    """`x in Color`: a member of the class is in it; a value is when a
    member has it (Python 3.12; 3.11 raises TypeError for a non-member)."""
    from ..ir import cpython

    info = located_info(b, cls, node)
    if item.type == info.type:
        return ops.Constant(BOOL, True)
    if isinstance(item.type, EnumType):
        return ops.Constant(BOOL, issubclass(info_of(item.type).cls, cls))
    if cpython.VERSION < (3, 12):
        raise_now(b, TypeError, ops.Constant(STR, f"unsupported operand type(s) for 'in': "
                                                  f"'{_python_type_name(item.type)}' and "
                                                  f"'{type(cls).__name__}'"), node)
        return ops.Constant(BOOL, False)
    if item.type == BOOL and info.type.value == INT:
        item = b.expr.coerce(item, INT, node)
    if item.type != info.type.value:
        return ops.Constant(BOOL, False)
    return select(b, item, [(v, ops.Constant(BOOL, True)) for v in info.by_value
                            if v in cls._value2member_map_], ops.Constant(BOOL, False))


def isinstance_answer(value_type: Type, cls: Any) -> Optional[bool]:
    """isinstance(x, cls) decided by x's static type, where one of them is
    an enum (None: not such a test)."""
    if isinstance(value_type, EnumType):
        info = info_of(value_type)
        return isinstance(cls, type) and issubclass(info.cls, cls)
    if is_enum_class(cls) and not is_any(value_type):
        return False
    return None


# ------------------------------------------------------------ operators


def _python_type_name(t: Type) -> str:
    if isinstance(t, EnumType):
        return info_of(t).name
    return {INT: "int", FLOAT: "float", BOOL: "bool", STR: "str", NONE: "NoneType"}.get(t, str(t))


def decay(b: "FunctionBuilder", value: ops.Value) -> ops.Value:
    """A mixin member as its value (an IntEnum is an int); others unchanged."""
    if isinstance(value.type, EnumType) and info_of(value.type).mixin:
        return value_of(b, value)
    return value


def compare(b: "FunctionBuilder", op_node: ast.cmpop, left: ops.Value, right: ops.Value,
            node: ast.AST) -> Optional[ops.Value]:
    """A comparison with a member on one side (None: `in`, decided by the
    container)."""
    if isinstance(op_node, (ast.In, ast.NotIn)):
        return _flag_contains(b, op_node, left, right, node)
    lt, rt = left.type, right.type
    if isinstance(op_node, (ast.Is, ast.IsNot)):
        same = isinstance(lt, EnumType) and lt == rt
        if same:
            result = b.emit(ops.Compare("eq", value_of(b, left), value_of(b, right))) \
                if lt.value == INT else _equal_values(b, left, right, node)
        else:
            result = ops.Constant(BOOL, False)
        return result if isinstance(op_node, ast.Is) else _negate(b, result)
    symbol = {ast.Eq: "eq", ast.NotEq: "ne", ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt",
              ast.GtE: "ge"}[type(op_node)]
    decayed_left, decayed_right = decay(b, left), decay(b, right)
    if not isinstance(decayed_left.type, EnumType) and not isinstance(decayed_right.type, EnumType):
        return b.expr.compare(op_node, decayed_left, decayed_right, node)  # as their values
    if symbol in ("eq", "ne"):
        if lt == rt:
            result = _equal_values(b, left, right, node)
        else:
            result = ops.Constant(BOOL, False)  # a member equals only itself
        return result if symbol == "eq" else _negate(b, result)
    text = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}[symbol]
    raise_now(b, TypeError, ops.Constant(STR, f"'{text}' not supported between instances of "
                                              f"'{_python_type_name(lt)}' and "
                                              f"'{_python_type_name(rt)}'"), node)
    return ops.Constant(BOOL, False)


def check_sortable(b: "FunctionBuilder", items: ops.Value, node: ast.AST) -> None:
    """Sorting a list of members that do not order (an Enum's, a Flag's)
    raises CPython's TypeError once two of them are compared."""
    item = items.type.item  # type: ignore[attr-defined]
    if not isinstance(item, EnumType) or info_of(item).mixin:
        return
    name = info_of(item).name
    n = b.emit(ops.Length(items))
    raise_unless(b, b.emit(ops.Compare("lt", n, ops.Constant(INT, 2))), TypeError,
                 lambda: ops.Constant(STR, f"'<' not supported between instances of '{name}' and "
                                           f"'{name}'"), node)


def _equal_values(b: "FunctionBuilder", left: ops.Value, right: ops.Value,
                  node: ast.AST) -> ops.Value:
    return b.expr.compare(ast.Eq(), value_of(b, left), value_of(b, right), node)


def _negate(b: "FunctionBuilder", value: ops.Value) -> ops.Value:
    if isinstance(value, ops.Constant):
        return ops.Constant(BOOL, not value.value)
    return b.emit(ops.Unary("bool_not", value))


def _flag_contains(b: "FunctionBuilder", op_node: ast.cmpop, item: ops.Value,
                   container: ops.Value, node: ast.AST) -> Optional[ops.Value]:
    """member in flags: all of the member's bits are set."""
    if not isinstance(container.type, EnumType):
        return None
    info = info_of(container.type)
    if not info.flag:
        raise b.error(node, f"argument of type '{info.name}' is not iterable")
    if item.type != container.type:
        raise b.error(node, f"'in' between {with_article(item.type)} and a {info.name} flag",
                      hint=f"test a {info.name} member or combination of members")
    bits = value_of(b, item)
    common = b.emit(ops.IntArith("and", bits, value_of(b, container)))
    result = b.emit(ops.Compare("eq", common, bits))
    return result if isinstance(op_node, ast.In) else _negate(b, result)


def binary(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value,
           node: ast.AST) -> ops.Value:
    """An operator with a member on one side: flags of one class combine
    into a member; a mixin member computes as its value."""
    if left.type == right.type and isinstance(left.type, EnumType) and \
            info_of(left.type).flag and op in ("and", "or", "xor"):
        combined = b.emit(ops.IntArith(op, value_of(b, left), value_of(b, right)))
        return retype(b, combined, left.type)
    for side in (left, right):
        if isinstance(side.type, EnumType):
            info = info_of(side.type)
            if info.flag and info.mixin and op in ("and", "or", "xor"):
                raise b.error(node, f"combining an {info.name} flag with a plain int is not "
                              "supported (CPython keeps the int's extra bits in the flag)",
                              hint=f"combine {info.name} members, or compute on int(flag)")
            if not info.mixin:
                raise b.error(node, f"unsupported operand types for an operator: "
                              f"'{_python_type_name(left.type)}' and "
                              f"'{_python_type_name(right.type)}'")
    return b.expr.binary(_OPERATOR_NODES[op](), decay(b, left), decay(b, right), node)


_OPERATOR_NODES = {
    "add": ast.Add, "sub": ast.Sub, "mul": ast.Mult, "truediv": ast.Div,
    "floordiv": ast.FloorDiv, "mod": ast.Mod, "pow": ast.Pow, "lshift": ast.LShift,
    "rshift": ast.RShift, "and": ast.BitAnd, "or": ast.BitOr, "xor": ast.BitXor,
}


def unary_operand(b: "FunctionBuilder", node: ast.UnaryOp, member: ops.Value) -> ops.Value:
    """-m, +m, ~m: a flag's ~ (CPython's, by value) as a member; a mixin
    member's value for the int operation to take."""
    info = info_of(member.type)  # type: ignore[arg-type]
    if info.flag and isinstance(node.op, ast.Invert):
        cases = [(v, ops.Constant(info.type, (~m)._value_)) for v, m in info.by_value.items()]
        return _table(b, member, cases)
    if not info.mixin:
        raise b.error(node, f"bad operand type for unary operator: '{info.name}'")
    return value_of(b, member)


def hashed_as(b: "FunctionBuilder", value: ops.Value) -> ops.Value:
    """What hash(value) hashes: a member's name (Enum.__hash__), or its
    value where int or str is mixed in; any other value itself."""
    if not isinstance(value.type, EnumType):
        return value
    info = info_of(value.type)
    if info.mixin:
        return value_of(b, value)
    names = info.texts("name")
    if any(name is None for _, name in names):
        return value_of(b, value)  # (3.10's unnamed flag values: Flag.__hash__ is hash(name))
    return _table(b, value, [(v, ops.Constant(STR, name)) for v, name in names])


def truthy(b: "FunctionBuilder", member: ops.Value, node: ast.AST) -> ops.Value:
    """bool(member): a flag or mixin member's value's truth; other members
    are true (unless the class defines __bool__)."""
    info = info_of(member.type)  # type: ignore[arg-type]
    if "__bool__" in info.cls.__dict__:
        raise b.error(node, f"{info.name} defines __bool__, which compiled code does not run "
                      "on members", hint="test the member's value instead")
    if info.flag or info.mixin:
        return b.expr.truthy(value_of(b, member), node)
    return ops.Constant(BOOL, True)


def coerce(b: "FunctionBuilder", value: ops.Value, to: Type, node: ast.AST) -> Optional[ops.Value]:
    """A member where another type is expected: an IntEnum member is an int
    (and converts to float), a str-mixin member a str; no member goes into
    an Any or a union.  None where the generic rules decide."""
    if isinstance(to, EnumType) and is_any(value.type):
        raise b.error(node, f"a {to} member cannot be taken out of an Any or a union here",
                      hint=_ANY_HINT)
    if not isinstance(value.type, EnumType):
        return None
    info = info_of(value.type)
    if is_any(to):
        raise b.error(node, f"a {info.name} member cannot be held in an Any or a union "
                      "(it would become its bare value)", hint=_ANY_HINT)
    if info.mixin and (to in (INT, FLOAT) and value.type.value == INT or
                       to == STR and value.type.value == STR):
        return b.expr.coerce(value_of(b, value), to, node)
    if isinstance(to, OptionalType) and to.item == value.type:
        return None  # (a str enum's Optional: the generic wrap)
    if isinstance(to, EnumType) or not (isinstance(to, OptionalType)):
        raise b.error(node, f"expected {with_article(to)}, got a {info.name} member")
    return None
