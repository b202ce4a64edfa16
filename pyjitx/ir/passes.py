"""Clean-up passes over IR.  Each leaves valid IR behind.

- remove_unreachable_blocks: blocks no path from the entry reaches.
- remove_trivial_params: block parameters whose every incoming value is the
  same (SSA construction leaves these behind), replaced by that value.
- fold_bound_checks: CheckBound of a constant true disappears.
- drop_light_loop_polls: a range loop's poll for signals on every iteration
  goes when its body makes no call (it polls between chunks then).
"""
from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

from .ops import Block, BlockParam, Call, CheckBound, Constant, Function, Module, Value


def remove_unreachable_blocks(fn: Function) -> None:
    reached: Set = set()
    stack = [fn.entry]
    while stack:
        block = stack.pop()
        if block in reached:
            continue
        reached.add(block)
        stack.extend(block.successors)
    fn.blocks = [b for b in fn.blocks if b in reached]


def _substitute(fn: Function, mapping: Dict[Value, Value]) -> None:
    # Resolve chains (a -> b -> c) before rewriting.
    def resolve(v: Value) -> Value:
        seen = set()
        while v in mapping and v not in seen:
            seen.add(v)
            v = mapping[v]
        return v

    flat = {k: resolve(k) for k in mapping}
    for block in fn.blocks:
        for op in block.ops:
            op.replace_operands(flat)
        if block.terminator is not None:
            block.terminator.replace_operands(flat)


def _identity(value: Value):
    """Constants are equal by type and value (repr: keeps -0.0 and NaN
    apart from 0.0 and from each other's inequality); other values by
    identity."""
    if isinstance(value, Constant):
        return ("const", value.type, repr(value.value))
    return value


def remove_trivial_params(fn: Function) -> None:
    """Replaces block parameters that can only ever hold one value.

    Works on strongly connected components of the "parameter receives
    parameter" graph (Braun et al., section 3.2): if all values flowing
    into a component from outside it are one value, every parameter of the
    component is that value.  A single parameter is the plain case (all
    incoming values equal, ignoring itself).  Repeats until nothing changes.
    """
    while True:
        mapping = _redundant_params(fn)
        if not mapping:
            return
        for block in fn.blocks[1:]:
            keep = [i for i, p in enumerate(block.params) if p not in mapping]
            if len(keep) != len(block.params):
                _drop_params(fn, block, keep)
        _substitute(fn, mapping)


def _redundant_params(fn: Function) -> Dict[Value, Value]:
    params = [p for b in fn.blocks[1:] for p in b.params]
    incoming: Dict[BlockParam, List[Value]] = {p: [] for p in params}
    for block in fn.blocks:
        for edge in block.terminator.edges:
            for arg, param in zip(edge.args, edge.target.params):
                if param in incoming:
                    incoming[param].append(arg)
    mapping: Dict[Value, Value] = {}
    for component in _components(params, incoming):
        members = set(component)
        outside: Dict = {}
        for param in component:
            for arg in incoming[param]:
                arg = mapping.get(arg, arg)
                if arg not in members:
                    outside.setdefault(_identity(arg), arg)
        if len(outside) == 1:
            value = next(iter(outside.values()))
            for param in component:
                mapping[param] = value
    return mapping


def _components(params: List[BlockParam], incoming: Dict[BlockParam, List[Value]]):
    """Tarjan's SCCs of the parameter graph, dependencies first."""
    graph = {p: [a for a in incoming[p] if a in incoming] for p in params}
    return _tarjan(params, graph)


def _tarjan(nodes, graph):
    """Strongly connected components of `graph` (node -> successors), each
    component after the components it reaches."""
    index: Dict = {}
    low: Dict = {}
    stack: List = []
    on_stack = set()
    result: List[List] = []

    def visit(root) -> None:
        # Iterative DFS: functions can have long parameter chains.
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = len(index)
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(graph[succ])))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member is node:
                        break
                result.append(component)

    for node in nodes:
        if node not in index:
            visit(node)
    return result


def _drop_params(fn: Function, block, keep: List[int]) -> None:
    block.params = [block.params[i] for i in keep]
    for pred in fn.blocks:
        for edge in pred.terminator.edges:
            if edge.target is block:
                edge.args = [edge.args[i] for i in keep]


def fold_bound_checks(fn: Function) -> Set[Block]:
    """Drops the bound checks of names known to be bound; returns the
    blocks whose last op was one (inside a try, the op their handler edge
    was for: see drop_dead_try_edges)."""
    lost_last: Set[Block] = set()
    for block in fn.blocks:
        kept = [op for op in block.ops
                if not (isinstance(op, CheckBound) and isinstance(op.operands[0], Constant)
                        and op.operands[0].value is True)]
        if block.ops and (not kept or kept[-1] is not block.ops[-1]):
            lost_last.add(block)
        block.ops = kept
    return lost_last


def drop_dead_try_edges(fn: Function, lost_last: Set[Block] = frozenset()) -> bool:
    """A TryGoto whose block no longer ends in the op that can raise into
    its handler (a bound check folded away) becomes a plain goto.  Whatever
    op now ends the block was emitted outside the try (before it, or before
    a block merge), so its failure must not reach this handler."""
    from .ops import Goto, TryGoto

    changed = False
    for block in fn.blocks:
        term = block.terminator
        if isinstance(term, TryGoto) and (block in lost_last or
                                          not (block.ops and block.ops[-1].can_raise)):
            normal = term.edges[0]
            goto = Goto(normal.target, term.line)
            goto.edges[0].args = normal.args
            block.terminator = goto  # the handler edge and its arguments go
            changed = True
    return changed


def _light(op) -> bool:
    """An op that makes no call that could take long: arithmetic, array
    elements, scalar fields and items, conversions.  (A refcounted result
    is released later, which may free: a call.)"""
    from .ops import (Compare, CompareIntFloat, Convert, FloatArith, GetAttr, InstanceOf,
                      IntArith, Length, ListItem, NDElement, NDField, NDStore, OptionalOp,
                      RangeLength, Select, Unary, WidenFunction)

    light = (IntArith, FloatArith, Unary, Compare, CompareIntFloat, Convert, RangeLength,
             Select, CheckBound, NDElement, NDStore, NDField, Length, InstanceOf, WidenFunction,
             OptionalOp, ListItem, GetAttr)
    return isinstance(op, light) and not op.type.is_refcounted


def drop_light_loop_polls(fn: Function) -> Tuple[Set[Block], bool]:
    """A range loop whose body may make no call is built twice
    (frontend/loops.py): a plain loop for runs of up to a chunk, polling
    for signals on every iteration, and a loop in chunks for longer runs,
    polling between chunks.  When the plain loop's blocks hold only light
    ops, whose iterations take nanoseconds, its poll goes; otherwise (a
    call, which may run long, or a loop, whose short runs would never reach
    a chunk's end) the plain loop, polling on every iteration, runs every
    run and the chunked one goes.  Returns the blocks whose last op was a
    dropped poll (drop_dead_try_edges) and whether a loop went (blocks to
    remove)."""
    from .ops import Goto, PrimitiveCall

    present = set(fn.blocks)
    lost_last: Set[Block] = set()
    removed = False
    for block in fn.blocks:
        for op in block.ops:
            loop = op.strip_mined if isinstance(op, PrimitiveCall) else None
            if loop is None:
                continue
            if all(other is op or _light(other)
                   for b in loop.blocks if b in present for other in b.ops):
                if block.ops[-1] is op:
                    lost_last.add(block)
                block.ops = [other for other in block.ops if other is not op]
                block.chunked = True  # (it runs at most a chunk: ir/verify.py)
            else:
                short = loop.dispatch.terminator.edges[1]  # (the branch's false edge)
                goto = Goto(short.target, loop.dispatch.terminator.line)
                goto.edges[0].args = short.args
                loop.dispatch.terminator = goto
                removed = True
            break
    return lost_last, removed


def simplify(fn: Function) -> None:
    """The clean-up pipeline the frontend runs on every function it builds."""
    remove_unreachable_blocks(fn)
    remove_trivial_params(fn)
    polls_dropped, loops_removed = drop_light_loop_polls(fn)
    lost_last = fold_bound_checks(fn) | polls_dropped
    if drop_dead_try_edges(fn, lost_last) or loops_removed:
        remove_unreachable_blocks(fn)
        remove_trivial_params(fn)


def _callee_symbol(op) -> Optional[str]:
    from .ops import VirtualCall

    if isinstance(op, Call):
        return op.callee.symbol
    if isinstance(op, VirtualCall):
        return op.direct.symbol
    return None


def mark_call_cycles(module: Module) -> None:
    """Sets `cycle` on every function that can reach itself through calls,
    one number per strongly connected component of the call graph."""
    by_symbol = {fn.signature.symbol: fn for fn in module.functions}
    callees = {
        fn: [by_symbol[symbol] for b in fn.blocks for op in b.ops
             for symbol in [_callee_symbol(op)] if symbol in by_symbol]
        for fn in module.functions
    }
    for fn in module.functions:
        fn.cycle = None
    for number, component in enumerate(_tarjan(list(callees), callees)):
        if len(component) > 1 or component[0] in callees[component[0]]:
            for fn in component:
                fn.cycle = number


from . import primitives_stdlib as _stdlib_primitives  # noqa: E402

# Primitives that change their first argument (a container) in place.
MUTATORS = frozenset({
    "list_append", "list_set", "list_delitem", "list_insert", "list_pop", "list_remove",
    "list_clear", "list_extend", "list_reverse", "list_del_slice", "list_sort",
    "list_inplace_repeat", "list_set_slice",
    "list_sort_keyed", "dict_setitem", "dict_delitem", "dict_pop", "dict_pop_default",
    "dict_popitem_tuple", "dict_setdefault", "dict_update", "dict_clear", "dict_ior",
    "set_add", "set_discard", "set_remove", "set_pop", "set_clear", "set_update",
    "set_update_list", "set_intersection_update", "set_difference_update",
    "set_symmetric_difference_update",
    # bytearray (a list of ints, bytearray.h)
    "bytearray_setitem", "bytearray_delitem", "bytearray_append", "bytearray_pop", "bytearray_extend_ints",
    "bytearray_extend_bytes",
    # array.array (a list of ints or floats, array.h): the list is the second operand
    "array_frombytes",
    # through an Any (any.h): the container is its first Any operand
    # (any_method's is its second, after the method number: counted as
    # "stored into a container" below, which marks it all the same)
    "any_setitem", "any_method", "any_setslice", "any_delslice", "any_delitem",
}) | _stdlib_primitives.MUTATORS


# The list/dict/set/tuple methods that change nothing (anys.CONTAINER_METHODS).
_READING_METHODS = frozenset({"index", "count", "copy", "get", "keys", "values", "items",
                              "union", "intersection", "difference", "symmetric_difference",
                              "issubset", "issuperset", "isdisjoint"})


def _reads_only(op) -> bool:
    """Is this any_method call one of the methods that change nothing?"""
    from .ops import Constant
    from .primitives import CONTAINER_METHODS

    number = op.operands[0]
    if not isinstance(number, Constant):
        return False
    names = {n: name for name, n in CONTAINER_METHODS.items()}
    return names.get(number.value) in _READING_METHODS


# Primitives whose result is their first operand's object itself.
_ALIASING = frozenset({"any_box_container", "any_cast", "bytearray_view", "bytearray_of_items"})


def mutated_params(fn: Function) -> Set[str]:
    """Names of container parameters the function may change in place, so
    that the boundary writes them back to the caller's objects (docs/spec.md §2.6).

    Conservative: a parameter counts as mutated when it is the receiver of
    a mutating primitive, when it escapes (stored in a container, passed to
    another compiled function, flowing into a block parameter), or when it
    holds nested containers and the function mutates any container (an
    inner list taken out of it may be the one mutated)."""
    from .ops import Call, OptionalOp, PrimitiveCall, PythonCall, SetAttr, VirtualCall
    from .types import (ArrayType, BYTEARRAY, BYTES, STR, DequeType, DictType, ListType, OptionalType, SetType,
                        TupleType, VarTupleType, is_any)

    def holds_containers(t) -> bool:
        """May a container the function reaches through t, other than t
        itself, change?  (Taken out of it -- an item, the value inside an
        Optional or a tuple -- it is another SSA value, so the receivers
        below do not see it.)"""
        if is_any(t):  # may be a list of lists
            return True
        if isinstance(t, OptionalType):
            return isinstance(t.item, (ListType, SetType, DictType, DequeType)) or \
                holds_containers(t.item)
        if isinstance(t, TupleType):
            return any(is_or_holds(item) for item in t.items)
        if isinstance(t, VarTupleType):
            return is_or_holds(t.item)
        item = t.value if isinstance(t, DictType) else getattr(t, "item", None)
        if not isinstance(t, (ListType, SetType, DictType, DequeType)):
            return False
        return item.is_refcounted and item not in (STR, BYTES)

    def is_or_holds(t) -> bool:
        return isinstance(t, (ListType, SetType, DictType, DequeType)) or holds_containers(t)

    params = {p: p.name for p in fn.entry.params
              if isinstance(p.type, (ListType, DictType, SetType, TupleType, VarTupleType,
                                     OptionalType, DequeType, ArrayType)) or is_any(p.type)
              or p.type == BYTEARRAY}
    # values that are a parameter's object under another type: wrapped in an
    # Optional or an Any, cast back (`y: Any = xs; y.append(1)` changes xs)
    changed = True
    while changed:
        changed = False
        for block in fn.blocks:
            for op in block.ops:
                if op in params or not op.operands or op.operands[0] not in params:
                    continue
                if (isinstance(op, OptionalOp) and op.op in ("wrap", "unwrap")) or (
                        isinstance(op, PrimitiveCall) and op.primitive.name in _ALIASING):
                    params[op] = params[op.operands[0]]
                    changed = True
    mutated: Set[str] = set()
    any_mutation = False
    for block in fn.blocks:
        for op in block.ops:
            if isinstance(op, PrimitiveCall):
                if op.primitive.name == "any_method" and _reads_only(op):
                    # (x.count(v), x.index(v), x.get(k, d) ...: the receiver
                    # stays as it was; an argument may come back, so it escapes)
                    for v in op.operands[2:]:
                        if v in params:
                            mutated.add(params[v])
                elif op.primitive.name in MUTATORS:
                    any_mutation = True
                    if op.operands and op.operands[0] in params:
                        mutated.add(params[op.operands[0]])
                    for v in op.operands[1:]:
                        if v in params:
                            mutated.add(params[v])  # stored into a container
                elif op.primitive.name == "tuple_set_steal":
                    for v in op.operands[1:]:
                        if v in params:
                            mutated.add(params[v])
            elif isinstance(op, (Call, VirtualCall, PythonCall, SetAttr)):
                # passed on, or stored in an instance: anything may change it
                for v in op.operands:
                    if v in params:
                        mutated.add(params[v])
        if block.terminator is not None:
            for edge in block.terminator.edges:
                for v in edge.args:
                    if v in params:
                        mutated.add(params[v])
    if any_mutation:
        mutated |= {name for p, name in params.items() if holds_containers(p.type)}
    return mutated


# Mutations that can drop a list's reference to an item (so a reference
# borrowed from the list could dangle); appends, inserts and reorderings
# keep every item alive.
_ITEM_DROPPING = frozenset(name for name in MUTATORS if name.startswith(("list_", "any_"))) - {
    "list_append", "list_extend", "list_insert", "list_sort", "list_sort_keyed",
    "list_reverse"} | _stdlib_primitives.ITEM_DROPPING


def borrow_loop_items(fn: Function) -> None:
    """Items read by `for x in some_list` are borrowed (no incref/decref per
    item) when nothing in the function can drop a list's reference to an
    item while it is in use: no op that removes or replaces list items and
    no call of another compiled function or of Python (which could).  The list itself
    is live across the whole loop (its header reads it), and the refcount
    pass increfs a borrowed item that is stored, returned or kept past the
    iteration in a variable."""
    from .ops import Call, ListItem, PrimitiveCall, PythonCall, SetAttr, VirtualCall

    for block in fn.blocks:
        for op in block.ops:
            if isinstance(op, (Call, VirtualCall, PythonCall, SetAttr)):
                return
            if isinstance(op, PrimitiveCall) and op.primitive.name in _ITEM_DROPPING:
                return
    for block in fn.blocks:
        for op in block.ops:
            if isinstance(op, ListItem) and op.type.is_refcounted:
                op.borrowed_result = True
