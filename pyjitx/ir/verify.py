"""Checks that a function is well-formed IR; run after every pass in tests.

Checks: every block ends in a terminator; edges pass one argument of the
right type per target parameter; every operand is defined in a block that
dominates its use (or earlier in the same block); operand types fit ops
(a function value widens to a larger set; a key compares with one of the
same set); every cycle of blocks polls for signals (a loop that did not
could not be interrupted).
"""
from __future__ import annotations

from typing import Dict, List, Set

from .ops import (Block, BlockParam, Branch, Call, Compare, Constant, Function, Op,
                  PrimitiveCall, Return, Undefined, Value, WidenFunction)
from .types import BOOL, FunctionSetType, unify


class VerificationError(Exception):
    pass


def _dominators(fn: Function) -> Dict[Block, Set[Block]]:
    blocks = fn.blocks
    preds: Dict[Block, List[Block]] = {b: [] for b in blocks}
    for b in blocks:
        for s in b.successors:
            preds[s].append(b)
    dom = {b: set(blocks) for b in blocks}
    dom[fn.entry] = {fn.entry}
    changed = True
    while changed:
        changed = False
        for b in blocks[1:]:
            ps = [dom[p] for p in preds[b]]
            new = set.intersection(*ps) if ps else set()
            new = new | {b}
            if new != dom[b]:
                dom[b] = new
                changed = True
    return dom


def _polls(block: Block) -> bool:
    return any(isinstance(op, PrimitiveCall) and op.primitive.name == "poll_signals"
               for op in block.ops)


def _cycle_without_poll(fn: Function):
    """A block on a cycle of blocks none of which polls, or None: with the
    polling blocks taken out, the rest must be acyclic.  The header of a
    range loop that runs at most a chunk of iterations counts as polling."""
    state: Dict[Block, int] = {b: 2 for b in fn.blocks if _polls(b) or b.chunked}  # as if done
    for root in fn.blocks:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(root.successors))]
        while stack:
            block, successors = stack[-1]
            for succ in successors:
                seen = state.get(succ)
                if seen == 1:
                    return succ
                if seen is None:
                    state[succ] = 1
                    stack.append((succ, iter(succ.successors)))
                    break
            else:
                state[block] = 2
                stack.pop()
    return None


def verify_function(fn: Function) -> None:
    errors: List[str] = []
    block_set = set(fn.blocks)
    defined_in: Dict[Value, Block] = {}
    for block in fn.blocks:
        for p in block.params:
            defined_in[p] = block
        for op in block.ops:
            defined_in[op] = block
    dom = _dominators(fn)
    if len(fn.entry.params) != len(fn.signature.param_types):
        errors.append("entry block parameters do not match the signature")

    def check_use(value: Value, block: Block, seen: Set[Value], where: str) -> None:
        if isinstance(value, (Constant, Undefined)):
            return
        home = defined_in.get(value)
        if home is None:
            errors.append(f"{block.label}: {where} uses a value defined in no block")
        elif home is block:
            if value not in seen:
                errors.append(f"{block.label}: {where} uses a value before its definition")
        elif home not in dom[block]:
            errors.append(f"{block.label}: {where} uses a value from {home.label}, "
                          "which does not dominate it")

    for block in fn.blocks:
        seen: Set[Value] = set(block.params)
        for op in block.ops:
            for v in op.operands:
                check_use(v, block, seen, op.mnemonic)
            if isinstance(op, Call) and len(op.operands) != len(op.callee.param_types):
                errors.append(f"{block.label}: call of {op.callee.name} has the wrong arity")
            if isinstance(op, WidenFunction) and unify(op.operands[0].type, op.type) != op.type:
                errors.append(f"{block.label}: {op.operands[0].type} widened to {op.type}")
            if isinstance(op, Compare) and any(isinstance(v.type, FunctionSetType)
                                               for v in op.operands) \
                    and op.operands[0].type != op.operands[1].type:
                errors.append(f"{block.label}: compares keys of different function sets")
            seen.add(op)
        term = block.terminator
        if term is None:
            errors.append(f"{block.label}: no terminator")
            continue
        for v in term.operands:
            check_use(v, block, seen, term.mnemonic)
        if isinstance(term, Branch) and term.operands[0].type != BOOL:
            errors.append(f"{block.label}: branch on a non-bool")
        if isinstance(term, Return) and term.operands[0].type != fn.signature.return_type:
            errors.append(f"{block.label}: returns {term.operands[0].type}, "
                          f"expected {fn.signature.return_type}")
        for edge in term.edges:
            if edge.target not in block_set:
                errors.append(f"{block.label}: edge to a block outside the function")
                continue
            if len(edge.args) != len(edge.target.params):
                errors.append(f"{block.label}: edge to {edge.target.label} passes "
                              f"{len(edge.args)} arguments for {len(edge.target.params)} parameters")
            for arg, param in zip(edge.args, edge.target.params):
                check_use(arg, block, seen, f"edge to {edge.target.label}")
                if arg.type != param.type:
                    errors.append(f"{block.label}: edge to {edge.target.label} passes "
                                  f"{arg.type} for {param.type}")
    if fn.entry in {s for b in fn.blocks for s in b.successors}:
        errors.append("the entry block has predecessors")
    unpolled = _cycle_without_poll(fn)
    if unpolled is not None:
        errors.append(f"{unpolled.label}: a loop through it never polls for signals")
    if errors:
        raise VerificationError(f"invalid IR in {fn.name}:\n  " + "\n  ".join(errors))
