"""Clean-up passes over IR.  Each leaves valid IR behind.

- remove_unreachable_blocks: blocks no path from the entry reaches.
- remove_trivial_params: block parameters whose every incoming value is the
  same (SSA construction leaves these behind), replaced by that value.
- fold_bound_checks: CheckBound of a constant true disappears.
"""
from __future__ import annotations

from typing import Dict, List, Set

from .ops import BlockParam, CheckBound, Constant, Function, Value


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


def remove_trivial_params(fn: Function) -> None:
    incoming: Dict[BlockParam, List[Value]] = {}
    changed = True
    while changed:
        changed = False
        incoming = {p: [] for b in fn.blocks for p in b.params}
        for block in fn.blocks:
            for edge in block.terminator.edges:
                for arg, param in zip(edge.args, edge.target.params):
                    incoming[param].append(arg)
        mapping: Dict[Value, Value] = {}
        for block in fn.blocks[1:]:
            keep = []
            for index, param in enumerate(block.params):
                sources = {v for v in incoming[param] if v is not param}
                if len(sources) == 1:
                    mapping[param] = sources.pop()
                else:
                    keep.append(index)
            if len(keep) != len(block.params):
                _drop_params(fn, block, keep)
                changed = True
        if mapping:
            _substitute(fn, mapping)


def _drop_params(fn: Function, block, keep: List[int]) -> None:
    block.params = [block.params[i] for i in keep]
    for pred in fn.blocks:
        for edge in pred.terminator.edges:
            if edge.target is block:
                edge.args = [edge.args[i] for i in keep]


def fold_bound_checks(fn: Function) -> None:
    for block in fn.blocks:
        block.ops = [
            op for op in block.ops
            if not (isinstance(op, CheckBound) and isinstance(op.operands[0], Constant)
                    and op.operands[0].value is True)
        ]


def simplify(fn: Function) -> None:
    """The clean-up pipeline the frontend runs on every function it builds."""
    remove_unreachable_blocks(fn)
    remove_trivial_params(fn)
    fold_bound_checks(fn)
