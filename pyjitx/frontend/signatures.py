"""Parameters and arguments: `*args`/`**kwargs`, keyword-only and
positional-only parameters, defaults, and `f(*xs, **kw)` at call sites --
bound as CPython binds them, with its TypeError messages.

A call's arguments are first evaluated, left to right (`flatten`): plain
values, `*t` of a tuple (its items: the length is known), `*{...}`/`**{...}`
displays, and what only the run time knows -- the items of a list (or
other iterable) after `*`, the keys of a dict after `**`.

`bind` then gives each parameter its value.  When the shape of the call is
known, CPython itself decides: `Spec.stub` is a Python function with the
parameters of the callee (names, kinds, defaults, qualified name) that
returns where each argument went, or raises CPython's TypeError, whose
message becomes the CompileError.  A list after `*` has a length known at
run time: the stub is asked for each length that matters, and the run time
switches on the length (each erroneous length raises that message).  A
dict after `**` is bound key by key at run time, as ceval.c does.

`*args` is a tuple: of the arguments' own types (`Tuple[int, str]`) when
unannotated, `Tuple[T, ...]` for `*args: T`; `**kwargs` is a `Dict[str,
Any]`, or `Dict[str, T]` for `**kwargs: T`.
"""
from __future__ import annotations

import ast
import inspect
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple, Union

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import (ANY, INT, STR, DictType, ListType, TupleType, Type, VarTupleType,
                        has_open_array, join, with_article)

if TYPE_CHECKING:
    from .builder import FunctionBuilder

P = inspect.Parameter
POSITIONAL_KINDS = (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD)
KEYWORD_KINDS = (P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY)


class _Default:
    def __repr__(self) -> str:
        return "<default>"


DEFAULT = _Default()


class _Pos:
    """The stub's marker for the i-th positional argument."""
    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


class _Kw:
    """The stub's marker for keyword argument `name`."""
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Spec:
    """A callee's parameters (inspect's kinds), for binding."""

    def __init__(self, qualname: str, module: Optional[str], params: List[inspect.Parameter]) -> None:
        self.qualname = qualname
        self.module = module
        self.params = params
        self.positional = [p for p in params if p.kind in POSITIONAL_KINDS]
        self.varargs = next((p for p in params if p.kind == P.VAR_POSITIONAL), None)
        self.varkw = next((p for p in params if p.kind == P.VAR_KEYWORD), None)
        self._stub: Optional[Callable] = None

    @classmethod
    def of_function(cls, pyfunc: Any, skip_first: bool = False) -> "Spec":
        params = list(inspect.signature(pyfunc).parameters.values())
        return cls(pyfunc.__qualname__, getattr(pyfunc, "__module__", None),
                   params[1:] if skip_first else params)

    @classmethod
    def of_node(cls, name: str, args: ast.arguments, module: Optional[str] = None) -> "Spec":
        """A nested function's or lambda's parameters (defaults as DEFAULT)."""
        positional = args.posonlyargs + args.args
        first_default = len(positional) - len(args.defaults)
        params = []
        for i, a in enumerate(positional):
            kind = P.POSITIONAL_ONLY if i < len(args.posonlyargs) else P.POSITIONAL_OR_KEYWORD
            params.append(P(a.arg, kind, default=DEFAULT if i >= first_default else P.empty))
        if args.vararg:
            params.append(P(args.vararg.arg, P.VAR_POSITIONAL))
        for a, default in zip(args.kwonlyargs, args.kw_defaults):
            params.append(P(a.arg, P.KEYWORD_ONLY, default=P.empty if default is None else DEFAULT))
        if args.kwarg:
            params.append(P(args.kwarg.arg, P.VAR_KEYWORD))
        return cls(name, module, params)

    @property
    def stub(self) -> Callable:
        """def <qualname>(<the parameters>): return {name: value, ...}"""
        if self._stub is None:
            parts: List[str] = []
            for i, p in enumerate(self.params):
                if p.kind == P.KEYWORD_ONLY and not any(
                        q.kind in (P.VAR_POSITIONAL, P.KEYWORD_ONLY) for q in self.params[:i]):
                    parts.append("*")
                prefix = {P.VAR_POSITIONAL: "*", P.VAR_KEYWORD: "**"}.get(p.kind, "")
                default = "=__pjx_default" if p.default is not P.empty else ""
                parts.append(prefix + p.name + default)
                if p.kind == P.POSITIONAL_ONLY and (i + 1 == len(self.params) or
                                                     self.params[i + 1].kind != P.POSITIONAL_ONLY):
                    parts.append("/")
            names = ", ".join(f"{p.name!r}: {p.name}" for p in self.params)
            namespace: Dict[str, Any] = {"__pjx_default": DEFAULT}
            exec(f"def stub({', '.join(parts)}):\n    return {{{names}}}\n", namespace)
            stub = namespace["stub"]
            # (CPython's messages name it: by the code's name on some versions)
            name = self.qualname.rsplit(".", 1)[-1]
            stub.__name__, stub.__qualname__ = name, self.qualname
            code = stub.__code__.replace(co_name=name)
            if hasattr(code, "co_qualname"):
                code = code.replace(co_qualname=self.qualname)
            stub.__code__ = code
            self._stub = stub
        return self._stub

    def try_bind(self, npositional: int, keywords: List[str]) -> Union[Dict[str, Any], str]:
        """Where CPython binds `npositional` positional arguments and these
        keywords: {parameter: _Pos | _Kw | DEFAULT | tuple | dict}, or its
        TypeError's message."""
        try:
            return self.stub(*[_Pos(i) for i in range(npositional)],
                             **{k: _Kw(k) for k in keywords})
        except TypeError as exc:
            return str(exc)

    def shown(self) -> str:
        """The function as DICT_MERGE names it: module.qualname()."""
        if self.module and self.module != "builtins":
            return f"{self.module}.{self.qualname}()"
        return f"{self.qualname}()"


class Flat:
    """A call's arguments, evaluated."""

    def __init__(self) -> None:
        self.positional: List[Tuple[ops.Value, ast.AST]] = []
        # the positional arguments only the run time counts: a list (or a
        # Tuple[T, ...]) of those after the static ones
        self.rest: Optional[ops.Value] = None
        self.keywords: List[Tuple[str, ops.Value, ast.AST]] = []
        self.mapping: Optional[ops.Value] = None  # Dict[str, V] after **
        self.mapping_node: Optional[ast.AST] = None

    @property
    def static(self) -> bool:
        return self.rest is None and self.mapping is None


def has_unpacking(node: ast.Call) -> bool:
    return any(isinstance(a, ast.Starred) for a in node.args) or \
        any(kw.arg is None for kw in node.keywords)


def tuple_items(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> Optional[List[ops.Value]]:
    """The items of a tuple of known length (`*t` unpacks to them
    statically, whatever their types), or None for any other value."""
    from . import containers

    if not isinstance(value.type, TupleType):
        return None
    return [containers.prim(b, prims.TUPLE_GET, [value, ops.Constant(INT, i)], node, item)
            for i, item in enumerate(value.type.items)]


def _sequence(b: "FunctionBuilder", node: ast.expr) -> Union[List[ops.Value], ops.Value]:
    """`*node`: its items when their number is known, else a list or a
    Tuple[T, ...] holding them."""
    from . import containers
    from .generators import called_generator

    if isinstance(node, (ast.List, ast.Tuple)) and not any(isinstance(e, ast.Starred)
                                                             for e in node.elts):
        return [b.expr.value(e) for e in node.elts]
    if isinstance(node, ast.GeneratorExp) or called_generator(b, node):
        return containers.iterable_as_list(b, node)
    value = b.expr.unwrap(b.expr.value(node), node)
    items = tuple_items(b, value, node)
    if items is not None:
        return items
    if isinstance(value.type, (ListType, VarTupleType)):
        return value
    return containers.as_list(b, value, node)


def flatten(b: "FunctionBuilder", node: ast.Call, shown: str) -> Flat:
    """Evaluates the call's arguments in order (`shown`: the callee, as
    CPython names it when a keyword is given twice)."""
    from . import containers

    flat = Flat()
    pending: List[Tuple[Union[List[ops.Value], ops.Value], ast.AST]] = []
    for arg in node.args:
        if isinstance(arg, ast.Starred):
            pending.append((_sequence(b, arg.value), arg))
        else:
            pending.append(([b.expr.value(arg)], arg))
    for index, (part, where) in enumerate(pending):
        if isinstance(part, list) and flat.rest is None:
            flat.positional += [(v, where) for v in part]
            continue
        if flat.rest is None:  # the first run-time sequence
            flat.rest = part
            if index + 1 < len(pending):  # more after it: one list of them all
                flat.rest = containers.prim(b, prims.LIST_COPY, [_as_list(b, part, where)], where,
                                            ListType(_item_type(part)))
            continue
        _extend(b, flat.rest, part, where)
    seen: Dict[str, ast.AST] = {}
    for kw in node.keywords:
        if kw.arg is not None:
            flat.keywords.append((kw.arg, b.expr.value(kw.value), kw.value))
        elif isinstance(kw.value, ast.Dict) and all(
                isinstance(k, ast.Constant) and isinstance(k.value, str) for k in kw.value.keys):
            for k, v in zip(kw.value.keys, kw.value.values):
                flat.keywords.append((k.value, b.expr.value(v), v))
        elif flat.mapping is not None:
            raise b.error(kw.value, "a call takes one **mapping here",
                          hint="merge them first: `kw = dict(a)`, then `kw.update(b)`")
        else:
            mapping = b.expr.unwrap(b.expr.value(kw.value), kw.value)
            if not (isinstance(mapping.type, DictType) and mapping.type.key == STR):
                raise b.error(kw.value, f"argument after ** must be a Dict[str, ...] here, not "
                              f"{with_article(mapping.type)}")
            flat.mapping, flat.mapping_node = mapping, kw.value
    for name, _, where in flat.keywords:
        if name in seen:
            raise b.error(where, f"{shown} got multiple values for keyword argument '{name}'")
        seen[name] = where
    return flat


def _item_type(sequence: ops.Value) -> Type:
    return sequence.type.item


def _as_list(b: "FunctionBuilder", sequence: ops.Value, node: ast.AST) -> ops.Value:
    from . import containers

    return sequence if isinstance(sequence.type, ListType) else \
        containers.as_list(b, sequence, node)


def _extend(b: "FunctionBuilder", rest: ops.Value, part, node: ast.AST) -> None:
    from . import containers

    item = rest.type.item
    values = part if isinstance(part, list) else None
    if values is None and part.type.item != item:
        raise b.error(node, f"the items after * are {part.type.item} here and {item} before",
                      hint="give the unpacked sequences one item type")
    if values is None:
        containers.prim(b, prims.LIST_EXTEND, [rest, _as_list(b, part, node)], node)
        return
    for value in values:
        containers.append(b, rest, containers.coerce_item(b, value, item, node, "the arguments"),
                          node)


# ------------------------------------------------------------------ binding

Values = Dict[str, ops.Value]
DefaultOf = Callable[[inspect.Parameter], ops.Value]


def bind(b: "FunctionBuilder", spec: Spec, flat: Flat, node: ast.AST, default_of: DefaultOf,
         declared: Optional[Dict[str, Type]] = None) -> Values:
    """Each parameter's value (the tuple of `*args`, the dict of
    `**kwargs`).  `declared`: annotated types (of the items of *args and
    the values of **kwargs), to convert to where sources meet."""
    declared = declared or {}
    if flat.mapping is not None:
        from .keywords import bind_mapping

        return bind_mapping(b, spec, flat, node, default_of, declared)
    names = [k for k, _, _ in flat.keywords]
    if flat.rest is None:
        bound = spec.try_bind(len(flat.positional), names)
        if isinstance(bound, str):
            raise b.error(node, bound)
        return _materialise(b, spec, flat, bound, node, default_of, declared)
    return _bind_rest(b, spec, flat, names, node, default_of, declared)


def _materialise(b: "FunctionBuilder", spec: Spec, flat: Flat, bound: Dict[str, Any],
                 node: ast.AST, default_of: DefaultOf, declared: Dict[str, Type]) -> Values:
    keywords = {k: v for k, v, _ in flat.keywords}
    values: Values = {}
    for p in spec.params:
        marker = bound[p.name]
        if p.kind == P.VAR_POSITIONAL:
            values[p.name] = make_tuple(b, [flat.positional[m.index][0] for m in marker], None,
                                        declared.get(p.name), node)
        elif p.kind == P.VAR_KEYWORD:
            values[p.name] = make_dict(b, [(k, keywords[k]) for k in marker], declared.get(p.name),
                                       node)
        else:
            values[p.name] = _source(b, marker, flat, keywords, p, default_of)
    return values


def _source(b: "FunctionBuilder", marker: Any, flat: Flat, keywords: Dict[str, ops.Value],
            p: inspect.Parameter, default_of: DefaultOf) -> ops.Value:
    if isinstance(marker, _Pos):
        return flat.positional[marker.index][0]
    if isinstance(marker, _Kw):
        return keywords[marker.name]
    return default_of(p)


def make_tuple(b: "FunctionBuilder", values: List[ops.Value], rest: Optional[ops.Value],
               item: Optional[Type], node: ast.AST) -> ops.Value:
    """*args: a Tuple of the values' own types, or Tuple[item, ...] when
    annotated; with `rest` (a run-time sequence) a Tuple[T, ...]."""
    from . import containers

    if rest is None:
        if item is not None:
            values = [containers.coerce_item(b, v, item, node, "*args") for v in values]
        made = containers.build_tuple(b, values, node)
        return b.expr.coerce(made, VarTupleType(item), node) if item is not None else made
    joined = item or _joined_type(b, [v.type for v in values] + [rest.type.item], node)
    items = containers.new_list(b, joined, node)
    for v in values:
        containers.append(b, items, containers.coerce_item(b, v, joined, node, "*args"), node)
    tail = _as_list(b, rest, node)
    if tail.type.item != joined:
        converted = containers.new_list(b, joined, node)
        from .loops import build_for

        build_for(b, None, node, lambda: containers.append(
            b, converted, containers.coerce_item(b, b.loop_item, joined, node, "*args"), node),
            [], node, iterable=tail)
        tail = converted
    containers.prim(b, prims.LIST_EXTEND, [items, tail], node)
    return containers.prim(b, prims.TUPLE_FROM_LIST, [items], node, VarTupleType(joined))


def _joined_type(b: "FunctionBuilder", types: List[Type], node: ast.AST) -> Type:
    result: Optional[Type] = None
    for t in types:
        result = t if result is None else join(result, t)
        if result is None:
            raise b.error(node, "the values for *args have types that cannot share a tuple "
                          "(function values and others)")
    return result if result is not None else ANY


def make_dict(b: "FunctionBuilder", items: List[Tuple[str, ops.Value]], value_type: Optional[Type],
              node: ast.AST) -> ops.Value:
    """**kwargs: a Dict[str, Any], or Dict[str, value_type] when annotated."""
    from . import containers

    t = value_type or ANY
    result = containers.prim(b, prims.DICT_NEW, [containers.kind(STR), containers.kind(t)], node,
                             DictType(STR, t))
    for key, value in items:
        containers.prim(b, prims.DICT_SETITEM, [
            result, ops.Constant(STR, key),
            containers.coerce_item(b, value, t, node, "**kwargs")], node)
    return result


# ------------------------------------------------------------- f(*sequence)

def raise_type_error(b: "FunctionBuilder", message: ops.Value, node: ast.AST) -> None:
    from ..backend.abi import ERROR_KINDS

    b.emit(ops.PrimitiveCall(prims.ERR_SET_STR, [ops.Constant(INT, ERROR_KINDS["TypeError"]),
                                                 message], b.lineno(node)))
    b.propagate(node)


def fail_if(b: "FunctionBuilder", condition: ops.Value, message: Union[str, ops.Value],
            node: ast.AST) -> None:
    """Raises TypeError(message) where `condition` holds."""
    if isinstance(condition, ops.Constant) and not condition.value:
        return
    fail, ok = b.new_block("badcall"), b.new_block("call")
    b.expr.condition_value(condition, fail, ok)
    b.seal(fail)
    b.seal(ok)
    b.start(fail)
    raise_type_error(b, ops.Constant(STR, message) if isinstance(message, str) else message, node)
    b.start(ok)


def sequence_length(b: "FunctionBuilder", rest: ops.Value) -> ops.Value:
    return b.emit(ops.Length(rest))


def sequence_item(b: "FunctionBuilder", rest: ops.Value, index: Union[int, ops.Value],
                  node: ast.AST) -> ops.Value:
    from . import containers

    at = ops.Constant(INT, index) if isinstance(index, int) else index
    get = prims.LIST_GET if isinstance(rest.type, ListType) else prims.TUPLE_GET
    return containers.prim(b, get, [rest, at], node, rest.type.item)


def too_many_check(b: "FunctionBuilder", spec: Spec, flat: Flat, names: List[str], count: ops.Value,
                   saturated: int, node: ast.AST) -> None:
    """Raises what CPython raises for `count` (the run-time number of
    positional arguments) at least `saturated`: a message that does not
    depend on the count, or "... but N were given"."""
    from .strings import to_str

    first = spec.try_bind(saturated, names)
    second = spec.try_bind(saturated + 1, names)
    if isinstance(first, str):
        if first == second:
            fail_if(b, b.emit(ops.Compare("ge", count, ops.Constant(INT, saturated))), first, node)
            return
        fail_if(b, b.emit(ops.Compare("eq", count, ops.Constant(INT, saturated))), first, node)
    if isinstance(second, str):
        marker = f" but {saturated + 1}"
        at = second.index(marker) + len(" but ")
        prefix, suffix = second[:at], second[at + len(str(saturated + 1)):]
        over = b.emit(ops.Compare("gt", count, ops.Constant(INT, saturated)))
        fail, ok = b.new_block("badcall"), b.new_block("call")
        b.expr.condition_value(over, fail, ok)
        b.seal(fail)
        b.seal(ok)
        b.start(fail)
        from .strings import concat_all

        message = concat_all(b, [ops.Constant(STR, prefix), to_str(b, count, node),
                                 ops.Constant(STR, suffix)], node)
        raise_type_error(b, message, node)
        b.start(ok)


def choose(b: "FunctionBuilder", condition: ops.Value, if_true: Callable[[], ops.Value],
           if_false: Callable[[], ops.Value], to: Optional[Type], node: ast.AST) -> ops.Value:
    """if_true() where condition holds, else if_false(), as one value (of
    type `to`, else of the two joined)."""
    holder = f".arg{b.next_loop_id()}"
    yes, no, after = b.new_block("argyes"), b.new_block("argno"), b.new_block("arg")
    b.expr.condition_value(condition, yes, no)
    b.seal(yes)
    b.seal(no)
    for block, make in ((yes, if_true), (no, if_false)):
        b.start(block)
        value = make()
        if to is not None:
            value = b.expr.coerce(value, to, node)
        b.write_var(holder, value, node)
        b.goto(after)
    b.seal(after)
    b.start(after)
    return b.read_var(holder, node)


def _bind_rest(b: "FunctionBuilder", spec: Spec, flat: Flat, names: List[str], node: ast.AST,
               default_of: DefaultOf, declared: Dict[str, Type]) -> Values:
    """f(..., *sequence, ...): the run time switches on the sequence's
    length, each length that CPython refuses raising its message."""
    rest = flat.rest
    p = len(flat.positional)
    count = sequence_length(b, rest)
    saturated = max(len(spec.positional) - p, 0) + 1  # more than this: like this
    valid: Dict[int, Dict[str, Any]] = {}
    for n in range(saturated):
        bound = spec.try_bind(p + n, names)
        if isinstance(bound, str):
            fail_if(b, b.emit(ops.Compare("eq", count, ops.Constant(INT, n))), bound, node)
        else:
            valid[n] = bound
    total = b.emit(ops.IntArith("add", count, ops.Constant(INT, p)))
    too_many_check(b, spec, flat, names, total, p + saturated, node)
    last = spec.try_bind(p + saturated, names)
    if not isinstance(last, str):
        valid[saturated] = last
    if not valid:  # every length raises: the call always fails, as a static one would
        message = spec.try_bind(p, names)
        assert isinstance(message, str)
        raise b.error(node, message)
    keywords = {k: v for k, v, _ in flat.keywords}
    values: Values = {}
    for index, param in enumerate(spec.positional):
        if index < p:
            values[param.name] = flat.positional[index][0]
            continue
        position = index - p  # its item in the sequence, where it is that long
        from_rest = [n > position for n in valid]
        if all(from_rest):
            values[param.name] = sequence_item(b, rest, position, node)
        elif not any(from_rest):
            marker = valid[next(iter(valid))][param.name]
            values[param.name] = _source(b, marker, flat, keywords, param, default_of)
        else:
            other = next(valid[n][param.name] for n in valid if n <= position)
            values[param.name] = choose(
                b, b.emit(ops.Compare("gt", count, ops.Constant(INT, position))),
                lambda: sequence_item(b, rest, position, node),
                lambda: _source(b, other, flat, keywords, param, default_of),
                declared.get(param.name), node)
    for param in spec.params:
        if param.kind in POSITIONAL_KINDS:
            continue
        if param.kind == P.VAR_POSITIONAL:
            values[param.name] = _varargs(b, spec, flat, rest, declared.get(param.name), node)
        elif param.kind == P.VAR_KEYWORD:
            marker = valid[next(iter(valid))][param.name] if valid else {}
            values[param.name] = make_dict(b, [(k, keywords[k]) for k in marker],
                                           declared.get(param.name), node)
        else:
            marker = valid[next(iter(valid))][param.name] if valid else DEFAULT
            values[param.name] = _source(b, marker, flat, keywords, param, default_of)
    return values


def _varargs(b: "FunctionBuilder", spec: Spec, flat: Flat, rest: ops.Value, item: Optional[Type],
             node: ast.AST) -> ops.Value:
    """The tuple *args receives: the static values past the positional
    parameters, then the sequence's items past them."""
    from . import containers

    n = len(spec.positional)
    p = len(flat.positional)
    extra = [v for v, _ in flat.positional[n:]]
    skip = max(n - p, 0)
    if skip:
        tail = containers.prim(b, prims.LIST_SLICE, [
            _as_list(b, rest, node), ops.Constant(INT, skip), ops.Constant(INT, prims.ABSENT_INT),
            ops.Constant(INT, 1)], node, ListType(rest.type.item))
    else:
        tail = rest
    return make_tuple(b, extra, tail, item, node)


def declared_types(pyfunc: Any, spec: Spec) -> Dict[str, Type]:
    """The annotated parameter types, where sources of a value meet (an
    item of `*xs` or a default); for *args and **kwargs those of their
    items and values."""
    from .annotations import is_callable_annotation, parameter_type, type_from_annotation

    annotations = getattr(pyfunc, "__annotations__", {})
    found: Dict[str, Type] = {}
    for p in spec.params:
        annotation = annotations.get(p.name)
        if annotation is None or is_callable_annotation(annotation):
            continue
        if p.kind in (P.VAR_POSITIONAL, P.VAR_KEYWORD):
            t = type_from_annotation(annotation, pyfunc.__globals__)
        else:
            t = parameter_type(annotation, p.default, pyfunc.__globals__)
        if t is not None and not has_open_array(t):
            found[p.name] = t
    return found


def varargs_type(param: inspect.Parameter, annotated: Type) -> Type:
    """A parameter's type from its annotation: `*args: T` holds a
    Tuple[T, ...], `**kwargs: T` a Dict[str, T]."""
    if param.kind == P.VAR_POSITIONAL:
        return VarTupleType(annotated)
    if param.kind == P.VAR_KEYWORD:
        return DictType(STR, annotated)
    return annotated


class StaticCall:
    """`with StaticCall(b, node, "len") as call:` -- the call with its
    arguments evaluated (in order) into hidden names and `*t`/`**{...}`
    unpacked, for callees that read a fixed argument list (built-ins,
    methods of str and containers): a `*` of a list or a `**` of a dict,
    whose length only the run time knows, is a CompileError."""

    def __init__(self, b: "FunctionBuilder", node: ast.Call, what: str,
                 flat: Optional[Flat] = None) -> None:
        self.b, self.node, self.what, self.flat = b, node, what, flat
        self.names: List[str] = []

    def __enter__(self) -> ast.Call:
        b, node = self.b, self.node
        if self.flat is None and not has_unpacking(node):
            return node
        flat = self.flat or flatten(b, node, self.what)
        if flat.rest is not None or flat.mapping is not None:
            starred = next((a for a in node.args if isinstance(a, ast.Starred)), None)
            where = starred if flat.rest is not None and starred is not None else \
                next(kw for kw in node.keywords if kw.arg is None)
            raise b.error(where, f"{self.what} takes a fixed list of arguments here: '*' of a "
                                 "list or '**' of a dict, whose length only the run time knows, "
                                 "is not supported",
                          hint="unpack a tuple or a display instead (`*(a, b)`), or pass the "
                               "arguments one by one")
        uid = b.next_loop_id()
        args, keywords = [], []
        for i, (value, where) in enumerate(flat.positional):
            args.append(self._name(f".star{uid}.{i}", value, where))
        for name, value, where in flat.keywords:
            keywords.append(ast.copy_location(
                ast.keyword(arg=name, value=self._name(f".star{uid}.{name}", value, where)),
                where))
        call = ast.Call(func=node.func, args=args, keywords=keywords)
        return ast.copy_location(call, node)

    def _name(self, name: str, value: ops.Value, where: ast.AST) -> ast.expr:
        self.names.append(name)
        self.b.lambda_bindings[name] = value
        return ast.copy_location(ast.Name(id=name, ctx=ast.Load()), where)

    def __exit__(self, *exc) -> None:
        for name in self.names:
            self.b.lambda_bindings.pop(name, None)
