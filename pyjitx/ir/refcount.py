"""Reference-count insertion: the last pass before lowering.

Ops never touch reference counts themselves.  Instead every value of an
object type is either *owned* (the function holds one reference it must
release: op results and the parameters of non-entry blocks) or *borrowed*
(function parameters, which the caller keeps alive, and constants, which
are immortal).  This pass, in the manner of mypyc's, makes the counts
right using liveness:

- an owned value is released (DecRef) right after its last use in a block
  unless it is live out of the block;
- a value returned, or passed along an edge to a block parameter, hands
  one reference over: an owned value that dies there is moved, anything
  else gets an IncRef;
- on each edge, owned values that the target does not need are released
  (on a new block when the edge is critical);
- an op that can raise records in `op.cleanup` the owned values to release
  if it does, since its failure path leaves the function.
"""
from __future__ import annotations

from typing import Dict, List, Set

from .ops import (Block, BlockParam, Constant, DecRef, Edge, Function, Goto, IncRef, Op,
                  Raise, Return, TryGoto, Undefined, Value)


def is_object(value: Value) -> bool:
    return value.type.is_refcounted


def is_owned(fn: Function, value: Value) -> bool:
    if isinstance(value, (Constant, Undefined)):
        return False
    if isinstance(value, BlockParam):
        return value.block is not fn.entry
    if isinstance(value, Op):
        return not value.borrowed_result
    return False


def _terminator_uses(block: Block) -> List[Value]:
    term = block.terminator
    used = list(term.operands)
    for edge in term.edges:
        used.extend(edge.args)
    return [v for v in used if is_object(v)]


def liveness(fn: Function) -> Dict[Block, Set[Value]]:
    """live_in of every block, over object values (constants excluded)."""
    uses: Dict[Block, Set[Value]] = {}
    defs: Dict[Block, Set[Value]] = {}
    for block in fn.blocks:
        defined: Set[Value] = set(p for p in block.params if is_object(p))
        used: Set[Value] = set()
        for op in block.ops:
            for v in op.operands:
                if is_object(v) and not isinstance(v, (Constant, Undefined)) and v not in defined:
                    used.add(v)
            if is_object(op):
                defined.add(op)
        for v in _terminator_uses(block):
            if not isinstance(v, (Constant, Undefined)) and v not in defined:
                used.add(v)
        uses[block], defs[block] = used, defined
    live_in: Dict[Block, Set[Value]] = {b: set(uses[b]) for b in fn.blocks}
    changed = True
    while changed:
        changed = False
        for block in reversed(fn.blocks):
            out = _live_out(block, live_in)
            new = uses[block] | (out - defs[block])
            if new != live_in[block]:
                live_in[block] = new
                changed = True
    return live_in


def _live_out(block: Block, live_in: Dict[Block, Set[Value]]) -> Set[Value]:
    out: Set[Value] = set()
    for succ in block.successors:
        out |= live_in[succ] - set(succ.params)
    return out


def insert_refcounts(fn: Function) -> None:
    live_in = liveness(fn)
    predecessors: Dict[Block, int] = {b: 0 for b in fn.blocks}
    for block in fn.blocks:
        for succ in block.successors:
            predecessors[succ] += 1
    # Edge code goes in only after every block has been processed, so that no
    # block's analysis sees another's inserted ops.
    pending: List = []
    for block in list(fn.blocks):
        _block(fn, block, live_in, predecessors, pending)
    for action in pending:
        action()


def _block(fn: Function, block: Block, live_in: Dict[Block, Set[Value]],
           predecessors: Dict[Block, int], pending: List) -> None:
    live_out = _live_out(block, live_in)
    term_uses = set(_terminator_uses(block))
    last_use: Dict[Value, int] = {}
    for index, op in enumerate(block.ops):
        for v in op.operands:
            if is_object(v):
                last_use[v] = index
    owned_here = [p for p in block.params if is_object(p) and is_owned(fn, p)]
    owned_here += [v for v in live_in[block] if is_owned(fn, v) and v not in owned_here]

    def dies_at(v: Value, index: int) -> bool:
        return (is_owned(fn, v) and last_use.get(v, -1) == index and v not in live_out
                and v not in term_uses)

    held: List[Value] = []  # owned references held at the current point, in order
    held_before_last: List[Value] = []
    new_ops: List[Op] = []
    for v in owned_here:
        if v in last_use or v in live_out or v in term_uses:
            held.append(v)
        else:
            new_ops.append(DecRef(v))  # a parameter nobody reads
    trying = isinstance(block.terminator, TryGoto)
    for index, op in enumerate(block.ops):
        if op.can_raise:
            op.cleanup = list(held)
        if trying and index == len(block.ops) - 1:
            # its failure takes the handler edge, whose code releases
            op.cleanup = []
            held_before_last = list(held)
        new_ops.append(op)
        released = []
        for v in dict.fromkeys(op.operands):
            if is_object(v) and dies_at(v, index):
                released.append(v)
        for v in released:
            new_ops.append(DecRef(v))
            held.remove(v)
        if is_object(op) and is_owned(fn, op):
            if op in last_use or op in live_out or op in term_uses:
                held.append(op)
            else:
                new_ops.append(DecRef(op))
    block.ops = new_ops
    term = block.terminator
    if isinstance(term, Return):
        value = term.operands[0]
        if is_object(value):
            if is_owned(fn, value) and value in held:
                held.remove(value)
            elif not isinstance(value, (Constant, Undefined)):  # literals are immortal
                block.ops.append(IncRef(value))
        for v in held:
            block.ops.append(DecRef(v))
        return
    if isinstance(term, Raise) or not term.edges:
        for v in held:
            block.ops.append(DecRef(v))
        return
    for index, edge in enumerate(term.edges):
        on_failure = isinstance(term, TryGoto) and index == 1
        code = _edge_code(fn, edge, held_before_last if on_failure else held, live_in)
        if not code:
            continue
        if len(term.edges) == 1:
            block.ops.extend(code)
        elif predecessors[edge.target] == 1:
            pending.append(lambda target=edge.target, code=code: target.ops.__setitem__(
                slice(0, 0), code))
        else:
            pending.append(lambda edge=edge, code=code: _split_edge(fn, edge, code))


def _edge_code(fn: Function, edge: Edge, held: List[Value],
               live_in: Dict[Block, Set[Value]]) -> List[Op]:
    need = live_in[edge.target] - set(edge.target.params)
    consumed: Set[Value] = set()
    increfs: List[Op] = []
    for arg in edge.args:
        if not is_object(arg):
            continue
        if arg in held and arg not in need and arg not in consumed:
            consumed.add(arg)
        elif not isinstance(arg, (Constant, Undefined)):  # literals are immortal
            increfs.append(IncRef(arg))
    decrefs = [DecRef(v) for v in held if v not in need and v not in consumed]
    return increfs + decrefs


def _split_edge(fn: Function, edge: Edge, code: List[Op]) -> None:
    middle = fn.new_block("edge")
    middle.ops = list(code)
    middle.terminator = Goto(edge.target)
    middle.terminator.edges[0].args = edge.args
    edge.target = middle
    edge.args = []
