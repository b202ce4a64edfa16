"""array.array in compiled code.

An array is held as a list of ints (typecodes b B h H i I l L q Q) or of
floats (f, d) -- libruntime/array.c -- but typed ArrayType(typecode), so
that only array's operations apply to it, with CPython's checks and
messages: each stored int's range ("unsigned byte integer is greater than
maximum", OverflowError), a float into an int array ("'float' object
cannot be interpreted as an integer", TypeError), 'f' rounding to a C
float, "array index out of range".  What only reads it -- len, iteration,
slicing, equality of two arrays -- goes through the list's code on the
same object seen as a list (a cast, no copy), as bytearray does
(bytearrays.py).  The typecode must be a constant: it decides the static
type.  Not supported yet, each a CompileError that names it: the 'u'
typecode, an array crossing into Python (argument, result, or an attribute
read from Python) and an array held in an Any.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import BOOL, BYTES, FLOAT, INT, NONE, STR, UNKNOWN, ArrayType, ListType, with_article
from .containers import new_list, prim

if TYPE_CHECKING:
    from .builder import FunctionBuilder

TYPECODES = "bBhHiIlLqQfd"
_ITEMSIZE = {"b": 1, "B": 1, "h": 2, "H": 2, "i": 4, "I": 4, "l": 8, "L": 8, "q": 8, "Q": 8,
             "f": 4, "d": 8}
HINT = ("supported on an array.array in compiled code: array(typecode), array(typecode, "
        "List[int | float] | bytes); a[i], a[i] = v, a[i:j:k], len, iteration, ==, repr/str; "
        "append, extend, pop, insert, index, count, remove, reverse, tobytes, frombytes, "
        "tolist, itemsize, typecode")


def _code(b: "FunctionBuilder", a: ops.Value) -> ops.Value:
    assert isinstance(a.type, ArrayType)
    return ops.Constant(INT, ord(a.type.typecode))


def items(b: "FunctionBuilder", a: ops.Value, node: ast.AST) -> ops.Value:
    """The array seen as the list it is held as (the same object)."""
    return prim(b, prims.BYTEARRAY_ITEMS, [a], node, ListType(a.type.item))


def _of_items(b: "FunctionBuilder", lst: ops.Value, t: ArrayType, node: ast.AST) -> ops.Value:
    return prim(b, prims.BYTEARRAY_OF_ITEMS, [lst], node, t)


def item_value(b: "FunctionBuilder", t: ArrayType, value: ops.Value, node: ast.AST) -> ops.Value:
    """value as an item of the array (checked: CPython's OverflowError or
    TypeError at run time; a type that is never an item is a CompileError)."""
    if t.item == FLOAT:
        if value.type not in (INT, BOOL, FLOAT):
            raise b.error(node, f"must be real number, not {with_article(value.type)} (an item of "
                          f"{t})", hint="CPython raises TypeError here")
        v = b.expr.coerce(value, FLOAT, node)
        if t.typecode == "f":
            v = prim(b, prims.ARRAY_FLOAT_ITEM, [ops.Constant(INT, ord("f")), v], node)
        return v
    if value.type == FLOAT:  # (CPython's TypeError, at run time, as there)
        b.terminate(ops.Raise("TypeError", "'float' object cannot be interpreted as an integer",
                              b.lineno(node)))
        b.start(b.new_block("after_raise"))
        b.seal(b.block)
        return ops.Constant(INT, 0)
    if value.type not in (INT, BOOL):
        raise b.error(node, f"an item of {t} must be an int, not {with_article(value.type)}",
                      hint="CPython raises TypeError here")
    v = b.expr.coerce(value, INT, node)
    prim(b, prims.ARRAY_CHECK_INT, [ops.Constant(INT, ord(t.typecode)), v], node)
    return v


# ------------------------------------------------------------ construction


def construct(b: "FunctionBuilder", node: ast.Call, _target=None) -> ops.Value:
    """array.array(typecode) and array.array(typecode, initializer)."""
    if node.keywords or not 1 <= len(node.args) <= 2:
        raise b.error(node, "array() takes a typecode and at most one initializer (positional) "
                      "in compiled code", hint=HINT)
    code = node.args[0]
    if not (isinstance(code, ast.Constant) and isinstance(code.value, str)):
        raise b.error(code, "array()'s typecode must be a constant str in compiled code (it "
                      "decides the array's static type)", hint="array.array('d', ...)")
    if code.value == "u":
        raise b.error(code, "array.array('u') (an array of characters) is not supported in "
                      "compiled code", hint="a str, or an array of ints with ord()")
    if len(code.value) != 1 or code.value not in TYPECODES:
        raise b.error(code, "bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)",
                      hint="CPython raises ValueError here")
    t = ArrayType(code.value)
    if len(node.args) == 1:
        return _of_items(b, new_list(b, t.item, node), t, node)
    return from_value(b, t, b.expr.value(node.args[1]), node)


def _from_list(b: "FunctionBuilder", t: ArrayType, lst: ops.Value, node: ast.AST) -> ops.Value:
    """A new array of the list's numbers (a copy, each item checked)."""
    fn = prims.ARRAY_FROM_FLOATS if t.item == FLOAT else prims.ARRAY_FROM_INTS
    return prim(b, fn, [ops.Constant(INT, ord(t.typecode)), lst], node, t)


def from_value(b: "FunctionBuilder", t: ArrayType, init: ops.Value, node: ast.AST) -> ops.Value:
    it = init.type
    if isinstance(it, ArrayType):
        if it.item == FLOAT and t.item == INT:
            raise b.error(node, f"{t} of {it}: 'float' object cannot be interpreted as an "
                          "integer", hint="CPython raises TypeError here")
        init, it = items(b, init, node), ListType(it.item)
    if isinstance(it, ListType):
        if it.item == UNKNOWN:  # array('B', []): an empty literal
            return _of_items(b, new_list(b, t.item, node), t, node)
        if it.item in (INT, BOOL) or (t.item == FLOAT and it.item == FLOAT):
            return _from_list(b, t, init, node)
        if it.item == FLOAT:
            raise b.error(node, f"{t} of a List[float]: 'float' object cannot be interpreted as "
                          "an integer", hint="CPython raises TypeError here; int() the items "
                          "first")
    if it == BYTES:
        result = _of_items(b, new_list(b, t.item, node), t, node)
        prim(b, prims.ARRAY_FROMBYTES, [ops.Constant(INT, ord(t.typecode)), items(b, result, node),
                                        init], node)
        return result
    raise b.error(node, f"array() of {with_article(it)} is not supported in compiled code",
                  hint="an initializer of a list of numbers, an array or bytes here "
                       "(array(tc, list(it)) for another iterable)")


# ------------------------------------------------------------ index and slice


def subscript(b: "FunctionBuilder", a: ops.Value, node: ast.Subscript) -> ops.Value:
    from .containers import _index
    from .strings import slice_bounds

    t = a.type
    if isinstance(node.slice, ast.Slice):
        part = prim(b, prims.LIST_SLICE, [items(b, a, node)] + slice_bounds(b, node.slice), node,
                    ListType(t.item))
        return _of_items(b, part, t, node)
    i = prim(b, prims.ARRAY_INDEX, [a, _index(b, node.slice, "array"), ops.Constant(INT, 0)],
             node, INT)
    return b.emit(ops.ListItem(items(b, a, node), i, t.item, b.lineno(node)))


def store_subscript(b: "FunctionBuilder", a: ops.Value, target: ast.Subscript,
                    value: ops.Value) -> None:
    from .containers import _index, coerce_item
    from .strings import slice_bounds

    t = a.type
    if isinstance(target.slice, ast.Slice):
        if not (isinstance(value.type, ArrayType) and value.type.typecode == t.typecode):
            raise b.error(target, f"can only assign array (not {with_article(value.type)}) to "
                          "array slice", hint="CPython raises TypeError here")
        if target.slice.step is not None:
            raise b.error(target, "assigning to an extended slice of an array (one with a step) "
                          "is not supported in compiled code", hint="assign item by item")
        copy = _from_list(b, t, items(b, value, target), target)  # (a[:0] = a reads it first)
        prim(b, prims.LIST_SET_SLICE, [items(b, a, target)] + slice_bounds(b, target.slice)
             + [items(b, copy, target)], target)
        return
    index = _index(b, target.slice, "array")
    i = prim(b, prims.ARRAY_INDEX, [a, index, ops.Constant(INT, 1)], target, INT)
    v = item_value(b, t, value, target)  # (the index checked before the value, as CPython does)
    prim(b, prims.LIST_SET, [items(b, a, target), i, coerce_item(b, v, t.item, target, "this array")],
         target)


def delete_subscript(b: "FunctionBuilder", a: ops.Value, target: ast.Subscript) -> None:
    from .containers import _index
    from .strings import slice_bounds

    if isinstance(target.slice, ast.Slice):
        prim(b, prims.LIST_DEL_SLICE, [items(b, a, target)] + slice_bounds(b, target.slice), target)
        return
    i = prim(b, prims.ARRAY_INDEX, [a, _index(b, target.slice, "array"), ops.Constant(INT, 1)],
             target, INT)
    prim(b, prims.LIST_DELITEM, [items(b, a, target), i], target)


# ------------------------------------------------------------ methods and attributes


def attribute(b: "FunctionBuilder", a: ops.Value, node: ast.Attribute) -> ops.Value:
    t = a.type
    if node.attr == "typecode":
        return ops.Constant(STR, t.typecode)
    if node.attr == "itemsize":
        return ops.Constant(INT, _ITEMSIZE[t.typecode])
    raise b.error(node, f"array.{node.attr} is not supported in compiled code", hint=HINT)


def method_call(b: "FunctionBuilder", a: ops.Value, name: str, node: ast.Call) -> ops.Value:
    from .containers import coerce_item

    t = a.type
    none = ops.Constant(NONE, None)
    if node.keywords:
        raise b.error(node, f"array.{name}() takes no keyword arguments")
    args = [b.expr.value(x) for x in node.args]
    tc = ops.Constant(INT, ord(t.typecode))

    def arity(low: int, high: int) -> None:
        if not low <= len(args) <= high:
            raise b.error(node, f"array.{name}() takes {low}" + (f" to {high}" if high != low else "")
                          + f" argument{'' if high == 1 else 's'} ({len(args)} given)")

    def index_arg(v: ops.Value) -> ops.Value:
        if v.type not in (INT, BOOL):
            raise b.error(node, f"array.{name}() takes an int index, not {with_article(v.type)}",
                          hint="CPython raises TypeError here")
        return b.expr.coerce(v, INT, node)

    if name == "append":
        arity(1, 1)
        v = item_value(b, t, args[0], node)
        prim(b, prims.LIST_APPEND, [items(b, a, node), coerce_item(b, v, t.item, node, "this array")],
             node)
        return none
    if name == "insert":
        arity(2, 2)
        i = index_arg(args[0])
        v = item_value(b, t, args[1], node)
        prim(b, prims.LIST_INSERT, [items(b, a, node), i, coerce_item(b, v, t.item, node, "this array")],
             node)
        return none
    if name == "extend":
        arity(1, 1)
        other = args[0]
        if isinstance(other.type, ArrayType):
            if other.type.typecode != t.typecode:
                raise b.error(node, "can only extend with array of same kind",
                              hint="CPython raises TypeError here")
            copy = _from_list(b, t, items(b, other, node), node)
        else:
            copy = from_value(b, t, other, node)
        prim(b, prims.LIST_EXTEND, [items(b, a, node), items(b, copy, node)], node)
        return none
    if name == "pop":
        arity(0, 1)
        i = index_arg(args[0]) if args else ops.Constant(INT, -1)
        k = prim(b, prims.ARRAY_POP_INDEX, [a, i], node, INT)
        return prim(b, prims.LIST_POP, [items(b, a, node), k], node, t.item)
    if name in ("index", "count", "remove"):
        arity(1, 1)
        x = args[0]
        if x.type in (INT, BOOL):
            xi, xf, is_float = b.expr.coerce(x, INT, node), ops.Constant(FLOAT, 0.0), 0
        elif x.type == FLOAT:
            xi, xf, is_float = ops.Constant(INT, 0), x, 1
        else:  # (equal to no number: CPython's ValueError, or a count of 0)
            if name == "count":
                return ops.Constant(INT, 0)
            b.terminate(ops.Raise("ValueError", f"array.{name}(x): x not in array",
                                  b.lineno(node)))
            b.start(b.new_block("after_raise"))
            b.seal(b.block)
            return ops.Constant(INT, 0) if name == "index" else none
        what = {"index": 0, "remove": 1, "count": 2}[name]
        found = prim(b, prims.ARRAY_FIND, [a, xi, xf, ops.Constant(INT, is_float),
                                           ops.Constant(INT, what)], node, INT)
        if name == "remove":
            prim(b, prims.LIST_DELITEM, [items(b, a, node), found], node)
            return none
        return found
    if name == "reverse":
        arity(0, 0)
        prim(b, prims.LIST_REVERSE, [items(b, a, node)], node)
        return none
    if name == "tobytes":
        arity(0, 0)
        return prim(b, prims.ARRAY_TOBYTES, [tc, items(b, a, node)], node, BYTES)
    if name == "frombytes":
        arity(1, 1)
        if args[0].type != BYTES:
            raise b.error(node, f"array.frombytes() takes bytes here, not {with_article(args[0].type)}")
        prim(b, prims.ARRAY_FROMBYTES, [tc, items(b, a, node), args[0]], node)
        return none
    if name == "tolist":
        arity(0, 0)
        return prim(b, prims.LIST_COPY, [items(b, a, node)], node, ListType(t.item))
    raise b.error(node.func, f"array.{name}() is not supported in compiled code", hint=HINT)


# ------------------------------------------------------------ text and comparison


def to_repr(b: "FunctionBuilder", a: ops.Value, node: ast.AST) -> ops.Value:
    """array('B', [1, 2]); array('B') when empty (str() is the same)."""
    from . import strings

    lst = items(b, a, node)
    return prim(b, prims.ARRAY_REPR, [ops.Constant(INT, ord(a.type.typecode)),
                                      b.emit(ops.Length(lst)), strings.to_repr(b, lst, node)],
                node, STR)


def compare(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value,
            node: ast.AST) -> Optional[ops.Value]:
    """== and != of two arrays (item by item, as numbers); an array equals
    nothing else."""
    if op not in ("eq", "ne"):
        return None
    if not (isinstance(left.type, ArrayType) and isinstance(right.type, ArrayType)):
        return ops.Constant(BOOL, op == "ne")
    lt, rt = left.type, right.type
    l_items, r_items = items(b, left, node), items(b, right, node)
    if lt.item != rt.item:  # an int array against a float one: as floats
        l_items = prim(b, prims.ARRAY_FROM_FLOATS, [ops.Constant(INT, ord("d")), l_items], node,
                       ListType(FLOAT))
        r_items = prim(b, prims.ARRAY_FROM_FLOATS, [ops.Constant(INT, ord("d")), r_items], node,
                       ListType(FLOAT))
    same = prim(b, prims.LIST_EQ, [l_items, r_items], node, INT)
    result = b.emit(ops.Convert("int_to_bool", same))
    if op == "ne":
        result = b.emit(ops.Unary("bool_not", result))
    return result


def binary(b: "FunctionBuilder", op: str, left: ops.Value, right: ops.Value,
           node: ast.AST) -> Optional[ops.Value]:
    """a + a2 (the same typecode: a new array), a * n and n * a; a += a2 and
    a *= n in place."""
    lt, rt = left.type, right.type
    inplace = isinstance(node, ast.AugAssign)
    if op == "add" and isinstance(lt, ArrayType):
        if not (isinstance(rt, ArrayType) and rt.typecode == lt.typecode):
            if isinstance(rt, ArrayType):
                raise b.error(node, "bad argument type for built-in operation (arrays of two "
                              "typecodes)", hint="CPython raises TypeError here")
            return None
        other = _from_list(b, lt, items(b, right, node), node)  # (a += a reads it first)
        if inplace:
            prim(b, prims.LIST_EXTEND, [items(b, left, node), items(b, other, node)], node)
            return left
        joined = prim(b, prims.LIST_CONCAT, [items(b, left, node), items(b, other, node)], node,
                      ListType(lt.item))
        return _of_items(b, joined, lt, node)
    if op == "mul":
        a, count = (left, right) if isinstance(lt, ArrayType) else (right, left)
        if not isinstance(a.type, ArrayType) or count.type not in (INT, BOOL):
            return None
        n = b.expr.coerce(count, INT, node)
        if inplace and a is left:
            prim(b, prims.LIST_INPLACE_REPEAT, [items(b, a, node), n], node)
            return left
        repeated = prim(b, prims.LIST_REPEAT, [items(b, a, node), n], node, ListType(a.type.item))
        return _of_items(b, repeated, a.type, node)
    return None


def unsupported(b: "FunctionBuilder", what: str, node: ast.AST):
    return b.error(node, f"{what} is not supported in compiled code", hint=HINT)
