"""f(..., **mapping): binding a dict whose keys only the run time knows,
in ceval.c's order -- a key also given by name (DICT_MERGE's error), each
key in turn (given twice, positional-only passed by keyword, unexpected),
too many positional arguments, missing positional then keyword-only ones
-- with CPython's messages (pyjitx.frontend.signatures has the rest)."""
from __future__ import annotations

import ast
import inspect
from typing import TYPE_CHECKING, Dict, List, Optional

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import BOOL, INT, STR, ListType, Type
from .signatures import (KEYWORD_KINDS, POSITIONAL_KINDS, DefaultOf, Flat, Spec, Values, choose,
                         fail_if, make_dict, make_tuple, raise_type_error, sequence_item,
                         sequence_length, too_many_check, _as_list)

if TYPE_CHECKING:
    from .builder import FunctionBuilder

P = inspect.Parameter


def bind_mapping(b: "FunctionBuilder", spec: Spec, flat: Flat, node: ast.AST,
                 default_of: DefaultOf, declared: Dict[str, Type]) -> Values:
    from . import containers

    mapping, where = flat.mapping, flat.mapping_node
    keywords = {k: v for k, v, _ in flat.keywords}
    names = list(keywords)
    p = len(flat.positional)
    rest = flat.rest
    count = sequence_length(b, rest) if rest is not None else None
    by_keyword = [q for q in spec.params if q.kind in KEYWORD_KINDS]
    index_of = {q.name: i for i, q in enumerate(spec.positional)}

    def contains(name: str) -> ops.Value:
        return containers.prim(b, prims.DICT_CONTAINS, [mapping, ops.Constant(STR, name)], where)

    def positionally(name: str) -> ops.Value:
        """Whether parameter `name` gets a positional argument."""
        i = index_of.get(name)
        if i is None:
            return ops.Constant(BOOL, False)
        if i < p:
            return ops.Constant(BOOL, True)
        if count is None:
            return ops.Constant(BOOL, False)
        return b.emit(ops.Compare("gt", count, ops.Constant(INT, i - p)))

    # the static part as CPython would refuse it whatever the mapping holds
    static = spec.try_bind(p, names)
    if isinstance(static, str) and " missing " not in static and " given" not in static:
        raise b.error(node, static)
    for name in names:  # merging the keywords into one dict
        fail_if(b, contains(name), f"{spec.shown()} got multiple values for keyword argument "
                                   f"'{name}'", where)
        if name in index_of and count is not None:
            fail_if(b, positionally(name), f"{spec.qualname}() got multiple values for argument "
                                           f"'{name}'", node)
    _check_keys(b, spec, mapping, by_keyword, positionally, where)
    if spec.varargs is None:
        if count is not None:
            total = b.emit(ops.IntArith("add", count, ops.Constant(INT, p)))
            too_many_check(b, spec, flat, names, total, len(spec.positional) + 1, node)
        elif p > len(spec.positional):
            message = spec.try_bind(p, names)
            assert isinstance(message, str)
            raise b.error(node, message)
    _check_missing(b, spec, [q for q in spec.positional if q.default is P.empty],
                   0, keywords, contains, positionally, node)
    _check_missing(b, spec, [q for q in spec.params if q.kind == P.KEYWORD_ONLY and
                             q.default is P.empty], 1, keywords, contains, positionally, node)
    values: Values = {}
    value_type = mapping.type.value
    for q in spec.params:
        to = declared.get(q.name)
        if q.kind == P.VAR_POSITIONAL:
            n = len(spec.positional)
            extra = [v for v, _ in flat.positional[n:]]
            tail = None
            if rest is not None:
                tail = rest if p >= n else containers.prim(b, prims.LIST_SLICE, [
                    _as_list(b, rest, node), ops.Constant(INT, n - p),
                    ops.Constant(INT, prims.ABSENT_INT), ops.Constant(INT, 1)], node,
                    ListType(rest.type.item))
            values[q.name] = make_tuple(b, extra, tail, to, node)
            continue
        if q.kind == P.VAR_KEYWORD:
            values[q.name] = _kwargs(b, spec, flat, mapping, by_keyword, to, node)
            continue
        i = index_of.get(q.name)
        if i is not None and i < p:
            values[q.name] = flat.positional[i][0]
            continue

        def otherwise(q=q) -> ops.Value:
            if q.name in keywords:
                return keywords[q.name]
            looked_up = lambda: containers.prim(  # noqa: E731
                b, prims.DICT_GETITEM, [mapping, ops.Constant(STR, q.name)], where, value_type)
            if q.kind == P.POSITIONAL_ONLY:  # (no key can fill it)
                if q.default is P.empty:
                    raise b.error(node, f"{spec.qualname}() missing its positional-only "
                                  f"argument '{q.name}'")
                return default_of(q)
            if q.default is P.empty:  # (missing was raised above)
                return looked_up()
            return choose(b, contains(q.name), looked_up, lambda: default_of(q), to, node)

        if i is not None and count is not None and q.kind == P.POSITIONAL_ONLY and \
                q.default is P.empty:  # from the sequence (or missing, raised above)
            values[q.name] = sequence_item(b, rest, i - p, node)
        elif i is not None and count is not None:
            values[q.name] = choose(b, positionally(q.name),
                                    lambda i=i: sequence_item(b, rest, i - p, node), otherwise, to,
                                    node)
        else:
            values[q.name] = otherwise()
    return values


def _check_keys(b: "FunctionBuilder", spec: Spec, mapping: ops.Value, by_keyword, positionally,
                where: ast.AST) -> None:
    """Each key of the mapping in turn, as ceval.c takes keyword arguments."""
    from . import containers
    from .loops import build_for
    from .strings import concat_all, emit_prim

    def body() -> None:
        key = b.loop_item
        for q in by_keyword:
            hit, miss = b.new_block("kwhit"), b.new_block("kwmiss")
            same = containers.prim(b, prims.STR_EQ, [key, ops.Constant(STR, q.name)], where)
            b.expr.condition_value(b.emit(ops.Convert("int_to_bool", same)), hit, miss)
            b.seal(hit)
            b.seal(miss)
            b.start(hit)
            fail_if(b, positionally(q.name), f"{spec.qualname}() got multiple values for "
                                             f"argument '{q.name}'", where)
            b.goto(b.loops[-1].continue_target)
            b.start(miss)
        if spec.varkw is not None:
            return  # the others go to **kwargs
        posonly = [q.name for q in spec.params if q.kind == P.POSITIONAL_ONLY]
        unexpected = concat_all(b, [ops.Constant(STR, f"{spec.qualname}() got an unexpected "
                                                      "keyword argument '"), key,
                                    ops.Constant(STR, "'")], where)
        if not posonly:
            raise_type_error(b, unexpected, where)
            return
        # a positional-only parameter named by a key: CPython names them all
        found = containers.new_list(b, STR, where)
        for name in posonly:
            given, after = b.new_block("posonlykw"), b.new_block("posonlynext")
            present = containers.prim(b, prims.DICT_CONTAINS, [mapping, ops.Constant(STR, name)],
                                      where)
            b.expr.condition_value(present, given, after)
            b.seal(given)
            b.start(given)
            containers.append(b, found, ops.Constant(STR, f"'{name}'"), where)
            b.goto(after)
            b.seal(after)
            b.start(after)
        listed = emit_prim(b, prims.STR_JOIN, [ops.Constant(STR, ", "), found], where)
        any_found = b.emit(ops.Compare("gt", b.emit(ops.Length(found)), ops.Constant(INT, 0)))
        message = choose(b, any_found, lambda: concat_all(b, [ops.Constant(
            STR, f"{spec.qualname}() got some positional-only arguments passed as keyword "
                 "arguments: "), listed], where), lambda: unexpected, STR, where)
        raise_type_error(b, message, where)

    build_for(b, None, where, body, [], where, iterable=mapping)


def _check_missing(b: "FunctionBuilder", spec: Spec, required: List[inspect.Parameter],
                   keyword_only: int, keywords: Dict[str, ops.Value], contains, positionally,
                   node: ast.AST) -> None:
    """'f() missing 1 required positional argument: ...' for the required
    parameters that neither a position, a keyword nor a key fills."""
    from . import containers
    from .strings import emit_prim

    candidates = [q for q in required if q.name not in keywords and
                  not (isinstance(positionally(q.name), ops.Constant)
                       and positionally(q.name).value)]
    if not candidates:
        return
    missing = containers.new_list(b, STR, node)
    for q in candidates:
        filled: ops.Value = positionally(q.name)
        if q.kind != P.POSITIONAL_ONLY:
            by_key = contains(q.name)
            filled = by_key if isinstance(filled, ops.Constant) else \
                b.emit(ops.Select(filled, ops.Constant(BOOL, True), by_key))
        absent, after = b.new_block("missing"), b.new_block("present")
        b.expr.condition_value(filled, after, absent)
        b.seal(absent)
        b.start(absent)
        containers.append(b, missing, ops.Constant(STR, q.name), node)
        b.goto(after)
        b.seal(after)
        b.start(after)
    any_missing = b.emit(ops.Compare("gt", b.emit(ops.Length(missing)), ops.Constant(INT, 0)))
    fail, ok = b.new_block("badcall"), b.new_block("call")
    b.expr.condition_value(any_missing, fail, ok)
    b.seal(fail)
    b.seal(ok)
    b.start(fail)
    message = emit_prim(b, prims.MISSING_ARGUMENTS_MESSAGE, [
        ops.Constant(STR, spec.qualname), ops.Constant(INT, keyword_only), missing], node)
    raise_type_error(b, message, node)
    b.start(ok)


def _kwargs(b: "FunctionBuilder", spec: Spec, flat: Flat, mapping: ops.Value, by_keyword,
            value_type: Optional[Type], node: ast.AST) -> ops.Value:
    """The dict **kwargs receives: the keywords and keys that name no
    parameter, in the order given."""
    from . import containers
    from .loops import build_for

    named = {q.name for q in by_keyword}
    result = make_dict(b, [(k, v) for k, v, _ in flat.keywords if k not in named], value_type, node)
    t = result.type.value
    where = flat.mapping_node

    def body() -> None:
        key = b.loop_item
        for name in sorted(named):
            other = b.new_block("kwextra")
            same = containers.prim(b, prims.STR_EQ, [key, ops.Constant(STR, name)], where)
            b.expr.condition_value(b.emit(ops.Convert("int_to_bool", same)),
                                   b.loops[-1].continue_target, other)
            b.seal(other)
            b.start(other)
        value = containers.prim(b, prims.DICT_GETITEM, [mapping, key], where, mapping.type.value)
        containers.prim(b, prims.DICT_SETITEM, [
            result, key, containers.coerce_item(b, value, t, where, "**kwargs")], where)

    build_for(b, None, where, body, [], where, iterable=mapping)
    return result
