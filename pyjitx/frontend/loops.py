"""`for` loops (statements and comprehensions).

`for x in range(...)` is a counted loop over an unsigned trip count, so
that no counter can overflow and LLVM sees a canonical induction variable.
Sequences (list, str, bytes, tuple) are walked by index, re-reading the
length each time round as CPython's iterators do; dicts and sets iterate
over a snapshot of their keys; enumerate, zip and reversed are unrolled
into the same index loop.  A call of a generator function is expanded
inline, with the loop body at each yield (pyjitx.frontend.generators)."""
from __future__ import annotations

import ast
import builtins
from typing import TYPE_CHECKING, Any, Callable, List, Optional, Tuple

from ..ir import ops
from ..ir import primitives as prims
from ..ir.types import (ArrayType, is_any, BOOL, BYTEARRAY, BYTES, INT, STR, UNKNOWN, ClassType, DictType, ListType, NDArrayType, SetType,
                        TupleType, VarTupleType, with_article)

if TYPE_CHECKING:
    from .builder import FunctionBuilder

def _builtin_call(b: "FunctionBuilder", node: ast.expr, name: str) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == name and node.func.id not in b.locals
            and b.lookup_global(name, node.func) is getattr(builtins, name))


def assign_target(b: "FunctionBuilder", target: Optional[ast.expr], value: ops.Value) -> None:
    if target is None:
        b.loop_item = value
    else:
        b._assign(target, value)


def build_for(b: "FunctionBuilder", target: Optional[ast.expr], iter_node: ast.expr,
              body_fn: Callable[[], None], orelse: List[ast.stmt], node: ast.AST,
              iterable: Optional[ops.Value] = None,
              body: Optional[List[ast.stmt]] = None) -> None:
    """for target in iter_node: body_fn()  else: orelse.  `body` (the
    statements, when known) lets `for w in s.split()` skip making a string
    per word when the loop never keeps w."""
    from . import containers

    if (iterable is None and body is not None and isinstance(target, ast.Name)
            and not b.progress.no_word_buffers
            and _plain_split(iter_node) and _word_stays_in_loop(b, target.id, body, node)):
        text = b.expr.unwrap(b.expr.value(iter_node.func.value), iter_node)
        if text.type == STR:
            _split_words_loop(b, text, target, body_fn, orelse, node)
            return
        from .strings import method_call

        iterable = method_call(b, text, "split", iter_node) if text.type == BYTES else None
        if iterable is None:
            raise b.error(iter_node, f"{with_article(text.type)} has no method 'split'")

    if iterable is None:
        from .generators import call_arguments, called_generator, loop_over

        generator = called_generator(b, iter_node)
        if generator is not None:  # for x in gen(...): its body, expanded here
            loop_over(b, generator, call_arguments(b, iter_node, generator), iter_node,
                      lambda item: assign_target(b, target, item), body_fn, orelse)
            return
    if iterable is None and _builtin_call(b, iter_node, "range"):
        build_range_for(b, target, iter_node, body_fn, orelse, node, body)
        return
    captured = _module_range(b, iter_node)
    if iterable is None and captured is not None:  # for i in BUFSIZE_RANGE (module level)
        call = ast.copy_location(ast.Call(
            func=ast.Name("range", ast.Load()),
            args=[ast.copy_location(ast.Constant(v), iter_node)
                  for v in (captured.start, captured.stop, captured.step)], keywords=[]),
            iter_node)
        build_range_for(b, target, call, body_fn, orelse, node)
        return
    if iterable is None and _builtin_call(b, iter_node, "enumerate"):
        call = iter_node
        if not 1 <= len(call.args) <= 2 or call.keywords:
            raise b.error(call, "enumerate() takes an iterable and an optional start")
        from .generators import called_generator

        generator = called_generator(b, call.args[0])
        if generator is not None:
            _enumerate_generator(b, target, call, generator, body_fn, orelse, node)
            return
        seq = _sequence(b, b.expr.iterable(call.args[0]), call.args[0])
        start = (b.expr.coerce(b.expr.value(call.args[1]), INT, call.args[1])
                 if len(call.args) == 2 else ops.Constant(INT, 0))

        def assign(k: ops.Value) -> None:
            index = b.emit(ops.IntArith("add", k, start))
            _assign_enumerated(b, target, index, _item(b, seq, k, node), node)

        _index_loop(b, lambda: b.emit(ops.Length(seq)), assign, body_fn, orelse, node)
        return
    if iterable is None and _builtin_call(b, iter_node, "zip"):
        call = iter_node
        if not call.args or call.keywords:
            raise b.error(call, "zip() takes one or more iterables")
        from .stdlib_itertools import zip_argument

        # count(...) and repeat(x) never end: their items come from the
        # position, and the other iterables say when zip stops
        endless = [zip_argument(b, a) for a in call.args]
        if all(e is not None for e in endless):
            raise b.error(call, "zip() of only count() and repeat() never ends, which compiled "
                          "code does not loop over here",
                          hint="zip them with a list or string, or use islice(...)")
        for e, a in zip(endless, call.args):
            if e is not None and e[0] == "count" and not all(
                    v.type == INT for v in e[1]):
                raise b.error(a, "count() in zip() takes int start and step here",
                              hint="use count() of ints, or a range")
        seqs = [None if e is not None else _sequence(b, b.expr.iterable(a), a)
                for e, a in zip(endless, call.args)]
        finite = [seq for seq in seqs if seq is not None]

        def length() -> ops.Value:
            n = b.emit(ops.Length(finite[0]))
            for seq in finite[1:]:
                m = b.emit(ops.Length(seq))
                n = b.emit(ops.Select(b.emit(ops.Compare("lt", m, n)), m, n))
            return n

        def endless_item(e: Any, k: ops.Value) -> ops.Value:
            if e[0] == "repeat":
                return e[1]
            start, step = e[1]
            return b.emit(ops.IntArith("add", start, b.emit(ops.IntArith("mul", k, step))))

        def assign(k: ops.Value) -> None:
            items = [_item(b, seq, k, node) if seq is not None else endless_item(e, k)
                     for seq, e in zip(seqs, endless)]
            if isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == len(items) \
                    and not any(isinstance(e, ast.Starred) for e in target.elts):
                for sub, item in zip(target.elts, items):
                    assign_target(b, sub, item)
            else:
                assign_target(b, target, containers.build_tuple(b, items, node))

        _index_loop(b, length, assign, body_fn, orelse, node)
        return
    if iterable is None and _builtin_call(b, iter_node, "reversed"):
        call = iter_node
        if len(call.args) != 1 or call.keywords:
            raise b.error(call, "reversed() takes one argument")
        value = b.expr.iterable(call.args[0])
        if isinstance(value.type, SetType):
            raise b.error(call.args[0], f"'{value.type}' object is not reversible")
        seq = _sequence(b, value, call.args[0])

        def assign(k: ops.Value) -> None:
            # index len - 1 - k, with the length read now (CPython's reversed
            # iterator stops early if the list shrinks)
            n = b.emit(ops.Length(seq))
            index = b.emit(ops.IntArith("sub", b.emit(ops.IntArith("sub", n, ops.Constant(INT, 1))), k))
            assign_target(b, target, _item(b, seq, index, node, checked=True))

        _index_loop(b, lambda: b.emit(ops.Length(seq)), assign, body_fn, orelse, node)
        return
    if iterable is None and _dict_view_call(iter_node):  # for k, v in d.items(): ...
        receiver = b.expr.value(iter_node.func.value)
        if isinstance(receiver.type, DictType):
            _dict_loop(b, receiver, iter_node.func.attr, target, body_fn, orelse, node)
            return
    value = iterable if iterable is not None else b.expr.unwrap(
        b.expr.iterable(iter_node), iter_node, "'NoneType' object is not iterable")
    if isinstance(value.type, (DictType, SetType)) and iterable is None:
        _dict_loop(b, value, "keys", target, body_fn, orelse, node)
        return
    from .generators import lazy_of, loop_over

    lazy = lazy_of(value)
    if lazy is not None:  # a stand-in's parameter bound to a generator call: expanded here
        loop_over(b, lazy.pyfunc, lazy.args, lazy.node, lambda item: assign_target(b, target, item),
                  body_fn, orelse)
        return
    if isinstance(value.type, ClassType):  # for x in obj: its __iter__
        from .classes import iterate

        value = iterate(b, value, iter_node, lambda item: assign_target(b, target, item),
                        body_fn, orelse)
        if value is None:  # a generator __iter__, expanded at this loop
            return
    if isinstance(value.type, NDArrayType):  # rows (views), or elements of a 1-d array
        from . import arrays

        array = value
        _index_loop(b, lambda: arrays.length(b, array, node),
                    lambda k: assign_target(b, target, arrays.item(b, array, k, node)),
                    body_fn, orelse, node)
        return
    seq = _sequence(b, value, iter_node)
    if isinstance(seq.type, TupleType) and not seq.type.items:
        # for x in (): the body never runs, and x would have no type
        _no_items(b, orelse)
        return
    if seq.type == STR:
        _str_loop(b, seq, target, body_fn, orelse, node)
        return
    _index_loop(b, lambda: b.emit(ops.Length(seq)),
                lambda k: assign_target(b, target, _item(b, seq, k, node)), body_fn, orelse, node)


def _assign_enumerated(b: "FunctionBuilder", target: Optional[ast.expr], index: ops.Value,
                       item: ops.Value, node: ast.AST) -> None:
    from . import containers

    if isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == 2:
        assign_target(b, target.elts[0], index)
        assign_target(b, target.elts[1], item)
    else:
        assign_target(b, target, containers.build_tuple(b, [index, item], node))


def _enumerate_generator(b: "FunctionBuilder", target: Optional[ast.expr], call: ast.Call,
                         generator, body_fn: Callable[[], None], orelse: List[ast.stmt],
                         node: ast.AST) -> None:
    """for i, x in enumerate(gen(...)): the generator expanded inline, with
    a counter that each yield advances."""
    from .generators import call_arguments, loop_over

    args = call_arguments(b, call.args[0], generator)
    start = (b.expr.coerce(b.expr.value(call.args[1]), INT, call.args[1])
             if len(call.args) == 2 else ops.Constant(INT, 0))
    counter = f".enum{b.next_loop_id()}"
    b.write_var(counter, start, node)

    def assign(item: ops.Value) -> None:
        index = b.read_var(counter, node)
        b.write_var(counter, b.emit(ops.IntArith("add", index, ops.Constant(INT, 1))), node)
        _assign_enumerated(b, target, index, item, node)

    loop_over(b, generator, args, call.args[0], assign, body_fn, orelse)


def _module_range(b: "FunctionBuilder", node: ast.expr) -> Optional[range]:
    """The range object a module-level name (or module attribute) holds,
    captured when compiling like every module value; None otherwise."""
    try:
        if isinstance(node, ast.Name) and node.id not in b.locals and \
                node.id not in b.state_names:
            value = b.lookup_global(node.id, node)
        elif isinstance(node, ast.Attribute):
            from .calls import _is_module_path, resolve_attribute

            if not _is_module_path(b, node.value):
                return None
            value = resolve_attribute(b, node)
        else:
            return None
    except Exception:  # (not a module-level name: the loop reports it)
        return None
    if isinstance(value, range) and all(-2**63 <= v < 2**63
                                        for v in (value.start, value.stop, value.step)):
        return value
    return None


def _plain_split(node: ast.expr) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "split" and not node.args and not node.keywords)


def _word_stays_in_loop(b: "FunctionBuilder", name: str, body: List[ast.stmt],
                        loop: ast.AST) -> bool:
    """True when the loop variable is only looked up (d.get(w, ..), w in x,
    x[w]), measured (len(w)) or compared in the body, and appears nowhere
    else in the function: then no reference to it outlives an iteration."""
    inside = set()
    parents = {}
    for stmt in body:
        for parent in ast.walk(stmt):
            for child in ast.iter_child_nodes(parent):
                parents[child] = parent
                inside.add(child)
            inside.add(parent)
    for sub in ast.walk(b.node):
        if isinstance(sub, ast.Name) and sub.id == name and sub not in inside and \
                sub is not getattr(loop, "target", None):
            return False  # used or assigned elsewhere in the function
        if isinstance(sub, (ast.Lambda, ast.FunctionDef)) and sub is not b.node:
            if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(sub)):
                return False
    for sub in inside:
        if not (isinstance(sub, ast.Name) and sub.id == name):
            continue
        if not isinstance(sub.ctx, ast.Load):
            return False
        parent = parents.get(sub)
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) \
                and parent.func.attr == "get" and parent.args and parent.args[0] is sub:
            continue
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) \
                and parent.func.id == "len" and parent.args == [sub]:
            continue
        if isinstance(parent, ast.Compare) and not any(
                isinstance(o, (ast.Is, ast.IsNot)) for o in parent.ops):
            continue
        if isinstance(parent, ast.Subscript) and parent.slice is sub \
                and isinstance(parent.ctx, ast.Load):
            continue
        if isinstance(parent, ast.Call) and sub in parent.args and _is_unicodedata(b, parent.func):
            continue  # unicodedata.normalize(form, w), category(w): new strings
        return False
    return True


def _is_unicodedata(b: "FunctionBuilder", func: ast.expr) -> bool:
    """Does `func` name one of the unicodedata functions compiled code
    calls (they read their arguments and return new values)?"""
    from .calls import _UNICODEDATA_BY_OBJECT, resolve_attribute

    try:
        if isinstance(func, ast.Name) and func.id not in b.locals:
            target = b.lookup_global(func.id, func)
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and func.value.id not in b.locals:
            target = resolve_attribute(b, func)
        else:
            return False
    except Exception:
        return False
    return id(target) in _UNICODEDATA_BY_OBJECT


def _sequence(b: "FunctionBuilder", value: ops.Value, node: ast.AST) -> ops.Value:
    """Something the index loop can walk: dicts and sets as their keys."""
    from . import containers

    t = value.type
    if isinstance(t, (DictType, SetType)):
        return containers.as_list(b, value, node)
    from .stdlib_collections import DequeType, deque_view

    if isinstance(t, DequeType):  # its items, in place
        return deque_view(b, value)
    if is_any(t):  # its items, as a List[Any]
        from . import anys

        return anys.items(b, value, node)
    if t == BYTEARRAY:  # its bytes as the List[int] it is held as (re-read each step)
        from .bytearrays import items

        return items(b, value, node)
    if isinstance(t, ArrayType):  # its items as the list it is held as (re-read each step)
        from .stdarrays import items as array_items

        return array_items(b, value, node)
    if isinstance(t, (ListType, TupleType, VarTupleType)) or t in (STR, BYTES):
        if isinstance(t, ListType) and t.item == UNKNOWN:
            raise b.error(node, "cannot infer the item type of this empty list",
                          hint="annotate it, e.g. 'xs: List[int] = []'")
        if isinstance(t, TupleType):
            containers.item_type(b, t, node)  # homogeneous tuples only
        return value
    raise b.error(node, f"'{t}' object is not iterable")


def _item(b: "FunctionBuilder", seq: ops.Value, k: ops.Value, node: ast.AST,
          checked: bool = False) -> ops.Value:
    from . import containers
    from .strings import emit_prim

    t = seq.type
    if isinstance(t, ListType):
        if checked:
            return containers.prim(b, prims.LIST_GET, [seq, k], node, t.item)
        return b.emit(ops.ListItem(seq, k, t.item))
    if t == STR:
        return emit_prim(b, prims.STR_GETITEM, [seq, k], node)
    if t == BYTES:
        return emit_prim(b, prims.BYTES_GETITEM, [seq, k], node)
    if isinstance(t, TupleType):
        return containers.prim(b, prims.TUPLE_GET, [seq, k], node, t.items[0])
    assert isinstance(t, VarTupleType), f"_item of {t}: _sequence passes sequences only"
    return containers.prim(b, prims.TUPLE_GET, [seq, k], node, t.item)


class _Cursor:
    """The int state of a loop (an index or a byte offset), as an SSA
    variable: read it, or set its next value, in the current block."""

    def __init__(self, b: "FunctionBuilder") -> None:
        self.b = b
        self.name = f".k{b.next_loop_id()}"
        b.var_types[self.name] = INT
        b.ssa.write(self.name, b.block, ops.Constant(INT, 0))

    def get(self) -> ops.Value:
        return self.b.ssa.read(self.name, self.b.block)

    def set(self, value: ops.Value) -> None:
        self.b.ssa.write(self.name, self.b.block, value)


def _cursor_loop(b: "FunctionBuilder", test: Callable[[_Cursor], Tuple[ops.Value, object]],
                 enter: Callable[[_Cursor, object], None],
                 step: Optional[Callable[[_Cursor], None]], body_fn: Callable[[], None],
                 orelse: List[ast.stmt]) -> None:
    """The shape of every non-range loop: in the header `test(cursor)` gives
    (more, carry); the body starts with `enter(cursor, carry)` (which binds
    the target and may move the cursor), then the statements; the latch
    runs `step(cursor)` if given."""
    cursor = _Cursor(b)
    header = b.new_block("for")
    body = b.new_block("forbody")
    latch = b.new_block("fornext")
    orelse_block = b.new_block("forelse") if orelse else None
    after = b.new_block("endfor")
    b.goto(header)
    b.start(header)
    b.poll_signals()
    more, carry = test(cursor)
    b.branch(more, body, orelse_block or after)
    b.seal(body)
    b.start(body)
    enter(cursor, carry)
    _body(b, body_fn, latch, after)
    b.seal(latch)
    b.start(latch)
    if step is not None:
        step(cursor)
    b.goto(header)
    b.seal(header)
    b._loop_else(orelse_block, orelse, after)


def _no_items(b: "FunctionBuilder", orelse: List[ast.stmt]) -> None:
    """A loop over nothing: only its else clause runs."""
    orelse_block = b.new_block("forelse") if orelse else None
    after = b.new_block("endfor")
    b.goto(orelse_block or after)
    b._loop_else(orelse_block, orelse, after)


def _index_loop(b: "FunctionBuilder", length: Callable[[], ops.Value],
                assign: Callable[[ops.Value], None], body_fn: Callable[[], None],
                orelse: List[ast.stmt], node: ast.AST) -> None:
    _cursor_loop(
        b, lambda k: (b.emit(ops.Compare("lt", k.get(), length())), None),
        lambda k, _: assign(k.get()),
        lambda k: k.set(b.emit(ops.IntArith("add_wrap", k.get(), ops.Constant(INT, 1)))),
        body_fn, orelse)


def _dict_view_call(node: ast.expr) -> bool:
    """`name.keys()`, `name.values()` or `name.items()` (a name: reading it
    twice, should the receiver turn out not to be a dict, does nothing)."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("keys", "values", "items") and not node.args
            and not node.keywords and isinstance(node.func.value, ast.Name))


def _dict_loop(b: "FunctionBuilder", d: ops.Value, view: str, target: Optional[ast.expr],
               body_fn: Callable[[], None], orelse: List[ast.stmt], node: ast.AST) -> None:
    """for k in d / d.keys() / d.values() / d.items(), and a set's items:
    walks the entries as CPython's dict iterator does, raising its
    RuntimeError when the loop's body changes the dict's size (or swaps a
    key for another), without copying the keys first."""
    from . import containers

    t = d.type
    size0 = b.emit(ops.Length(d))
    remaining = f".dleft{b.next_loop_id()}"
    b.write_var(remaining, size0, node)
    key_type = t.key if isinstance(t, DictType) else t.item

    def test(position: _Cursor):
        found = containers.prim(b, prims.DICT_ITER_NEXT,
                                [d, size0, position.get(), b.read_var(remaining, node)], node, INT)
        return b.emit(ops.Compare("ge", found, ops.Constant(INT, 0))), found

    def enter(position: _Cursor, found: ops.Value) -> None:
        position.set(b.emit(ops.IntArith("add_wrap", found, ops.Constant(INT, 1))))
        b.write_var(remaining, b.emit(ops.IntArith("sub", b.read_var(remaining, node),
                                                   ops.Constant(INT, 1))), node)
        if view in ("keys", "items"):
            key = containers.prim(b, prims.DICT_ENTRY_KEY, [d, found], node, key_type)
        if view in ("values", "items"):
            value = containers.prim(b, prims.DICT_ENTRY_VALUE, [d, found], node, t.value)
        if view == "keys":
            assign_target(b, target, key)
        elif view == "values":
            assign_target(b, target, value)
        elif isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == 2 and \
                not any(isinstance(e, ast.Starred) for e in target.elts):
            assign_target(b, target.elts[0], key)  # no tuple made for `for k, v in ...`
            assign_target(b, target.elts[1], value)
        else:
            assign_target(b, target, containers.build_tuple(b, [key, value], node))

    _cursor_loop(b, test, enter, None, body_fn, orelse)


def _str_loop(b: "FunctionBuilder", text: ops.Value, target: Optional[ast.expr],
              body_fn: Callable[[], None], orelse: List[ast.stmt], node: ast.AST) -> None:
    """for ch in text: walks the UTF-8 bytes (a str is immutable, so its
    byte length is read once), one character string at a time."""
    from .strings import emit_prim

    nbytes = b.emit(ops.Length(text, utf8=True))

    def enter(position: _Cursor, _) -> None:
        char = emit_prim(b, prims.STR_CHAR_AT_BYTE, [text, position.get()], node)
        position.set(b.emit(ops.IntArith("add_wrap", position.get(),
                                         b.emit(ops.Length(char, utf8=True)))))
        assign_target(b, target, char)

    _cursor_loop(b, lambda position: (b.emit(ops.Compare("lt", position.get(), nbytes)), None),
                 enter, None, body_fn, orelse)


def _split_words_loop(b: "FunctionBuilder", text: ops.Value, target: ast.Name,
                      body_fn: Callable[[], None], orelse: List[ast.stmt], node: ast.AST) -> None:
    """for w in text.split(), each word read into one reusable string."""
    from .strings import emit_prim

    word = emit_prim(b, prims.STR_SPLIT_SCRATCH, [text], node)

    def test(position: _Cursor) -> Tuple[ops.Value, object]:
        following = emit_prim(b, prims.STR_SPLIT_NEXT, [text, position.get(), word], node)
        return b.emit(ops.Compare("ge", following, ops.Constant(INT, 0))), following

    def enter(position: _Cursor, following) -> None:
        position.set(following)
        assign_target(b, target, word)

    _cursor_loop(b, test, enter, None, body_fn, orelse)


def _body(b: "FunctionBuilder", body_fn: Callable[[], None], continue_target: ops.Block,
          break_target: ops.Block) -> None:
    from .builder import LoopContext

    b.loops.append(LoopContext(continue_target, break_target))
    body_fn()
    if b.block is not None:
        b.goto(continue_target)
    b.loops.pop()


def build_range_for(b: "FunctionBuilder", target: Optional[ast.expr], call: ast.Call,
                    body_fn: Callable[[], None], orelse: List[ast.stmt], stmt: ast.AST,
                    body: Optional[List[ast.stmt]] = None) -> None:
    if call.keywords or not 1 <= len(call.args) <= 3:
        raise b.error(call, "range() takes 1 to 3 positional arguments")
    values: List[ops.Value] = []
    for arg in call.args:
        value = b.expr.value(arg)
        if value.type == BOOL:
            value = b.expr.coerce(value, INT, arg)
        if is_any(value.type):  # an int (or bool) at run time, else CPython's TypeError
            value = b.emit(ops.PrimitiveCall(prims.ANY_AS_INDEX, [value], b.lineno(arg)))
        if value.type != INT:
            raise b.error(arg, f"'{value.type}' object cannot be interpreted as an integer",
                          hint="range() takes ints")
        values.append(value)
    if len(values) == 1:
        start, stop, step = ops.Constant(INT, 0), values[0], ops.Constant(INT, 1)
    elif len(values) == 2:
        (start, stop), step = values, ops.Constant(INT, 1)
    else:
        start, stop, step = values
    _check_step(b, step, stmt)

    count = b.emit(ops.RangeLength(start, stop, step))
    orelse_block = b.new_block("forelse") if orelse else None
    after = b.new_block("endfor")
    # A poll for signals on every iteration is a load and a branch, and a
    # call that may write memory: in a loop whose body makes no call (an
    # array kernel) it keeps LLVM from hoisting loads out of the loop.  So
    # a body that may turn out so is built twice: a plain loop for up to
    # RANGE_CHUNK iterations, which then polls on every iteration only if
    # its body does make a call (passes.drop_light_loop_polls), and one for
    # longer runs that polls between chunks of RANGE_CHUNK iterations.
    if body is not None and _may_be_light(body):
        short, long = b.new_block("forshort"), b.new_block("forlong")
        dispatch = b.block
        b.branch(b.emit(ops.Compare("ult", ops.Constant(INT, RANGE_CHUNK), count)), long, short)
        b.seal(short)
        b.seal(long)
        b.start(short)
        narrowed = dict(b.narrowed)
        first = len(b.fn.blocks)
        poll = _plain_range_loop(b, target, start, step, count, body_fn, orelse_block or after,
                                 after)
        poll.strip_mined = ops.StripMinedLoop(set(b.fn.blocks[first:]) | {short}, dispatch)
        b.narrowed = narrowed
        b.start(long)
        _chunked_range_loop(b, target, start, step, count, body_fn, orelse_block or after, after)
    else:
        _plain_range_loop(b, target, start, step, count, body_fn, orelse_block or after, after)
    b._loop_else(orelse_block, orelse, after)


# Iterations of a range loop between two polls when its body makes no call:
# such an iteration takes nanoseconds, so a signal waits microseconds.
RANGE_CHUNK = 4096

# calls that build no call (casts, scalar min/max, len of a container)
_LIGHT_CALLS = frozenset({"int", "float", "bool", "abs", "min", "max", "len"})
_NOT_LIGHT = (ast.For, ast.AsyncFor, ast.While, ast.FunctionDef, ast.AsyncFunctionDef,
              ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
              ast.GeneratorExp, ast.Yield, ast.YieldFrom, ast.Await, ast.Try, ast.With,
              ast.AsyncWith, ast.Global, ast.Nonlocal, ast.Import, ast.ImportFrom,
              ast.JoinedStr, ast.Delete)


def _may_be_light(body: List[ast.stmt]) -> bool:
    """Could these statements build no call?  (Then a range loop over them
    is built twice; the IR decides.)  Nothing that cannot be built twice
    (definitions, imports, try, yield) passes."""
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, _NOT_LIGHT):
                return False
            if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name)
                                                   and node.func.id in _LIGHT_CALLS):
                return False
    return True


def _range_header(b: "FunctionBuilder", start: ops.Value) -> Tuple[str, str]:
    """The SSA names of a range loop's trip counter and value, set to 0
    and start in the current block."""
    loop_id = b.next_loop_id()
    counter, current = f".k{loop_id}", f".i{loop_id}"
    b.var_types[counter] = INT
    b.var_types[current] = INT
    b.ssa.write(counter, b.block, ops.Constant(INT, 0))
    b.ssa.write(current, b.block, start)
    return counter, current


def _range_body(b: "FunctionBuilder", target: Optional[ast.expr], counter: str, current: str,
                step: ops.Value, body: ops.Block, latch: ops.Block, header: ops.Block,
                body_fn: Callable[[], None], after: ops.Block) -> None:
    """The body (started in `body`) and the latch back to `header`."""
    b.seal(body)
    b.start(body)
    assign_target(b, target, b.ssa.read(current, body))
    _body(b, body_fn, latch, after)
    b.seal(latch)
    b.start(latch)
    b.ssa.write(counter, latch, b.emit(ops.IntArith("step_count", b.ssa.read(counter, latch),
                                                     ops.Constant(INT, 1))))
    b.ssa.write(current, latch, b.emit(ops.IntArith("step_index", b.ssa.read(current, latch), step)))
    b.goto(header)


def _plain_range_loop(b: "FunctionBuilder", target: Optional[ast.expr], start: ops.Value,
                      step: ops.Value, count: ops.Value, body_fn: Callable[[], None],
                      done: ops.Block, after: ops.Block) -> ops.PrimitiveCall:
    """A counted loop from the current block, polling on every iteration;
    `done` when the count is reached, `after` on break.  Returns the poll."""
    counter, current = _range_header(b, start)
    header, body, latch = b.new_block("for"), b.new_block("forbody"), b.new_block("fornext")
    b.goto(header)
    b.start(header)
    poll = b.poll_signals()
    b.branch(b.emit(ops.Compare("ult", b.ssa.read(counter, b.block), count)), body, done)
    _range_body(b, target, counter, current, step, body, latch, header, body_fn, after)
    b.seal(header)
    return poll


def _chunked_range_loop(b: "FunctionBuilder", target: Optional[ast.expr], start: ops.Value,
                        step: ops.Value, count: ops.Value, body_fn: Callable[[], None],
                        done: ops.Block, after: ops.Block) -> None:
    """A counted loop of more than RANGE_CHUNK iterations from the current
    block, polling between chunks of RANGE_CHUNK: the inner loop runs to
    `limit`, then the chunk's end goes on to the next chunk or to `done`."""
    counter, current = _range_header(b, start)
    limit = f".lim{b.next_loop_id()}"
    b.var_types[limit] = INT
    chunk_size = ops.Constant(INT, RANGE_CHUNK)
    b.ssa.write(limit, b.block, chunk_size)
    header, body, latch = b.new_block("for"), b.new_block("forbody"), b.new_block("fornext")
    chunk_end, refill = b.new_block("forchunkend"), b.new_block("fornextchunk")
    header.chunked = True
    b.goto(header)
    b.start(header)
    k = b.ssa.read(counter, b.block)
    b.branch(b.emit(ops.Compare("ult", k, b.ssa.read(limit, b.block))), body, chunk_end)
    b.seal(chunk_end)
    _range_body(b, target, counter, current, step, body, latch, header, body_fn, after)
    b.start(chunk_end)
    k = b.ssa.read(counter, chunk_end)
    b.branch(b.emit(ops.Compare("ult", k, count)), refill, done)
    b.seal(refill)
    b.start(refill)
    b.poll_signals()
    # the next chunk: min(RANGE_CHUNK, count - k) more (unsigned: the count
    # of range(-2**63, 2**63 - 1) is no int64)
    left = b.emit(ops.IntArith("sub_wrap", count, k))
    size = b.emit(ops.Select(b.emit(ops.Compare("ult", chunk_size, left)), chunk_size, left))
    b.ssa.write(limit, b.block, b.emit(ops.IntArith("add_wrap", k, size)))
    b.goto(header)
    b.seal(header)


def _check_step(b: "FunctionBuilder", step: ops.Value, stmt: ast.AST) -> None:
    message = "range() arg 3 must not be zero"
    if isinstance(step, ops.Constant):
        if step.value == 0:
            b.terminate(ops.Raise("ValueError", message, b.lineno(stmt)))
            b.start(b.new_block("dead"))
            b.seal(b.block)
        return
    zero = b.new_block("rangezero")
    ok = b.new_block("rangeok")
    b.branch(b.emit(ops.Compare("eq", step, ops.Constant(INT, 0))), zero, ok)
    b.seal(zero)
    b.seal(ok)
    b.start(zero)
    b.terminate(ops.Raise("ValueError", message, b.lineno(stmt)))
    b.start(ok)

