"""Match objects in compiled code: group/groups/groupdict/start/end/span/
expand, m[g], and the attributes pos, endpos, lastindex, lastgroup, re,
string and regs (the rest of `re`: regex.py).

A group is named by an int or a str, as in CPython; one that did not take
part in the match is None (group 0 is always there, so m.group() and
m.group(0) are plain str).  A bad group number or name is CPython's
IndexError "no such group" at run time."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, List

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import (ANY, BOOL, INT, NONE, STR, DictType, MatchType, OptionalType, PatternType,
                        TupleType, Type, VarTupleType, is_any, make_union, with_article)
from .regex import _REQUIRED, _prim, _value, bind

if TYPE_CHECKING:
    from .builder import FunctionBuilder

_METHODS = ("group", "groups", "groupdict", "start", "end", "span", "expand")


def method_call(b: "FunctionBuilder", m: ops.Value, name: str, node: ast.Call) -> ops.Value:
    t: MatchType = m.type
    if name == "group":
        if node.keywords:
            raise b.error(node.keywords[0], "Match.group() takes no keyword arguments")
        if not node.args:
            return _group(b, m, ops.Constant(INT, 0), node)
        groups = [_group(b, m, _index_value(b, arg), arg) for arg in node.args]
        if len(groups) == 1:
            return groups[0]
        from .containers import build_tuple

        return build_tuple(b, groups, node)
    if name in ("start", "end", "span"):
        if node.keywords:
            raise b.error(node.keywords[0], f"Match.{name}() takes no keyword arguments")
        if len(node.args) > 1:
            raise b.error(node, f"{name} expected at most 1 argument, got {len(node.args)}")
        index = _index(b, m, _index_value(b, node.args[0]) if node.args else ops.Constant(INT, 0),
                       node)
        if name == "span":
            return _prim(b, prims.RE_MATCH_SPAN, [m, index], node, TupleType((INT, INT)))
        p = prims.RE_MATCH_START if name == "start" else prims.RE_MATCH_END
        return _prim(b, p, [m, index], node, INT)
    if name in ("groups", "groupdict"):
        args = bind(b, node, f"{name}()", (("default", None),))
        default = _value(b, args["default"])
        item, boxed = _default_item(b, t, default, args["default"])
        if name == "groups":
            result: Type = TupleType((item,) * t.groups) if t.groups >= 0 else VarTupleType(item)
            return _prim(b, prims.RE_MATCH_GROUPS, [m, boxed], node, result)
        return _prim(b, prims.RE_MATCH_GROUPDICT, [m, boxed], node, DictType(STR, item))
    if name == "expand":
        args = bind(b, node, "expand()", (("template", _REQUIRED),))
        template = _value(b, args["template"])
        if template.type != t.text and not is_any(template.type):
            raise b.error(args["template"], f"Match.expand() takes {with_article(t.text)} "
                          f"template here, not {with_article(template.type)}")
        return _prim(b, prims.RE_MATCH_EXPAND, [m, template], node, t.text)
    raise b.error(node.func, f"'re.Match' object has no method '{name}' in compiled code",
                  hint="supported: " + ", ".join(_METHODS))


def subscript(b: "FunctionBuilder", m: ops.Value, node: ast.Subscript) -> ops.Value:
    """m[g]: m.group(g)."""
    if isinstance(node.slice, ast.Slice):
        raise b.error(node.slice, "a Match is indexed by a group number or name, not a slice")
    return _group(b, m, _index_value(b, node.slice), node)


def attribute(b: "FunctionBuilder", m: ops.Value, node: ast.Attribute) -> ops.Value:
    t: MatchType = m.type
    fields = {"pos": 0, "endpos": 1}
    if node.attr in fields:
        return _prim(b, prims.RE_MATCH_INT, [m, ops.Constant(INT, fields[node.attr])], node, INT)
    if node.attr == "lastindex":
        return _prim(b, prims.RE_MATCH_LASTINDEX, [m], node, make_union(INT, NONE))
    if node.attr == "lastgroup":
        return _prim(b, prims.RE_MATCH_LASTGROUP, [m], node, OptionalType(STR))
    if node.attr == "string":
        return _prim(b, prims.RE_MATCH_OBJECT, [m, ops.Constant(INT, 0)], node, t.text)
    if node.attr == "re":
        return _prim(b, prims.RE_MATCH_OBJECT, [m, ops.Constant(INT, 1)], node,
                     PatternType(t.is_bytes, t.groups))
    if node.attr == "regs":
        pair = TupleType((INT, INT))
        result: Type = TupleType((pair,) * (t.groups + 1)) if t.groups >= 0 else VarTupleType(pair)
        return _prim(b, prims.RE_MATCH_REGS, [m], node, result)
    raise b.error(node, f"'re.Match' object has no attribute '{node.attr}' in compiled code",
                  hint="supported: pos, endpos, lastindex, lastgroup, re, string, regs")


def _index_value(b: "FunctionBuilder", node: ast.expr) -> ops.Value:
    value = _value(b, node)
    if value.type in (INT, BOOL, STR) or is_any(value.type):
        return value
    raise b.error(node, f"a group is named by an int or a str, not {with_article(value.type)}")


def _index(b: "FunctionBuilder", m: ops.Value, group: ops.Value, node: ast.AST) -> ops.Value:
    """The group's number (a name looked up in the pattern's groupindex)."""
    if group.type == STR:
        return _prim(b, prims.RE_GROUP_INDEX, [m, group], node, INT)
    if is_any(group.type):
        return _prim(b, prims.RE_ANY_GROUP_INDEX, [m, group], node, INT)
    return b.expr.coerce(group, INT, node)


def _group(b: "FunctionBuilder", m: ops.Value, group: ops.Value, node: ast.AST) -> ops.Value:
    t: MatchType = m.type
    # group 0 always took part: the whole match, never None
    whole = isinstance(group, ops.Constant) and group.type in (INT, BOOL) and group.value == 0
    result = _prim(b, prims.RE_MATCH_GROUP, [m, _index(b, m, group, node)], node,
                   OptionalType(t.text))
    if whole:
        return b.expr.unwrap(result, node)
    return result


def _default_item(b: "FunctionBuilder", t: MatchType, default: ops.Value, node: ast.AST):
    """(item type, default as an object) of groups()/groupdict()."""
    if default.type == NONE:
        return OptionalType(t.text), ops.Constant(OptionalType(t.text), None)
    if default.type == t.text:
        return t.text, default
    from .anys import box

    item = make_union(t.text, default.type) or ANY
    return item, box(b, default, node, as_type=item if is_any(item) else ANY)
