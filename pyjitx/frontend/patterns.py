"""The match statement (PEP 634), as CPython runs it.

The subject is evaluated once; the cases are tried in order, each pattern
compiled to tests that branch to the next case when they fail, binding its
names as it goes (as CPython does: a name a failed case bound may stay
bound); then the guard; the first case that holds runs its body.

- literals and dotted names compare with ==, None/True/False with `is`;
- a capture binds the subject, `_` matches anything, `p as name` both;
- sequence patterns match lists and tuples (never str or bytes), by length,
  with one `*rest` that binds a list;
- mapping patterns match dicts, by key, with `**rest` a dict of the others;
- class patterns test isinstance, then match attributes: positional ones
  through the class's `__match_args__`, keywords by name; the built-ins
  bool, bytes, dict, float, int, list, set, str and tuple match their one
  positional sub-pattern against the subject itself (`int(n)`);
- `p | q` tries each alternative.

Typed subjects decide what they can statically (an int is never a list); an
Any is tested at run time, and what a pattern proves narrows the values it
binds (`case int(n):` makes n an int).
"""
from __future__ import annotations

import ast
import builtins
from typing import TYPE_CHECKING, List, Optional

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import (ANY, BOOL, INT, NONE, ClassType, DictType, ListType, OptionalType,
                        TupleType, Type, VarTupleType, is_any, join)
from . import narrowing

if TYPE_CHECKING:
    from .builder import FunctionBuilder

# built-in classes whose one positional sub-pattern matches the subject itself
_SELF_MATCHING = (bool, bytearray, bytes, dict, float, frozenset, int, list, set, str, tuple)


class _NeverMatches(Exception):
    """The types tell that the pattern cannot match: the case's code (whose
    names could not have the types it needs) is not built."""


def build_match(b: "FunctionBuilder", stmt: ast.Match) -> None:
    subject = b.expr.value(stmt.subject)
    after = b.new_block("endmatch")
    subject_name = stmt.subject.id if isinstance(stmt.subject, ast.Name) else None
    for case in stmt.cases:
        next_case = b.new_block("nextcase")
        outer = dict(b.narrowed)
        try:
            _Matcher(b, next_case).match(case.pattern, subject)
        except _NeverMatches:
            b.seal(next_case)
            b.start(next_case)
            continue
        if case.guard is not None:
            body = b.new_block("casebody")
            b.expr.condition(case.guard, body, next_case)
            b.seal(body)
            b.start(body)
        b.seal(next_case)
        narrowed = _narrowing_of(b, subject_name, case.pattern)
        if narrowed is not None and case.guard is None:
            b.narrowed.update(narrowed)
        b.statements(case.body)
        b.narrowed = narrowing.without(outer, narrowing.bound_names(case.body + [case.pattern]))
        if b.block is not None:
            b.goto(after)
        b.start(next_case)
        if not b.ssa_has_preds(next_case):  # an irrefutable case: nothing falls through
            b.terminate(ops.Unreachable())
            break
    if b.block is not None:
        b.goto(after)
    b._continue_at(after)
    b.narrowed = narrowing.without(b.narrowed, narrowing.bound_names([stmt]))


def _narrowing_of(b: "FunctionBuilder", name: Optional[str], pattern: ast.pattern):
    """In a case `C(...)` (or `C() as x`) on a local subject: the local as
    isinstance(local, C) would narrow it."""
    if name is None:
        return None
    while isinstance(pattern, ast.MatchAs) and pattern.pattern is not None:
        pattern = pattern.pattern
    if not isinstance(pattern, ast.MatchClass):
        return None
    current = narrowing.narrowable(b, name)
    if current is None:
        return None
    paths = narrowing._isinstance_paths(b, name, current, pattern.cls)
    return paths.when_true if paths is not None else None


class _Matcher:
    def __init__(self, b: "FunctionBuilder", fail: ops.Block) -> None:
        self.b = b
        self.fail = fail

    # ------------------------------------------------------------ helpers

    def require(self, condition: ops.Value) -> None:
        """Goes on where `condition` holds; the case fails where not."""
        b = self.b
        if isinstance(condition, ops.Constant):
            if not condition.value:
                b.goto(self.fail)
                raise _NeverMatches()
            return
        ok = b.new_block("matched")
        b.branch(condition, ok, self.fail)
        b.seal(ok)
        b.start(ok)

    def present(self, subject: ops.Value, node: ast.AST) -> ops.Value:
        """An Optional subject as its item (the case fails where it is None)."""
        b = self.b
        if not isinstance(subject.type, OptionalType):
            return subject
        is_none = b.emit(ops.OptionalOp("is_none", subject, BOOL))
        self.require(b.emit(ops.Unary("bool_not", is_none)))
        return b.expr.unwrap(subject, node)

    def bind(self, name: Optional[str], value: ops.Value, node: ast.AST) -> None:
        if name is not None:
            self.b.write_var(name, value, node)

    def equal(self, subject: ops.Value, value: ops.Value, node: ast.AST) -> ops.Value:
        from .containers import never_equal

        t = subject.type.item if isinstance(subject.type, OptionalType) and value.type != NONE \
            else subject.type
        if not is_any(t) and not is_any(value.type) and never_equal(t, value.type):
            if not isinstance(subject.type, OptionalType):
                return ops.Constant(BOOL, False)
        return self.b.expr.compare(ast.Eq(), subject, value, node)

    # ------------------------------------------------------------ patterns

    def match(self, pattern: ast.pattern, subject: ops.Value) -> None:
        method = getattr(self, "match_" + type(pattern).__name__)
        method(pattern, subject)

    def match_MatchAs(self, pattern: ast.MatchAs, subject: ops.Value) -> None:
        if pattern.pattern is not None:
            self.proven = None  # (what a class pattern proves: the subject as its class)
            self.match(pattern.pattern, subject)
            subject = getattr(self, "proven", None) or subject
            self.proven = None
        self.bind(pattern.name, subject, pattern)

    def match_MatchOr(self, pattern: ast.MatchOr, subject: ops.Value) -> None:
        b = self.b
        success = b.new_block("oralt")
        for index, alternative in enumerate(pattern.patterns):
            last = index == len(pattern.patterns) - 1
            next_alternative = self.fail if last else b.new_block("ornext")
            try:
                _Matcher(b, next_alternative).match(alternative, subject)
                b.goto(success)
            except _NeverMatches:
                pass  # (it went on to the next alternative)
            if not last:
                b.seal(next_alternative)
                b.start(next_alternative)
        b.seal(success)
        if not b.ssa_has_preds(success):
            raise _NeverMatches()
        b.start(success)

    def match_MatchValue(self, pattern: ast.MatchValue, subject: ops.Value) -> None:
        value = self.b.expr.value(pattern.value)
        self.require(self.equal(subject, value, pattern))

    def match_MatchSingleton(self, pattern: ast.MatchSingleton, subject: ops.Value) -> None:
        b = self.b
        t = subject.type
        if pattern.value is None:
            if is_any(t) or isinstance(t, OptionalType):
                self.require(b.emit(ops.OptionalOp("is_none", subject, BOOL)))
            else:
                self.require(ops.Constant(BOOL, t == NONE))
            return
        # True / False: the bool itself (`1 is True` is False)
        if is_any(t) or isinstance(t, OptionalType):
            from .typechecks import is_type

            self.require(is_type(b, subject, bool, pattern))
            subject = b.expr.coerce(subject, BOOL, pattern)
        elif t != BOOL:
            self.require(ops.Constant(BOOL, False))
        self.require(b.expr.compare(ast.Eq(), subject, ops.Constant(BOOL, pattern.value), pattern))

    # ------------------------------------------------------------ sequences

    def _as_sequence(self, subject: ops.Value, node: ast.AST) -> Optional[ops.Value]:
        """The subject as a list or a fixed tuple, where it is a sequence
        (a list or a tuple); None where it never is."""
        from . import containers
        from .anys import _TYPE_IDS, _is_instance

        b = self.b
        subject = self.present(subject, node)
        t = subject.type
        if isinstance(t, (ListType, TupleType)):
            return subject
        if isinstance(t, VarTupleType):
            return containers.as_list(b, subject, node)
        if is_any(t):
            is_list = _is_instance(b, subject, _TYPE_IDS[list], 0, node)
            is_tuple = _is_instance(b, subject, _TYPE_IDS[tuple], 0, node)
            self.require(b.emit(ops.Select(is_list, ops.Constant(BOOL, True), is_tuple)))
            return containers.as_list(b, subject, node)
        return None

    def match_MatchSequence(self, pattern: ast.MatchSequence, subject: ops.Value) -> None:
        from . import containers

        b = self.b
        sequence = self._as_sequence(subject, pattern)
        if sequence is None:
            self.require(ops.Constant(BOOL, False))
        stars = [i for i, p in enumerate(pattern.patterns) if isinstance(p, ast.MatchStar)]
        star = stars[0] if stars else None
        fixed = len(pattern.patterns) - (1 if stars else 0)
        if isinstance(sequence.type, TupleType):
            n = len(sequence.type.items)
            self.require(ops.Constant(BOOL, n >= fixed if stars else n == fixed))
            length: ops.Value = ops.Constant(INT, n)
        else:
            length = b.emit(ops.Length(sequence))
            self.require(b.emit(ops.Compare("ge" if stars else "eq", length,
                                            ops.Constant(INT, fixed))))

        def item(index: int, from_end: bool = False) -> ops.Value:
            if isinstance(sequence.type, TupleType):
                at = len(sequence.type.items) - index if from_end else index
                return containers.prim(b, prims.TUPLE_GET, [sequence, ops.Constant(INT, at)],
                                       pattern, sequence.type.items[at])
            at = b.emit(ops.IntArith("sub", length, ops.Constant(INT, index))) if from_end \
                else ops.Constant(INT, index)
            return containers.prim(b, prims.LIST_GET, [sequence, at], pattern,
                                   sequence.type.item)

        before = pattern.patterns if star is None else pattern.patterns[:star]
        for index, sub in enumerate(before):
            self.match(sub, item(index))
        if star is None:
            return
        after = pattern.patterns[star + 1:]
        if pattern.patterns[star].name is not None:
            self.bind(pattern.patterns[star].name,
                      self._middle(sequence, length, star, len(after), pattern), pattern)
        for offset, sub in enumerate(after):
            self.match(sub, item(len(after) - offset, from_end=True))

    def _middle(self, sequence: ops.Value, length: ops.Value, start: int, after: int,
                node: ast.AST) -> ops.Value:
        """`*rest`: a list of the items between the fixed ones."""
        from . import containers

        b = self.b
        if isinstance(sequence.type, TupleType):
            items = sequence.type.items[start:len(sequence.type.items) - after]
            item_type: Optional[Type] = None
            for t in items:
                item_type = t if item_type is None else join(item_type, t)
            result = containers.new_list(b, item_type or ANY, node)
            for i, t in enumerate(items):
                value = containers.prim(b, prims.TUPLE_GET, [sequence, ops.Constant(INT, start + i)],
                                        node, t)
                containers.append(b, result, b.expr.coerce(value, result.type.item, node), node)
            return result
        stop = b.emit(ops.IntArith("sub", length, ops.Constant(INT, after)))
        return containers.prim(b, prims.LIST_SLICE, [sequence, ops.Constant(INT, start), stop,
                                                     ops.Constant(INT, 1)], node, sequence.type)

    # ------------------------------------------------------------- mappings

    def match_MatchMapping(self, pattern: ast.MatchMapping, subject: ops.Value) -> None:
        from . import anys, containers
        from .anys import _TYPE_IDS, _is_instance

        b = self.b
        subject = self.present(subject, pattern)
        t = subject.type
        dynamic = is_any(t)
        if dynamic:
            self.require(_is_instance(b, subject, _TYPE_IDS[dict], 0, pattern))
        elif not isinstance(t, DictType):
            self.require(ops.Constant(BOOL, False))
        keys = [b.expr.value(k) for k in pattern.keys]
        for key, key_node, sub in zip(keys, pattern.keys, pattern.patterns):
            if dynamic:
                self.require(anys.contains(b, key, subject, key_node))
                self.match(sub, anys.getitem(b, subject, key, key_node))
                continue
            if not is_any(t.key) and containers.never_equal(t.key, key.type):
                self.require(ops.Constant(BOOL, False))
            self.require(containers.contains(b, key, subject, key_node))
            key = b.expr.coerce(key, t.key, key_node) if not is_any(t.key) else \
                anys.box(b, key, key_node)
            self.match(sub, containers.prim(b, prims.DICT_GETITEM, [subject, key], key_node,
                                            t.value))
        if pattern.rest is not None:
            self.bind(pattern.rest, self._rest(subject, keys, pattern), pattern)

    def _rest(self, subject: ops.Value, keys: List[ops.Value], node: ast.AST) -> ops.Value:
        """`**rest`: a new dict of the other items."""
        from . import anys, containers
        from .loops import build_for

        b = self.b
        if not is_any(subject.type):
            rest = containers.prim(b, prims.DICT_COPY, [subject], node, subject.type)
            for key in keys:
                key = anys.box(b, key, node) if is_any(subject.type.key) else \
                    b.expr.coerce(key, subject.type.key, node)
                containers.prim(b, prims.DICT_DELITEM, [rest, key], node)
            return rest
        rest = containers.prim(b, prims.DICT_NEW, [containers.kind(ANY), containers.kind(ANY)],
                               node, DictType(ANY, ANY))

        def body() -> None:
            key = b.loop_item
            for taken in keys:
                other = b.new_block("restkey")
                b.expr.condition_value(anys.compare(b, "eq", key, taken, node),
                                       b.loops[-1].continue_target, other)
                b.seal(other)
                b.start(other)
            containers.prim(b, prims.DICT_SETITEM, [rest, key, anys.getitem(b, subject, key, node)],
                            node)

        build_for(b, None, node, body, [], node, iterable=anys.items(b, subject, node))
        return rest

    # -------------------------------------------------------------- classes

    def match_MatchClass(self, pattern: ast.MatchClass, subject: ops.Value) -> None:
        from .anys import isinstance_narrowed_type
        from .classes import class_type_of, original_class

        b = self.b
        cls = narrowing._named_class(b, pattern.cls)
        if cls is None:
            raise b.error(pattern.cls, f"'{ast.unparse(pattern.cls)}' must name a class in a "
                          "class pattern")
        test = ast.Call(func=ast.Name(id="isinstance", ctx=ast.Load()),
                        args=[ast.Name(id=".subject", ctx=ast.Load()), pattern.cls], keywords=[])
        for sub in (test, test.func, test.args[0]):
            ast.copy_location(sub, pattern)
        from .calls import _isinstance

        if cls is not type(None):
            subject = self.present(subject, pattern)
        b.lambda_bindings[".subject"] = subject
        try:
            self.require(_isinstance(b, test, builtins.isinstance))
        finally:
            b.lambda_bindings.pop(".subject", None)
        from ..arrays import is_ndarray_class

        if cls in _SELF_MATCHING or is_ndarray_class(cls):
            # (an Any's bool stays a bool: int(n) binds True as True)
            narrowed = None if cls is int else isinstance_narrowed_type(cls)
        else:
            narrowed = class_type_of(cls) if original_class(cls) is not None else None
        value = self._narrowed(subject, narrowed, pattern)
        self.proven = value
        if cls in _SELF_MATCHING:
            if len(pattern.patterns) > 1:
                raise b.error(pattern, f"{cls.__name__}() accepts 1 positional sub-pattern "
                              f"({len(pattern.patterns)} given)")
            if pattern.kwd_attrs:
                raise b.error(pattern, f"keyword sub-patterns of {cls.__name__}() are not "
                              "supported", hint=f"match {cls.__name__}() and test the value in a "
                                                 "guard")
            for sub in pattern.patterns:
                self.match(sub, value)
            self.proven = value
            return
        if not isinstance(value.type, ClassType):
            raise b.error(pattern, f"class patterns of {cls.__name__} are supported for "
                          "compiled classes and the built-in types",
                          hint="test it with isinstance() in an if statement")
        names = getattr(original_class(cls), "__match_args__", ())
        if not (isinstance(names, tuple) and all(isinstance(n, str) for n in names)):
            raise b.error(pattern, f"{cls.__name__}.__match_args__ must be a tuple of str")
        if len(pattern.patterns) > len(names):
            raise b.error(pattern, f"{cls.__name__}() accepts {len(names)} positional "
                          f"sub-pattern{'' if len(names) == 1 else 's'} "
                          f"({len(pattern.patterns)} given)")
        attributes = list(zip(names, pattern.patterns)) + list(zip(pattern.kwd_attrs,
                                                                    pattern.kwd_patterns))
        seen = set()
        for name, sub in attributes:
            if name in seen:
                raise b.error(sub, f"{cls.__name__}() got multiple sub-patterns for attribute "
                              f"'{name}'")
            seen.add(name)
            self.match(sub, self._attribute(value, name, sub))
        self.proven = value

    def _narrowed(self, subject: ops.Value, to: Optional[Type], node: ast.AST) -> ops.Value:
        """The subject as the type an isinstance test just proved."""
        b = self.b
        if to is None or subject.type == to:
            return subject
        t = subject.type
        if is_any(t) or isinstance(t, OptionalType):
            return b.expr.coerce(subject, to, node)
        if isinstance(t, ClassType) and isinstance(to, ClassType) and to.is_subclass_of(t):
            return b.emit(ops.OptionalOp("wrap", subject, to))  # the same instance, seen as C
        if to == INT and t == BOOL:
            return subject  # (int(n) of a bool binds the bool)
        return subject

    def _attribute(self, value: ops.Value, name: str, node: ast.AST) -> ops.Value:
        from .classes import get_attribute

        attribute = ast.copy_location(ast.Attribute(value=ast.Name(id=".subject", ctx=ast.Load()),
                                                    attr=name, ctx=ast.Load()), node)
        return get_attribute(self.b, value, attribute)

    def match_MatchStar(self, pattern: ast.MatchStar, subject: ops.Value) -> None:
        raise AssertionError("a star pattern is handled by its sequence pattern")
