"""SSA construction while the IR is built, after Braun et al., "Simple and
Efficient Construction of Static Single Assignment Form" (CC 2013).

Join points are block parameters rather than phi nodes.  A block is
"sealed" once all of its predecessors are known; reads in an unsealed
block create an incomplete parameter whose incoming values are filled in
at sealing.  Trivial parameters are removed afterwards by
pyjitx.ir.passes.remove_trivial_params.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Set, Tuple

from ..ir.ops import Block, BlockParam, Edge, Undefined, Value
from ..ir.types import Type


class SSABuilder:
    def __init__(self, var_type: Callable[[str], Type],
                 undefined: Callable[[str], Value]) -> None:
        self._var_type = var_type
        self._undefined = undefined
        self._defs: Dict[Block, Dict[str, Value]] = {}
        self._preds: Dict[Block, List[Block]] = {}
        self._sealed: Set[Block] = set()
        self._incomplete: Dict[Block, List[Tuple[str, BlockParam]]] = {}

    # ---- graph bookkeeping

    def add_block(self, block: Block) -> None:
        self._defs[block] = {}
        self._preds[block] = []
        self._incomplete[block] = []

    def add_edge(self, source: Block, target: Block) -> None:
        assert target not in self._sealed, f"edge into sealed block {target.label}"
        self._preds[target].append(source)

    def roll_back(self, dropped: Set[Block], reopened: Block) -> None:
        """A partial build was undone: the blocks in `dropped` are gone and
        `reopened` lost its ops and terminator.  Forget the edges out of
        them and what `reopened` defined (values of the dropped code)."""
        gone = dropped | {reopened}
        for preds in self._preds.values():
            preds[:] = [p for p in preds if p not in gone]
        self._defs[reopened] = {}

    def seal(self, block: Block) -> None:
        pending = self._incomplete[block]
        while pending:
            var, param = pending.pop(0)
            self._add_incoming(var, block)
        self._sealed.add(block)

    def is_sealed(self, block: Block) -> bool:
        return block in self._sealed

    # ---- variables

    def write(self, var: str, block: Block, value: Value) -> None:
        self._defs[block][var] = value

    def read(self, var: str, block: Block) -> Value:
        value = self._defs[block].get(var)
        if value is not None:
            return value
        return self._read_recursive(var, block)

    def _read_recursive(self, var: str, block: Block) -> Value:
        preds = self._preds[block]
        if block not in self._sealed:
            value: Value = block.add_param(self._var_type(var), var)
            self._incomplete[block].append((var, value))  # type: ignore[arg-type]
        elif not preds:
            value = self._undefined(var)
        elif len(preds) == 1:
            value = self.read(var, preds[0])
        else:
            value = block.add_param(self._var_type(var), var)
            self.write(var, block, value)
            self._add_incoming(var, block)
        self.write(var, block, value)
        return value

    def _add_incoming(self, var: str, block: Block) -> None:
        for pred in self._preds[block]:
            edge = _edge(pred, block)
            edge.args.append(self.read(var, pred))


def _edge(source: Block, target: Block) -> Edge:
    for edge in source.terminator.edges:  # type: ignore[union-attr]
        if edge.target is target:
            return edge
    raise AssertionError(f"no edge {source.label} -> {target.label}")
