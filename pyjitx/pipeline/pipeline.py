"""Pipeline: a traced graph with the ops and instances it uses, runnable in
this process and savable as a directory.

A pipeline from pyjitx.trace runs the ops compiled in this process and the
very instances the traced function used; one from pyjitx.load runs the
object files of the directory and instances rebuilt from its state.  Both
run the same way: nodes in recorded order, each op through the bridge
(which releases the GIL while machine code runs), values in a dict local
to the call -- so one pipeline may run in several threads at once (ops
that mutate a shared instance are as safe as the same calls made directly).
"""
from __future__ import annotations

import os
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from ..errors import user_facing
from .graph import Graph, Node, evaluate


class Pipeline:
    """What pyjitx.trace returns and pyjitx.load rebuilds."""

    def __init__(self, graph: Graph, ops: Mapping[str, Any], name: str,
                 input_types: Optional[Mapping[str, str]] = None,
                 loaded_from: Optional[str] = None,
                 models: Optional[Mapping[str, Any]] = None) -> None:
        self.graph = graph
        self.ops = dict(ops)  # op id -> CompiledOp or LoadedOp
        self.name = name
        self.input_types = dict(input_types or {})
        self.loaded_from = loaded_from
        self._bound = {op_id: op.bound() for op_id, op in self.ops.items()}
        # TorchScript models (torch_nodes.TorchModule), by id
        self.models = dict(models or {})

    @property
    def inputs(self) -> Tuple[str, ...]:
        """The feed names: the traced function's parameter names."""
        return self.graph.inputs

    @property
    def outputs(self) -> Tuple[str, ...]:
        """The graph values the result is made of, in order (the result
        itself is what the traced function returned: run() rebuilds its
        tuples, lists and dicts around them)."""
        return self.graph.output_names()

    def run(self, feed: Mapping[str, Any]) -> Any:
        """Run the graph on `feed` (input name -> value); returns what the
        traced function returned."""
        if not isinstance(feed, Mapping):
            raise TypeError(f"Pipeline.run() expects a dict of inputs, not {type(feed).__name__}")
        missing = [name for name in self.graph.inputs if name not in feed]
        if missing:
            raise TypeError(f"Pipeline.run(): no value for the input '{missing[0]}' (the inputs "
                            f"are {', '.join(self.graph.inputs) or 'none'})")
        extra = [name for name in feed if name not in self.graph.inputs]
        if extra:
            raise TypeError(f"Pipeline.run(): unexpected input {extra[0]!r} (the inputs are "
                            f"{', '.join(self.graph.inputs) or 'none'})")
        env: Dict[str, Any] = {name: feed[name] for name in self.graph.inputs}
        runners = _RUNNERS
        for node in self.graph.nodes:
            runners[node.kind](self, node, env)
        return evaluate(self.graph.outputs, env)

    def _run_op(self, node: Node, env: Dict[str, Any]) -> None:
        args = tuple(evaluate(e, env) for e in node.inputs)
        env[node.outputs[0]] = self._bound[node.op](args)  # type: ignore[index]

    def _run_torch(self, node: Node, env: Dict[str, Any]) -> None:
        args = tuple(evaluate(e, env) for e in node.inputs)
        env[node.outputs[0]] = self.models[node.op](args)  # type: ignore[index]

    def _run_item(self, node: Node, env: Dict[str, Any]) -> None:
        value = evaluate(node.inputs[0], env)
        if not isinstance(value, tuple) or not 0 <= node.index < len(value):  # type: ignore
            raise TypeError(f"pipeline node {node.where or node.outputs[0]}: expected a tuple "
                            f"with an item {node.index}, got {type(value).__name__}")
        env[node.outputs[0]] = value[node.index]  # type: ignore[index]

    @user_facing
    def save(self, path: "str | os.PathLike[str]", *, portable: bool = True) -> None:
        """Write the pipeline as a self-contained directory (docs/spec.md
        §3.5; docs/pipeline-format.md).  Ops are compiled for a baseline x86-64
        CPU unless `portable=False` (this machine's CPU: faster code, loads
        only where the same CPU features exist)."""
        from .saver import save

        save(self, os.fspath(path), portable=portable)

    def __repr__(self) -> str:
        return (f"<pyjitx.Pipeline {self.name!r}: inputs {', '.join(self.inputs) or '()'}; "
                f"{len(self.graph.nodes)} nodes, {len(self.ops)} ops"
                + (f", {len(self.models)} models>" if self.models else ">"))


# how each kind of node runs (graph.NODE_KINDS); functions, not bound
# methods, so that a pipeline holds no reference cycle and its instances
# die with it
_RUNNERS: Dict[str, Callable[[Pipeline, Node, Dict[str, Any]], None]] = {
    "op": Pipeline._run_op, "item": Pipeline._run_item, "torch": Pipeline._run_torch}
